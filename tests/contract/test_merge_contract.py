"""Merging a duplicate (issue 23): one transaction on every store; DROP's ties move to KEEP,
references to DROP point at KEEP, KEEP's details win unless empty, DROP is gone."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from lacgraph.analysis import duplicates
from lacgraph.analysis.duplicates import find_duplicates, merge_in_store
from lacgraph.errors import InputError, NotFound, QueryError
from lacgraph.privacy import Pseudonymiser
from lacgraph.rights.erasure import erase, load_check, tombstone
from lacgraph.stores import Store
from lacgraph.tables import Tables
from tests.contract.conftest import another_handle

NODES = [
    {"id": "lac", "type": "coordinator", "label": "Lee"},
    {"id": "zoe", "type": "person", "label": "Zoë O’Brien", "neighbourhood": "North",
     "supported": True, "introduced_on": "2024-01-01", "coordinator": "lac"},
    {"id": "zoe2", "type": "person", "label": "zoe o'brien", "neighbourhood": "North",
     "introduced_on": "2023-05-01"},
    {"id": "ann", "type": "person", "label": "Ann"},
    {"id": "bob", "type": "person", "label": "Bob"},
    {"id": "g1", "type": "group", "label": "Choir"},
    {"id": "g2", "type": "group", "label": "choir"},
]
TIES = [
    {"source": "zoe", "target": "ann", "kind": "friend", "start": "2024-01-01", "circle": 1},
    {"source": "ann", "target": "zoe2", "kind": "friend", "start": "2024-01-01", "circle": 2},
    {"source": "zoe2", "target": "bob", "kind": "neighbour", "start": "2024-02-01",
     "brokered_by": "lac"},
    {"source": "zoe2", "target": "g1", "kind": "member", "start": "2024-03-01"},
    {"source": "zoe", "target": "zoe2", "kind": "friend", "start": "2024-01-01"},
    {"source": "ann", "target": "g2", "kind": "member", "start": "2024-01-01"},
    {"source": "ann", "target": "g1", "kind": "member", "start": "2024-01-01"},
]


def _pairs(ties) -> set[tuple]:
    return {(min(a, b), max(a, b), k, str(s)[:10]) for a, b, k, s in
            zip(ties["source"], ties["target"], ties["kind"], ties["start"], strict=True)}


def test_duplicates_are_found_and_merged_in_one_write(store: Store) -> None:
    store.write(Tables.from_records(NODES, TIES))
    found = find_duplicates(store.read())
    assert found[["keep", "drop"]].values.tolist() == [["g1", "g2"], ["zoe", "zoe2"]]
    summary = merge_in_store(store, "zoe", "zoe2")
    assert summary.nodes_removed == 1
    got = store.read()
    nodes = got.nodes.set_index("id")
    assert "zoe2" not in nodes.index
    assert nodes.at["zoe", "label"] == "Zoë O’Brien"  # KEEP's details win
    assert nodes.at["zoe", "introduced_on"] == np.datetime64("2024-01-01")
    assert _pairs(got.ties) == {
        ("ann", "zoe", "friend", "2024-01-01"),  # held by both: kept once, KEEP's values
        ("bob", "zoe", "neighbour", "2024-02-01"),
        ("g1", "zoe", "member", "2024-03-01"),
        ("ann", "g2", "member", "2024-01-01"), ("ann", "g1", "member", "2024-01-01")}
    friend = got.ties[(got.ties["kind"] == "friend")]
    assert friend["circle"].tolist() == [1]
    assert got.ties.loc[got.ties["kind"] == "neighbour", "brokered_by"].tolist() == ["lac"]


def test_a_merge_fills_keeps_empty_details_and_moves_references(store: Store) -> None:
    store.write(Tables.from_records(NODES, TIES))
    merge_in_store(store, "zoe2", "zoe")  # the other way round: zoe2 lacks some details
    nodes = store.read().nodes.set_index("id")
    assert bool(nodes.at["zoe2", "supported"]) is False or nodes.at["zoe2", "coordinator"]
    assert nodes.at["zoe2", "coordinator"] == "lac"
    assert nodes.at["zoe2", "introduced_on"] == np.datetime64("2023-05-01")


def test_a_merge_that_cannot_be_done_changes_nothing(store: Store) -> None:
    store.write(Tables.from_records(NODES, TIES))
    before = store.read()
    with pytest.raises(NotFound):
        merge_in_store(store, "zoe", "nobody")
    with pytest.raises(QueryError):
        merge_in_store(store, "zoe", "g1")  # a person and a group
    with pytest.raises(QueryError):
        merge_in_store(store, "zoe", "zoe")
    after = store.read()
    assert after.nodes.equals(before.nodes) and after.ties.equals(before.ties)


def test_a_change_recorded_while_a_merge_runs_survives_it(
        store: Store, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another writer ends Ann's choir membership and adds Bob to the choir at the moment
    the merge has read the data: the merge must not put the old rows back."""
    store.write(Tables.from_records(NODES, TIES))
    other = another_handle(store, request)
    ended = {**TIES[6], "end": "2024-09-01"}
    joined = {"source": "bob", "target": "g1", "kind": "member", "start": "2024-04-01"}
    results: list[object] = []

    def record() -> None:
        try:
            results.append(other.record_change(Tables.from_records([], [ended, joined])))
        except Exception as err:  # noqa: BLE001 - reported by the assertion below
            results.append(err)

    real = duplicates.merged

    def merged_while_another_writes(tables: Tables, keep: str, drop: str) -> Tables:
        # the other writer starts now; it is given two seconds, which is ample when
        # nothing holds it back (the merge did not lock what it read) and harmless when
        # the store makes it wait for the merge to commit
        writer = threading.Thread(target=record)
        writer.start()
        writer.join(timeout=2.0)
        threads.append(writer)
        return real(tables, keep, drop)

    threads: list[threading.Thread] = []
    monkeypatch.setattr(duplicates, "merged", merged_while_another_writes)
    try:
        merge_in_store(store, "zoe", "zoe2")
        for writer in threads:
            writer.join(timeout=120)
        assert len(results) == 1 and not isinstance(results[0], Exception), results
        got = store.read().ties
        assert _pairs(got) >= {("ann", "g1", "member", "2024-01-01"),
                               ("bob", "g1", "member", "2024-04-01"),
                               ("bob", "zoe", "neighbour", "2024-02-01")}
        ann_g1 = got[(got["source"] == "ann") & (got["target"] == "g1")]
        assert ann_g1["end"].tolist() == [np.datetime64("2024-09-01")]
        assert "zoe2" not in set(store.read().nodes["id"])
    finally:
        if other is not store:
            other.close()


