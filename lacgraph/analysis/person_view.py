"""One person's part of a programme, for one-person questions answered fast.

A coordinator's page asks about one person: their circle at a date (an ego lookup), what
changed since a date and their timeline (their own ties at every date). :class:`PersonView`
answers all of these without touching the rest of the programme: ego lookups go to the
programme's store (indexed, see :meth:`lacgraph.stores.MemoryStore.ego`) and the tables
hold only the person's own ties and the nodes at their ends. It satisfies
:class:`lacgraph.dated.DatedNetwork`, so every verb takes it in place of the whole network.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lacgraph.analysis.snapshot import Snapshot, project
from lacgraph.errors import NotFound
from lacgraph.stores.base import Store
from lacgraph.tables import DateLike, Tables, active_mask, last_date, to_date


class PersonView:
    """``person``'s own ties (all dates) over a programme's ``store``.

    ``tables`` defaults to what ``store.person_tables(person)`` gives (a
    :class:`~lacgraph.stores.MemoryStore`); pass them for a store without that index.

    Examples
    --------
    >>> from lacgraph.analysis.circle import circle_table, changes
    >>> from lacgraph.stores import MemoryStore
    >>> store = MemoryStore()
    >>> _ = store.write(Tables.from_records(
    ...     [{"id": i, "type": "person"} for i in "abc"],
    ...     [{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"},
    ...      {"source": "b", "target": "c", "kind": "friend", "start": "2024-01-01"}]))
    >>> view = PersonView(store, "a")
    >>> list(view.tables.nodes["id"]), list(circle_table(view.store, "a", "2024-02-01")["id"])
    (['a', 'b'], ['b'])
    >>> changes(view, "a", "2023-12-01", "2024-02-01")["change"].tolist()
    ['added']
    """

    def __init__(self, store: Store, person: str, tables: Tables | None = None):
        self._store = store
        self.person = person
        if tables is None:
            tables = store.person_tables(person)  # type: ignore[attr-defined]
        self._tables = tables
        self._ids = pd.Index(tables.nodes["id"])

    @property
    def store(self) -> Store:
        """The programme's store (ego lookups)."""
        return self._store

    @property
    def tables(self) -> Tables:
        """The person's own ties at every date, and the nodes at their ends."""
        return self._tables

    def resolve_date(self, at: DateLike | None) -> np.datetime64:
        """``at`` as a day, or the last date among the person's own ties."""
        if at is None:
            last = last_date(self._tables.ties)
            return np.datetime64("today", "D") if last is None else last
        return to_date(at)

    def snapshot(self, at: DateLike | None = None) -> Snapshot:
        """The person's own part of the network at ``at``, projected."""
        day = self.resolve_date(at)
        ties = self._tables.ties
        return project(Tables(self._tables.nodes, ties[active_mask(ties, day)]), day)

    def node(self, node_id: str) -> pd.Series:
        """One node at the end of the person's ties (or the person)."""
        position = self._ids.get_indexer([node_id])[0]
        if position < 0:
            raise NotFound(f"No node with id {node_id!r} in this network.")
        return self._tables.nodes.iloc[position]
