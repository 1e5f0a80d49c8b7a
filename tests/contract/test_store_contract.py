"""The one suite every store passes (see ``conftest.STORES``).

The hand-drawn network (dates 2024 unless said; t = 2024-06-01)::

    sam ══ ann        friend from 01-01 and neighbour from 02-01 (two ties, one pair)
    sam ── lac        coordinator from 01-01; ann ── lac too (an alter-alter tie)
    sam ── g1         member 01-01 .. 03-01 (ended before t)
    sam ── gp         service 01-01 .. 06-01 (ends exactly on t: not active at t)
    dan ── sam        friend from 06-01 (starts exactly on t: active at t)
    sam ── fam        household since 2020 (fam is not an alter)
    cat ── fam        household since 2020 (touches neither sam nor an alter)
    ann ── bob        friend since 2023-06-01 (bob is an alter of ann, not of sam)

So at t sam's alters are ann, dan and lac.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from lacgraph.errors import NotFound, QueryError, StoreError
from lacgraph.stores import LoadSummary, Store
from lacgraph.tables import NODE_COLUMNS, TIE_COLUMNS, Tables

T = "2024-06-01"

NODES = [
    {"id": "sam", "type": "person", "label": "Sam", "supported": True,
     "introduced_on": "2024-01-01", "coordinator": "lac", "neighbourhood": "Townhill"},
    {"id": "ann", "type": "person", "label": "Ann"},
    {"id": "bob", "type": "person", "label": "Bob"},
    {"id": "cat", "type": "person", "label": "Cat"},
    {"id": "dan", "type": "person", "label": "Dan"},
    {"id": "g1", "type": "group", "label": "Walking group"},
    {"id": "gp", "type": "service", "label": "Surgery"},
    {"id": "lac", "type": "coordinator", "label": "Lee"},
    {"id": "fam", "type": "family", "label": "Sam's household"},
]


def tie(source: str, target: str, kind: str, start: str, end: str = "", **more: object) -> dict:
    return {"source": source, "target": target, "kind": kind, "start": start, "end": end,
            **more}


TIES = [
    tie("sam", "ann", "friend", "2024-01-01", circle=1, reciprocal=True),
    tie("sam", "ann", "neighbour", "2024-02-01"),
    tie("sam", "lac", "coordinator", "2024-01-01"),
    tie("ann", "lac", "coordinator", "2024-01-01"),
    tie("sam", "g1", "member", "2024-01-01", "2024-03-01", brokered_by="lac"),
    tie("sam", "gp", "service", "2024-01-01", "2024-06-01"),
    tie("dan", "sam", "friend", "2024-06-01"),
    tie("sam", "fam", "household", "2020-01-01"),
    tie("cat", "fam", "household", "2020-01-01"),
    tie("ann", "bob", "friend", "2023-06-01"),
]


def network() -> Tables:
    return Tables.from_records(NODES, TIES)


def canonical(tables: Tables) -> Tables:
    """Sort as every store's reads are sorted."""
    return Tables(
        tables.nodes.sort_values("id", ignore_index=True),
        tables.ties.sort_values(["source", "target", "kind", "start"], ignore_index=True),
    )


def assert_tables_equal(got: Tables, expected: Tables) -> None:
    expected = canonical(expected)
    assert_frame_equal(got.nodes, expected.nodes)
    assert_frame_equal(got.ties, expected.ties)


def pairs(ties: pd.DataFrame) -> set[tuple[str, str, str]]:
    return {(s, t, k) for s, t, k in zip(ties["source"], ties["target"], ties["kind"],
                                         strict=True)}


def written(store: Store, tables: Tables) -> Store:
    store.write(tables)
    return store


# ------------------------------------------------------------------ write / read


def test_empty_store_reads_empty_canonical_tables(store: Store) -> None:
    assert_tables_equal(store.read(), Tables.from_records([], []))


def test_write_then_read_gives_the_input(store: Store) -> None:
    summary = store.write(network())
    assert summary == LoadSummary(nodes_added=len(NODES), ties_added=len(TIES))
    assert_tables_equal(store.read(), network())


