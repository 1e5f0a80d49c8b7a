"""What the family view needs from every store: the ego of a family node is its household.

Uses the contract suite's hand-drawn network (see ``test_store_contract``): sam and cat
live at ``fam``; at t sam's alters are ann, dan and lac, and cat has no other tie.
"""

from __future__ import annotations

from lacgraph.analysis.families import family, household_tables
from lacgraph.stores import Store
from tests.contract.test_store_contract import T, network, pairs, written


def test_ego_of_a_family_node_is_its_active_household_ties(store: Store) -> None:
    ego = written(store, network()).ego("fam", T)
    assert list(ego.nodes["id"]) == ["cat", "fam", "sam"]
    assert pairs(ego.ties) == {("sam", "fam", "household"), ("cat", "fam", "household")}


def test_a_households_network_through_the_store(store: Store) -> None:
    written(store, network())
    F = family(household_tables(store, "cat", T), "cat", T)
    assert F.members["id"].tolist() == ["cat", "sam"]
    assert F.alters[["id", "category"]].to_dict("records") == [
        {"id": "ann", "category": "natural"}, {"id": "dan", "category": "natural"},
        {"id": "lac", "category": "paid"}]
    assert F.counts() == family(store.read(), "cat", T).counts()
