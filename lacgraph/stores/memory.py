"""The embedded store: the network in memory, optionally persisted to one SQLite file.

:class:`MemoryStore` keeps the canonical :class:`~lacgraph.tables.Tables` in memory and
answers every read from them. Given a path it also keeps them in one local SQLite file
(standard library :mod:`sqlite3`, WAL journal mode), loaded when the store is opened and
changed one transaction per :meth:`MemoryStore.write` or :meth:`MemoryStore.erase_person`;
the in-memory tables change only after the transaction commits.

The file's schema (version :data:`SCHEMA_VERSION`)::

    meta(key PRIMARY KEY, value)      application = lacgraph, schema_version,
                                      node_columns / tie_columns (extra columns, JSON list)
    nodes(id PRIMARY KEY, type, label, neighbourhood, supported, introduced_on,
          coordinator, attrs)
    ties(lo, hi, kind, start, source, target, "end", circle, reciprocal, brokered_by,
         attrs, PRIMARY KEY (lo, hi, kind, start))

Dates are ISO ``YYYY-MM-DD`` text (NULL when missing), booleans 0/1, and ``attrs`` is a
JSON object of the row's non-empty extra columns. ``lo``/``hi`` are the tie's two ends in
sorted order, so a tie written as ``a-b`` and later as ``b-a`` is the same tie.

Deleted rows are overwritten on disk (``secure_delete``) and the write-ahead log is
emptied after an erasure, so an erased person does not linger in free pages of the file.

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

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lacgraph.errors import NotFound, QueryError, StoreError
from lacgraph.model import HOUSEHOLD
from lacgraph.stores.base import LoadSummary, Progress, Store
from lacgraph.tables import (
    DATE_DTYPE,
    NODE_COLUMNS,
    TIE_COLUMNS,
    DateLike,
    Tables,
    normalise_nodes,
    normalise_ties,
    to_date,
    to_day_numbers,
)

SCHEMA_VERSION = 1
"""Version of the SQLite schema this module writes and reads."""

APPLICATION = "lacgraph"
"""The ``meta.application`` marker that tells a lacgraph store file from any other."""

APPLICATION_ID = 0x4C414347  # "LACG", also set as SQLite's PRAGMA application_id

BATCH_SIZE = 10_000
"""Rows per ``executemany`` batch (and per ``progress`` call)."""

_TIE_KEY = ("lo", "hi", "kind", "start")
_TIE_SORT = ["source", "target", "kind", "start"]
_BOOL = {"supported", "reciprocal"}
_DATES = {"introduced_on", "start", "end"}

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE nodes (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    label TEXT NOT NULL,
    neighbourhood TEXT NOT NULL,
    supported INTEGER NOT NULL,
    introduced_on TEXT,
    coordinator TEXT NOT NULL,
    attrs TEXT NOT NULL DEFAULT '{}'
) WITHOUT ROWID;
CREATE TABLE ties (
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
) WITHOUT ROWID;
CREATE INDEX ties_hi ON ties (hi);
"""

_UPSERT_NODE = """
INSERT INTO nodes (id, type, label, neighbourhood, supported, introduced_on, coordinator, attrs)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    type = excluded.type, label = excluded.label, neighbourhood = excluded.neighbourhood,
    supported = excluded.supported, introduced_on = excluded.introduced_on,
    coordinator = excluded.coordinator, attrs = excluded.attrs
"""

_UPSERT_TIE = """
INSERT INTO ties (lo, hi, kind, start, source, target, "end", circle, reciprocal, brokered_by,
                  attrs)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (lo, hi, kind, start) DO UPDATE SET
    source = excluded.source, target = excluded.target, "end" = excluded."end",
    circle = excluded.circle, reciprocal = excluded.reciprocal,
    brokered_by = excluded.brokered_by, attrs = excluded.attrs
"""

_EMPTY = Tables.from_records([], [])


