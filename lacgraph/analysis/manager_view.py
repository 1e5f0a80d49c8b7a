"""The snapshot at one day, read the way the manager's tables need it.

Every table of :mod:`lacgraph.analysis.clusters` (isolation, neighbourhoods) and
:mod:`lacgraph.analysis.communities` (assets, Leiden communities) starts from the same
arrays: who is a person or a group, which edge entries are natural ties between people,
each node's natural + community alters, who is supported, each node's neighbourhood and
isolated-cluster rank. :func:`manager_view` computes them once per day.

Supported people
    A person counts as supported at ``t`` when ``supported`` is true and they were
    introduced on or before ``t`` (or have no introduction date).

Isolated clusters
    Take people only, joined by active natural ties; each connected component with at
    least 2 people none of whom has an active community tie. Ranked by size (largest
    first), then by the smallest member id (see :mod:`lacgraph.analysis.clusters`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from lacgraph.analysis.snapshot import COMMUNITY, NATURAL, Snapshot
from lacgraph.dated import DatedNetwork
from lacgraph.model import KIND_CATEGORY
from lacgraph.tables import DateLike

__all__ = ["NO_NEIGHBOURHOOD", "ManagerView", "manager_view", "paid_people", "rank_clusters"]

NO_NEIGHBOURHOOD = "(none)"
"""How a person or group without a neighbourhood is shown in per-neighbourhood tables."""


@dataclass(frozen=True)
class ManagerView:
    """What every manager table needs from the snapshot at one day, computed once."""

    S: Snapshot
    day: np.datetime64
    rows: np.ndarray          # CSR row of every edge entry
    person: np.ndarray        # node is a person
    group: np.ndarray         # node is a group
    natural_edge: np.ndarray  # edge entry joins two people by a natural tie
    in_group: np.ndarray      # node has an active community tie
    close: np.ndarray         # natural + community alters per node
    supported: np.ndarray     # supported at day (see the module docstring)
    ward: np.ndarray          # neighbourhood, NO_NEIGHBOURHOOD when empty
    cluster: np.ndarray       # isolated-cluster rank per node, 0 when none


def manager_view(G: DatedNetwork, at: DateLike | None) -> ManagerView:
    """The snapshot at ``at`` (default: the data's last date), read the manager's way."""
    day = G.resolve_date(at)
    S = G.snapshot(day)
    n = S.n_nodes
    rows = S.rows()
    person = S.node_type == "person"
    group = S.node_type == "group"
    natural_edge = (S.category == NATURAL) & person[rows] & person[S.indices]
    community_edge = S.category == COMMUNITY
    in_group = np.bincount(rows[community_edge], minlength=n) > 0
    close = np.bincount(rows[natural_edge | community_edge], minlength=n)
    nodes = S.nodes
    introduced = nodes["introduced_on"].to_numpy(dtype="datetime64[D]")
    supported = (nodes["supported"].to_numpy(bool) & person
                 & (np.isnat(introduced) | (introduced <= day)))
    ward = nodes["neighbourhood"].to_numpy(dtype=object).copy()
    ward[ward == ""] = NO_NEIGHBOURHOOD
    cluster = rank_clusters(S, rows, person, natural_edge, in_group)
    return ManagerView(S, day, rows, person, group, natural_edge, in_group, close, supported, ward,
                 cluster)


def rank_clusters(S: Snapshot, rows: np.ndarray, person: np.ndarray,
                   natural_edge: np.ndarray, in_group: np.ndarray) -> np.ndarray:
    """Return each node's isolated-cluster number (1 = first in rank order), 0 if none."""
    n = S.n_nodes
    graph = coo_matrix((np.ones(int(natural_edge.sum()), dtype=np.int8),
                        (rows[natural_edge], S.indices[natural_edge])), shape=(n, n))
    n_parts, part = connected_components(graph.tocsr(), directed=False)
    size = np.bincount(part[person], minlength=n_parts)
    touched = np.bincount(part[person & in_group], minlength=n_parts) > 0
    isolated_part = (size >= 2) & ~touched
    members = np.flatnonzero(person & isolated_part[part])
    cluster = np.zeros(n, dtype=np.int64)
    if len(members) == 0:
        return cluster
    # smallest member id per part: members sorted by id, first seen per part
    by_id = members[np.argsort(S.ids[members].astype(str), kind="stable")]
    parts, first = np.unique(part[by_id], return_index=True)
    order = np.lexsort((first, -size[parts]))  # size desc, then smallest member id
    rank = np.zeros(n_parts, dtype=np.int64)
    rank[parts[order]] = np.arange(1, len(parts) + 1)
    cluster[members] = rank[part[members]]
    return cluster


def paid_people(G: DatedNetwork, V: ManagerView) -> np.ndarray:
    """Tell, per node, whether it has an active paid tie (read from the ties themselves)."""
    ties = G.store.snapshot(V.day).ties  # the active ties, from any store
    paid = ties["kind"].map(KIND_CATEGORY).to_numpy(dtype=object) == "paid"
    ends = pd.concat([ties.loc[paid, "source"], ties.loc[paid, "target"]])
    index = pd.Index(V.S.ids).get_indexer(ends)
    has = np.zeros(V.S.n_nodes, dtype=bool)
    has[index[index >= 0]] = True
    return has
