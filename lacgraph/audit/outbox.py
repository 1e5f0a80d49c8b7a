"""No change without its audit row: the audit rows a store keeps with its changes.

The store file (or Neo4j) and the app database are separate, so one transaction cannot
hold a change and its audit row. Instead the store keeps the audit row *in the change's own
transaction* (:class:`lacgraph.stores.guard.Guard` ``audit``; the SQLite table
``audit_outbox``, Neo4j ``LacAuditPending`` nodes); after the commit the web app writes it
to the audit log and the store forgets its copy. A process killed in between leaves the
copy in the store: :func:`deliver` (run when the web app starts, by ``lacgraph audit
--verify`` and before an erasure) writes every such row the audit log lacks, and says which
(a change is never left without its audit row; a row is never written twice: each carries
the change's id, which :func:`deliver` looks for first).

May import: the core vocabulary and :mod:`lacgraph.stores.guard` (the store and the audit
log are taken as they come).

Examples
--------
>>> from lacgraph.stores import MemoryStore
>>> from lacgraph.stores.guard import AuditNote, Guard
>>> from lacgraph.tables import Tables
>>> from lacgraph.web.appdb import AppDB
>>> store, log = MemoryStore(), AppDB(":memory:")
>>> note = AuditNote("c1", "2026-01-01T10:00:00Z", "ann", "coordinator", "record.add", "p1",
...                  '{"change": "c1"}')
>>> _ = store.record_change(Tables.from_records([{"id": "p1", "type": "person"}], []),
...                         guard=Guard(audit=note))
>>> [n.action for n in deliver(store, log)], [r[4] for r in log.audit_log()]
(['record.add'], ['record.add'])
>>> deliver(store, log), store.pending_audit()
([], [])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from lacgraph.stores.guard import AuditNote


class KeepsAudit(Protocol):
    """What :func:`deliver` needs of a store."""

    def pending_audit(self) -> list[AuditNote]: ...

    def audit_delivered(self, ids: Sequence[str]) -> None: ...


class AuditLog(Protocol):
    """What :func:`deliver` needs of the audit log."""

    def audit(self, user: str, role: str, action: str, target: str = "", detail: str = "",
              address: str = "") -> None: ...

    def audit_log(self, *, user: str | None = None, action: str | None = None,
                  since: str | None = None, limit: int | None = None) -> list[tuple]: ...


def written(log: AuditLog, note: AuditNote) -> bool:
    """Whether the audit log already holds the row of change ``note``."""
    return any(note.id in str(row[6]) for row in log.audit_log(action=note.action))


def deliver(store: KeepsAudit, log: AuditLog) -> list[AuditNote]:
    """Write every audit row the store kept and the log lacks; return those (oldest first).

    The store forgets every kept row once the log holds it.
    """
    pending = store.pending_audit()
    missing = [note for note in pending if not written(log, note)]
    for note in missing:
        log.audit(note.user, note.role, note.action, note.target,
                  note.detail, "recovered: written after a restart")
    if pending:
        store.audit_delivered([note.id for note in pending])
    return missing
