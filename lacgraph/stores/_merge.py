"""Checking and merging a write: which incoming rows are new, changed or unchanged.

A write is planned in memory before anything touches a store file: the incoming tables
are checked (no id or tie key twice, every tie end a node of the merged result, every
tie a start date), compared row by row with what the store holds, and merged with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from lacgraph.errors import NotFound, StoreError
from lacgraph.stores.base import Erasure, LoadSummary, TieKey
from lacgraph.tables import (
    DATE_DTYPE,
    NODE_COLUMNS,
    TIE_COLUMNS,
    Tables,
    normalise_nodes,
    normalise_ties,
)

TIE_KEY = ("lo", "hi", "kind", "start")
TIE_SORT = ["source", "target", "kind", "start"]
BOOL_COLUMNS = {"supported", "reciprocal"}
DATE_COLUMNS = {"introduced_on", "start", "end"}


@dataclass(frozen=True)
class Plan:
    """A checked write: the merged tables, the rows to write and the summary."""

    nodes: pd.DataFrame
    ties: pd.DataFrame
    nodes_to_write: pd.DataFrame
    node_positions: np.ndarray
    ties_to_write: pd.DataFrame
    tie_positions: np.ndarray
    node_columns: list[str]
    tie_columns: list[str]
    summary: LoadSummary


def plan(old_nodes: pd.DataFrame, old_ties: pd.DataFrame,
         nodes: pd.DataFrame, ties: pd.DataFrame) -> Plan:
    """Merge the incoming tables into the stored ones, or raise StoreError if inconsistent.

    A tie given with source and target swapped keeps its stored orientation and is not a
    change (a plain load and a replace agree)."""
    problems = []
    ids = nodes["id"]
    dup = ids[ids.duplicated()].unique()
    if len(dup):
        problems.append(f"{len(dup)} node id{_s(len(dup))} given more than once: "
                        f"{_few([repr(i) for i in dup])}")
    if (ids == "").any():
        problems.append("a node has an empty id")
    if ties["start"].isna().any():
        problems.append(f"{int(ties['start'].isna().sum())} tie(s) without a start date")
    keys = tie_keys(ties)
    dup_keys = keys[keys.duplicated()].unique()
    if len(dup_keys):
        shown = _few([f"{a}-{b} {k} {_iso(s)}" for a, b, k, s in dup_keys])
        problems.append(f"{len(dup_keys)} tie{_s(len(dup_keys))} given more than once "
                        f"(same pair, kind and start): {shown}")
    if problems:
        raise StoreError("; ".join(problems))

    node_columns = _merge_columns(old_nodes, nodes, NODE_COLUMNS)
    tie_columns = _merge_columns(old_ties, ties, TIE_COLUMNS)
    new_nodes, node_pos, n_added, n_changed = _diff(
        old_nodes, pd.Index(old_nodes["id"]), nodes, pd.Index(ids), NODE_COLUMNS, node_columns)
    merged_nodes = _merge(old_nodes, new_nodes, node_columns, NODE_COLUMNS,
                          ~old_nodes["id"].isin(ids).to_numpy(), ["id"], len(node_pos))

    node_ids = pd.Index(merged_nodes["id"])
    missing = ~(ties["source"].isin(node_ids).to_numpy() & ties["target"].isin(node_ids).to_numpy())
    if missing.any():
        bad = ties[missing]
        pairs = [f"{a!r}-{b!r}" for a, b in zip(bad["source"], bad["target"], strict=True)]
        raise StoreError(f"{len(bad)} tie{_s(len(bad))} join{'s' if len(bad) == 1 else ''} "
                         f"an id that is not a node: {_few(pairs)}")

    old_keys = tie_keys(old_ties)
    # a tie given with source and target swapped is the stored tie (as a replace treats it)
    ties = _oriented_as(ties, keys, old_ties, old_keys)
    new_ties, tie_pos, t_added, t_changed = _diff(
        old_ties, old_keys, ties, keys, TIE_COLUMNS, tie_columns)
    merged_ties = _merge(old_ties, new_ties, tie_columns, TIE_COLUMNS,
                         ~old_keys.isin(keys), TIE_SORT, len(tie_pos))

    summary = LoadSummary(
        nodes_added=n_added, nodes_changed=n_changed,
        nodes_unchanged=len(nodes) - n_added - n_changed,
        ties_added=t_added, ties_changed=t_changed,
        ties_unchanged=len(ties) - t_added - t_changed,
    )
    return Plan(merged_nodes, merged_ties, new_nodes.iloc[node_pos], node_pos,
                 new_ties.iloc[tie_pos], tie_pos,
                 node_columns[len(NODE_COLUMNS):], tie_columns[len(TIE_COLUMNS):], summary)


@dataclass(frozen=True)
class Replacement:
    """A checked replace: the write :class:`Plan` and the stored rows it removes."""

    plan: Plan
    removed_nodes: pd.DataFrame
    removed_ties: pd.DataFrame


def plan_replace(old_nodes: pd.DataFrame, old_ties: pd.DataFrame,
                 nodes: pd.DataFrame, ties: pd.DataFrame) -> Replacement:
    """Plan making the store hold exactly ``nodes`` and ``ties`` (or raise StoreError).

    A tie given with source and target swapped keeps its stored orientation and is not
    a change. Columns the incoming tables lack are dropped from every row.
    """
    new_keys, old_keys = tie_keys(ties), tie_keys(old_ties)
    keep_nodes = old_nodes["id"].isin(nodes["id"]).to_numpy()
    keep_ties = np.asarray(old_keys.isin(new_keys), dtype=bool)
    node_columns = list(NODE_COLUMNS) + extra_columns(nodes, NODE_COLUMNS)
    tie_columns = list(TIE_COLUMNS) + extra_columns(ties, TIE_COLUMNS)
    ties = _oriented_as(ties, new_keys, old_ties, old_keys)
    # compared with every stored column, so a row losing a dropped column's value changes
    result = plan(old_nodes[keep_nodes].reset_index(drop=True),
                  old_ties[keep_ties].reset_index(drop=True), nodes, ties)
    result = replace(result, nodes=result.nodes[node_columns], ties=result.ties[tie_columns],
                     node_columns=node_columns[len(NODE_COLUMNS):],
                     tie_columns=tie_columns[len(TIE_COLUMNS):])
    if extra_columns(old_nodes, NODE_COLUMNS) != result.node_columns:
        # stored rows may still carry a dropped column: write every row again
        result = replace(result, nodes_to_write=_align(nodes, node_columns, NODE_COLUMNS),
                         node_positions=np.arange(len(nodes)))
    if extra_columns(old_ties, TIE_COLUMNS) != result.tie_columns:
        result = replace(result, ties_to_write=_align(ties, tie_columns, TIE_COLUMNS),
                         tie_positions=np.arange(len(ties)))
    summary = replace(result.summary, nodes_removed=int((~keep_nodes).sum()),
                      ties_removed=int((~keep_ties).sum()))
    return Replacement(replace(result, summary=summary), old_nodes[~keep_nodes],
                       old_ties[~keep_ties])


def _oriented_as(ties: pd.DataFrame, keys: pd.MultiIndex, old_ties: pd.DataFrame,
                 old_keys: pd.MultiIndex) -> pd.DataFrame:
    """Return ``ties`` with each tie the store holds turned the way it is stored."""
    if not len(old_ties) or not len(ties):
        return ties
    pos = old_keys.get_indexer(keys)
    found = pos >= 0
    source = ties["source"].to_numpy(object)
    stored = old_ties["source"].to_numpy(object)[pos[found]]
    turn = np.zeros(len(ties), dtype=bool)
    turn[np.flatnonzero(found)] = stored != source[found]
    if not turn.any():
        return ties
    out = ties.copy()
    target = ties["target"].to_numpy(object)
    out["source"] = np.where(turn, target, source)
    out["target"] = np.where(turn, source, target)
    return out


def _diff(old: pd.DataFrame, old_keys: pd.Index, new: pd.DataFrame, new_keys: pd.Index,
          fixed: tuple[str, ...], columns: list[str]
          ) -> tuple[pd.DataFrame, np.ndarray, int, int]:
    """Compare incoming rows with stored ones by key.

    Returns the incoming rows aligned to ``columns``, the positions of the rows to write
    (added or changed, ascending), and the counts added and changed.
    """
    new = _align(new, columns, fixed)
    pos = old_keys.get_indexer(new_keys) if len(old_keys) else np.full(len(new), -1)
    found = pos >= 0
    before = _align(old, columns, fixed).iloc[pos[found]]
    differs = np.zeros(int(found.sum()), dtype=bool)
    for col in columns:
        a = new[col].to_numpy()[found]
        b = before[col].to_numpy()
        if col in DATE_COLUMNS:
            same = (a == b) | (np.isnat(a) & np.isnat(b))
        else:
            same = a == b
        differs |= ~np.asarray(same, dtype=bool)
    write = ~found
    write[np.flatnonzero(found)[differs]] = True
    return new, np.flatnonzero(write), int((~found).sum()), int(differs.sum())


def _merge(old: pd.DataFrame, new: pd.DataFrame, columns: list[str], fixed: tuple[str, ...],
           keep_old: np.ndarray, sort: list[str], n_written: int) -> pd.DataFrame:
    """Return the stored rows not in ``new`` plus ``new``, sorted."""
    old = _align(old, columns, fixed)
    if n_written == 0:
        return old
    merged = pd.concat([old[keep_old], new], ignore_index=True)
    return merged.sort_values(sort, kind="stable", ignore_index=True)


def _merge_columns(old: pd.DataFrame, new: pd.DataFrame, fixed: tuple[str, ...]) -> list[str]:
    columns = list(fixed) + extra_columns(old, fixed)
    return columns + [c for c in extra_columns(new, fixed) if c not in columns]


def extra_columns(frame: pd.DataFrame, fixed: tuple[str, ...]) -> list[str]:
    return [c for c in frame.columns if c not in fixed]


def _align(frame: pd.DataFrame, columns: list[str], fixed: tuple[str, ...]) -> pd.DataFrame:
    if list(frame.columns) == columns:
        return frame
    out = frame.reindex(columns=columns)
    for col in columns[len(fixed):]:
        if col not in frame:
            out[col] = np.full(len(out), "", dtype=object)
            out[col] = out[col].astype(object)
    return out


def tie_keys(ties: pd.DataFrame) -> pd.MultiIndex:
    """The key of each tie: (lo, hi, kind, start) with lo <= hi its two ends."""
    source = ties["source"].to_numpy(object)
    target = ties["target"].to_numpy(object)
    swap = np.asarray(source > target, dtype=bool) if len(ties) else np.zeros(0, bool)
    lo = np.where(swap, target, source)
    hi = np.where(swap, source, target)
    start = ties["start"].to_numpy("datetime64[s]").astype(np.int64)
    return pd.MultiIndex.from_arrays(
        [pd.Index(lo, dtype=object), pd.Index(hi, dtype=object),
         pd.Index(ties["kind"].to_numpy(object), dtype=object), start],
        names=list(TIE_KEY))


def conform(frame: pd.DataFrame, fixed: tuple[str, ...], normalise, what: str) -> pd.DataFrame:
    """Return ``frame`` in canonical dtypes (normalising only when it is not already)."""
    if not isinstance(frame, pd.DataFrame):
        raise StoreError(f"The {what} table is not a pandas DataFrame")
    missing = [c for c in fixed if c not in frame.columns]
    if missing:
        raise StoreError(f"The {what} table has no column{_s(len(missing))} {', '.join(missing)}")
    if frame.columns.duplicated().any() or not all(isinstance(c, str) for c in frame.columns):
        raise StoreError(f"The {what} table's column names must be distinct strings")
    if not _canonical(frame):
        frame = normalise(frame)
    front = list(fixed) + extra_columns(frame, fixed)
    return frame[front].reset_index(drop=True)


def conform_tables(tables: Tables) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The node and tie tables of ``tables`` conformed (:func:`conform`), as a store
    write takes them."""
    return (conform(tables.nodes, NODE_COLUMNS, normalise_nodes, "nodes"),
            conform(tables.ties, TIE_COLUMNS, normalise_ties, "ties"))


