"""Backups of a store file and its app database: ``lacgraph backup`` / ``lacgraph restore``.

A backup is a folder (owner-only) holding ``programme.sqlite`` (the store), optionally
``programme.app.sqlite`` (the web app's accounts and audit log) and ``manifest.json``::

    {"format": "lacgraph-backup", "version": 1, "created": "2026-12-06T20:30:00Z",
     "lacgraph": "0.1.0",
     "store": {"file": "programme.sqlite", "schema_version": 2, "data_version": "17",
               "nodes": 3402, "ties": 13443, "tombstones": 1, "bytes": ..., "sha256": ...},
     "app_db": {"file": "programme.app.sqlite", "users": 4, "audit_rows": 120,
                "bytes": ..., "sha256": ...}}

Both files are copied with SQLite's online backup API (:meth:`sqlite3.Connection.backup`)
inside read transactions opened on both databases before either is copied, so a running
``lacgraph serve`` keeps writing (the write-ahead log lets it) and the copies hold each
database exactly as it was at one moment. The copies are single files (no ``-wal``).

:func:`check_backup` reads a backup folder back and lists every way it differs from its
manifest; :func:`copy_database` is the online copy both directions use. Re-applying newer
erasures on restore is :mod:`lacgraph.rights.restore`'s job.

Examples
--------
>>> import tempfile, pathlib
>>> from lacgraph.stores import MemoryStore
>>> from lacgraph.tables import Tables
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with MemoryStore(folder / "p.sqlite") as store:
...     _ = store.write(Tables.from_records([{"id": "a", "type": "person"}], []))
>>> manifest = backup(folder / "p.sqlite", None, folder / "b")
>>> manifest["store"]["nodes"], check_backup(folder / "b")[1]
(1, [])
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from contextlib import ExitStack, closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lacgraph.errors import StoreError
from lacgraph.stores import _sqlite
from lacgraph.stores.migrations import SCHEMA_VERSION

FORMAT = "lacgraph-backup"
MANIFEST = "manifest.json"
STORE_FILE = "programme.sqlite"
APP_FILE = "programme.app.sqlite"


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_database(source: sqlite3.Connection, target: Path | sqlite3.Connection) -> None:
    """Copy the database ``source`` reads (in its open transaction, if any) into
    ``target`` (a new file, left as one file without a write-ahead log, or an open
    connection whose database is replaced)."""
    if isinstance(target, sqlite3.Connection):
        source.backup(target)
        return
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    with closing(sqlite3.connect(target, isolation_level=None)) as out:
        source.backup(out)
        out.execute("PRAGMA journal_mode = DELETE")


def store_facts(db: sqlite3.Connection) -> dict[str, Any]:
    """Schema version, data version and counts of a store database."""
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {
        "schema_version": int(meta.get("schema_version", "0")),
        "data_version": meta.get("data_version", "0"),
        "nodes": db.execute("SELECT count(*) FROM nodes").fetchone()[0],
        "ties": db.execute("SELECT count(*) FROM ties").fetchone()[0],
        "tombstones": (db.execute("SELECT count(*) FROM erased").fetchone()[0]
                       if "erased" in names else 0),
    }


def app_facts(db: sqlite3.Connection) -> dict[str, Any]:
    """Accounts and audit rows of an app database."""
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    users = db.execute("SELECT count(*) FROM users").fetchone()[0] if "users" in names else 0
    audit = db.execute("SELECT count(*) FROM audit").fetchone()[0] if "audit" in names else 0
    return {"users": users, "audit_rows": audit}


def backup(store: str | os.PathLike[str], app_db: str | os.PathLike[str] | None,
           output: str | os.PathLike[str], *, lacgraph_version: str = "") -> dict[str, Any]:
    """Copy ``store`` (and ``app_db``, if given) into the new folder ``output``.

    Returns the manifest (also written to ``output/manifest.json``).

    Raises
    ------
    StoreError
        When ``store`` is not a lacgraph store file, ``output`` exists and is not an
        empty folder, or a file cannot be read or written.
    """
    store, out = Path(store), Path(output)
    if not store.is_file():
        raise StoreError(f"Cannot back up {store}: no such store file")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise StoreError(f"Cannot back up into {out}: it exists and is not an empty folder "
                         "(give a new folder for each backup)")
    try:
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
        with ExitStack() as stack:
            sources = [stack.enter_context(closing(sqlite3.connect(p, timeout=60)))
                       for p in ([store] if app_db is None else [store, Path(app_db)])]
            for db in sources:  # one moment for both: read transactions first, then copy
                db.execute("BEGIN")
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            version = _sqlite.schema_version(sources[0], str(store))
            copy_database(sources[0], out / STORE_FILE)
            if app_db is not None:
                copy_database(sources[1], out / APP_FILE)
        manifest: dict[str, Any] = {
            "format": FORMAT, "version": 1,
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "lacgraph": lacgraph_version,
            "store": {"file": STORE_FILE, **_facts(out / STORE_FILE, store_facts)},
            "app_db": None if app_db is None else {
                "file": APP_FILE, **_facts(out / APP_FILE, app_facts)},
        }
        assert manifest["store"]["schema_version"] == version
        (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        return manifest
    except sqlite3.DatabaseError as err:
        raise StoreError(f"Cannot back up {store}: {err}") from err
    except OSError as err:
        raise StoreError(f"Cannot write the backup {out}: {err}") from err


def _facts(path: Path, read: Any) -> dict[str, Any]:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        facts = read(db)
    return {**facts, "bytes": path.stat().st_size, "sha256": sha256(path)}


def check_backup(folder: str | os.PathLike[str]) -> tuple[dict[str, Any], list[str]]:
    """Read the backup ``folder``; return its manifest and every problem found.

    Checked: the manifest's format, each file's size and SHA-256, that SQLite finds each
    file intact, the store's schema version (not newer than this lacgraph's), and that
    the data version and counts in the files are those the manifest records.
    """
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, [f"{folder} has no {MANIFEST}: not a lacgraph backup folder"]
    except (OSError, ValueError) as err:
        return {}, [f"{folder / MANIFEST} cannot be read: {err}"]
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT \
            or not isinstance(manifest.get("store"), dict):
        return {}, [f"{folder / MANIFEST} is not a lacgraph backup manifest"]
    problems: list[str] = []
    parts = [("store", store_facts)]
    if manifest.get("app_db"):
        parts.append(("app_db", app_facts))
    for part, read in parts:
        entry = manifest[part]
        path = folder / str(entry.get("file", ""))
        if not path.is_file() or path.parent != folder:
            problems.append(f"{path.name or part}: the file the manifest names is missing")
            continue
        if path.stat().st_size != entry.get("bytes") or sha256(path) != entry.get("sha256"):
            problems.append(f"{path.name}: its SHA-256 is not the manifest's (the file was "
                            "changed or damaged after the backup)")
            continue
        try:
            with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
                if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    problems.append(f"{path.name}: SQLite finds it damaged")
                    continue
                found = read(db)
        except sqlite3.DatabaseError as err:
            problems.append(f"{path.name}: cannot be read ({err})")
            continue
        for key, value in found.items():
            if entry.get(key) != value:
                problems.append(f"{path.name}: {key} is {value!r}, the manifest says "
                                f"{entry.get(key)!r}")
    version = manifest["store"].get("schema_version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        problems.append(f"the store has schema version {version}, newer than this "
                        f"lacgraph's {SCHEMA_VERSION}: restore it with the newer lacgraph")
    return manifest, problems
