"""The store file: one SQLite database holding a programme's canonical tables.

The schema (version :data:`SCHEMA_VERSION`; how it is made and upgraded:
:mod:`lacgraph.stores.migrations`)::

    meta(key PRIMARY KEY, value)      application = lacgraph, schema_version,
                                      node_columns / tie_columns (extra columns, JSON list)
    nodes(id PRIMARY KEY, type, label, neighbourhood, supported, introduced_on,
          coordinator, attrs)
    ties(lo, hi, kind, start, source, target, "end", circle, reciprocal, brokered_by,
         attrs, PRIMARY KEY (lo, hi, kind, start))

    erased(tombstone PRIMARY KEY, at)  keyed hashes of erased ids (lacgraph.rights.erasure)
    upgrades(version PRIMARY KEY, at, lacgraph)  every ``lacgraph upgrade`` step applied
    form_tokens(token PRIMARY KEY, at) one-time form tokens already used (lacgraph.stores.guard)
    audit_outbox(id PRIMARY KEY, at, user, role, action, target, detail)
                                      audit rows kept with their change until the audit
                                      log holds them (lacgraph.audit.outbox)
    merged(id PRIMARY KEY, kept, at)  ids merged into another (lacgraph merge): loads
                                      holding them are refused

``meta.pseudonym_key`` is the fingerprint of the pseudonym key the store was first used
with (never the key).

``meta.data_version`` counts the changes to the data (every write that changes something,
replace and erasure); :meth:`MemoryStore.data_version` reads it.

Dates are ISO ``YYYY-MM-DD`` text (NULL when missing), booleans 0/1, and ``attrs`` is a
JSON object of the row's non-empty extra columns. ``lo``/``hi`` are the tie's two ends in
sorted order, so a tie written as ``a-b`` and later as ``b-a`` is the same tie.
The file uses WAL journal mode and ``secure_delete`` (deleted rows are overwritten).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd

from lacgraph.errors import AlreadySubmitted, ErasedId, KeyMismatch, StoreError
from lacgraph.stores._merge import BOOL_COLUMNS, DATE_COLUMNS, TIE_SORT, extra_columns
from lacgraph.stores.guard import AuditNote, Guard, Marks
from lacgraph.stores.migrations import BASE, SCHEMA_VERSION, pending
from lacgraph.tables import DATE_DTYPE, NODE_COLUMNS, TIE_COLUMNS, iso_dates

APPLICATION = "lacgraph"
"""The ``meta.application`` marker that tells a lacgraph store file from any other."""

APPLICATION_ID = 0x4C414347  # "LACG", also set as SQLite's PRAGMA application_id

UPSERT_NODE = """
INSERT INTO nodes (id, type, label, neighbourhood, supported, introduced_on, coordinator, attrs)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    type = excluded.type, label = excluded.label, neighbourhood = excluded.neighbourhood,
    supported = excluded.supported, introduced_on = excluded.introduced_on,
    coordinator = excluded.coordinator, attrs = excluded.attrs
"""

UPSERT_TIE = """
INSERT INTO ties (lo, hi, kind, start, source, target, "end", circle, reciprocal, brokered_by,
                  attrs)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (lo, hi, kind, start) DO UPDATE SET
    source = excluded.source, target = excluded.target, "end" = excluded."end",
    circle = excluded.circle, reciprocal = excluded.reciprocal,
    brokered_by = excluded.brokered_by, attrs = excluded.attrs
"""

TOKEN_DAYS = 7
"""Used form tokens are kept this many days (a page older than that cannot be sent)."""

WAIT_SECONDS = 60.0
"""How long a write waits for another program's write to the same file to finish."""

Waiting = Callable[[str], None]
"""Told (once) when a write has to wait for another program: a one-line message."""


class transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; ``ROLLBACK`` on any exception.

    When another program is writing the file, waits up to :data:`WAIT_SECONDS` and says
    so once through ``waiting``. SQLite errors become :class:`StoreError`; any other
    exception (a failing progress callback, a bad plan) propagates unchanged after the
    rollback.
    """

    def __init__(self, db: sqlite3.Connection, path: str | None,
                 waiting: Waiting | None = None, wait: float = WAIT_SECONDS) -> None:
        self.db, self.path, self.waiting, self.wait = db, path, waiting, wait

    def __enter__(self) -> None:
        try:
            self.db.execute("PRAGMA busy_timeout = 0")
            try:
                self.db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) and "busy" not in str(err):
                    raise
            if self.waiting is not None:
                self.waiting(f"Another program is writing to {self.path} (another load or "
                             f"erase?); waiting up to {self.wait:.0f} s for it to finish...")
            self.db.execute(f"PRAGMA busy_timeout = {int(self.wait * 1000)}")
            try:
                self.db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as err:
                if "locked" in str(err) or "busy" in str(err):
                    raise StoreError(
                        f"Cannot write the store file {self.path}: another program kept it "
                        f"locked for {self.wait:.0f} s (another 'lacgraph load' or erase?); "
                        "try again when it has finished") from err
                raise
        except sqlite3.Error as err:
            raise StoreError(f"Cannot write the store file {self.path}: {err}") from err
        finally:
            try:
                self.db.execute(f"PRAGMA busy_timeout = {int(self.wait * 1000)}")
            except sqlite3.Error:
                pass

    def __exit__(self, kind, err, tb) -> Literal[False]:
        if err is None:
            try:
                self.db.execute("COMMIT")
                return False
            except sqlite3.Error as commit_err:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise StoreError(f"Cannot write the store file {self.path}: {commit_err}"
                                 ) from commit_err
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        if isinstance(err, sqlite3.Error):
            raise StoreError(f"Cannot write the store file {self.path}: {err}") from err
        return False


def open_database(path: str) -> sqlite3.Connection:
    """Open (or create) a lacgraph store file, checking it is one."""
    try:
        if not os.path.exists(path):  # a new file holds personal data: owner only
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                             timeout=WAIT_SECONDS)
    except (OSError, sqlite3.Error) as err:
        raise StoreError(f"Cannot open the store file {path}: {err}") from err
    try:
        _check_or_create(db, path)
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            raise StoreError(f"Cannot use write-ahead logging for {path} (got {mode!r})")
        db.execute("PRAGMA secure_delete = ON")
        db.execute("PRAGMA cache_size = -65536")  # 64 MiB: bulk upserts touch many pages
    except sqlite3.DatabaseError as err:
        db.close()
        raise StoreError(f"{path} is not a lacgraph store: {err}") from err
    except BaseException:
        db.close()
        raise
    return db


def _check_or_create(db: sqlite3.Connection, path: str) -> None:
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not names:
        with transaction(db, path):
            for statement in BASE:
                db.execute(statement)
            db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
                ("application", APPLICATION), ("schema_version", "1"),
                ("node_columns", "[]"), ("tie_columns", "[]"),
            ])
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            for migration in pending(1):
                migration(db)
            set_meta(db, "schema_version", str(SCHEMA_VERSION))
        return
    version = schema_version(db, path, names)
    if version < SCHEMA_VERSION:
        raise OutdatedStore(
            f"{path} was written by an older lacgraph (schema version {version}; this one "
            f"reads version {SCHEMA_VERSION}): run 'lacgraph upgrade {path}' first")
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path} is a lacgraph store with schema version '{version}', "
                         f"written by a newer lacgraph; this lacgraph reads version "
                         f"{SCHEMA_VERSION}: use the newer lacgraph")


class OutdatedStore(StoreError):
    """A store file of an older schema version: ``lacgraph upgrade`` brings it up to date."""


def schema_version(db: sqlite3.Connection, path: str, names: set[str] | None = None) -> int:
    """The schema version of a lacgraph store file (:class:`StoreError` if it is none)."""
    if names is None:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "meta" not in names:
        raise StoreError(f"{path} is an SQLite database but not a lacgraph store "
                         "(it has no lacgraph meta table)")
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("application") != APPLICATION:
        raise StoreError(f"{path} is an SQLite database but not a lacgraph store "
                         f"(application {meta.get('application')!r})")
    version = meta.get("schema_version", "")
    if not version.isdigit() or int(version) < 1:
        raise StoreError(f"{path} is a lacgraph store with schema version {version!r}; "
                         f"this lacgraph reads version {SCHEMA_VERSION}")
    return int(version)


def upgrade(path: str, *, lacgraph_version: str = "") -> tuple[int, int]:
    """Bring the store file ``path`` to :data:`SCHEMA_VERSION`, all steps or none.

    Returns ``(version before, version after)`` (equal when there was nothing to do).
    Each step is recorded in the file's ``upgrades`` table. Waits, as a load does, for
    another program writing the file.
    """
    if not os.path.isfile(path):
        raise StoreError(f"Cannot upgrade {path}: no such store file")
    try:
        db = sqlite3.connect(path, isolation_level=None, timeout=WAIT_SECONDS)
    except sqlite3.Error as err:
        raise StoreError(f"Cannot open the store file {path}: {err}") from err
    try:
        with transaction(db, path):
            before = schema_version(db, path)
            if before > SCHEMA_VERSION:
                raise StoreError(f"{path} has schema version {before}, newer than this "
                                 f"lacgraph's {SCHEMA_VERSION}: use the newer lacgraph")
            for number, migration in enumerate(pending(before), start=before + 1):
                migration(db)
                set_meta(db, "schema_version", str(number))
                db.execute("INSERT OR REPLACE INTO upgrades (version, at, lacgraph) "
                           "VALUES (?, datetime('now'), ?)", (number, lacgraph_version))
        return before, SCHEMA_VERSION
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path} is not a lacgraph store: {err}") from err
    finally:
        db.close()


def bump_version(db: sqlite3.Connection) -> None:
    """Count one more change to the data (inside the writing transaction)."""
    db.execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
               "WHERE key = 'data_version'")


def data_version(db: sqlite3.Connection) -> str:
    """The file's change counter (see the module docstring)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return "0" if row is None else str(row[0])