class MemoryStore(Store):
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
    >>> store.erase_person("007")
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
        if self._path is not None:
            self._db = _open_database(self._path)
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

    def write(self, tables: Tables, *, progress: Progress | None = None) -> LoadSummary:
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
        nodes = _conform(tables.nodes, NODE_COLUMNS, normalise_nodes, "nodes")
        ties = _conform(tables.ties, TIE_COLUMNS, normalise_ties, "ties")
        with self._lock:
            self._check_open()
            if self._db is None:
                plan = _plan(self._nodes, self._ties, nodes, ties)
                for n in _batches(len(nodes), self._batch_size):
                    _call(progress, n)
                for n in _batches(len(ties), self._batch_size):
                    _call(progress, n)
            else:
                plan = self._write_file(nodes, ties, progress)
            self._nodes, self._ties = plan.nodes, plan.ties
        return plan.summary

    def _write_file(self, nodes: pd.DataFrame, ties: pd.DataFrame,
                    progress: Progress | None) -> _Plan:
        db = self._db
        assert db is not None
        with _transaction(db, self._path):
            self._refresh()
            plan = _plan(self._nodes, self._ties, nodes, ties)
            if plan.node_columns != _extra(self._nodes, NODE_COLUMNS):
                _set_meta(db, "node_columns", json.dumps(plan.node_columns))
            if plan.tie_columns != _extra(self._ties, TIE_COLUMNS):
                _set_meta(db, "tie_columns", json.dumps(plan.tie_columns))
            node_rows = _node_rows(plan.nodes_to_write)
            self._execute_batches(_UPSERT_NODE, node_rows, plan.node_positions, len(nodes),
                                  progress)
            tie_rows = _tie_rows(plan.ties_to_write)
            self._execute_batches(_UPSERT_TIE, tie_rows, plan.tie_positions, len(ties),
                                  progress)
        return plan

    def _execute_batches(self, sql: str, rows: list[tuple], positions: np.ndarray,
                         total: int, progress: Progress | None) -> None:
        """Write ``rows`` (the rows at ``positions`` of the input) batch by batch."""
        assert self._db is not None
        done = 0
        for start in range(0, total, self._batch_size):
            stop = min(start + self._batch_size, total)
            lo, hi = np.searchsorted(positions, [start, stop])
            if hi > lo:
                self._db.executemany(sql, rows[lo:hi])
            done = hi
            _call(progress, stop - start)
        assert done == len(rows)

    def erase_person(self, person: str) -> None:
        """Remove a node and every tie touching it, in one step.

        Other rows that mention the id (``coordinator``, ``brokered_by``) are left as
        they are. In a store file the deleted rows are overwritten on disk.

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
                self._nodes, self._ties = _without(self._nodes, self._ties, person)
                return
            with _transaction(self._db, self._path):
                self._refresh()
                nodes, ties = _without(self._nodes, self._ties, person)
                self._db.execute("DELETE FROM ties WHERE lo = ? OR hi = ?", (person, person))
                self._db.execute("DELETE FROM nodes WHERE id = ?", (person,))
            self._nodes, self._ties = nodes, ties
            try:  # empty the write-ahead log so no copy of the erased rows stays in it
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as err:
                raise StoreError(f"{person!r} was erased, but the store file {self._path} "
                                 f"could not be checkpointed: {err}") from err

    def close(self) -> None:
        """Close the store file (if any). Closing twice is harmless."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
            self._closed = True

    # ------------------------------------------------------------------- reads

    def read(self) -> Tables:
        """Return every node and tie, sorted, in the canonical dtypes.

        Examples
        --------
        >>> MemoryStore().read().nodes.columns.tolist()[:3]
        ['id', 'type', 'label']
        """
        nodes, ties = self._current()
        return Tables(nodes.copy(), ties.copy())

    def snapshot(self, at: DateLike) -> Tables:
        """Return every node and the ties active at ``at`` (``start <= at < end``).

        Examples
        --------
        >>> from lacgraph.tables import Tables
        >>> store = MemoryStore()
        >>> _ = store.write(Tables.from_records(
        ...     [{"id": "a", "type": "person"}, {"id": "b", "type": "person"}],
        ...     [{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"}]))
        >>> len(store.snapshot("2023-12-31").ties), len(store.snapshot("2024-01-01").ties)
        (0, 1)
        """
        nodes, ties = self._current()
        return Tables(nodes.copy(), ties[_active(ties, at)].reset_index(drop=True))

    def ego(self, person: str, at: DateLike) -> Tables:
        """Return ``person``, its alters at ``at`` and the active ties among them all.

        Alters are the nodes joined to ``person`` by a non-household tie active at
        ``at``. The ties are every active tie among ``person`` and its alters (several
        between one pair are all kept), plus the active household ties touching any of
        them, with the family nodes at their other end.

        Raises
        ------
        NotFound
            When ``person`` is not a node.

        Examples
        --------
        >>> from lacgraph.tables import Tables
        >>> store = MemoryStore()
        >>> _ = store.write(Tables.from_records(
        ...     [{"id": i, "type": "person"} for i in "abc"],
        ...     [{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"},
        ...      {"source": "b", "target": "c", "kind": "friend", "start": "2024-01-01"}]))
        >>> list(store.ego("a", "2024-02-01").nodes["id"])
        ['a', 'b']
        """
        nodes, ties = self._current()
        if not _has_node(nodes, person):
            raise NotFound(f"No node with id {person!r}")
        active = ties[_active(ties, at)]
        source = active["source"].to_numpy(object)
        target = active["target"].to_numpy(object)
        household = active["kind"].to_numpy(object) == HOUSEHOLD
        alters = set(target[~household & (source == person)])
        alters |= set(source[~household & (target == person)])
        members = alters | {person}
        src_in = pd.Index(source).isin(list(members))
        tgt_in = pd.Index(target).isin(list(members))
        keep = (src_in & tgt_in) | (household & (src_in | tgt_in))
        kept = active[keep].reset_index(drop=True)
        ids = members | set(kept["source"]) | set(kept["target"])
        ego_nodes = nodes[nodes["id"].isin(list(ids))].reset_index(drop=True)
        return Tables(ego_nodes, kept)

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
            self._nodes, self._ties = _load(self._db)
        except (sqlite3.Error, ValueError) as err:
            raise StoreError(f"Cannot read the store file {self._path}: {err}") from err


