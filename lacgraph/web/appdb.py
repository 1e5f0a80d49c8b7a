"""The app database: accounts, server-side sessions, login failures and the audit log.

One small SQLite file kept beside the data store (never inside it: the data store holds the
programme, this file holds who may see it and who did). Passwords are hashed with argon2id
(``argon2-cffi`` defaults); session ids are random 256-bit tokens of which only a SHA-256
digest is stored, so a copy of this file does not let anyone take over a session.

Examples
--------
>>> db = AppDB(":memory:")
>>> db.add_user("ann", "coordinator", "correct horse battery", coordinator="c1")
>>> db.check_password("ann", "correct horse battery").role
'coordinator'
>>> db.check_password("ann", "wrong") is None
True
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from lacgraph.errors import InputError, NotFound, Problem

ROLES: tuple[str, ...] = ("coordinator", "evaluator", "manager", "admin")
"""The four roles; each sees its own pages only."""

MIN_PASSWORD = 12
"""Shortest password accepted (NCSC advice favours length over complexity rules)."""

LOCK_AFTER = 5
"""Failed logins (per account name) within :data:`FAILURE_WINDOW` before a lock."""

LOCK_ADDRESS_AFTER = 20
"""Failed logins from one network address (any names) before that address is locked too:
so guessing one common password across many account names is slowed down as well."""

FAILURE_WINDOW = timedelta(minutes=15)
LOCK_FIRST = timedelta(seconds=30)
LOCK_MAX = timedelta(minutes=15)

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    coordinator TEXT NOT NULL DEFAULT '',
    teams TEXT NOT NULL DEFAULT '[]',
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    digest TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_name ON login_failures(name);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    address TEXT NOT NULL
);
"""

AUDIT_COLUMNS: tuple[str, ...] = ("seq", "at", "user", "role", "action", "target", "detail",
                                  "address")


def utcnow() -> datetime:
    """The current time in UTC (seconds)."""
    return datetime.now(UTC).replace(microsecond=0)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _whole_word(text: str) -> re.Pattern[str]:
    """``text`` where it is not part of a longer id or word."""
    return re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])")


