"""Whole-graph reads from Neo4j in parallel: the node table and the ties, in halves.

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

from itertools import chain
from typing import Any

from lacgraph.stores._graph_rows import KIND_TYPE, Statement

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
