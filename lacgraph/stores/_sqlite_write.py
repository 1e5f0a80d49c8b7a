"""Applying a merge plan to the store file, inside the caller's write transaction.

:class:`~lacgraph.stores.memory.MemoryStore` decides what a write, a replace or a recorded
change means for its tables (:mod:`lacgraph.stores._merge`); this module writes that plan
to its SQLite file: the rows removed, the extra columns' names, the changed rows upserted
in batches (so a long load shows its progress), the data version moved on; and an
erasure's statements.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

import numpy as np
import pandas as pd

from lacgraph.stores import _merge, _sqlite
from lacgraph.stores._merge import Plan, extra_columns
from lacgraph.stores.base import Progress, TieKey
from lacgraph.tables import NODE_COLUMNS, TIE_COLUMNS


def apply(db: sqlite3.Connection, current_nodes: pd.DataFrame, current_ties: pd.DataFrame,
          nodes: pd.DataFrame, ties: pd.DataFrame, *, replace: bool = False,
          remove: Sequence[TieKey] = (), batch_size: int,
          progress: Progress | None = None) -> Plan:
    """Write ``nodes`` and ``ties`` over the file's current tables (a plain write, a
    ``replace`` or a recorded change removing ``remove``); return the plan written."""
    if remove:
        kept = _merge.drop_ties(current_ties, remove)
        for source, target, kind, start in remove:
            lo, hi = sorted((source, target))
            db.execute("DELETE FROM ties WHERE lo = ? AND hi = ? AND kind = ? "
                       "AND start = ?", (lo, hi, kind, start))
        plan = _merge.plan(current_nodes, kept, nodes, ties)
        _sqlite.bump_version(db)
    elif replace:
        replacement = _merge.plan_replace(current_nodes, current_ties, nodes, ties)
        plan = replacement.plan
        gone = [row[:4] for row in _sqlite.tie_rows(replacement.removed_ties)]
        db.executemany("DELETE FROM ties WHERE lo = ? AND hi = ? AND kind = ? "
                       "AND start = ?", gone)
        db.executemany("DELETE FROM nodes WHERE id = ?",
                       [(i,) for i in replacement.removed_nodes["id"]])
    else:
        plan = _merge.plan(current_nodes, current_ties, nodes, ties)
    if plan.summary.changed_anything:
        _sqlite.bump_version(db)
    if plan.node_columns != extra_columns(current_nodes, NODE_COLUMNS):
        _sqlite.set_meta(db, "node_columns", json.dumps(plan.node_columns))
    if plan.tie_columns != extra_columns(current_ties, TIE_COLUMNS):
        _sqlite.set_meta(db, "tie_columns", json.dumps(plan.tie_columns))
    node_rows = _sqlite.node_rows(plan.nodes_to_write)
    _batches_of(db, _sqlite.UPSERT_NODE, node_rows, plan.node_positions, len(nodes),
                progress, batch_size)
    tie_rows = _sqlite.tie_rows(plan.ties_to_write)
    _batches_of(db, _sqlite.UPSERT_TIE, tie_rows, plan.tie_positions, len(ties),
                progress, batch_size)
    return plan


def erase(db: sqlite3.Connection, person: str, tombstone: str | None,
          also: frozenset[str] = frozenset()) -> None:
    """Remove ``person``, every tie touching them and every reference to them (merges
    into them too); keep the tombstone and the tombstones ``also`` (of the ids merged into
    them). The caller holds the write transaction and compacts the file after."""
    db.execute("DELETE FROM merged WHERE id = ? OR kept = ?", (person, person))
    db.executemany("INSERT OR IGNORE INTO erased (tombstone, at) VALUES (?, datetime('now'))",
                   [(t,) for t in sorted(also)])
    db.execute("DELETE FROM ties WHERE lo = ? OR hi = ?", (person, person))
    db.execute("DELETE FROM nodes WHERE id = ?", (person,))
    db.execute("UPDATE nodes SET coordinator = '' WHERE coordinator = ?", (person,))
    db.execute("UPDATE ties SET brokered_by = '' WHERE brokered_by = ?", (person,))
    if tombstone:
        db.execute("INSERT OR IGNORE INTO erased (tombstone, at) "
                   "VALUES (?, datetime('now'))", (tombstone,))
    _sqlite.bump_version(db)


def _batches_of(db: sqlite3.Connection, sql: str, rows: list[tuple], positions: np.ndarray,
                total: int, progress: Progress | None, batch_size: int) -> None:
    """Write ``rows`` (the rows at ``positions`` of the input) batch by batch."""
    done = 0
    for start in range(0, total, batch_size):
        stop = min(start + batch_size, total)
        lo, hi = np.searchsorted(positions, [start, stop])
        if hi > lo:
            db.executemany(sql, rows[lo:hi])
        done = hi
        call(progress, stop - start)
    assert done == len(rows)


def count(progress: Progress | None, total: int, size: int) -> None:
    """Tell ``progress`` of ``total`` rows batch by batch, as a file write would."""
    for start in range(0, total, size):
        call(progress, min(size, total - start))


def call(progress: Progress | None, n: int) -> None:
    """Tell ``progress`` (if any) that ``n`` more rows were written."""
    if progress is not None:
        progress(n)
