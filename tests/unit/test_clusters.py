"""The manager view against an independent plain-networkx calculation on random dated
networks, and against hand-built towns whose answers were worked out by hand."""

from __future__ import annotations

import datetime as dt
import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lacgraph.analysis import clusters as C
from lacgraph.model import KIND_CATEGORY
from lacgraph.network import Network
from lacgraph.tables import Tables
from tests.conftest import random_network

WARDS = ("Castle", "Mayhill", "Bryn", "")


# -- an independent reference: plain python dates and networkx, row by row ---------------------
def _day(value: object) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def active(T: Tables, at: str) -> list[dict]:
    """The ties active at ``at``, by DESIGN.md's rule, one dict per tie."""
    t = dt.date.fromisoformat(at)
    out = []
    for tie in T.ties.to_dict("records"):
        start, end = _day(tie["start"]), _day(tie["end"])
        if start <= t and (end is None or t < end):
            out.append(tie)
    return out


def reference(T: Tables, at: str) -> dict:
    """Isolated clusters, people flags and neighbourhood counts, the slow obvious way."""
    t = dt.date.fromisoformat(at)
    nodes = {n["id"]: n for n in T.nodes.to_dict("records")}
    people = [i for i, n in nodes.items() if n["type"] == "person"]
    ties = active(T, at)
    category = [KIND_CATEGORY.get(tie["kind"]) for tie in ties]
    natural = nx.Graph()
    natural.add_nodes_from(people)
    close: dict[str, set] = {p: set() for p in people}
    in_group, paid = set(), set()
    group_people: dict[str, set] = {}
    for tie, cat in zip(ties, category, strict=True):
        a, b = tie["source"], tie["target"]
        if cat == "natural":
            natural.add_edge(a, b)
        if cat in ("natural", "community"):
            for x, y in ((a, b), (b, a)):
                if x in close:
                    close[x].add(y)
        if cat == "community":
            person, group = (a, b) if nodes[a]["type"] == "person" else (b, a)
            in_group.add(person)
            group_people.setdefault(group, set()).add(person)
        if cat == "paid":
            paid.update({a, b})

    def supported(p: str) -> bool:
        n = nodes[p]
        return bool(n["supported"]) and (pd.isna(n["introduced_on"])
                                         or _day(n["introduced_on"]) <= t)

    clusters = [sorted(c) for c in nx.connected_components(natural)
                if len(c) >= 2 and not set(c) & in_group]
    clusters.sort(key=lambda c: (-len(c), c[0]))
    cluster_rows = [{
        "cluster": k + 1, "size": len(c), "members": ";".join(c),
        "neighbourhoods": ";".join(sorted({nodes[p]["neighbourhood"] for p in c} - {""})),
        "supported": sum(supported(p) for p in c),
        "with_paid_ties": sum(p in paid for p in c),
    } for k, c in enumerate(clusters)]
    cluster_of = {p: k + 1 for k, c in enumerate(clusters) for p in c}

    def ward(i: str) -> str:
        return nodes[i]["neighbourhood"] or C.NO_NEIGHBOURHOOD

    wards = sorted({ward(i) for i, n in nodes.items() if n["type"] in ("person", "group")})
    rows = []
    for w in wards:
        here = [p for p in people if ward(p) == w]
        groups = [g for g in group_people if ward(g) == w]
        coordinators = {nodes[p]["coordinator"] for p in here
                        if supported(p) and nodes[p]["coordinator"]}
        rows.append({
            "neighbourhood": w, "people": len(here),
            "supported": sum(supported(p) for p in here),
            "isolated": sum(len(close[p]) == 0 for p in here),
            "at_risk": sum(len(close[p]) < 3 for p in here),
            "isolated_clusters": len({cluster_of[p] for p in here if p in cluster_of}),
            "in_isolated_clusters": sum(p in cluster_of for p in here),
            "groups": len(groups),
            "group_members": len(set().union(*(group_people[g] for g in groups))),
            "coordinators": len(coordinators),
        })
    return {"clusters": cluster_rows, "cluster_of": cluster_of, "close": close,
            "neighbourhoods": rows}


