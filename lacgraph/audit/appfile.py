"""The app database file: one small SQLite file beside the data store, shared by its parts.

The web app keeps its accounts, login failures, sessions and signing key there
(:mod:`lacgraph.web.appdb`), and the audit log (:mod:`lacgraph.audit.log`) lives in it too,
so the command line (``erase``, ``export-person``, ``users``, ``audit``) and the web app
write one log. Each part creates its own tables; :class:`AppFile` is the one connection
(and lock) they share, so a part never waits on another's half-finished transaction.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from lacgraph.errors import StoreError

__all__ = ["AppFile", "default_app_db", "parse_stamp", "stamp", "utcnow"]


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


def utcnow() -> datetime:
    """The current time in UTC (seconds)."""
    return datetime.now(UTC).replace(microsecond=0)


def stamp(moment: datetime) -> str:
    """``moment`` as the app database writes it (UTC, seconds, ``Z``).

    Examples
    --------
    >>> stamp(datetime(2024, 1, 1, 9, 0, tzinfo=UTC))
    '2024-01-01T09:00:00Z'
    """
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(text: str) -> datetime:
    """The moment a :func:`stamp` stands for."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


class AppFile:
    """The app database at ``path`` (created on first use; ``":memory:"`` for tests).

    One connection and its (re-entrant) lock, safe to share between threads; readable and
    writable by its owner only.
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = str(path)
        self.lock = threading.RLock()
        with self.opening():
            self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL" if not self.in_memory else
                            "PRAGMA journal_mode=MEMORY")
        if not self.in_memory:
            os.chmod(self.path, 0o600)

    @property
    def in_memory(self) -> bool:
        """Whether this is a test database in memory (one database per connection)."""
        return self.path == ":memory:"

    @contextmanager
    def opening(self) -> Iterator[None]:
        """Turn an SQLite error while opening or preparing the file into a StoreError."""
        try:
            yield
        except sqlite3.Error as err:
            raise StoreError(f"{self.path}: cannot open the app database ({err})") from err

    def create(self, schema: str) -> None:
        """Create the tables in ``schema`` (``CREATE ... IF NOT EXISTS`` statements)."""
        with self.opening(), self.lock:
            self.db.executescript(schema)

    def run(self, sql: str, params: Iterable[object] = ()) -> list[tuple]:
        """Run one statement and return its rows."""
        with self.lock:
            return self.db.execute(sql, tuple(params)).fetchall()

    def close(self) -> None:
        """Close the connection."""
        with self.lock:
            self.db.close()
