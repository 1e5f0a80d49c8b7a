"""What only the SQLite-backed MemoryStore promises: the file itself."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal

from lacgraph.errors import StoreError, StoreUnavailable
from lacgraph.stores import LoadSummary, MemoryStore, open_store
from lacgraph.tables import Tables


def programme(n: int = 40) -> Tables:
    nodes = [{"id": f"p{i:03d}", "type": "person", "label": f"Person {i}", "extra": str(i)}
             for i in range(n)]
    ties = [{"source": f"p{i:03d}", "target": f"p{(i * 7 + 1) % n:03d}", "kind": "friend",
             "start": f"2024-01-{i % 28 + 1:02d}", "end": "2024-12-01" if i % 3 else ""}
            for i in range(n)]
    return Tables.from_records(nodes, ties)


def file_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table in the file, read with plain sqlite3."""
    with sqlite3.connect(path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(db.execute(f'SELECT * FROM "{n}"').fetchall()) for n in names}  # noqa: S608


def assert_same(a: Tables, b: Tables) -> None:
    assert_frame_equal(a.nodes, b.nodes)
    assert_frame_equal(a.ties, b.ties)


def test_a_reopened_file_reads_equal(tmp_path: Path) -> None:
    path = tmp_path / "lac.sqlite"
    with MemoryStore(path) as store:
        store.write(programme())
        before = store.read()
    with MemoryStore(path) as again:
        assert_same(again.read(), before)
        assert again.write(programme()) == LoadSummary(nodes_unchanged=40, ties_unchanged=40)


def test_the_file_uses_write_ahead_logging_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "lac.sqlite"
    with MemoryStore(path) as store:
        store.write(programme())
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_second_identical_write_leaves_the_rows_as_they_were(tmp_path: Path) -> None:
    path = tmp_path / "lac.sqlite"
    with MemoryStore(path) as store:
        store.write(programme())
        rows = file_rows(path)
        store.write(programme())
        assert file_rows(path) == rows


def test_a_failure_midway_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "lac.sqlite"
    with MemoryStore(path, batch_size=5) as store:
        store.write(programme(20))
        before, rows = store.read(), file_rows(path)
        calls: list[int] = []

        def fail_after_new_rows_were_sent(n: int) -> None:
            calls.append(n)  # nodes p020-p029 (new) go in the batches before row 30
            if sum(calls) >= 30:
                raise RuntimeError("power cut")

        bigger = programme(40)
        with pytest.raises(RuntimeError, match="power cut"):
            store.write(bigger, progress=fail_after_new_rows_were_sent)
        assert_same(store.read(), before)
        assert store.write(bigger).nodes_added == 20  # the store still works
    assert file_rows(path) != rows
    with MemoryStore(path) as again:
        assert len(again.read().nodes) == 40


def test_a_failed_write_is_not_in_the_file_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "lac.sqlite"
    with MemoryStore(path, batch_size=5) as store:
        store.write(programme(20))
        before, rows = store.read(), file_rows(path)

        def fail(n: int) -> None:
            raise RuntimeError("disk full")

        with pytest.raises(RuntimeError):
            store.write(programme(40), progress=fail)
    assert file_rows(path) == rows
    with MemoryStore(path) as again:
        assert_same(again.read(), before)


def test_erasure_leaves_no_trace_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "lac.sqlite"
    secret = "Very-Distinctive-Name-4711"
    tables = Tables.from_records(
        [{"id": "x1", "type": "person", "label": secret}, {"id": "x2", "type": "person"}],
        [{"source": "x1", "target": "x2", "kind": "friend", "start": "2024-01-01"}])
    with MemoryStore(path) as store:
        store.write(tables)
        store.erase_person("x1")
        assert len(store.read().ties) == 0
        data = path.read_bytes() + (tmp_path / "lac.sqlite-wal").read_bytes()
        assert secret.encode() not in data


def test_another_connections_commit_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "lac.sqlite"
    with MemoryStore(path) as first, MemoryStore(path) as second:
        first.write(programme(10))
        assert len(second.read().nodes) == 10
        second.erase_person("p000")
        assert len(first.read().nodes) == 9


@pytest.mark.parametrize("content", [b"id,type\np1,person\n", b"\x00" * 4096])
def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "nodes.csv"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not a lacgraph store"):
        MemoryStore(path)
    assert path.read_bytes() == content


def test_another_sqlite_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE people (name TEXT)")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="SQLite database but not a lacgraph store"):
        MemoryStore(path)
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lac.sqlite"
    MemoryStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version '99'"):
        MemoryStore(path)


def test_a_folder_that_does_not_exist_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="Cannot open"):
        MemoryStore(tmp_path / "missing" / "lac.sqlite")


def test_a_closed_store_refuses_work(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "lac.sqlite")
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.read()


def test_open_store_picks_the_store(tmp_path: Path) -> None:
    with open_store(tmp_path / "lac.sqlite") as store:
        assert isinstance(store, MemoryStore) and store.path is not None
    with open_store(str(tmp_path / "lac.sqlite")) as store:
        assert store.path == str(tmp_path / "lac.sqlite")
    with open_store(None) as store:
        assert store.path is None
    for uri in ("bolt://127.0.0.1:1", "neo4j://127.0.0.1:1"):
        # a URI opens the Neo4j store; nothing listens there
        with pytest.raises(StoreUnavailable, match="Cannot reach the graph database"):
            open_store(uri, connection_timeout=1)