def _canonical(frame: pd.DataFrame) -> bool:
    for col in frame.columns:
        dtype = frame[col].dtype
        if col in BOOL_COLUMNS:
            ok = dtype == np.dtype(bool)
        elif col in DATE_COLUMNS:
            ok = dtype == DATE_DTYPE
        elif col == "circle":
            ok = dtype == np.int8
        else:
            ok = dtype == np.dtype(object) and pd.api.types.infer_dtype(frame[col], skipna=False) in (
                "string", "empty")
        if not ok:
            return False
    return True


# ------------------------------------------------------------------ small bits


def _iso(seconds: int) -> str:
    return str(np.datetime64(int(seconds), "s").astype("datetime64[D]"))


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _few(values: list[str], limit: int = 5) -> str:
    """Join the first ``limit`` of ``values`` (already formatted) for an error message."""
    shown = ", ".join(values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def drop_ties(ties: pd.DataFrame, remove: Sequence[TieKey]) -> pd.DataFrame:
    """``ties`` without the ones keyed by ``remove``; NotFound names a key that is not there."""
    if not remove:
        return ties
    drop = np.zeros(len(ties), dtype=bool)
    starts = ties["start"].to_numpy("datetime64[D]")
    for source, target, kind, start in remove:
        pair = (((ties["source"] == source) & (ties["target"] == target))
                | ((ties["source"] == target) & (ties["target"] == source))).to_numpy()
        match = pair & (ties["kind"] == kind).to_numpy() & (starts == np.datetime64(start, "D"))
        if not match.any():
            raise NotFound(f"No tie {source}-{target} {kind} {start}")
        drop |= match
    return ties[~drop].reset_index(drop=True)


def erased(nodes: pd.DataFrame, ties: pd.DataFrame, person: str
            ) -> tuple[pd.DataFrame, pd.DataFrame, Erasure]:
    """The tables without ``person``, their ties and references to them."""
    if not has_node(nodes, person):
        raise NotFound(f"No node with id {person!r}")
    touching = (ties["source"] == person) | (ties["target"] == person)
    nodes = nodes[nodes["id"] != person].reset_index(drop=True)
    ties = ties[~touching].reset_index(drop=True)
    coordinated = nodes["coordinator"] == person
    brokered = ties["brokered_by"] == person
    if coordinated.any():
        nodes = nodes.assign(coordinator=nodes["coordinator"].where(~coordinated, ""))
    if brokered.any():
        ties = ties.assign(brokered_by=ties["brokered_by"].where(~brokered, ""))
    return nodes, ties, Erasure(int(touching.sum()), int(coordinated.sum() + brokered.sum()))


def has_node(nodes: pd.DataFrame, person: object) -> bool:
    """Whether ``person`` is the id of a node in ``nodes``."""
    return isinstance(person, str) and bool((nodes["id"] == person).any())