def with_places(T: Tables, seed: int) -> Tables:
    """Give a random network neighbourhoods, supported people, coordinators and dates."""
    rng = np.random.default_rng(seed)
    nodes = T.nodes.copy()
    n = len(nodes)
    nodes["neighbourhood"] = [WARDS[i] for i in rng.integers(len(WARDS), size=n)]
    people = (nodes["type"] == "person").to_numpy()
    nodes["supported"] = people & (rng.random(n) < 0.4)
    coordinators = nodes.loc[nodes["type"] == "coordinator", "id"].tolist()
    nodes["coordinator"] = np.where(nodes["supported"], rng.choice(coordinators, size=n), "")
    days = np.datetime64("2023-06-01") + rng.integers(0, 500, size=n).astype("timedelta64[D]")
    nodes["introduced_on"] = np.where(nodes["supported"] & (rng.random(n) < 0.8), days,
                                      np.datetime64("NaT")).astype("datetime64[s]")
    return Tables(nodes, T.ties)


def town_dates(T: Tables, at: str) -> list[str]:
    """``at`` plus every date on which a community tie starts or ends."""
    community = T.ties[T.ties["kind"].map(KIND_CATEGORY) == "community"]
    dates = pd.concat([community["start"], community["end"]]).dropna()
    return sorted({at, *(str(d.date()) for d in dates)})


CASES = [(seed, people, ties) for seed in range(12) for people, ties in ((40, 60), (25, 90))]


@pytest.mark.parametrize(("seed", "n_people", "n_ties"), CASES)
def test_clusters_people_and_neighbourhoods_match_networkx(seed, n_people, n_ties):
    T = with_places(random_network(seed, n_people=n_people, n_ties=n_ties), seed)
    G = Network.from_tables(T)
    for at in town_dates(T, "2024-06-01")[::3] + ["2024-06-01"]:
        ref = reference(T, at)
        got = C.isolated_clusters(G, at)
        assert got.to_dict("records") == ref["clusters"], at

        people = C.isolated_people(G, at).set_index("id")
        expected_people = {p for p, alters in ref["close"].items() if len(alters) < 3}
        assert set(people.index) == expected_people
        for p, row in people.iterrows():
            assert row["isolated"] == (len(ref["close"][p]) == 0)
            assert row["natural"] + row["community"] == len(ref["close"][p])
            assert (row["cluster"] if pd.notna(row["cluster"]) else None) == \
                ref["cluster_of"].get(p)

        table = C.neighbourhoods(G, at).drop(columns="supported_per_coordinator")
        assert table.to_dict("records") == ref["neighbourhoods"], at


def test_random_networks_have_clusters_to_compare():
    # the comparison above must not pass vacuously
    found = sum(len(reference(with_places(random_network(s, 40, 60), s), "2024-06-01")
                    ["clusters"]) for s in range(12))
    assert found >= 12


def test_a_community_tie_dissolves_the_cluster_the_day_it_starts():
    nodes = [{"id": i, "type": "person", "neighbourhood": "Castle"} for i in ("ann", "bob", "cy")]
    nodes.append({"id": "choir", "type": "group", "neighbourhood": "Castle"})
    tie = lambda s, t, k, start, end="": {  # noqa: E731
        "source": s, "target": t, "kind": k, "start": start, "end": end}
    G = Network.from_tables(Tables.from_records(nodes, [
        tie("ann", "bob", "friend", "2024-01-01"),
        tie("bob", "cy", "neighbour", "2024-01-01"),
        tie("cy", "choir", "member", "2024-03-01", "2024-05-01"),
    ]))
    assert C.isolated_clusters(G, "2024-02-29")["members"].tolist() == ["ann;bob;cy"]
    assert C.isolated_clusters(G, "2024-03-01").empty          # starts: dissolved that day
    assert C.isolated_clusters(G, "2024-04-30").empty
    assert C.isolated_clusters(G, "2024-05-01")["members"].tolist() == ["ann;bob;cy"]  # ended
    counts = C.neighbourhoods(G, "2024-03-01", since="2024-02-29").iloc[0]
    assert (counts["isolated_clusters"], counts["isolated_clusters_change"]) == (0, -1)
    assert (counts["groups"], counts["groups_change"]) == (1, 1)


