"""Project the ties active at a date into a compact graph for whole-population measures.

A :class:`Snapshot` is the network at ``t`` as arrays: node ids and types, and a
symmetric CSR adjacency (``indptr``, ``indices``) over *distinct pairs* — several active
ties between the same two nodes become one edge, whose attributes summarise them
(closest category, closest circle, any reciprocal, any brokered, any coordinator tie).
Household ties are dropped: they record who lives together, not a relationship.

This mirrors what Neo4j GDS does with a projected graph: every store hands over the
ties active at ``t`` and the measures run vectorised on these arrays.

Examples
--------
>>> from lacgraph.tables import Tables
>>> T = Tables.from_records(
...     nodes=[{"id": i, "type": "person"} for i in ("ann", "bob", "cat")],
...     ties=[
...         {"source": "ann", "target": "bob", "kind": "friend", "start": "2024-01-01"},
...         {"source": "bob", "target": "ann", "kind": "peer", "start": "2024-02-01"},
...         {"source": "ann", "target": "cat", "kind": "friend", "start": "2025-01-01"},
...     ],
... )
>>> S = project(T, "2024-06-01")
>>> S.n_nodes, S.n_edges, S.degree.tolist()
(3, 1, [1, 1, 0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lacgraph.model import CATEGORIES, HOUSEHOLD, KIND_CATEGORY
from lacgraph.tables import DateLike, Tables, active_mask, to_date

NATURAL, COMMUNITY, PAID = (CATEGORIES.index(c) for c in ("natural", "community", "paid"))
_CATEGORY_CODE = {kind: CATEGORIES.index(cat) for kind, cat in KIND_CATEGORY.items()}


@dataclass(frozen=True)
class Snapshot:
    """The network at one date as arrays (see the module docstring).

    Edge arrays (``category``, ``circle``, ``reciprocal``, ``brokered``, ``coordinator``)
    are aligned with ``indices``: entry ``k`` describes the pair ``(row_of(k), indices[k])``.
    Each undirected pair appears twice, once from each end. Rows are sorted by neighbour.
    """

    at: np.datetime64
    ids: np.ndarray
    node_type: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    category: np.ndarray
    circle: np.ndarray
    reciprocal: np.ndarray
    brokered: np.ndarray
    coordinator: np.ndarray
    nodes: pd.DataFrame

    @property
    def n_nodes(self) -> int:
        """Number of nodes (active ties or not)."""
        return len(self.ids)

    @property
    def n_edges(self) -> int:
        """Number of distinct undirected pairs joined by an active tie."""
        return len(self.indices) // 2

    @property
    def degree(self) -> np.ndarray:
        """Number of distinct neighbours of each node."""
        return np.diff(self.indptr)

    def rows(self) -> np.ndarray:
        """Return, for each edge entry, the node it starts from (the CSR row)."""
        return np.repeat(np.arange(self.n_nodes), self.degree)

    def edge_list(self) -> np.ndarray:
        """Return the distinct undirected pairs as an ``(n_edges, 2)`` array, low index first."""
        rows = self.rows()
        keep = rows < self.indices
        return np.column_stack([rows[keep], self.indices[keep]])


def active_ties(ties: pd.DataFrame, at: DateLike) -> pd.DataFrame:
    """Return the ties active at ``at``: ``start <= at`` and (no end or ``at < end``).

    Examples
    --------
    >>> from lacgraph.tables import Tables
    >>> T = Tables.from_records(
    ...     nodes=[{"id": "a", "type": "person"}, {"id": "b", "type": "person"}],
    ...     ties=[{"source": "a", "target": "b", "kind": "friend",
    ...            "start": "2024-01-01", "end": "2024-03-01"}],
    ... )
    >>> len(active_ties(T.ties, "2024-01-01")), len(active_ties(T.ties, "2024-03-01"))
    (1, 0)
    """
    return ties[active_mask(ties, at)]


def project(tables: Tables, at: DateLike) -> Snapshot:
    """Project the relationships active at ``at`` into a :class:`Snapshot`.

    ``tables.ties`` may hold every tie (they are filtered to ``at`` here) or only the
    active ones, as :meth:`lacgraph.stores.base.Store.snapshot` returns.

    Parameters
    ----------
    tables : Tables
        Validated nodes and ties.
    at : date-like
        The date the network is looked at.

    Returns
    -------
    Snapshot

    Examples
    --------
    >>> from lacgraph.tables import Tables
    >>> T = Tables.from_records(
    ...     nodes=[{"id": "p", "type": "person"}, {"id": "gp", "type": "service"}],
    ...     ties=[{"source": "p", "target": "gp", "kind": "service", "start": "2020-01-01"}],
    ... )
    >>> S = project(T, "2021-01-01")
    >>> S.ids[S.indices].tolist(), S.category.tolist()
    (['gp', 'p'], [2, 2])
    """
    nodes = tables.nodes.reset_index(drop=True)
    ids = nodes["id"].to_numpy(dtype=object)
    n = len(ids)
    ties = active_ties(tables.ties, at)
    ties = ties[ties["kind"].to_numpy() != HOUSEHOLD]

    index = pd.Index(ids)
    src = index.get_indexer(ties["source"])
    dst = index.get_indexer(ties["target"])
    ok = (src >= 0) & (dst >= 0) & (src != dst)
    src, dst = src[ok], dst[ok]
    kind = ties["kind"].to_numpy()[ok]
    kind_codes, kinds = pd.factorize(kind)
    category = np.array([_CATEGORY_CODE[k] for k in kinds], dtype=np.int8)[kind_codes]
    circle = ties["circle"].to_numpy(np.int8)[ok]
    reciprocal = ties["reciprocal"].to_numpy(bool)[ok]
    brokered = ties["brokered_by"].to_numpy(dtype=object)[ok] != ""
    coordinator = (np.asarray(kinds) == "coordinator")[kind_codes]

    # Both directions of every tie, then one entry per distinct ordered pair.
    row = np.concatenate([src, dst]).astype(np.int64)
    col = np.concatenate([dst, src]).astype(np.int64)
    key = row * n + col
    order = np.argsort(key)
    key = key[order]
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.array([], int)

    def summarise(values: np.ndarray, how: np.ufunc) -> np.ndarray:
        doubled = np.concatenate([values, values])[order]
        return how.reduceat(doubled, first) if len(first) else doubled[:0]

    unique_rows = row[order][first]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(unique_rows, minlength=n), out=indptr[1:])
    return Snapshot(
        at=to_date(at),
        ids=ids,
        node_type=nodes["type"].to_numpy(dtype=object),
        indptr=indptr,
        indices=col[order][first],
        category=summarise(category, np.minimum),
        circle=summarise(circle, np.minimum),
        reciprocal=summarise(reciprocal, np.logical_or),
        brokered=summarise(brokered, np.logical_or),
        coordinator=summarise(coordinator, np.logical_or),
        nodes=nodes,
    )
