"""The indexed ego lookup gives exactly MemoryStore.ego's answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lacgraph.errors import NotFound, QueryError
from lacgraph.network import Network
from lacgraph.stores import MemoryStore
from lacgraph.synthetic import programme
from lacgraph.web.egoindex import IndexedEgoStore
from tests.conftest import random_network


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    pd.testing.assert_frame_equal(a.ties, b.ties)


@pytest.mark.parametrize("seed", range(8))
def test_matches_memory_store_on_random_networks_at_boundary_dates(seed):
    tables = random_network(seed, at="2024-06-01")
    store = MemoryStore()
    store.write(tables)
    fast = IndexedEgoStore(store)
    dates = ["2024-06-01", "2024-05-31", "2023-06-01", "2026-01-01"]
    for node in tables.nodes["id"]:
        for day in dates:
            _same(fast.ego(node, day), store.ego(node, day))


def test_matches_on_the_synthetic_programme_and_gives_the_same_circles():
    tables = programme(1500, seed=4)
    store = MemoryStore()
    store.write(tables)
    G, fast = Network(store), Network(IndexedEgoStore(store))
    rng = np.random.default_rng(1)
    supported = tables.nodes.loc[tables.nodes["supported"], "id"].to_numpy()
    for person in rng.choice(supported, 40, replace=False):
        for day in ("2022-01-01", str(G.last_date)):
            _same(fast.store.ego(person, day), store.ego(person, day))
            pd.testing.assert_frame_equal(fast.circle(person, day), G.circle(person, day))


def test_unknown_person_and_bad_date():
    store = MemoryStore()
    store.write(random_network(1))
    fast = IndexedEgoStore(store)
    with pytest.raises(NotFound):
        fast.ego("nobody", "2024-01-01")
    with pytest.raises(QueryError):
        fast.ego("p00", "not a date")


def test_index_follows_writes_and_erasure():
    store = MemoryStore()
    tables = random_network(2)
    store.write(tables)
    fast = IndexedEgoStore(store)
    fast.ego("p00", "2024-06-01")
    fast.erase_person("p01")
    _same(fast.ego("p00", "2024-06-01"), store.ego("p00", "2024-06-01"))
    assert "p01" not in set(fast.ego("p00", "2024-06-01").nodes["id"])


def test_one_person_network_answers_the_timeline_and_changes_as_the_whole_one():
    from lacgraph import circle

    tables = programme(1500, seed=5)
    store = MemoryStore()
    store.write(tables)
    G, fast = Network(store), IndexedEgoStore(store)
    supported = tables.nodes.loc[tables.nodes["supported"], "id"].to_numpy()
    rng = np.random.default_rng(2)
    at = G.last_date
    for person in rng.choice(supported, 30, replace=False):
        own = Network.from_tables(fast.person_tables(person))
        pd.testing.assert_frame_equal(circle.timeline(own, person), circle.timeline(G, person))
        for since in ("2022-06-01", "2024-01-01"):
            pd.testing.assert_frame_equal(circle.changes(own, person, since, at),
                                          circle.changes(G, person, since, at))