# ---------------------------------------------------------------------- planning


@dataclass(frozen=True)
class _Plan:
    """A checked write: the merged tables, the rows to write and the summary."""

    nodes: pd.DataFrame
    ties: pd.DataFrame
    nodes_to_write: pd.DataFrame
    node_positions: np.ndarray
    ties_to_write: pd.DataFrame
    tie_positions: np.ndarray
    node_columns: list[str]
    tie_columns: list[str]
    summary: LoadSummary


def _plan(old_nodes: pd.DataFrame, old_ties: pd.DataFrame,
          nodes: pd.DataFrame, ties: pd.DataFrame) -> _Plan:
    """Merge the incoming tables into the stored ones, or raise StoreError if inconsistent."""
    problems = []
    ids = nodes["id"]
    dup = ids[ids.duplicated()].unique()
    if len(dup):
        problems.append(f"{len(dup)} node id{_s(len(dup))} given more than once: "
                        f"{_few([repr(i) for i in dup])}")
    if (ids == "").any():
        problems.append("a node has an empty id")
    if ties["start"].isna().any():
        problems.append(f"{int(ties['start'].isna().sum())} tie(s) without a start date")
    keys = _tie_keys(ties)
    dup_keys = keys[keys.duplicated()].unique()
    if len(dup_keys):
        shown = _few([f"{a}-{b} {k} {_iso(s)}" for a, b, k, s in dup_keys])
        problems.append(f"{len(dup_keys)} tie{_s(len(dup_keys))} given more than once "
                        f"(same pair, kind and start): {shown}")
    if problems:
        raise StoreError("; ".join(problems))

    node_columns = _merge_columns(old_nodes, nodes, NODE_COLUMNS)
    tie_columns = _merge_columns(old_ties, ties, TIE_COLUMNS)
    new_nodes, node_pos, n_added, n_changed = _diff(
        old_nodes, pd.Index(old_nodes["id"]), nodes, pd.Index(ids), NODE_COLUMNS, node_columns)
    merged_nodes = _merge(old_nodes, new_nodes, node_columns, NODE_COLUMNS,
                          ~old_nodes["id"].isin(ids).to_numpy(), ["id"], len(node_pos))

    node_ids = pd.Index(merged_nodes["id"])
    missing = ~(ties["source"].isin(node_ids).to_numpy() & ties["target"].isin(node_ids).to_numpy())
    if missing.any():
        bad = ties[missing]
        pairs = [f"{a!r}-{b!r}" for a, b in zip(bad["source"], bad["target"], strict=True)]
        raise StoreError(f"{len(bad)} tie{_s(len(bad))} join{'s' if len(bad) == 1 else ''} "
                         f"an id that is not a node: {_few(pairs)}")

    old_keys = _tie_keys(old_ties)
    new_ties, tie_pos, t_added, t_changed = _diff(
        old_ties, old_keys, ties, keys, TIE_COLUMNS, tie_columns)
    merged_ties = _merge(old_ties, new_ties, tie_columns, TIE_COLUMNS,
                         ~old_keys.isin(keys), _TIE_SORT, len(tie_pos))

    summary = LoadSummary(
        nodes_added=n_added, nodes_changed=n_changed,
        nodes_unchanged=len(nodes) - n_added - n_changed,
        ties_added=t_added, ties_changed=t_changed,
        ties_unchanged=len(ties) - t_added - t_changed,
    )
    return _Plan(merged_nodes, merged_ties, new_nodes.iloc[node_pos], node_pos,
                 new_ties.iloc[tie_pos], tie_pos,
                 node_columns[len(NODE_COLUMNS):], tie_columns[len(TIE_COLUMNS):], summary)