def test_ranking_size_then_smallest_member_id_and_paid_ties():
    people = ["a1", "a2", "b1", "b2", "b3", "c1", "c2", "z1", "z2", "solo"]
    nodes = [{"id": p, "type": "person", "supported": p in ("b1", "z1")} for p in people]
    nodes += [{"id": "gp", "type": "service"}]
    pairs = [("z1", "z2"), ("c2", "c1"), ("b1", "b2"), ("b2", "b3"), ("a2", "a1")]
    ties = [{"source": s, "target": t, "kind": "family", "start": "2024-01-01"} for s, t in pairs]
    # a paid carer who is also family: the paid tie hides behind the natural one in the
    # snapshot, but the member still has an active paid tie
    ties += [{"source": "c1", "target": "c2", "kind": "service", "start": "2024-01-01"},
             {"source": "z2", "target": "gp", "kind": "service", "start": "2024-01-01"}]
    got = C.isolated_clusters(Network.from_tables(Tables.from_records(nodes, ties)),
                              "2024-02-01")
    assert got["members"].tolist() == ["b1;b2;b3", "a1;a2", "c1;c2", "z1;z2"]
    assert got["cluster"].tolist() == [1, 2, 3, 4]
    assert got["supported"].tolist() == [1, 0, 0, 1]
    assert got["with_paid_ties"].tolist() == [0, 0, 2, 1]


# -- community assets on a hand-built town --------------------------------------------------------
def town() -> Network:
    """Ward A: the hall (a1, a2, a3; a1-a2 friends; a3's only tie) and the cafe (a2, b1);
    ward B: b1-b2-b3-b4 friends in a line, the choir (b2, b3); ward C: c1 alone and a
    group whose last member left; ward D: d1, friend of b4 and in the choir."""
    nodes = [{"id": p, "type": "person", "neighbourhood": p[0].upper()}
             for p in ("a1", "a2", "a3", "b1", "b2", "b3", "b4", "c1", "d1")]
    nodes += [{"id": "hall", "type": "group", "neighbourhood": "A", "label": "Village Hall"},
              {"id": "cafe", "type": "group", "neighbourhood": "A", "label": "Cafe"},
              {"id": "choir", "type": "group", "neighbourhood": "B", "label": "Choir"},
              {"id": "closed", "type": "group", "neighbourhood": "C", "label": "Closed"}]
    tie = lambda s, t, k, end="": {  # noqa: E731
        "source": s, "target": t, "kind": k, "start": "2024-01-01", "end": end}
    ties = [tie("a1", "hall", "member"), tie("a2", "hall", "member"), tie("a3", "hall", "member"),
            tie("a1", "a2", "friend"), tie("a2", "cafe", "volunteer"), tie("b1", "cafe", "member"),
            tie("b1", "b2", "friend"), tie("b2", "b3", "friend"), tie("b3", "b4", "friend"),
            tie("b2", "choir", "member"), tie("b3", "choir", "member"),
            tie("d1", "b4", "friend"), tie("d1", "choir", "member"),
            tie("c1", "closed", "member", end="2024-02-01")]
    return Network.from_tables(Tables.from_records(nodes, ties))


def test_assets_on_a_hand_built_town():
    got = C.community_assets(town(), "2024-06-01").set_index("id")
    assert list(got.index) == ["hall", "choir", "cafe"]  # by otherwise_at_risk, cut off
    hall, cafe, choir = (got.loc[g] for g in ("hall", "cafe", "choir"))
    # hall: a1 (a2, hall), a2 (a1, hall, cafe), a3 (hall) would all drop below 3
    assert (hall["members"], hall["otherwise_at_risk"], hall["only_connection"]) == (3, 3, 1)
    # without the hall a3 is cut off; hall-a3 is its one bridge tie
    assert (hall["cut_point"], hall["splits_into"], hall["people_cut_off"],
            hall["bridge_ties"]) == (True, 2, 1, 1)
    # without the cafe: {a1, a2, a3} and {b1, b2, b3, b4, d1}: 3 people cut off
    assert (cafe["members"], cafe["otherwise_at_risk"], cafe["only_connection"]) == (2, 2, 0)
    assert (cafe["cut_point"], cafe["splits_into"], cafe["people_cut_off"],
            cafe["bridge_ties"]) == (True, 2, 3, 2)
    # the choir sits in cycles (b2-b3, b3-b4-d1): nothing splits
    assert (choir["members"], choir["cut_point"], choir["splits_into"],
            choir["people_cut_off"], choir["bridge_ties"]) == (3, False, 1, 0, 0)
    assert choir["otherwise_at_risk"] == 3  # b2 (b1,b3,choir) b3 (b2,b4,choir) d1 (b4,choir)


