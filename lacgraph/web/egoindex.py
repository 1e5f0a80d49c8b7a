"""A store wrapper that answers ``ego(person, at)`` from a node → tie index.

The web app asks for one person's circle on every page view. :class:`MemoryStore.ego`
scans every tie (about 200 ms with the 200k-person programme's 900k ties); this wrapper
sorts the tie rows by endpoint once, so an ego lookup reads only the ties of the person
and their alters (well under a millisecond of index work). Everything else is delegated to
the wrapped store, and the index is rebuilt after a write or an erasure. The answer is the
same :class:`~lacgraph.tables.Tables` as the wrapped store's ``ego`` (a test checks it
against ``MemoryStore.ego`` on random networks at boundary dates).

Examples
--------
>>> from lacgraph.stores import MemoryStore
>>> from lacgraph.tables import Tables
>>> store = MemoryStore()
>>> _ = store.write(Tables.from_records(
...     [{"id": i, "type": "person"} for i in "abc"],
...     [{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"},
...      {"source": "b", "target": "c", "kind": "friend", "start": "2024-01-01"}]))
>>> list(IndexedEgoStore(store).ego("a", "2024-02-01").nodes["id"])
['a', 'b']
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd

from lacgraph.errors import NotFound
from lacgraph.model import HOUSEHOLD
from lacgraph.stores.base import Erasure, LoadSummary, Progress, Store
from lacgraph.tables import DateLike, Tables, parse_day, to_day_numbers


class _Index:
    """Tie rows grouped by endpoint, with day numbers for the active-at-t test."""

    def __init__(self, tables: Tables):
        nodes, ties = tables.nodes, tables.ties
        self.nodes = nodes
        self.ties = ties
        self.codes = pd.Index(nodes["id"])
        n = len(nodes)
        source = self.codes.get_indexer(ties["source"])
        target = self.codes.get_indexer(ties["target"])
        rows = np.arange(len(ties))
        ends = np.concatenate([source, target])
        order = np.argsort(ends, kind="stable")
        self.tie_rows = np.concatenate([rows, rows])[order]
        self.offsets = np.searchsorted(ends[order], np.arange(n + 1))
        self.source, self.target = source, target
        self.start = to_day_numbers(ties["start"])
        self.end = to_day_numbers(ties["end"])
        self.household = ties["kind"].to_numpy(object) == HOUSEHOLD

    def rows_of(self, codes: np.ndarray) -> np.ndarray:
        """Distinct tie rows touching any of ``codes``."""
        parts = [self.tie_rows[self.offsets[c]:self.offsets[c + 1]] for c in codes]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.int64)

    def ego(self, person: str, at: DateLike) -> Tables:
        code = self.codes.get_indexer([person])[0] if isinstance(person, str) else -1
        if code < 0:
            raise NotFound(f"No node with id {person!r}")
        d = parse_day(at).astype(np.int64)
        own = self.rows_of(np.array([code]))
        own = own[(self.start[own] <= d) & (d < self.end[own]) & ~self.household[own]]
        alters = np.union1d(self.source[own], self.target[own])
        members = np.union1d(alters, [code])
        rows = self.rows_of(members)
        rows = rows[(self.start[rows] <= d) & (d < self.end[rows])]
        src_in = np.isin(self.source[rows], members)
        tgt_in = np.isin(self.target[rows], members)
        keep = (src_in & tgt_in) | (self.household[rows] & (src_in | tgt_in))
        rows = rows[keep]
        kept = self.ties.iloc[rows].reset_index(drop=True)
        ids = np.union1d(members, np.union1d(self.source[rows], self.target[rows]))
        ego_nodes = self.nodes.iloc[np.sort(ids)].reset_index(drop=True)
        return Tables(ego_nodes, kept)


    def person_tables(self, person: str) -> Tables:
        """Every tie touching ``person`` (all dates) and the nodes at their ends."""
        code = self.codes.get_indexer([person])[0] if isinstance(person, str) else -1
        if code < 0:
            raise NotFound(f"No node with id {person!r}")
        rows = self.rows_of(np.array([code]))
        ids = np.union1d([code], np.union1d(self.source[rows], self.target[rows]))
        return Tables(self.nodes.iloc[ids].reset_index(drop=True),
                      self.ties.iloc[rows].reset_index(drop=True))


class IndexedEgoStore(Store):
    """Wrap ``store``: same answers, fast :meth:`ego` (see the module docstring)."""

    def __init__(self, store: Store):
        self.inner = store
        self._index: _Index | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"IndexedEgoStore({self.inner!r})"

    def build(self) -> None:
        """Build the index now rather than at the first :meth:`ego`."""
        self._current()

    def _current(self) -> _Index:
        with self._lock:
            if self._index is None:
                self._index = _Index(self.inner.read())
            return self._index

    def write(self, tables: Tables, *, progress: Progress | None = None) -> LoadSummary:
        summary = self.inner.write(tables, progress=progress)
        self._index = None
        return summary

    def read(self) -> Tables:
        return self.inner.read()

    def snapshot(self, at: DateLike) -> Tables:
        return self.inner.snapshot(at)

    def ego(self, person: str, at: DateLike) -> Tables:
        return self._current().ego(person, at)

    def person_tables(self, person: str) -> Tables:
        """Every tie touching ``person`` at any date, with the nodes at their ends: all a
        one-person question (timeline, changes since a date) reads."""
        return self._current().person_tables(person)

    def replace(self, tables: Tables, *, progress: Progress | None = None) -> LoadSummary:
        summary = self.inner.replace(tables, progress=progress)
        self._index = None
        return summary

    def erase_person(self, person: str, *, tombstone: str | None = None) -> Erasure:
        erasure = self.inner.erase_person(person, tombstone=tombstone)
        self._index = None
        return erasure

    def tombstones(self) -> frozenset[str]:
        return self.inner.tombstones()

    def data_version(self) -> str:
        return self.inner.data_version()

    def close(self) -> None:
        self.inner.close()
