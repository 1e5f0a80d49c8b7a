"""The embedded store: the network in memory, optionally persisted to one SQLite file.

:class:`MemoryStore` keeps the canonical :class:`~lacgraph.tables.Tables` in memory and
answers every read from them. Given a path it also keeps them in one local SQLite file
(standard library :mod:`sqlite3`, WAL journal mode), loaded when the store is opened and
changed one transaction per :meth:`MemoryStore.write` or :meth:`MemoryStore.erase_person`;
the in-memory tables change only after the transaction commits.

Checking and merging a write lives in :mod:`lacgraph.stores._merge`; the file's schema
and SQL in :mod:`lacgraph.stores._sqlite`; what a store kept in memory only remembers
beside its tables (tombstones, merged ids, form tokens, kept audit rows, the key's
fingerprint) in :mod:`lacgraph.stores._memory_book`; the reads (every node and tie, a
snapshot, a person's circle and ties over time) in :mod:`lacgraph.stores._memory_reads`.

Deleted rows are overwritten on disk (``secure_delete``); after an erasure the write-ahead
log is emptied (retried while another program reads) and the file rebuilt (``VACUUM``), so
an erased person does not linger in free pages of the file.

Examples
--------
>>> from lacgraph.tables import Tables
>>> T = Tables.from_records(
...     nodes=[{"id": "p1", "type": "person"}, {"id": "p2", "type": "person"}],
...     ties=[{"source": "p1", "target": "p2", "kind": "friend", "start": "2024-01-01"}],
... )
>>> with MemoryStore() as store:
...     first = store.write(T)
...     again = store.write(T)
...     alters = list(store.ego("p1", "2024-06-01").nodes["id"])
>>> first.ties_added, again.ties_unchanged, again.changed_anything, alters
(1, 1, False, ['p1', 'p2'])
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from lacgraph.errors import StoreError
from lacgraph.stores import _merge, _sqlite, _sqlite_write
from lacgraph.stores._ego import EgoIndex
from lacgraph.stores._memory_book import MemoryBook
from lacgraph.stores._memory_reads import TableReads
from lacgraph.stores._merge import Plan, conform, conform_tables
from lacgraph.stores.base import Erasure, LoadSummary, Progress, Store, TieKey
from lacgraph.stores.guard import (
    AuditNote,
    Guard,
    LoadCheck,
    check,
)
from lacgraph.stores.guard import check as check_guard
from lacgraph.tables import (
    NODE_COLUMNS,
    TIE_COLUMNS,
    Tables,
    normalise_nodes,
    normalise_ties,
)

BATCH_SIZE = 10_000
"""Rows per ``executemany`` batch (and per ``progress`` call)."""

_EMPTY = Tables.from_records([], [])


class MemoryStore(TableReads, Store):
    """The embedded store: canonical tables in memory, optionally kept in one SQLite file.

    Parameters
    ----------
    path : str or os.PathLike, optional
        The store file. ``None`` (the default) keeps everything in memory only. A new
        file is created readable by its owner only; an existing lacgraph file is loaded.
    batch_size : int, optional
        Rows per ``executemany`` batch and per ``progress`` call.

    Raises
    ------
    StoreError
        When ``path`` cannot be opened, or is not a lacgraph store (another SQLite
        database, another kind of file, or a store written by a newer lacgraph).

    Notes
    -----
    Upserts replace the whole row: a node or tie written again takes exactly the values
    of the new row, and an extra column the new row lacks becomes ``""`` for that row.
    Extra columns, once written, stay in the tables read back (``""`` where unset).
    If another process commits to the same file, the next call reloads it.

    Examples
    --------
    >>> from lacgraph.tables import Tables
    >>> store = MemoryStore()
    >>> T = Tables.from_records(
    ...     nodes=[{"id": "007", "type": "person", "pets": "2"}, {"id": "g1", "type": "group"}],
    ...     ties=[{"source": "007", "target": "g1", "kind": "member", "start": "2024-01-01",
    ...            "end": "2024-03-01"}],
    ... )
    >>> store.write(T).nodes_added
    2
    >>> store.read().nodes[["id", "pets"]].values.tolist()
    [['007', '2'], ['g1', '']]
    >>> len(store.snapshot("2024-02-29").ties), len(store.snapshot("2024-03-01").ties)
    (1, 0)
    >>> store.erase_person("007").ties_removed
    1
    >>> list(store.read().nodes["id"]), len(store.read().ties)
    (['g1'], 0)
    >>> store.close()
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *,
                 batch_size: int = BATCH_SIZE) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._path = None if path is None else os.fspath(path)
        self._batch_size = batch_size
        self._lock = threading.RLock()
        self._closed = False
        self._nodes = _EMPTY.nodes
        self._ties = _EMPTY.ties
        self._db: sqlite3.Connection | None = None
        self._data_version = 0
        self._book = MemoryBook()  # a store kept in memory only: marks, ledger, version
        self._index: EgoIndex | None = None  # see _ego_index; rebuilt when the tables change
        self._index_lock = threading.Lock()
        if self._path is not None:
            self._db = _sqlite.open_database(self._path)
            try:
                self._reload()
            except BaseException:
                self._db.close()
                raise

    def __repr__(self) -> str:
        where = "in memory" if self._path is None else repr(self._path)
        return f"<MemoryStore {where}: {len(self._nodes)} nodes, {len(self._ties)} ties>"

    @property
    def path(self) -> str | None:
        """The store file, or ``None`` for a store kept in memory only."""
        return self._path

    # ------------------------------------------------------------------ writes

    def write(self, tables: Tables, *, progress: Progress | None = None,
              check: LoadCheck | None = None) -> LoadSummary:
        """Upsert ``tables`` in one all-or-nothing step and say what changed.

        Nodes are matched by ``id`` and ties by ``(source, target, kind, start)`` with
        ``source``/``target`` unordered. Before anything is written the merged result is
        checked: no id or tie key twice in ``tables``, every tie end a node, every tie a
        start date. Only added or changed rows are written, so writing the same tables
        again changes nothing.

        Parameters
        ----------
        tables : Tables
            Validated tables (see :mod:`lacgraph.tables`).
        progress : callable, optional
            Called with the number of rows handled after each batch (written or found
            unchanged); the calls add up to ``len(nodes) + len(ties)``. If it raises,
            the write is rolled back and the exception propagates.
        check : LoadCheck, optional
            The pseudonym key's fingerprint and the screen against tombstones and merged
            ids, run inside the write transaction (see :meth:`lacgraph.stores.Store.write`).

        Returns
        -------
        LoadSummary

        Raises
        ------
        StoreError
            The tables are inconsistent (nothing is written) or the file cannot be
            written (the store is left as it was).

        Examples
        --------
        >>> from lacgraph.tables import Tables
        >>> store = MemoryStore()
        >>> nodes = [{"id": "a", "type": "person"}, {"id": "b", "type": "person"}]
        >>> tie = {"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"}
        >>> store.write(Tables.from_records(nodes, [tie])).ties_added
        1
        >>> ended = {**tie, "source": "b", "target": "a", "end": "2024-06-01"}
        >>> s = store.write(Tables.from_records(nodes, [ended]))
        >>> s.ties_changed, s.nodes_unchanged
        (1, 2)
        >>> store.write(Tables.from_records([], [{**tie, "target": "zoe"}]))
        Traceback (most recent call last):
        ...
        lacgraph.errors.StoreError: 1 tie joins an id that is not a node: 'a'-'zoe'
        """
        nodes, ties = conform_tables(tables)
        with self._lock:
            self._check_open()
            if self._db is None:
                nodes, ties = self._book.admit(check, nodes, ties)
                plan = _merge.plan(self._nodes, self._ties, nodes, ties)
                for total in (len(nodes), len(ties)):  # the batches a file would write
                    _sqlite_write.count(progress, total, self._batch_size)
                self._book.changes += plan.summary.changed_anything
            else:
                plan = self._write_file(nodes, ties, progress, load=check)
            self._nodes, self._ties = plan.nodes, plan.ties
        return plan.summary

    def replace(self, tables: Tables, *, progress: Progress | None = None,
                check: LoadCheck | None = None) -> LoadSummary:
        """Make the store hold exactly ``tables``, in one all-or-nothing step (``check``
        as for :meth:`write`).

        Examples
        --------
        >>> from lacgraph.tables import Tables
        >>> store = MemoryStore()
        >>> nodes = [{"id": i, "type": "person"} for i in "abc"]
        >>> ab = {"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"}
        >>> _ = store.write(Tables.from_records(nodes, [ab]))
        >>> s = store.replace(Tables.from_records(nodes[:2], [{**ab, "source": "b",
        ...                                                    "target": "a"}]))
        >>> s.nodes_removed, s.ties_removed, s.ties_changed, s.ties_unchanged
        (1, 0, 0, 1)
        """
        nodes, ties = conform_tables(tables)
        with self._lock:
            self._check_open()
            if self._db is None:
                nodes, ties = self._book.admit(check, nodes, ties)
                plan = _merge.plan_replace(self._nodes, self._ties, nodes, ties).plan
                _sqlite_write.call(progress, len(nodes) + len(ties))
                self._book.changes += plan.summary.changed_anything
            else:
                plan = self._write_file(nodes, ties, progress, replace=True, load=check)
            self._nodes, self._ties = plan.nodes, plan.ties
        return plan.summary

    def record_change(self, tables: Tables, remove: Sequence[TieKey] = (), *,
                      guard: Guard | None = None) -> LoadSummary:
        """Delete the ties keyed by ``remove``, then upsert ``tables``, in one step.

        In a store file it is one SQLite transaction: ``guard`` is checked against the
        file as it is inside it (see :meth:`lacgraph.stores.Store.record_change`); if
        anything fails, neither the file nor the tables in memory change.

        Examples
        --------
        >>> from lacgraph.tables import Tables
        >>> store = MemoryStore()
        >>> nodes = [{"id": "a", "type": "person"}, {"id": "b", "type": "person"}]
        >>> tie = {"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"}
        >>> _ = store.write(Tables.from_records(nodes, [tie]))
        >>> fixed = {**tie, "kind": "neighbour"}
        >>> store.record_change(Tables.from_records([], [fixed]),
        ...                     remove=[("b", "a", "friend", "2024-01-01")]).ties_added
        1
        >>> store.read().ties["kind"].tolist()
        ['neighbour']
        >>> store.record_change(Tables.from_records([], []), remove=[("a", "b", "x", "2024-01-01")])
        Traceback (most recent call last):
        ...
        lacgraph.errors.NotFound: No tie a-b x 2024-01-01
        >>> once = Guard(token="t1")
        >>> _ = store.record_change(Tables.from_records([], [tie]), guard=once)
        >>> store.record_change(Tables.from_records([], [tie]), guard=once)
        Traceback (most recent call last):
        ...
        lacgraph.errors.AlreadySubmitted: This form was already sent; ...
        """
        nodes = conform(tables.nodes, NODE_COLUMNS, normalise_nodes, "nodes")
        ties = conform(tables.ties, TIE_COLUMNS, normalise_ties, "ties")
        with self._lock:
            self._check_open()
            if self._db is None:
                check(guard, self._nodes, self._ties)
                kept = _merge.drop_ties(self._ties, remove)
                plan = _merge.plan(self._nodes, kept, nodes, ties)
                self._book.record(guard)
                self._book.changes += 1
            else:
                plan = self._write_file(nodes, ties, None, remove=remove, guard=guard)
            self._nodes, self._ties = plan.nodes, plan.ties
        return plan.summary

    def update(self, change: Callable[[Tables], Tables], *, guard: Guard | None = None,
               replace: bool = False, merged: Mapping[str, str] | None = None,
               check: LoadCheck | None = None) -> LoadSummary:
        """Upsert ``change(current)``, ``current`` read inside the write transaction; with
        ``replace``, hold exactly ``change(current)``; ``merged`` kept with it; ``check``
        applied to ``change(current)`` in the same transaction (see
        :meth:`lacgraph.stores.Store.update`).

        Examples
        --------
        >>> from lacgraph.tables import Tables
        >>> store = MemoryStore()
        >>> _ = store.write(Tables.from_records([{"id": "a", "type": "person"}], []))
        >>> def rename(now):
        ...     return Tables.from_records([{"id": "a", "type": "person", "label": "Ann"}], [])
        >>> store.update(rename).nodes_changed
        1
        """
        with self._lock:
            self._check_open()
            if self._db is None:
                check_guard(guard, self._nodes, self._ties)
                tables = change(Tables(self._nodes.copy(), self._ties.copy()))
                nodes = conform(tables.nodes, NODE_COLUMNS, normalise_nodes, "nodes")
                ties = conform(tables.ties, TIE_COLUMNS, normalise_ties, "ties")
                nodes, ties = self._book.admit(check, nodes, ties)
                plan = (_merge.plan_replace(self._nodes, self._ties, nodes, ties).plan
                        if replace else _merge.plan(self._nodes, self._ties, nodes, ties))
                self._book.record(guard, merged)
                self._book.changes += plan.summary.changed_anything
            else:
                plan = self._write_file(None, None, None, change=change, guard=guard,
                                        replace=replace, merged=merged, load=check)
            self._nodes, self._ties = plan.nodes, plan.ties
        return plan.summary

    def pending_audit(self) -> list[AuditNote]:
        """The audit rows kept with changes and not yet delivered (oldest first)."""
        with self._lock:
            self._check_open()
            if self._db is None:
                return list(self._book.ledger.outbox)
            return _sqlite.pending_audit(self._db)

    def audit_delivered(self, ids: Sequence[str]) -> None:
        """Forget the kept audit rows ``ids`` (the audit log holds them)."""
        with self._lock:
            self._check_open()
            if self._db is None:
                self._book.ledger.delivered(ids)
                return
            with _sqlite.transaction(self._db, self._path, self.waiting):
                self._db.executemany("DELETE FROM audit_outbox WHERE id = ?",
                                     [(i,) for i in ids])

    def check_key(self, fingerprint: str) -> None:
        """Keep the pseudonym key's fingerprint at first use; refuse another key.

        Examples
        --------
        >>> store = MemoryStore()
        >>> store.check_key("f1"); store.check_key("f1")
        >>> store.check_key("f2")
        Traceback (most recent call last):
        ...
        lacgraph.errors.KeyMismatch: This store was used with another pseudonym key: ...
        """
        with self._lock:
            self._check_open()
            if self._db is None:
                self._book.ledger.check_key(fingerprint)
                return
            with _sqlite.transaction(self._db, self._path, self.waiting):
                _sqlite.check_key(self._db, self._path, fingerprint)

    def _write_file(self, nodes: pd.DataFrame | None, ties: pd.DataFrame | None,
                    progress: Progress | None, replace: bool = False,
                    remove: Sequence[TieKey] = (), guard: Guard | None = None,
                    change: Callable[[Tables], Tables] | None = None,
                    load: LoadCheck | None = None,
                    merged: Mapping[str, str] | None = None) -> Plan:
        db = self._db
        assert db is not None
        with _sqlite.transaction(db, self._path, self.waiting):
            self._refresh()
            check(guard, self._nodes, self._ties)
            if change is not None:  # merged with the file as it is now, inside the lock
                tables = change(Tables(self._nodes.copy(), self._ties.copy()))
                nodes = conform(tables.nodes, NODE_COLUMNS, normalise_nodes, "nodes")
                ties = conform(tables.ties, TIE_COLUMNS, normalise_ties, "ties")
            assert nodes is not None and ties is not None
            if load is not None:  # the key and the marks as they are inside the lock
                if load.fingerprint:
                    _sqlite.check_key(db, self._path, load.fingerprint)
                if load.screen is not None:
                    nodes, ties = conform_tables(load.apply(Tables(nodes, ties),
                                                            _sqlite.marks(db)))
            _sqlite.guard(db, guard)
            plan = _sqlite_write.apply(db, self._nodes, self._ties, nodes, ties,
                                       replace=replace, remove=remove,
                                       batch_size=self._batch_size, progress=progress)
            if merged:
                _sqlite.record_merged(db, dict(merged))
        return plan

    def erase_person(self, person: str, *, tombstone: str | None = None,
                     also: frozenset[str] = frozenset()) -> Erasure:
        """Erase a person in one transaction: node, ties, references, the record of ids
        merged into them; keep a tombstone (and the tombstones ``also``, of those ids).

        In a store file the deleted rows are overwritten on disk, the write-ahead log is
        emptied and the file rebuilt (VACUUM); :attr:`Erasure.remaining` says what is
        left when another program holds an old copy open.

        Raises
        ------
        NotFound
            When ``person`` is not a node.

        Examples
        --------
        >>> store = MemoryStore()
        >>> store.erase_person("nobody")
        Traceback (most recent call last):
        ...
        lacgraph.errors.NotFound: No node with id 'nobody'
        """
        with self._lock:
            self._check_open()
            if self._db is None:
                self._nodes, self._ties, erasure = _merge.erased(self._nodes, self._ties, person)
                self._book.erase(person, tombstone, also)
                return erasure
            with _sqlite.transaction(self._db, self._path, self.waiting):
                self._refresh()
                nodes, ties, erasure = _merge.erased(self._nodes, self._ties, person)
                _sqlite_write.erase(self._db, person, tombstone, also)
            self._nodes, self._ties = nodes, ties
            self._data_version = self._db.execute("PRAGMA data_version").fetchone()[0]
            assert self._path is not None
            try:
                remaining = _sqlite.scrub(self._db, self._path)
            except sqlite3.Error as err:
                remaining = f"the store file {self._path} could not be compacted: {err}"
            return Erasure(erasure.ties_removed, erasure.references_cleared, remaining)

    def frozen(self) -> MemoryStore:
        """Return an in-memory store holding the data as it is now (no file; later
        changes to this store do not reach it).

        Examples
        --------
        >>> from lacgraph.tables import Tables
        >>> store = MemoryStore()
        >>> _ = store.write(Tables.from_records([{"id": "a", "type": "person"}], []))
        >>> copy = store.frozen()
        >>> _ = store.write(Tables.from_records([{"id": "b", "type": "person"}], []))
        >>> list(copy.read().nodes["id"])
        ['a']
        """
        nodes, ties = self._current()
        copy = MemoryStore(batch_size=self._batch_size)
        copy._nodes, copy._ties = nodes, ties
        return copy

    def finish_erasure(self) -> str:
        """Empty the write-ahead log and rebuild the file again; ``""`` when nothing of
        an erased person remains, else what does (see :meth:`erase_person`)."""
        with self._lock:
            self._check_open()
            if self._db is None or self._path is None:
                return ""
            return _sqlite.scrub(self._db, self._path)

    def tombstones(self) -> frozenset[str]:
        """Return the keyed hashes of every erased id (see :mod:`lacgraph.rights.erasure`)."""
        with self._lock:
            self._check_open()
            if self._db is None:
                return self._book.tombstones
            return _sqlite.tombstones(self._db)

    def merged(self) -> dict[str, str]:
        """Return the ids merged into another (dropped id -> kept id)."""
        with self._lock:
            self._check_open()
            if self._db is None:
                return dict(self._book.merged)
            return _sqlite.merged(self._db)

    def data_version(self) -> str:
        """Return a text that changes whenever any process changes the data.

        Examples
        --------
        >>> from lacgraph.tables import Tables
        >>> store = MemoryStore()
        >>> before = store.data_version()
        >>> _ = store.write(Tables.from_records([{"id": "a", "type": "person"}], []))
        >>> store.data_version() != before
        True
        """
        with self._lock:
            self._check_open()
            if self._db is None:
                return f"memory:{self._book.changes}"
            try:
                return _sqlite.data_version(self._db)
            except sqlite3.Error as err:
                raise StoreError(f"Cannot read the store file {self._path}: {err}") from err

    def close(self) -> None:
        """Close the store file (if any). Closing twice is harmless."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
            self._closed = True

    # ----------------------------------------------------------------- helpers

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("The store is closed")

    def _current(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        with self._lock:
            self._check_open()
            if self._db is not None:
                try:
                    self._refresh()
                except sqlite3.Error as err:
                    raise StoreError(f"Cannot read the store file {self._path}: {err}") from err
            return self._nodes, self._ties

    def _refresh(self) -> None:
        """Reload the file if another connection committed to it since we last looked."""
        assert self._db is not None
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            self._reload()

    def _reload(self) -> None:
        assert self._db is not None and self._path is not None
        try:
            self._data_version = self._db.execute("PRAGMA data_version").fetchone()[0]
            self._nodes, self._ties = _sqlite.load(self._db)
        except (sqlite3.Error, ValueError) as err:
            raise StoreError(f"Cannot read the store file {self._path}: {err}") from err