def test_gaps_on_a_hand_built_town():
    gaps = C.community_gaps(town(), "2024-06-01")
    assert gaps[["neighbourhood", "isolated", "groups"]].to_dict("records") == [
        {"neighbourhood": "C", "isolated": 1, "groups": 0}]
    # before the closed group lost its last member, ward C had an active group
    assert C.community_gaps(town(), "2024-01-15").empty


@pytest.mark.parametrize("seed", range(8))
def test_cut_points_match_removing_each_group_in_networkx(seed):
    T = random_network(seed, n_people=30, n_ties=50)
    G = Network.from_tables(T)
    at = "2024-06-01"
    types = dict(zip(T.nodes["id"], T.nodes["type"], strict=True))
    graph = nx.Graph()
    for tie in active(T, at):
        if KIND_CATEGORY.get(tie["kind"]) in ("natural", "community"):
            graph.add_edge(tie["source"], tie["target"])
    bridges = {frozenset(e) for e in nx.bridges(graph)}
    got = C.community_assets(G, at).set_index("id")
    assert len(got) > 0
    for group, row in got.iterrows():
        part = graph.subgraph(nx.node_connected_component(graph, group)).copy()
        part.remove_node(group)
        pieces = [sum(types[v] == "person" for v in c) for c in nx.connected_components(part)]
        people = sum(pieces)
        assert row["cut_point"] == (len(pieces) >= 2)
        assert row["splits_into"] == max(len(pieces), 1)
        assert row["people_cut_off"] == (people - max(pieces) if len(pieces) >= 2 else 0)
        assert row["bridge_ties"] == sum(frozenset((group, v)) in bridges
                                         for v in graph[group])
        assert row["members"] == sum(types[v] == "person" for v in graph[group])


# -- communities -----------------------------------------------------------------------------------
def two_villages() -> Network:
    """Two five-person cliques (wards East and West) joined by one friendship."""
    east = [f"e{i}" for i in range(5)]
    west = [f"w{i}" for i in range(5)]
    nodes = [{"id": p, "type": "person", "neighbourhood": "East" if p[0] == "e" else "West"}
             for p in east + west] + [{"id": "lonely", "type": "person"}]
    pairs = [(a, b) for v in (east, west) for i, a in enumerate(v) for b in v[i + 1:]]
    pairs.append(("e0", "w0"))
    ties = [{"source": a, "target": b, "kind": "friend", "start": "2024-01-01"} for a, b in pairs]
    return Network.from_tables(Tables.from_records(nodes, ties))


def test_communities_find_the_two_villages():
    got = C.communities(two_villages(), "2024-02-01")
    assert got[["community", "people", "neighbourhoods", "main_neighbourhood", "main_share",
                "neighbourhood_mix"]].to_dict("records") == [
        {"community": 1, "people": 5, "neighbourhoods": 1, "main_neighbourhood": "East",
         "main_share": 1.0, "neighbourhood_mix": "East 5"},
        {"community": 2, "people": 5, "neighbourhoods": 1, "main_neighbourhood": "West",
         "main_share": 1.0, "neighbourhood_mix": "West 5"}]
    membership = C.community_membership(two_villages(), "2024-02-01")
    assert "lonely" not in membership.index  # no natural or community tie: no community


def test_leiden_is_deterministic_for_a_seed_and_leaves_global_random_alone():
    from lacgraph.synthetic import programme

    G = Network.from_tables(programme(1200, seed=5))
    random.seed(99)
    expected_next = random.random()
    random.seed(99)
    first = C.community_membership(G, "2024-06-01", seed=7)
    assert random.random() == expected_next
    again = C.community_membership(Network.from_tables(programme(1200, seed=5)),
                                   "2024-06-01", seed=7)
    pd.testing.assert_series_equal(first, again)
    table = C.communities(G, "2024-06-01", seed=7)
    pd.testing.assert_frame_equal(table, C.communities(G, "2024-06-01", seed=7))
    assert table["people"].sum() == (first.index.str.startswith("p")).sum()
    finer = C.communities(G, "2024-06-01", resolution=4.0, seed=7)
    assert len(finer) > len(table)


