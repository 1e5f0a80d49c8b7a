"""Schema migrations of the store file: ordered steps from schema version 1 upwards.

A store file says which schema it has in ``meta.schema_version``. :data:`BASE` is the
version-1 schema, frozen as it was released; ``STEPS[i]`` takes a file from version
``i + 1`` to ``i + 2``, and :data:`SCHEMA_VERSION` is the version after the last step. A
new file is made the same way (``BASE``, then every step), so a new file and an upgraded
one have the same schema by construction.

Adding a change to the schema is one small function, appended at the end with
:func:`step` (never edit or reorder a released step)::

    @step
    def reviews_table(db: sqlite3.Connection) -> None:
        \"\"\"3: reviews recorded on the web.\"\"\"
        db.execute("CREATE TABLE IF NOT EXISTS reviews (...)")

A step runs inside the upgrade's one transaction (``lacgraph upgrade``: all steps or
none), gets the open connection, and must not commit. Write it idempotently
(``CREATE TABLE IF NOT EXISTS``, a checked ``ALTER TABLE``) so that a file which already
has the change (made by a branch's code before the step existed) upgrades too.

Examples
--------
>>> import sqlite3
>>> db = sqlite3.connect(":memory:")
>>> for statement in BASE:
...     _ = db.execute(statement)
>>> [s.__name__ for s in pending(1)] == [s.__name__ for s in STEPS]
True
>>> for s in pending(1):
...     s(db)
>>> db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
('0',)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Step = Callable[[sqlite3.Connection], None]
"""One migration: changes an open store file's schema by one version."""

BASE: tuple[str, ...] = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    """CREATE TABLE nodes (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    label TEXT NOT NULL,
    neighbourhood TEXT NOT NULL,
    supported INTEGER NOT NULL,
    introduced_on TEXT,
    coordinator TEXT NOT NULL,
    attrs TEXT NOT NULL DEFAULT '{}'
) WITHOUT ROWID""",
    """CREATE TABLE ties (
    lo TEXT NOT NULL,
    hi TEXT NOT NULL,
    kind TEXT NOT NULL,
    start TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    "end" TEXT,
    circle INTEGER NOT NULL,
    reciprocal INTEGER NOT NULL,
    brokered_by TEXT NOT NULL,
    attrs TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (lo, hi, kind, start)
) WITHOUT ROWID""",
    "CREATE INDEX ties_hi ON ties (hi)",
)
"""The schema of version 1 (lacgraph up to December 2026), statement by statement."""

STEPS: list[Step] = []
"""Every migration in order: ``STEPS[i]`` upgrades version ``i + 1`` to ``i + 2``."""


def step(function: Step) -> Step:
    """Append ``function`` to :data:`STEPS` (use as a decorator, in version order)."""
    STEPS.append(function)
    return function


@step
def erasure_data_version_upgrades(db: sqlite3.Connection) -> None:
    """2: tombstones of erased ids, the data version and the upgrade history are schema.

    A version-1 file got the first two when it was first opened by a lacgraph that knew
    them, if ever; ``upgrades`` records every later upgrade (version, when, by which
    lacgraph).
    """
    db.execute("CREATE TABLE IF NOT EXISTS erased (tombstone TEXT PRIMARY KEY, "
               "at TEXT NOT NULL) WITHOUT ROWID")
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('data_version', '0')")
    db.execute("CREATE TABLE IF NOT EXISTS upgrades (version INTEGER PRIMARY KEY, "
               "at TEXT NOT NULL, lacgraph TEXT NOT NULL)")


@step
def form_tokens_audit_outbox(db: sqlite3.Connection) -> None:
    """3: writes that know what they change (issue 23): the one-time form tokens already
    used, and the audit rows kept with their change until the audit log holds them (see
    :mod:`lacgraph.stores.guard` and :mod:`lacgraph.audit.outbox`)."""
    db.execute("CREATE TABLE IF NOT EXISTS form_tokens (token TEXT PRIMARY KEY, "
               "at TEXT NOT NULL) WITHOUT ROWID")
    db.execute("CREATE TABLE IF NOT EXISTS audit_outbox (id TEXT PRIMARY KEY, at TEXT NOT "
               "NULL, user TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL, target "
               "TEXT NOT NULL, detail TEXT NOT NULL) WITHOUT ROWID")


@step
def merged_ids(db: sqlite3.Connection) -> None:
    """4: ids merged into another by ``lacgraph merge`` (issue 23): a later load holding
    the dropped id is refused, naming the one kept (see
    :func:`lacgraph.analysis.duplicates.merge_in_store`)."""
    db.execute("CREATE TABLE IF NOT EXISTS merged (id TEXT PRIMARY KEY, kept TEXT NOT NULL, "
               "at TEXT NOT NULL) WITHOUT ROWID")


SCHEMA_VERSION = len(STEPS) + 1
"""The schema version this lacgraph writes and reads (the version after the last step)."""


def pending(version: int) -> list[Step]:
    """The steps that take a file of schema ``version`` to :data:`SCHEMA_VERSION`.

    Examples
    --------
    >>> pending(SCHEMA_VERSION)
    []
    """
    if version < 1 or version > SCHEMA_VERSION:
        raise ValueError(f"no migration from schema version {version}")
    return STEPS[version - 1:]
