"""What changed in one person's circle: hand-built cases worked out on paper."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lacgraph.analysis.circle import CHANGE_COLUMNS, TIMELINE_COLUMNS, changes, compare, timeline
from lacgraph.analysis.snapshot import active_ties
from lacgraph.errors import NotFound, QueryError
from lacgraph.network import CIRCLE_COLUMNS, Network
from lacgraph.tables import Tables
from tests.conftest import random_network


@pytest.fixture
def sam() -> Network:
    """Sam's ties, drawn on paper (window 2024-02-01 .. 2024-06-01):

    jo      friend     2023-01-01 ..            kept
    al      neighbour  2024-03-01 ..            added
    bea     friend     2023-05-01 .. 2024-04-01 ended (was there at since)
    choir   member     2024-02-15 .. 2024-05-01 came and went
    gp      service    2024-02-01 ..            started ON since: already there -> not added
    cy      family     2023-01-01 .. 2024-02-01 ended ON since: gone before -> not ended
    dai     peer       2024-06-01 ..            started ON at: added
    ed      friend     2023-01-01 .. 2024-06-01 ended ON at: ended (not there at at)
    jo      peer       2024-04-10 ..            a second tie to jo: added (jo stays 'kept')
    fam     household  2024-03-01 ..            never counted
    jo-al   friend     2024-01-01 ..            not Sam's tie: never counted
    """
    nodes = [{"id": i, "type": "person", "label": i.title()}
             for i in ("sam", "jo", "al", "bea", "cy", "dai", "ed")]
    nodes += [{"id": "choir", "type": "group", "label": "Choir"},
              {"id": "gp", "type": "service", "label": "GP"},
              {"id": "fam", "type": "family", "label": "Household"}]
    t = [("sam", "jo", "friend", "2023-01-01", ""), ("al", "sam", "neighbour", "2024-03-01", ""),
         ("sam", "bea", "friend", "2023-05-01", "2024-04-01"),
         ("sam", "choir", "member", "2024-02-15", "2024-05-01"),
         ("sam", "gp", "service", "2024-02-01", ""),
         ("sam", "cy", "family", "2023-01-01", "2024-02-01"),
         ("sam", "dai", "peer", "2024-06-01", ""),
         ("sam", "ed", "friend", "2023-01-01", "2024-06-01"),
         ("jo", "sam", "peer", "2024-04-10", ""),
         ("sam", "fam", "household", "2024-03-01", ""),
         ("jo", "al", "friend", "2024-01-01", "")]
    ties = [{"source": a, "target": b, "kind": k, "start": s, "end": e} for a, b, k, s, e in t]
    return Network.from_tables(Tables.from_records(nodes, ties))


def test_changes_by_hand(sam):
    table = changes(sam, "sam", since="2024-02-01", at="2024-06-01")
    assert list(table.columns) == list(CHANGE_COLUMNS)
    got = set(zip(table["change"], table["id"], table["kind"], strict=True))
    assert got == {
        ("added", "al", "neighbour"), ("added", "dai", "peer"), ("added", "jo", "peer"),
        ("ended", "bea", "friend"), ("ended", "ed", "friend"),
        ("came and went", "choir", "member"),
    }
    # added first (by start date), then came and went, then ended (by end date)
    assert table["change"].tolist() == ["added", "added", "added", "came and went", "ended",
                                        "ended"]
    assert table["id"].tolist()[:3] == ["al", "jo", "dai"]
    row = table.set_index("id").loc["bea"]
    assert (row["start"], row["end"], row["category"], row["label"]) == (
        "2023-05-01", "2024-04-01", "natural", "Bea")


def test_compare_by_hand(sam):
    table = compare(sam, "sam", since="2024-02-01", at="2024-06-01")
    assert list(table.columns) == [*CIRCLE_COLUMNS, "status", "added", "ended"]
    status = dict(zip(table["id"], table["status"], strict=True))
    # at since: jo, bea, gp, ed (cy ended on since; choir not yet); at at: jo, al, gp, dai
    assert status == {"jo": "kept", "gp": "kept", "al": "new", "dai": "new", "bea": "gone",
                      "ed": "gone"}
    by_id = table.set_index("id")
    assert by_id.loc["jo", "added"] == "peer" and by_id.loc["jo", "kind"] == "friend;peer"
    assert by_id.loc["bea", "ended"] == "friend" and by_id.loc["bea", "added"] == ""
    # the gone ones come last
    assert table["status"].tolist()[-2:] == ["gone", "gone"]


def test_compare_agrees_with_two_circles(sam):
    """new = at 'at' only, gone = at 'since' only: an independent set calculation."""
    for since, at in [("2023-06-01", "2024-03-15"), ("2024-01-01", "2024-12-01")]:
        before = set(sam.circle("sam", at=since)["id"])
        after = set(sam.circle("sam", at=at)["id"])
        table = compare(sam, "sam", since=since, at=at)
        assert set(table.loc[table["status"] == "new", "id"]) == after - before
        assert set(table.loc[table["status"] == "gone", "id"]) == before - after
        assert set(table.loc[table["status"] == "kept", "id"]) == before & after


def test_no_changes_is_an_empty_table(sam):
    table = changes(sam, "sam", since="2024-06-02", at="2024-06-03")
    assert table.empty and list(table.columns) == list(CHANGE_COLUMNS)


def test_bad_windows_and_ids(sam):
    with pytest.raises(QueryError, match="before"):
        changes(sam, "sam", since="2024-06-01", at="2024-06-01")
    with pytest.raises(QueryError, match="not a date"):
        compare(sam, "sam", since="June", at="2024-06-01")
    with pytest.raises(NotFound):
        changes(sam, "nobody", since="2024-01-01", at="2024-06-01")


def test_timeline_by_hand(sam):
    table = timeline(sam, "sam")
    assert list(table.columns) == list(TIMELINE_COLUMNS)
    rows = table.set_index("date")
    # 2023-01-01: jo, cy, ed start -> 3 natural
    assert rows.loc["2023-01-01", ["size", "natural", "community", "paid", "added"]].tolist() == [
        3, 3, 0, 0, 3]
    # 2024-02-01: cy ends, gp starts -> jo, bea, ed natural + gp paid
    assert rows.loc["2024-02-01", ["size", "natural", "paid", "added", "ended"]].tolist() == [
        4, 3, 1, 1, 1]
    # 2024-02-15: choir joins
    assert rows.loc["2024-02-15", ["size", "community"]].tolist() == [5, 1]
    # 2024-04-10: a second tie to jo changes no count
    assert rows.loc["2024-04-10", "size"] == rows.loc["2024-04-01", "size"]
    # the household tie (2024-03-01) is not an event of its own beyond al's start
    assert rows.loc["2024-03-01", "added"] == 1
    # 2024-06-01: dai arrives, ed leaves
    assert rows.loc["2024-06-01", ["size", "added", "ended"]].tolist() == [4, 1, 1]
    # every row agrees with the circle on that date
    for date, row in rows.iterrows():
        circle = sam.circle("sam", at=date)
        assert row["size"] == len(circle)
        assert row["natural"] == int((circle["category"] == "natural").sum())


def test_timeline_of_someone_without_ties():
    G = Network.from_tables(Tables.from_records([{"id": "x", "type": "person"}], []))
    table = timeline(G, "x")
    assert table.empty and list(table.columns) == list(TIMELINE_COLUMNS)
    assert isinstance(table, pd.DataFrame)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), back=st.integers(1, 500), ahead=st.integers(0, 300))
def test_changes_agree_with_activity_on_random_networks(seed, back, ahead):
    """Each tie's change follows from whether it is active on the two days (active_ties is
    the independent rule), and a tie that came and went lies strictly inside the window."""
    tables = random_network(seed, n_people=12, n_ties=60)
    G = Network.from_tables(tables)
    at = np.datetime64("2024-06-01") + np.timedelta64(ahead, "D")
    since = at - np.timedelta64(back, "D")
    person = "p00"
    table = changes(G, person, since=since, at=at)
    mine = tables.ties[((tables.ties["source"] == person) | (tables.ties["target"] == person))
                       & (tables.ties["kind"] != "household")]

    def keys(frame):
        return {(min(a, b), max(a, b), k, str(np.datetime64(s, "D")))
                for a, b, k, s in zip(frame["source"], frame["target"], frame["kind"],
                                      frame["start"], strict=True)}

    then, now = keys(active_ties(mine, since)), keys(active_ties(mine, at))
    got = {}
    for row in table.itertuples():
        key = (min(person, row.id), max(person, row.id), row.kind, row.start)
        got[key] = row.change
    assert {k for k, c in got.items() if c == "added"} == now - then
    assert {k for k, c in got.items() if c == "ended"} == then - now
    for key, change in got.items():
        if change == "came and went":
            assert key not in then and key not in now
            assert str(since) < key[3] <= str(at)
    # and the alter-level table is the set difference of the two circles
    status = compare(G, person, since=since, at=at)
    before = set(G.circle(person, at=since)["id"])
    after = set(G.circle(person, at=at)["id"])
    assert set(status.loc[status["status"] == "new", "id"]) == after - before
    assert set(status.loc[status["status"] == "gone", "id"]) == before - after