def digest(token: str) -> str:
    """SHA-256 of a session token: what the database keeps instead of the token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class User:
    """An account: name, role, the coordinator id it is (coordinators) and its team's
    neighbourhoods (managers)."""

    name: str
    role: str
    coordinator: str = ""
    teams: tuple[str, ...] = field(default_factory=tuple)


def default_app_db(source: str | os.PathLike[str]) -> Path:
    """Where the app database lives by default: beside the store file or data folder.

    Examples
    --------
    >>> default_app_db("report/programme.sqlite").as_posix()
    'report/programme.app.sqlite'
    """
    path = Path(source)
    if path.is_dir():
        return path.parent / f"{path.name}.app.sqlite"
    return path.with_name(f"{path.stem}.app.sqlite")


class AppDB:
    """The app database at ``path`` (created on first use; ``":memory:"`` for tests).

    Safe to share between the web server's threads: one connection, one lock.
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = str(path)
        self._lock = threading.Lock()
        self._hasher = PasswordHasher()
        self._dummy_hash = self._hasher.hash(secrets.token_hex(16))
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL" if self.path != ":memory:" else
                             "PRAGMA journal_mode=MEMORY")
            self._db.executescript(SCHEMA)
        except sqlite3.Error as err:
            from lacgraph.errors import StoreError

            raise StoreError(f"{self.path}: cannot open the app database ({err})") from err
        if self.path != ":memory:":
            os.chmod(self.path, 0o600)

    def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._db.close()

    def _run(self, sql: str, params: Iterable[object] = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    # -- accounts ----------------------------------------------------------------------------
    def add_user(self, name: str, role: str, password: str, *, coordinator: str = "",
                 teams: Iterable[str] = ()) -> None:
        """Create an account; :class:`~lacgraph.errors.InputError` says what is wrong."""
        problems = []
        name = name.strip()
        teams = tuple(t for t in teams if t)

        def problem(column: str, value: object, reason: str) -> None:
            problems.append(Problem(file="users", line=0, column=column, value=str(value),
                                    reason=reason))

        if not name or len(name) > 64 or not name.isprintable():
            problem("name", name, "expected 1-64 printable characters")
        if role not in ROLES:
            problem("role", role, f"expected one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD:
            problem("password", "(hidden)", f"expected at least {MIN_PASSWORD} characters")
        if role == "coordinator" and not coordinator:
            problem("coordinator", "", "a coordinator account needs --coordinator ID "
                    "(the coordinator's node id: it decides their caseload)")
        if role == "manager" and not teams:
            problem("team", "", "a manager account needs at least one --team NEIGHBOURHOOD")
        if name and self._run("SELECT 1 FROM users WHERE name = ?", (name,)):
            problem("name", name, "an account with this name already exists")
        if problems:
            raise InputError(problems)
        self._run("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)",
                  (name, role, coordinator, json.dumps(list(teams)),
                   self._hasher.hash(password), _stamp(utcnow())))

    def remove_user(self, name: str) -> None:
        """Delete an account and end its sessions."""
        if not self._run("SELECT 1 FROM users WHERE name = ?", (name,)):
            raise NotFound(f"No account named {name!r}.")
        self._run("DELETE FROM users WHERE name = ?", (name,))
        for digest_, data in self._run("SELECT digest, data FROM sessions"):
            if json.loads(data).get("user") == name:
                self._run("DELETE FROM sessions WHERE digest = ?", (digest_,))

    def user(self, name: str) -> User | None:
        """Return the account called ``name``, or None."""
        rows = self._run("SELECT name, role, coordinator, teams FROM users WHERE name = ?",
                         (name,))
        if not rows:
            return None
        n, role, coordinator, teams = rows[0]
        return User(n, role, coordinator, tuple(json.loads(teams)))

    def users(self) -> list[User]:
        """Every account, by name."""
        rows = self._run("SELECT name FROM users ORDER BY name")
        return [u for (n,) in rows if (u := self.user(n)) is not None]

    def check_password(self, name: str, password: str) -> User | None:
        """Return the account when ``password`` is right, else None (same work either way)."""
        rows = self._run("SELECT password_hash FROM users WHERE name = ?", (name,))
        stored = rows[0][0] if rows else self._dummy_hash
        try:
            self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if not rows:
            return None
        if self._hasher.check_needs_rehash(stored):
            self._run("UPDATE users SET password_hash = ? WHERE name = ?",
                      (self._hasher.hash(password), name))
        return self.user(name)

    # -- lockout ----------------------------------------------------------------------------
    def record_failure(self, name: str, now: datetime | None = None, *,
                       address: str = "") -> None:
        """Note one failed login for ``name`` (whether or not the account exists) and for
        the network ``address`` it came from."""
        stamp = _stamp(now or utcnow())
        self._run("DELETE FROM login_failures WHERE at < ?",
                  (_stamp((now or utcnow()) - FAILURE_WINDOW),))
        self._run("INSERT INTO login_failures VALUES (?, ?)", (f"account:{name}", stamp))
        if address:
            self._run("INSERT INTO login_failures VALUES (?, ?)", (f"address:{address}", stamp))

    def clear_failures(self, name: str) -> None:
        """Forget ``name``'s failures (after a successful login; the address keeps its)."""
        self._run("DELETE FROM login_failures WHERE name = ?", (f"account:{name}",))

    def locked_until(self, name: str, now: datetime | None = None, *,
                     address: str = "") -> datetime | None:
        """Return when ``name`` (from ``address``) may try again, or None when not locked.

        After :data:`LOCK_AFTER` failures for a name inside :data:`FAILURE_WINDOW` (or
        :data:`LOCK_ADDRESS_AFTER` from one address) it is locked for 30 s, doubling with
        each further failure up to 15 minutes (backoff, so a guesser gets a few dozen
        tries an hour while the real user is delayed, not shut out).

        Examples
        --------
        >>> db = AppDB(":memory:")
        >>> t = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
        >>> for _ in range(5):
        ...     db.record_failure("ann", t)
        >>> db.locked_until("ann", t).isoformat()
        '2024-01-01T09:00:30+00:00'
        >>> db.locked_until("ann", t + timedelta(seconds=31)) is None
        True
        """
        now = now or utcnow()
        until = self._locked(f"account:{name}", LOCK_AFTER, now)
        if address:
            by_address = self._locked(f"address:{address}", LOCK_ADDRESS_AFTER, now)
            if by_address is not None and (until is None or by_address > until):
                until = by_address
        return until

    def _locked(self, key: str, after: int, now: datetime) -> datetime | None:
        rows = self._run("SELECT at FROM login_failures WHERE name = ? AND at >= ? ORDER BY at",
                         (key, _stamp(now - FAILURE_WINDOW)))
        if len(rows) < after:
            return None
        wait = min(LOCK_FIRST * (2 ** min(len(rows) - after, 10)), LOCK_MAX)
        until = _parse(rows[-1][0]) + wait
        return until if until > now else None

    # -- sessions ---------------------------------------------------------------------------
    def new_session(self, data: dict) -> str:
        """Store ``data`` under a fresh random token and return the token."""
        token = secrets.token_urlsafe(32)
        now = _stamp(utcnow())
        self._run("INSERT INTO sessions VALUES (?, ?, ?, ?)",
                  (digest(token), json.dumps(data), now, now))
        return token

    def session(self, token: str, idle: timedelta, lifetime: timedelta) -> dict | None:
        """Return the session's data, or None when unknown, idle too long or too old."""
        rows = self._run("SELECT data, created_at, seen_at FROM sessions WHERE digest = ?",
                         (digest(token),))
        if not rows:
            return None
        data, created, seen = rows[0]
        now = utcnow()
        if now - _parse(seen) > idle or now - _parse(created) > lifetime:
            self.end_session(token)
            return None
        if _stamp(now) != seen:
            self._run("UPDATE sessions SET seen_at = ? WHERE digest = ?",
                      (_stamp(now), digest(token)))
        return json.loads(data)

    def save_session(self, token: str, data: dict) -> None:
        """Replace the data kept for ``token``."""
        self._run("UPDATE sessions SET data = ? WHERE digest = ?", (json.dumps(data),
                                                                     digest(token)))

    def end_session(self, token: str) -> None:
        """Delete a session: its cookie no longer opens anything."""
        self._run("DELETE FROM sessions WHERE digest = ?", (digest(token),))

    def purge_sessions(self, idle: timedelta, lifetime: timedelta) -> None:
        """Delete sessions idle longer than ``idle`` or older than ``lifetime``."""
        now = utcnow()
        self._run("DELETE FROM sessions WHERE seen_at < ? OR created_at < ?",
                  (_stamp(now - idle), _stamp(now - lifetime)))

    def session_count(self) -> int:
        """How many sessions are stored (for tests and the admin page)."""
        return int(self._run("SELECT COUNT(*) FROM sessions")[0][0])

    # -- audit ------------------------------------------------------------------------------
    def audit(self, user: str, role: str, action: str, target: str = "", detail: str = "",
              address: str = "") -> None:
        """Append one line to the audit log (UTC time stamp; rows are never updated)."""
        self._run("INSERT INTO audit (at, user, role, action, target, detail, address) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)",
                  (_stamp(utcnow()), user, role, action, target, detail, address))

    def pseudonymise_person(self, person: str, pseudonym: str, label: str = "") -> int:
        """Replace an erased person's id (and name) in the audit log by their pseudonym.

        Rows keep what happened and when; the target and every whole-word mention of the
        id or the name in the detail become ``pseudonym`` (``p1`` in ``q=p10`` is another
        person and stays). The old bytes are overwritten on disk (``secure_delete``,
        checkpoint, VACUUM). Returns how many rows changed.

        Examples
        --------
        >>> db = AppDB(":memory:")
        >>> db.audit("ann", "coordinator", "view.person", "p1", "q=Sam Smith")
        >>> db.audit("ann", "coordinator", "view.caseload", "c1", "q=p10")
        >>> db.pseudonymise_person("p1", "P-X", "Sam Smith")
        1
        >>> [row[5:7] for row in db.audit_log()]
        [('P-X', 'q=P-X'), ('c1', 'q=p10')]
        """
        words = [w for w in (person, label) if w]
        with self._lock:
            self._db.execute("PRAGMA secure_delete = ON")
            self._db.execute("BEGIN IMMEDIATE")
            try:
                changes = []
                for seq, target, detail in self._db.execute(
                        "SELECT seq, target, detail FROM audit WHERE target = ?1 "
                        "OR instr(detail, ?1) > 0 OR (?2 != '' AND instr(detail, ?2) > 0)",
                        (person, label)).fetchall():
                    new_detail = detail
                    for word in words:
                        new_detail = _whole_word(word).sub(pseudonym, new_detail)
                    new_target = pseudonym if target == person else target
                    if (new_target, new_detail) != (target, detail):
                        changes.append((new_target, new_detail, seq))
                self._db.executemany("UPDATE audit SET target = ?, detail = ? WHERE seq = ?",
                                     changes)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            if self.path != ":memory:":
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self._db.execute("VACUUM")
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return len(changes)

    def audit_about(self, person: str) -> list[tuple]:
        """Return every audit row about ``person``: its target, or a whole-word mention of
        the id in the detail (oldest first)."""
        rows = self._run(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit "  # noqa: S608
                         "WHERE target = ?1 OR instr(detail, ?1) > 0 ORDER BY seq", (person,))
        word = _whole_word(person)
        return [r for r in rows if r[5] == person or word.search(r[6])]

    def audit_log(self, *, user: str | None = None, action: str | None = None,
                  since: str | None = None, limit: int | None = None) -> list[tuple]:
        """Return audit rows (oldest first), optionally filtered; columns
        :data:`AUDIT_COLUMNS`."""
        clauses, params = [], []
        if user:
            clauses.append("user = ?")
            params.append(user)
        if action:
            clauses.append("action LIKE ?")
            params.append(action.replace("*", "%"))
        if since:
            clauses.append("at >= ?")
            params.append(since)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._run(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit{where} "  # noqa: S608
                         "ORDER BY seq", params)
        return rows[-limit:] if limit else rows
