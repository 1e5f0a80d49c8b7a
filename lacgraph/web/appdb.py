"""The app database: accounts, server-side sessions, login failures, the signing key and
the audit log.

One small SQLite file kept beside the data store (never inside it: the data store holds the
programme, this file holds who may see it and who did). Passwords are hashed with argon2id
(``argon2-cffi`` defaults); session ids are random 256-bit tokens of which only a SHA-256
digest is stored, so a copy of this file does not let anyone take over a session. The key
that signs forms is kept here too, so a restart or a second server process keeps every
open form valid. Account names are NFKC-normalised, compared without case and limited to a
safe character set. Each audit row carries a SHA-256 hash chained to the previous row
(:meth:`AppDB.verify_audit` finds the first row changed, inserted or deleted).

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

import functools
import hashlib
import json
import os
import re
import secrets
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from lacgraph.errors import InputError, NotFound, Problem, StoreError

ROLES: tuple[str, ...] = ("coordinator", "evaluator", "manager", "admin")
"""The four roles; each sees its own pages only."""

MIN_PASSWORD = 12
"""Shortest password accepted (NCSC advice favours length over complexity rules)."""

LOCK_AFTER = 5
"""Failed logins for one account from one network address within :data:`FAILURE_WINDOW`
before that pair is locked (with backoff). Another address is not affected, so a guesser
cannot lock the real user out."""

ACCOUNT_SLOW_AFTER = 10
"""Failed logins for one account from any address before every attempt on it waits
:data:`ACCOUNT_DELAY` after the latest failure (a short global delay, never a lock-out)."""

ACCOUNT_DELAY = timedelta(seconds=5)

LOCK_ADDRESS_AFTER = 20
"""Failed logins from one network address (any names) before that address is locked too:
so guessing one common password across many account names is slowed down as well."""

SEEN_EVERY = timedelta(minutes=1)
"""How often a session's last-seen time is brought up to date (so a session goes idle
between ``idle`` minus this and ``idle`` after its last request)."""

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
    address TEXT NOT NULL,
    hash TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

NAME_PATTERN = re.compile(r"[^\W_][\w.@-]{0,63}")
"""An account name: 1-64 letters, digits, ``.``, ``_``, ``@`` or ``-``, starting with a
letter or digit (after NFKC normalisation; so it is safe in a URL path and a page)."""

GENESIS = "0" * 64
"""The hash the first audit row is chained to."""


@functools.cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int, hash_len: int,
                salt_len: int, kind: Type) -> str:
    """A hash of a random password with these argon2 parameters: a login by a name that has
    no account is checked against it, so that it takes as long as a real one. Made once
    per process (each :class:`AppDB` opened after the first reuses it)."""
    hasher = PasswordHasher(time_cost, memory_cost, parallelism, hash_len, salt_len,
                            type=kind)
    return hasher.hash(secrets.token_hex(16))


def normalise_name(name: str) -> str:
    r"""An account name as stored and compared: NFKC, outer spaces removed.

    Examples
    --------
    >>> normalise_name(" \uff21nn ")  # a full-width A
    'Ann'
    """
    return unicodedata.normalize("NFKC", name).strip()


def escape_controls(text: str) -> str:
    r"""``text`` with control and format characters (ANSI escapes, CR/LF, bidi overrides)
    written as ``\xNN``/``\uNNNN``, so printing it cannot repaint a terminal or
    reorder a line (a backslash itself is doubled).

    Examples
    --------
    >>> print(escape_controls("ann\x1b[2J\u202eevil\n"))
    ann\x1b[2J\u202eevil\n
    >>> escape_controls("Zoë")
    'Zoë'
    """
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            code = ord(char)
            out.append(char.encode("unicode_escape").decode("ascii") if code < 0x100
                       else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def row_hash(previous: str, row: Iterable[object]) -> str:
    """The hash of one audit row (its columns after ``seq``) chained to ``previous``.

    Examples
    --------
    >>> len(row_hash(GENESIS, ["2024-01-01T00:00:00Z", "ann", "admin", "x", "", "", ""]))
    64
    """
    payload = json.dumps([previous, *[str(v) for v in row]], ensure_ascii=True)
    return hashlib.sha256(payload.encode("ascii")).hexdigest()

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


class _Pending:
    """One audit row waiting to be written (see :meth:`AppDB.audit`)."""

    __slots__ = ("done", "error", "row")

    def __init__(self, row: tuple[str, ...]):
        self.row = row
        self.done = False
        self.error: BaseException | None = None


class AppDB:
    """The app database at ``path`` (created on first use; ``":memory:"`` for tests).

    Safe to share between the web server's threads: one connection (and lock) for accounts
    and sessions, and one for writing the audit log, so a page's session lookup never
    waits for another page's audit row to reach the disk.

    Passwords are hashed by ``hasher``: argon2-cffi's ``PasswordHasher()`` (its defaults)
    unless one is given. The tests give a cheaper argon2id one where they log in hundreds
    of times; ``lacgraph serve`` and every command use the defaults.
    """

    def __init__(self, path: str | os.PathLike[str], *, hasher: PasswordHasher | None = None):
        self.path = str(path)
        self._lock = threading.RLock()
        # argon2-cffi's defaults (RFC 9106's second recommended option: 3 passes over
        # 64 MiB); a stored hash made with other parameters is redone at its next login
        self._hasher = PasswordHasher() if hasher is None else hasher
        h = self._hasher
        self._dummy_hash = _dummy_hash(h.time_cost, h.memory_cost, h.parallelism, h.hash_len,
                                       h.salt_len, h.type)
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL" if self.path != ":memory:" else
                             "PRAGMA journal_mode=MEMORY")
            columns = [r[1] for r in self._db.execute("PRAGMA table_info(audit)")]
            if columns and "hash" not in columns:  # an app database from before the chain
                self._db.execute("ALTER TABLE audit ADD COLUMN hash TEXT NOT NULL DEFAULT ''")
            self._db.executescript(SCHEMA)
            if columns and "hash" not in columns:
                self._chain_old_rows()
        except sqlite3.Error as err:
            raise StoreError(f"{self.path}: cannot open the app database ({err})") from err
        if self.path != ":memory:":
            os.chmod(self.path, 0o600)
        # the audit log's writer: rows waiting are written together (see audit_later())
        self._pending: list[_Pending] = []
        self._queue = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closing = False
        if self.path == ":memory:":  # one database per connection: share the one
            self._writer, self._write_lock = self._db, self._lock
        else:
            self._writer = sqlite3.connect(self.path, check_same_thread=False,
                                           isolation_level=None, timeout=30)
            self._writer.execute("PRAGMA synchronous=FULL")  # on disk at COMMIT
            self._write_lock = threading.RLock()

    def close(self) -> None:
        """Close the database file (after writing every audit row queued)."""
        with self._queue:
            self._closing = True
            self._queue.notify_all()
        if self._thread is not None:
            self._thread.join()
        with self._write_lock:
            if self._writer is not self._db:
                self._writer.close()
        with self._lock:
            self._db.close()

    def _run(self, sql: str, params: Iterable[object] = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    # -- accounts ----------------------------------------------------------------------------
    def add_user(self, name: str, role: str, password: str, *, coordinator: str = "",
                 teams: Iterable[str] = (), coordinators: Iterable[str] | None = None,
                 neighbourhoods: Iterable[str] | None = None) -> None:
        """Create an account; :class:`~lacgraph.errors.InputError` says what is wrong.

        ``coordinators`` and ``neighbourhoods``, when given, are the coordinator ids and
        neighbourhoods in the data: ``coordinator`` and ``teams`` must be among them.
        """
        problems = []
        name = normalise_name(name)
        teams = tuple(t for t in teams if t)

        def problem(column: str, value: object, reason: str) -> None:
            problems.append(Problem(file="users", line=0, column=column, value=str(value),
                                    reason=reason))

        if not NAME_PATTERN.fullmatch(name):
            problem("name", name, "expected 1-64 letters, digits, '.', '_', '@' or '-', "
                    "starting with a letter or digit")
        if role not in ROLES:
            problem("role", role, f"expected one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD:
            problem("password", "(hidden)", f"expected at least {MIN_PASSWORD} characters")
        if role == "coordinator" and not coordinator:
            problem("coordinator", "", "a coordinator account needs --coordinator ID "
                    "(the coordinator's node id: it decides their caseload)")
        if role == "manager" and not teams:
            problem("team", "", "a manager account needs at least one --team NEIGHBOURHOOD")
        if role == "coordinator" and coordinator and coordinators is not None \
                and coordinator not in set(coordinators):
            problem("coordinator", coordinator, "not a coordinator id in the data")
        if role == "manager" and neighbourhoods is not None:
            known = set(neighbourhoods)
            for team in teams:
                if team not in known:
                    problem("team", team, "not a neighbourhood in the data")
        if name and self._stored_name(name) is not None:
            problem("name", name, "an account with this name already exists "
                    "(names are compared without case)")
        if problems:
            raise InputError(problems)
        try:
            self._run("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)",
                      (name, role, coordinator if role == "coordinator" else "",
                       json.dumps(list(teams) if role == "manager" else []),
                       self._hasher.hash(password), _stamp(utcnow())))
        except sqlite3.IntegrityError as err:  # added meanwhile by another process
            raise InputError([Problem(file="users", line=0, column="name", value=name,
                                      reason="an account with this name already exists")]
                             ) from err

    def set_password(self, name: str, password: str) -> None:
        """Give ``name`` a new password and end all of its sessions."""
        if len(password) < MIN_PASSWORD:
            raise InputError([Problem(file="users", line=0, column="password",
                                      value="(hidden)",
                                      reason=f"expected at least {MIN_PASSWORD} characters")])
        stored = self._stored_name(name)
        if stored is None:
            raise NotFound(f"No account named {name!r}.")
        self._run("UPDATE users SET password_hash = ? WHERE name = ?",
                  (self._hasher.hash(password), stored))
        self.end_sessions_of(stored)

    def end_sessions_of(self, name: str) -> int:
        """End every session of account ``name``; return how many were open."""
        user = self.user(name)
        if user is None:
            raise NotFound(f"No account named {name!r}.")
        ended = 0
        for digest_, data in self._run("SELECT digest, data FROM sessions"):
            if str(json.loads(data).get("user", "")).casefold() == user.name.casefold():
                self._run("DELETE FROM sessions WHERE digest = ?", (digest_,))
                ended += 1
        return ended

    def remove_user(self, name: str) -> None:
        """Delete an account and end its sessions."""
        self.end_sessions_of(name)
        self._run("DELETE FROM users WHERE name = ?", (self._stored_name(name),))

    def _stored_name(self, name: str) -> str | None:
        """The stored spelling of account ``name`` (NFKC, compared without case), or None."""
        key = normalise_name(name).casefold()
        for (stored,) in self._run("SELECT name FROM users"):
            if stored.casefold() == key:
                return stored
        return None

    def user(self, name: str) -> User | None:
        """Return the account called ``name``, or None."""
        rows = self._run("SELECT name, role, coordinator, teams FROM users WHERE name = ?",
                         (self._stored_name(name),))
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
        name = self._stored_name(name) or ""
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
    def begin_attempt(self, name: str, address: str = "",
                      now: datetime | None = None) -> datetime | None:
        """Check the lock and record the attempt as a failure in one atomic step.

        Returns when ``name`` from ``address`` may try again (and records nothing) if they
        are locked out, else None after noting a failure, which :meth:`clear_failures`
        undoes when the password turns out right. So parallel guesses cannot all pass
        the check before any of them is recorded.

        Examples
        --------
        >>> db = AppDB(":memory:")
        >>> t = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
        >>> [db.begin_attempt("ann", "10.0.0.1", t) is None for _ in range(6)]
        [True, True, True, True, True, False]
        >>> db.begin_attempt("ann", "10.0.0.2", t) is None  # the real user elsewhere
        True
        """
        now = now or utcnow()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                until = self.locked_until(name, now, address=address)
                if until is None:
                    self.record_failure(name, now, address=address)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return until

    @staticmethod
    def _keys(name: str, address: str) -> tuple[str, str, str]:
        key = normalise_name(name).casefold()
        return f"pair:{key}\x00{address}", f"account:{key}", f"address:{address}"

    def record_failure(self, name: str, now: datetime | None = None, *,
                       address: str = "") -> None:
        """Note one failed login for ``name`` (whether or not the account exists) from the
        network ``address``: for the pair, the account and the address."""
        now = now or utcnow()
        stamp = _stamp(now)
        pair, account, by_address = self._keys(name, address)
        self._run("DELETE FROM login_failures WHERE at < ?", (_stamp(now - FAILURE_WINDOW),))
        self._run("INSERT INTO login_failures VALUES (?, ?)", (pair, stamp))
        self._run("INSERT INTO login_failures VALUES (?, ?)", (account, stamp))
        if address:
            self._run("INSERT INTO login_failures VALUES (?, ?)", (by_address, stamp))

    def clear_failures(self, name: str, address: str = "") -> None:
        """Forget ``name``'s failures (after a successful login; the address keeps its)."""
        pair, account, _ = self._keys(name, address)
        self._run("DELETE FROM login_failures WHERE name IN (?, ?)", (pair, account))

    def locked_until(self, name: str, now: datetime | None = None, *,
                     address: str = "") -> datetime | None:
        """Return when ``name`` (from ``address``) may try again, or None when not locked.

        After :data:`LOCK_AFTER` failures for the account from one address inside
        :data:`FAILURE_WINDOW` (or :data:`LOCK_ADDRESS_AFTER` from one address, any names)
        that pair (address) is locked for 30 s, doubling with each further failure up to
        15 minutes. Failures from other addresses only make the account wait
        :data:`ACCOUNT_DELAY` after the latest one (after :data:`ACCOUNT_SLOW_AFTER`), so a
        guesser elsewhere delays the real user by seconds, never locks them out.

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
        pair, account, by_address = self._keys(name, address)
        candidates = [self._locked(pair, LOCK_AFTER, now)]
        if address:
            candidates.append(self._locked(by_address, LOCK_ADDRESS_AFTER, now))
        rows = self._run("SELECT at FROM login_failures WHERE name = ? AND at >= ? ORDER BY at",
                         (account, _stamp(now - FAILURE_WINDOW)))
        if len(rows) >= ACCOUNT_SLOW_AFTER:
            slow = _parse(rows[-1][0]) + ACCOUNT_DELAY
            candidates.append(slow if slow > now else None)
        found = [c for c in candidates if c is not None]
        return max(found) if found else None

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
        if now - _parse(seen) >= SEEN_EVERY:  # not a write per request
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

    # -- signing key -------------------------------------------------------------------------
    def secret_key(self) -> bytes:
        """The key that signs forms and pre-login cookies: made once, kept in this file.

        Examples
        --------
        >>> db = AppDB(":memory:")
        >>> db.secret_key() == db.secret_key() and len(db.secret_key())
        32
        """
        self._run("INSERT OR IGNORE INTO settings VALUES ('secret_key', ?)",
                  (secrets.token_hex(32),))
        return bytes.fromhex(self._run("SELECT value FROM settings WHERE key = 'secret_key'")
                             [0][0])

    # -- audit ------------------------------------------------------------------------------
    def audit(self, user: str, role: str, action: str, target: str = "", detail: str = "",
              address: str = "") -> None:
        """Append one line to the audit log (UTC time stamp; rows are never updated), its
        hash chained to the previous line's; return once it is committed to disk.

        Examples
        --------
        >>> db = AppDB(":memory:")
        >>> db.audit("ann", "coordinator", "view.person", "p1")
        >>> [row[4:6] for row in db.audit_log()], db.verify_audit()
        ([('view.person', 'p1')], (1, None))
        """
        self.audit_later(user, role, action, target, detail, address)()

    def audit_later(self, user: str, role: str, action: str, target: str = "",
                    detail: str = "", address: str = "") -> Callable[[], None]:
        """Queue one audit line and return ``wait``: ``wait()`` returns once the line is
        committed to disk (and raises if writing it failed).

        A web request queues its line as soon as it knows what is viewed and waits before
        its answer leaves (see :mod:`lacgraph.web.app`), so the disk works while the page
        is written. One writer thread writes every line queued so far in one transaction
        (one wait for the disk for all the requests of that moment), chaining their hashes
        in queue order. (An in-memory database is written at once.)

        Examples
        --------
        >>> db = AppDB(":memory:")
        >>> wait = db.audit_later("ann", "coordinator", "view.person", "p1")
        >>> wait()
        >>> db.verify_audit()
        (1, None)
        """
        entry = _Pending((_stamp(utcnow()), user, role, action, target, detail, address))
        if self._writer is self._db:
            with self._write_lock:
                self._write_audit([entry])
        else:
            with self._queue:
                if self._closing:
                    raise StoreError(f"{self.path}: the app database is closed")
                self._pending.append(entry)
                if self._thread is None:
                    self._thread = threading.Thread(target=self._write_queued, daemon=True,
                                                    name="lacgraph-audit")
                    self._thread.start()
                self._queue.notify_all()

        def wait() -> None:
            with self._queue:
                while not entry.done:
                    self._queue.wait()
            if entry.error is not None:
                raise entry.error

        return wait

    def _write_queued(self) -> None:
        """The writer thread: write what is queued, tell the waiting requests, repeat."""
        while True:
            with self._queue:
                while not self._pending and not self._closing:
                    self._queue.wait()
                if not self._pending:
                    return
                batch, self._pending = self._pending, []
            with self._write_lock:
                self._write_audit(batch)
            with self._queue:
                self._queue.notify_all()

    def _write_audit(self, batch: list[_Pending]) -> None:
        """Write ``batch`` in one transaction, chained to the last row on disk."""
        db = self._writer
        try:
            db.execute("BEGIN IMMEDIATE")  # one writer at a time, across processes
            try:
                last = db.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchall()
                previous = last[0][0] if last else GENESIS
                rows = []
                for entry in batch:
                    previous = row_hash(previous, entry.row)
                    rows.append((*entry.row, previous))
                db.executemany(
                    "INSERT INTO audit (at, user, role, action, target, detail, address, hash)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except BaseException as err:
            for entry in batch:
                entry.error = err
        finally:
            for entry in batch:
                entry.done = True

    def verify_audit(self) -> tuple[int, int | None]:
        """Check the audit log's hash chain: return (rows checked, first broken ``seq`` or
        None). A row changed, inserted or deleted breaks the chain at that row (a deletion
        at the row after it).

        Examples
        --------
        >>> db = AppDB(":memory:")
        >>> db.audit("ann", "admin", "login.success")
        >>> db.audit("ann", "admin", "logout")
        >>> db.verify_audit()
        (2, None)
        >>> _ = db._run("UPDATE audit SET user = 'bob' WHERE seq = 2")
        >>> db.verify_audit()
        (2, 2)
        """
        previous = GENESIS
        count = 0
        rows = self._run(f"SELECT {', '.join(AUDIT_COLUMNS)}, hash FROM audit "  # noqa: S608
                         "ORDER BY seq")
        for row in rows:
            count += 1
            if row_hash(previous, row[1:-1]) != row[-1]:
                return count, int(row[0])
            previous = row[-1]
        return count, None

    def _chain_old_rows(self) -> None:
        """Give rows written before the audit log was chained their hashes (once)."""
        previous = GENESIS
        rows = self._run(f"SELECT {', '.join(AUDIT_COLUMNS)}, hash FROM audit "  # noqa: S608
                         "ORDER BY seq")
        for row in rows:
            if row[-1]:
                previous = row[-1]
                continue
            previous = row_hash(previous, row[1:-1])
            self._run("UPDATE audit SET hash = ? WHERE seq = ?", (previous, row[0]))

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
