"""Loads that remove (--replace), the data version, and a locked store (issue 12, 8-10)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from lacgraph.cli import cli
from lacgraph.errors import StoreError
from lacgraph.loaders import read_folder, write_folder
from lacgraph.stores import MemoryStore
from lacgraph.tables import Tables

NODES = [{"id": i, "type": "person", "label": i.upper()} for i in ("ann", "bob", "cat", "dan")]
TIES = [{"source": "ann", "target": "bob", "kind": "friend", "start": "2024-01-01"},
        {"source": "bob", "target": "cat", "kind": "friend", "start": "2024-01-01"},
        {"source": "cat", "target": "dan", "kind": "neighbour", "start": "2024-02-01"}]


def tables(nodes=NODES, ties=TIES, **extra) -> Tables:
    return Tables.from_records([{**n, **extra} for n in nodes], ties)


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    s = MemoryStore(None if request.param == "memory" else tmp_path / "s.sqlite")
    yield s
    s.close()


def same(a: Tables, b: Tables) -> None:
    from pandas.testing import assert_frame_equal

    assert_frame_equal(a.nodes, b.nodes)
    assert_frame_equal(a.ties, b.ties)


def test_replace_holds_exactly_the_source_and_counts_what_it_removed(store, tmp_path):
    store.write(tables(pets="2"))
    smaller = tables(NODES[:3], [{**TIES[0], "source": "bob", "target": "ann"}, TIES[1]])
    summary = store.replace(smaller)
    assert (summary.nodes_removed, summary.ties_removed) == (1, 1)
    assert summary.ties_changed == 0 and summary.ties_unchanged == 2  # a swap is no change
    assert summary.nodes_changed == 3  # the pets column went
    got = store.read()
    assert list(got.nodes["id"]) == ["ann", "bob", "cat"] and "pets" not in got.nodes
    assert len(got.ties) == 2
    if store.path:
        with MemoryStore(store.path) as again:  # the file says the same
            same(again.read(), got)
    assert store.replace(smaller).changed_anything is False


def test_a_failed_replace_changes_nothing(store):
    store.write(tables())
    before = store.read()
    with pytest.raises(StoreError):
        store.replace(tables(NODES[:1], TIES[:1]))  # a tie to a node not in the source
    same(store.read(), before)


def test_load_replace_in_the_cli(tmp_path):
    first = write_folder(tables(), tmp_path / "first")
    second = write_folder(tables(NODES[:2], TIES[:1]), tmp_path / "second")
    store = str(tmp_path / "s.sqlite")
    assert CliRunner().invoke(cli, ["load", str(first), "--store", store]).exit_code == 0
    plain = CliRunner().invoke(cli, ["load", str(second), "--store", store])
    with MemoryStore(store) as s:
        assert len(s.read().nodes) == 4  # a plain load only adds or updates
    result = CliRunner().invoke(cli, ["load", str(second), "--store", store, "--replace"])
    assert result.exit_code == 0, result.output
    assert "removed 2 node(s) and 2 tie(s) no longer in" in result.output
    with MemoryStore(store) as s:
        same(s.read(), read_folder(second))
    assert plain.exit_code == 0


def test_the_data_version_changes_with_every_change_and_only_then(store):
    v0 = store.data_version()
    store.write(tables())
    v1 = store.data_version()
    store.write(tables())  # nothing changed
    assert store.data_version() == v1 != v0
    store.replace(tables(NODES[:3], TIES[:2]))
    v2 = store.data_version()
    store.erase_person("cat")
    v3 = store.data_version()
    assert len({v0, v1, v2, v3}) == 4


def test_another_process_sees_the_new_version(tmp_path):
    path = tmp_path / "s.sqlite"
    with MemoryStore(path) as server, MemoryStore(path) as loader:
        seen = server.data_version()
        loader.write(tables())
        assert server.data_version() != seen
        seen = server.data_version()
        loader.erase_person("ann")
        assert server.data_version() != seen


def test_a_locked_store_waits_longer_than_five_seconds_and_says_so(tmp_path):
    path = tmp_path / "s.sqlite"
    MemoryStore(path).close()
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another load holds the write lock
    told: list[str] = []
    done: list[object] = []

    def load() -> None:
        with MemoryStore(path) as store:
            store.waiting = told.append
            done.append(store.write(tables()))

    worker = threading.Thread(target=load)
    started = time.monotonic()
    worker.start()
    time.sleep(6)
    blocker.execute("COMMIT")
    blocker.close()
    worker.join(30)
    assert done and done[0].nodes_added == 4
    assert time.monotonic() - started >= 6
    assert len(told) == 1 and "Another program is writing to" in told[0]


def test_data_folder_replace_from_python(tmp_path):
    with MemoryStore(Path(tmp_path) / "x.sqlite") as s:
        s.write(tables())
        assert s.replace(tables(NODES[:2], TIES[:1])).nodes_removed == 2


def test_a_plain_load_after_a_replace_agrees_that_a_swapped_tie_is_the_same(tmp_path):
    """Issue 23: a reload after ``--replace`` used to report "1 changed" for a tie given
    with source and target swapped."""
    first, swapped = tmp_path / "first", tmp_path / "swapped"
    write_folder(tables(), first)
    write_folder(tables(ties=[{**TIES[0], "source": "bob", "target": "ann"}, *TIES[1:]]),
                 swapped)
    store = tmp_path / "s.sqlite"
    runner = CliRunner()
    for args in (["load", str(first)], ["load", str(swapped), "--replace"],
                 ["load", str(swapped)]):
        result = runner.invoke(cli, [*args, "--store", str(store)])
        assert result.exit_code == 0, result.output
    assert "ties 0 added, 0 changed, 3 unchanged" in result.output
    with MemoryStore(store) as s:
        ties = s.read().ties
    assert ties[["source", "target"]].values.tolist()[0] == ["ann", "bob"]
