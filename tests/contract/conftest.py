"""The stores every contract test runs against.

To add a store, add one entry to ``STORES``: a name and a function that opens a fresh,
empty store in a temporary folder (the Neo4j ones use the session's real server).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lacgraph.stores import MemoryStore, Store
from lacgraph.stores.neo4j import Neo4jStore


def _sqlite(tmp_path: Path) -> Store:
    return MemoryStore(tmp_path / "programme.sqlite", batch_size=7)


def _neo4j(tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    # the session's real Neo4j server, emptied; a small batch size so that several
    # batches run even on the small networks here
    return request.getfixturevalue("neo4j").open(batch_size=7)


def _neo4j_staged(tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    # every write staged, then made visible by one transaction; every whole-graph read
    # as three transactions at once (nodes and two halves of the ties)
    return request.getfixturevalue("neo4j").open(batch_size=7, single_transaction_rows=0,
                                                 parallel_read_ties=0)


STORES: dict[str, Callable[[Path, pytest.FixtureRequest], Store]] = {
    "memory": lambda tmp_path, request: MemoryStore(),
    "sqlite": lambda tmp_path, request: _sqlite(tmp_path),
    "neo4j": _neo4j,
    "neo4j-staged": _neo4j_staged,
}


@pytest.fixture(params=list(STORES))
def make_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[Callable[[], Store]]:
    """A factory of fresh, empty stores of one kind; all are closed after the test."""
    opened: list[Store] = []

    def make() -> Store:
        store = STORES[request.param](tmp_path_factory.mktemp(request.param), request)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: Callable[[], Store]) -> Store:
    """One fresh, empty store of each kind."""
    return make_store()


def another_handle(store: Store, request: pytest.FixtureRequest) -> Store:
    """A second handle on the data of ``store``, as another program (or server worker)
    has it: a second connection to the same file or database; the same object for a store
    kept in memory only. The caller closes it (closing the memory store's own handle is
    left to the fixture)."""
    if isinstance(store, Neo4jStore):
        server = request.getfixturevalue("neo4j")
        return Neo4jStore(server.uri, **server.options)
    if isinstance(store, MemoryStore) and store.path is not None:
        return MemoryStore(store.path)
    return store
