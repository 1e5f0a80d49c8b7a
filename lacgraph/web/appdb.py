"""The app database: accounts, login failures, server-side sessions, the signing key and
the audit log, in one small SQLite file.

The file is kept beside the data store (never inside it: the data store holds the
programme, this file holds who may see it and who did). :class:`AppDB` opens it once
(:class:`~lacgraph.audit.appfile.AppFile`) and puts together its parts, each in its own
module: :class:`~lacgraph.web.accounts.Accounts` and
:class:`~lacgraph.web.accounts.LoginAttempts` (argon2id passwords, NFKC names, lock-outs),
:class:`~lacgraph.web.session_store.SessionStore` (sessions kept as token digests, the key
that signs forms) and :class:`~lacgraph.audit.log.AuditLog` (the hash-chained audit log,
which the command line writes too). The methods here are theirs; the few that touch two
parts (a new password or a removed account ends the account's sessions) are written here.

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

import os
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from argon2 import PasswordHasher

from lacgraph.audit.appfile import AppFile
from lacgraph.audit.log import AuditLog
from lacgraph.errors import NotFound
from lacgraph.web.accounts import Accounts, LoginAttempts, User
from lacgraph.web.language import LanguagePreferences
from lacgraph.web.session_store import SessionStore

__all__ = ["AppDB"]


class AppDB:
    """The app database at ``path`` (created on first use; ``":memory:"`` for tests).

    Safe to share between the web server's threads: one connection (and lock) for accounts
    and sessions, and one for writing the audit log, so a page's session lookup never
    waits for another page's audit row to reach the disk.

    Passwords are hashed by ``hasher``: argon2-cffi's ``PasswordHasher()`` (its defaults)
    unless one is given (see :class:`~lacgraph.web.accounts.Accounts`).
    """

    def __init__(self, path: str | os.PathLike[str], *, hasher: PasswordHasher | None = None):
        self.file = AppFile(path)
        self.path = self.file.path
        self.accounts = Accounts(self.file, hasher=hasher)
        self.logins = LoginAttempts(self.file)
        self.sessions = SessionStore(self.file)
        self.log = AuditLog(self.file)
        self.languages = LanguagePreferences(self.file)

    def close(self) -> None:
        """Close the database file (after writing every audit row queued)."""
        self.log.close()
        self.file.close()

    def _run(self, sql: str, params: Iterable[object] = ()) -> list[tuple]:
        return self.file.run(sql, params)

    # -- what touches two parts ---------------------------------------------------------------
    def set_password(self, name: str, password: str) -> None:
        """Give ``name`` a new password and end all of its sessions."""
        self.accounts.set_password(name, password)
        self.end_sessions_of(name)

    def end_sessions_of(self, name: str) -> int:
        """End every session of account ``name``; return how many were open."""
        user = self.accounts.user(name)
        if user is None:
            raise NotFound(f"No account named {name!r}.")
        return self.sessions.end_sessions_of(user.name)

    def remove_user(self, name: str) -> None:
        """Delete an account and end its sessions."""
        self.end_sessions_of(name)
        self.accounts.remove_user(name)

    # -- accounts (:class:`~lacgraph.web.accounts.Accounts`) ----------------------------------
    def add_user(self, name: str, role: str, password: str, *, coordinator: str = "",
                 teams: Iterable[str] = (), coordinators: Iterable[str] | None = None,
                 neighbourhoods: Iterable[str] | None = None) -> None:
        """See :meth:`Accounts.add_user <lacgraph.web.accounts.Accounts.add_user>`."""
        self.accounts.add_user(name, role, password, coordinator=coordinator, teams=teams,
                               coordinators=coordinators, neighbourhoods=neighbourhoods)

    def user(self, name: str) -> User | None:
        """Return the account called ``name``, or None."""
        return self.accounts.user(name)

    def users(self) -> list[User]:
        """Every account, by name."""
        return self.accounts.users()

    def check_password(self, name: str, password: str) -> User | None:
        """Return the account when ``password`` is right, else None (same work either way)."""
        return self.accounts.check_password(name, password)

    # -- login attempts (:class:`~lacgraph.web.accounts.LoginAttempts`) -----------------------
    def begin_attempt(self, name: str, address: str = "",
                      now: datetime | None = None) -> datetime | None:
        """See :meth:`LoginAttempts.begin_attempt
        <lacgraph.web.accounts.LoginAttempts.begin_attempt>`."""
        return self.logins.begin_attempt(name, address, now)

    def record_failure(self, name: str, now: datetime | None = None, *,
                       address: str = "") -> None:
        """Note one failed login for ``name`` from the network ``address``."""
        self.logins.record_failure(name, now, address=address)

    def clear_failures(self, name: str, address: str = "") -> None:
        """Forget ``name``'s failures (after a successful login; the address keeps its)."""
        self.logins.clear_failures(name, address)

    def locked_until(self, name: str, now: datetime | None = None, *,
                     address: str = "") -> datetime | None:
        """See :meth:`LoginAttempts.locked_until
        <lacgraph.web.accounts.LoginAttempts.locked_until>`."""
        return self.logins.locked_until(name, now, address=address)

    # -- sessions and the signing key (:class:`~lacgraph.web.session_store.SessionStore`) -----
    def new_session(self, data: dict) -> str:
        """Store ``data`` under a fresh random token and return the token."""
        return self.sessions.new_session(data)

    def session(self, token: str, idle: timedelta, lifetime: timedelta) -> dict | None:
        """Return the session's data, or None when unknown, idle too long or too old."""
        return self.sessions.session(token, idle, lifetime)

    def save_session(self, token: str, data: dict) -> None:
        """Replace the data kept for ``token``."""
        self.sessions.save_session(token, data)

    def end_session(self, token: str) -> None:
        """Delete a session: its cookie no longer opens anything."""
        self.sessions.end_session(token)

    def purge_sessions(self, idle: timedelta, lifetime: timedelta) -> None:
        """Delete sessions idle longer than ``idle`` or older than ``lifetime``."""
        self.sessions.purge_sessions(idle, lifetime)

    def session_count(self) -> int:
        """How many sessions are stored (for tests and the admin page)."""
        return self.sessions.session_count()

    def secret_key(self) -> bytes:
        """The key that signs forms and pre-login cookies: made once, kept in this file."""
        return self.sessions.secret_key()

    # -- the audit log (:class:`~lacgraph.audit.log.AuditLog`) --------------------------------
    def audit(self, user: str, role: str, action: str, target: str = "", detail: str = "",
              address: str = "") -> None:
        """See :meth:`AuditLog.audit <lacgraph.audit.log.AuditLog.audit>`."""
        self.log.audit(user, role, action, target, detail, address)

    def audit_later(self, user: str, role: str, action: str, target: str = "",
                    detail: str = "", address: str = "") -> Callable[[], None]:
        """See :meth:`AuditLog.audit_later <lacgraph.audit.log.AuditLog.audit_later>`."""
        return self.log.audit_later(user, role, action, target, detail, address)

    def verify_audit(self) -> tuple[int, int | None]:
        """See :meth:`AuditLog.verify_audit <lacgraph.audit.log.AuditLog.verify_audit>`."""
        return self.log.verify_audit()

    def pseudonymise_person(self, person: str, pseudonym: str, label: str = "") -> int:
        """See :meth:`AuditLog.pseudonymise_person
        <lacgraph.audit.log.AuditLog.pseudonymise_person>`."""
        return self.log.pseudonymise_person(person, pseudonym, label)

    def audit_about(self, person: str) -> list[tuple]:
        """Every audit row about ``person`` (oldest first)."""
        return self.log.audit_about(person)

    def audit_log(self, *, user: str | None = None, action: str | None = None,
                  since: str | None = None, limit: int | None = None) -> list[tuple]:
        """Audit rows (oldest first), optionally filtered; columns
        :data:`~lacgraph.audit.log.AUDIT_COLUMNS`."""
        return self.log.audit_log(user=user, action=action, since=since, limit=limit)
