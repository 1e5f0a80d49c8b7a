"""Erasure, tombstones, replace-loads and the data version on the Neo4j store.

The statements here run through the store's one query seam (``transaction``): fixed
Cypher text, every value a parameter. Labels match :mod:`lacgraph.stores.neo4j`
(``LacNode``, ``LacgraphMeta``); tombstones are ``LacgraphErased`` nodes holding only the
keyed hash of an erased id (see :mod:`lacgraph.rights.erasure`). The data version is a counter
on the meta node, bumped in the same transaction as every change.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from lacgraph.stores._graph_rows import (
    ERASED_LABEL,
    KIND_TYPE,
    MERGED_LABEL,
    META_LABEL,
    NODE_LABEL,
    Statement,
    tie_rows,
)

COUNT_TIES = (f"MATCH (n:{NODE_LABEL} {{id: $id}}) OPTIONAL MATCH (n)-[r]-() "
              "RETURN count(r)")
DETACH_DELETE = f"MATCH (n:{NODE_LABEL} {{id: $id}}) DETACH DELETE n"
CLEAR_COORDINATOR = (f"MATCH (m:{NODE_LABEL} {{coordinator: $id}}) REMOVE m.coordinator "
                     "RETURN count(m)")
CLEAR_BROKER = (f"MATCH (:{NODE_LABEL})-[r]->(:{NODE_LABEL}) WHERE r.brokered_by = $id "
                "REMOVE r.brokered_by RETURN count(r)")
COUNT_COORDINATED = f"MATCH (m:{NODE_LABEL} {{coordinator: $id}}) RETURN count(m)"
COUNT_BROKERED = (f"MATCH (:{NODE_LABEL})-[r]->(:{NODE_LABEL}) WHERE r.brokered_by = $id "
                  "RETURN count(r)")
ADD_TOMBSTONE = (f"MERGE (t:{ERASED_LABEL} {{tombstone: $tombstone}}) "
                 "ON CREATE SET t.at = $at")
TOMBSTONES = f"MATCH (t:{ERASED_LABEL}) RETURN t.tombstone"
FORGET_MERGED = f"MATCH (x:{MERGED_LABEL}) WHERE x.id = $id OR x.kept = $id DELETE x"
BUMP_VERSION = (f"MERGE (m:{META_LABEL} {{name: 'lacgraph'}}) "
                "ON CREATE SET m.schema_version = $version, m.node_columns = '[]', "
                "m.tie_columns = '[]' "
                "SET m.data_version = coalesce(m.data_version, 0) + 1")
READ_VERSION = (f"OPTIONAL MATCH (m:{META_LABEL} {{name: 'lacgraph'}}) "
                "RETURN coalesce(m.data_version, 0)")
DELETE_NODES = f"UNWIND $ids AS id MATCH (n:{NODE_LABEL} {{id: id}}) DETACH DELETE n"
DELETE_TIES = (f"UNWIND $rows AS r MATCH (a:{NODE_LABEL} {{id: r.lo}})-[t]->"
               f"(b:{NODE_LABEL} {{id: r.hi}}) "
               "WHERE type(t) = r.type AND t.start = r.start DELETE t")


def bump(schema_version: int) -> Statement:
    """The statement that counts one more change (put it in the changing transaction)."""
    return (BUMP_VERSION, {"version": schema_version})


def erase_statements(person: str, tombstone: str | None, schema_version: int,
                     also: frozenset[str] = frozenset()) -> list[Statement]:
    """One transaction's statements erasing ``person`` (and the record of ids merged
    into them, whose tombstones ``also`` are kept); rows 1, 3, 4 hold the counts (ties
    removed, coordinator and introducer references cleared). The change is counted
    first: the meta node's write lock orders it with every recorded change."""
    statements: list[Statement] = [
        bump(schema_version),
        (COUNT_TIES, {"id": person}),
        (DETACH_DELETE, {"id": person}),
        (CLEAR_COORDINATOR, {"id": person}),
        (CLEAR_BROKER, {"id": person}),
    ]
    statements.append((FORGET_MERGED, {"id": person}))
    at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for mark in sorted(({tombstone} if tombstone else set()) | also):
        statements.append((ADD_TOMBSTONE, {"tombstone": mark, "at": at}))
    return statements


def removal_statements(nodes: pd.DataFrame, ties: pd.DataFrame) -> list[Statement]:
    """Statements deleting the stored ``ties`` (by key) and ``nodes`` a replace removes."""
    statements: list[Statement] = []
    if len(ties):
        rows = [{"lo": r["lo"], "hi": r["hi"], "start": r["p"]["start"], "type": KIND_TYPE[k]}
                for r, k in zip(tie_rows(ties), ties["kind"], strict=True)]
        statements.append((DELETE_TIES, {"rows": rows}))
    if len(nodes):
        statements.append((DELETE_NODES, {"ids": nodes["id"].tolist()}))
    return statements
