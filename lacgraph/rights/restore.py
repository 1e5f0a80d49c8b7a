"""Restoring a backup without undoing an erasure (``lacgraph restore``).

A backup is older than the store it replaces, so people erased after it was made are in
it again. Their erasures are known from two places that outlive the backup:

* the store being replaced: its ``erased`` table holds the keyed tombstone of every id
  erased from it (:func:`lacgraph.rights.erasure.tombstone`);
* the app database beside it: every erasure is audited as ``person.erase`` with the
  person's keyed pseudonym as its target (and this file survives the loss of the store).

Every node of the restored data is checked against both with the pseudonym key
(``LACGRAPH_PSEUDONYM_KEY``); each match is erased again (node, ties, references, its
tombstone kept), its audit rows pseudonymised, and the report says how many. Tombstones
that match no restored node are copied too, so a later load of the id is still refused.
Without the key, a restore that would bring erased people back is refused.

Duplicates merged after the backup (``lacgraph merge``, the admin's duplicates page) are
known the same two ways: the replaced store's ``merged`` table (DROP merged into KEEP)
and the ``data.merge`` rows of the audit log (target KEEP, detail ``dropped=DROP``).
They are made again first, in the order they were made, before the erasures (a merge
comes before an erasure of the person kept, which erases the dropped duplicate too): a
DROP in the restored data is merged into its KEEP, a DROP not in it is only recorded, so
a later load holding it is refused either way. A merge whose KEEP is not in the backup
while its DROP is (the KEEP was added after the backup) cannot be made again: the restore
is refused, naming it, and nothing is changed. A merge whose KEEP was erased since is
left to the erasure (the dropped duplicate is erased with the person kept).

May import what :mod:`lacgraph.rights` may (the stores, the audit log, the core).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lacgraph.analysis.duplicates import merge_in_store
from lacgraph.audit import AuditLog
from lacgraph.errors import LacgraphError, StoreError
from lacgraph.privacy import Pseudonymiser
from lacgraph.rights.erasure import erase, tombstone
from lacgraph.stores import _sqlite
from lacgraph.stores.backup import APP_FILE, STORE_FILE, check_backup, copy_database
from lacgraph.stores.base import Store
from lacgraph.stores.guard import with_merges
from lacgraph.stores.memory import MemoryStore


@dataclass
class RestoreReport:
    """What :func:`restore` did."""

    manifest: dict[str, Any]
    upgraded_from: int | None = None
    reapplied: list[str] = field(default_factory=list)  # pseudonyms of people erased again
    merges: list[tuple[str, str]] = field(default_factory=list)  # (drop, keep) made again
    tombstones_added: int = 0
    app_db: str = "none"  # "restored", "kept" (the newer one at the target) or "none"


def _rows(path: Path, sql: str) -> list[tuple[str, ...]]:
    """The rows of ``sql`` in the SQLite file ``path``, as text ([] if absent or no table)."""
    if not path.is_file():
        return []
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            return [tuple(str(v) for v in r) for r in db.execute(sql)]
    except sqlite3.OperationalError as err:
        if "no such table" in str(err):
            return []
        raise StoreError(f"Cannot read {path}: {err}") from err
    except sqlite3.DatabaseError as err:
        raise StoreError(f"Cannot read {path}: {err}") from err


def _read(path: Path, sql: str) -> frozenset[str]:
    """The first column of ``sql`` in the SQLite file ``path`` ({} if absent or no table)."""
    return frozenset(r[0] for r in _rows(path, sql))


TOMBSTONES = "SELECT tombstone FROM erased"
ERASURES = "SELECT target FROM audit WHERE action = 'person.erase'"
MERGED = "SELECT id, kept FROM merged ORDER BY at, id"
MERGES = "SELECT target, detail FROM audit WHERE action = 'data.merge' ORDER BY seq"
DROPPED = "dropped="


def _audited_merges(path: Path) -> list[tuple[str, str]]:
    """The merges audited in the app database ``path``: (drop, keep), oldest first."""
    return [(detail[len(DROPPED):], keep) for keep, detail in _rows(path, MERGES)
            if detail.startswith(DROPPED) and len(detail) > len(DROPPED)]


def newer_merges(store: Path, app_db: Path, backup: Path, has_app: bool
                 ) -> list[tuple[str, str]]:
    """The merges (drop, keep) made after the backup in ``backup``, in the order they were
    made: the audited ones first (the audit log keeps their order), then those only the
    replaced store's ``merged`` table knows (e.g. merged with no app database).

    Examples
    --------
    >>> from tempfile import TemporaryDirectory
    >>> with TemporaryDirectory() as d:
    ...     log = AuditLog(Path(d) / "app.sqlite")
    ...     log.audit("cli", "cli", "data.merge", "ann", "dropped=ann2")
    ...     log.close()
    ...     newer_merges(Path(d) / "none", Path(d) / "app.sqlite", Path(d), has_app=False)
    [('ann2', 'ann')]
    """
    before = set(_audited_merges(backup / APP_FILE)) if has_app else set()
    ordered = [m for m in _audited_merges(app_db) if m not in before]
    recorded = set(_rows(backup / STORE_FILE, MERGED))
    ordered += [(m[0], m[1]) for m in _rows(store, MERGED) if m not in recorded]
    return list(dict.fromkeys(ordered))  # each once, in order


def _merge_again(restored: Store, merges: list[tuple[str, str]],
                 erased: frozenset[str]) -> tuple[list[tuple[str, str]], set[str]]:
    """Make ``merges`` again in ``restored`` (see the module docstring).

    ``erased`` are the pseudonyms of every erased person (audit targets): a merge whose
    KEEP is one was followed by that person's erasure. Returns the merges made again (drop
    merged into keep) and the pseudonyms of dropped duplicates to erase with their KEEP.
    Raises :class:`~lacgraph.errors.StoreError` naming every merge that cannot be made
    again (nothing is installed then)."""
    final = with_merges({}, dict(merges))
    done: list[tuple[str, str]] = []
    erase_too: set[str] = set()
    problems: list[str] = []
    for drop, keep in merges:
        if keep in erased:  # the person kept was erased since: so is their duplicate
            erase_too.add(drop)
            continue
        ids = set(restored.read().nodes["id"])
        into = keep if keep in ids else final.get(keep, keep)
        if drop not in ids:  # merged before the backup, or added after it: remembered
            restored.update(lambda now: now, merged={drop: keep})
            continue
        if into not in ids:
            problems.append(f"{drop!r} merged into {keep!r} ({keep!r} is not in the backup)")
            continue
        try:
            merge_in_store(restored, into, drop)
        except LacgraphError as err:
            problems.append(f"{drop!r} merged into {keep!r} ({err})")
            continue
        done.append((drop, into))
    if problems:
        raise StoreError("Duplicates were merged after this backup that cannot be merged again "
                         "in it: " + "; ".join(problems) + ". Nothing was restored: restore a "
                         "backup made after the id kept was added.")
    return done, erase_too


def restore(folder: str | os.PathLike[str], store: str | os.PathLike[str], *,
            app_db: str | os.PathLike[str], key: Pseudonymiser | None) -> RestoreReport:
    """Restore the backup ``folder`` into ``store`` and ``app_db``.

    The store's data become the backup's (written into an existing file with SQLite's
    backup API, so a running server sees the change at its next request); an existing app
    database is kept (its accounts and audit log are newer than the backup's), a missing
    one is restored from the backup. Erasures made after the backup are applied again
    (see the module docstring) and audited in the app database's audit log.

    Raises
    ------
    StoreError
        When the backup does not match its manifest, or erasures would come back and no
        key was given. Nothing is changed then.
    """
    folder, store, app_db = Path(folder), Path(store), Path(app_db)
    manifest, problems = check_backup(folder)
    if problems:
        raise StoreError(f"The backup {folder} does not match its manifest; nothing was "
                         "restored:\n  " + "\n  ".join(problems))
    if store.exists():
        with closing(sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True)) as db:
            if not _is_store(db):
                raise StoreError(f"{store} exists and is not a lacgraph store: it was not "
                                 "replaced (give the path of the store, or a new file)")
    has_app = bool(manifest.get("app_db"))
    newer_tombstones = _read(store, TOMBSTONES) - _read(folder / STORE_FILE, TOMBSTONES)
    newer_erasures = _read(app_db, ERASURES) - (
        _read(folder / APP_FILE, ERASURES) if has_app else frozenset())
    if (newer_tombstones or newer_erasures) and key is None:
        raise StoreError(
            f"Erasures were made after this backup ({len(newer_tombstones)} tombstone(s) "
            f"in {store.name}, {len(newer_erasures)} in the audit log of {app_db.name}); "
            "set LACGRAPH_PSEUDONYM_KEY (the team's key) so that they can be applied "
            "again to the restored data. Nothing was restored.")
    merges = newer_merges(store, app_db, folder, has_app)
    report = RestoreReport(manifest)
    work = store.with_name(f".{store.name}.restoring")
    _remove(work)
    try:
        with closing(sqlite3.connect(folder / STORE_FILE)) as source:
            copy_database(source, work)
        before, after = _sqlite.upgrade(str(work))
        report.upgraded_from = before if before != after else None
        again: list[tuple[str, str]] = []
        erase_too: set[str] = set()
        if merges:  # first: a merge comes before an erasure of the person kept
            with MemoryStore(work) as restored:
                report.merges, erase_too = _merge_again(restored, merges,
                                                        _read(app_db, ERASURES))
        if key is not None and (newer_tombstones or newer_erasures or erase_too):
            with MemoryStore(work) as restored:
                nodes = restored.read().nodes
                for person, label in zip(nodes["id"], nodes["label"], strict=True):
                    if tombstone(key, person) in newer_tombstones \
                            or key(person) in newer_erasures \
                            or key(person) in erase_too or person in erase_too:
                        erase(restored, person, key)
                        again.append((person, label))
            with closing(sqlite3.connect(work, isolation_level=None)) as db:
                known = {r[0] for r in db.execute(TOMBSTONES)}
                missing = sorted(newer_tombstones - known)
                db.executemany("INSERT OR IGNORE INTO erased (tombstone, at) "
                               "VALUES (?, datetime('now'))", [(t,) for t in missing])
                report.tombstones_added = len(missing)
        _install(work, store)
    finally:
        _remove(work)
    if app_db.exists():
        report.app_db = "kept"
    elif has_app:
        with closing(sqlite3.connect(folder / APP_FILE)) as source:
            copy_database(source, app_db)
        report.app_db = "restored"
    if report.app_db != "none":
        log = AuditLog(app_db)
        try:
            assert key is not None or not again
            for person, label in again:
                pseudonym = key(person) if key is not None else ""
                log.pseudonymise_person(person, pseudonym, label)
                log.audit("restore", "cli", "person.erase", pseudonym, "reapplied=restore")
                report.reapplied.append(pseudonym)
            for drop, keep in report.merges:  # as the merge was audited (read back so)
                log.audit("restore", "cli", "data.merge", keep, f"{DROPPED}{drop}")
            log.audit("restore", "cli", "store.restore", store.name,
                      f"created={manifest.get('created')} data_version="
                      f"{manifest['store']['data_version']} erasures_reapplied={len(again)}"
                      f" merges_reapplied={len(report.merges)}")
        finally:
            log.close()
    else:
        report.reapplied = [key(p) for p, _ in again] if key is not None else []
    return report


def _install(work: Path, store: Path) -> None:
    """Make ``store`` hold ``work``'s data: a new file is moved into place; an existing
    one is overwritten through SQLite (its data version moves on, so every open reader
    sees a change), then emptied of old copies (checkpoint, VACUUM)."""
    if not store.exists():
        with closing(sqlite3.connect(work, isolation_level=None)) as db:
            db.execute("PRAGMA journal_mode = WAL")
        os.replace(work, store)
        os.chmod(store, 0o600)
        return
    with closing(sqlite3.connect(store, isolation_level=None, timeout=60)) as target:
        old = _sqlite.data_version(target) if _is_store(target) else "0"
        with closing(sqlite3.connect(work, isolation_level=None)) as source:
            copy_database(source, target)
        target.execute("PRAGMA journal_mode = WAL")
        with _sqlite.transaction(target, str(store)):
            new = max(int(old), int(_sqlite.data_version(target))) + 1
            _sqlite.set_meta(target, "data_version", str(new))
        _sqlite.scrub(target, str(store))


def _is_store(db: sqlite3.Connection) -> bool:
    try:
        return db.execute("SELECT value FROM meta WHERE key = 'application'").fetchone() \
            == (_sqlite.APPLICATION,)
    except sqlite3.DatabaseError:
        return False


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
