"""Erasure, replace-loads and the data version: the same on every store (issue 12).

Runs on every store of ``conftest.STORES`` (memory, SQLite file, Neo4j).
"""

from __future__ import annotations

import pytest

from lacgraph.errors import InputError, NotFound
from lacgraph.privacy import Pseudonymiser
from lacgraph.rights.erasure import erase, screen, tombstone
from lacgraph.rights.subject import person_record
from lacgraph.stores import Store
from lacgraph.tables import Tables
from tests.contract.test_store_contract import network, tie

KEY = Pseudonymiser(b"contract key")


def test_erasure_removes_node_ties_and_references_and_leaves_a_tombstone(store: Store):
    store.write(network())
    before = store.read()
    version = store.data_version()
    e = store.erase_person("lac", tombstone=tombstone(KEY, "lac"))
    after = store.read()
    assert "lac" not in set(after.nodes["id"])
    assert "lac" not in set(after.ties["source"]) | set(after.ties["target"])
    assert "lac" not in set(after.nodes["coordinator"]) | set(after.ties["brokered_by"])
    touching = ((before.ties["source"] == "lac") | (before.ties["target"] == "lac")).sum()
    assert e.ties_removed == touching == len(before.ties) - len(after.ties)
    assert e.references_cleared == 2  # sam's coordinator, the g1 tie's brokered_by
    assert e.remaining == ""
    assert store.tombstones() == frozenset({tombstone(KEY, "lac")})
    assert store.data_version() != version
    with pytest.raises(InputError, match="'lac': this person was erased"):
        screen(network(), store.tombstones(), KEY)
    with pytest.raises(NotFound):
        store.erase_person("lac")


def test_erase_and_subject_access_through_the_verbs(store: Store):
    store.write(network())
    record = person_record(store, "sam")
    assert {t["other_id"] for t in record["ties"]} == {"ann", "lac", "g1", "gp", "dan", "fam"}
    assert record["introduced_by"] == [{"id": "lac", "label": "Lee"}]
    assert record["coordinator"] == {"id": "lac", "label": "Lee"}
    report = erase(store, "sam", KEY)
    assert report.erasure.ties_removed == len(record["ties"])
    with pytest.raises(NotFound):
        person_record(store, "sam")


def test_replace_makes_the_store_hold_exactly_the_source(store: Store):
    store.write(network())
    full = network()
    nodes = full.nodes[~full.nodes["id"].isin(["dan", "gp"])]
    gone = full.ties["source"].isin(["dan", "gp"]) | full.ties["target"].isin(["dan", "gp"])
    ties = full.ties[~gone].reset_index(drop=True)
    swapped = ties.copy()
    swapped["source"] = [ties["target"][0], *ties["source"][1:]]
    swapped["target"] = [ties["source"][0], *ties["target"][1:]]
    version = store.data_version()
    summary = store.replace(Tables(nodes.reset_index(drop=True), swapped))
    assert (summary.nodes_removed, summary.ties_removed) == (2, len(full.ties) - len(ties))
    assert summary.ties_changed == 0 and summary.nodes_changed == 0  # a swap is no change
    got = store.read()
    assert set(got.nodes["id"]) == set(nodes["id"]) and len(got.ties) == len(ties)
    assert store.data_version() != version
    version = store.data_version()
    again = store.replace(Tables(nodes.reset_index(drop=True), ties))
    assert not again.changed_anything and store.data_version() == version


def test_a_write_that_changes_nothing_keeps_the_version(store: Store):
    store.write(network())
    version = store.data_version()
    store.write(network())
    assert store.data_version() == version
    store.write(Tables.from_records([], [tie("sam", "bob", "friend", "2024-05-01")]))
    assert store.data_version() != version
