"""The community graph: what holds it together (assets) and the communities it forms.

The *community graph* is people and groups joined by active natural and community ties.
:func:`community_assets` finds the groups it leans on (members who would otherwise be at
risk, cut points, bridges); :func:`communities` and :func:`community_membership` divide it
by Leiden (igraph, modularity, a fixed seed). Isolated people and clusters, per
neighbourhood counts and gaps are :mod:`lacgraph.analysis.clusters`; both read the snapshot
through :mod:`lacgraph.analysis.manager_view`.

Examples
--------
>>> from lacgraph.network import Network
>>> from lacgraph.tables import Tables
>>> G = Network.from_tables(Tables.from_records(
...     nodes=[{"id": i, "type": "person"} for i in "abc"] + [{"id": "choir", "type": "group"}],
...     ties=[{"source": p, "target": "choir", "kind": "member", "start": "2024-01-01"}
...           for p in "abc"]))
>>> communities(G, "2024-02-01")[["community", "people", "groups"]].to_dict("records")
[{'community': 1, 'people': 3, 'groups': 1}]
"""

from __future__ import annotations

import random

import igraph as ig
import numpy as np
import pandas as pd

from lacgraph.analysis.blocks import cut_off_by_node
from lacgraph.analysis.manager_view import ManagerView, manager_view
from lacgraph.analysis.snapshot import COMMUNITY
from lacgraph.dated import DatedNetwork
from lacgraph.errors import QueryError
from lacgraph.model import AT_RISK_THRESHOLD
from lacgraph.tables import DateLike

__all__ = ["ASSET_COLUMNS", "COMMUNITY_COLUMNS", "communities", "community_assets",
           "community_membership"]

ASSET_COLUMNS: tuple[str, ...] = (
    "id", "label", "neighbourhood", "members", "otherwise_at_risk", "only_connection",
    "cut_point", "splits_into", "people_cut_off", "bridge_ties",
)
COMMUNITY_COLUMNS: tuple[str, ...] = (
    "community", "people", "groups", "neighbourhoods", "main_neighbourhood", "main_share",
    "neighbourhood_mix", "supported", "at_risk", "in_isolated_clusters",
)


# -- community assets ----------------------------------------------------------------------------
def _community_graph(V: ManagerView) -> tuple[np.ndarray, np.ndarray]:
    """Return the undirected edges (low, high) of people + groups joined by natural or
    community ties, and the nodes that have at least one such edge."""
    S = V.S
    keep = (V.natural_edge | ((S.category == COMMUNITY) & (V.person | V.group)[V.rows]
                              & (V.person | V.group)[S.indices])) & (V.rows < S.indices)
    edges = np.column_stack([V.rows[keep], S.indices[keep]])
    used = np.zeros(S.n_nodes, dtype=bool)
    used[edges.ravel()] = True
    return edges, used


