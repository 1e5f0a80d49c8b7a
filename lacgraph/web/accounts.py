"""Accounts and login attempts, in the app database (:mod:`lacgraph.web.appdb`).

Passwords are hashed with argon2id (``argon2-cffi`` defaults). Account names are
NFKC-normalised, compared without case and limited to a safe character set. Failed logins
are counted per account and network address, per account and per address, so a guesser is
slowed down without locking the real user out.

Examples
--------
>>> accounts = Accounts(AppFile(":memory:"))
>>> accounts.add_user("ann", "coordinator", "correct horse battery", coordinator="c1")
>>> accounts.check_password("ann", "correct horse battery").role
'coordinator'
>>> accounts.check_password("ann", "wrong") is None
True
"""

from __future__ import annotations

import functools
import json
import re
import secrets
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from lacgraph.audit.appfile import AppFile, parse_stamp, stamp, utcnow
from lacgraph.errors import InputError, NotFound, Problem
from lacgraph.i18n import N_, _
from lacgraph.web.lookalikes import name_key

__all__ = ["ACCOUNT_DELAY", "ACCOUNT_SLOW_AFTER", "LOCK_ADDRESS_AFTER", "LOCK_AFTER",
           "MIN_PASSWORD", "ROLES", "Accounts", "LoginAttempts", "User", "normalise_name"]

ROLES: tuple[str, ...] = ("coordinator", "evaluator", "manager", "admin")
"""The four roles; each sees its own pages only."""

MIN_PASSWORD = 12
"""Shortest password accepted (NCSC advice favours length over complexity rules)."""

NAME_RULE = N_("expected 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter "
               "or digit")
ROLE_RULE = N_("expected one of %(roles)s")
PASSWORD_RULE = N_("expected at least %(num)d characters")
COORDINATOR_NEEDED = N_("a coordinator account needs --coordinator ID (the coordinator's "
                        "node id: it decides their caseload)")
TEAM_NEEDED = N_("a manager account needs at least one --team NEIGHBOURHOOD")
NOT_COORDINATOR = N_("not a coordinator id in the data")
NOT_NEIGHBOURHOOD = N_("not a neighbourhood in the data")
NAME_TAKEN = N_("an account with this name already exists (names are compared without case)")
NAME_TAKEN_MEANWHILE = N_("an account with this name already exists")
NAME_LOOKALIKE = N_("this name looks like the existing account %(twin)s (letters from other "
                    "alphabets or with marks); choose another name")
REASONS = (NAME_RULE, ROLE_RULE, PASSWORD_RULE, COORDINATOR_NEEDED, TEAM_NEEDED,
           NOT_COORDINATOR, NOT_NEIGHBOURHOOD, NAME_TAKEN, NAME_TAKEN_MEANWHILE, NAME_LOOKALIKE)
"""Why an account is refused: English in the problem (the command line's words), the same
sentence in the page's language on the web (:func:`problems_text`)."""
COLUMNS = {"name": N_("name"), "role": N_("role"), "password": N_("password"),
           "coordinator": N_("coordinator"), "team": N_("team")}


