"""The Neo4j store: a programme's network in a graph database, over Bolt.

:class:`Neo4jStore` implements :class:`~lacgraph.stores.base.Store` with the official
``neo4j`` Python driver and gives exactly the answers of the memory store.

Schema
    Every node has the label ``LacNode`` (its ``id`` is indexed, or unique where the
    server supports a constraint) and one label per node type (``Person``, ``Group``,
    ``Service``, ``Coordinator``, ``Family``). Every tie is one relationship, stored from
    its lower to its higher id, whose type is its kind in capitals (``FRIEND``,
    ``HOUSEHOLD``, ...). Labels and types come only from the allowlist in
    :mod:`lacgraph.model`; every value travels as a parameter. Dates are ISO strings
    (``"2024-06-01"``) and compared as strings; an empty value is an absent property.
    One ``LacgraphMeta`` node holds the schema version and the order of extra columns.

Writes
    A write first reads what the database holds and plans the whole merge in memory
    (:mod:`lacgraph.stores._merge`): every check runs before the first statement, so a
    rejected write changes nothing, even on a server that does not honour rollback.
    Only added or changed rows are sent, as ``UNWIND $rows`` ``MERGE`` batches in managed
    write transactions (``session.execute_write``), so a retried transaction or a
    second load changes nothing. A write of many batches is not one transaction: if the
    connection drops half-way, the rows already sent stay, and writing again finishes it.

Servers
    On opening, ``CALL dbms.components()`` tells a Neo4j server (uniqueness constraint
    on ``LacNode.id``, batches of :data:`NEO4J_BATCH_SIZE` rows) from other Bolt servers
    such as FalkorDB, which answer ``Neo4j/5.13.0`` as their agent but fail that call
    (a plain index on ``LacNode.id``, batches of :data:`PORTABLE_BATCH_SIZE` rows and no
    request over :data:`PORTABLE_MAX_REQUEST_BYTES`: FalkorDB 4.16's Bolt endpoint
    crashes on a request over about 4 KB). :attr:`Neo4jStore.server` says what was found.

Examples
--------
>>> Neo4jStore("bolt://127.0.0.1:1", connection_timeout=0.5)
Traceback (most recent call last):
...
lacgraph.errors.StoreUnavailable: Cannot reach the graph database at bolt://127.0.0.1:1: ...
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

import numpy as np
import pandas as pd

from lacgraph.errors import NotFound, StoreError, StoreUnavailable
from lacgraph.queries import cypher
from lacgraph.stores import _merge
from lacgraph.stores._falkordb import absorb_stale_connection, refuse_padded_ids, spliceable
from lacgraph.stores._graph_rows import (
    KIND_TYPE,
    TYPE_LABEL,
    node_rows,
    nodes_frame,
    tie_rows,
    ties_frame,
)
from lacgraph.stores._merge import conform, extra_columns, tie_keys
from lacgraph.stores.base import Erasure, LoadSummary, Progress, Store, TieKey
from lacgraph.tables import (
    NODE_COLUMNS,
    TIE_COLUMNS,
    DateLike,
    Tables,
    normalise_nodes,
    normalise_ties,
    parse_day,
)

NEO4J_BATCH_SIZE = 2000
"""Rows per write batch on a Neo4j server."""
PORTABLE_BATCH_SIZE = 40
"""Rows per write batch on another Bolt server (FalkorDB)."""
PORTABLE_MAX_REQUEST_BYTES = 3500
"""Largest request sent to a Bolt server that is not Neo4j (FalkorDB crashes above ~4 KB)."""
SCHEMA_VERSION = 1

NODE_LABEL = "LacNode"
META_LABEL = "LacgraphMeta"
_ALL_TYPE_LABELS = ":".join(TYPE_LABEL.values())

# Write statements: one per allowlisted label or type, built here from the allowlist only.
MERGE_NODES: dict[str, str] = {
    t: (f"UNWIND $rows AS r MERGE (n:{NODE_LABEL} {{id: r.id}}) SET n = r "
        f"REMOVE n:{_ALL_TYPE_LABELS} SET n:{label}")
    for t, label in TYPE_LABEL.items()
}
MERGE_TIES: dict[str, str] = {
    k: (f"UNWIND $rows AS r MATCH (a:{NODE_LABEL} {{id: r.lo}}), (b:{NODE_LABEL} {{id: r.hi}}) "
        f"MERGE (a)-[t:{rel} {{start: r.p.start}}]->(b) SET t = r.p")
    for k, rel in KIND_TYPE.items()
}
DELETE_TIES: dict[str, str] = {
    k: (f"UNWIND $rows AS r MATCH (a:{NODE_LABEL} {{id: r.lo}})-[t:{rel}]->"
        f"(b:{NODE_LABEL} {{id: r.hi}}) WHERE t.start = r.p.start DELETE t")
    for k, rel in KIND_TYPE.items()
}
"""Delete ties by key (the rows of :func:`tie_rows` of the stored ties)."""
NODE_BY_ID = f"MATCH (n:{NODE_LABEL} {{id: $id}}) RETURN labels(n) AS labels, properties(n) AS node"
ERASE_NODE = f"MATCH (n:{NODE_LABEL} {{id: $id}}) DETACH DELETE n"
READ_META = (f"MATCH (m:{META_LABEL} {{name: 'lacgraph'}}) "
             "RETURN m.schema_version, m.node_columns, m.tie_columns")
WRITE_META = (f"MERGE (m:{META_LABEL} {{name: 'lacgraph'}}) SET m.schema_version = $version, "
              "m.node_columns = $node_columns, m.tie_columns = $tie_columns")
COMPONENTS = "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"
UNIQUE_ID_5 = (f"CREATE CONSTRAINT lacgraph_node_id IF NOT EXISTS "
               f"FOR (n:{NODE_LABEL}) REQUIRE n.id IS UNIQUE")
UNIQUE_ID_4 = (f"CREATE CONSTRAINT lacgraph_node_id IF NOT EXISTS "
               f"ON (n:{NODE_LABEL}) ASSERT n.id IS UNIQUE")
PORTABLE_INDEX = f"CREATE INDEX FOR (n:{NODE_LABEL}) ON (n.id)"
PORTABLE_INDEXES = "CALL db.indexes() YIELD label, properties RETURN label, properties"

@dataclass(frozen=True)
class Server:
    """What is at the other end of the Bolt connection."""

    agent: str
    """The agent the server announces (FalkorDB announces ``Neo4j/5.13.0`` too)."""
    neo4j: bool
    """Whether ``CALL dbms.components()`` answered as a Neo4j kernel."""
    version: str = ""
    edition: str = ""

    def __str__(self) -> str:
        if self.neo4j:
            return f"Neo4j {self.version} {self.edition}".strip()
        return (f"a Bolt server announcing {self.agent!r} that is not Neo4j "
                "(no dbms.components(); e.g. FalkorDB): portable Cypher only")


class Neo4jStore(Store):
    """A programme's network in Neo4j (or another Bolt server), read and written over Bolt.

    Parameters
    ----------
    uri : str
        ``bolt://host:port`` or ``neo4j://host:port`` (``+s``/``+ssc`` for TLS).
    user : str, optional
        The user name (``neo4j`` by default).
    password : str, optional
        The password. ``None`` or ``""`` connects without authentication.
    database : str, optional
        The database (a graph, on FalkorDB); the server's default when ``None``.
    batch_size : int, optional
        Rows per ``UNWIND`` batch and per ``progress`` call; by default
        :data:`NEO4J_BATCH_SIZE` on Neo4j and :data:`PORTABLE_BATCH_SIZE` elsewhere.
    max_request_bytes : int, optional
        Refuse to send a request larger than this (estimated); batches are split to fit.
        By default unlimited on Neo4j and :data:`PORTABLE_MAX_REQUEST_BYTES` elsewhere.
    connection_timeout : float, optional
        Seconds to wait for a connection.

    Raises
    ------
    StoreUnavailable
        When the server cannot be reached or refuses the credentials.
    StoreError
        When the database holds a lacgraph schema of another version.

    Notes
    -----
    Queries run in managed transactions (``execute_read``/``execute_write``). On a server
    that is not Neo4j a ``database`` is refused: FalkorDB 4.16 runs transactions in its
    default graph whatever database they name (and auto-commit queries did not keep two
    databases apart reliably either). FalkorDB does not honour rollback, which is why
    every check runs before the first write.
    """

    def __init__(self, uri: str, *, user: str = "neo4j", password: str | None = None,
                 database: str | None = None, batch_size: int | None = None,
                 max_request_bytes: int | None = None, connection_timeout: float = 10.0) -> None:
        import neo4j

        if batch_size is not None and batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.uri = uri
        self.database = database or None
        self._lock = threading.RLock()
        self._closed = False
        auth = (user, password) if password else None
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri, auth=auth, connection_timeout=connection_timeout,
                max_transaction_retry_time=15.0)
        except (ValueError, neo4j.exceptions.ConfigurationError) as err:
            raise StoreError(f"{uri} is not a usable Bolt URI: {err}") from err
        try:
            self.server = self._detect()
            self.batch_size = batch_size or (NEO4J_BATCH_SIZE if self.server.neo4j
                                             else PORTABLE_BATCH_SIZE)
            self.max_request_bytes = max_request_bytes or (
                None if self.server.neo4j else PORTABLE_MAX_REQUEST_BYTES)
            if self.database and not self.server.neo4j:
                raise StoreError(
                    f"{self.server} does not keep databases apart over Bolt (FalkorDB "
                    f"writes every transaction to its default graph): leave out "
                    f"--database {self.database!r}")
            self.index = self._ensure_schema()
        except BaseException:
            self._driver.close()
            if getattr(self, "server", None) is not None and not self.server.neo4j:
                absorb_stale_connection(self.uri)
            raise

    def __repr__(self) -> str:
        where = self.uri + (f" database {self.database!r}" if self.database else "")
        return f"<Neo4jStore {where}: {self.server}>"

    # ----------------------------------------------------------------- the seam

    def run(self, query: LiteralString, params: dict[str, Any] | None = None, *,
            write: bool = False) -> list[list[Any]]:
        """Run one parameterised query in a managed transaction; return its rows.

        Every value goes in ``params``; ``query`` is fixed text. The request's size is
        checked against ``max_request_bytes`` before anything is sent.
        """
        params = self._prepare(query, params or {})

        if not self._managed:
            return self._session_call(lambda s: s.run(query, params).values())

        def work(tx: Any) -> list[list[Any]]:
            return tx.run(query, params).values()

        return self._session_call(lambda s: (s.execute_write if write else s.execute_read)(work))

    def _run_many(self, statements: list[tuple[str, dict[str, Any]]]) -> None:
        """Run several write statements in one managed write transaction."""
        statements = [(q, self._prepare(q, p)) for q, p in statements]

        def work(tx: Any) -> None:
            for query, params in statements:
                tx.run(query, params).consume()

        def each(session: Any) -> None:
            for query, params in statements:
                session.run(query, params).consume()

        self._session_call(lambda s: s.execute_write(work) if self._managed else each(s))

    @property
    def refuses_padded_ids(self) -> bool:
        """Whether ids with leading or trailing whitespace are refused (not on Neo4j).

        FalkorDB 4.16's index does not find such ids (``MATCH (n:LacNode {id: ' a'})``
        finds nothing), so ties to them could not be written or read back.
        """
        return self.server is not None and not self.server.neo4j

    @property
    def _managed(self) -> bool:
        """Whether queries run in managed transactions (always, now; see the class notes)."""
        return True

    def _session_call(self, call: Callable[[Any], Any]) -> Any:
        import neo4j.exceptions as ne

        with self._lock:
            if self._closed:
                raise StoreError("The store is closed")
            try:
                with self._driver.session(database=self.database) as session:
                    return call(session)
            except (ne.ServiceUnavailable, ne.SessionExpired, ne.AuthError) as err:
                raise StoreUnavailable(f"Cannot reach the graph database at {self.uri}: "
                                       f"{_message(err)}") from err
            except ne.Neo4jError as err:
                raise StoreError(f"The graph database at {self.uri} refused a query: "
                                 f"{_message(err)}") from err
            except ne.DriverError as err:
                raise StoreError(f"The graph database driver failed: {_message(err)}") from err

    def _prepare(self, query: str, params: dict[str, Any]) -> dict[str, Any]:
        """Escape parameters for a server that splices them; check the request's size."""
        if self.server is not None and not self.server.neo4j:
            params = {name: spliceable(value) for name, value in params.items()}
        self._check_size(query, params)
        return params

    def _check_size(self, query: str, params: dict[str, Any]) -> None:
        if self.max_request_bytes is None:
            return
        size = len(query.encode()) + _size(params)
        if size > self.max_request_bytes:
            raise StoreError(
                f"A request of about {size} bytes is larger than this server accepts "
                f"({self.max_request_bytes}; {self.server}); a value is too long for it")

    # ------------------------------------------------------------- opening

    def _detect(self) -> Server:
        import neo4j.exceptions as ne

        try:
            agent = self._driver.get_server_info().agent
        except (ne.ServiceUnavailable, ne.SessionExpired, ne.AuthError, OSError) as err:
            raise StoreUnavailable(f"Cannot reach the graph database at {self.uri}: "
                                   f"{_message(err)}") from err
        except ne.Neo4jError as err:
            raise StoreUnavailable(f"The graph database at {self.uri} refused the connection "
                                   f"(wrong user or password?): {_message(err)}") from err
        self.max_request_bytes = None
        self.server = None  # type: ignore[assignment]  # not known until detected
        try:
            rows = self.run(COMPONENTS)
        except StoreUnavailable:
            raise
        except StoreError:
            return Server(agent=agent, neo4j=False)
        for name, versions, edition in rows:
            if name == "Neo4j Kernel":
                return Server(agent=agent, neo4j=True, version=str(versions[0]),
                              edition=str(edition))
        return Server(agent=agent, neo4j=False)

    def _ensure_schema(self) -> str:
        """Create the meta node and the id index or constraint; say which."""
        meta = self.run(READ_META)
        if meta:
            version = meta[0][0]
            if version != SCHEMA_VERSION:
                raise StoreError(f"The database at {self.uri} holds a lacgraph schema of "
                                 f"version {version!r}; this lacgraph reads {SCHEMA_VERSION}")
        if self.server.neo4j:
            major = int((self.server.version.split(".") or ["5"])[0] or 5)
            self.run(UNIQUE_ID_5 if major >= 5 else UNIQUE_ID_4, write=True)
            index = "uniqueness constraint lacgraph_node_id on LacNode.id"
        else:
            index = self._portable_index()
        if not meta:
            self._write_meta([], [])
        return index

    def _portable_index(self) -> str:
        """Create a plain index on ``LacNode.id`` unless ``db.indexes()`` lists one."""
        try:
            indexes = self.run(PORTABLE_INDEXES)
        except StoreUnavailable:
            raise
        except StoreError:
            indexes = None
        if indexes is not None and [NODE_LABEL, ["id"]] in [list(r) for r in indexes]:
            return "index on LacNode.id (found by db.indexes())"
        try:
            self.run(PORTABLE_INDEX, write=True)
        except StoreUnavailable:
            raise
        except StoreError:
            return "no index on LacNode.id (the server refused CREATE INDEX)"
        return "index on LacNode.id (created)"

    def _write_meta(self, node_columns: list[str], tie_columns: list[str]) -> None:
        self.run(WRITE_META, {"version": SCHEMA_VERSION,
                              "node_columns": json.dumps(node_columns, ensure_ascii=False),
                              "tie_columns": json.dumps(tie_columns, ensure_ascii=False)},
                 write=True)

    def _meta_columns(self) -> tuple[list[str], list[str]]:
        rows = self.run(READ_META)
        if not rows:
            return [], []
        return json.loads(rows[0][1] or "[]"), json.loads(rows[0][2] or "[]")

    # ------------------------------------------------------------------ writes

    def write(self, tables: Tables, *, progress: Progress | None = None) -> LoadSummary:
        """Upsert ``tables``: checked in full first, then sent in ``UNWIND`` batches.

        Same semantics as :meth:`lacgraph.stores.MemoryStore.write`, except that a load
        of several batches is several transactions: if the connection drops or
        ``progress`` raises half-way, the batches already sent stay (writing the same
        tables again completes the load). ``progress`` is called after each batch with
        the number of input rows handled.

        Raises
        ------
        StoreError
            The tables are inconsistent, or a row is too large for the server: nothing
            is written.
        StoreUnavailable
            The connection failed; batches already sent stay (write again to finish).
        """
        nodes = conform(tables.nodes, NODE_COLUMNS, normalise_nodes, "nodes")
        ties = conform(tables.ties, TIE_COLUMNS, normalise_ties, "ties")
        with self._lock:
            current = self.read()
            plan = _merge.plan(current.nodes, current.ties, nodes, ties)
            if self.refuses_padded_ids:
                refuse_padded_ids(plan.nodes_to_write["id"])
            batches = list(self._node_batches(plan, len(nodes)))
            batches += list(self._tie_batches(plan, len(ties)))
            old_columns = (extra_columns(current.nodes, NODE_COLUMNS),
                           extra_columns(current.ties, TIE_COLUMNS))
            if (plan.node_columns, plan.tie_columns) != old_columns:
                self._write_meta(plan.node_columns, plan.tie_columns)
            for statements, handled in batches:
                if statements:
                    self._run_many(statements)
                if progress is not None:
                    progress(handled)
        return plan.summary

    def _node_batches(self, plan: _merge.Plan, total: int
                      ) -> Iterator[tuple[list[tuple[str, dict[str, Any]]], int]]:
        rows = node_rows(plan.nodes_to_write)
        types = plan.nodes_to_write["type"].tolist()
        yield from self._batches(rows, [MERGE_NODES[t] for t in types], plan.node_positions, total)

    def _tie_batches(self, plan: _merge.Plan, total: int
                     ) -> Iterator[tuple[list[tuple[str, dict[str, Any]]], int]]:
        rows = tie_rows(plan.ties_to_write)
        kinds = plan.ties_to_write["kind"].tolist()
        yield from self._batches(rows, [MERGE_TIES[k] for k in kinds], plan.tie_positions, total)

    def _batches(self, rows: list[dict[str, Any]], queries: list[str], positions: np.ndarray,
                 total: int) -> Iterator[tuple[list[tuple[str, dict[str, Any]]], int]]:
        """Group the rows of each ``batch_size`` slice of the input by statement and size."""
        for start in range(0, total, self.batch_size):
            stop = min(start + self.batch_size, total)
            lo, hi = np.searchsorted(positions, [start, stop])
            by_query: dict[str, list[dict[str, Any]]] = {}
            for i in range(lo, hi):
                by_query.setdefault(queries[i], []).append(rows[i])
            statements = [(q, {"rows": chunk}) for q, group in by_query.items()
                          for chunk in self._fit(q, group)]
            yield statements, stop - start

    def _fit(self, query: str, rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
        """Split ``rows`` so each request stays under ``max_request_bytes``."""
        if self.max_request_bytes is None:
            yield rows
            return
        budget = self.max_request_bytes - len(query.encode()) - 16
        chunk: list[dict[str, Any]] = []
        used = 0
        portable = self.server is not None and not self.server.neo4j
        for row in rows:
            size = _size(spliceable(row) if portable else row) + 1
            if size > budget:
                raise StoreError(
                    f"A row is too large for this server ({size} bytes; at most {budget} fit "
                    f"in one request to {self.server}): {_describe(row)}")
            if chunk and used + size > budget:
                yield chunk
                chunk, used = [], 0
            chunk.append(row)
            used += size
        if chunk:
            yield chunk

    def record_change(self, tables: Tables, remove: Sequence[TieKey] = ()) -> LoadSummary:
        """Delete the ties keyed by ``remove``, then upsert ``tables``: one change a
        coordinator made, sent as one write transaction (``execute_write``) on Neo4j.

        A change is a few rows, so it is one batch; on a server without managed
        transactions (FalkorDB) the statements run one after another.
        """
        nodes = conform(tables.nodes, NODE_COLUMNS, normalise_nodes, "nodes")
        ties = conform(tables.ties, TIE_COLUMNS, normalise_ties, "ties")
        with self._lock:
            current = self.read()
            kept = _merge.drop_ties(current.ties, remove)
            gone = current.ties[~tie_keys(current.ties).isin(tie_keys(kept))]
            plan = _merge.plan(current.nodes, kept, nodes, ties)
            if self.refuses_padded_ids:
                refuse_padded_ids(plan.nodes_to_write["id"])
            statements: list[tuple[str, dict[str, Any]]] = []
            for row, kind in zip(tie_rows(gone), gone["kind"], strict=True):
                statements.append((DELETE_TIES[kind], {"rows": [row]}))
            for batch, _ in [*self._node_batches(plan, len(nodes)),
                             *self._tie_batches(plan, len(ties))]:
                statements += batch
            old_columns = (extra_columns(current.nodes, NODE_COLUMNS),
                           extra_columns(current.ties, TIE_COLUMNS))
            if (plan.node_columns, plan.tie_columns) != old_columns:
                self._write_meta(plan.node_columns, plan.tie_columns)
            if statements:
                self._run_many(statements)
        return plan.summary

    def erase_person(self, person: str, *, tombstone: str | None = None) -> Erasure:
        """Remove a node and every tie touching it (``DETACH DELETE``).

        Raises
        ------
        NotFound
            When ``person`` is not a node.
        """
        with self._lock:
            if not isinstance(person, str) or not self.run(NODE_BY_ID, {"id": person}):
                raise NotFound(f"No node with id {person!r}")
            self.run(ERASE_NODE, {"id": person}, write=True)
        return Erasure()

    def close(self) -> None:
        """Close the driver. Closing twice is harmless."""
        with self._lock:
            if not self._closed:
                self._driver.close()
                self._closed = True
                if not self.server.neo4j:
                    absorb_stale_connection(self.uri)

    # ------------------------------------------------------------------- reads

    def read(self) -> Tables:
        """Return every node and tie, sorted, in the canonical dtypes."""
        with self._lock:
            node_extra, tie_extra = self._meta_columns()
            nodes = nodes_frame(self.run(cypher.ALL_NODES), node_extra)
            ties = ties_frame(self.run(cypher.ALL_TIES), tie_extra)
        return Tables(nodes, ties)

    def snapshot(self, at: DateLike) -> Tables:
        """Return every node and the ties active at ``at`` (query ``SNAPSHOT_TIES``)."""
        day = _iso_day(at)
        with self._lock:
            node_extra, tie_extra = self._meta_columns()
            nodes = nodes_frame(self.run(cypher.ALL_NODES), node_extra)
            ties = ties_frame(self.run(cypher.SNAPSHOT_TIES, {"at": day}), tie_extra)
        return Tables(nodes, ties)

    def ego(self, person: str, at: DateLike) -> Tables:
        """Return ``person``, its alters at ``at`` and the active ties among them (query ``EGO``).

        Raises
        ------
        NotFound
            When ``person`` is not a node.
        """
        day = _iso_day(at)
        with self._lock:
            if not isinstance(person, str):
                raise NotFound(f"No node with id {person!r}")
            own = self.run(NODE_BY_ID, {"id": person})
            if not own:
                raise NotFound(f"No node with id {person!r}")
            node_extra, tie_extra = self._meta_columns()
            rows = self.run(cypher.EGO, {"person": person, "at": day})
        found: dict[str, list[Any]] = {person: own[0]}
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
            _, tie_extra = self._meta_columns()
            return ties_frame(self.run(cypher.TIES_CHANGED, params), tie_extra)

    def people_by_neighbourhood(self, neighbourhood: str) -> pd.DataFrame:
        """The people of ``neighbourhood`` (query ``PEOPLE_BY_NEIGHBOURHOOD``).

        Twin of :func:`lacgraph.queries.memory.people_by_neighbourhood`.
        """
        with self._lock:
            node_extra, _ = self._meta_columns()
            return nodes_frame(self.run(cypher.PEOPLE_BY_NEIGHBOURHOOD,
                                        {"neighbourhood": neighbourhood}), node_extra)


# ------------------------------------------------------------------ small bits


def _iso_day(at: DateLike) -> str:
    return str(parse_day(at))


def _size(value: Any) -> int:
    """An over-estimate of ``value``'s size on the wire (JSON is longer than PackStream)."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def _describe(row: dict[str, Any]) -> str:
    p = row.get("p", row)
    if "source" in p:
        return f"tie {p['source']!r}-{p['target']!r} starting {p['start']}"
    return f"node {str(p.get('id'))[:60]!r}"


def _message(err: BaseException) -> str:
    text = getattr(err, "message", None) or str(err) or type(err).__name__
    return " ".join(str(text).split())[:300]
