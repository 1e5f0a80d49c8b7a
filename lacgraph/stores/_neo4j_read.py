"""Whole-graph reads from Neo4j: in one transaction, or in parallel (the node table and
the ties, in halves).

:class:`GraphReads` reads every node and the ties of one named query
(:mod:`lacgraph.queries.cypher`) with the extra columns the meta node names
(:data:`READ_META`), in one read transaction or, from
:attr:`~GraphReads.parallel_read_ties` ties, as three at once; the Neo4j store's reads and
its write transactions (which read what is stored before they change it) use it.

One read transaction runs on one server thread. A snapshot of a large programme is a
node query and a tie scan; run as three read transactions at once (the nodes, and the
ties of two groups of relationship types of about equal size, from the counts store),
the server uses its cores and the client decodes one answer while the others are
computed. Each transaction also reads the data version and the extra-column order: the
store bumps the version in the same transaction as every change, so equal versions mean
the three answers come from the same data. If they differ (a write landed in between),
the caller reads again in one transaction.

Query texts are the named scan queries with their relationship pattern narrowed to
allowlisted types only (:data:`lacgraph.stores._graph_rows.KIND_TYPE`); every value is a
parameter.

Examples
--------
>>> halves({"FRIEND": 5, "MEMBER": 4, "FAMILY": 2, "PAID": 0})
[['FRIEND'], ['MEMBER', 'FAMILY']]
>>> typed("MATCH ()-[t]->() RETURN count(t)", ["FRIEND", "MEMBER"])
'MATCH ()-[t:FRIEND|MEMBER]->() RETURN count(t)'
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from itertools import chain
from typing import Any, LiteralString

from lacgraph.queries import cypher
from lacgraph.stores import _neo4j_rights as rights
from lacgraph.stores._graph_rows import (
    KIND_TYPE,
    META_LABEL,
    TYPE_LABEL,
    Statement,
    nodes_from_columns,
    ties_from_columns,
)
from lacgraph.stores._neo4j_bolt import BoltClient
from lacgraph.tables import Tables

READ_META = (f"MATCH (m:{META_LABEL} {{name: 'lacgraph'}}) "
             "RETURN m.schema_version, m.node_columns, m.tie_columns")
"""The schema version and the order of the extra node and tie columns (the meta node)."""

ANY_TIE = "MATCH ()-[t]->()"
TYPES: list[str] = list(KIND_TYPE.values())
TYPE_COUNTS: list[Statement] = [(f"MATCH ()-[t:{rel}]->() RETURN count(t)", {})
                                for rel in TYPES]
"""How many relationships of each of :data:`TYPES` there are (counts store, constant time)."""


def halves(counts: dict[str, int]) -> list[list[str]]:
    """Split the relationship types present into two groups of about equal size
    (largest first, each to the smaller group); one group when only one type is present."""
    groups: list[list[str]] = [[], []]
    sizes = [0, 0]
    for rel, n in sorted(counts.items(), key=lambda item: -item[1]):
        if n:
            smaller = sizes.index(min(sizes))
            groups[smaller].append(rel)
            sizes[smaller] += n
    return [g for g in groups if g]


def typed(query: str, types: list[str]) -> str:
    """``query`` (a scan query) reading only relationships of ``types`` (allowlisted)."""
    if ANY_TIE not in query or not set(types) <= set(KIND_TYPE.values()):
        raise ValueError("typed() narrows a scan query to allowlisted relationship types")
    return query.replace(ANY_TIE, f"MATCH ()-[t:{'|'.join(types)}]->()", 1)


def joined(rows: list[list[list[Any]]]) -> list[list[Any]]:
    """The one row of columns of several tie answers, column by column."""
    return [list(chain.from_iterable(parts)) for parts in zip(*rows, strict=True)]


def extras(meta: list[list[Any]]) -> tuple[list[str] | None, list[str] | None]:
    """The extra node and tie columns named by the meta node (None without one)."""
    if not meta:
        return None, None
    return json.loads(meta[0][1] or "[]"), json.loads(meta[0][2] or "[]")


class GraphReads(BoltClient):
    """A Bolt client that reads every node and the ties of one query (see the module notes)."""

    parallel_read_ties: int
    """Ties from which a whole-graph read runs as three transactions at once."""

    def _read_with_meta(self, statements: list[Statement]
                        ) -> tuple[list[str] | None, list[str] | None, list[list[list[Any]]]]:
        """Run read ``statements`` and the meta query in one read transaction.

        The extra columns are ``None`` when the database has no meta node yet.
        """
        meta, *results = self.transaction([(READ_META, {}), *statements])
        return (*extras(meta), results)

    def _read_all(self, ties: LiteralString = cypher.ALL_TIES,
                  scan: LiteralString = cypher.ALL_TIES_SCAN, **params: Any
                  ) -> tuple[Tables, tuple[list[str] | None, list[str] | None]]:
        """Every node, and the ties of query ``ties``, as read by one transaction.

        When every relationship joins two lacgraph nodes (query ``COUNTS``: no staged
        load, nothing else in the database) the ties come from ``scan``, the same query
        by a relationship-store scan, which is several times faster; and from
        :attr:`parallel_read_ties` ties on, the nodes and two halves of the ties are read
        at once (:mod:`lacgraph.stores._neo4j_read`), checked to come from one data
        version.
        """
        meta, version, counts = self.transaction([(READ_META, {}), (rights.READ_VERSION, {}),
                                                  (cypher.COUNTS, {})])
        only_lacgraph, n_ties = counts[0]
        if only_lacgraph and n_ties >= max(1, self.parallel_read_ties):
            tables = self._read_parallel(scan, params, meta, version)
            if tables is not None:
                return tables
        return self._read_serial(ties, scan, **params)

    def _read_parallel(self, scan: str, params: dict[str, Any], meta: list[list[Any]],
                       version: list[list[Any]]
                       ) -> tuple[Tables, tuple[list[str] | None, list[str] | None]] | None:
        """The nodes and the ties of each half of the types, three transactions at once;
        None when they did not all read ``version`` and ``meta``."""
        counts = self.transaction(TYPE_COUNTS)  # only to balance the halves
        found = dict(zip(TYPES, (int(rows[0][0]) for rows in counts), strict=True))
        node_extra, tie_extra = extras(meta)
        jobs: list[Statement] = [(cypher.ALL_NODES, {"types": list(TYPE_LABEL.values()),
                                                     "extra": node_extra or []})]
        jobs += [(typed(scan, group), {**params, "extra": tie_extra or []})
                 for group in halves(found)]

        def read(job: Statement) -> list[list[list[Any]]]:
            work = self._work([(READ_META, {}), (rights.READ_VERSION, {}), job])
            return self._in_session(lambda s: s.execute_read(work))

        with ThreadPoolExecutor(len(jobs), thread_name_prefix="lacgraph-read") as pool:
            answers = [pool.submit(read, job) for job in jobs]
            nodes = answers[0].result()
            if nodes[:2] != [meta, version]:
                return None
            node_table = nodes_from_columns(nodes[2][0], node_extra or [])
            tie_answers = [answer.result() for answer in answers[1:]]
        if any(answer[:2] != [meta, version] for answer in tie_answers):
            return None
        tie_rows = joined([answer[2][0] for answer in tie_answers])
        return (Tables(node_table, ties_from_columns(tie_rows, tie_extra or [])),
                (node_extra, tie_extra))

    def _read_serial(self, ties: LiteralString, scan: LiteralString, **params: Any
                     ) -> tuple[Tables, tuple[list[str] | None, list[str] | None]]:
        """Every node and the ties of ``ties`` (or ``scan``) in one read transaction."""
        def work(tx: Any) -> tuple[Tables, tuple[list[str] | None, list[str] | None]]:
            return self._read_in(tx, ties, scan, **params)

        return self._session_call(lambda s: s.execute_read(work))

    @staticmethod
    def _read_in(tx: Any, ties: LiteralString, scan: LiteralString, **params: Any
                 ) -> tuple[Tables, tuple[list[str] | None, list[str] | None]]:
        """Every node and the ties of ``ties`` (or ``scan``), read in transaction ``tx``."""
        node_extra, tie_extra = extras(tx.run(READ_META).values())
        nodes = tx.run(cypher.ALL_NODES, {"types": list(TYPE_LABEL.values()),
                                          "extra": node_extra or []}).values()
        only_lacgraph = tx.run(cypher.COUNTS).values()[0][0]
        tie_result = tx.run(scan if only_lacgraph else ties,
                            {**params, "extra": tie_extra or []})
        # the server computes the ties while the node table is built here
        node_table = nodes_from_columns(nodes[0], node_extra or [])
        tie_table = ties_from_columns(tie_result.values()[0], tie_extra or [])
        return Tables(node_table, tie_table), (node_extra, tie_extra)
