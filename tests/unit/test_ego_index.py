"""MemoryStore.ego answers from a tie index: exactly the full scan's answer, kept current."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from lacgraph.analysis import circle
from lacgraph.errors import NotFound, QueryError
from lacgraph.network import Network
from lacgraph.stores import MemoryStore
from lacgraph.synthetic import programme
from lacgraph.tables import Tables
from tests.conftest import random_network
from tests.reference import ego_by_scan

BOUNDARY_DATES = ["2024-06-01", "2024-05-31", "2023-06-01", "2026-01-01"]


def _same(a: Tables, b: Tables) -> None:
    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    pd.testing.assert_frame_equal(a.ties, b.ties)


def _store(tables: Tables, path=None) -> MemoryStore:
    store = MemoryStore(path)
    store.write(tables)
    return store


@pytest.mark.parametrize("seed", range(8))
def test_matches_the_full_scan_on_random_networks_at_boundary_dates(seed):
    store = _store(random_network(seed, at="2024-06-01"))
    held = store.read()
    for node in held.nodes["id"]:
        for day in BOUNDARY_DATES:
            _same(store.ego(node, day), ego_by_scan(held, node, day))


def test_matches_the_full_scan_on_the_synthetic_programme():
    store = _store(programme(1500, seed=4))
    held = store.read()
    G = Network(store)
    supported = held.nodes.loc[held.nodes["supported"], "id"].to_numpy()
    for person in np.random.default_rng(1).choice(supported, 40, replace=False):
        for day in ("2022-01-01", str(G.last_date)):
            _same(store.ego(person, day), ego_by_scan(held, person, day))


def test_unknown_person_and_bad_date():
    store = _store(random_network(1))
    with pytest.raises(NotFound):
        store.ego("nobody", "2024-01-01")
    with pytest.raises(QueryError):
        store.ego("p00", "not a date")


def test_index_follows_writes_and_erasure():
    store = _store(random_network(2))
    before = store.ego("p00", "2024-06-01")
    store.write(Tables.from_records(
        [{"id": "newcomer", "type": "person"}],
        [{"source": "p00", "target": "newcomer", "kind": "friend", "start": "2024-01-01"}]))
    after = store.ego("p00", "2024-06-01")
    assert "newcomer" not in set(before.nodes["id"])
    assert "newcomer" in set(after.nodes["id"])
    _same(after, ego_by_scan(store.read(), "p00", "2024-06-01"))
    alter = next(a for a in after.nodes["id"] if a not in ("p00", "newcomer"))
    store.erase_person(alter)
    erased = store.ego("p00", "2024-06-01")
    assert alter not in set(erased.nodes["id"])
    _same(erased, ego_by_scan(store.read(), "p00", "2024-06-01"))


def test_index_follows_a_write_by_another_connection_to_the_same_file(tmp_path):
    path = tmp_path / "programme.lacgraph"
    store = _store(random_network(3), path)
    store.ego("p00", "2024-06-01")  # builds the index
    with MemoryStore(path) as other:
        other.write(Tables.from_records(
            [{"id": "elsewhere", "type": "person"}],
            [{"source": "elsewhere", "target": "p00", "kind": "neighbour",
              "start": "2024-02-01"}]))
    ego = store.ego("p00", "2024-06-01")
    assert "elsewhere" in set(ego.nodes["id"])
    _same(ego, ego_by_scan(store.read(), "p00", "2024-06-01"))
    store.close()


def test_threads_share_one_index_and_see_each_write_whole():
    tables = random_network(4)
    store = _store(tables)
    people = tables.nodes.loc[tables.nodes["type"] == "person", "id"].tolist()
    extra = Tables.from_records(
        [{"id": f"x{i}", "type": "person"} for i in range(20)],
        [{"source": "p00", "target": f"x{i}", "kind": "friend", "start": "2024-01-01"}
         for i in range(20)])
    states = [store.read()]
    expected_p00 = {len(ego_by_scan(states[0], "p00", "2024-06-01").nodes)}
    failures: list[BaseException] = []
    seen: list[int] = []
    start = threading.Barrier(5)

    def read() -> None:
        try:
            start.wait()
            for _ in range(30):
                for person in people[:5]:
                    store.ego(person, "2024-06-01")
                seen.append(len(store.ego("p00", "2024-06-01").nodes))
        except BaseException as err:  # reported by the main thread
            failures.append(err)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for thread in readers:
        thread.start()
    start.wait()
    store.write(extra)
    for thread in readers:
        thread.join()
    assert not failures
    states.append(store.read())
    expected_p00.add(len(ego_by_scan(states[1], "p00", "2024-06-01").nodes))
    assert set(seen) <= expected_p00  # each answer from the data before or after, never half
    for person in people:
        _same(store.ego(person, "2024-06-01"), ego_by_scan(states[1], person, "2024-06-01"))


def test_person_tables_answer_the_timeline_and_changes_as_the_whole_network():
    store = _store(programme(1500, seed=5))
    G = Network(store)
    nodes = G.tables.nodes
    supported = nodes.loc[nodes["supported"], "id"].to_numpy()
    at = G.last_date
    for person in np.random.default_rng(2).choice(supported, 30, replace=False):
        own = Network.from_tables(store.person_tables(person))
        pd.testing.assert_frame_equal(circle.timeline(own, person), circle.timeline(G, person))
        for since in ("2022-06-01", "2024-01-01"):
            pd.testing.assert_frame_equal(circle.changes(own, person, since, at),
                                          circle.changes(G, person, since, at))
    with pytest.raises(NotFound):
        store.person_tables("nobody")
