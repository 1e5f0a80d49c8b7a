"""The audit log's hash chain: each row's SHA-256 hash covers the previous row's hash.

So a row changed, inserted or deleted breaks the chain at that row (a deletion at the row
after it). The rows given here are the audit table's columns ``seq, ..., hash`` in ``seq``
order (see :data:`lacgraph.audit.log.AUDIT_COLUMNS`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence

__all__ = ["GENESIS", "first_break", "missing_hashes", "row_hash"]

GENESIS = "0" * 64
"""The hash the first audit row is chained to."""


def row_hash(previous: str, row: Iterable[object]) -> str:
    """The hash of one audit row (its columns after ``seq``) chained to ``previous``.

    Examples
    --------
    >>> len(row_hash(GENESIS, ["2024-01-01T00:00:00Z", "ann", "admin", "x", "", "", ""]))
    64
    """
    payload = json.dumps([previous, *[str(v) for v in row]], ensure_ascii=True)
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def first_break(rows: Iterable[Sequence]) -> tuple[int, int | None]:
    """Check the chain over ``rows`` (``seq``, the columns, ``hash``): return (rows checked,
    first broken ``seq`` or None).

    Examples
    --------
    >>> one = ("2024-01-01T00:00:00Z", "ann", "admin", "login.success", "", "", "")
    >>> good = row_hash(GENESIS, one)
    >>> first_break([(1, *one, good)]), first_break([(1, *one, "0" * 64)])
    ((1, None), (1, 1))
    """
    previous = GENESIS
    count = 0
    for row in rows:
        count += 1
        if row_hash(previous, row[1:-1]) != row[-1]:
            return count, int(row[0])
        previous = row[-1]
    return count, None


def missing_hashes(rows: Iterable[Sequence]) -> list[tuple[str, int]]:
    """(hash, ``seq``) for each row of ``rows`` written before the log was chained (its
    hash empty), chained to the row before it."""
    previous = GENESIS
    found = []
    for row in rows:
        if row[-1]:
            previous = row[-1]
            continue
        previous = row_hash(previous, row[1:-1])
        found.append((previous, int(row[0])))
    return found