def test_reads_are_sorted_with_a_fresh_index(store: Store) -> None:
    got = written(store, network()).read()
    assert list(got.nodes["id"]) == sorted(got.nodes["id"])
    keys = list(zip(got.ties["source"], got.ties["target"], got.ties["kind"],
                    got.ties["start"], strict=True))
    assert keys == sorted(keys)
    assert got.nodes.index.equals(pd.RangeIndex(len(got.nodes)))
    assert got.ties.index.equals(pd.RangeIndex(len(got.ties)))


def test_writing_twice_changes_nothing_the_second_time(store: Store) -> None:
    store.write(network())
    again = store.write(network())
    assert again == LoadSummary(nodes_unchanged=len(NODES), ties_unchanged=len(TIES))
    assert not again.changed_anything
    assert_tables_equal(store.read(), network())


def test_progress_counts_every_row(store: Store) -> None:
    seen: list[int] = []
    store.write(network(), progress=seen.append)
    assert sum(seen) == len(NODES) + len(TIES)
    seen.clear()
    store.write(network(), progress=seen.append)
    assert sum(seen) == len(NODES) + len(TIES)


def test_rewriting_a_tie_with_an_end_date_updates_it(store: Store) -> None:
    store.write(network())
    ended = Tables.from_records([], [tie("sam", "lac", "coordinator", "2024-01-01",
                                         "2024-05-01")])
    summary = store.write(ended)
    assert summary == LoadSummary(ties_changed=1)
    got = store.read().ties
    row = got[(got["source"] == "sam") & (got["target"] == "lac")]
    assert list(row["end"]) == [pd.Timestamp("2024-05-01")]
    assert len(got) == len(TIES)
    assert ("sam", "lac", "coordinator") not in pairs(store.snapshot(T).ties)


def test_a_tie_written_the_other_way_round_is_the_same_tie(store: Store) -> None:
    store.write(network())
    same = Tables.from_records([], [tie("ann", "sam", "friend", "2024-01-01", circle=1,
                                        reciprocal=True)])
    assert store.write(same) == LoadSummary(ties_unchanged=1)  # as a replace says
    turned = Tables.from_records([], [tie("ann", "sam", "friend", "2024-01-01", circle=2)])
    assert store.write(turned) == LoadSummary(ties_changed=1)
    got = store.read().ties
    assert len(got) == len(TIES)
    assert ("sam", "ann", "friend") in pairs(got)  # kept the way it is stored
    assert ("ann", "sam", "friend") not in pairs(got)
    friend = got[(got["kind"] == "friend") & (got["target"] == "ann")]
    assert friend["circle"].tolist() == [2]


def test_upserting_a_node_replaces_its_values(store: Store) -> None:
    store.write(network())
    moved = Tables.from_records([{**NODES[0], "neighbourhood": "Penderry"}], [])
    assert store.write(moved) == LoadSummary(nodes_changed=1)
    nodes = store.read().nodes.set_index("id")
    assert nodes.loc["sam", "neighbourhood"] == "Penderry"
    assert nodes.loc["ann", "neighbourhood"] == ""


def test_a_later_write_may_add_ties_to_nodes_written_before(store: Store) -> None:
    store.write(network())
    new = Tables.from_records([], [tie("bob", "cat", "neighbour", "2024-04-01")])
    assert store.write(new) == LoadSummary(ties_added=1)
    assert ("bob", "cat", "neighbour") in pairs(store.read().ties)


# ----------------------------------------------------------------- rejected writes


