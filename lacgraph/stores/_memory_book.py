"""What a store kept in memory only (no file) remembers beside its tables.

A store file keeps the keyed hashes of erased ids, the ids merged into another, the form
tokens used, the audit rows kept with changes and the pseudonym key's fingerprint in its
own tables (:mod:`lacgraph.stores._sqlite`), and its data version is SQLite's.
:class:`MemoryBook` holds the same for a :class:`~lacgraph.stores.memory.MemoryStore`
without a file (the tokens, audit rows and key in a :class:`~lacgraph.stores.guard.Ledger`)
and checks a load or a change against them; the store calls it under its lock.

Examples
--------
>>> from lacgraph.stores.guard import Guard
>>> book = MemoryBook()
>>> book.record(Guard(token="t1"), merged={"a2": "a"})
>>> book.erase("b", tombstone="hash-of-b", also=frozenset())
>>> book.merged, sorted(book.tombstones), book.changes
({'a2': 'a'}, ['hash-of-b'], 1)
>>> book.record(Guard(token="t1"))
Traceback (most recent call last):
...
lacgraph.errors.AlreadySubmitted: This form was already sent; ...
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from lacgraph.stores._merge import conform_tables
from lacgraph.stores.guard import Guard, Ledger, LoadCheck, Marks, with_merges
from lacgraph.tables import Tables


class MemoryBook:
    """The marks, ledger and change count of a store kept in memory only."""

    def __init__(self) -> None:
        self.changes = 0
        """The data version (counts changes)."""
        self.tombstones: frozenset[str] = frozenset()
        """The keyed hashes of every erased id."""
        self.merged: dict[str, str] = {}
        """The ids merged away (dropped id -> kept id)."""
        self.ledger = Ledger()
        """The form tokens used, the kept audit rows and the pseudonym key."""

    def admit(self, load: LoadCheck | None, nodes: pd.DataFrame, ties: pd.DataFrame
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """A load's key and screen: the tables to write, or raise to refuse the load."""
        if load is None:
            return nodes, ties
        if load.fingerprint:
            self.ledger.check_key(load.fingerprint)
        if load.screen is None:
            return nodes, ties
        return conform_tables(load.apply(Tables(nodes, ties),
                                         Marks(self.tombstones, dict(self.merged))))

    def record(self, guard: Guard | None, merged: Mapping[str, str] | None = None) -> None:
        """Check a change's tombstones and token and keep its audit row
        (:meth:`~lacgraph.stores.guard.Ledger.admit`); keep the ids it ``merged``."""
        self.ledger.admit(guard, self.tombstones)
        self.merged = with_merges(self.merged, merged or {})

    def erase(self, person: str, tombstone: str | None, also: frozenset[str]) -> None:
        """Keep the tombstones of an erasure, forget the merges of ``person`` and count it."""
        self.tombstones |= ({tombstone} if tombstone else set()) | also
        self.merged = {d: k for d, k in self.merged.items() if person not in (d, k)}
        self.changes += 1
