"""Households and the family's network, against the plain-Python reference and by hand."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from lacgraph.analysis.families import ALTER_COLUMNS, family, household, page_family, page_household
from lacgraph.errors import NotFound, QueryError
from lacgraph.network import Network
from lacgraph.tables import Tables
from tests import suggest_reference as ref
from tests.unit.test_suggestions import PEOPLE, temporal_networks


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(temporal_networks())
def test_every_family_agrees_with_the_plain_python_reference(case):
    T, at = case
    nodes, ties = T.to_text()
    nodes, ties = nodes.to_dict("records"), ties.to_dict("records")
    for person in PEOPLE:
        want = ref.family(nodes, ties, person, at)
        F = family(T, person, str(at))
        assert F.members["id"].tolist() == want["members"]
        assert household(T, person, str(at)) == want["members"]
        got = {row["id"]: (row["category"], row["circle"]) for row in F.alters.to_dict("records")}
        assert got == want["alters"]
        assert F.counts() == want["counts"]
        assert list(F.alters.columns) == list(ALTER_COLUMNS)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(temporal_networks())
def test_the_stores_ego_lookups_give_the_same_family(case):
    """Network.family reads a few ego networks; the answer is the whole programme's."""
    T, at = case
    G = Network.from_tables(T)
    for person in PEOPLE:
        got, want = G.family(person, at=str(at)), family(T, person, str(at))
        assert got.members["id"].tolist() == want.members["id"].tolist()
        assert got.alters.to_dict("records") == want.alters.to_dict("records")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(temporal_networks())
def test_the_page_section_is_the_whole_programmes_family(case):
    """The page's shortcut for people who live alone gives page_family's answer exactly."""
    T, at = case
    G = Network.from_tables(T)
    for person in PEOPLE:
        want = page_family(family(T, person, str(at)))
        assert page_household(G.store, person, str(at)) == want


@pytest.fixture
def home() -> Tables:
    """Sam lives with Jo (home h1) and, since March, also with Al at a second home (h2).

    Jo is also Sam's friend (a household member who is a friend: never an alter).
    Cy is Jo's friend (circle 2) and Sam's neighbour (circle 3): natural, circle 2.
    The choir has Jo and Al as members; the GP is Sam's (paid); Bea lived at h1 until 2024.
    """
    nodes = [{"id": i, "type": "person", "label": i.title()}
             for i in ("sam", "jo", "al", "cy", "bea")]
    nodes += [{"id": "h1", "type": "family"}, {"id": "h2", "type": "family"},
              {"id": "choir", "type": "group", "label": "Choir"},
              {"id": "gp", "type": "service", "label": "GP"}]
    ties = [("sam", "h1", "household", "2020-01-01", ""), ("h1", "jo", "household", "2020-01-01", ""),
            ("bea", "h1", "household", "2020-01-01", "2024-01-01"),
            ("sam", "h2", "household", "2024-03-01", ""), ("al", "h2", "household", "2024-03-01", ""),
            ("sam", "jo", "friend", "2020-01-01", ""),
            ("jo", "cy", "friend", "2021-01-01", ""), ("sam", "cy", "neighbour", "2021-01-01", ""),
            ("jo", "choir", "member", "2022-01-01", ""), ("al", "choir", "volunteer", "2022-01-01", ""),
            ("sam", "gp", "service", "2019-01-01", "")]
    return Tables.from_records(nodes, [
        {"source": s, "target": t, "kind": k, "start": a, "end": b} for s, t, k, a, b in ties])


def test_household_at_dates(home):
    assert household(home, "sam", "2023-06-01") == ["bea", "jo", "sam"]
    assert household(home, "sam", "2024-01-01") == ["jo", "sam"]           # Bea left on t
    assert household(home, "sam", "2024-03-01") == ["al", "jo", "sam"]     # two homes from t
    assert household(home, "jo", "2024-06-01") == ["jo", "sam"]            # Al is not Jo's
    assert household(home, "cy", "2024-06-01") == ["cy"]


def test_family_network(home):
    F = family(home, "sam", "2024-06-01")
    assert F.alters[["id", "kind", "category", "circle", "known_by"]].to_dict("records") == [
        {"id": "cy", "kind": "friend;neighbour", "category": "natural", "circle": 2,
         "known_by": "jo;sam"},
        {"id": "choir", "kind": "member;volunteer", "category": "community", "circle": 3,
         "known_by": "al;jo"},
        {"id": "gp", "kind": "service", "category": "paid", "circle": 4, "known_by": "sam"},
    ]
    assert F.counts() == {"size": 3, "natural": 1, "community": 1, "paid": 1}
    assert F.table()["role"].tolist() == ["household"] * 3 + ["network"] * 3


def test_unknown_or_not_a_person(home):
    with pytest.raises(NotFound, match="nobody"):
        family(home, "nobody", "2024-06-01")
    with pytest.raises(QueryError, match="is a group, not a person"):
        family(home, "choir", "2024-06-01")


def test_network_family_is_the_function(home):
    G = Network.from_tables(home)
    F = G.family("sam", at="2024-06-01")
    assert F.counts() == family(home, "sam", "2024-06-01").counts()
    assert G.family("sam").members["id"].tolist() == ["al", "jo", "sam"]  # last date
