"""Merging a duplicate (issue 23): one transaction on every store; DROP's ties move to KEEP,
references to DROP point at KEEP, KEEP's details win unless empty, DROP is gone."""

from __future__ import annotations

import numpy as np
import pytest

from lacgraph.analysis.duplicates import find_duplicates, merge_in_store
from lacgraph.errors import NotFound, QueryError
from lacgraph.stores import Store
from lacgraph.tables import Tables

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