def community_assets(G: DatedNetwork, at: DateLike | None = None, *,
                     at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
    """Return the community groups active at ``at`` and what each holds together.

    The *community graph* is people and groups joined by active natural and community
    ties. Per group with at least one active member or volunteer (:data:`ASSET_COLUMNS`):

    * ``members``: distinct people with an active community tie to it;
    * ``otherwise_at_risk``: members who would be at risk without it (their natural +
      community alters minus this group fall below ``at_risk_below``);
    * ``only_connection``: members for whom it is the only natural or community alter
      (they would be isolated without it);
    * ``cut_point``: the group is an articulation point of the community graph (igraph);
    * ``splits_into``: pieces its part of the community graph falls into without it;
    * ``people_cut_off``: people outside the largest of those pieces (0 when not a cut point);
    * ``bridge_ties``: its member ties that are bridges (ending one splits the graph).

    Sorted by ``otherwise_at_risk``, ``people_cut_off`` and ``members`` (largest first),
    then id.

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": i, "type": "person"} for i in ("a", "b", "c")]
    ...           + [{"id": "shed", "type": "group"}],
    ...     ties=[{"source": p, "target": "shed", "kind": "member", "start": "2024-01-01"}
    ...           for p in ("a", "b")]
    ...          + [{"source": "b", "target": "c", "kind": "friend", "start": "2024-01-01"}]))
    >>> row = community_assets(G, "2024-02-01").iloc[0]
    >>> int(row["members"]), int(row["only_connection"]), bool(row["cut_point"])
    (2, 1, True)
    >>> int(row["splits_into"]), int(row["people_cut_off"]), int(row["bridge_ties"])
    (2, 1, 2)
    """
    V = manager_view(G, at)
    S = V.S
    n = S.n_nodes
    edges, _ = _community_graph(V)
    graph = ig.Graph(n=n, edges=edges.tolist())
    blocks = [list(b) for b in graph.biconnected_components()]
    pieces, cut_off = cut_off_by_node(n, blocks, V.person.astype(np.int64))
    bridge = np.zeros(len(edges), dtype=bool)
    bridge[graph.bridges()] = True
    bridge_ends = edges[bridge].ravel()
    bridge_ties = np.bincount(bridge_ends[V.group[bridge_ends]], minlength=n)

    member_edge = (S.category == COMMUNITY) & V.group[V.rows] & V.person[S.indices]
    alter_close = V.close[S.indices[member_edge]]
    group_of = V.rows[member_edge]
    members = np.bincount(group_of, minlength=n)
    otherwise = np.bincount(group_of[alter_close - 1 < at_risk_below], minlength=n)
    only = np.bincount(group_of[alter_close == 1], minlength=n)
    active = np.flatnonzero(V.group & (members > 0))
    nodes = S.nodes
    table = pd.DataFrame({
        "id": S.ids[active],
        "label": nodes["label"].to_numpy(dtype=object)[active],
        "neighbourhood": nodes["neighbourhood"].to_numpy(dtype=object)[active],
        "members": members[active].astype(np.int64),
        "otherwise_at_risk": otherwise[active].astype(np.int64),
        "only_connection": only[active].astype(np.int64),
        "cut_point": pieces[active] >= 2,
        "splits_into": np.maximum(pieces[active], 1).astype(np.int64),
        "people_cut_off": cut_off[active],
        "bridge_ties": bridge_ties[active].astype(np.int64),
    })
    table = table.sort_values(["otherwise_at_risk", "people_cut_off", "members", "id"],
                              ascending=[False, False, False, True], kind="stable")
    return table[list(ASSET_COLUMNS)].reset_index(drop=True)


# -- communities ---------------------------------------------------------------------------------
def community_membership(G: DatedNetwork, at: DateLike | None = None, *, resolution: float = 1.0,
                         seed: int = 1) -> pd.Series:
    """Return the Leiden community of every person and group with a natural or community tie.

    Leiden (igraph, modularity objective, iterated until stable) on the community graph,
    with igraph's random numbers drawn from ``random.Random(seed)``: one seed always gives
    the same communities. Community numbers follow :func:`communities` (largest first).

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": i, "type": "person"} for i in "abc"],
    ...     ties=[{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"}]))
    >>> community_membership(G, "2024-02-01").to_dict()
    {'a': 1, 'b': 1}
    """
    V = manager_view(G, at)
    used, number = _leiden(V, resolution, seed)
    return pd.Series(number[used], index=pd.Index(V.S.ids[used], name="id"), name="community")


def _leiden(V: ManagerView, resolution: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the nodes in the community graph and every node's community number (0: none)."""
    if not resolution > 0:
        raise QueryError(f"resolution must be a positive number, got {resolution!r}")
    edges, used = _community_graph(V)
    nodes = np.flatnonzero(used)
    local = np.full(V.S.n_nodes, -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    graph = ig.Graph(n=len(nodes), edges=local[edges].tolist())
    previous = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        partition = graph.community_leiden(objective_function="modularity",
                                           resolution=resolution, n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
        random.setstate(previous)
    raw = np.asarray(partition.membership, dtype=np.int64)
    # number communities by people (desc), then smallest member id
    people = V.person[nodes]
    count = np.bincount(raw[people], minlength=raw.max() + 1 if len(raw) else 0)
    by_id = np.argsort(V.S.ids[nodes].astype(str), kind="stable")
    labels, first = np.unique(raw[by_id], return_index=True)  # first: smallest member id
    order = np.lexsort((first, -count[labels]))
    rank = np.zeros(len(count), dtype=np.int64)
    rank[labels[order]] = np.arange(1, len(labels) + 1)
    number = np.zeros(V.S.n_nodes, dtype=np.int64)
    number[nodes] = rank[raw]
    return used, number


def communities(G: DatedNetwork, at: DateLike | None = None, resolution: float = 1.0, seed: int = 1,
                *, at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
    """Return the Leiden communities of the natural + community graph at ``at``.

    See :func:`community_membership` for the method. People with no natural or community
    tie belong to no community (they are the isolated people). One row per community
    (:data:`COMMUNITY_COLUMNS`), numbered by people (largest first), then smallest member
    id: ``people``, ``groups``, ``neighbourhoods`` (distinct, among its people),
    ``main_neighbourhood`` and ``main_share`` (its people's commonest neighbourhood and that
    share), ``neighbourhood_mix`` (``"Ward 12;Other 3"``, largest first), ``supported``,
    ``at_risk`` and ``in_isolated_clusters`` (members in an isolated cluster).

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": i, "type": "person", "neighbourhood": "Elm"} for i in "abcd"],
    ...     ties=[{"source": s, "target": t, "kind": "friend", "start": "2024-01-01"}
    ...           for s, t in ("ab", "cd")]))
    >>> communities(G, "2024-02-01")[["community", "people", "neighbourhood_mix"]].to_dict(
    ...     "records")
    [{'community': 1, 'people': 2, 'neighbourhood_mix': 'Elm 2'}, {'community': 2, 'people': 2, 'neighbourhood_mix': 'Elm 2'}]
    """
    V = manager_view(G, at)
    used, number = _leiden(V, resolution, seed)
    if not used.any():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COMMUNITY_COLUMNS})
    people = np.flatnonzero(used & V.person)
    k = int(number.max())
    frame = pd.DataFrame({"community": number[people], "ward": V.ward[people].astype(str)})
    mix = frame.value_counts(["community", "ward"]).rename("n").reset_index()
    mix = mix.sort_values(["community", "n", "ward"], ascending=[True, False, True])
    mix["text"] = mix["ward"] + " " + mix["n"].astype(str)
    grouped = mix.groupby("community", sort=True)
    main = grouped.head(1).set_index("community")

    def per_community(mask: np.ndarray) -> np.ndarray:
        return np.bincount(number[mask & used], minlength=k + 1)[1:].astype(np.int64)

    total = per_community(V.person)
    table = pd.DataFrame({
        "community": np.arange(1, k + 1, dtype=np.int64),
        "people": total,
        "groups": per_community(V.group),
        "neighbourhoods": grouped.size().reindex(range(1, k + 1), fill_value=0)
                                 .to_numpy(np.int64),
        "main_neighbourhood": main["ward"].reindex(range(1, k + 1), fill_value="").to_numpy(),
        "main_share": main["n"].reindex(range(1, k + 1)).to_numpy(float)
                      / np.where(total > 0, total, np.nan),
        "neighbourhood_mix": grouped["text"].agg(";".join)
                                 .reindex(range(1, k + 1), fill_value="").to_numpy(),
        "supported": per_community(V.supported),
        "at_risk": per_community(V.person & (V.close < at_risk_below)),
        "in_isolated_clusters": per_community(V.person & (V.cluster > 0)),
    })
    return table[list(COMMUNITY_COLUMNS)]
