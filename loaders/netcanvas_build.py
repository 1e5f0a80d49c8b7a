"""Build dated lacgraph nodes and ties from Network Canvas interview tables.

The rules are described in :mod:`lacgraph.loaders.netcanvas`; this module identifies
interviews and alters on whole tables (pandas), collecting every problem before raising
once; :mod:`lacgraph.loaders.netcanvas_edges` joins the edges to their alters and
:mod:`lacgraph.loaders.netcanvas_dates` dates the ties.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lacgraph.errors import InputError, Problem
from lacgraph.loaders.netcanvas_dates import DATE_COLUMNS, dated_ties, interview_dates
from lacgraph.loaders.netcanvas_edges import edges_of, find_ends
from lacgraph.loaders.netcanvas_files import (
    EGO_UUID,
    ENCRYPTED,
    NODE_UUID,
    Interviews,
    plain_type,
)
from lacgraph.loaders.netcanvas_mapping import CircleLayout, Mapping, NodeRule
from lacgraph.loaders.netcanvas_match import MATCH_COLUMNS, Matching, key_codes, match_alters
from lacgraph.loaders.netcanvas_nodes import nodes_of
from lacgraph.loaders.netcanvas_problems import Problems
from lacgraph.model import TIE_KINDS
from lacgraph.tables import categorical, factorize, few_first

__all__ = ["Built", "build_tables", "interview_dates", "ring_of"]

PROTOCOL = "networkCanvasProtocolName"
_ALTER_COLUMNS = ("ego", "alter", "type", "label", "kinds", "circle", "round", "nc_type",
                  "@file", "@line", "@where")
TRUE = "true"


def ring_of(x: np.ndarray, y: np.ndarray, layout: CircleLayout) -> np.ndarray:
    """Return the circle (1-4) of sociogram positions inside concentric rings.

    Positions are fractions (0-1) of the sociogram, the rings centred on (0.5, 0.5).
    Ring ``i`` of ``n`` (1 innermost) reaches ``0.5 * (1 - (1 - i/n) ** q)`` from the
    centre, ``q`` 1.4 when the rings are skewed towards the centre, else 1 (as Network
    Canvas draws them); a position beyond the outer ring is in the outer ring.

    Examples
    --------
    >>> layout = CircleLayout("circles", rings=4, skewed=False)
    >>> ring_of(np.array([0.5, 0.6, 0.5, 0.0]), np.array([0.5, 0.5, 0.85, 0.0]), layout).tolist()
    [1, 1, 3, 4]
    """
    n = layout.rings
    q = 1.4 if layout.skewed else 1.0
    radii = 0.5 * (1 - (1 - np.arange(1, n + 1) / n) ** q)
    distance = np.hypot(np.asarray(x, float) - 0.5, np.asarray(y, float) - 0.5)
    ring = np.minimum(np.searchsorted(radii, distance, side="left"), n - 1)
    return np.asarray(layout.ring_circles, dtype=np.int64)[ring]


@dataclass(frozen=True)
class Built:
    """What an export becomes: text ``nodes`` and ``ties`` (with, per row, the file and line
    it came from), the notices (rows left out, and why), the matching of alters across
    interviews, and ``reviews`` (``person,date``: every interview's date)."""

    nodes: pd.DataFrame
    ties: pd.DataFrame
    node_from: pd.DataFrame
    tie_from: pd.DataFrame
    notices: list[Problem]
    matching: Matching
    reviews: pd.DataFrame


def build_tables(interviews: Interviews, mapping: Mapping,
                 decisions: pd.DataFrame | None = None) -> Built:
    """Return the dated network of the interviews (see :class:`Built`).

    ``decisions`` are a person's answers about candidate matches (see
    :mod:`lacgraph.loaders.netcanvas_match`).

    Raises
    ------
    InputError
        Every problem found in the interviews or with the mapping.
    """
    problems = Problems()
    _check_types(interviews, mapping, problems)
    egos = _interviews(interviews, mapping, problems)
    if egos.empty:  # no usable interview: every alter and edge would be reported again
        raise InputError(problems.items)
    interviews, ends = find_ends(interviews, egos, mapping, problems)
    alters, matching = _alters(interviews, egos, mapping, problems, decisions)
    edges = edges_of(interviews, egos, alters, ends, mapping, problems)
    del ends
    if problems.items:
        raise InputError(problems.items)
    # only what the ties and nodes are made of: the rest (the export's cells, keys, UUIDs)
    # can go; a caller that hands the interviews over keeps no reference to them
    del interviews
    alters = _compact(alters[[c for c in _ALTER_COLUMNS if c in alters.columns]])
    alters, edges = _without_self_ties(alters, edges, problems)
    ties, tie_from = dated_ties(egos, alters, edges)
    nodes, node_from = nodes_of(egos, alters, mapping, problems)
    if problems.items:
        raise InputError(problems.items)
    reviews = pd.DataFrame({"person": egos["ego"].to_numpy(object),
                            "date": egos["date"].dt.strftime("%Y-%m-%d").to_numpy(object)}
                           ).drop_duplicates().sort_values(["person", "date"], kind="stable")
    return Built(nodes, ties, node_from, tie_from, problems.notices, matching,
                 reviews.reset_index(drop=True))


def _compact(alters: pd.DataFrame) -> pd.DataFrame:
    """The alters in less memory: a column of a few distinct texts (the ego, the node type,
    the file) as a categorical one (sorted categories, so rows sort as by the text), and
    rounds and lines as 32-bit integers. The steps that follow hold this table while they
    build the nodes and ties (a large import's peak memory, issue 24)."""
    columns = {}
    for name in alters.columns:
        values = alters[name]
        if name in ("round", "@line") and len(values) and values.max() < 1 << 31:
            columns[name] = values.to_numpy(np.int32)
            continue
        cells = values.to_numpy(object) if values.dtype.kind == "O" else None
        # a text column whose first rows hold few values (not the names, not the ids)
        if cells is not None and name != "kinds" and len(cells) > 1 and few_first(cells):
            text = categorical(cells)
            if len(text.categories) * 8 <= len(values) and not text.isna().any():
                columns[name] = text
                continue
        columns[name] = values.to_numpy()
    return pd.DataFrame(columns, index=alters.index, copy=False)


def _without_self_ties(alters: pd.DataFrame, edges: pd.DataFrame, problems: Problems
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Leave out ties from a node to itself (a sociogram artefact), each with a notice."""
    loop = (edges["source"].eq(edges["target"]) & edges["source"].ne("")).to_numpy()
    problems.rows(edges, loop, "to", edges["source"],
                  "an edge from a node to itself (a sociogram artefact); left out",
                  notice=True)
    ego_self = (alters["alter"].eq(alters["ego"]) & alters["alter"].ne("")).to_numpy()
    problems.rows(alters, ego_self, "", alters["alter"],
                  "this alter is the interviewee (its identity is the ego's id); the tie "
                  "to itself is left out", notice=True)
    return alters[~ego_self], edges[~loop]


# ------------------------------------------------------------------------------ interviews


def _check_types(interviews: Interviews, mapping: Mapping, problems: Problems) -> None:
    """Report node and edge types the mapping names but the export lacks (typos)."""
    for part, rules in (("node", mapping.nodes), ("edge", mapping.edges)):
        frame = interviews.alters if part == "node" else interviews.edges
        found = sorted(set(frame["@type"])) if len(frame) else []
        for nc_type in rules:
            if plain_type(nc_type) not in found:
                problems.add(mapping.file, 0, f"{part}s.{nc_type}", nc_type,
                             f"no {part} type {nc_type!r} in the export; found: "
                             f"{', '.join(found) or 'none'}")


def _interviews(interviews: Interviews, mapping: Mapping, problems: Problems) -> pd.DataFrame:
    egos = interviews.egos.copy()
    if egos.empty:
        problems.add("export", 0, "", "", "no interviews (no ego rows); expected at least one")
        return egos.assign(ego="", date=pd.NaT, round=0, rounds=0)
    first = egos.iloc[0]
    if mapping.ego_id not in egos.columns:
        found = ", ".join(c for c in egos.columns if not c.startswith("@"))
        problems.add(first["@file"], 1, mapping.ego_id, "",
                     f"no ego variable {mapping.ego_id!r} to identify people across "
                     f"interviews; found: {found} (set [ego] id in the mapping)")
        return egos.iloc[:0].assign(ego="", date=pd.NaT, round=0, rounds=0)
    ego = egos[mapping.ego_id].astype(str).str.strip()
    problems.rows(egos, ego.eq("") | ego.eq(ENCRYPTED), mapping.ego_id, ego,
                  "no usable ego id (empty or ENCRYPTED); every interview needs the id that "
                  "links a person's interviews")
    ego = _by_protocol(egos, ego, mapping, problems)
    dates, used = interview_dates(egos, mapping.time_zone)
    shown = egos[[c for c in DATE_COLUMNS if c in egos.columns]].astype(str).agg(
        " / ".join, axis=1) if any(c in egos.columns for c in DATE_COLUMNS) else ego
    problems.rows(egos, dates.isna().to_numpy(), "/".join(DATE_COLUMNS), shown,
                  "no interview date; expected an ISO date-time (YYYY-MM-DD...) in "
                  "sessionFinish, sessionStart or sessionExported")
    repeated = egos[EGO_UUID].duplicated(keep="first") & egos[EGO_UUID].ne("")
    problems.rows(egos, repeated.to_numpy(), EGO_UUID, egos[EGO_UUID],
                  "this interview appears twice; expected each interview once")
    egos = egos.assign(ego=ego, date=dates, date_from=used)
    good = egos[egos["ego"].ne("") & egos["ego"].ne(ENCRYPTED) & egos["date"].notna()]
    same_day = good.duplicated(["ego", "date"], keep=False) & ~good[EGO_UUID].duplicated()
    for (person, day), group in good[same_day].groupby(["ego", "date"], sort=True):
        others = ", ".join(f"{f} line {ln}" for f, ln in zip(group["@file"], group["@line"],
                                                              strict=True))
        problems.add(group["@file"].iat[0], group["@line"].iat[0], mapping.ego_id, person,
                     f"{len(group)} interviews of {person} on {day.date()} ({others}); "
                     "expected one interview per person per day")
    egos = egos.sort_values(["ego", "date", "@file", "@line"], kind="stable")
    egos["round"] = egos.groupby("ego").cumcount()
    egos["rounds"] = egos.groupby("ego")["round"].transform("size")
    return egos


def _by_protocol(egos: pd.DataFrame, ego: pd.Series, mapping: Mapping,
                 problems: Problems) -> pd.Series:
    """Tell people apart by (protocol, case id) when the export holds several protocols.

    Two studies may both number their cases P001; unless the mapping says the studies
    share cases (``[study] shared_cases = true``), a person's id is then
    ``<protocol>:<case id>``, and a notice says so.
    """
    if PROTOCOL not in egos.columns or mapping.shared_cases:
        return ego
    protocol = egos[PROTOCOL].astype(str).str.strip()
    names = sorted(set(protocol) - {""})
    if len(names) < 2:
        return ego
    usable = ego.ne("") & ego.ne(ENCRYPTED)
    first = egos.iloc[0]
    problems.notices.append(Problem(
        str(first["@file"]), int(first["@line"]), PROTOCOL, " / ".join(names),
        f"{len(names)} protocols in the export: a person is their protocol and case id "
        "(ids '<protocol>:<case id>'); set [study] shared_cases = true in the mapping if "
        "the protocols interview the same people"))
    prefixed = protocol.where(protocol.eq(""), protocol + ":") + ego
    return prefixed.where(usable, ego)


# ------------------------------------------------------------------------------ alters


def _has(interviews: Interviews, part: str, nc_type: str, column: str) -> bool:
    return column in interviews.columns.get((part, nc_type), set())


def _alters(interviews: Interviews, egos: pd.DataFrame, mapping: Mapping,
            problems: Problems, decisions: pd.DataFrame | None
            ) -> tuple[pd.DataFrame, Matching]:
    alters = interviews.alters
    if alters.empty:
        return pd.DataFrame(columns=["ego", "alter", "type", "label", "kinds", "circle",
                                     "round", "date", EGO_UUID, NODE_UUID, "nodeID",
                                     "@file", "@line", "@type", "nc_type"]), _no_matching()
    info = egos.drop_duplicates(EGO_UUID).set_index(EGO_UUID)
    known = alters[EGO_UUID].isin(info.index).to_numpy()
    problems.rows(alters, ~known, EGO_UUID, alters[EGO_UUID],
                  "no interview in the ego file(s) has this networkCanvasEgoUUID; expected "
                  "the ego file of every interview in the export")
    alters = alters.copy(deep=False) if known.all() else alters[known]  # copy on write
    for column in ("ego", "round", "rounds", "date"):
        alters[column] = info[column].reindex(alters[EGO_UUID]).to_numpy()
    rules = {plain_type(k): v for k, v in mapping.nodes.items()}
    if alters.empty:
        return (alters.assign(alter="", type="", label="", nc_type="", kinds=None, circle=""),
                _no_matching())
    types = alters["@type"].unique()
    groups = [(types[0], alters)] if len(types) == 1 else alters.groupby("@type", sort=True)
    parts = []
    for nc_type, group in groups:  # each group a table of its own (copy on write)
        rule = rules.get(nc_type, NodeRule())
        parts.append(_alter_type(interviews, group, str(nc_type), rule, problems))
    del alters, groups, group
    typed = _numbered_keys(parts[0] if len(parts) == 1 else pd.concat(parts))
    del parts
    if problems.items:  # keys may be incomplete: match once the alters are readable
        return _identify(typed, problems), _no_matching()
    matched, matching = match_alters(typed, decisions)
    del typed
    return _identify(matched, problems), matching


def _numbered_keys(alters: pd.DataFrame) -> pd.DataFrame:
    """One number per key across node types: a name key is its type's own, an identity is
    the same node whatever its type."""
    local = alters["key"].to_numpy(np.int64)
    nc_type = factorize(alters["nc_type"].to_numpy(object))[0].astype(np.int64)
    key = nc_type * (int(np.abs(local).max()) * 2 + 2 if len(local) else 1) + local
    by_identity = alters["by_identity"].to_numpy(bool)
    if by_identity.any():
        key[by_identity] = -(1 << 62) + factorize(
            alters["identity"].to_numpy(object)[by_identity])[0]
    return alters.assign(key=factorize(key)[0].astype(np.int64))


def _no_matching() -> Matching:
    return Matching(pd.DataFrame(columns=list(MATCH_COLUMNS)), 0, 0, 0, 0)


def _alter_type(interviews: Interviews, group: pd.DataFrame, nc_type: str, rule: NodeRule,
                problems: Problems) -> pd.DataFrame:
    """Label, identity key, kinds and circle of the alters of one node type."""
    has = lambda column: _has(interviews, "alters", nc_type, column)  # noqa: E731
    where = f"nodes.{nc_type}"

    def variable(name: str, setting: str) -> pd.Series | None:
        if has(name):
            cells = group[name].astype(str)
            problems.rows(group, cells.eq(ENCRYPTED), name, cells,
                          f"this variable was encrypted in Network Canvas and cannot be read; "
                          f"export it unencrypted or leave {where}.{setting} out of the mapping")
            return cells.where(cells.ne(ENCRYPTED), "")
        found = ", ".join(sorted(c for c in interviews.columns[("alters", nc_type)]
                                 if not c.startswith("@")))
        problems.add(group["@file"].iat[0], 1, name, "",
                     f"no variable {name!r} for node type {nc_type} (mapping {where}."
                     f"{setting}); found: {found}")
        return None

    label_name = rule.label or next((c for c in ("name", "label") if has(c)), None)
    if rule.label:
        label = variable(rule.label, "label")
        label = label if label is not None else pd.Series("", index=group.index, dtype=object)
    elif label_name:
        label = group[label_name].astype(str)
    else:
        label = pd.Series("", index=group.index, dtype=object)
    encrypted_name = label.eq(ENCRYPTED)
    group["label"] = label.where(~encrypted_name, "")
    group["type"] = rule.type
    group["nc_type"] = nc_type

    if rule.identity:
        identity = variable(rule.identity, "identity")
        identity = (identity if identity is not None else pd.Series("", index=group.index)
                    ).str.strip()
        problems.rows(group, identity.eq(""), rule.identity, identity,
                      "empty identity; every alter needs a value of the identity variable")
        group["identity"] = identity
        group["key"] = 0  # numbered with every type's identities by _alters
        group["named"] = False
        group["by_identity"] = True
    else:
        needs_match = group["rounds"].to_numpy() > 1
        problems.rows(group, encrypted_name.to_numpy() & needs_match,
                      label_name or "name", pd.Series(ENCRYPTED, index=group.index),
                      "names are encrypted, so this person's alters cannot be matched across "
                      "interviews; give an identity variable in the mapping "
                      f"([{where}] identity = ...)")
        # each distinct name keyed once, as a number (key_codes): per alter, the number
        # of (name key, occurrence in its interview); no string is made per alter
        labels, distinct = factorize(group["label"].astype(str).to_numpy(object))
        codes, empty = key_codes(np.asarray(distinct, dtype=object))
        del distinct
        name = codes[labels] if len(codes) else labels.astype(np.int64)
        unnamed = empty[labels] if len(empty) else np.zeros(len(labels), dtype=bool)
        del labels, codes, empty
        ego_code = factorize(group[EGO_UUID].to_numpy(object))[0]
        occurrence = pd.DataFrame({"e": ego_code, "n": name}).groupby(
            ["e", "n"], sort=False).cumcount().to_numpy(np.int64)  # a name twice: 0, 1
        key = name * (int(occurrence.max()) + 1 if len(occurrence) else 1) + occurrence
        key[unnamed] = -1 - np.arange(int(unnamed.sum()))  # no name: an alter of its own
        del name, ego_code, occurrence
        group["key"] = key
        group["named"] = ~unnamed
        group["by_identity"] = False

    group["kinds"] = _kinds(group, rule, variable, interviews, nc_type, problems)
    group["circle"] = _circles(group, rule, variable, problems)
    return group


def _kinds(group: pd.DataFrame, rule: NodeRule, variable, interviews: Interviews, nc_type: str,
           problems: Problems) -> pd.Series:
    """Every tie kind the ego-alter relationship has, per alter (default: the rule's kind)."""
    named: list[pd.Series] = []  # one Series of kind-or-"" per source
    if rule.kind_from:
        name = rule.kind_from
        if _has(interviews, "alters", nc_type, name):
            cells = variable(name, "kind_from")
            mapped = cells.replace(rule.kind_values) if rule.kind_values else cells
            bad = mapped.ne("") & ~mapped.isin(TIE_KINDS)
            problems.rows(group, bad.to_numpy(), name, cells,
                          f"not a tie kind; expected one of {', '.join(TIE_KINDS)}, or map "
                          f"the value in nodes.{nc_type}.kind_values")
            named.append(mapped.where(~bad, ""))
        else:
            options = sorted(c for c in interviews.columns[("alters", nc_type)]
                             if c.startswith(name + "_"))
            if not options:
                variable(name, "kind_from")  # reports the missing variable
            for column in options:
                option = column[len(name) + 1:]
                kind = rule.kind_values.get(option, option)
                cells = group[column].astype(str)
                chosen = cells.str.lower().eq(TRUE)
                problems.rows(group, cells.eq(ENCRYPTED), column, cells,
                              "this variable was encrypted in Network Canvas and cannot be "
                              f"read; export it unencrypted or leave nodes.{nc_type}.kind_from "
                              "out of the mapping")
                if kind not in TIE_KINDS:
                    if chosen.any():
                        first = int(np.flatnonzero(chosen.to_numpy())[0])
                        row = group.iloc[first]
                        problems.add(row["@file"], row["@line"], column, option,
                                     f"option {option!r} of {name} is not a tie kind; map it "
                                     f"in nodes.{nc_type}.kind_values")
                    continue
                named.append(pd.Series(np.where(chosen, kind, ""), index=group.index))
    for name, kind in rule.kind_if.items():
        cells = variable(name, f"kind_if.{name}")
        if cells is not None:
            named.append(pd.Series(np.where(cells.str.lower().eq(TRUE), kind, ""),
                                   index=group.index))
    position = pd.RangeIndex(len(group))
    long = pd.concat([pd.DataFrame({"row": position, "order": n, "kind": s.to_numpy(object)})
                      for n, s in enumerate(named)], ignore_index=True) if named else \
        pd.DataFrame({"row": [], "order": [], "kind": []})
    long = long[long["kind"].ne("")].drop_duplicates(["row", "kind"]).sort_values(
        ["row", "order"], kind="stable")
    kinds = long.groupby("row")["kind"].agg(tuple).reindex(position)
    kinds = kinds.where(kinds.notna(), pd.Series([(rule.default_kind,)] * len(group)))
    return pd.Series(kinds.to_numpy(object), index=group.index, dtype=object)


def _circles(group: pd.DataFrame, rule: NodeRule, variable, problems: Problems) -> pd.Series:
    empty = pd.Series("", index=group.index, dtype=object)
    if rule.circle:
        cells = variable(rule.circle, "circle")
        if cells is None:
            return empty
        text = cells.str.strip().str.replace(r"\.0+$", "", regex=True)
        bad = text.ne("") & ~text.isin(["1", "2", "3", "4"])
        problems.rows(group, bad.to_numpy(), rule.circle, cells,
                      "not a circle; expected 1, 2, 3 or 4 (or empty)")
        return text.where(~bad, "")
    if rule.circle_layout is None:
        return empty
    layout = rule.circle_layout
    xs = variable(f"{layout.variable}_x", "circle_layout.variable")
    ys = variable(f"{layout.variable}_y", "circle_layout.variable")
    if xs is None or ys is None:
        return empty
    x = pd.to_numeric(xs.replace("", None), errors="coerce")
    y = pd.to_numeric(ys.replace("", None), errors="coerce")
    placed = xs.ne("") | ys.ne("")
    bad = placed & (x.isna() | y.isna() | ~x.between(0, 1) | ~y.between(0, 1))
    problems.rows(group, bad.to_numpy(), f"{layout.variable}_x/_y", xs + "," + ys,
                  "not a sociogram position; expected x and y between 0 and 1")
    ok = (placed & ~bad).to_numpy()
    out = empty.copy()
    if ok.any():
        out[ok] = ring_of(x[ok].to_numpy(), y[ok].to_numpy(), layout).astype(str)
    return out


def _identify(alters: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """Give every alter its lacgraph node id.

    An alter given by an identity variable is its key; the others are ``<ego>/<n>``, n
    counting each ego's distinct keys in the order first named (by round, file and line).
    The work is on integer codes: one new string per node, none per alter.
    """
    by_identity = alters["by_identity"].to_numpy(bool)
    ids = np.where(by_identity, alters["identity"].to_numpy(object), "").astype(object) \
        if by_identity.any() else np.full(len(alters), "", dtype=object)
    matched = np.flatnonzero(~by_identity)
    if len(matched):
        ego, egos = factorize(alters["ego"].to_numpy(object)[matched], sort=True)
        file = factorize(alters["@file"].to_numpy(object)[matched], sort=True)[0]
        order = np.lexsort((alters["@line"].to_numpy(np.int64)[matched], file,
                            alters["round"].to_numpy(np.int64)[matched], ego))
        del file
        ego = ego[order]
        key = factorize(alters["key"].to_numpy(np.int64)[matched[order]])[0]
        # each (ego, key) numbered in order of first appearance, so an ego's are consecutive
        node = factorize(ego.astype(np.int64) * (int(key.max()) + 1) + key)[0]
        node_ego = ego[np.unique(node, return_index=True)[1]]  # sorted: rows are by ego
        del key, ego
        number = np.arange(len(node_ego)) - np.searchsorted(node_ego, node_ego) + 1
        names = np.array([f"{egos[e]}/{n}" for e, n in zip(node_ego, number, strict=True)],
                         dtype=object)
        del node_ego, number
        ids[matched[order]] = names[node]
    alters = alters.assign(alter=ids)
    # one lacgraph type per node (only a question when the alters have several types)
    types = alters["type"].to_numpy(object)
    if len(types) and (types != types[0]).any():
        named = alters[alters["alter"].ne("")]
        several = named.groupby("alter")["type"].nunique()
        for node_id in several.index[several > 1]:
            rows = named[named["alter"] == node_id]
            found = ", ".join(sorted(set(rows["type"])))
            problems.add(rows["@file"].iat[0], rows["@line"].iat[0], "", node_id,
                         f"this identity is mapped to several node types ({found}); "
                         "expected one type per person or group")
    return alters
