"""Observations and follow-up (DESIGN.md; issue 28 finding 1): reviews and ``left_on`` on
input, and growth's ``observed`` mode worked out by hand.

Nobody is carried forward: a person with no review near the follow-up date is missing, a
person whose support ended is left, and the records at the target date only feed the
"records assumed current" sensitivity estimate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lacgraph.analysis.growth import MEMBER_COLUMNS, PEOPLE_COLUMNS, growth
from lacgraph.analysis.observations import closest
from lacgraph.analysis.timeline import _Ties
from lacgraph.errors import InputError, QueryError
from lacgraph.loaders import read_source, write_folder
from lacgraph.network import Network
from lacgraph.stores import MemoryStore
from lacgraph.tables import Tables
from tests.conftest import random_network


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def problems(source: Path) -> list[tuple[str, int, str, str, str]]:
    with pytest.raises(InputError) as caught:
        read_source(source)
    return sorted((p.file, p.line, p.column, p.value, p.reason) for p in caught.value.problems)


NODES = ("id,type,supported,introduced_on,left_on,reviews\n"
         "p1,person,true,2024-01-01,,2024-06-01\n"
         "p2,person,true,2024-01-01,2024-09-30,\n"
         "c1,coordinator,,,,\n")
TIES = "source,target,kind,start\np1,p2,friend,2024-02-01\n"


# -- input ---------------------------------------------------------------------------------
def test_reviews_csv_is_folded_into_the_reviews_attribute_with_the_dates_already_there(
        tmp_path):
    write(tmp_path, "nodes.csv", NODES)
    write(tmp_path, "ties.csv", TIES)
    write(tmp_path, "reviews.csv", "person,date\np1,2024-03-01\np2,2024-07-01\n"
          "p1,2024-06-01\n\n")
    T = read_source(tmp_path)
    nodes = T.nodes.set_index("id")
    assert nodes.loc["p1", "reviews"] == "2024-03-01;2024-06-01"  # union, each date once
    assert nodes.loc["p2", "reviews"] == "2024-07-01"
    assert nodes.loc["p2", "left_on"] == "2024-09-30"
    # written back as one folder, read again: the same
    again = read_source(write_folder(T, tmp_path / "copy"))
    assert again.nodes.set_index("id")["reviews"].to_dict() == nodes["reviews"].to_dict()


def test_every_problem_of_reviews_and_left_on_is_named_at_once(tmp_path):
    write(tmp_path, "nodes.csv", "id,type,supported,introduced_on,left_on,reviews\n"
          "p1,person,true,2024-01-01,2023-12-31,2024-02-30\n"
          "p2,person,true,2024-01-01,2101-01-01,2024-05-01;soon\n"
          "c1,coordinator,,,,\n")
    write(tmp_path, "ties.csv", "source,target,kind,start\np1,zz,friend,2024-02-01\n")
    write(tmp_path, "reviews.csv", "person,date\np1,01/03/2024\nc1,2024-03-01\n"
          "nobody,1899-12-31\n,2024-01-01\np2,\n")
    assert problems(tmp_path) == sorted([
        ("nodes.csv", 2, "left_on", "2023-12-31", "support ended before the introduction "
         "(2024-01-01); expected a date on or after introduced_on"),
        ("nodes.csv", 2, "reviews", "2024-02-30", "not a real calendar date; expected "
         "YYYY-MM-DD (review dates are separated by ;)"),
        ("nodes.csv", 3, "left_on", "2101-01-01",
         "the year 2101 is outside 1900-2100; expected a date from 1900-01-01 to 2100-12-31"),
        ("nodes.csv", 3, "reviews", "soon",
         "not a date; expected YYYY-MM-DD (review dates are separated by ;)"),
        ("ties.csv", 2, "target", "zz", "no node has this id; expected an id from nodes.csv"),
        ("reviews.csv", 2, "date", "01/03/2024", "not a date; expected YYYY-MM-DD"),
        ("reviews.csv", 3, "person", "c1",
         "this id is a coordinator node; expected the id of a person"),
        ("reviews.csv", 4, "person", "nobody",
         "no node has this id; expected the id of a person in nodes.csv"),
        ("reviews.csv", 4, "date", "1899-12-31",
         "the year 1899 is outside 1900-2100; expected a date from 1900-01-01 to 2100-12-31"),
        ("reviews.csv", 5, "person", "", "empty person; expected the id of a person"),
        ("reviews.csv", 6, "date", "", "missing date; expected a date YYYY-MM-DD"),
    ])


def test_a_reviews_file_without_its_columns_is_refused(tmp_path):
    write(tmp_path, "nodes.csv", NODES)
    write(tmp_path, "ties.csv", TIES)
    write(tmp_path, "reviews.csv", "who,when\np1,2024-03-01\n")
    assert [p[:3] for p in problems(tmp_path)] == [("reviews.csv", 1, "date"),
                                                   ("reviews.csv", 1, "person")]


def test_a_workbook_reviews_sheet_is_read_like_reviews_csv(tmp_path):
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "nodes"
    for line in NODES.strip().splitlines():
        sheet.append(line.split(","))
    sheet = wb.create_sheet("ties")
    for line in TIES.strip().splitlines():
        sheet.append(line.split(","))
    sheet = wb.create_sheet("reviews")
    sheet.append(["person", "date"])
    sheet.append(["p2", pd.Timestamp("2024-07-01").to_pydatetime()])  # a date cell
    sheet.append(["p9", "2024-07-01"])
    wb.save(tmp_path / "book.xlsx")
    assert problems(tmp_path / "book.xlsx") == [
        ("book.xlsx[reviews]", 3, "person", "p9",
         "no node has this id; expected the id of a person in nodes.csv")]
    sheet.delete_rows(3)
    wb.save(tmp_path / "book.xlsx")
    T = read_source(tmp_path / "book.xlsx")
    assert T.nodes.set_index("id").loc["p2", "reviews"] == "2024-07-01"


def test_the_store_file_keeps_reviews_and_left_on(tmp_path):
    write(tmp_path / "data", "nodes.csv", NODES)
    write(tmp_path / "data", "ties.csv", TIES)
    write(tmp_path / "data", "reviews.csv", "person,date\np2,2024-07-01\n")
    with MemoryStore(tmp_path / "lac.sqlite") as store:
        store.write(read_source(tmp_path / "data"))
    with MemoryStore(tmp_path / "lac.sqlite") as store:
        nodes = store.read().nodes.set_index("id")
    assert nodes.loc["p2", ["reviews", "left_on"]].tolist() == ["2024-07-01", "2024-09-30"]


# -- follow-up chosen as DESIGN says ---------------------------------------------------------
def days(*texts: str) -> np.ndarray:
    return np.array(texts, dtype="datetime64[D]")


def test_closest_observation_within_tolerance_earlier_on_a_tie():
    obs = [days("2024-06-21", "2024-07-11"), days("2024-08-15"), days("2024-06-01")]
    target = days("2024-07-01", "2024-07-01", "2024-07-01")
    assert closest(obs, target, 45).tolist() == days("2024-06-21", "2024-08-15",
                                                     "2024-06-01").tolist()
    assert closest(obs, target, 29).tolist() == days("2024-06-21", "NaT", "NaT").tolist()
    # strictly after the baseline: the introduction itself is never the follow-up
    assert np.isnat(closest([days("2024-06-01")], days("2024-06-20"), 45,
                            after=days("2024-06-01"))[0])


def observed_network() -> Tables:
    """Worked by hand below. as_of 2025-03-01; personal window of 6 months, W = 45."""
    person = {"type": "person", "supported": True, "introduced_on": "2024-01-01",
              "coordinator": "c1", "neighbourhood": "Castle"}
    nodes = [
        {"id": "c1", "type": "coordinator"},
        # target 2024-07-01: reviews 10 days either side, the earlier is the follow-up
        {**person, "id": "p1", "reviews": "2024-06-21;2024-07-11"},
        {**person, "id": "p2"},  # no review: missing
        {**person, "id": "p3", "reviews": "2024-04-01", "left_on": "2024-05-01"},  # left
        {**person, "id": "p4", "reviews": "2024-08-20"},  # 50 days late: missing at W=45
        {**person, "id": "p5", "introduced_on": "2024-10-01"},  # 2025-04-01 + 45: not due
        # a review after support ended does not count: left
        {**person, "id": "p6", "reviews": "2024-07-01", "left_on": "2024-06-01"},
        {**person, "id": "p7", "reviews": "2024-02-20;2024-08-25"},
        *({"id": f"f{i}", "type": "person"} for i in range(8)),
    ]
    ties = [
        {"source": "p1", "target": "f0", "kind": "friend", "start": "2024-02-01"},
        {"source": "p1", "target": "f1", "kind": "friend", "start": "2024-06-25"},
        {"source": "p2", "target": "f2", "kind": "family", "start": "2023-01-01"},
        {"source": "p2", "target": "f3", "kind": "friend", "start": "2024-03-01"},
        {"source": "p4", "target": "f4", "kind": "friend", "start": "2024-02-01"},
        {"source": "p6", "target": "f5", "kind": "friend", "start": "2024-02-01"},
        {"source": "p3", "target": "c1", "kind": "coordinator", "start": "2024-01-01"},
        {"source": "p5", "target": "f6", "kind": "friend", "start": "2024-11-01"},
        # p1's friend f0 ended after p1's last observation (2024-07-11): censored there
        {"source": "p1", "target": "f7", "kind": "friend", "start": "2024-03-01",
         "end": "2024-09-01"},
    ]
    return Tables.from_records(nodes, ties)


def test_personal_window_statuses_and_attrition_by_hand():
    g = growth(Network.from_tables(observed_network()), months=6, as_of="2025-03-01")
    assert g.mode == "observed" and g.follow_up_days == 45 and g.not_yet_due == 1
    assert list(g.people.columns) == list(PEOPLE_COLUMNS)
    assert list(g.members.columns) == list(MEMBER_COLUMNS)
    status = g.members.set_index("id")["status"].to_dict()
    assert status == {"p1": "observed", "p2": "missing", "p3": "left", "p4": "missing",
                      "p6": "left", "p7": "missing"}
    # p1 measured at 2024-06-21: f0 and f7 (f1 starts on 2024-06-25, after it)
    row = g.people.set_index("id").loc["p1"]
    assert (row["mode"], row["baseline"], row["target"], row["followup"]) == (
        "observed", "2024-01-01", "2024-07-01", "2024-06-21")
    assert (row["natural_community_from"], row["natural_community_to"], row["change"]) == (
        0, 2, 2)
    s = g.summary()
    assert s["mode"] == "observed"
    assert (s["n"], s["n_observed"], s["n_missing"], s["n_left"],
            s["n_missing_baseline"]) == (6, 1, 3, 2, 0)
    assert s["follow_up_rate"] == pytest.approx(1 / 6)
    assert s["mean_change"] == 2  # over the observed only
    assert s["baseline_observed_mean"] == 0
    assert s["baseline_missing_mean"] == pytest.approx(1 / 5)  # p2's family tie
    # records at 2024-07-01: p1 3 (f0, f1, f7), p2 1 -> 2, p3 0, p4 1, p6 1, p7 0
    assert s["mean_change_assumed"] == pytest.approx((3 + 1 + 0 + 1 + 1 + 0) / 6)
    assert s["mean_change_missing_zero"] == pytest.approx(2 / 6)


def test_tolerance_decides_who_is_followed_up():
    g = growth(Network.from_tables(observed_network()), months=6, as_of="2025-03-01",
               follow_up_days=60)
    status = g.members.set_index("id")["status"]
    assert status["p4"] == "observed" and status["p7"] == "observed"  # 50 and 55 days
    assert g.people.set_index("id").loc["p4", "followup"] == "2024-08-20"


def test_fixed_window_baseline_is_an_observation_too():
    g = growth(Network.from_tables(observed_network()), start="2024-03-01",
               end="2024-09-01", as_of="2025-03-01")
    members = g.members.set_index("id")
    assert members["status"].to_dict() == {
        "p1": "missing_baseline", "p2": "missing_baseline", "p3": "left",
        "p4": "missing_baseline", "p6": "missing_baseline", "p7": "observed"}
    assert members.loc["p3", "baseline"] == "2024-04-01"
    row = g.people.set_index("id").loc["p7"]
    assert (row["baseline"], row["target"], row["followup"]) == (
        "2024-02-20", "2024-09-01", "2024-08-25")
    s = g.summary()
    assert (s["n"], s["n_observed"], s["n_left"], s["n_missing_baseline"]) == (6, 1, 1, 4)
    # the follow-up's tolerance must have passed: --to plus 45 days after the last date
    late = growth(Network.from_tables(observed_network()), start="2024-03-01",
                  end="2025-02-01", as_of="2025-03-01")
    assert late.summary()["n"] == 0 and late.not_yet_due == 6


def test_modes_asked_for():
    T = observed_network()
    g = growth(Network.from_tables(T), months=6, as_of="2025-03-01", mode="assumed")
    assert g.mode == "assumed" and set(g.members["status"]) == {"assumed"}
    assert len(g.people) == 6  # everyone due, measured at the target date as recorded
    s = g.summary()
    assert s["mode"] == "assumed" and s["n_observed"] is None and s["follow_up_rate"] is None
    assert s["mean_change_assumed"] is None and s["mean_change_missing_zero"] is None
    assert s["mean_change"] == pytest.approx((3 + 1 + 0 + 1 + 1 + 0) / 6)  # as recorded
    plain = Tables(T.nodes.drop(columns=["reviews"]), T.ties)
    assert growth(Network.from_tables(plain), months=6, as_of="2025-03-01").mode == "assumed"
    with pytest.raises(QueryError, match="no review dates"):
        growth(Network.from_tables(plain), months=6, mode="observed")


def test_new_ties_are_censored_at_the_last_observation():
    g = growth(Network.from_tables(observed_network()), months=6, as_of="2025-03-01")
    ties = g.new_ties.set_index("target")
    # f7: started 2024-03-01, ended 2024-09-01 after p1's last observation 2024-07-11
    assert ties.loc["f7", ["censor", "duration", "ended"]].tolist() == ["2024-07-11", 132,
                                                                        False]
    # f4: p4's last observation is 2024-08-20
    assert ties.loc["f4", ["censor", "duration", "ended"]].tolist() == ["2024-08-20", 201,
                                                                        False]
    assumed = growth(Network.from_tables(observed_network()), months=6, as_of="2025-03-01",
                     mode="assumed").new_ties.set_index("target")
    assert assumed.loc["f7", ["duration", "ended"]].tolist() == [184, True]


# -- service dependency without coordinators: the quick count equals the measures --------------
@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_quick_alter_counts_equal_the_measures(seed):
    T = random_network(seed, n_people=25, n_ties=120, at="2024-01-01")
    ties = _Ties(T)
    people = T.nodes.loc[T.nodes["type"] == "person", "id"].to_numpy(object)
    G = Network.from_tables(T)
    for at in ("2023-06-01", "2024-01-01"):
        close, paid = ties.alter_counts(people, np.full(len(people), np.datetime64(at)))
        M = G.metrics(at).set_index("id").loc[people]
        assert close.tolist() == (M["natural"] + M["community"]).tolist()
        assert (paid <= M["paid"].to_numpy()).all()


def test_an_update_adds_review_dates_to_those_stored(tmp_path):
    from lacgraph.loaders.files import folder_cells
    from lacgraph.loaders.update import merge_update

    write(tmp_path / "stored", "nodes.csv", NODES)
    write(tmp_path / "stored", "ties.csv", TIES)
    stored = read_source(tmp_path / "stored")  # p1 reviewed 2024-06-01 (say, in the web app)
    write(tmp_path / "upload", "nodes.csv", "id,type\np1,person\np2,person\n")
    write(tmp_path / "upload", "ties.csv", "source,target,kind,start\n")
    write(tmp_path / "upload", "reviews.csv", "person,date\np2,2024-07-01\n")
    merged = merge_update(stored, folder_cells(tmp_path / "upload")).nodes.set_index("id")
    assert merged.loc["p1", "reviews"] == "2024-06-01"  # not blanked by the upload
    assert merged.loc["p2", "reviews"] == "2024-07-01"
    write(tmp_path / "upload", "reviews.csv", "person,date\np1,2024-02-01\n")
    merged = merge_update(stored, folder_cells(tmp_path / "upload")).nodes.set_index("id")
    assert merged.loc["p1", "reviews"] == "2024-02-01;2024-06-01"