@pytest.mark.parametrize("bad", [
    Tables.from_records([], [tie("sam", "zoe", "friend", "2024-01-01")]),
    Tables.from_records([{"id": "zoe", "type": "person"}, {"id": "zoe", "type": "person"}], []),
    Tables.from_records([], [tie("sam", "ann", "friend", "2024-03-03"),
                             tie("ann", "sam", "friend", "2024-03-03")]),
    Tables.from_records([{"id": "eve", "type": "person"}],
                        [tie("eve", "sam", "friend", "2024-01-01"),
                         tie("eve", "nobody", "friend", "2024-01-01")]),
], ids=["unknown-id", "duplicate-id", "duplicate-tie-key", "half-good"])
def test_a_rejected_write_changes_nothing(store: Store, bad: Tables) -> None:
    store.write(network())
    before = store.read()
    with pytest.raises(StoreError):
        store.write(bad)
    assert_tables_equal(store.read(), before)


def test_a_tie_to_an_unknown_id_is_named_in_the_error(store: Store) -> None:
    with pytest.raises(StoreError, match="zoe"):
        store.write(Tables.from_records(NODES, [tie("sam", "zoe", "friend", "2024-01-01")]))
    assert len(store.read().nodes) == 0


# ------------------------------------------------------------------ snapshot


@pytest.mark.parametrize(("at", "service", "dan"), [
    ("2024-05-31", True, False),
    ("2024-06-01", False, True),
    (dt.date(2024, 6, 1), False, True),
    (np.datetime64("2024-06-01"), False, True),
])
def test_snapshot_honours_start_inclusive_end_exclusive(
        store: Store, at: object, service: bool, dan: bool) -> None:
    snap = written(store, network()).snapshot(at)
    got = pairs(snap.ties)
    assert (("sam", "gp", "service") in got) is service
    assert (("dan", "sam", "friend") in got) is dan
    assert ("sam", "g1", "member") not in got
    assert ("sam", "fam", "household") in got
    assert len(snap.nodes) == len(NODES)


def test_snapshot_rows_equal_the_stored_rows(store: Store) -> None:
    store.write(network())
    everything = store.read().ties
    start, end = everything["start"], everything["end"]
    t = pd.Timestamp(T)
    expected = everything[(start <= t) & (end.isna() | (t < end))].reset_index(drop=True)
    assert_frame_equal(store.snapshot(T).ties, expected)


# ------------------------------------------------------------------ ego


def test_ego_at_t_is_the_person_its_alters_and_the_ties_among_them(store: Store) -> None:
    ego = written(store, network()).ego("sam", T)
    assert list(ego.nodes["id"]) == ["ann", "dan", "fam", "lac", "sam"]
    assert sorted(pairs(ego.ties)) == sorted([
        ("sam", "ann", "friend"),
        ("sam", "ann", "neighbour"),   # the second tie of one pair is kept
        ("sam", "lac", "coordinator"),
        ("ann", "lac", "coordinator"),  # alter-alter
        ("dan", "sam", "friend"),       # starts on t
        ("sam", "fam", "household"),    # household: fam is shown, not an alter
    ])
    everything = store.read()
    assert_frame_equal(ego.nodes, everything.nodes[everything.nodes["id"].isin(
        ["ann", "dan", "fam", "lac", "sam"])].reset_index(drop=True))


def test_ego_before_the_ties_began_is_the_household_alone(store: Store) -> None:
    ego = written(store, network()).ego("sam", "2023-12-31")
    assert list(ego.nodes["id"]) == ["fam", "sam"]
    assert pairs(ego.ties) == {("sam", "fam", "household")}


def test_ego_of_an_alter(store: Store) -> None:
    ego = written(store, network()).ego("ann", T)
    # sam is an alter of ann, so sam's household (and sam-lac, alter-alter) are shown
    assert list(ego.nodes["id"]) == ["ann", "bob", "fam", "lac", "sam"]
    assert sorted(pairs(ego.ties)) == sorted([
        ("sam", "ann", "friend"), ("sam", "ann", "neighbour"), ("ann", "lac", "coordinator"),
        ("sam", "lac", "coordinator"), ("ann", "bob", "friend"), ("sam", "fam", "household"),
    ])


def test_ego_of_a_node_without_ties_is_itself(store: Store) -> None:
    ego = written(store, network()).ego("gp", T)
    assert list(ego.nodes["id"]) == ["gp"]
    assert len(ego.ties) == 0
    assert list(ego.ties.columns) == list(TIE_COLUMNS)