def tombstones(db: sqlite3.Connection) -> frozenset[str]:
    """The keyed hashes of every id erased from this file."""
    return frozenset(r[0] for r in db.execute("SELECT tombstone FROM erased"))


def merged(db: sqlite3.Connection) -> dict[str, str]:
    """The ids merged into another, each with the id kept."""
    return dict(db.execute("SELECT id, kept FROM merged"))


def record_merged(db: sqlite3.Connection, merges: dict[str, str]) -> None:
    """Inside a write transaction: keep ``merges`` (dropped id -> kept id); ids merged
    earlier into a dropped one now point at the one kept."""
    for drop, keep in merges.items():
        db.execute("UPDATE merged SET kept = ? WHERE kept = ?", (keep, drop))
        db.execute("INSERT INTO merged (id, kept, at) VALUES (?, ?, datetime('now')) "
                   "ON CONFLICT (id) DO UPDATE SET kept = excluded.kept, at = excluded.at",
                   (drop, keep))


def marks(db: sqlite3.Connection) -> Marks:
    """The tombstones and merged ids of this file (read inside the caller's transaction)."""
    return Marks(tombstones(db), merged(db))


def scrub(db: sqlite3.Connection, path: str, patience: float = 5.0, pause: float = 0.25
          ) -> str:
    """Leave no copy of deleted rows in the file: checkpoint, VACUUM, checkpoint.

    Returns ``""`` when done, or what remains and why: the write-ahead log cannot be
    emptied while another program (a running ``lacgraph serve``) reads an older copy.
    The first checkpoint waits up to about ``patience`` seconds for such a read to end
    (tries ``pause`` seconds apart, each waiting ``pause`` for the lock); when it could
    not, the reader is still there, so the last checkpoint tries once instead of waiting
    again.
    """
    def checkpoint(attempts: int) -> bool:
        for attempt in range(attempts):
            if db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0:
                return True  # not busy: every frame copied back and the log emptied
            if attempt + 1 < attempts:
                time.sleep(pause)
        return False

    attempts = max(1, round(patience / (2 * pause)))
    db.execute(f"PRAGMA busy_timeout = {int(pause * 1000)}")
    clean = checkpoint(attempts)
    try:
        db.execute("VACUUM")  # rebuild the file: no free page keeps old bytes
    except sqlite3.OperationalError:
        clean = False
    clean = checkpoint(attempts if clean else 1) and clean
    db.execute(f"PRAGMA busy_timeout = {int(WAIT_SECONDS * 1000)}")
    if clean:
        return ""
    return (f"the erased rows are gone from the data, but old copies remain in {path}-wal "
            "(and free pages of the file) while another program has the store open, for "
            "example a running 'lacgraph serve'. They are removed when it closes; to be "
            f"sure, stop it and run 'lacgraph erase {path} --finish'.")


def guard(db: sqlite3.Connection, guard: Guard | None) -> None:
    """Inside a write transaction: tombstones, the one-time token and the audit row of a
    change (the versions are checked on the tables, :func:`lacgraph.stores.guard.check`)."""
    if guard is None:
        return
    if guard.tombstones:
        marks = sorted(guard.tombstones)
        hit = db.execute(f"SELECT count(*) FROM erased WHERE tombstone IN "  # noqa: S608
                         f"({', '.join('?' * len(marks))})", marks).fetchone()[0]
        if hit:
            raise ErasedId("This person was erased; nothing was recorded")
    if guard.token:
        db.execute("DELETE FROM form_tokens WHERE at < datetime('now', ?)",
                   (f"-{TOKEN_DAYS} days",))
        try:
            db.execute("INSERT INTO form_tokens (token, at) VALUES (?, datetime('now'))",
                       (guard.token,))
        except sqlite3.IntegrityError as err:
            raise AlreadySubmitted("This form was already sent; the change was recorded "
                                   "once and not again") from err
    if guard.audit is not None:
        db.execute("INSERT INTO audit_outbox (id, at, user, role, action, target, detail) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", guard.audit.as_tuple())


