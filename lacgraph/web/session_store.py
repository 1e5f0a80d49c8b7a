"""Server-side session storage and the signing key, in the app database.

Session ids are random 256-bit tokens of which only a SHA-256 digest is stored, so a copy
of the app database does not let anyone take over a session. The key that signs forms is
kept here too, so a restart or a second server process keeps every open form valid. (The
Flask side, cookies and the pre-login signed session, is :mod:`lacgraph.web.sessions`.)
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta

from lacgraph.audit.appfile import AppFile, parse_stamp, stamp, utcnow

__all__ = ["SEEN_EVERY", "SessionStore", "digest"]

SEEN_EVERY = timedelta(minutes=1)
"""How often a session's last-seen time is brought up to date (so a session goes idle
between ``idle`` minus this and ``idle`` after its last request)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    digest TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


def digest(token: str) -> str:
    """SHA-256 of a session token: what the database keeps instead of the token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class SessionStore:
    """The server-side sessions and the signing key in the app database ``file``."""

    def __init__(self, file: AppFile):
        self.file = file
        file.create(SCHEMA)

    def new_session(self, data: dict) -> str:
        """Store ``data`` under a fresh random token and return the token."""
        token = secrets.token_urlsafe(32)
        now = stamp(utcnow())
        self.file.run("INSERT INTO sessions VALUES (?, ?, ?, ?)",
                      (digest(token), json.dumps(data), now, now))
        return token

    def session(self, token: str, idle: timedelta, lifetime: timedelta) -> dict | None:
        """Return the session's data, or None when unknown, idle too long or too old."""
        rows = self.file.run("SELECT data, created_at, seen_at FROM sessions WHERE digest = ?",
                             (digest(token),))
        if not rows:
            return None
        data, created, seen = rows[0]
        now = utcnow()
        if now - parse_stamp(seen) > idle or now - parse_stamp(created) > lifetime:
            self.end_session(token)
            return None
        if now - parse_stamp(seen) >= SEEN_EVERY:  # not a write per request
            self.file.run("UPDATE sessions SET seen_at = ? WHERE digest = ?",
                          (stamp(now), digest(token)))
        return json.loads(data)

    def save_session(self, token: str, data: dict) -> None:
        """Replace the data kept for ``token``."""
        self.file.run("UPDATE sessions SET data = ? WHERE digest = ?",
                      (json.dumps(data), digest(token)))

    def end_session(self, token: str) -> None:
        """Delete a session: its cookie no longer opens anything."""
        self.file.run("DELETE FROM sessions WHERE digest = ?", (digest(token),))

    def end_sessions_of(self, name: str) -> int:
        """End every session of the account stored as ``name`` (compared without case);
        return how many were open."""
        ended = 0
        for digest_, data in self.file.run("SELECT digest, data FROM sessions"):
            if str(json.loads(data).get("user", "")).casefold() == name.casefold():
                self.file.run("DELETE FROM sessions WHERE digest = ?", (digest_,))
                ended += 1
        return ended

    def purge_sessions(self, idle: timedelta, lifetime: timedelta) -> None:
        """Delete sessions idle longer than ``idle`` or older than ``lifetime``."""
        now = utcnow()
        self.file.run("DELETE FROM sessions WHERE seen_at < ? OR created_at < ?",
                      (stamp(now - idle), stamp(now - lifetime)))

    def session_count(self) -> int:
        """How many sessions are stored (for tests and the admin page)."""
        return int(self.file.run("SELECT COUNT(*) FROM sessions")[0][0])

    def secret_key(self) -> bytes:
        """The key that signs forms and pre-login cookies: made once, kept in this file.

        Examples
        --------
        >>> store = SessionStore(AppFile(":memory:"))
        >>> store.secret_key() == store.secret_key() and len(store.secret_key())
        32
        """
        self.file.run("INSERT OR IGNORE INTO settings VALUES ('secret_key', ?)",
                      (secrets.token_hex(32),))
        rows = self.file.run("SELECT value FROM settings WHERE key = 'secret_key'")
        return bytes.fromhex(rows[0][0])
