"""The manager's view: isolated people, isolated clusters, neighbourhoods, assets, communities.

Everything is computed for the whole population at once on the projected
:class:`~lacgraph.analysis.snapshot.Snapshot` (scipy / igraph), never person by person.

Definitions (DESIGN.md, implemented exactly)
    *Isolated cluster* at ``t``: take people only, joined by active natural ties; each
    connected component with at least 2 people none of whom has an active community tie.
    Ranked by size (largest first), then by the smallest member id. A person alone in the
    natural graph with no community tie is an *isolated person* (``isolated`` measure).

    The snapshot keeps one category per pair (the closest). That is exact here: natural
    kinds only join two people and community kinds only join a person to a group, so a
    person-group pair is always community and "has an active community tie" is "has a
    community pair"; a person-person pair holding a natural tie is natural whatever else
    joins them. Only a *paid* tie can hide behind a natural one (a relative who is also a
    paid carer), so ``with_paid_ties`` reads the active ties themselves.

Supported people
    A person counts as supported at ``t`` when ``supported`` is true and they were
    introduced on or before ``t`` (or have no introduction date).

The *community graph* (assets, communities) is people and groups joined by active natural
and community ties.

Examples
--------
>>> from lacgraph.network import Network
>>> from lacgraph.tables import Tables
>>> people = [{"id": i, "type": "person", "neighbourhood": "Mayhill"} for i in "abcde"]
>>> G = Network.from_tables(Tables.from_records(
...     nodes=people + [{"id": "choir", "type": "group", "neighbourhood": "Mayhill"}],
...     ties=[{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"},
...           {"source": "c", "target": "d", "kind": "family", "start": "2024-01-01"},
...           {"source": "d", "target": "choir", "kind": "member", "start": "2024-03-01"}]))
>>> isolated_clusters(G, "2024-02-01")[["cluster", "size", "members"]].to_dict("records")
[{'cluster': 1, 'size': 2, 'members': 'a;b'}, {'cluster': 2, 'size': 2, 'members': 'c;d'}]
>>> isolated_clusters(G, "2024-03-01")["members"].tolist()  # d joins the choir that day
['a;b']
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import igraph as ig
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from lacgraph.analysis.blocks import cut_off_by_node
from lacgraph.analysis.measures import ego_measures
from lacgraph.analysis.snapshot import COMMUNITY, NATURAL, Snapshot
from lacgraph.dated import DatedNetwork
from lacgraph.errors import QueryError
from lacgraph.model import AT_RISK_THRESHOLD, KIND_CATEGORY
from lacgraph.tables import DateLike

NO_NEIGHBOURHOOD = "(none)"
"""How a person or group without a neighbourhood is shown in per-neighbourhood tables."""

CLUSTER_COLUMNS: tuple[str, ...] = (
    "cluster", "size", "members", "neighbourhoods", "supported", "with_paid_ties",
)
PEOPLE_COLUMNS: tuple[str, ...] = (
    "id", "label", "neighbourhood", "coordinator", "supported", "natural", "community",
    "paid", "isolated", "at_risk", "coordinator_only", "cluster",
)
NEIGHBOURHOOD_COUNTS: tuple[str, ...] = (
    "people", "supported", "isolated", "at_risk", "isolated_clusters",
    "in_isolated_clusters", "groups", "group_members", "coordinators",
)
NEIGHBOURHOOD_COLUMNS: tuple[str, ...] = (
    "neighbourhood", *NEIGHBOURHOOD_COUNTS, "supported_per_coordinator",
)
CHANGE_COUNTS: tuple[str, ...] = NEIGHBOURHOOD_COUNTS[:-1]
"""The neighbourhood counts that get a ``<count>_change`` column with ``since``."""
ASSET_COLUMNS: tuple[str, ...] = (
    "id", "label", "neighbourhood", "members", "otherwise_at_risk", "only_connection",
    "cut_point", "splits_into", "people_cut_off", "bridge_ties",
)
GAP_COLUMNS: tuple[str, ...] = (
    "neighbourhood", "people", "isolated", "at_risk", "isolated_clusters",
    "in_isolated_clusters", "groups",
)
COMMUNITY_COLUMNS: tuple[str, ...] = (
    "community", "people", "groups", "neighbourhoods", "main_neighbourhood", "main_share",
    "neighbourhood_mix", "supported", "at_risk", "in_isolated_clusters",
)


# -- the snapshot, read the manager's way ------------------------------------------------------
@dataclass(frozen=True)
class _View:
    """What every table here needs from the snapshot at one day, computed once."""

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


def _view(G: DatedNetwork, at: DateLike | None) -> _View:
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
    cluster = _rank_clusters(S, rows, person, natural_edge, in_group)
    return _View(S, day, rows, person, group, natural_edge, in_group, close, supported, ward,
                 cluster)


def _rank_clusters(S: Snapshot, rows: np.ndarray, person: np.ndarray,
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


def _paid_people(G: DatedNetwork, V: _View) -> np.ndarray:
    """Tell, per node, whether it has an active paid tie (read from the ties themselves)."""
    ties = G.store.snapshot(V.day).ties  # the active ties, from any store
    paid = ties["kind"].map(KIND_CATEGORY).to_numpy(dtype=object) == "paid"
    ends = pd.concat([ties.loc[paid, "source"], ties.loc[paid, "target"]])
    index = pd.Index(V.S.ids).get_indexer(ends)
    has = np.zeros(V.S.n_nodes, dtype=bool)
    has[index[index >= 0]] = True
    return has


def _join_sorted(values: pd.Series) -> str:
    return ";".join(sorted(values))


# -- isolated clusters and people ----------------------------------------------------------------
def isolated_clusters(G: DatedNetwork, at: DateLike | None = None) -> pd.DataFrame:
    """Return the isolated clusters at ``at``, ranked as DESIGN.md says.

    Parameters
    ----------
    G : DatedNetwork
    at : date-like, optional
        The day to look at (default: the data's last date).

    Returns
    -------
    pandas.DataFrame
        One row per cluster with :data:`CLUSTER_COLUMNS`: ``cluster`` (rank, from 1),
        ``size``, ``members`` (ids sorted, joined by ``;``), ``neighbourhoods`` (the
        members' neighbourhoods, sorted, joined by ``;``), ``supported`` (members supported
        at ``at``) and ``with_paid_ties`` (members with an active paid tie).

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": i, "type": "person"} for i in ("x", "y", "z")]
    ...           + [{"id": "gp", "type": "service"}],
    ...     ties=[{"source": "x", "target": "y", "kind": "neighbour", "start": "2024-01-01"},
    ...           {"source": "y", "target": "z", "kind": "friend", "start": "2024-01-01"},
    ...           {"source": "z", "target": "gp", "kind": "service", "start": "2024-01-01"}]))
    >>> isolated_clusters(G, "2024-06-01").to_dict("records")[0]["with_paid_ties"]
    1
    """
    V = _view(G, at)
    return _clusters_table(G, V)


def _clusters_table(G: DatedNetwork, V: _View) -> pd.DataFrame:
    members = np.flatnonzero(V.cluster > 0)
    if len(members) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("members", "neighbourhoods")
                                           else np.int64) for c in CLUSTER_COLUMNS})
    nodes = V.S.nodes
    ward = nodes["neighbourhood"].to_numpy(dtype=object)[members]
    frame = pd.DataFrame({
        "cluster": V.cluster[members], "id": V.S.ids[members].astype(str),
        "ward": ward, "supported": V.supported[members],
        "paid": _paid_people(G, V)[members],
    })
    grouped = frame.groupby("cluster", sort=True)
    table = pd.DataFrame({
        "size": grouped.size().astype(np.int64),
        "members": grouped["id"].agg(_join_sorted),
        "neighbourhoods": grouped["ward"].agg(lambda w: ";".join(sorted(set(w) - {""}))),
        "supported": grouped["supported"].sum().astype(np.int64),
        "with_paid_ties": grouped["paid"].sum().astype(np.int64),
    }).rename_axis("cluster").reset_index()
    table["cluster"] = table["cluster"].astype(np.int64)
    return table[list(CLUSTER_COLUMNS)]


def isolated_people(G: DatedNetwork, at: DateLike | None = None, *,
                    at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
    """Return the isolated and at-risk people at ``at``, with neighbourhood and coordinator.

    Parameters
    ----------
    G : DatedNetwork
    at : date-like, optional
    at_risk_below : int, default 3
        At risk: fewer natural + community alters than this (isolated: none).

    Returns
    -------
    pandas.DataFrame
        :data:`PEOPLE_COLUMNS`, one row per at-risk person (the isolated are among them),
        sorted by neighbourhood, isolated first, then id. ``cluster`` is the isolated
        cluster the person belongs to (empty when none).

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "sam", "type": "person", "neighbourhood": "Castle",
    ...             "coordinator": "lac1", "supported": "true"},
    ...            {"id": "lac1", "type": "coordinator"}],
    ...     ties=[{"source": "sam", "target": "lac1", "kind": "coordinator",
    ...            "start": "2024-01-01"}]))
    >>> isolated_people(G, "2024-02-01")[["id", "coordinator", "isolated",
    ...                                    "coordinator_only"]].to_dict("records")
    [{'id': 'sam', 'coordinator': 'lac1', 'isolated': True, 'coordinator_only': True}]
    """
    V = _view(G, at)
    M = ego_measures(V.S, at_risk_below=at_risk_below)
    M = M[M["at_risk"]]
    index = pd.Index(V.S.ids).get_indexer(M["id"])
    nodes = V.S.nodes
    table = pd.DataFrame({
        "id": M["id"].to_numpy(),
        "label": nodes["label"].to_numpy(dtype=object)[index],
        "neighbourhood": nodes["neighbourhood"].to_numpy(dtype=object)[index],
        "coordinator": nodes["coordinator"].to_numpy(dtype=object)[index],
        "supported": V.supported[index],
        **{c: M[c].to_numpy() for c in ("natural", "community", "paid", "isolated",
                                        "at_risk", "coordinator_only")},
        "cluster": pd.array(np.where(V.cluster[index] > 0, V.cluster[index], 0),
                            dtype="Int64"),
    })
    table.loc[table["cluster"] == 0, "cluster"] = pd.NA
    table = table.sort_values(["neighbourhood", "isolated", "id"], ascending=[True, False, True],
                              kind="stable")
    return table[list(PEOPLE_COLUMNS)].reset_index(drop=True)


# -- neighbourhoods ------------------------------------------------------------------------------
def _neighbourhood_counts(G: DatedNetwork, V: _View, at_risk_below: int) -> pd.DataFrame:
    close = V.close
    person, group = V.person, V.group
    wards, code = np.unique(V.ward[person | group].astype(str), return_inverse=True)
    ward_code = np.full(V.S.n_nodes, -1, dtype=np.int64)
    ward_code[person | group] = code
    k = len(wards)

    def per_ward(mask: np.ndarray) -> np.ndarray:
        return np.bincount(ward_code[mask], minlength=k).astype(np.int64)

    # isolated clusters with at least one member living in the ward
    in_cluster = person & (V.cluster > 0)
    pairs = np.unique(np.column_stack([ward_code[in_cluster], V.cluster[in_cluster]]), axis=0)
    clusters = np.bincount(pairs[:, 0], minlength=k) if len(pairs) else np.zeros(k, np.int64)

    # active groups of the ward and the distinct people they connect
    community_edge = (V.S.category == COMMUNITY) & group[V.rows] & person[V.S.indices]
    active_group = np.bincount(V.rows[community_edge], minlength=V.S.n_nodes) > 0
    links = np.unique(np.column_stack([ward_code[V.rows[community_edge]],
                                       V.S.indices[community_edge]]), axis=0)
    connected = (np.bincount(links[:, 0], minlength=k) if len(links)
                 else np.zeros(k, np.int64))

    # coordinators of the ward's supported people
    coordinator = V.S.nodes["coordinator"].to_numpy(dtype=object)
    sup = V.supported & (coordinator != "")
    staff = pd.DataFrame({"ward": ward_code[sup], "who": coordinator[sup]}).drop_duplicates()
    coordinators = np.bincount(staff["ward"].to_numpy(np.int64), minlength=k)

    table = pd.DataFrame({
        "neighbourhood": wards.astype(object),
        "people": per_ward(person),
        "supported": per_ward(V.supported),
        "isolated": per_ward(person & (close == 0)),
        "at_risk": per_ward(person & (close < at_risk_below)),
        "isolated_clusters": clusters.astype(np.int64),
        "in_isolated_clusters": per_ward(in_cluster),
        "groups": per_ward(group & active_group),
        "group_members": connected.astype(np.int64),
        "coordinators": coordinators.astype(np.int64),
    })
    with np.errstate(divide="ignore", invalid="ignore"):
        table["supported_per_coordinator"] = np.where(
            table["coordinators"] > 0, table["supported"] / table["coordinators"], np.nan)
    return table


def neighbourhoods(G: DatedNetwork, at: DateLike | None = None, since: DateLike | None = None, *,
                   at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
    """Return one row per neighbourhood: people, isolation, clusters, groups, caseload.

    Columns (:data:`NEIGHBOURHOOD_COLUMNS`): ``people``; ``supported`` (supported at
    ``at``); ``isolated`` and ``at_risk`` people; ``isolated_clusters`` (clusters with a
    member living there, so a cluster spanning two wards counts in both) and
    ``in_isolated_clusters`` (people of the ward in one); ``groups`` (the ward's groups with
    an active member or volunteer) and ``group_members`` (distinct people they connect);
    ``coordinators`` (coordinators of the ward's supported people) and
    ``supported_per_coordinator``. With ``since``, a ``<count>_change`` column (value at
    ``at`` minus value at ``since``) follows for every count but ``coordinators``. People and
    groups without a neighbourhood are shown under ``"(none)"``.

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "a", "type": "person", "neighbourhood": "Castle"},
    ...            {"id": "b", "type": "person", "neighbourhood": "Castle"},
    ...            {"id": "walk", "type": "group", "neighbourhood": "Castle"}],
    ...     ties=[{"source": "a", "target": "walk", "kind": "member", "start": "2024-05-01"}]))
    >>> row = neighbourhoods(G, "2024-06-01", since="2024-01-01").iloc[0]
    >>> int(row["isolated"]), int(row["isolated_change"]), int(row["groups_change"])
    (1, -1, 1)
    """
    now = _neighbourhood_counts(G, _view(G, at), at_risk_below)
    if since is None:
        return now[list(NEIGHBOURHOOD_COLUMNS)]
    day, then_day = G.resolve_date(at), G.resolve_date(since)
    if then_day > day:
        raise QueryError(f"The 'since' date {then_day} is after the 'at' date {day}: "
                         "expected an earlier date to measure the change from.")
    then = _neighbourhood_counts(G, _view(G, then_day), at_risk_below)
    merged = now.merge(then[["neighbourhood", *CHANGE_COUNTS]], on="neighbourhood",
                       how="left", suffixes=("", "_then"))
    for col in CHANGE_COUNTS:
        merged[f"{col}_change"] = merged[col] - merged[f"{col}_then"].fillna(0).astype(np.int64)
    return merged[[*NEIGHBOURHOOD_COLUMNS, *(f"{c}_change" for c in CHANGE_COUNTS)]]


def select_neighbourhoods(G: DatedNetwork, table: pd.DataFrame,
                          wards: Sequence[str] | None) -> pd.DataFrame:
    """Return the rows of a manager table that concern the given neighbourhoods.

    A row concerns a neighbourhood when its ``neighbourhood`` is one of ``wards`` or, for
    isolated clusters, when one of its members lives there (``neighbourhoods``). ``None``
    or no wards keeps every row. An unknown neighbourhood is a
    :class:`~lacgraph.errors.QueryError` naming the known ones.

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": i, "type": "person", "neighbourhood": w}
    ...            for i, w in (("a", "Elm"), ("b", "Elm"), ("c", "Oak"), ("d", "Oak"))],
    ...     ties=[{"source": s, "target": t, "kind": "friend", "start": "2024-01-01"}
    ...           for s, t in ("ab", "cd")]))
    >>> select_neighbourhoods(G, isolated_clusters(G, "2024-02-01"), ["Oak"])["members"].tolist()
    ['c;d']
    """
    if not wards:
        return table
    nodes = G.tables.nodes
    known = set(nodes.loc[nodes["type"].isin(["person", "group"]), "neighbourhood"])
    known = {w or NO_NEIGHBOURHOOD for w in known}
    unknown = sorted(set(wards) - known)
    if unknown:
        raise QueryError(f"No neighbourhood named {', '.join(map(repr, unknown))}: expected one "
                         f"of {', '.join(sorted(known))}")
    wanted = set(wards)
    if "neighbourhoods" in table.columns and "cluster" in table.columns:
        keep = [bool(set(w.split(";")) & wanted) or (not w and NO_NEIGHBOURHOOD in wanted)
                for w in table["neighbourhoods"]]
    else:
        keep = [(w or NO_NEIGHBOURHOOD) in wanted for w in table["neighbourhood"]]
    return table[np.asarray(keep, dtype=bool)].reset_index(drop=True)


# -- community assets and gaps -------------------------------------------------------------------
def _community_graph(V: _View) -> tuple[np.ndarray, np.ndarray]:
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
    V = _view(G, at)
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


def community_gaps(G: DatedNetwork, at: DateLike | None = None, *,
                   at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
    """Return the neighbourhoods with isolated people and no active community group.

    These are the gaps for coordinators' community-building work: a neighbourhood where
    someone is isolated (alone, or in an isolated cluster) and none of the neighbourhood's
    groups has an active member or volunteer. Columns :data:`GAP_COLUMNS` (``groups`` is
    always 0); sorted by isolated people, largest first.

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "a", "type": "person", "neighbourhood": "Bryn"},
    ...            {"id": "b", "type": "person", "neighbourhood": "Castle"},
    ...            {"id": "walk", "type": "group", "neighbourhood": "Castle"}],
    ...     ties=[{"source": "b", "target": "walk", "kind": "member", "start": "2024-01-01"}]))
    >>> community_gaps(G, "2024-02-01")[["neighbourhood", "isolated"]].to_dict("records")
    [{'neighbourhood': 'Bryn', 'isolated': 1}]
    """
    table = neighbourhoods(G, at, at_risk_below=at_risk_below)
    gap = ((table["isolated"] > 0) | (table["isolated_clusters"] > 0)) & (table["groups"] == 0)
    table = table[gap].sort_values(["isolated", "in_isolated_clusters", "neighbourhood"],
                                   ascending=[False, False, True], kind="stable")
    return table[list(GAP_COLUMNS)].reset_index(drop=True)


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
    V = _view(G, at)
    used, number = _leiden(V, resolution, seed)
    return pd.Series(number[used], index=pd.Index(V.S.ids[used], name="id"), name="community")


def _leiden(V: _View, resolution: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
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
    V = _view(G, at)
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
