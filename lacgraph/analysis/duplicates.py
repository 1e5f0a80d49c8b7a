"""Duplicates: the same person, group or service recorded twice, and merging them.

A coordinator who cannot find someone adds them as new (the record forms never reveal
people outside their scope), and a Network Canvas import may add someone already held: so
duplicates arise, and only an admin, who sees the whole programme, resolves them.

:func:`find_duplicates` lists candidate pairs: nodes of one type with the same normalised
name (:func:`lacgraph.analysis.names.normalise_name`: NFKD, marks removed, apostrophes
unified, case folded) and either the same non-empty neighbourhood or an alter in common.
:func:`merged` gives the tables after merging DROP into KEEP: DROP's ties moved to KEEP
(a tie that KEEP already has with the same other end, kind and start is kept once, KEEP's
values first), every reference to DROP (``coordinator``, ``brokered_by``) pointed at KEEP,
KEEP's attributes kept unless empty (then DROP's), DROP gone. The command line and the
admin page write that in one store transaction against what is stored then
(:func:`merge_in_store`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lacgraph.analysis.names import normalised_names
from lacgraph.errors import NotFound, QueryError
from lacgraph.stores.base import LoadSummary, Store
from lacgraph.tables import Tables

DUPLICATE_COLUMNS = ("keep", "drop", "type", "name", "neighbourhood", "shared_alters",
                     "reason")
"""The columns of :func:`find_duplicates`."""


def find_duplicates(tables: Tables) -> pd.DataFrame:
    """Candidate duplicate pairs: one type, one normalised name, and the same neighbourhood
    or a shared alter. ``keep`` is the supported one, else the one with more alters (then
    the smaller id): a suggestion, the admin chooses.

    Examples
    --------
    >>> t = Tables.from_records(
    ...     [{"id": "p1", "type": "person", "label": "Zoë O’Brien", "neighbourhood": "North"},
    ...      {"id": "p2", "type": "person", "label": "zoe o'brien", "neighbourhood": "North"},
    ...      {"id": "p3", "type": "person", "label": "Zoe O'Brien", "neighbourhood": "South"},
    ...      {"id": "g1", "type": "group", "label": "Choir"}],
    ...     [{"source": "p1", "target": "g1", "kind": "member", "start": "2024-01-01"}])
    >>> find_duplicates(t)[["keep", "drop", "reason"]].values.tolist()
    [['p1', 'p2', 'same neighbourhood']]
    """
    nodes = tables.nodes
    ties = tables.ties
    key = normalised_names(nodes["label"])
    # a household's name is its members' surname, not a person's: households are never
    # candidates (two families of one surname in one ward are two families)
    named = nodes.assign(key=key.to_numpy())[(key.to_numpy() != "")
                                             & (nodes["type"] != "family").to_numpy()]
    alters: dict[str, set[str]] = {}
    for a, b in zip(ties["source"], ties["target"], strict=True):
        alters.setdefault(a, set()).add(b)
        alters.setdefault(b, set()).add(a)
    degree = {n: len(s) for n, s in alters.items()}
    rows = []
    for _, group in named.groupby(["type", "key"], sort=True):
        if len(group) < 2:
            continue
        records = group.to_dict("records")
        for i, a in enumerate(records):
            for b in records[i + 1:]:
                shared = alters.get(a["id"], set()) & alters.get(b["id"], set())
                same_place = bool(a["neighbourhood"]) and a["neighbourhood"] == b["neighbourhood"]
                if not (same_place or shared):
                    continue
                keep, drop = sorted((a, b), key=lambda r: (not r["supported"],
                                                           -degree.get(r["id"], 0), r["id"]))
                reason = "; ".join(
                    [*(["same neighbourhood"] if same_place else []),
                     *([("1 person or group known to both" if len(shared) == 1 else
                         f"{len(shared)} people and groups known to both")]
                       if shared else [])])
                rows.append({"keep": keep["id"], "drop": drop["id"], "type": keep["type"],
                             "name": keep["label"], "neighbourhood": keep["neighbourhood"]
                             or drop["neighbourhood"], "shared_alters": len(shared),
                             "reason": reason})
    frame = pd.DataFrame(rows, columns=list(DUPLICATE_COLUMNS))
    return frame.sort_values(["type", "name", "keep", "drop"]).reset_index(drop=True)


def merged(tables: Tables, keep: str, drop: str) -> Tables:
    """The tables after merging node ``drop`` into node ``keep`` (see the module).

    Examples
    --------
    >>> t = Tables.from_records(
    ...     [{"id": "a", "type": "person", "label": "Ann"},
    ...      {"id": "a2", "type": "person", "label": "Ann", "neighbourhood": "North"},
    ...      {"id": "b", "type": "person", "label": "Bob"}],
    ...     [{"source": "a2", "target": "b", "kind": "friend", "start": "2024-01-01"},
    ...      {"source": "b", "target": "a", "kind": "friend", "start": "2024-01-01"}])
    >>> m = merged(t, "a", "a2")
    >>> m.nodes["id"].tolist(), m.nodes.set_index("id").at["a", "neighbourhood"]
    (['a', 'b'], 'North')
    >>> m.ties[["source", "target"]].values.tolist()
    [['b', 'a']]
    """
    nodes, ties = tables.nodes, tables.ties
    ids = pd.Index(nodes["id"])
    for node in (keep, drop):
        if node not in ids:
            raise NotFound(f"No node has the id {node!r}.")
    if keep == drop:
        raise QueryError("KEEP and DROP are the same node: give two different ids.")
    kept, dropped = (nodes[nodes["id"] == n].iloc[0] for n in (keep, drop))
    if kept["type"] != dropped["type"]:
        raise QueryError(f"{keep!r} is a {kept['type']} and {drop!r} a {dropped['type']}: "
                         "only nodes of one type can be merged.")
    row = kept.copy()
    for column in nodes.columns:
        if column == "id":
            continue
        if _empty(row[column]) and not _empty(dropped[column]):
            row[column] = dropped[column]
    out_nodes = nodes[nodes["id"] != drop].copy()
    out_nodes.loc[out_nodes["id"] == keep, :] = row.to_frame().T.to_numpy()
    if "coordinator" in out_nodes:
        out_nodes.loc[out_nodes["coordinator"] == drop, "coordinator"] = keep
    out_ties = ties.copy()
    out_ties.loc[out_ties["source"] == drop, "source"] = keep
    out_ties.loc[out_ties["target"] == drop, "target"] = keep
    out_ties.loc[out_ties["brokered_by"] == drop, "brokered_by"] = keep
    out_ties = out_ties[out_ties["source"] != out_ties["target"]]  # a tie between the two
    source, target = out_ties["source"].to_numpy(object), out_ties["target"].to_numpy(object)
    swap = source > target
    lo, hi = np.where(swap, target, source), np.where(swap, source, target)
    moved = ((ties.loc[out_ties.index, "source"] == drop)
             | (ties.loc[out_ties.index, "target"] == drop)).to_numpy()
    key = pd.DataFrame({"lo": lo, "hi": hi, "kind": out_ties["kind"].to_numpy(),
                        "start": out_ties["start"].to_numpy(), "moved": moved})
    first = ~key.sort_values("moved", kind="stable").duplicated(["lo", "hi", "kind", "start"])
    out_ties = out_ties[first.sort_index().to_numpy()]
    out_nodes = out_nodes.astype(nodes.dtypes.to_dict())
    return Tables(out_nodes.reset_index(drop=True)[list(nodes.columns)],
                  out_ties.reset_index(drop=True))


def merge_in_store(store: Store, keep: str, drop: str) -> LoadSummary:
    """Merge node ``drop`` into ``keep`` in ``store`` as one transaction: :func:`merged`
    of what the store holds *inside* its write transaction
    (:meth:`~lacgraph.stores.base.Store.update` with ``replace``), so a change recorded
    while the merge runs is either merged too or made after it, never overwritten.
    The store keeps "DROP merged into KEEP" with it (:meth:`~lacgraph.stores.base.Store.merged`;
    not an erasure: the audit is untouched), so a later load holding DROP is refused,
    naming KEEP (:func:`lacgraph.rights.erasure.load_check`).

    Examples
    --------
    >>> from lacgraph.stores import MemoryStore
    >>> store = MemoryStore()
    >>> _ = store.write(Tables.from_records(
    ...     [{"id": "a", "type": "group", "label": "Choir"},
    ...      {"id": "a2", "type": "group", "label": "choir"},
    ...      {"id": "p", "type": "person"}],
    ...     [{"source": "p", "target": "a2", "kind": "member", "start": "2024-01-01"}]))
    >>> merge_in_store(store, "a", "a2").nodes_removed
    1
    >>> store.read().ties[["source", "target"]].values.tolist()
    [['p', 'a']]
    >>> store.merged()
    {'a2': 'a'}
    """
    return store.update(lambda now: merged(now, keep, drop), replace=True,
                        merged={drop: keep})


def _empty(value: object) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)) \
        or (isinstance(value, str) and value == "")


__all__ = ["DUPLICATE_COLUMNS", "find_duplicates", "merge_in_store", "merged"]
