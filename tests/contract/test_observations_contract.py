"""Every store keeps the observations (reviews and ``left_on``), so growth's observed mode
gives the same answer from every store as from the tables (issue 28)."""

from __future__ import annotations

import json

from lacgraph.analysis.growth import growth
from lacgraph.network import Network
from lacgraph.stores import Store
from tests.unit.test_observations import observed_network


def test_reviews_and_left_on_survive_every_store(store: Store) -> None:
    T = observed_network()
    store.write(T)
    nodes = store.read().nodes.set_index("id")
    want = T.nodes.set_index("id")
    assert nodes["reviews"].to_dict() == want["reviews"].to_dict()
    assert nodes["left_on"].to_dict() == want["left_on"].to_dict()
    from_store = growth(Network(store), months=6, as_of="2025-03-01")
    from_tables = growth(Network.from_tables(T), months=6, as_of="2025-03-01")
    assert from_store.mode == "observed"
    assert json.dumps(from_store.summary(), default=str) == json.dumps(from_tables.summary(),
                                                                       default=str)
    assert from_store.members.equals(from_tables.members)
