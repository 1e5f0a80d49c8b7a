"""``lacgraph backup`` / ``lacgraph restore`` (issue 27, Backup and restore): consistent
copies while a real ``lacgraph serve`` records changes over HTTP, a manifest checked before
anything is restored, and erasures made after a backup applied again on restore."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from lacgraph.cli import cli
from lacgraph.loaders import write_folder
from lacgraph.privacy import Pseudonymiser
from lacgraph.rights.erasure import tombstone
from lacgraph.stores import MemoryStore
from lacgraph.stores.migrations import SCHEMA_VERSION
from lacgraph.synthetic import programme
from lacgraph.tables import Tables
from lacgraph.web.appdb import AppDB
from tests.web.fixtures import date_boxes
from tests.web.live import Client, lacgraph_serve

KEY = "a long team secret for the backup tests"
ENV = {"LACGRAPH_PSEUDONYM_KEY": KEY}
V1 = Path(__file__).resolve().parents[1] / "data" / "store_v1"


def run(*args: str, env: dict[str, str] | None = None, input: str | None = None):
    return CliRunner().invoke(cli, list(args), env=env, input=input)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "live" / "programme.sqlite"
    path.parent.mkdir()
    with MemoryStore(path) as s:
        s.write(programme(60, seed=4))
    app = AppDB(path.with_name("programme.app.sqlite"))
    app.audit("ann", "coordinator", "view.person", supported(path)[0], "at=2024-06-01")
    app.close()
    return path


def supported(path: Path) -> list[str]:
    with MemoryStore(path) as s:
        nodes = s.read().nodes
    return nodes.loc[nodes["supported"], "id"].tolist()


def tables(path: Path):
    with MemoryStore(path) as s:
        return s.read()


def test_backup_then_restore_into_a_new_place(store: Path, tmp_path: Path) -> None:
    done = run("backup", str(store), "--output", str(tmp_path / "b1"))
    assert done.exit_code == 0, done.output
    assert "data version 1: " in done.output and "1 audit row(s)" in done.output
    manifest = json.loads((tmp_path / "b1" / "manifest.json").read_text())
    assert manifest["store"]["schema_version"] == SCHEMA_VERSION
    assert manifest["store"]["nodes"] == len(tables(store).nodes)
    assert manifest["app_db"]["users"] == 0 and manifest["app_db"]["audit_rows"] == 1
    assert stat.S_IMODE((tmp_path / "b1").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "b1" / "programme.sqlite").stat().st_mode) == 0o600
    assert sorted(p.name for p in (tmp_path / "b1").iterdir()) == [
        "manifest.json", "programme.app.sqlite", "programme.sqlite"]  # no -wal: one file each
    target = tmp_path / "new" / "programme.sqlite"
    target.parent.mkdir()
    done = run("restore", str(tmp_path / "b1"), "--store", str(target))
    assert done.exit_code == 0, done.output
    assert "every file matches its manifest" in done.output
    assert "Restored the app database" in done.output
    before, after = tables(store), tables(target)
    assert before.nodes.equals(after.nodes) and before.ties.equals(after.ties)
    app = AppDB(target.with_name("programme.app.sqlite"))
    assert [r[4] for r in app.audit_log()] == ["view.person", "store.restore"]
    assert app.verify_audit()[1] is None
    app.close()
    again = run("backup", str(store), "--output", str(tmp_path / "b1"))
    assert again.exit_code == 1 and "not an empty folder" in again.output


@pytest.mark.parametrize("damage", ["byte", "count", "missing"])
def test_a_backup_that_does_not_match_its_manifest_is_refused(store: Path, tmp_path: Path,
                                                              damage: str) -> None:
    assert run("backup", str(store), "-o", str(tmp_path / "b")).exit_code == 0
    copy = tmp_path / "b" / "programme.sqlite"
    if damage == "byte":
        data = bytearray(copy.read_bytes())
        data[len(data) // 2] ^= 0xFF
        copy.write_bytes(bytes(data))
        reason = "programme.sqlite: its SHA-256 is not the manifest's"
    elif damage == "count":
        manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
        manifest["store"]["ties"] += 1
        (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
        reason = "ties is"
    else:
        (tmp_path / "b" / "programme.app.sqlite").unlink()
        reason = "programme.app.sqlite: the file the manifest names is missing"
    before = store.read_bytes()
    done = run("restore", str(tmp_path / "b"), "--store", str(store), "--yes", env=ENV)
    assert done.exit_code == 1
    assert "does not match its manifest; nothing was restored" in done.output
    assert reason in done.output and "Traceback" not in done.output
    assert store.read_bytes() == before


def test_restore_never_overwrites_a_file_that_is_not_a_store(store: Path, tmp_path: Path) -> None:
    assert run("backup", str(store), "-o", str(tmp_path / "b")).exit_code == 0
    other = tmp_path / "notes.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (text)")
    before = other.read_bytes()
    done = run("restore", str(tmp_path / "b"), "--store", str(other), "--yes")
    assert done.exit_code == 1 and "is not a lacgraph store: it was not replaced" in done.output
    assert other.read_bytes() == before


def test_an_erasure_after_the_backup_stays_applied(store: Path, tmp_path: Path) -> None:
    person = supported(store)[0]
    assert run("backup", str(store), "-o", str(tmp_path / "b")).exit_code == 0
    assert run("erase", str(store), person, "--yes", env=ENV).exit_code == 0
    refused = run("restore", str(tmp_path / "b"), "--store", str(store), "--yes")
    assert refused.exit_code == 1
    assert ("Erasures were made after this backup (1 tombstone(s) in programme.sqlite, 1 in "
            "the audit log of programme.app.sqlite); set LACGRAPH_PSEUDONYM_KEY") \
        in " ".join(refused.output.split())
    assert person not in set(tables(store).nodes["id"])
    done = run("restore", str(tmp_path / "b"), "--store", str(store), "--yes", env=ENV)
    assert done.exit_code == 0, done.output
    pseudonym = Pseudonymiser(KEY)(person)
    assert f"Erased again 1 person(s) erased after this backup was made ({pseudonym})" \
        in done.output
    assert "Kept the app database" in done.output
    restored = tables(store)
    assert person not in set(restored.nodes["id"])
    assert not (restored.ties["source"].eq(person) | restored.ties["target"].eq(person)).any()
    assert len(restored.nodes) == len(tables(tmp_path / "b" / "programme.sqlite").nodes) - 1
    with MemoryStore(store) as s:
        assert tombstone(Pseudonymiser(KEY), person) in s.tombstones()
    app = AppDB(store.with_name("programme.app.sqlite"))
    rows = app.audit_log()
    assert [r[4] for r in rows][-2:] == ["person.erase", "store.restore"]
    assert person not in json.dumps(rows)  # the audit log keeps only the pseudonym
    app.close()


def test_a_lost_store_restored_from_an_old_backup_learns_its_erasures_from_the_audit_log(
        store: Path, tmp_path: Path) -> None:
    person = supported(store)[1]
    assert run("backup", str(store), "-o", str(tmp_path / "b")).exit_code == 0
    assert run("erase", str(store), person, "--yes", env=ENV).exit_code == 0
    for suffix in ("", "-wal", "-shm"):  # the disk holding the store is lost
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    done = run("restore", str(tmp_path / "b"), "--store", str(store), env=ENV)
    assert done.exit_code == 0, done.output
    assert "Erased again 1 person(s)" in done.output
    assert person not in set(tables(store).nodes["id"])
    with MemoryStore(store) as s:
        assert tombstone(Pseudonymiser(KEY), person) in s.tombstones()


def test_a_backup_of_an_old_schema_is_upgraded_on_restore(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    shutil.copyfile(V1 / "programme.sqlite", old)
    done = run("backup", str(old), "-o", str(tmp_path / "b"))
    assert done.exit_code == 0 and "schema version 1" in done.output
    done = run("restore", str(tmp_path / "b"), "--store", str(tmp_path / "new.sqlite"))
    assert done.exit_code == 0, done.output
    assert "Upgraded the restored store from schema version 1." in done.output
    assert tables(tmp_path / "new.sqlite").nodes.to_csv(index=False) == \
        (V1 / "nodes.csv").read_text()


def test_backups_while_a_real_server_records_changes(store: Path, tmp_path: Path) -> None:
    """Over HTTP, a coordinator records new connections nonstop while backups are taken:
    each backup holds the data at one moment (every recorded change adds one person and
    one tie and moves the data version by one, so the three counts agree), matches its
    manifest, and restores to a store that opens."""
    nodes = tables(store).nodes
    person = nodes.loc[nodes["supported"], ["id", "coordinator"]].iloc[0]
    app_path = store.with_name("programme.app.sqlite")
    app = AppDB(app_path)
    app.add_user("cora", "coordinator", "a long enough password", coordinator=person["coordinator"])
    app.close()
    n0, t0 = len(nodes), len(tables(store).ties)
    with MemoryStore(store) as s:
        v0 = int(s.data_version())
    stop, recorded, failures = threading.Event(), [], []
    with lacgraph_serve(store, app_path) as base:
        client = Client(base)
        client.log_in("cora", "a long enough password")

        def record() -> None:
            page = f"/people/{person['id']}"
            while not stop.is_set() and len(recorded) < 60:
                status, body = client.post(f"{page}/connections/add", {
                    "new_name": f"New friend {len(recorded)}", "new_type": "person",
                    "kind": "friend", **date_boxes("start", "2024-06-01")}, form=page)
                (recorded if status == 302 else failures).append((status, body[:300]))

        writer = threading.Thread(target=record)
        writer.start()
        try:
            folders = []
            while writer.is_alive() and len(folders) < 6:
                if len(recorded) > 2 * len(folders):
                    folder = tmp_path / f"b{len(folders)}"
                    done = run("backup", str(store), "-o", str(folder))
                    assert done.exit_code == 0, done.output
                    folders.append(folder)
        finally:
            stop.set()
            writer.join()
    assert not failures, failures[:2]
    assert len(folders) >= 3
    seen = set()
    for folder in folders:
        manifest = json.loads((folder / "manifest.json").read_text())["store"]
        changes = int(manifest["data_version"]) - v0
        assert manifest["nodes"] - n0 == changes == manifest["ties"] - t0, manifest
        seen.add(changes)
        target = tmp_path / f"restored-{folder.name}.sqlite"
        done = run("restore", str(folder), "--store", str(target))
        assert done.exit_code == 0, done.output
        assert len(tables(target).ties) == manifest["ties"]
        app = AppDB(target.with_name(f"{target.stem}.app.sqlite"))
        assert app.verify_audit()[1] is None
        app.close()
    assert len(seen) >= 2  # the backups were taken at different moments of the writing
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _pair(path: Path) -> tuple[str, str]:
    """Two supported people, the second with connections: KEEP and a DROP to merge."""
    people = supported(path)
    ties = tables(path).ties
    drop = next(p for p in people[1:] if (ties["source"].eq(p) | ties["target"].eq(p)).any())
    return people[0], drop


def _neighbours(path: Path, person: str) -> set[str]:
    ties = tables(path).ties
    return set(ties.loc[ties["source"] == person, "target"]) \
        | set(ties.loc[ties["target"] == person, "source"])


def _load_backup_files(store: Path, tmp_path: Path):
    """A later load of the data as the backup holds it (DROP still in the files)."""
    copy = tmp_path / "copy.sqlite"  # opening the backup itself would change it
    shutil.copyfile(tmp_path / "b" / "programme.sqlite", copy)
    files = write_folder(tables(copy), tmp_path / "files")
    return run("load", str(files), "--store", str(store), env=ENV)


@pytest.mark.parametrize("lost", [False, True])
def test_a_merge_after_the_backup_stays_made(store: Path, tmp_path: Path, lost: bool) -> None:
    """Issue 23: restoring a backup made before a merge merges DROP into KEEP again (from
    the replaced store's merges, or from the audit log when the store was lost), so a later
    load holding DROP is refused instead of bringing the duplicate back."""
    keep, drop = _pair(store)
    alters = _neighbours(store, drop) - {keep}
    assert run("backup", str(store), "-o", str(tmp_path / "b")).exit_code == 0
    merged = run("merge", str(store), keep, drop, "--yes", env=ENV)
    assert merged.exit_code == 0, merged.output
    if lost:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{store}{suffix}").unlink(missing_ok=True)
    done = run("restore", str(tmp_path / "b"), "--store", str(store), "--yes", env=ENV)
    assert done.exit_code == 0, done.output
    assert (f"Merged again 1 duplicate(s) merged after this backup was made ({drop!r} into "
            f"{keep!r})") in " ".join(done.output.split())
    assert drop not in set(tables(store).nodes["id"])
    assert alters <= _neighbours(store, keep)  # DROP's connections moved to KEEP again
    with MemoryStore(store) as s:
        assert s.merged() == {drop: keep}
    again = _load_backup_files(store, tmp_path)
    assert again.exit_code == 1, again.output
    assert f"{drop!r}: this id was merged into {keep!r}" in again.output
    assert drop not in set(tables(store).nodes["id"])
    app = AppDB(store.with_name("programme.app.sqlite"))
    rows = app.audit_log()
    assert [r[4:7] for r in rows][-2:] == [("data.merge", keep, f"dropped={drop}"), (
        "store.restore", "programme.sqlite", rows[-1][6])]
    assert "merges_reapplied=1" in rows[-1][6]
    app.close()
    twice = run("restore", str(tmp_path / "b"), "--store", str(store), "--yes", env=ENV)
    assert twice.exit_code == 0, twice.output  # the same restore again: the same result
    with MemoryStore(store) as s:
        assert s.merged() == {drop: keep} and drop not in set(s.read().nodes["id"])


def test_a_merge_into_someone_the_backup_lacks_is_refused_naming_it(
        store: Path, tmp_path: Path) -> None:
    drop = _pair(store)[1]
    assert run("backup", str(store), "-o", str(tmp_path / "b")).exit_code == 0
    newer = Tables.from_records([{"id": "newcomer", "type": "person", "label": "New"}], [])
    added = run("load", str(write_folder(newer, tmp_path / "new")), "--store", str(store),
                env=ENV)
    assert added.exit_code == 0, added.output
    assert run("merge", str(store), "newcomer", drop, "--yes", env=ENV).exit_code == 0
    before = tables(store)
    refused = run("restore", str(tmp_path / "b"), "--store", str(store), "--yes", env=ENV)
    assert refused.exit_code == 1
    text = " ".join(refused.output.split())
    assert (f"Duplicates were merged after this backup that cannot be merged again in it: "
            f"{drop!r} merged into 'newcomer' ('newcomer' is not in the backup). Nothing "
            "was restored") in text, text
    assert "Traceback" not in refused.output
    after = tables(store)
    assert before.nodes.equals(after.nodes) and before.ties.equals(after.ties)


def test_a_merge_then_an_erasure_of_the_one_kept_erases_both_on_restore(
        store: Path, tmp_path: Path) -> None:
    """The store is lost: the audit log alone says KEEP was erased after DROP was merged
    into it (both pseudonymised there); the restored DROP is erased too."""
    keep, drop = _pair(store)
    assert run("backup", str(store), "-o", str(tmp_path / "b")).exit_code == 0
    assert run("merge", str(store), keep, drop, "--yes", env=ENV).exit_code == 0
    assert run("erase", str(store), keep, "--yes", env=ENV).exit_code == 0
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    done = run("restore", str(tmp_path / "b"), "--store", str(store), env=ENV)
    assert done.exit_code == 0, done.output
    assert "Erased again 2 person(s)" in done.output
    assert not {keep, drop} & set(tables(store).nodes["id"])
    key = Pseudonymiser(KEY)
    with MemoryStore(store) as s:
        assert {tombstone(key, keep), tombstone(key, drop)} <= s.tombstones()
        assert s.merged() == {}
    refused = _load_backup_files(store, tmp_path)
    assert refused.exit_code == 1 and "this person was erased" in refused.output
