"""The manager's view: isolated people, isolated clusters, neighbourhoods and their gaps.

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

The community graph's tables (assets, Leiden communities) are
:mod:`lacgraph.analysis.communities` (still importable from here for one release); the
snapshot is read once per day by :mod:`lacgraph.analysis.manager_view`.

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

from collections.abc import Sequence

import numpy as np
import pandas as pd

# Kept for one release: the community graph's tables moved to lacgraph.analysis.communities.
from lacgraph.analysis.communities import (
    ASSET_COLUMNS,
    COMMUNITY_COLUMNS,
    communities,
    community_assets,
    community_membership,
)
from lacgraph.analysis.manager_view import (
    NO_NEIGHBOURHOOD,
    ManagerView,
    manager_view,
    paid_people,
)
from lacgraph.analysis.measures import ego_measures
from lacgraph.analysis.snapshot import COMMUNITY
from lacgraph.dated import DatedNetwork
from lacgraph.errors import QueryError
from lacgraph.model import AT_RISK_THRESHOLD
from lacgraph.tables import DateLike

__all__ = ["ASSET_COLUMNS", "CHANGE_COUNTS", "CLUSTER_COLUMNS", "COMMUNITY_COLUMNS",
           "GAP_COLUMNS", "NEIGHBOURHOOD_COLUMNS", "NEIGHBOURHOOD_COUNTS", "NO_NEIGHBOURHOOD",
           "PEOPLE_COLUMNS", "communities", "community_assets", "community_gaps",
           "community_membership", "isolated_clusters", "isolated_people", "neighbourhoods",
           "select_neighbourhoods"]

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
GAP_COLUMNS: tuple[str, ...] = (
    "neighbourhood", "people", "isolated", "at_risk", "isolated_clusters",
    "in_isolated_clusters", "groups",
)



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
    V = manager_view(G, at)
    return _clusters_table(G, V)


def _clusters_table(G: DatedNetwork, V: ManagerView) -> pd.DataFrame:
    members = np.flatnonzero(V.cluster > 0)
    if len(members) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("members", "neighbourhoods")
                                           else np.int64) for c in CLUSTER_COLUMNS})
    nodes = V.S.nodes
    ward = nodes["neighbourhood"].to_numpy(dtype=object)[members]
    frame = pd.DataFrame({
        "cluster": V.cluster[members], "id": V.S.ids[members].astype(str),
        "ward": ward, "supported": V.supported[members],
        "paid": paid_people(G, V)[members],
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
    V = manager_view(G, at)
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
def _neighbourhood_counts(G: DatedNetwork, V: ManagerView, at_risk_below: int) -> pd.DataFrame:
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
    now = _neighbourhood_counts(G, manager_view(G, at), at_risk_below)
    if since is None:
        return now[list(NEIGHBOURHOOD_COLUMNS)]
    day, then_day = G.resolve_date(at), G.resolve_date(since)
    if then_day > day:
        raise QueryError(f"The 'since' date {then_day} is after the 'at' date {day}: "
                         "expected an earlier date to measure the change from.")
    then = _neighbourhood_counts(G, manager_view(G, then_day), at_risk_below)
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


# -- gaps ----------------------------------------------------------------------------------------
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