def test_a_merge_is_remembered_and_a_later_load_of_drop_is_refused_naming_keep(
        store: Store) -> None:
    store.write(Tables.from_records(NODES, TIES))
    assert store.merged() == {}
    merge_in_store(store, "zoe", "zoe2")
    assert store.merged() == {"zoe2": "zoe"}
    check, _ = load_check(None)
    again = Tables.from_records(NODES, TIES)  # the files the programme was loaded from
    for write in (store.write, store.replace):
        with pytest.raises(InputError, match="'zoe2': this id was merged into 'zoe'"):
            write(again, check=check)
    assert "zoe2" not in set(store.read().nodes["id"])
    assert store.tombstones() == frozenset()  # a merge is no erasure
    # a tie naming the dropped id as introducer is refused too; without it the load goes in
    rest = Tables.from_records([n for n in NODES if n["id"] != "zoe2"],
                               [{**t, "brokered_by": "zoe2"} for t in TIES[5:]])
    with pytest.raises(InputError, match="merged into 'zoe'"):
        store.write(rest, check=check)
    assert store.write(Tables.from_records([n for n in NODES if n["id"] != "zoe2"], TIES[5:]),
                       check=check).nodes_added == 0


def test_merging_the_kept_one_again_points_every_dropped_id_at_the_last_one_kept(
        store: Store) -> None:
    store.write(Tables.from_records([*NODES, {"id": "g3", "type": "group", "label": "Choir"}],
                                    TIES))
    merge_in_store(store, "g1", "g2")
    merge_in_store(store, "g3", "g1")
    assert store.merged() == {"g2": "g3", "g1": "g3"}


def test_erasing_the_kept_one_erases_the_dropped_id_too(store: Store) -> None:
    key = Pseudonymiser(b"contract key")
    store.write(Tables.from_records(NODES, TIES))
    merge_in_store(store, "zoe", "zoe2")
    erase(store, "zoe", key)
    assert store.merged() == {}  # no record left naming the erased person
    assert {tombstone(key, "zoe"), tombstone(key, "zoe2")} <= store.tombstones()
    check, _ = load_check(key)
    with pytest.raises(InputError, match="'zoe2': this person was erased"):
        store.write(Tables.from_records(NODES, TIES), check=check)
