"""The in-memory twins of the named Cypher queries in :mod:`lacgraph.queries.cypher`.

Each function answers one question from :class:`~lacgraph.tables.Tables` exactly as its
Cypher twin answers it from a graph database; the store tests check they agree.

Examples
--------
>>> from lacgraph.tables import Tables
>>> T = Tables.from_records(
...     [{"id": "a", "type": "person", "neighbourhood": "Townhill"},
...      {"id": "b", "type": "person"}],
...     [{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-10",
...       "end": "2024-03-01"}])
>>> list(people_by_neighbourhood(T, "Townhill")["id"])
['a']
>>> len(snapshot(T, "2024-02-01").ties), len(snapshot(T, "2024-03-01").ties)
(1, 0)
>>> len(ties_changed(T, "2024-01-01", "2024-02-01")), len(ties_changed(T, "2024-02-01", "2024-06-01"))
(1, 1)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lacgraph.analysis.snapshot import active_mask
from lacgraph.stores.memory import MemoryStore
from lacgraph.tables import DateLike, Tables, to_date, to_day_numbers

TIE_SORT = ["source", "target", "kind", "start"]


def snapshot(tables: Tables, at: DateLike) -> Tables:
    """Every node and the ties active at ``at``. Twin of ``SNAPSHOT_TIES`` + ``ALL_NODES``."""
    return Tables(tables.nodes.copy(), tables.ties[active_mask(tables.ties, at)].reset_index(drop=True))


def ego(tables: Tables, person: str, at: DateLike) -> Tables:
    """``person``'s ego network at ``at`` (see :meth:`lacgraph.stores.Store.ego`). Twin of ``EGO``."""
    with MemoryStore() as store:
        store.write(tables)
        return store.ego(person, at)


def ties_changed(tables: Tables, since: DateLike, at: DateLike, person: str | None = None
                 ) -> pd.DataFrame:
    """Ties that began (``since < start <= at``) or ended (``since < end <= at``).

    Only ties touching ``person`` when given. Sorted like every store read.
    Twin of ``TIES_CHANGED``.
    """
    ties = tables.ties
    lo, hi = int(to_date(since).astype(np.int64)), int(to_date(at).astype(np.int64))
    start = to_day_numbers(ties["start"])
    end = to_day_numbers(ties["end"])
    began = (start > lo) & (start <= hi)
    ended = ~ties["end"].isna().to_numpy() & (end > lo) & (end <= hi)
    keep = began | ended
    if person is not None:
        keep &= ((ties["source"] == person) | (ties["target"] == person)).to_numpy()
    return ties[keep].sort_values(TIE_SORT, kind="stable", ignore_index=True)


def people_by_neighbourhood(tables: Tables, neighbourhood: str) -> pd.DataFrame:
    """The person nodes whose ``neighbourhood`` is ``neighbourhood``, sorted by id.

    Twin of ``PEOPLE_BY_NEIGHBOURHOOD``.
    """
    nodes = tables.nodes
    keep = (nodes["type"] == "person") & (nodes["neighbourhood"] == neighbourhood)
    return nodes[keep].sort_values("id", kind="stable", ignore_index=True)
