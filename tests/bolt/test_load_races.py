"""Erased stays erased when the erasure races a load (issue 23, left item a): ``lacgraph
load`` (and so a Network Canvas import, which is loaded with it) checks the tombstones
and the pseudonym key inside the store's write transaction, not just before it.

The erasure is committed, by another program's connection, at the moment the load has
read the tombstones (the hook is the load's screen): before the fix the load then wrote
the erased person back. On a store file and on the session's real Neo4j.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from lacgraph.cli import cli
from lacgraph.loaders import write_folder
from lacgraph.privacy import Pseudonymiser
from lacgraph.rights import erasure
from lacgraph.stores import MemoryStore, Store
from lacgraph.stores.neo4j import Neo4jStore
from lacgraph.tables import Tables
from tests.neo4jserver import Neo4jServer

SECRET = "a long team secret for the load race"


def programme() -> Tables:
    nodes = [{"id": i, "type": "person", "label": i.title()} for i in ("ann", "bob", "dan")]
    ties = [{"source": "ann", "target": "bob", "kind": "friend", "start": "2024-01-01"},
            {"source": "dan", "target": "bob", "kind": "friend", "start": "2024-02-01"}]
    return Tables.from_records(nodes, ties)


class Target:
    """Where the load goes: the CLI's --store value, its environment, and a way to open
    another connection to it (another program)."""

    def __init__(self, where: str, env: dict[str, str], opener: Callable[[], Store]):
        self.where, self.env, self.open = where, env, opener


@pytest.fixture(params=["sqlite", "neo4j"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    env = {"LACGRAPH_PSEUDONYM_KEY": SECRET}
    if request.param == "sqlite":
        path = tmp_path / "programme.sqlite"
        yield Target(str(path), env, lambda: MemoryStore(path))
        return
    server: Neo4jServer = request.getfixturevalue("neo4j")
    server.open().close()  # emptied
    yield Target(server.uri, {**env, "NEO4J_PASSWORD": server.password},
                 lambda: Neo4jStore(server.uri, **server.options))


def _load(target: Target, data: Path, *extra: str):
    return CliRunner().invoke(cli, ["load", str(data), "--store", target.where, *extra],
                              env=target.env)


def _ids(target: Target) -> set[str]:
    with target.open() as store:
        return set(store.read().nodes["id"])


@pytest.mark.parametrize("extra", [(), ("--replace",), ("--skip-erased",)])
def test_an_erasure_committed_while_a_load_runs_is_not_undone(
        target: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        extra: tuple[str, ...]) -> None:
    data = write_folder(programme(), tmp_path / "data")
    assert _load(target, data).exit_code == 0
    key = Pseudonymiser(SECRET.encode())
    erasing: list[threading.Thread] = []
    errors: list[BaseException] = []

    def erase_dan() -> None:
        try:
            with target.open() as other:  # another program's connection
                erasure.erase(other, "dan", key)
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    real = erasure.screen

    def screen_while_dan_is_erased(tables: Tables, tombstones: frozenset[str], *args, **kw):
        if not erasing:  # the first check of this load: the erasure commits now
            thread = threading.Thread(target=erase_dan)
            thread.start()
            erasing.append(thread)
            # ample for the erasure when nothing holds it back; when the load holds the
            # store's write lock it waits, and the load goes on after two seconds
            thread.join(timeout=2.0)
        return real(tables, tombstones, *args, **kw)

    monkeypatch.setattr(erasure, "screen", screen_while_dan_is_erased)
    result = _load(target, data, *extra)
    for thread in erasing:
        thread.join(timeout=120)
    assert erasing and not errors, errors
    assert "Traceback" not in result.output
    assert "dan" not in _ids(target), result.output  # erased, and not written back
    assert {"ann", "bob"} <= _ids(target)
    if result.exit_code != 0:  # refused: the message says why
        assert "erased" in result.output, result.output
    with target.open() as store:
        assert erasure.tombstone(key, "dan") in store.tombstones()
    monkeypatch.setattr(erasure, "screen", real)
    again = _load(target, data)  # a later load of the same files is refused, naming dan
    assert again.exit_code == 1 and "'dan': this person was erased" in again.output


def test_a_load_after_a_merge_cannot_bring_the_dropped_duplicate_back(
        target: Target, tmp_path: Path) -> None:
    """Issue 23, left item b: ``lacgraph merge`` keeps "DROP merged into KEEP"; a later
    load of files still holding DROP is refused, naming KEEP (it used to add DROP back)."""
    twice = Tables.from_records(
        [*programme().to_text()[0].to_dict("records"),
         {"id": "ann2", "type": "person", "label": "ann"}],
        [*programme().to_text()[1].to_dict("records"),
         {"source": "ann2", "target": "dan", "kind": "friend", "start": "2024-03-01"}])
    data = write_folder(twice, tmp_path / "data")
    assert _load(target, data).exit_code == 0
    merged = CliRunner().invoke(cli, ["merge", target.where, "ann", "ann2", "--yes"],
                                env=target.env)
    assert merged.exit_code == 0, merged.output
    assert "ann2" not in _ids(target)
    for extra in ((), ("--replace",), ("--skip-erased",)):
        result = _load(target, data, *extra)
        assert result.exit_code == 1, result.output
        assert "'ann2': this id was merged into 'ann'" in result.output
        assert "Traceback" not in result.output
        assert "ann2" not in _ids(target)
    with target.open() as store:
        ties = store.read().ties
    assert {("ann", "dan")} <= set(zip(ties["source"], ties["target"], strict=True)) | set(
        zip(ties["target"], ties["source"], strict=True))
