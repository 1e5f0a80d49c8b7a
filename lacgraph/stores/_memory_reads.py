"""The reads of the embedded store, answered from the tables it holds in memory.

:class:`TableReads` is the part of :class:`~lacgraph.stores.memory.MemoryStore` that only
reads: every node and tie, a snapshot at a date, a person's circle and a person's ties
over time. It asks the store for the tables held now (``_current``, which first reloads a
store file another process changed) and answers the one-person questions from an
:class:`~lacgraph.stores._ego.EgoIndex` built once per data and shared by every thread.
"""

from __future__ import annotations

import threading

import pandas as pd

from lacgraph.stores._ego import EgoIndex
from lacgraph.tables import DateLike, Tables, active_mask


class TableReads:
    """Reads answered from tables held in memory (see the module notes)."""

    _index: EgoIndex | None
    """The tie index of the data held when it was built (see ``_ego_index``)."""
    _index_lock: threading.Lock

    def _current(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The nodes and ties held now (the store answers)."""
        raise NotImplementedError

    def read(self) -> Tables:
        """Return every node and tie, sorted, in the canonical dtypes.

        Examples
        --------
        >>> from lacgraph.stores.memory import MemoryStore
        >>> MemoryStore().read().nodes.columns.tolist()[:3]
        ['id', 'type', 'label']
        """
        nodes, ties = self._current()
        return Tables(nodes.copy(), ties.copy())

    def snapshot(self, at: DateLike) -> Tables:
        """Return every node and the ties active at ``at`` (``start <= at < end``).

        Examples
        --------
        >>> from lacgraph.stores.memory import MemoryStore
        >>> from lacgraph.tables import Tables
        >>> store = MemoryStore()
        >>> _ = store.write(Tables.from_records(
        ...     [{"id": "a", "type": "person"}, {"id": "b", "type": "person"}],
        ...     [{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"}]))
        >>> len(store.snapshot("2023-12-31").ties), len(store.snapshot("2024-01-01").ties)
        (0, 1)
        """
        nodes, ties = self._current()
        return Tables(nodes.copy(), ties[active_mask(ties, at)].reset_index(drop=True))

    def ego(self, person: str, at: DateLike) -> Tables:
        """Return ``person``, its alters at ``at`` and the active ties among them all.

        Alters are the nodes joined to ``person`` by a non-household tie active at
        ``at``. The ties are every active tie among ``person`` and its alters (several
        between one pair are all kept), plus the active household ties touching any of
        them, with the family nodes at their other end.

        Answered from an index of the ties by person (:mod:`lacgraph.stores._ego`),
        built at the first lookup after each load, write or erasure and shared by every
        thread: a lookup reads only the ties of ``person`` and their alters.

        Raises
        ------
        NotFound
            When ``person`` is not a node.

        Examples
        --------
        >>> from lacgraph.stores.memory import MemoryStore
        >>> from lacgraph.tables import Tables
        >>> store = MemoryStore()
        >>> _ = store.write(Tables.from_records(
        ...     [{"id": i, "type": "person"} for i in "abc"],
        ...     [{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"},
        ...      {"source": "b", "target": "c", "kind": "friend", "start": "2024-01-01"}]))
        >>> list(store.ego("a", "2024-02-01").nodes["id"])
        ['a', 'b']
        """
        return self._ego_index().ego(person, at)

    def person_tables(self, person: str) -> Tables:
        """Return every tie touching ``person`` at any date, and the nodes at their ends.

        All a one-person question over time (timeline, changes since a date) reads,
        answered from the same index as :meth:`ego`.

        Raises
        ------
        NotFound
            When ``person`` is not a node.

        Examples
        --------
        >>> from lacgraph.stores.memory import MemoryStore
        >>> from lacgraph.tables import Tables
        >>> store = MemoryStore()
        >>> _ = store.write(Tables.from_records(
        ...     [{"id": i, "type": "person"} for i in "abc"],
        ...     [{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01",
        ...       "end": "2024-02-01"},
        ...      {"source": "b", "target": "c", "kind": "friend", "start": "2024-01-01"}]))
        >>> list(store.person_tables("a").nodes["id"]), len(store.person_tables("a").ties)
        (['a', 'b'], 1)
        """
        return self._ego_index().person_tables(person)

    def _ego_index(self) -> EgoIndex:
        """Return the tie index of the data held now, building it if the data changed."""
        nodes, ties = self._current()
        with self._index_lock:
            index = self._index
            if index is None or index.nodes is not nodes or index.ties is not ties:
                index = self._index = EgoIndex(nodes, ties)
            return index