def _diff(old: pd.DataFrame, old_keys: pd.Index, new: pd.DataFrame, new_keys: pd.Index,
          fixed: tuple[str, ...], columns: list[str]
          ) -> tuple[pd.DataFrame, np.ndarray, int, int]:
    """Compare incoming rows with stored ones by key.

    Returns the incoming rows aligned to ``columns``, the positions of the rows to write
    (added or changed, ascending), and the counts added and changed.
    """
    new = _align(new, columns, fixed)
    pos = old_keys.get_indexer(new_keys) if len(old_keys) else np.full(len(new), -1)
    found = pos >= 0
    before = _align(old, columns, fixed).iloc[pos[found]]
    differs = np.zeros(int(found.sum()), dtype=bool)
    for col in columns:
        a = new[col].to_numpy()[found]
        b = before[col].to_numpy()
        if col in _DATES:
            same = (a == b) | (np.isnat(a) & np.isnat(b))
        else:
            same = a == b
        differs |= ~np.asarray(same, dtype=bool)
    write = ~found
    write[np.flatnonzero(found)[differs]] = True
    return new, np.flatnonzero(write), int((~found).sum()), int(differs.sum())


def _merge(old: pd.DataFrame, new: pd.DataFrame, columns: list[str], fixed: tuple[str, ...],
           keep_old: np.ndarray, sort: list[str], n_written: int) -> pd.DataFrame:
    """Return the stored rows not in ``new`` plus ``new``, sorted."""
    old = _align(old, columns, fixed)
    if n_written == 0:
        return old
    merged = pd.concat([old[keep_old], new], ignore_index=True)
    return merged.sort_values(sort, kind="stable", ignore_index=True)


def _merge_columns(old: pd.DataFrame, new: pd.DataFrame, fixed: tuple[str, ...]) -> list[str]:
    columns = list(fixed) + _extra(old, fixed)
    return columns + [c for c in _extra(new, fixed) if c not in columns]


def _extra(frame: pd.DataFrame, fixed: tuple[str, ...]) -> list[str]:
    return [c for c in frame.columns if c not in fixed]


def _align(frame: pd.DataFrame, columns: list[str], fixed: tuple[str, ...]) -> pd.DataFrame:
    if list(frame.columns) == columns:
        return frame
    out = frame.reindex(columns=columns)
    for col in columns[len(fixed):]:
        if col not in frame:
            out[col] = np.full(len(out), "", dtype=object)
            out[col] = out[col].astype(object)
    return out


def _tie_keys(ties: pd.DataFrame) -> pd.MultiIndex:
    """The key of each tie: (lo, hi, kind, start) with lo <= hi its two ends."""
    source = ties["source"].to_numpy(object)
    target = ties["target"].to_numpy(object)
    swap = np.asarray(source > target, dtype=bool) if len(ties) else np.zeros(0, bool)
    lo = np.where(swap, target, source)
    hi = np.where(swap, source, target)
    start = ties["start"].to_numpy("datetime64[s]").astype(np.int64)
    return pd.MultiIndex.from_arrays(
        [pd.Index(lo, dtype=object), pd.Index(hi, dtype=object),
         pd.Index(ties["kind"].to_numpy(object), dtype=object), start],
        names=list(_TIE_KEY))


