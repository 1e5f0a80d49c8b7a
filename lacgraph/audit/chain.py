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


# -- rows that keep their personal fields out of the chain (issue 23) --------------------------
#
# A row's hash covers what happened (time, who, role, action, address) and a digest of its
# personal fields (target and detail) salted with a random value kept in the row. Erasing a
# person rewrites those fields and blanks the salt, in one transaction that appends a chained
# ``audit.pseudonymised`` row naming the rows rewritten: the chain stays whole, the old
# digest can no longer be tested against a guessed name (its salt is gone), and a row whose
# personal fields changed without such a record is reported. The newest row's ``seq`` and
# hash are kept in the table ``audit_head`` in the transaction that appends it: dropping
# the newest rows leaves the head pointing past the end, and is named.

PSEUDONYMISED = "audit.pseudonymised"
"""The action of the row recording which rows an erasure rewrote (``rows=3,8,21``)."""

SEALED = "audit.sealed"
"""The action of the row recording which rows, written before personal digests existed,
were given theirs (``rows=1-57; head before=57:HASH``): see :func:`seal`."""


def legacy(rows: Iterable[Sequence]) -> list[int]:
    """The ``seq`` of each row written before personal digests (no salt, no digest)."""
    return [int(row[0]) for row in rows if not row[9] and not row[10]]


def seal(rows: Sequence[Sequence], salts: Iterable[str]) -> list[tuple[str, str, str, int]]:
    """``(hash, salt, personal, seq)`` for every row from the first one written before
    personal digests: each such row gets a salt (from ``salts``) and the digest of its
    personal fields, and the chain is recomputed from there (later rows keep their salt
    and digest, only their hash follows). ``rows`` as for :func:`problem`; check the chain
    first: sealing a broken chain would hide what broke it.

    Examples
    --------
    >>> one = ("2024-01-01T00:00:00Z", "ann", "admin", "x", "p1", "", "")
    >>> old = row_hash(GENESIS, one)
    >>> [(h, salt, p, seq)] = seal([(1, *one, old, "", "")], iter(["s"]))
    >>> p == personal_digest("s", "p1", ""), problem([(1, *one, h, salt, p)], (1, h))
    (True, (None, ''))
    """
    salts = iter(salts)
    out = []
    previous = GENESIS
    started = False
    for row in rows:
        seq, columns, hash_, salt, personal = int(row[0]), row[1:8], row[8], row[9], row[10]
        if not salt and not personal:
            salt = next(salts)
            personal = personal_digest(salt, columns[4], columns[5])
            started = True
        if started:
            hash_ = row_hash(previous, chained_fields(columns, personal))
            out.append((hash_, salt, personal, seq))
        previous = hash_
    return out


def spans(seqs: Sequence[int]) -> str:
    """Row numbers as runs: ``1-4,9``.

    Examples
    --------
    >>> spans([1, 2, 3, 4, 9])
    '1-4,9'
    """
    out: list[str] = []
    for seq in seqs:
        if out and seq == int(out[-1].rsplit("-", 1)[-1]) + 1:
            out[-1] = out[-1].split("-")[0] + f"-{seq}"
        else:
            out.append(str(seq))
    return ",".join(out)


def personal_digest(salt: str, target: object, detail: object) -> str:
    """The digest of a row's personal fields, salted with the row's own ``salt``.

    Examples
    --------
    >>> personal_digest("s", "p1", "") == personal_digest("s", "p1", "")
    True
    >>> personal_digest("s", "p1", "") == personal_digest("t", "p1", "")
    False
    """
    payload = json.dumps([salt, str(target), str(detail)], ensure_ascii=True)
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def chained_fields(row: Sequence[object], personal: str) -> list[object]:
    """What the hash of a row covers: its columns after ``seq`` (at, user, role, action,
    target, detail, address), the personal ones replaced by their digest when it has one."""
    if not personal:
        return list(row)
    at, user, role, action, _target, _detail, address = row
    return [at, user, role, action, "#" + personal, address]


def rewritten(rows: Iterable[Sequence]) -> set[int]:
    """The ``seq`` of every row an ``audit.pseudonymised`` row among ``rows`` names."""
    out: set[int] = set()
    for row in rows:
        if row[4] == PSEUDONYMISED:
            text = str(row[6]).removeprefix("rows=")
            out |= {int(s) for s in text.split(",") if s.strip().isdigit()}
    return out


def problem(rows: Sequence[Sequence], head: tuple[int, str] | None) -> tuple[int | None, str]:
    """Check the chain, the personal digests and the head; return (first bad ``seq``,
    what is wrong) or (None, "").

    ``rows`` are ``seq, at, user, role, action, target, detail, address, hash, salt,
    personal`` in ``seq`` order; ``head`` is ``(seq, hash)`` of ``audit_head``.

    Examples
    --------
    >>> one = ("2024-01-01T00:00:00Z", "ann", "admin", "x", "p1", "", "")
    >>> digest = personal_digest("s", "p1", "")
    >>> h = row_hash(GENESIS, chained_fields(one, digest))
    >>> problem([(1, *one, h, "s", digest)], (1, h))
    (None, '')
    >>> problem([(1, *one, h, "s", digest)], (3, "x"))[1]
    'the newest rows are missing: the log ends at row seq=1 but its head says seq=3'
    """
    previous = GENESIS
    erased = rewritten(rows)
    for row in rows:
        seq, columns, hash_, salt, personal = int(row[0]), row[1:8], row[8], row[9], row[10]
        if row_hash(previous, chained_fields(columns, personal)) != hash_:
            return seq, (f"row seq={seq} was changed or inserted, or a row before it was "
                         "deleted")
        if personal and salt and personal_digest(salt, columns[4], columns[5]) != personal:
            return seq, f"the person or detail of row seq={seq} was changed"
        if personal and not salt and seq not in erased:
            return seq, (f"the person or detail of row seq={seq} was rewritten without an "
                         "erasure recording it")
        previous = hash_
    last = int(rows[-1][0]) if rows else 0
    if head is None:
        if any(row[10] for row in rows):
            return last + 1, "the log's head (its newest row) is missing"
        return None, ""
    if head[0] != last or (rows and head[1] != rows[-1][8]):
        if head[0] > last:
            return last + 1, (f"the newest rows are missing: the log ends at row seq={last} "
                              f"but its head says seq={head[0]}")
        return head[0], f"the log's head (seq={head[0]}) does not match its newest row"
    return None, ""