def test_unknown_ids_are_not_found(store: Store) -> None:
    store.write(network())
    with pytest.raises(NotFound, match="zoe"):
        store.ego("zoe", T)
    with pytest.raises(NotFound, match="zoe"):
        store.erase_person("zoe")


# ------------------------------------------------------------------ erasure


def test_erase_person_removes_the_node_and_its_ties_and_nothing_else(store: Store) -> None:
    store.write(network())
    before = store.read()
    store.erase_person("ann")
    after = store.read()
    keep_ties = ~((before.ties["source"] == "ann") | (before.ties["target"] == "ann"))
    assert_frame_equal(after.nodes, before.nodes[before.nodes["id"] != "ann"]
                       .reset_index(drop=True))
    assert_frame_equal(after.ties, before.ties[keep_ties].reset_index(drop=True))
    assert len(before.ties) - len(after.ties) == 4
    with pytest.raises(NotFound):
        store.ego("ann", T)


def test_an_erased_person_can_be_written_again(store: Store) -> None:
    store.write(network())
    store.erase_person("ann")
    summary = store.write(network())
    assert summary.nodes_added == 1 and summary.ties_added == 4
    assert_tables_equal(store.read(), network())


# --------------------------------------------------------- values and columns


AWKWARD = ["007", "Nan", "NULL", "None", "<script>alert(1)</script>", "O'Brien",
           'say "hi"', "Siân Llŷr", "a,b;c", " padded ", "true", "0", "+44 1792"]


def test_awkward_strings_survive(store: Store) -> None:
    awkward = AWKWARD
    nodes = [{"id": s, "type": "person", "label": s, "neighbourhood": s, "note": s}
             for s in awkward]
    ties = [tie(a, b, "friend", "2024-01-01", brokered_by=b, note=a)
            for a, b in zip(awkward, awkward[1:], strict=False)]
    tables = Tables.from_records(nodes, ties)
    store.write(tables)
    assert_tables_equal(store.read(), tables)
    assert set(store.read().nodes["id"]) == set(awkward)
    assert list(store.ego("007", "2024-02-01").nodes["id"]) == ["007", "Nan"]


def test_extra_columns_round_trip(store: Store) -> None:
    nodes = [{**n, "pronouns": "they/them" if n["id"] == "sam" else "", "ward_code": "W1"}
             for n in NODES]
    ties = [{**t, "how_met": "LAC walk" if t["kind"] == "friend" else ""} for t in TIES]
    tables = Tables.from_records(nodes, ties)
    store.write(tables)
    got = store.read()
    assert list(got.nodes.columns) == [*NODE_COLUMNS, "pronouns", "ward_code"]
    assert list(got.ties.columns) == [*TIE_COLUMNS, "how_met"]
    assert_tables_equal(got, tables)
    assert store.write(tables) == LoadSummary(nodes_unchanged=len(NODES),
                                              ties_unchanged=len(TIES))


def test_an_extra_column_missing_from_a_rewrite_empties_it_for_those_rows(store: Store) -> None:
    store.write(Tables.from_records([{"id": "a", "type": "person", "phone": "123"},
                                     {"id": "b", "type": "person", "phone": "456"}], []))
    assert store.write(Tables.from_records([{"id": "a", "type": "person"}], [])
                       ) == LoadSummary(nodes_changed=1)
    assert list(store.read().nodes["phone"]) == ["", "456"]


def test_reads_are_copies(store: Store) -> None:
    store.write(network())
    for tables in (store.read(), store.snapshot(T), store.ego("sam", T)):
        nodes = tables.nodes
        nodes.loc[0, "label"] = "changed"
    assert "changed" not in set(store.read().nodes["label"])


# ------------------------------------------------------------------ properties


IDS = ["p0", "p1", "007", "Nan", "NULL", "<b>", "z"]
KINDS = ["friend", "family", "member", "household", "service"]


