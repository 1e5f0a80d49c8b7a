"""The synthetic programme: deterministic, valid, and shaped like a LAC programme."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from lacgraph.model import KIND_CATEGORY, kind_fits
from lacgraph.synthetic import DEMO_PEOPLE, programme
from lacgraph.tables import Tables, normalise_nodes, normalise_ties
from tests.reference import reference_measures


@pytest.fixture(scope="module")
def big() -> Tables:
    return programme(20_000, seed=11)


@pytest.fixture(scope="module")
def small() -> Tables:
    return programme(600, seed=2)


def test_one_seed_one_programme():
    a, b = programme(3000, seed=5), programme(3000, seed=5)
    assert a.nodes.equals(b.nodes) and a.ties.equals(b.ties)


def test_different_seeds_differ():
    a, b = programme(3000, seed=5), programme(3000, seed=6)
    assert not a.ties.equals(b.ties)


def test_demo_size():
    T = programme()
    assert (T.nodes["type"] == "person").sum() == DEMO_PEOPLE


def test_tables_are_canonical(big: Tables):
    assert normalise_nodes(big.nodes).equals(big.nodes)
    assert normalise_ties(big.ties).equals(big.ties)


def test_ties_are_valid(big: Tables):
    nodes, ties = big.nodes, big.ties
    assert nodes["id"].is_unique
    assert ties["source"].isin(nodes["id"]).all() and ties["target"].isin(nodes["id"]).all()
    assert (ties["source"] != ties["target"]).all()
    ended = ties["end"].notna()
    assert (ties.loc[ended, "end"] > ties.loc[ended, "start"]).all()
    types = nodes.set_index("id")["type"]
    combos = pd.DataFrame({
        "kind": ties["kind"],
        "a": ties["source"].map(types),
        "b": ties["target"].map(types),
    }).drop_duplicates()
    bad = [c for c in combos.itertuples(index=False) if not kind_fits(c.kind, c.a, c.b)]
    assert bad == []
    source, target = ties["source"].to_numpy(str), ties["target"].to_numpy(str)
    lo, hi = np.where(source < target, source, target), np.where(source < target, target, source)
    key = pd.DataFrame({"lo": lo, "hi": hi, "kind": ties["kind"], "start": ties["start"]})
    assert not key.duplicated().any()
    assert ties["circle"].between(1, 4).all()


def test_at_least_three_ties_per_person(big: Tables):
    people = (big.nodes["type"] == "person").sum()
    assert people == 20_000
    assert len(big.ties) >= 3 * people


def test_caseloads_look_like_level_two_caseloads(big: Tables):
    supported = big.nodes[big.nodes["supported"]]
    caseload = supported.groupby("coordinator").size()
    assert caseload.between(40, 70).all()
    coordinators = big.nodes.loc[big.nodes["type"] == "coordinator", "id"]
    assert set(caseload.index) == set(coordinators)
    assert supported["introduced_on"].notna().all()
    assert (big.nodes.loc[~big.nodes["supported"], "introduced_on"].isna()).all()


def test_no_absurd_hubs(big: Tables):
    degree = pd.concat([big.ties["source"], big.ties["target"]]).value_counts()
    assert degree.max() <= 5000


def test_supported_people_start_small_and_mostly_grow(small: Tables):
    supported = small.nodes[small.nodes["supported"]]
    last = small.ties["start"].max()
    due = supported[supported["introduced_on"] + pd.DateOffset(months=12) <= last]
    assert len(due) >= 20
    before, after = [], []
    for person, introduced in zip(due["id"], due["introduced_on"], strict=True):
        at_intro = reference_measures(small, introduced, people=[person]).iloc[0]
        later = reference_measures(small, introduced + pd.DateOffset(months=12),
                                   people=[person]).iloc[0]
        assert at_intro["natural"] <= 2 and at_intro["paid"] >= 2  # services + coordinator
        before.append(at_intro["natural"] + at_intro["community"])
        after.append(later["natural"] + later["community"])
    change = np.array(after) - np.array(before)
    assert change.mean() > 1
    assert (change > 0).mean() > 0.5
    assert (change <= 0).any()  # a minority do not grow


def test_some_supported_people_stay_isolated(big: Tables):
    supported = big.nodes.loc[big.nodes["supported"], "id"]
    close = big.ties[big.ties["kind"].map(KIND_CATEGORY).isin(["natural", "community"])]
    ever_close = set(close["source"]) | set(close["target"])
    assert (~supported.isin(ever_close)).sum() > 0


def test_small_isolated_clusters_exist():
    T = programme(3000, seed=4)
    at = np.datetime64("2024-06-01")
    ties = T.ties[(T.ties["start"] <= at) & (T.ties["end"].isna() | (T.ties["end"] > at))]
    category = ties["kind"].map(KIND_CATEGORY)
    natural = ties[category == "natural"]
    community = ties[category == "community"]
    in_groups = set(community["source"]) | set(community["target"])
    G = nx.Graph(zip(natural["source"], natural["target"], strict=True))
    clusters = [c for c in nx.connected_components(G)
                if len(c) >= 2 and not c & in_groups]
    assert sum(1 for c in clusters if len(c) <= 3) >= 10


def test_too_few_people_is_refused():
    with pytest.raises(ValueError, match="at least 20"):
        programme(5)
