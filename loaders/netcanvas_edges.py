"""An export's edges joined to their alters: each end found in its own interview.

An edge names its ends by ``networkCanvasSourceUUID``/``networkCanvasTargetUUID`` (or, in
older exports, by ``from``/``to``, the ``nodeID`` of a node of the same interview); the
ends are looked up as integer codes of (interview, id), and two alters of one interview
with the same id are reported first, since an edge could not tell them apart. Used by
:mod:`lacgraph.loaders.netcanvas_build`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from lacgraph.loaders.netcanvas_files import (
    EGO_UUID,
    NODE_UUID,
    SOURCE_UUID,
    TARGET_UUID,
    Interviews,
    plain_type,
)
from lacgraph.loaders.netcanvas_mapping import Mapping, default_tie_kind
from lacgraph.loaders.netcanvas_problems import Problems
from lacgraph.tables import factorize, hashes_shared, text_hashes

__all__ = ["check_repeated_ids", "edges_of", "find_ends"]


def find_ends(interviews: Interviews, egos: pd.DataFrame, mapping: Mapping,
              problems: Problems) -> tuple[Interviews, np.ndarray]:
    """Find each edge's ends among the alters as read, then let the alters' ids go.

    Repeated ids are reported (:func:`check_repeated_ids`); each edge's source and target
    are found by their interview and UUID (else ``from``/``to`` and ``nodeID``). Returns
    the interviews without the alters' ``networkCanvasUUID`` and ``nodeID`` (unless the
    mapping reads them): a string per alter, nothing reads them once the ends are found
    (memory, issue 24); and, per edge, the index labels of the alters its source and
    target are (-1: none; shape ``(2, edges)``).
    """
    alters, edges = interviews.alters, interviews.edges
    ends = np.full((2, len(edges)), -1, dtype=np.int64)
    if alters.empty:
        return interviews, ends
    known = alters[EGO_UUID].isin(egos[EGO_UUID]).to_numpy()
    check_repeated_ids(alters if known.all() else alters[known], problems)
    if len(edges):
        # an edge's ends are found by number: (interview, UUID or nodeID) as integer codes
        interview_codes = factorize(np.concatenate([alters[EGO_UUID].to_numpy(object),
                                                    edges[EGO_UUID].to_numpy(object)]))[0]
        alter_interview, edge_interview = np.split(interview_codes.astype(np.int64) + 1,
                                                   [len(alters)])
        alter_interview[~known] = 0  # the alters of an unknown interview are no one's ends
        del interview_codes
        labels = alters.index.to_numpy()
        for side, (uuid_column, number_column) in enumerate(((SOURCE_UUID, "from"),
                                                             (TARGET_UUID, "to"))):
            uuid = _text(edges, uuid_column)
            row = _alter_rows(alter_interview, alters[NODE_UUID].to_numpy(object),
                              edge_interview, uuid)
            if "nodeID" in alters:
                row = np.where(uuid == "", _alter_rows(
                    alter_interview, alters["nodeID"].to_numpy(object), edge_interview,
                    _text(edges, number_column)), row)
            ends[side] = np.where(row < 0, -1, labels.take(np.maximum(row, 0)))
            del uuid, row
    read = {v for rule in mapping.nodes.values() for v in (
        rule.label, rule.identity, rule.kind_from, rule.circle, *rule.kind_if)}
    unread = [c for c in (NODE_UUID, "nodeID") if c in alters.columns and c not in read]
    if unread:
        interviews = replace(interviews, alters=alters.drop(columns=unread))
    return interviews, ends


def _text(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column's cells as text (``""`` everywhere when there is no such column)."""
    if column not in frame:
        return np.full(len(frame), "", dtype=object)
    return frame[column].astype(str).to_numpy(object)


def check_repeated_ids(alters: pd.DataFrame, problems: Problems) -> None:
    """Report two alters of one interview with the same ``networkCanvasUUID`` (or, where
    the UUIDs differ, the same ``nodeID``): an edge's ends are found by these ids, so each
    must name one alter. The problem is on the later row and names the earlier one."""
    reported = np.zeros(len(alters), dtype=bool)
    interview = text_hashes(alters[EGO_UUID]) if len(alters) else None
    for column in (NODE_UUID, "nodeID"):
        if column not in alters.columns or interview is None:
            continue
        ids = alters[column].astype(str)
        # rows whose (interview, id) hash alike, then only those compared as text: no
        # hash table of every id while the whole export is held (memory, issue 24)
        alike = hashes_shared(text_hashes(ids) * np.uint64(0x9E3779B97F4A7C15) ^ interview)
        candidates = np.flatnonzero(alike & ids.ne("").to_numpy())
        if not len(candidates):
            continue
        keys = pd.DataFrame({"interview": alters[EGO_UUID].to_numpy(object)[candidates],
                             "id": ids.to_numpy(object)[candidates], "row": candidates})
        repeated = candidates[keys.duplicated(["interview", "id"], keep="first").to_numpy()
                              & ~reported[candidates]]
        first = keys.drop_duplicates(["interview", "id"], keep="first").set_index(
            ["interview", "id"])["row"]
        for i in repeated:
            row = alters.iloc[i]
            earlier = alters.iloc[int(first.loc[(alters[EGO_UUID].iat[i], ids.iat[i])])]
            reported[i] = True
            where = str(row["@where"]) if "@where" in row.index and row["@where"] else ""
            problems.add(row["@file"], row["@line"], column, ids.iat[i],
                         (f"{where}: " if where else "")
                         + f"the alter at {_place(earlier)} in the same interview has this "
                         f"{column} too; expected each alter of an interview to have its "
                         f"own {column}")