@st.composite
def valid_tables(draw: st.DrawFn) -> Tables:
    ids = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=len(IDS), unique=True))
    nodes = [{"id": i, "type": "person", "label": draw(st.sampled_from(["", "x", "NULL"])),
              "supported": draw(st.booleans()),
              "introduced_on": draw(st.sampled_from(["", "2024-01-01", "2023-02-28"]))}
             for i in ids]
    seen: set[tuple] = set()
    ties = []
    for _ in range(draw(st.integers(0, 12))):
        a, b = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        kind = draw(st.sampled_from(KINDS))
        start = dt.date(2024, 1, 1) + dt.timedelta(days=draw(st.integers(0, 30)))
        key = (min(a, b), max(a, b), kind, start)
        if a == b or key in seen:
            continue
        seen.add(key)
        length = draw(st.one_of(st.none(), st.integers(1, 60)))
        end = "" if length is None else str(start + dt.timedelta(days=length))
        ties.append(tie(a, b, kind, str(start), end, circle=draw(st.integers(1, 4)),
                        reciprocal=draw(st.booleans())))
    return Tables.from_records(nodes, ties)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tables=valid_tables())
def test_writing_twice_equals_writing_once(make_store: Callable[[], Store],
                                           tables: Tables) -> None:
    once, twice = make_store(), make_store()
    once.write(tables)
    twice.write(tables)
    second = twice.write(tables)
    assert not second.changed_anything
    assert second.nodes_unchanged == len(tables.nodes)
    assert second.ties_unchanged == len(tables.ties)
    assert_tables_equal(twice.read(), once.read())
    assert_tables_equal(once.read(), tables)
    once.close()
    twice.close()


# ------------------------------------------------------------------ odd input


def test_tables_not_yet_in_canonical_dtypes_are_normalised(store: Store) -> None:
    nodes = pd.DataFrame({"id": ["a", "b"], "type": "person", "label": ["", None],
                          "neighbourhood": "", "supported": ["true", "false"],
                          "introduced_on": ["2024-01-01", ""], "coordinator": ""})
    ties = pd.DataFrame({"source": ["a"], "target": ["b"], "kind": ["friend"],
                         "start": ["2024-01-01"], "end": [""], "circle": [""],
                         "reciprocal": ["false"], "brokered_by": [""]})
    store.write(Tables(nodes, ties))
    assert_tables_equal(store.read(), Tables.from_records(
        [{"id": "a", "type": "person", "supported": True, "introduced_on": "2024-01-01"},
         {"id": "b", "type": "person"}],
        [tie("a", "b", "friend", "2024-01-01")]))


def test_a_table_without_a_required_column_is_refused(store: Store) -> None:
    nodes = network().nodes.drop(columns=["type"])
    with pytest.raises(StoreError, match="no column type"):
        store.write(Tables(nodes, network().ties))
    assert len(store.read().nodes) == 0


def test_a_date_that_is_not_a_date_is_a_query_error(store: Store) -> None:
    store.write(network())
    with pytest.raises(QueryError):
        store.snapshot("next tuesday")
    with pytest.raises(QueryError):
        store.ego("sam", "")


# ------------------------------------------------------------------ record_change


def test_record_change_removes_then_upserts_in_one_step(store: Store) -> None:
    written(store, network())
    moved = tie("dan", "sam", "neighbour", "2024-07-01")
    summary = store.record_change(Tables.from_records([], [moved]),
                                  remove=[("sam", "dan", "friend", "2024-06-01")])
    assert summary.ties_added == 1
    expected = [t for t in TIES if not (t["target"] == "sam" and t["source"] == "dan")]
    assert_tables_equal(store.read(), Tables.from_records(NODES, [*expected, moved]))


def test_record_change_of_a_missing_tie_changes_nothing(store: Store) -> None:
    written(store, network())
    before = store.read()
    with pytest.raises(NotFound, match="No tie"):
        store.record_change(Tables.from_records([], [tie("ann", "cat", "friend", "2024-01-01")]),
                            remove=[("ann", "bob", "friend", "1999-01-01")])
    assert_tables_equal(store.read(), before)
