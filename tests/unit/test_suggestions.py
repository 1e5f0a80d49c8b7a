"""Connection suggestions: the vectorised module against a plain-Python reference, and
every tie-break of the ranking on networks drawn by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lacgraph.analysis.snapshot import project
from lacgraph.analysis.suggestions import (
    ALL_COLUMNS,
    SUGGESTION_COLUMNS,
    suggest,
    suggest_all,
    suggest_each,
)
from lacgraph.errors import NotFound, QueryError
from lacgraph.network import Network
from lacgraph.tables import Tables
from tests import suggest_reference as ref

T0 = dt.date(2024, 6, 1)
PLACES = ("", "Bay", "Town")
PEOPLE = [f"p{i}" for i in range(8)]
GROUPS = [f"g{i}" for i in range(4)]
FAMILIES = ["h0", "h1", "h2"]
OTHERS = [("s0", "service"), ("c0", "coordinator")]
# start offsets (days from t) on and around every boundary of the definitions
STARTS = [-900, -731, -730, -729, -400, -183, -182, -181, -30, -1, 0, 1]
LENGTHS = [1, 100, 181, 182, 183, 400]


@st.composite
def temporal_networks(draw: st.DrawFn) -> tuple[Tables, dt.date]:
    """Random dated networks with every node type, ties starting or ending exactly on t,
    on the retention window's edges and on a joiner's 182nd day, groups with no members,
    people in two households and household members who are also friends."""
    nodes = [{"id": p, "type": "person", "label": draw(st.sampled_from(["", "Sam", "Jo"])),
              "neighbourhood": draw(st.sampled_from(PLACES)),
              "supported": draw(st.booleans())} for p in PEOPLE]
    nodes += [{"id": g, "type": "group", "label": f"Group {g}",
               "neighbourhood": draw(st.sampled_from(PLACES))} for g in GROUPS]
    nodes += [{"id": h, "type": "family", "label": h} for h in FAMILIES]
    nodes += [{"id": i, "type": t, "label": i} for i, t in OTHERS]
    kinds = {"family": PEOPLE, "friend": PEOPLE, "neighbour": PEOPLE, "peer": PEOPLE,
             "member": GROUPS, "volunteer": GROUPS, "household": FAMILIES,
             "service": ["s0"] + PEOPLE, "coordinator": ["c0"]}
    ties, keys = [], set()
    for _ in range(draw(st.integers(0, 45))):
        kind = draw(st.sampled_from(sorted(kinds)))
        a = draw(st.sampled_from(PEOPLE))
        b = draw(st.sampled_from(kinds[kind]))
        if a == b:
            continue
        start = T0 + dt.timedelta(days=draw(st.one_of(st.sampled_from(STARTS),
                                                       st.integers(-800, 5))))
        end_how = draw(st.sampled_from(["none", "none", "on t", "length"]))
        end = (None if end_how == "none" else T0 if end_how == "on t"
               else start + dt.timedelta(days=draw(st.sampled_from(LENGTHS))))
        if end is not None and end <= start:
            end = None
        key = (min(a, b), max(a, b), kind, start)
        if key in keys:
            continue
        keys.add(key)
        source, target = (a, b) if draw(st.booleans()) else (b, a)
        ties.append({"source": source, "target": target, "kind": kind, "start": str(start),
                     "end": "" if end is None else str(end),
                     "circle": draw(st.sampled_from(["", "1", "2", "3", "4"]))})
    return Tables.from_records(nodes, ties), T0


def reference_rows(T: Tables, person: str, at: dt.date) -> list[dict]:
    nodes, ties = T.to_text()
    return ref.suggest(nodes.to_dict("records"), ties.to_dict("records"), person, at)


def as_records(frame: pd.DataFrame) -> list[dict]:
    rows = frame.drop(columns=["reason"]).to_dict("records")
    for row in rows:
        row["retention"] = float(row["retention"])
        row["same_neighbourhood"] = bool(row["same_neighbourhood"])
        row["friends_in_group"] = int(row["friends_in_group"])
        row["members"] = int(row["members"])
        row["retention_n"] = int(row["retention_n"])
    return rows


def same_rows(got: list[dict], want: list[dict]) -> None:
    assert [r["group"] for r in got] == [r["group"] for r in want]
    for g, w in zip(got, want, strict=True):
        for key, value in w.items():
            if isinstance(value, float) and math.isnan(value):
                assert math.isnan(g[key]), (key, g, w)
            else:
                assert g[key] == pytest.approx(value) if isinstance(value, float) else \
                    g[key] == value, (key, g, w)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(temporal_networks())
def test_every_person_agrees_with_the_plain_python_reference(case):
    T, at = case
    S = project(T, str(at))
    for person in PEOPLE:
        got = suggest(S, T, person, limit=None)
        assert list(got.columns) == list(SUGGESTION_COLUMNS)
        same_rows(as_records(got), reference_rows(T, person, at))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(temporal_networks())
def test_all_is_every_at_risk_supported_persons_top_suggestion(case):
    T, at = case
    S = project(T, str(at))
    table = suggest_all(S, T)
    assert list(table.columns) == list(ALL_COLUMNS)
    _, ties = T.to_text()
    records = ties.to_dict("records")
    supported = set(T.nodes.loc[T.nodes["supported"], "id"])
    expected = sorted(p for p in PEOPLE
                      if p in supported and ref.close_alters(records, p, at) < 3)
    assert table["id"].tolist() == expected
    for row in table.to_dict("records"):
        want = reference_rows(T, row["id"], at)[:1]
        top = suggest(S, T, row["id"], limit=1)
        if not want:
            assert row["group"] == "" and row["reason"].startswith("Nothing to suggest yet")
            assert top.empty
            continue
        same_rows(as_records(pd.DataFrame([row])[list(SUGGESTION_COLUMNS)]), want)
        assert row["reason"] == top["reason"].iat[0]


@settings(max_examples=30, deadline=None)
@given(temporal_networks(), st.integers(0, 3))
def test_limit_is_the_head_of_the_full_ranking(case, limit):
    T, at = case
    S = project(T, str(at))
    full = suggest(S, T, "p0", limit=None)
    pd.testing.assert_frame_equal(suggest(S, T, "p0", limit=limit), full.head(limit))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(temporal_networks(), st.sampled_from([None, 0, 1, 2, 5]))
def test_each_is_suggest_of_every_person_exactly(case, limit):
    """The caseload-at-once answer (the person page's) equals one person at a time."""
    T, at = case
    S = project(T, str(at))
    people = [p for p in PEOPLE if p in set(T.nodes["id"])]
    each = suggest_each(S, T, people[::-1], limit=limit)  # any order of people
    assert list(each) == people[::-1]
    for person in people:
        pd.testing.assert_frame_equal(each[person], suggest(S, T, person, limit=limit))


# -- hand-built cases: every tie-break of the ranking ----------------------------------------
def programme(extra_nodes: list[dict], ties: list[tuple]) -> Tables:
    """Sam lives in Bay; friends f1..f3; members m1..m9; groups as given."""
    nodes = [{"id": "sam", "type": "person", "label": "Sam", "neighbourhood": "Bay",
              "supported": True}]
    nodes += [{"id": f"f{i}", "type": "person", "label": f"F{i}"} for i in range(1, 4)]
    nodes += [{"id": f"m{i}", "type": "person", "label": f"M{i}"} for i in range(1, 10)]
    nodes += extra_nodes
    rows = [{"source": "sam", "target": f"f{i}", "kind": "friend", "start": "2020-01-01"}
            for i in range(1, 4)]
    for t in ties:
        source, target, kind, start, *end = t
        rows.append({"source": source, "target": target, "kind": kind, "start": start,
                     "end": end[0] if end else ""})
    return Tables.from_records(nodes, rows)


def group(gid: str, place: str = "") -> dict:
    return {"id": gid, "type": "group", "label": gid.title(), "neighbourhood": place}


def ranked(T: Tables, at: str = "2024-06-01") -> list[str]:
    return suggest(project(T, at), T, "sam", limit=None)["group"].tolist()


def test_more_friends_first():
    T = programme([group("a"), group("b")],
                  [("f1", "a", "member", "2020-01-01"),
                   ("f1", "b", "member", "2020-01-01"), ("f2", "b", "member", "2020-01-01")])
    assert ranked(T) == ["b", "a"]


def test_same_neighbourhood_first_when_friends_tie():
    T = programme([group("a", "Town"), group("b", "Bay")],
                  [("f1", "a", "member", "2020-01-01"), ("f1", "b", "member", "2020-01-01"),
                   ("m1", "a", "member", "2020-01-01")])
    assert ranked(T) == ["b", "a"]  # a has more members; neighbourhood comes first


def test_higher_retention_first_and_empty_retention_last():
    # joiners inside the window (after 2022-06-02, 182nd day on or before 2024-06-01)
    T = programme([group("a", "Bay"), group("b", "Bay"), group("c", "Bay")],
                  [("m1", "a", "member", "2023-01-01", "2023-02-01"),   # left early
                   ("m2", "a", "member", "2023-01-01"),                 # stayed: a 1 of 2
                   ("m3", "b", "member", "2023-01-01"),                 # b 1 of 1
                   ("m4", "c", "member", "2020-01-01"),                 # outside: c empty
                   ("m5", "c", "member", "2020-01-01"),
                   ("m6", "c", "member", "2020-01-01")])
    found = suggest(project(T, "2024-06-01"), T, "sam", limit=None)
    assert found["group"].tolist() == ["b", "a", "c"]
    assert found["retention"].iloc[:2].tolist() == [1.0, 0.5]
    assert math.isnan(found["retention"].iat[2]) and found["retention_n"].iat[2] == 0


def test_more_members_first_when_retention_ties():
    T = programme([group("a", "Bay"), group("b", "Bay")],
                  [("m1", "a", "member", "2020-01-01"),
                   ("m2", "b", "member", "2020-01-01"), ("m3", "b", "volunteer", "2020-01-01")])
    assert ranked(T) == ["b", "a"]


def test_group_id_last():
    T = programme([group("zeta", "Bay"), group("alpha", "Bay")],
                  [("m1", "zeta", "member", "2020-01-01"), ("m2", "alpha", "member", "2020-01-01")])
    assert ranked(T) == ["alpha", "zeta"]


def test_who_is_not_a_candidate():
    T = programme([group("mine", "Bay"), group("empty", "Bay"), group("gone", "Bay"),
                   group("far", "Town"), group("nowhere")],
                  [("sam", "mine", "member", "2020-01-01"),           # Sam already goes
                   ("f1", "mine", "member", "2020-01-01"),
                   ("m1", "gone", "member", "2020-01-01", "2024-06-01"),  # ended on t
                   ("m2", "far", "member", "2020-01-01"),             # other ward, no friend
                   ("m3", "nowhere", "member", "2020-01-01")])
    assert ranked(T) == []


def test_ties_starting_on_t_count_and_own_past_ties_do_not():
    T = programme([group("a", "Town")],
                  [("f1", "a", "member", "2024-06-01"),                   # starts on t
                   ("sam", "a", "member", "2023-01-01", "2023-03-01"),    # Sam left: not counted
                   ("m1", "a", "member", "2023-01-01")])
    found = suggest(project(T, "2024-06-01"), T, "sam")
    assert found[["group", "friends_in_group", "members", "retention_n"]].to_dict("records") \
        == [{"group": "a", "friends_in_group": 1, "members": 2, "retention_n": 1}]


def test_friends_counted_once_whatever_their_ties():
    T = programme([group("a")],
                  [("sam", "f1", "neighbour", "2020-01-01"),
                   ("f1", "a", "member", "2020-01-01"), ("f1", "a", "volunteer", "2021-01-01")])
    found = suggest(project(T, "2024-06-01"), T, "sam")
    assert found[["friends_in_group", "members"]].to_dict("records") == [
        {"friends_in_group": 1, "members": 1}]


def test_reason_sentences():
    T = programme([group("a", "Bay"), group("b")],
                  [("f1", "a", "member", "2020-01-01"), ("f2", "a", "member", "2023-01-01"),
                   ("m1", "a", "member", "2023-02-01", "2023-03-01"),
                   ("f3", "b", "member", "2020-01-01")])
    found = suggest(project(T, "2024-06-01"), T, "sam", limit=None)
    assert found["reason"].tolist() == [
        "2 of Sam's friends and family go; it meets in Bay, Sam's neighbourhood; "
        "1 of 2 people who joined in the last two years stayed at least six months",
        "1 of Sam's friends and family goes; "
        "no one joined in the last two years early enough to tell whether people stay",
    ]


def test_unknown_person_and_non_person():
    T = programme([group("a")], [])
    S = project(T, "2024-06-01")
    with pytest.raises(NotFound, match="nobody"):
        suggest(S, T, "nobody")
    with pytest.raises(QueryError, match="is a group, not a person"):
        suggest(S, T, "a")


def test_network_methods_are_the_functions():
    T = programme([group("a", "Bay")], [("m1", "a", "member", "2020-01-01")])
    G = Network.from_tables(T)
    S = project(T, "2024-06-01")
    pd.testing.assert_frame_equal(G.suggest("sam", at="2024-06-01"), suggest(S, T, "sam"))
    pd.testing.assert_frame_equal(G.suggest_all(at="2024-06-01"), suggest_all(S, T))
    assert G.suggest_all(at="2024-06-01")["id"].tolist() == []  # three friends: not at risk
    everyone = G.suggest_all(at="2024-06-01", at_risk_below=4)
    assert everyone[["id", "group"]].to_dict("records") == [{"id": "sam", "group": "a"}]
    assert np.isnan(G.suggest("sam", at="2024-06-01")["retention"].iat[0])
