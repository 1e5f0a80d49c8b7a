"""What a recorded change is based on, checked by the store inside its write transaction.

A form that edits stored rows carries their *versions* (a digest of each row as text,
:func:`tie_version` / :func:`node_version`); a change names them in a :class:`Guard`, and
the store compares them with what it holds *inside* the transaction that writes, so a
change whose basis moved on since the page was opened is refused
(:class:`~lacgraph.errors.StaleWrite`, carrying the rows as they are now) instead of
being applied over it. The same guard carries the form's one-time token (consumed in
that transaction, :class:`~lacgraph.errors.AlreadySubmitted` the second time), the
tombstones of the ids the change writes (:class:`~lacgraph.errors.ErasedId` when one was
erased meanwhile) and the change's audit row (kept by the store with the change, so no
change can be stored without it; see :mod:`lacgraph.audit.outbox`).

Examples
--------
>>> from lacgraph.tables import Tables
>>> T = Tables.from_records([{"id": "a", "type": "person"}, {"id": "b", "type": "person"}],
...     [{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"}])
>>> key = ("b", "a", "friend", "2024-01-01")
>>> v = versions(T.nodes, T.ties, Guard(ties={key: ""}))["ties"][key]
>>> check(Guard(ties={key: v}), T.nodes, T.ties)
>>> check(Guard(ties={key: "old"}), T.nodes, T.ties)
Traceback (most recent call last):
...
lacgraph.errors.StaleWrite: The connection b-a friend 2024-01-01 was changed by someone else
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lacgraph.errors import AlreadySubmitted, ErasedId, KeyMismatch, StaleWrite
from lacgraph.tables import NODE_COLUMNS, TIE_COLUMNS, Tables, nodes_to_text, ties_to_text

TieKey = tuple[str, str, str, str]

ANY = "*"
"""A version meaning "any version, but it must be stored" (e.g. the person a new connection
is added to)."""

ABSENT = None
"""A version meaning "must not be stored" (e.g. a new connection's key)."""


@dataclass(frozen=True)
class AuditNote:
    """One audit row to keep with a change (``id`` is unique; it travels into the row)."""

    id: str
    at: str
    user: str
    role: str
    action: str
    target: str
    detail: str

    def as_tuple(self) -> tuple[str, ...]:
        """The fields in order: id, at, user, role, action, target, detail."""
        return (self.id, self.at, self.user, self.role, self.action, self.target, self.detail)


@dataclass(frozen=True)
class Guard:
    """The basis of a change, checked by the store in its write transaction.

    ``ties`` maps a tie key to its expected version (:data:`ABSENT`: must not be stored);
    ``nodes`` maps an id to its expected version (:data:`ANY`: stored, any version;
    :data:`ABSENT`: not stored). ``token`` is a one-time form token ("" for none),
    ``tombstones`` the keyed hashes of every id the change writes, ``audit`` the audit row
    kept with the change.
    """

    ties: Mapping[TieKey, str | None] = field(default_factory=dict)
    nodes: Mapping[str, str | None] = field(default_factory=dict)
    token: str = ""
    tombstones: frozenset[str] = frozenset()
    audit: AuditNote | None = None


@dataclass(frozen=True)
class Marks:
    """What a store remembers of ids it no longer holds: the keyed hashes of erased ids
    (:func:`lacgraph.rights.erasure.tombstone`) and the ids merged into another
    (``merged[drop] == keep``, see :func:`lacgraph.analysis.duplicates.merge_in_store`)."""

    tombstones: frozenset[str] = frozenset()
    merged: Mapping[str, str] = field(default_factory=dict)


Screen = Callable[[Tables, Marks], Tables]
"""Checks tables about to be loaded against a store's :class:`Marks` as they are inside
the load's write transaction: returns the tables to write, or raises to refuse the load."""


@dataclass(frozen=True)
class LoadCheck:
    """What a load (``lacgraph load``, and so a Network Canvas import) checks inside its
    write transaction, so an erasure or merge committed while it runs cannot be undone by
    it: ``fingerprint`` is the pseudonym key's (kept at first use, another key refused,
    ``""`` when no key is set) and ``screen`` sees the store's marks as they are then."""

    fingerprint: str = ""
    screen: Screen | None = None

    def apply(self, tables: Tables, marks: Marks) -> Tables:
        """``screen(tables, marks)``, or ``tables`` when there is no screen."""
        return tables if self.screen is None else self.screen(tables, marks)


def with_merges(merged: Mapping[str, str], merges: Mapping[str, str]) -> dict[str, str]:
    """``merged`` (dropped id -> kept id) after recording ``merges``: an id merged earlier
    into one now dropped points at the one kept.

    Examples
    --------
    >>> with_merges({"a3": "a2"}, {"a2": "a"})
    {'a3': 'a', 'a2': 'a'}
    """
    out = dict(merged)
    for drop, keep in merges.items():
        out = {d: keep if k == drop else k for d, k in out.items()}
        out[drop] = keep
    return out


def _digest(row: Mapping[str, object], fixed: tuple[str, ...]) -> str:
    """A row's version: fixed columns always, extra columns only when not empty."""
    text = {k: str(row.get(k, "")) for k in fixed}
    text |= {str(k): str(v) for k, v in row.items() if k not in fixed and k != "alter"
             and str(v) not in ("", "nan", "None")}
    blob = json.dumps(text, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:20]


def tie_version(row: Mapping[str, object]) -> str:
    """The version of a tie given as text (a row of :func:`~lacgraph.tables.ties_to_text`).

    Source and target count in either order (the same tie).

    Examples
    --------
    >>> r = {"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01",
    ...      "end": "", "circle": "2", "reciprocal": "false", "brokered_by": ""}
    >>> tie_version(r) == tie_version({**r, "source": "b", "target": "a"})
    True
    >>> tie_version(r) == tie_version({**r, "end": "2024-06-01"})
    False
    """
    ends = sorted((str(row.get("source", "")), str(row.get("target", ""))))
    return _digest({**row, "source": ends[0], "target": ends[1]}, TIE_COLUMNS)


def node_version(row: Mapping[str, object]) -> str:
    """The version of a node given as text (a row of :func:`~lacgraph.tables.nodes_to_text`).

    Examples
    --------
    >>> node_version({"id": "a", "type": "person"}) == node_version({"id": "a", "type": "group"})
    False
    """
    return _digest(row, NODE_COLUMNS)


def _tie_rows(ties: pd.DataFrame, keys: list[TieKey]) -> dict[TieKey, dict | None]:
    out: dict[TieKey, dict | None] = {}
    if not keys:
        return out
    source = ties["source"].to_numpy(object)
    target = ties["target"].to_numpy(object)
    kind = ties["kind"].to_numpy(object)
    starts = ties["start"].to_numpy("datetime64[D]")
    for key in keys:
        a, b, k, start = key
        match = (((source == a) & (target == b)) | ((source == b) & (target == a))) \
            & (kind == k) & (starts == np.datetime64(start, "D"))
        hit = np.flatnonzero(match)
        out[key] = (None if not len(hit) else
                    ties_to_text(ties.iloc[hit[:1]]).iloc[0].to_dict())
    return out


def _node_rows(nodes: pd.DataFrame, ids: list[str]) -> dict[str, dict | None]:
    out: dict[str, dict | None] = {}
    if not ids:
        return out
    found = nodes[nodes["id"].isin(ids)]
    text = nodes_to_text(found) if len(found) else found
    rows = {str(r["id"]): r for r in text.to_dict("records")}
    return {i: rows.get(i) for i in ids}


def current(nodes: pd.DataFrame, ties: pd.DataFrame, guard: Guard) -> dict[str, dict]:
    """The rows ``guard`` names as they are in ``nodes`` and ``ties`` (text; None: absent)."""
    return {"ties": _tie_rows(ties, list(guard.ties)),
            "nodes": _node_rows(nodes, list(guard.nodes))}


def versions(nodes: pd.DataFrame, ties: pd.DataFrame, guard: Guard) -> dict[str, dict]:
    """The versions of the rows ``guard`` names (None: absent)."""
    rows = current(nodes, ties, guard)
    return {"ties": {k: None if r is None else tie_version(r) for k, r in rows["ties"].items()},
            "nodes": {k: None if r is None else node_version(r)
                      for k, r in rows["nodes"].items()}}


def check(guard: Guard | None, nodes: pd.DataFrame, ties: pd.DataFrame) -> None:
    """Raise :class:`~lacgraph.errors.StaleWrite` when a row ``guard`` names is not as
    expected in ``nodes``/``ties`` (what the store holds now, inside its transaction)."""
    if guard is None or not (guard.ties or guard.nodes):
        return
    rows = current(nodes, ties, guard)
    stale: list[str] = []
    for key, expected in guard.ties.items():
        row = rows["ties"][key]
        now = None if row is None else tie_version(row)
        if now != expected and not (expected == ANY and now is not None):
            a, b, k, start = key
            stale.append(f"The connection {a}-{b} {k} {start} was "
                         + ("recorded by someone else" if expected is None else
                            "removed by someone else" if now is None else
                            "changed by someone else"))
    for node, expected in guard.nodes.items():
        row = rows["nodes"][node]
        now = None if row is None else node_version(row)
        if now != expected and not (expected == ANY and now is not None):
            stale.append(f"{node} was " + ("added by someone else" if expected is None else
                                           "removed" if now is None else
                                           "changed by someone else"))
    if stale:
        raise StaleWrite("; ".join(stale), rows)


class Ledger:
    """What a store kept in memory (no file) remembers for its guards: the form tokens
    used, the audit rows kept with their changes and the pseudonym key's fingerprint (a
    store file keeps the same in its tables, :mod:`lacgraph.stores._sqlite`)."""

    def __init__(self) -> None:
        self.tokens: set[str] = set()
        self.outbox: list[AuditNote] = []
        self.key = ""

    def admit(self, guard: Guard | None, tombstones: frozenset[str]) -> None:
        """Check a change's tombstones and token; keep its audit row."""
        if guard is None:
            return
        if guard.tombstones & tombstones:
            raise ErasedId("This person was erased; nothing was recorded")
        if guard.token:
            if guard.token in self.tokens:
                raise AlreadySubmitted("This form was already sent; the change was recorded "
                                       "once and not again")
            self.tokens.add(guard.token)
        if guard.audit is not None:
            self.outbox.append(guard.audit)

    def delivered(self, ids: Sequence[str]) -> None:
        """Forget the kept audit rows ``ids``."""
        gone = set(ids)
        self.outbox = [n for n in self.outbox if n.id not in gone]

    def check_key(self, fingerprint: str) -> None:
        """Keep the key's fingerprint at first use; refuse another key."""
        if self.key and self.key != fingerprint:
            raise KeyMismatch("This store was used with another pseudonym key: "
                              "erased people could not be recognised")
        self.key = fingerprint
