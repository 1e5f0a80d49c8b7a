"""The vectorised measures against egor's published values, hand-worked networks and the
plain networkx reference on random temporal networks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lacgraph.analysis.measures import MEASURE_COLUMNS, ego_measures
from lacgraph.analysis.snapshot import project
from lacgraph.tables import Tables, normalise_nodes, normalise_ties
from tests.conftest import random_network, read_text_csv
from tests.reference import reference_measures


def measures_at(T: Tables, at: str) -> pd.DataFrame:
    return ego_measures(project(T, at)).set_index("id")


def test_egor32_published_values(egor32):
    T = Tables(normalise_nodes(read_text_csv(egor32 / "nodes.csv")),
               normalise_ties(read_text_csv(egor32 / "ties.csv")))
    expected = read_text_csv(egor32 / "expected.csv").set_index("id").astype(float)
    got = measures_at(T, "2020-06-01").loc[expected.index, expected.columns].astype(float)
    assert len(expected) == 32
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-9)


def hand_network() -> Tables:
    """Sam: friends Ann and Bob (who know each other), the choir (Ann sings too), a GP,
    a coordinator; Bob is also a peer (two ties, one pair); Cal's friendship ended."""
    people = ["sam", "ann", "bob", "cal", "dee"]
    nodes = [{"id": p, "type": "person", "label": p.title()} for p in people]
    nodes += [{"id": "choir", "type": "group"}, {"id": "gp", "type": "service"},
              {"id": "lac", "type": "coordinator"}, {"id": "home", "type": "family"}]
    tie = lambda s, t, k, start="2024-01-01", **kw: {  # noqa: E731
        "source": s, "target": t, "kind": k, "start": start, **kw}
    ties = [
        tie("sam", "ann", "friend", circle="1", reciprocal=True, brokered_by="lac"),
        tie("sam", "bob", "friend"),
        tie("bob", "sam", "peer", "2024-02-01", reciprocal=True),
        tie("ann", "bob", "friend"),
        tie("sam", "choir", "member", brokered_by="lac"),
        tie("ann", "choir", "member"),
        tie("sam", "gp", "service"),
        tie("sam", "lac", "coordinator"),
        tie("sam", "cal", "friend", "2023-01-01", end="2024-06-01"),
        tie("sam", "home", "household"),
        tie("dee", "home", "household"),
        tie("dee", "lac", "coordinator"),
    ]
    return Tables.from_records(nodes, ties)


def test_hand_worked_ego_network():
    m = measures_at(hand_network(), "2024-06-01").loc["sam"]
    # alters: ann, bob, choir, gp, lac (cal ended on t; home is a household, not an alter)
    assert (m["size"], m["natural"], m["community"], m["paid"]) == (5, 2, 1, 2)
    assert (m["circle1"], m["circle2"], m["circle3"], m["circle4"]) == (1, 1, 1, 2)
    # tied alter pairs: ann-bob, ann-choir -> 2 of 10
    assert m["density"] == pytest.approx(2 / 10)
    assert m["effective_size"] == pytest.approx(5 - 2 * 2 / 5)
    assert m["components"] == 3  # {ann, bob, choir}, {gp}, {lac}
    assert m["reciprocity"] == pytest.approx(1.0)  # ann and bob each have a reciprocal tie
    assert m["brokered"] == 2  # ann and the choir
    assert not m["isolated"] and m["at_risk"] is np.False_ and not m["coordinator_only"]


def test_boundaries_and_the_most_isolated():
    M = measures_at(hand_network(), "2024-05-31")
    assert M.loc["sam", "size"] == 6  # cal is still there the day before the end
    dee = M.loc["dee"]
    assert dee["size"] == 1 and dee["coordinator_only"] and dee["isolated"]
    assert np.isnan(dee["density"]) and dee["effective_size"] == 1.0
    assert M.loc["cal", "size"] == 1
    before = measures_at(hand_network(), "2023-12-31")
    assert before.loc["ann", "size"] == 0 and np.isnan(before.loc["ann", "constraint"])
    assert set(M.index) == {"sam", "ann", "bob", "cal", "dee"}  # people only, all of them


def assert_same(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    assert list(fast.columns) == list(MEASURE_COLUMNS)
    assert list(fast["id"]) == list(slow["id"])
    for col in MEASURE_COLUMNS[1:]:
        a, b = fast[col].to_numpy(), slow[col].to_numpy()
        if a.dtype.kind == "f" or b.dtype.kind == "f":
            np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=0, atol=1e-9,
                                       err_msg=col)
        else:
            assert a.tolist() == b.tolist(), col


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n_ties=st.integers(0, 150))
def test_agrees_with_networkx_reference(seed, n_ties):
    T = random_network(seed, n_ties=n_ties)
    for at in ("2024-06-01", "2024-01-15"):
        assert_same(ego_measures(project(T, at)).reset_index(drop=True),
                    reference_measures(T, at).reset_index(drop=True))


def test_agrees_with_reference_on_dense_random_graph():
    T = random_network(7, n_people=12, n_ties=120)
    assert_same(ego_measures(project(T, "2024-06-01")), reference_measures(T, "2024-06-01"))


def test_relabelling_ids_changes_nothing():
    T = random_network(3)
    mapping = {i: f"x-{i[::-1]}" for i in T.nodes["id"]}
    nodes = T.nodes.assign(id=T.nodes["id"].map(mapping))
    ties = T.ties.assign(source=T.ties["source"].map(mapping),
                         target=T.ties["target"].map(mapping),
                         brokered_by=T.ties["brokered_by"].map(lambda b: mapping.get(b, b)))
    a = measures_at(T, "2024-06-01")
    b = measures_at(Tables(nodes, ties), "2024-06-01").rename(
        index={v: k for k, v in mapping.items()}).loc[a.index]
    pd.testing.assert_frame_equal(a, b, check_index_type=False)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_ranges(seed):
    M = measures_at(random_network(seed), "2024-06-01")
    density = M["density"].dropna()
    assert ((density >= 0) & (density <= 1)).all()
    assert (M["natural"] + M["community"] + M["paid"] == M["size"]).all()
    assert (M[["circle1", "circle2", "circle3", "circle4"]].sum(axis=1) == M["size"]).all()
    assert (M["components"] <= M["size"]).all()
    assert (M["effective_size"].dropna() >= 1 - 1e-12).all()
