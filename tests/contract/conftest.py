"""The stores every contract test runs against.

To add a store, add one entry to ``STORES``: a name and a function that opens a fresh,
empty store in a temporary folder (and may ``pytest.skip`` when its service is absent).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lacgraph.stores import MemoryStore, Store
from tests import boltserver


def _memory(tmp_path: Path) -> Store:
    return MemoryStore()


def _sqlite(tmp_path: Path) -> Store:
    return MemoryStore(tmp_path / "programme.sqlite", batch_size=7)


def _neo4j(tmp_path: Path) -> Store:
    # FalkorDB in a private network namespace, or the Neo4j named by NEO4J_URI;
    # a small batch size so that several batches run even on the small networks here
    return boltserver.server().open(batch_size=7)


STORES: dict[str, Callable[[Path], Store]] = {
    "memory": _memory,
    "sqlite": _sqlite,
    "neo4j": _neo4j,
}


@pytest.fixture(params=list(STORES))
def make_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[Callable[[], Store]]:
    """A factory of fresh, empty stores of one kind; all are closed after the test."""
    opened: list[Store] = []

    def make() -> Store:
        store = STORES[request.param](tmp_path_factory.mktemp(request.param))
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: Callable[[], Store]) -> Store:
    """One fresh, empty store of each kind."""
    return make_store()
