"""The Neo4j store: a programme's network in Neo4j 5 (or later), over Bolt.

:class:`Neo4jStore` implements :class:`~lacgraph.stores.base.Store` with the official
``neo4j`` Python driver and gives exactly the answers of the memory store.

Schema
    Every node has the label ``LacNode`` (its ``id`` unique: constraint
    ``lacgraph_node_id``, created by the first write) and one label per node type
    (``Person``, ``Group``, ``Service``, ``Coordinator``, ``Family``). Every tie is one
    relationship, stored from its lower to its higher id, whose type is its kind in
    capitals (``FRIEND``, ``HOUSEHOLD``, ...). Labels and types come only from the
    allowlist in :mod:`lacgraph.model`; every value travels as a parameter. Dates are ISO
    strings (``"2024-06-01"``) and compared as strings; an empty value is an absent
    property. One ``LacgraphMeta`` node holds the schema version and the order of extra
    columns.

Writes: all or nothing
    A write reads what the database holds and plans the whole merge in memory
    (:mod:`lacgraph.stores._merge`): every check runs before the first statement. Only
    added or changed rows are sent, as ``UNWIND $rows`` batches of :data:`BATCH_SIZE`.

    * Up to :data:`SINGLE_TRANSACTION_ROWS` rows to send: **one transaction**. If
      anything fails (the connection, the server, ``progress``), Neo4j rolls it back.
    * Beyond that: a **staged write**. New nodes are first created with the label
      ``LacStaged`` instead of ``LacNode``, and new ties touching them are created too,
      batch by batch (one transaction each, :attr:`stage_workers` at once, rows as
      columns: :mod:`lacgraph.stores._neo4j_stage`). No read sees them: every read
      matches ``LacNode`` at both ends (whole-graph reads scan relationships only when
      the counts store shows that every one joins two ``LacNode`` nodes, which a staged
      tie breaks). Then **one transaction** makes the load visible all at
      once: it writes the rows that touch visible data only (changed nodes and ties, new
      ties between two visible nodes) and relabels every staged node ``LacNode``. If the
      load stops before that transaction commits, the database reads exactly as before;
      the next write deletes what was staged and starts again.

    One writer at a time: a staged write deletes any staged nodes it finds first.

Parts
    This module holds what the store keeps and answers (the schema, merges, erasure,
    reads); the driver, sessions and error messages are :mod:`lacgraph.stores._neo4j_bolt`,
    sending a planned write in batches is :mod:`lacgraph.stores._neo4j_write`, reading
    every node and the ties of a query (in one transaction or in parallel)
    :mod:`lacgraph.stores._neo4j_read` and the erasure and version statements
    :mod:`lacgraph.stores._neo4j_rights`.

Examples
--------
>>> Neo4jStore("bolt://127.0.0.1:1", connection_timeout=0.5)
Traceback (most recent call last):
...
lacgraph.errors.StoreUnavailable: Cannot reach the graph database at bolt://127.0.0.1:1: ...
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from lacgraph.errors import NotFound, StoreError, StoreUnavailable
from lacgraph.queries import cypher
from lacgraph.stores import _merge
from lacgraph.stores import _neo4j_guard as guarding
from lacgraph.stores import _neo4j_rights as rights
from lacgraph.stores._graph_rows import (
    KIND_TYPE,
    META_LABEL,
    NODE_LABEL,
    STAGED_LABEL,
    Statement,
    node_rows,
    nodes_frame,
    tie_rows,
    ties_frame,
)
from lacgraph.stores._merge import conform, conform_tables, tie_keys
from lacgraph.stores._neo4j_read import READ_META, GraphReads
from lacgraph.stores._neo4j_write import MERGE_NODES, MERGE_TIES, BatchedWrites
from lacgraph.stores.base import Erasure, LoadSummary, Progress, Store, TieKey
from lacgraph.stores.guard import AuditNote, Guard, LoadCheck, Marks, check
from lacgraph.stores.guard import check as check_guard
from lacgraph.tables import (
    NODE_COLUMNS,
    TIE_COLUMNS,
    DateLike,
    Tables,
    normalise_nodes,
    normalise_ties,
    parse_day,
)

BATCH_SIZE = 10_000
"""Input rows per ``UNWIND`` batch (and per ``progress`` call)."""
SINGLE_TRANSACTION_ROWS = 100_000
"""Largest number of rows (nodes and ties to add or change) written in one transaction;
beyond it a write is staged and made visible by one final transaction."""
STAGE_WORKERS = 2
"""Staged batches written at once (each in its own transaction)."""
PARALLEL_READ_TIES = 50_000
"""Ties from which a whole-graph read runs as three transactions at once."""
SCHEMA_VERSION = 1

DELETE_TIES: dict[str, str] = {
    k: (f"UNWIND $rows AS r MATCH (a:{NODE_LABEL} {{id: r.lo}})-[t:{rel}]->"
        f"(b:{NODE_LABEL} {{id: r.hi}}) WHERE t.start = r.p.start DELETE t")
    for k, rel in KIND_TYPE.items()
}
"""Delete ties by key (the rows of :func:`tie_rows` of the stored ties)."""
COUNT_STAGED = f"MATCH (n:{STAGED_LABEL}) RETURN count(n)"
NODE_BY_ID = f"MATCH (n:{NODE_LABEL} {{id: $id}}) RETURN labels(n) AS labels, properties(n) AS node"
ERASE_NODE = f"MATCH (n:{NODE_LABEL} {{id: $id}}) DETACH DELETE n"
WRITE_META = (f"MERGE (m:{META_LABEL} {{name: 'lacgraph'}}) SET m.schema_version = $version, "
              "m.node_columns = $node_columns, m.tie_columns = $tie_columns")
UNIQUE_ID = (f"CREATE CONSTRAINT lacgraph_node_id IF NOT EXISTS "
             f"FOR (n:{NODE_LABEL}) REQUIRE n.id IS UNIQUE")
OLD_STAGED_ID = "DROP INDEX lacgraph_staged_id IF EXISTS"  # staged ends go by element id now
AWAIT_INDEXES = "CALL db.awaitIndexes(300)"


class Neo4jStore(BatchedWrites, GraphReads, Store):
    """A programme's network in Neo4j 5 or later, read and written over Bolt.

    Parameters
    ----------
    uri : str
        ``bolt://host:port`` (one server) or ``neo4j://host:port`` (routing: a cluster
        or a single server); ``+s``/``+ssc`` for TLS.
    user : str, optional
        The user name (``neo4j`` by default).
    password : str, optional
        The password. ``None`` or ``""`` connects without authentication.
    database : str, optional
        The database; the server's default when ``None``.
    batch_size : int, optional
        Input rows per ``UNWIND`` batch and per ``progress`` call (:data:`BATCH_SIZE`).
    single_transaction_rows : int, optional
        Rows to add or change beyond which a write is staged
        (:data:`SINGLE_TRANSACTION_ROWS`; see the module notes).
    connection_timeout : float, optional
        Seconds to wait for a connection.
    stage_workers : int, optional
        Staged batches written at once, each in its own transaction and session
        (:data:`STAGE_WORKERS`; staged rows are invisible until published, so their
        order does not matter).
    parallel_read_ties : int, optional
        Ties from which whole-graph reads run as three transactions at once
        (:data:`PARALLEL_READ_TIES`).
    retry_time : float, optional
        Seconds for which a query on the open store is retried after a transient error
        (such as a lost connection) before it fails.

    Raises
    ------
    StoreUnavailable
        When the server cannot be reached or refuses the login.
    StoreError
        When the database does not exist, the server is not Neo4j 5 or later, or the
        database holds a lacgraph schema of another version.
    """

    def __init__(self, uri: str, *, user: str = "neo4j", password: str | None = None,
                 database: str | None = None, batch_size: int | None = None,
                 single_transaction_rows: int | None = None,
                 connection_timeout: float = 10.0, stage_workers: int = 0,
                 retry_time: float = 15.0, parallel_read_ties: int | None = None) -> None:
        if batch_size is not None and batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.batch_size = batch_size or BATCH_SIZE
        self.stage_workers = stage_workers or STAGE_WORKERS
        self.parallel_read_ties = (PARALLEL_READ_TIES if parallel_read_ties is None
                                   else parallel_read_ties)
        self.single_transaction_rows = (SINGLE_TRANSACTION_ROWS if single_transaction_rows
                                        is None else single_transaction_rows)
        self._schema_ready = False
        self._connect(uri, user=user, password=password, database=database,
                      connection_timeout=connection_timeout, retry_time=retry_time)
        try:
            self.server = self._detect()
            self._check_schema_version()
        except BaseException:
            self._driver.close()
            raise

    def __repr__(self) -> str:
        where = self.uri + (f" database {self.database!r}" if self.database else "")
        return f"<Neo4jStore {where}: {self.server}>"

    # ------------------------------------------------------------- opening

    def _check_schema_version(self) -> None:
        meta = self.run(READ_META)
        if meta and meta[0][0] != SCHEMA_VERSION:
            raise StoreError(f"The database at {self.uri} holds a lacgraph schema of "
                             f"version {meta[0][0]!r}; this lacgraph reads {SCHEMA_VERSION}")

    def _ensure_schema(self) -> None:
        """Create the id constraint (first write only); drop the staging index of
        earlier versions (staged ends are found by element id)."""
        if self._schema_ready:
            return
        self.run(UNIQUE_ID, write=True)
        self.run(guarding.UNIQUE_TOKEN, write=True)
        self.run(OLD_STAGED_ID, write=True)
        self.run(AWAIT_INDEXES, autocommit=True)
        self._schema_ready = True

    def _meta_statement(self, plan: _merge.Plan) -> Statement:
        return (WRITE_META, {"version": SCHEMA_VERSION,
                             "node_columns": json.dumps(plan.node_columns, ensure_ascii=False),
                             "tie_columns": json.dumps(plan.tie_columns, ensure_ascii=False)})

    # ------------------------------------------------------------------ writes

    def write(self, tables: Tables, *, progress: Progress | None = None,
              check: LoadCheck | None = None) -> LoadSummary:
        """Upsert ``tables``, all or nothing (see the module notes).

        Same semantics as :meth:`lacgraph.stores.MemoryStore.write`. ``progress`` is
        called after each batch with the number of input rows it handled; if it raises,
        the write stops and nothing of it is visible. ``check`` runs again in the
        transaction that makes the write visible, after taking the meta node's lock (see
        :meth:`lacgraph.stores.Store.write`): an erasure or merge committed after the
        write was planned refuses it.

        Raises
        ------
        StoreError
            The tables are inconsistent, or the server refused a statement: nothing of
            this write is visible.
        StoreUnavailable
            The connection failed: nothing of this write is visible; write again.
        """
        return self._apply(tables, progress, replace=False, check=check)

    def replace(self, tables: Tables, *, progress: Progress | None = None,
                check: LoadCheck | None = None) -> LoadSummary:
        """Make the database hold exactly ``tables``, all or nothing (see
        :meth:`lacgraph.stores.Store.replace`): the removals travel in the transaction
        that makes the write visible (``check`` as for :meth:`write`)."""
        return self._apply(tables, progress, replace=True, check=check)

    def _apply(self, tables: Tables, progress: Progress | None, *, replace: bool,
               check: LoadCheck | None = None) -> LoadSummary:
        nodes, ties = conform_tables(tables)
        with self._lock:
            self._ensure_schema()
            verify = None
            if check is not None:
                if check.fingerprint:  # refused before anything is staged
                    self.check_key(check.fingerprint)
                given = Tables(nodes, ties)
                nodes, ties = conform_tables(check.apply(given, self._marks()))
                verify = self._verifier(check, given, Tables(nodes, ties))
            current, old_columns = self._read_all()
            plan, removals = _planned(current, nodes, ties, replace)
            meta = ([] if (plan.node_columns, plan.tie_columns) == old_columns
                     else [self._meta_statement(plan)])
            meta = removals + meta
            if plan.summary.changed_anything:  # the data version, in the same transaction
                meta.append(rights.bump(SCHEMA_VERSION))
            rows = len(plan.nodes_to_write) + len(plan.ties_to_write)
            try:
                if rows <= self.single_transaction_rows:
                    self._write_at_once(plan, len(nodes), len(ties), meta, progress,
                                        verify=verify)
                else:
                    self._write_staged(plan, pd.Index(current.nodes["id"]), len(nodes),
                                       len(ties), meta, progress, verify=verify)
            except StoreUnavailable as err:
                raise StoreUnavailable(f"{err}. The load stopped before it was complete and "
                                       "nothing of it is visible: load again") from err
        return plan.summary

    def _marks(self) -> Marks:
        """The tombstones and merged ids as stored now."""
        return self._session_call(lambda s: s.execute_read(guarding.marks))

    def _verifier(self, check: LoadCheck, given: Tables, planned: Tables
                  ) -> Callable[[Any], None]:
        """The check a load makes in the transaction that makes it visible: the meta
        node's lock first (erasures and merges take it too), then the key and the marks
        as they are now must give the tables that were planned."""
        def verify(tx: Any) -> None:
            tx.run(guarding.LOCK_META, {"version": SCHEMA_VERSION}).consume()
            if check.fingerprint:
                guarding.check_key(tx, self.uri, check.fingerprint)
            again = Tables(*conform_tables(check.apply(given, guarding.marks(tx))))
            if not (again.nodes.equals(planned.nodes) and again.ties.equals(planned.ties)):
                raise StoreError("While this load ran, a person it holds was erased or "
                                 "merged into another: nothing of it was written. Load "
                                 "again to see which.")

        return verify

    def record_change(self, tables: Tables, remove: Sequence[TieKey] = (), *,
                      guard: Guard | None = None) -> LoadSummary:
        """Delete the ties keyed by ``remove``, then upsert ``tables``: one change a
        coordinator made, in one write transaction (deletions first, so a corrected tie
        that keeps its key is written afresh) that first locks the meta node, then reads
        what is stored and checks ``guard`` against it. See
        :meth:`lacgraph.stores.Store.record_change`."""
        nodes = conform(tables.nodes, NODE_COLUMNS, normalise_nodes, "nodes")
        ties = conform(tables.ties, TIE_COLUMNS, normalise_ties, "ties")

        def change(tx: Any, current: Tables, old_columns: tuple) -> _merge.Plan:
            check(guard, current.nodes, current.ties)
            kept = _merge.drop_ties(current.ties, remove)
            gone = current.ties[~tie_keys(current.ties).isin(tie_keys(kept))]
            plan = _merge.plan(current.nodes, kept, nodes, ties)
            deletions: list[Statement] = [
                (DELETE_TIES[kind], {"rows": [row]})
                for row, kind in zip(tie_rows(gone), gone["kind"], strict=True)]
            guarding.apply(tx, guard)
            self._run_in(tx, deletions + self._plan_statements(plan, len(nodes), len(ties),
                                                                 old_columns))
            return plan

        return self._locked(change).summary

    def update(self, change: Callable[[Tables], Tables], *, guard: Guard | None = None,
               replace: bool = False, merged: Mapping[str, str] | None = None,
               check: LoadCheck | None = None) -> LoadSummary:
        """Upsert ``change(current)``, ``current`` read inside the one write transaction
        (after locking the meta node), so nothing another writer committed meanwhile is
        undone; with ``replace``, hold exactly ``change(current)`` (the removals in the
        same transaction); ``check`` (the key on the locked meta node, the marks read in
        the transaction) applied to ``change(current)``. See
        :meth:`lacgraph.stores.Store.update`."""
        def work(tx: Any, current: Tables, old_columns: tuple) -> _merge.Plan:
            check_guard(guard, current.nodes, current.ties)
            tables = change(current)
            nodes = conform(tables.nodes, NODE_COLUMNS, normalise_nodes, "nodes")
            ties = conform(tables.ties, TIE_COLUMNS, normalise_ties, "ties")
            if check is not None:
                if check.fingerprint:
                    guarding.check_key(tx, self.uri, check.fingerprint)
                nodes, ties = conform_tables(check.apply(Tables(nodes, ties),
                                                         guarding.marks(tx)))
            plan, removals = _planned(current, nodes, ties, replace)
            guarding.apply(tx, guard)
            self._run_in(tx, removals + self._plan_statements(plan, len(nodes), len(ties),
                                                              old_columns))
            guarding.record_merged(tx, merged or {})
            return plan

        return self._locked(work).summary

    def _locked(self, work: Callable[[Any, Tables, tuple], Any]) -> Any:
        """One write transaction: count the change on the meta node first (its write lock
        makes writers go one at a time), read everything, then ``work(tx, tables,
        columns)``. Retried as a whole on a transient error (e.g. a deadlock)."""
        def transaction(tx: Any) -> Any:
            tx.run(*rights.bump(SCHEMA_VERSION)).consume()
            current, old_columns = self._read_in(tx, cypher.ALL_TIES, cypher.ALL_TIES_SCAN)
            return work(tx, current, old_columns)

        with self._lock:
            self._ensure_schema()
            return self._session_call(lambda s: s.execute_write(transaction))

    @staticmethod
    def _run_in(tx: Any, statements: list[Statement]) -> None:
        for query, params in statements:
            tx.run(query, params).consume()

    def _plan_statements(self, plan: _merge.Plan, n_nodes: int, n_ties: int,
                         old_columns: tuple) -> list[Statement]:
        """The statements writing ``plan`` (and the meta node when its columns changed)."""
        statements: list[Statement] = []
        for batch, _ in [
            *self._batches(node_rows(plan.nodes_to_write), plan.node_positions, n_nodes,
                           MERGE_NODES, plan.nodes_to_write["type"].to_numpy(object)),
            *self._batches(tie_rows(plan.ties_to_write), plan.tie_positions, n_ties,
                           MERGE_TIES, plan.ties_to_write["kind"].to_numpy(object))]:
            statements += batch
        if (plan.node_columns, plan.tie_columns) != old_columns:
            statements.append(self._meta_statement(plan))
        return statements

    def pending_audit(self) -> list[AuditNote]:
        """The audit rows kept with changes and not yet delivered (oldest first)."""
        with self._lock:
            return guarding.pending(self.run(guarding.PENDING))

    def audit_delivered(self, ids: Sequence[str]) -> None:
        """Forget the kept audit rows ``ids`` (the audit log holds them)."""
        with self._lock:
            self.run(guarding.DELIVERED, {"ids": list(ids)}, write=True)

    def check_key(self, fingerprint: str) -> None:
        """Keep the pseudonym key's fingerprint at first use; refuse another key."""
        def work(tx: Any) -> None:
            tx.run(*rights.bump(SCHEMA_VERSION)).consume()  # creates and locks the meta node
            guarding.check_key(tx, self.uri, fingerprint)

        with self._lock:
            self._session_call(lambda s: s.execute_write(work))

    def staged_nodes(self) -> int:
        """How many staged nodes (of a write that did not finish) the database holds."""
        with self._lock:
            return int(self.run(COUNT_STAGED)[0][0])

    def erase_person(self, person: str, *, tombstone: str | None = None,
                     also: frozenset[str] = frozenset()) -> Erasure:
        """Erase ``person`` in one transaction: ``DETACH DELETE`` the node (every tie
        touching it), remove the ``coordinator`` and ``brokered_by`` references to it,
        keep the keyed ``tombstone`` and count one more change.

        Neo4j keeps deleted records in its store files until it reuses the space;
        :attr:`Erasure.remaining` says so.

        Raises
        ------
        NotFound
            When ``person`` is not a node.
        """
        with self._lock:
            if not isinstance(person, str) or not self.run(NODE_BY_ID, {"id": person}):
                raise NotFound(f"No node with id {person!r}")
            rows = self.transaction(rights.erase_statements(person, tombstone, SCHEMA_VERSION,
                                                            also), write=True)
        return Erasure(ties_removed=int(rows[1][0][0]),
                       references_cleared=int(rows[3][0][0]) + int(rows[4][0][0]))

    def tombstones(self) -> frozenset[str]:
        """The keyed hashes of every erased id (see :mod:`lacgraph.rights.erasure`)."""
        with self._lock:
            return frozenset(str(r[0]) for r in self.run(rights.TOMBSTONES))

    def merged(self) -> dict[str, str]:
        """The ids merged into another (dropped id -> kept id)."""
        with self._lock:
            return {str(d): str(k) for d, k in self.run(guarding.MERGED)}

    def data_version(self) -> str:
        """The change counter kept on the meta node (see :meth:`Store.data_version`)."""
        with self._lock:
            return str(self.run(rights.READ_VERSION)[0][0])

    def close(self) -> None:
        """Close the driver. Closing twice is harmless."""
        with self._lock:
            if not self._closed:
                self._driver.close()
                self._closed = True

    # ------------------------------------------------------------------- reads

    def read(self) -> Tables:
        """Return every node and tie, sorted, in the canonical dtypes."""
        with self._lock:
            return self._read_all()[0]

    def snapshot(self, at: DateLike) -> Tables:
        """Return every node and the ties active at ``at`` (query ``SNAPSHOT_TIES``)."""
        day = _iso_day(at)
        with self._lock:
            return self._read_all(cypher.SNAPSHOT_TIES, cypher.SNAPSHOT_TIES_SCAN, at=day)[0]

    def ego(self, person: str, at: DateLike) -> Tables:
        """Return ``person``, its alters at ``at`` and the active ties among them (query ``EGO``).

        Raises
        ------
        NotFound
            When ``person`` is not a node.
        """
        day = _iso_day(at)
        if not isinstance(person, str):
            raise NotFound(f"No node with id {person!r}")
        with self._lock:
            found_rows = self.run(cypher.EGO, {"person": person, "at": day})
        if not found_rows:
            raise NotFound(f"No node with id {person!r}")
        labels, node, rows, node_columns, tie_columns = found_rows[0]
        node_extra = json.loads(node_columns or "[]")
        tie_extra = json.loads(tie_columns or "[]")
        found: dict[str, list[Any]] = {person: [labels, node]}
        for _, _, x_labels, x, y_labels, y in rows:
            found.setdefault(x["id"], [x_labels, x])
            found.setdefault(y["id"], [y_labels, y])
        nodes = nodes_frame(list(found.values()), node_extra)
        ties = ties_frame([row[:2] for row in rows], tie_extra)
        return Tables(nodes, ties)

    # --------------------------------------------------------------- questions

    def ties_changed(self, since: DateLike, at: DateLike, person: str | None = None
                     ) -> pd.DataFrame:
        """Ties begun or ended in ``(since, at]`` (query ``TIES_CHANGED``).

        Twin of :func:`lacgraph.queries.memory.ties_changed`.
        """
        params = {"since": _iso_day(since), "at": _iso_day(at), "person": person}
        with self._lock:
            _, tie_extra, (rows,) = self._read_with_meta([(cypher.TIES_CHANGED, params)])
        return ties_frame(rows, tie_extra or [])

    def people_by_neighbourhood(self, neighbourhood: str) -> pd.DataFrame:
        """The people of ``neighbourhood`` (query ``PEOPLE_BY_NEIGHBOURHOOD``).

        Twin of :func:`lacgraph.queries.memory.people_by_neighbourhood`.
        """
        with self._lock:
            node_extra, _, (rows,) = self._read_with_meta(
                [(cypher.PEOPLE_BY_NEIGHBOURHOOD, {"neighbourhood": neighbourhood})])
        return nodes_frame(rows, node_extra or [])


# ------------------------------------------------------------------ small bits


def _iso_day(at: DateLike) -> str:
    return str(parse_day(at))


def _planned(current: Tables, nodes: pd.DataFrame, ties: pd.DataFrame, replace: bool
             ) -> tuple[_merge.Plan, list[Statement]]:
    """What a write of ``nodes`` and ``ties`` over ``current`` changes, and (replacing)
    the statements that remove what the new tables no longer hold."""
    if not replace:
        return _merge.plan(current.nodes, current.ties, nodes, ties), []
    replacement = _merge.plan_replace(current.nodes, current.ties, nodes, ties)
    return replacement.plan, rights.removal_statements(replacement.removed_nodes,
                                                       replacement.removed_ties)
