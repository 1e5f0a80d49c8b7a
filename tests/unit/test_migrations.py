"""Schema migrations of the store file (issue 27, Upgrades): a store written by schema
version 1 (``tests/data/store_v1``, made by that code) is refused with the command that
upgrades it, ``lacgraph upgrade`` brings it up to date keeping every row and tombstone,
and migrating then reading equals reading a fresh load (Hypothesis)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lacgraph.cli import cli
from lacgraph.errors import InputError, StoreError
from lacgraph.privacy import Pseudonymiser
from lacgraph.rights.erasure import screen, tombstone
from lacgraph.stores import MemoryStore, _sqlite, migrations
from lacgraph.stores._merge import extra_columns
from lacgraph.stores._sqlite import OutdatedStore
from lacgraph.tables import NODE_COLUMNS, TIE_COLUMNS, Tables
from tests.conftest import random_network

V1 = Path(__file__).resolve().parents[1] / "data" / "store_v1"
V1_KEY = "store-v1-fixture-key"  # the key make_store_v1.py erased with


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    path = tmp_path / "programme.sqlite"
    shutil.copyfile(V1 / "programme.sqlite", path)
    return path


def schema_of(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()


def test_the_fixture_is_schema_version_1(old_store: Path) -> None:
    with sqlite3.connect(old_store) as db:
        meta = dict(db.execute("SELECT key, value FROM meta"))
    assert meta["schema_version"] == "1" and meta["application"] == "lacgraph"
    assert migrations.SCHEMA_VERSION > 1


def test_an_old_store_is_refused_naming_the_command(old_store: Path) -> None:
    before = old_store.read_bytes()
    with pytest.raises(OutdatedStore) as caught:
        MemoryStore(old_store)
    message = str(caught.value)
    assert "\n" not in message
    assert f"run 'lacgraph upgrade {old_store}' first" in message
    assert "schema version 1" in message
    assert old_store.read_bytes() == before  # refusing changed nothing


def test_upgrade_keeps_every_row_and_tombstone(old_store: Path) -> None:
    done = CliRunner().invoke(cli, ["upgrade", str(old_store)])
    assert done.exit_code == 0, done.output
    assert done.output == (f"Upgraded {old_store} from schema version 1 to "
                           f"{migrations.SCHEMA_VERSION}.\n")
    with MemoryStore(old_store) as store:
        tables = store.read()
        assert tables.nodes.to_csv(index=False) == (V1 / "nodes.csv").read_text()
        assert tables.ties.to_csv(index=False) == (V1 / "ties.csv").read_text()
        erased = (V1 / "erased.txt").read_text().strip()
        assert tombstone(Pseudonymiser(V1_KEY), erased) in store.tombstones()
        assert store.data_version() == "2"  # an upgrade is no change to the data
    again = Tables.from_records([{"id": erased, "type": "person"}], [])
    with pytest.raises(InputError, match=erased):  # the erasure stays applied
        screen(again, store_tombstones(old_store), Pseudonymiser(V1_KEY))
    with sqlite3.connect(old_store) as db:
        history = db.execute("SELECT version, lacgraph FROM upgrades").fetchall()
    assert [v for v, _ in history] == list(range(2, migrations.SCHEMA_VERSION + 1))
    second = CliRunner().invoke(cli, ["upgrade", str(old_store)])
    assert second.exit_code == 0
    assert "already at schema version" in second.output


def store_tombstones(path: Path) -> frozenset[str]:
    with MemoryStore(path) as store:
        return store.tombstones()


def test_an_upgraded_file_has_the_schema_of_a_new_one(old_store: Path, tmp_path: Path) -> None:
    _sqlite.upgrade(str(old_store))
    fresh = tmp_path / "new.sqlite"
    MemoryStore(fresh).close()
    assert schema_of(old_store) == schema_of(fresh)


def test_a_failing_step_leaves_the_file_as_it_was(old_store: Path, monkeypatch) -> None:
    def breaks(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(_sqlite, "pending", lambda v: [*migrations.pending(v), breaks])
    schema = schema_of(old_store)
    with pytest.raises(StoreError, match="disk I/O error"):
        _sqlite.upgrade(str(old_store))
    assert schema_of(old_store) == schema
    with sqlite3.connect(old_store) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() \
            == ("1",)


def test_upgrade_refuses_what_is_not_a_store(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    for path, reason in ((other, "not a lacgraph store"), (tmp_path / "none.sqlite",
                                                            "no such store file")):
        done = CliRunner().invoke(cli, ["upgrade", str(path)])
        assert done.exit_code == 1 and reason in done.output and "Traceback" not in done.output
    assert not (tmp_path / "none.sqlite").exists()


def test_steps_are_numbered_in_order() -> None:
    assert migrations.SCHEMA_VERSION == len(migrations.STEPS) + 1
    for version, step in enumerate(migrations.STEPS, start=2):
        assert (step.__doc__ or "").startswith(f"{version}: "), step.__name__


def write_version_1(path: Path, tables: Tables) -> None:
    """A store file exactly as schema version 1 wrote it (the frozen base schema, rows
    encoded by the store's row encoders, the meta keys version 1 kept)."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    for statement in migrations.BASE:
        db.execute(statement)
    db.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("application", "lacgraph"), ("schema_version", "1"),
        ("node_columns", json.dumps(extra_columns(tables.nodes, NODE_COLUMNS))),
        ("tie_columns", json.dumps(extra_columns(tables.ties, TIE_COLUMNS)))])
    db.executemany(_sqlite.UPSERT_NODE, _sqlite.node_rows(tables.nodes))
    db.executemany(_sqlite.UPSERT_TIE, _sqlite.tie_rows(tables.ties))
    db.close()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), people=st.integers(2, 30), ties=st.integers(0, 60),
       pets=st.booleans())
def test_migrating_then_reading_equals_reading_a_fresh_load(tmp_path_factory, seed, people,
                                                             ties, pets) -> None:
    folder = tmp_path_factory.mktemp("m")
    T = random_network(seed, n_people=people, n_ties=ties)
    if pets:  # an extra column, set on some rows
        nodes = T.nodes.copy()
        nodes["pets"] = [str(i % 3) if i % 2 else "" for i in range(len(nodes))]
        T = Tables(nodes, T.ties)
    write_version_1(folder / "old.sqlite", T)
    _sqlite.upgrade(str(folder / "old.sqlite"))
    with MemoryStore(folder / "new.sqlite") as fresh:
        fresh.write(T)
        expected = fresh.read()
    with MemoryStore(folder / "old.sqlite") as migrated, \
            MemoryStore(folder / "new.sqlite") as fresh:
        got = migrated.read()
        assert migrated.snapshot("2024-06-01").ties.equals(fresh.snapshot("2024-06-01").ties)
    pd.testing.assert_frame_equal(got.nodes, expected.nodes)
    pd.testing.assert_frame_equal(got.ties, expected.ties)


def test_the_server_refuses_an_old_store_with_one_line(old_store: Path, tmp_path: Path) -> None:
    lacgraph = str(Path(sys.executable).with_name("lacgraph"))
    done = subprocess.run([lacgraph, "serve", str(old_store), "--port", "0",
                           "--app-db", str(tmp_path / "app.sqlite")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"Error: {old_store} was written by an older lacgraph (schema version 1; this one "
        f"reads version {migrations.SCHEMA_VERSION}): run 'lacgraph upgrade {old_store}' "
        "first")