def pending_audit(db: sqlite3.Connection) -> list[AuditNote]:
    """The audit rows kept with changes and not yet delivered, oldest first."""
    return [AuditNote(*row) for row in db.execute(
        "SELECT id, at, user, role, action, target, detail FROM audit_outbox ORDER BY at, id")]


def check_key(db: sqlite3.Connection, path: str | None, fingerprint: str) -> None:
    """Keep the pseudonym key's ``fingerprint`` at first use; refuse another key."""
    row = db.execute("SELECT value FROM meta WHERE key = 'pseudonym_key'").fetchone()
    if row is None:
        set_meta(db, "pseudonym_key", fingerprint)
    elif row[0] != fingerprint:
        raise KeyMismatch(
            f"The store {path} was used with another pseudonym key: LACGRAPH_PSEUDONYM_KEY "
            "is not the key its erasures were made with, so erased people could not be "
            "recognised. Set the key the team keeps for this store; nothing was changed.")


def set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


def load(db: sqlite3.Connection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the whole file into canonical, sorted tables."""
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    rows = db.execute("SELECT id, type, label, neighbourhood, supported, introduced_on, "
                      "coordinator, attrs FROM nodes").fetchall()
    nodes = _frame(rows, NODE_COLUMNS, json.loads(meta.get("node_columns", "[]")))
    rows = db.execute('SELECT source, target, kind, start, "end", circle, reciprocal, '
                      "brokered_by, attrs FROM ties").fetchall()
    ties = _frame(rows, TIE_COLUMNS, json.loads(meta.get("tie_columns", "[]")))
    return (nodes.sort_values("id", kind="stable", ignore_index=True),
            ties.sort_values(TIE_SORT, kind="stable", ignore_index=True))


def _frame(rows: list[tuple], fixed: tuple[str, ...], extra: list[str]) -> pd.DataFrame:
    columns = list(zip(*rows, strict=True)) if rows else [()] * (len(fixed) + 1)
    data: dict[str, np.ndarray] = {}
    for col, values in zip(fixed, columns, strict=False):
        if col in BOOL_COLUMNS:
            data[col] = np.array(values, dtype=bool)
        elif col in DATE_COLUMNS:
            data[col] = np.array(values, dtype=DATE_DTYPE)
        elif col == "circle":
            data[col] = np.array(values, dtype=np.int8)
        else:
            data[col] = np.array(values, dtype=object)
    attrs = [json.loads(a) if a != "{}" else None for a in columns[-1]]
    names = list(extra) + sorted({k for a in attrs if a for k in a} - set(extra))
    for col in names:
        data[col] = np.array(["" if a is None else a.get(col, "") for a in attrs], dtype=object)
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    text = [c for c in frame.columns if c not in BOOL_COLUMNS and c not in DATE_COLUMNS and c != "circle"]
    return frame.astype(dict.fromkeys(text, object))


def node_rows(nodes: pd.DataFrame) -> list[tuple]:
    extra = extra_columns(nodes, NODE_COLUMNS)
    return list(zip(
        nodes["id"], nodes["type"], nodes["label"], nodes["neighbourhood"],
        nodes["supported"].astype(int).tolist(), iso_dates(nodes["introduced_on"]),
        nodes["coordinator"], _attrs(nodes, extra), strict=True))


def tie_rows(ties: pd.DataFrame) -> list[tuple]:
    extra = extra_columns(ties, TIE_COLUMNS)
    source = ties["source"].to_numpy(object)
    target = ties["target"].to_numpy(object)
    swap = np.asarray(source > target, dtype=bool) if len(ties) else np.zeros(0, bool)
    return list(zip(
        np.where(swap, target, source).tolist(), np.where(swap, source, target).tolist(),
        ties["kind"], iso_dates(ties["start"]), source.tolist(), target.tolist(),
        iso_dates(ties["end"]), ties["circle"].astype(int).tolist(),
        ties["reciprocal"].astype(int).tolist(), ties["brokered_by"], _attrs(ties, extra),
        strict=True))


def _attrs(frame: pd.DataFrame, extra: list[str]) -> list[str]:
    if not extra:
        return ["{}"] * len(frame)
    cols = [frame[c].tolist() for c in extra]
    return [json.dumps({k: v for k, v in zip(extra, vals, strict=True) if v != ""},
                       sort_keys=True, ensure_ascii=False)
            for vals in zip(*cols, strict=True)]
