"""The nodes of a Network Canvas import: each interviewee (ego), each alter, each coordinator.

An ego is a person introduced on the date of their first interview, labelled (mapping
``[ego] label``) from their latest interview that gives one; an alter keeps the type,
node type and file line of the interview that first named it and the latest label given;
ego variables copied by the mapping must agree across a person's interviews. Used by
:mod:`lacgraph.loaders.netcanvas_build`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lacgraph.loaders.netcanvas_files import ENCRYPTED
from lacgraph.loaders.netcanvas_mapping import Mapping
from lacgraph.loaders.netcanvas_problems import Problems
from lacgraph.tables import categorical

__all__ = ["nodes_of"]



def nodes_of(egos: pd.DataFrame, alters: pd.DataFrame, mapping: Mapping, problems: Problems
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    latest_first = egos.sort_values(["ego", "round"], ascending=[True, False], kind="stable")
    people = egos.sort_values(["ego", "round"], kind="stable").drop_duplicates("ego")
    table = pd.DataFrame({"id": people["ego"].to_numpy(), "type": "person", "label": "",
                          "supported": "true" if mapping.supported else "false",
                          "introduced_on": people["date"].dt.strftime("%Y-%m-%d").to_numpy(),
                          "nc_node_type": "ego"})
    origin = people[["@file", "@line"]].reset_index(drop=True)
    if mapping.ego_label:
        table["label"] = _latest(latest_first, mapping.ego_label, table["id"], problems,
                                 "ego.label")
    for column, variable in mapping.copy.items():
        table[column] = _agreed(egos, variable, table["id"], problems, f"ego.copy.{column}")
    extra_nodes = []
    if "coordinator" in mapping.copy:
        coordinators = sorted(set(table["coordinator"]) - {""})
        clash = set(coordinators) & set(table["id"])
        for node in sorted(clash):
            row = people[people["ego"] == node].iloc[0]
            problems.add(row["@file"], row["@line"], mapping.copy["coordinator"], node,
                         "this coordinator id is also an interviewee's id; expected "
                         "coordinator ids that differ from people's ids")
        extra_nodes.append(pd.DataFrame({"id": coordinators, "type": "coordinator",
                                         "label": coordinators, "supported": "false",
                                         "introduced_on": "", "nc_node_type": ""}))
    named = alters[alters["alter"].ne("") & ~alters["alter"].isin(table["id"])]
    latest = named.sort_values(["ego", "round"], ascending=[True, False], kind="stable")
    labels = latest[latest["label"].ne("")].drop_duplicates("alter").set_index("alter")["label"]
    first = named.sort_values(["ego", "round", "@file", "@line"], kind="stable"
                              ).drop_duplicates("alter")
    alter_table = pd.DataFrame({
        "id": first["alter"].to_numpy(), "type": first["type"].to_numpy(),
        "label": labels.reindex(first["alter"]).fillna("").to_numpy(),
        "supported": "false", "introduced_on": "", "nc_node_type": first["nc_type"].to_numpy()})
    egos_named = alters[alters["alter"].isin(table["id"]) & alters["type"].ne("person")]
    problems.rows(egos_named, np.ones(len(egos_named), bool), "", egos_named["alter"],
                  "this alter's identity is an interviewee's id but its node type is not "
                  "person; expected a person")
    nodes = _stacked([table, alter_table, *extra_nodes])
    origin = pd.concat([origin, first[["@file", "@line"]].reset_index(drop=True),
                        *(pd.DataFrame({"@file": [mapping.file or "mapping"] * len(e),
                                        "@line": [0] * len(e)}) for e in extra_nodes)],
                       ignore_index=True)
    return nodes, origin


_FEW = ("supported", "introduced_on")
"""Columns of a few values (yes/no, interview dates), kept as categorical text: the
validated nodes hold them in other types, so no text is shared (memory, issue 24)."""


def _stacked(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts one under another, as text (``""`` where a part lacks a column), a
    column each: the validated nodes keep the columns they need and no others."""
    names = list(dict.fromkeys(c for part in parts for c in part.columns))
    columns = {}
    for name in names:
        cells = np.concatenate([part[name].to_numpy(object) if name in part
                                else np.full(len(part), "", dtype=object) for part in parts])
        missing = pd.isna(cells)
        if missing.any():
            cells[missing] = ""
        columns[name] = pd.Series(categorical(cells)) if name in _FEW else pd.Series(
            cells, dtype=object, copy=False)
    return pd.DataFrame(columns, copy=False)


def _missing(egos: pd.DataFrame, variable: str, problems: Problems, setting: str) -> bool:
    """Whether the interviews have no ego ``variable`` (a problem, noted once)."""
    if variable in egos.columns:
        return False
    problems.add(egos["@file"].iat[0], 1, variable, "",
                 f"no ego variable {variable!r} (mapping {setting})")
    return True


def _latest(latest_first: pd.DataFrame, variable: str, ids: pd.Series, problems: Problems,
            setting: str) -> np.ndarray:
    if _missing(latest_first, variable, problems, setting):
        return np.full(len(ids), "", dtype=object)
    values = latest_first[latest_first[variable].astype(str).ne("")
                          & latest_first[variable].ne(ENCRYPTED)]
    return values.drop_duplicates("ego").set_index("ego")[variable].reindex(ids).fillna(
        "").to_numpy(object)


def _agreed(egos: pd.DataFrame, variable: str, ids: pd.Series, problems: Problems,
            setting: str) -> np.ndarray:
    """The ego variable's value, which must be the same in every interview that has one."""
    if _missing(egos, variable, problems, setting):
        return np.full(len(ids), "", dtype=object)
    cells = egos[variable].astype(str)
    problems.rows(egos, cells.eq(ENCRYPTED), variable, cells,
                  f"this variable was encrypted in Network Canvas and cannot be copied "
                  f"(mapping {setting})")
    given = egos[cells.ne("") & cells.ne(ENCRYPTED)]
    several = given.groupby("ego")[variable].nunique()
    for person in several.index[several > 1]:
        rows = given[given["ego"] == person]
        problems.add(rows["@file"].iat[-1], rows["@line"].iat[-1], variable,
                     " / ".join(sorted(set(rows[variable]))),
                     f"{person}'s interviews give different values ({setting}); expected "
                     "one value: correct the export or leave it out of the mapping")
    values = given.drop_duplicates("ego").set_index("ego")[variable]
    return values.reindex(ids).fillna("").to_numpy(object)