def _without(nodes: pd.DataFrame, ties: pd.DataFrame, person: str
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not _has_node(nodes, person):
        raise NotFound(f"No node with id {person!r}")
    touching = (ties["source"] == person) | (ties["target"] == person)
    return (nodes[nodes["id"] != person].reset_index(drop=True),
            ties[~touching].reset_index(drop=True))


def _has_node(nodes: pd.DataFrame, person: object) -> bool:
    return isinstance(person, str) and bool((nodes["id"] == person).any())


def _active(ties: pd.DataFrame, at: DateLike) -> np.ndarray:
    try:
        day = to_date(at).astype(np.int64)
    except (ValueError, TypeError) as err:
        raise QueryError(f"{at!r} is not a date (expected YYYY-MM-DD)") from err
    if np.isnat(to_date(at)):
        raise QueryError(f"{at!r} is not a date (expected YYYY-MM-DD)")
    start = to_day_numbers(ties["start"])
    end = to_day_numbers(ties["end"])
    return (start <= day) & (day < end)


# ------------------------------------------------------------- input conformance


def _conform(frame: pd.DataFrame, fixed: tuple[str, ...], normalise, what: str) -> pd.DataFrame:
    """Return ``frame`` in canonical dtypes (normalising only when it is not already)."""
    if not isinstance(frame, pd.DataFrame):
        raise StoreError(f"The {what} table is not a pandas DataFrame")
    missing = [c for c in fixed if c not in frame.columns]
    if missing:
        raise StoreError(f"The {what} table has no column{_s(len(missing))} {', '.join(missing)}")
    if frame.columns.duplicated().any() or not all(isinstance(c, str) for c in frame.columns):
        raise StoreError(f"The {what} table's column names must be distinct strings")
    if not _canonical(frame):
        frame = normalise(frame)
    front = list(fixed) + _extra(frame, fixed)
    return frame[front].reset_index(drop=True)


def _canonical(frame: pd.DataFrame) -> bool:
    for col in frame.columns:
        dtype = frame[col].dtype
        if col in _BOOL:
            ok = dtype == np.dtype(bool)
        elif col in _DATES:
            ok = dtype == DATE_DTYPE
        elif col == "circle":
            ok = dtype == np.int8
        else:
            ok = dtype == np.dtype(object) and pd.api.types.infer_dtype(frame[col], skipna=False) in (
                "string", "empty")
        if not ok:
            return False
    return True


# ------------------------------------------------------------------- the file


class _transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; ``ROLLBACK`` on any exception.

    SQLite errors become :class:`StoreError`; any other exception (a failing progress
    callback, a bad plan) propagates unchanged after the rollback.
    """

    def __init__(self, db: sqlite3.Connection, path: str | None) -> None:
        self.db, self.path = db, path

    def __enter__(self) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise StoreError(f"Cannot write the store file {self.path}: {err}") from err

    def __exit__(self, kind, err, tb) -> bool:
        if err is None:
            try:
                self.db.execute("COMMIT")
                return False
            except sqlite3.Error as commit_err:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise StoreError(f"Cannot write the store file {self.path}: {commit_err}"
                                 ) from commit_err
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        if isinstance(err, sqlite3.Error):
            raise StoreError(f"Cannot write the store file {self.path}: {err}") from err
        return False


def _open_database(path: str) -> sqlite3.Connection:
    """Open (or create) a lacgraph store file, checking it is one."""
    try:
        if not os.path.exists(path):  # a new file holds personal data: owner only
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except (OSError, sqlite3.Error) as err:
        raise StoreError(f"Cannot open the store file {path}: {err}") from err
    try:
        _check_or_create(db, path)
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            raise StoreError(f"Cannot use write-ahead logging for {path} (got {mode!r})")
        db.execute("PRAGMA secure_delete = ON")
        db.execute("PRAGMA cache_size = -65536")  # 64 MiB: bulk upserts touch many pages
    except sqlite3.DatabaseError as err:
        db.close()
        raise StoreError(f"{path} is not a lacgraph store: {err}") from err
    except BaseException:
        db.close()
        raise
    return db


def _check_or_create(db: sqlite3.Connection, path: str) -> None:
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not names:
        with _transaction(db, path):
            for statement in filter(str.strip, _SCHEMA.split(";")):
                db.execute(statement)
            db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
                ("application", APPLICATION), ("schema_version", str(SCHEMA_VERSION)),
                ("node_columns", "[]"), ("tie_columns", "[]"),
            ])
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        return
    if "meta" not in names:
        raise StoreError(f"{path} is an SQLite database but not a lacgraph store "
                         "(it has no lacgraph meta table)")
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("application") != APPLICATION:
        raise StoreError(f"{path} is an SQLite database but not a lacgraph store "
                         f"(application {meta.get('application')!r})")
    version = meta.get("schema_version", "")
    if version != str(SCHEMA_VERSION):
        raise StoreError(f"{path} is a lacgraph store with schema version {version!r}; "
                         f"this lacgraph reads version {SCHEMA_VERSION}")


def _set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


def _load(db: sqlite3.Connection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the whole file into canonical, sorted tables."""
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    rows = db.execute("SELECT id, type, label, neighbourhood, supported, introduced_on, "
                      "coordinator, attrs FROM nodes").fetchall()
    nodes = _frame(rows, NODE_COLUMNS, json.loads(meta.get("node_columns", "[]")))
    rows = db.execute('SELECT source, target, kind, start, "end", circle, reciprocal, '
                      "brokered_by, attrs FROM ties").fetchall()
    ties = _frame(rows, TIE_COLUMNS, json.loads(meta.get("tie_columns", "[]")))
    return (nodes.sort_values("id", kind="stable", ignore_index=True),
            ties.sort_values(_TIE_SORT, kind="stable", ignore_index=True))


def _frame(rows: list[tuple], fixed: tuple[str, ...], extra: list[str]) -> pd.DataFrame:
    columns = list(zip(*rows, strict=True)) if rows else [()] * (len(fixed) + 1)
    data: dict[str, np.ndarray] = {}
    for col, values in zip(fixed, columns, strict=False):
        if col in _BOOL:
            data[col] = np.array(values, dtype=bool)
        elif col in _DATES:
            data[col] = np.array(values, dtype=DATE_DTYPE)
        elif col == "circle":
            data[col] = np.array(values, dtype=np.int8)
        else:
            data[col] = np.array(values, dtype=object)
    attrs = [json.loads(a) if a != "{}" else None for a in columns[-1]]
    names = list(extra) + sorted({k for a in attrs if a for k in a} - set(extra))
    for col in names:
        data[col] = np.array(["" if a is None else a.get(col, "") for a in attrs], dtype=object)
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    text = [c for c in frame.columns if c not in _BOOL and c not in _DATES and c != "circle"]
    return frame.astype(dict.fromkeys(text, object))


def _node_rows(nodes: pd.DataFrame) -> list[tuple]:
    extra = _extra(nodes, NODE_COLUMNS)
    return list(zip(
        nodes["id"], nodes["type"], nodes["label"], nodes["neighbourhood"],
        nodes["supported"].astype(int).tolist(), _iso_list(nodes["introduced_on"]),
        nodes["coordinator"], _attrs(nodes, extra), strict=True))


def _tie_rows(ties: pd.DataFrame) -> list[tuple]:
    extra = _extra(ties, TIE_COLUMNS)
    source = ties["source"].to_numpy(object)
    target = ties["target"].to_numpy(object)
    swap = np.asarray(source > target, dtype=bool) if len(ties) else np.zeros(0, bool)
    return list(zip(
        np.where(swap, target, source).tolist(), np.where(swap, source, target).tolist(),
        ties["kind"], _iso_list(ties["start"]), source.tolist(), target.tolist(),
        _iso_list(ties["end"]), ties["circle"].astype(int).tolist(),
        ties["reciprocal"].astype(int).tolist(), ties["brokered_by"], _attrs(ties, extra),
        strict=True))


def _iso_list(dates: pd.Series) -> list[str | None]:
    values = dates.to_numpy("datetime64[s]").astype("datetime64[D]")
    text = np.datetime_as_string(values).astype(object)
    text[np.isnat(values)] = None
    return text.tolist()


def _attrs(frame: pd.DataFrame, extra: list[str]) -> list[str]:
    if not extra:
        return ["{}"] * len(frame)
    cols = [frame[c].tolist() for c in extra]
    return [json.dumps({k: v for k, v in zip(extra, vals, strict=True) if v != ""},
                       sort_keys=True, ensure_ascii=False)
            for vals in zip(*cols, strict=True)]


# ------------------------------------------------------------------ small bits


def _batches(total: int, size: int) -> Iterator[int]:
    for start in range(0, total, size):
        yield min(size, total - start)


def _call(progress: Progress | None, n: int) -> None:
    if progress is not None:
        progress(n)


def _iso(seconds: object) -> str:
    return str(np.datetime64(int(seconds), "s").astype("datetime64[D]"))


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _few(values: list[str], limit: int = 5) -> str:
    """Join the first ``limit`` of ``values`` (already formatted) for an error message."""
    shown = ", ".join(values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")