def _place(row: pd.Series) -> str:
    """Where a row is, as a person finds it: file and line (and the GraphML element)."""
    where = str(row["@where"]) if "@where" in row.index and row["@where"] else ""
    return f"{row['@file']} line {row['@line']}" + (f" ({where})" if where else "")


def edges_of(interviews: Interviews, egos: pd.DataFrame, alters: pd.DataFrame,
             ends: np.ndarray, mapping: Mapping, problems: Problems) -> pd.DataFrame:
    """The edges of known interviews joined to their alters (``ends``: see
    :func:`find_ends`; ``alters`` indexed as read)."""
    edges = interviews.edges
    columns = ["source", "target", "kind", "ego", "round", "@file", "@line"]
    if edges.empty:
        return pd.DataFrame(columns=columns)
    info = egos.drop_duplicates(EGO_UUID).set_index(EGO_UUID)
    known = edges[EGO_UUID].isin(info.index).to_numpy()
    problems.rows(edges, ~known, EGO_UUID, edges[EGO_UUID],
                  "no interview in the ego file(s) has this networkCanvasEgoUUID")
    edges = edges if known.all() else edges[known]  # read, never written: no copy
    out = {"ego": info["ego"].reindex(edges[EGO_UUID]).to_numpy(),
           "round": info["round"].reindex(edges[EGO_UUID]).to_numpy()}
    ends = ends[:, known]
    alter_ids = alters["alter"].to_numpy(object)
    alter_types = alters["type"].to_numpy(object)
    types: dict[str, np.ndarray] = {}
    for side, (end, uuid_column, number_column) in enumerate(
            (("source", SOURCE_UUID, "from"), ("target", TARGET_UUID, "to"))):
        uuid = edges[uuid_column].astype(str) if uuid_column in edges else pd.Series(
            "", index=edges.index)
        number = edges[number_column].astype(str) if number_column in edges else pd.Series(
            "", index=edges.index)
        row = alters.index.get_indexer(ends[side])  # the alter's position, -1: none
        missing = row < 0
        shown = uuid.where(uuid.ne(""), number)
        problems.rows(edges, missing, uuid_column if uuid.ne("").any() else number_column,
                      shown, f"the edge's {end} is not a node of this interview; expected "
                      "the networkCanvasUUID (or nodeID) of a node in the same interview")
        out[end], types[end] = (np.where(missing, "", values.take(np.maximum(row, 0)))
                                if len(values) else np.full(len(row), "", dtype=object)
                                for values in (alter_ids, alter_types))
        del uuid, number, shown, row, missing
    mapped = {plain_type(k): v.kind for k, v in mapping.edges.items() if v.kind}
    # one "<source type>-<target type>" string per pair of types, shared by its edges
    source_codes, source_types = factorize(types["source"])
    target_codes, target_types = factorize(types["target"])
    codes, combos = factorize(source_codes.astype(np.int64) * (len(target_types) + 1)
                              + target_codes)
    texts = np.array([f"{source_types[c // (len(target_types) + 1)]}-"
                      f"{target_types[c % (len(target_types) + 1)]}" for c in combos],
                     dtype=object)
    del types, source_codes, target_codes
    pair = pd.Series(texts.take(codes) if len(texts) else np.array([], dtype=object),
                     index=edges.index, dtype=object)
    defaults = {p: default_tie_kind(*p.split("-", 1)) or "" for p in texts}
    chosen = edges["@type"].map(mapped).astype(object)
    kind = chosen.where(chosen.notna(), pair.map(defaults)).fillna("").astype(object)
    out["kind"] = kind.to_numpy(object)
    bad = kind.eq("").to_numpy() & (out["source"] != "") & (out["target"] != "")
    problems.rows(edges, bad, "", pair,
                  "no tie kind joins these node types; set a kind for this edge type in the "
                  "mapping ([edges.<Type>] kind = ...) or map the node types differently")
    out["@file"] = edges["@file"].to_numpy()
    out["@line"] = edges["@line"].to_numpy()
    return pd.DataFrame({c: out[c] for c in columns}, index=edges.index)


def _alter_rows(alter_interview: np.ndarray, alter_ids: np.ndarray,
                edge_interview: np.ndarray, edge_ids: np.ndarray) -> np.ndarray:
    """The row of the alter each edge end names (its interview and id), -1 if none.

    Where two alters of one interview have the same id (a problem reported by
    :func:`check_repeated_ids`), the first is named.
    """
    codes, uniques = factorize(np.concatenate([alter_ids, edge_ids]))
    width = len(uniques) + 1
    keys = np.split(codes.astype(np.int64) + 1, [len(alter_ids)])  # a missing id: 0
    del codes
    table = pd.Series(np.arange(len(alter_ids), dtype=np.float64),
                      index=pd.Index(alter_interview * width + keys[0]))
    if not table.index.is_unique:
        table = table[~table.index.duplicated(keep="first")]
    rows = table.reindex(edge_interview * width + keys[1]).to_numpy()
    return np.where(np.isnan(rows), -1, rows).astype(np.int64)
