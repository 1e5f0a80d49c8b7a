"""A change's guard on the Neo4j store: tombstones, one-time tokens, kept audit rows and
the pseudonym key's fingerprint (see :mod:`lacgraph.stores.guard`).

Every statement runs inside the change's own write transaction, which first takes the
meta node's write lock (by counting the change) and then reads what is stored: writers
go one at a time, each against what the one before it committed. Used tokens are
``LacFormToken`` nodes, kept audit rows ``LacAuditPending`` nodes, ids merged into
another ``LacgraphMerged`` nodes (no relationships, so no read of the network sees them);
fixed Cypher text, every value a parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from lacgraph.errors import AlreadySubmitted, ErasedId, KeyMismatch
from lacgraph.stores._graph_rows import ERASED_LABEL, MERGED_LABEL, META_LABEL
from lacgraph.stores.guard import AuditNote, Guard, Marks

TOKEN_LABEL = "LacFormToken"
PENDING_LABEL = "LacAuditPending"
TOKEN_DAYS = 7

UNIQUE_TOKEN = (f"CREATE CONSTRAINT lacgraph_form_token IF NOT EXISTS "
                f"FOR (t:{TOKEN_LABEL}) REQUIRE t.token IS UNIQUE")
ERASED_AMONG = f"MATCH (t:{ERASED_LABEL}) WHERE t.tombstone IN $marks RETURN count(t)"
TOKEN_USED = f"MATCH (t:{TOKEN_LABEL} {{token: $token}}) RETURN count(t)"
USE_TOKEN = f"CREATE (:{TOKEN_LABEL} {{token: $token, at: $at}})"
OLD_TOKENS = f"MATCH (t:{TOKEN_LABEL}) WHERE t.at < $cutoff DELETE t"
KEEP_AUDIT = (f"CREATE (:{PENDING_LABEL} {{id: $id, at: $at, user: $user, role: $role, "
              "action: $action, target: $target, detail: $detail})")
PENDING = (f"MATCH (p:{PENDING_LABEL}) RETURN p.id, p.at, p.user, p.role, p.action, "
           "p.target, p.detail ORDER BY p.at, p.id")
DELIVERED = f"UNWIND $ids AS i MATCH (p:{PENDING_LABEL} {{id: i}}) DELETE p"
LOCK_META = (f"MERGE (m:{META_LABEL} {{name: 'lacgraph'}}) "
             "ON CREATE SET m.schema_version = $version, m.node_columns = '[]', "
             "m.tie_columns = '[]' SET m.checked_loads = coalesce(m.checked_loads, 0) + 1")
"""Takes the meta node's write lock without counting a change to the data (a load checked
inside its transaction, which may change nothing)."""
TOMBSTONES = f"MATCH (t:{ERASED_LABEL}) RETURN t.tombstone"
MERGED = f"MATCH (x:{MERGED_LABEL}) RETURN x.id, x.kept"
REPOINT_MERGED = f"MATCH (x:{MERGED_LABEL} {{kept: $drop}}) SET x.kept = $keep"
RECORD_MERGED = f"MERGE (x:{MERGED_LABEL} {{id: $drop}}) SET x.kept = $keep, x.at = $at"
KEY_CHECK = f"MATCH (m:{META_LABEL} {{name: 'lacgraph'}}) RETURN m.pseudonym_key"
SET_KEY = f"MATCH (m:{META_LABEL} {{name: 'lacgraph'}}) SET m.pseudonym_key = $fingerprint"


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def apply(tx: Any, guard: Guard | None) -> None:
    """Inside the change's transaction: refuse erased ids and a used token; keep the
    audit row (the versions are checked on the tables read in it)."""
    if guard is None:
        return
    if guard.tombstones and tx.run(ERASED_AMONG, {"marks": sorted(guard.tombstones)}
                                   ).single()[0]:
        raise ErasedId("This person was erased; nothing was recorded")
    if guard.token:
        if tx.run(TOKEN_USED, {"token": guard.token}).single()[0]:
            raise AlreadySubmitted("This form was already sent; the change was recorded "
                                   "once and not again")
        now = dt.datetime.now(dt.UTC)
        tx.run(OLD_TOKENS, {"cutoff": _stamp(now - dt.timedelta(days=TOKEN_DAYS))}).consume()
        tx.run(USE_TOKEN, {"token": guard.token, "at": _stamp(now)}).consume()
    if guard.audit is not None:
        note = guard.audit
        tx.run(KEEP_AUDIT, {"id": note.id, "at": note.at, "user": note.user, "role": note.role,
                            "action": note.action, "target": note.target,
                            "detail": note.detail}).consume()


def pending(rows: list[list[Any]]) -> list[AuditNote]:
    """The rows of :data:`PENDING` as audit notes."""
    return [AuditNote(*(str(v) for v in row)) for row in rows]


def check_key(tx: Any, uri: str, fingerprint: str) -> None:
    """Keep ``fingerprint`` at first use (on the meta node, already locked); refuse another."""
    row = tx.run(KEY_CHECK).single()
    known = None if row is None else row[0]
    if known is None:
        tx.run(SET_KEY, {"fingerprint": fingerprint}).consume()
    elif known != fingerprint:
        raise KeyMismatch(
            f"The graph database at {uri} was used with another pseudonym key: "
            "LACGRAPH_PSEUDONYM_KEY is not the key its erasures were made with, so erased "
            "people could not be recognised. Set the key the team keeps for this store; "
            "nothing was changed.")


def marks(tx: Any) -> Marks:
    """The tombstones and merged ids as transaction ``tx`` reads them."""
    return Marks(frozenset(str(r[0]) for r in tx.run(TOMBSTONES).values()),
                 {str(d): str(k) for d, k in tx.run(MERGED).values()})


def record_merged(tx: Any, merges: Mapping[str, str]) -> None:
    """Inside a change's transaction: keep ``merges`` (dropped id -> kept id); ids merged
    earlier into a dropped one now point at the one kept."""
    at = _stamp(dt.datetime.now(dt.UTC))
    for drop, keep in merges.items():
        tx.run(REPOINT_MERGED, {"drop": drop, "keep": keep}).consume()
        tx.run(RECORD_MERGED, {"drop": drop, "keep": keep, "at": at}).consume()