def test_resolution_must_be_positive():
    from lacgraph.errors import QueryError

    with pytest.raises(QueryError, match="resolution"):
        C.communities(two_villages(), "2024-02-01", resolution=0)


def test_since_after_at_is_refused():
    from lacgraph.errors import QueryError

    with pytest.raises(QueryError, match="after"):
        C.neighbourhoods(two_villages(), "2024-01-01", since="2024-02-01")


def test_random_towns_have_cut_points_to_compare():
    # the networkx comparison above must not pass vacuously
    found = [C.community_assets(Network.from_tables(random_network(s, 30, 50)), "2024-06-01")
             for s in range(8)]
    assert sum(int(a["cut_point"].sum()) for a in found) >= 8
    assert sum(int(a["people_cut_off"].sum()) for a in found) >= 8


@pytest.mark.parametrize("seed", range(4))
def test_row_order_of_the_input_changes_nothing(seed):
    T = with_places(random_network(seed, n_people=40, n_ties=70), seed)
    rng = np.random.default_rng(seed)
    shuffled = Tables(T.nodes.iloc[rng.permutation(len(T.nodes))].reset_index(drop=True),
                      T.ties.iloc[rng.permutation(len(T.ties))].reset_index(drop=True))
    G, H = Network.from_tables(T), Network.from_tables(shuffled)
    at = "2024-06-01"
    for verb in (C.isolated_clusters, C.isolated_people, C.neighbourhoods,
                 C.community_assets, C.community_gaps):
        pd.testing.assert_frame_equal(verb(G, at), verb(H, at), obj=verb.__name__)


def test_every_community_tie_start_matches_networkx_that_day_and_the_day_before():
    checked = dissolved = 0
    for seed in range(6):
        T = with_places(random_network(seed, n_people=40, n_ties=60), seed)
        G = Network.from_tables(T)
        community = T.ties[T.ties["kind"].map(KIND_CATEGORY) == "community"]
        for start in sorted(set(community["start"])):
            day = str(start.date())
            before = str((start - pd.Timedelta(days=1)).date())
            for at in (before, day):
                assert C.isolated_clusters(G, at).to_dict("records") == \
                    reference(T, at)["clusters"], (seed, at)
            # nobody who joins a group that day is in an isolated cluster that day
            joining = community[community["start"] == start]
            joiners = set(joining["source"]) | set(joining["target"])
            members = {d: set(";".join(C.isolated_clusters(G, d)["members"]).split(";"))
                       for d in (before, day)}
            assert not members[day] & joiners
            dissolved += bool(members[before] & joiners)
            checked += 1
    assert checked >= 30 and dissolved >= 5  # clusters really did dissolve on those days


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n_people=st.integers(5, 40), n_ties=st.integers(5, 80),
       offset=st.integers(-300, 300))
def test_cluster_invariants(seed, n_people, n_ties, offset):
    T = with_places(random_network(seed, n_people=n_people, n_ties=n_ties), seed)
    at = str(np.datetime64("2024-06-01") + np.timedelta64(offset, "D"))
    G = Network.from_tables(T)
    clusters = C.isolated_clusters(G, at)
    measures = G.metrics(at).set_index("id")
    members = [m.split(";") for m in clusters["members"]]
    flat = [p for m in members for p in m]
    assert len(flat) == len(set(flat)) == clusters["size"].sum()  # clusters are disjoint
    assert all(m == sorted(m) and len(m) >= 2 for m in members)
    assert (measures.loc[flat, "community"] == 0).all()
    assert (measures.loc[flat, "natural"] >= 1).all()
    assert list(clusters["cluster"]) == list(range(1, len(clusters) + 1))
    keys = [(-len(m), m[0]) for m in members]
    assert keys == sorted(keys)
    assert (clusters["supported"] <= clusters["size"]).all()
    table = C.neighbourhoods(G, at)
    assert table["in_isolated_clusters"].sum() == len(flat)
    assert table["isolated"].sum() == measures["isolated"].sum()
    assert table["people"].sum() == len(measures)