def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression reading the values back out of ``template`` as filled in."""
    text = re.escape(template)
    text = re.sub(r"%\\\((\w+)\\\)d", r"(?P<\1>\\d+)", text)
    return re.compile(re.sub(r"%\\\((\w+)\\\)s", r"(?P<\1>.*)", text), re.DOTALL)


def translated_reason(reason: str) -> str:
    """``reason`` (one of :data:`REASONS`, filled in) in the current language; any other
    reason as it is.

    Examples
    --------
    >>> translated_reason("expected at least 12 characters")
    'expected at least 12 characters'
    """
    for template in REASONS:
        match = _pattern(template).fullmatch(reason)
        if match:
            values = {k: int(v) if v.isdigit() and "%(" + k + ")d" in template else v
                      for k, v in match.groupdict().items()}
            return _(template, **values)
    return reason


def problems_text(err: InputError) -> str:
    """The problems of an account refused, as the web shows them (current language).

    Examples
    --------
    >>> err = InputError([Problem(file="users", line=0, column="password", value="(hidden)",
    ...                           reason="expected at least 12 characters")])
    >>> problems_text(err)
    'password: expected at least 12 characters'
    """
    return "; ".join(_("%(column)s: %(reason)s",
                       column=_(COLUMNS[p.column]) if p.column in COLUMNS else p.column,
                       reason=translated_reason(p.reason)) for p in err.problems)

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

FAILURE_WINDOW = timedelta(minutes=15)
LOCK_FIRST = timedelta(seconds=30)
LOCK_MAX = timedelta(minutes=15)

NAME_PATTERN = re.compile(r"[^\W_][\w.@-]{0,63}")
"""An account name: 1-64 letters, digits, ``.``, ``_``, ``@`` or ``-``, starting with a
letter or digit (after NFKC normalisation; so it is safe in a URL path and a page)."""

USERS_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    coordinator TEXT NOT NULL DEFAULT '',
    teams TEXT NOT NULL DEFAULT '[]',
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""

FAILURES_SCHEMA = """
CREATE TABLE IF NOT EXISTS login_failures (
    name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_name ON login_failures(name);
"""


@functools.cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int, hash_len: int,
                salt_len: int, kind: Type) -> str:
    """A hash of a random password with these argon2 parameters: a login by a name that has
    no account is checked against it, so that it takes as long as a real one. Made once
    per process (each :class:`Accounts` opened after the first reuses it)."""
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


@dataclass(frozen=True)
class User:
    """An account: name, role, the coordinator id it is (coordinators) and its team's
    neighbourhoods (managers)."""

    name: str
    role: str
    coordinator: str = ""
    teams: tuple[str, ...] = field(default_factory=tuple)


class Accounts:
    """The accounts in the app database ``file``.

    Passwords are hashed by ``hasher``: argon2-cffi's ``PasswordHasher()`` (its defaults)
    unless one is given. The tests give a cheaper argon2id one where they log in hundreds
    of times; ``lacgraph serve`` and every command use the defaults.
    """

    def __init__(self, file: AppFile, *, hasher: PasswordHasher | None = None):
        self.file = file
        # argon2-cffi's defaults (RFC 9106's second recommended option: 3 passes over
        # 64 MiB); a stored hash made with other parameters is redone at its next login
        self._hasher = PasswordHasher() if hasher is None else hasher
        h = self._hasher
        self._dummy_hash = _dummy_hash(h.time_cost, h.memory_cost, h.parallelism, h.hash_len,
                                       h.salt_len, h.type)
        file.create(USERS_SCHEMA)

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
            problem("name", name, NAME_RULE)
        if role not in ROLES:
            problem("role", role, ROLE_RULE % {"roles": ", ".join(ROLES)})
        if len(password) < MIN_PASSWORD:
            problem("password", "(hidden)", PASSWORD_RULE % {"num": MIN_PASSWORD})
        if role == "coordinator" and not coordinator:
            problem("coordinator", "", COORDINATOR_NEEDED)
        if role == "manager" and not teams:
            problem("team", "", TEAM_NEEDED)
        if role == "coordinator" and coordinator and coordinators is not None \
                and coordinator not in set(coordinators):
            problem("coordinator", coordinator, NOT_COORDINATOR)
        if role == "manager" and neighbourhoods is not None:
            known = set(neighbourhoods)
            for team in teams:
                if team not in known:
                    problem("team", team, NOT_NEIGHBOURHOOD)
        if name and self._stored_name(name) is not None:
            problem("name", name, NAME_TAKEN)
        elif name and (twin := self._lookalike(name)) is not None:
            problem("name", name, NAME_LOOKALIKE % {"twin": repr(twin)})
        if problems:
            raise InputError(problems)
        try:
            self.file.run("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)",
                           (name, role, coordinator if role == "coordinator" else "",
                            json.dumps(list(teams) if role == "manager" else []),
                            self._hasher.hash(password), stamp(utcnow())))
        except sqlite3.IntegrityError as err:  # added meanwhile by another process
            raise InputError([Problem(file="users", line=0, column="name", value=name,
                                      reason=NAME_TAKEN_MEANWHILE)]
                             ) from err

    def set_password(self, name: str, password: str) -> None:
        """Give ``name`` a new password (:meth:`AppDB.set_password` also ends its sessions)."""
        if len(password) < MIN_PASSWORD:
            raise InputError([Problem(file="users", line=0, column="password",
                                      value="(hidden)",
                                      reason=PASSWORD_RULE % {"num": MIN_PASSWORD})])
        stored = self._stored_name(name)
        if stored is None:
            raise NotFound(f"No account named {name!r}.")
        self.file.run("UPDATE users SET password_hash = ? WHERE name = ?",
                      (self._hasher.hash(password), stored))

    def remove_user(self, name: str) -> None:
        """Delete an account (:meth:`AppDB.remove_user` also ends its sessions)."""
        self.file.run("DELETE FROM users WHERE name = ?", (self._stored_name(name),))

    def _stored_name(self, name: str) -> str | None:
        """The stored spelling of account ``name`` (NFKC, compared without case), or None."""
        key = normalise_name(name).casefold()
        for (stored,) in self.file.run("SELECT name FROM users"):
            if stored.casefold() == key:
                return stored
        return None

    def _lookalike(self, name: str) -> str | None:
        """An existing account whose name looks like ``name`` (the same Unicode TR39
        skeleton, see :func:`lacgraph.web.lookalikes.name_key`), or None."""
        key = name_key(name)
        for (stored,) in self.file.run("SELECT name FROM users"):
            if name_key(stored) == key:
                return stored
        return None

    def user(self, name: str) -> User | None:
        """Return the account called ``name``, or None."""
        rows = self.file.run("SELECT name, role, coordinator, teams FROM users WHERE name = ?",
                              (self._stored_name(name),))
        if not rows:
            return None
        n, role, coordinator, teams = rows[0]
        return User(n, role, coordinator, tuple(json.loads(teams)))

    def users(self) -> list[User]:
        """Every account, by name."""
        rows = self.file.run("SELECT name FROM users ORDER BY name")
        return [u for (n,) in rows if (u := self.user(n)) is not None]

    def check_password(self, name: str, password: str) -> User | None:
        """Return the account when ``password`` is right, else None (same work either way)."""
        name = self._stored_name(name) or ""
        rows = self.file.run("SELECT password_hash FROM users WHERE name = ?", (name,))
        stored = rows[0][0] if rows else self._dummy_hash
        try:
            self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if not rows:
            return None
        if self._hasher.check_needs_rehash(stored):
            self.file.run("UPDATE users SET password_hash = ? WHERE name = ?",
                           (self._hasher.hash(password), name))
        return self.user(name)


class LoginAttempts:
    """Failed logins in the app database ``file``, and the locks they cause."""

    def __init__(self, file: AppFile):
        self.file = file
        file.create(FAILURES_SCHEMA)

    def begin_attempt(self, name: str, address: str = "",
                      now: datetime | None = None) -> datetime | None:
        """Check the lock and record the attempt as a failure in one atomic step.

        Returns when ``name`` from ``address`` may try again (and records nothing) if they
        are locked out, else None after noting a failure, which :meth:`clear_failures`
        undoes when the password turns out right. So parallel guesses cannot all pass
        the check before any of them is recorded.

        Examples
        --------
        >>> attempts = LoginAttempts(AppFile(":memory:"))
        >>> from datetime import UTC
        >>> t = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
        >>> [attempts.begin_attempt("ann", "10.0.0.1", t) is None for _ in range(6)]
        [True, True, True, True, True, False]
        >>> attempts.begin_attempt("ann", "10.0.0.2", t) is None  # the real user elsewhere
        True
        """
        now = now or utcnow()
        with self.file.lock:
            self.file.db.execute("BEGIN IMMEDIATE")
            try:
                until = self.locked_until(name, now, address=address)
                if until is None:
                    self.record_failure(name, now, address=address)
                self.file.db.execute("COMMIT")
            except BaseException:
                self.file.db.execute("ROLLBACK")
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
        at = stamp(now)
        pair, account, by_address = self._keys(name, address)
        self.file.run("DELETE FROM login_failures WHERE at < ?", (stamp(now - FAILURE_WINDOW),))
        self.file.run("INSERT INTO login_failures VALUES (?, ?)", (pair, at))
        self.file.run("INSERT INTO login_failures VALUES (?, ?)", (account, at))
        if address:
            self.file.run("INSERT INTO login_failures VALUES (?, ?)", (by_address, at))

    def clear_failures(self, name: str, address: str = "") -> None:
        """After a successful attempt (begun by :meth:`begin_attempt`): forget ``name``'s
        failures and take back the one this attempt noted for ``address``, so only failures
        ever count (the address keeps its other failures).

        Examples
        --------
        >>> attempts = LoginAttempts(AppFile(":memory:"))
        >>> from datetime import UTC
        >>> t = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
        >>> for _ in range(50):  # an office behind one address, everyone logging in
        ...     assert attempts.begin_attempt("ann", "10.0.0.1", t) is None
        ...     attempts.clear_failures("ann", "10.0.0.1")
        >>> attempts.begin_attempt("bob", "10.0.0.1", t) is None
        True
        """
        pair, account, by_address = self._keys(name, address)
        self.file.run("DELETE FROM login_failures WHERE name IN (?, ?)", (pair, account))
        if address:
            self.file.run("DELETE FROM login_failures WHERE rowid = (SELECT rowid FROM "
                          "login_failures WHERE name = ? ORDER BY at DESC LIMIT 1)",
                          (by_address,))

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
        >>> attempts = LoginAttempts(AppFile(":memory:"))
        >>> from datetime import UTC
        >>> t = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
        >>> for _ in range(5):
        ...     attempts.record_failure("ann", t)
        >>> attempts.locked_until("ann", t).isoformat()
        '2024-01-01T09:00:30+00:00'
        >>> attempts.locked_until("ann", t + timedelta(seconds=31)) is None
        True
        """
        now = now or utcnow()
        pair, account, by_address = self._keys(name, address)
        candidates = [self._locked(pair, LOCK_AFTER, now)]
        if address:
            candidates.append(self._locked(by_address, LOCK_ADDRESS_AFTER, now))
        rows = self._recent(account, now)
        if len(rows) >= ACCOUNT_SLOW_AFTER:
            slow = parse_stamp(rows[-1][0]) + ACCOUNT_DELAY
            candidates.append(slow if slow > now else None)
        found = [c for c in candidates if c is not None]
        return max(found) if found else None

    def _recent(self, key: str, now: datetime) -> list[tuple]:
        """The failures noted under ``key`` within :data:`FAILURE_WINDOW`, oldest first."""
        return self.file.run("SELECT at FROM login_failures WHERE name = ? AND at >= ? "
                             "ORDER BY at", (key, stamp(now - FAILURE_WINDOW)))

    def _locked(self, key: str, after: int, now: datetime) -> datetime | None:
        rows = self._recent(key, now)
        if len(rows) < after:
            return None
        wait = min(LOCK_FIRST * (2 ** min(len(rows) - after, 10)), LOCK_MAX)
        until = parse_stamp(rows[-1][0]) + wait
        return until if until > now else None
