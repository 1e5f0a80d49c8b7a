"""The measures against values published outside this project (tests/data/*/PROVENANCE.md).

- egor32: the full-precision values the measure tests use round to egor's published ones.
- Borgatti's structural-holes graph: the constraint and effective size networkx's own tests
  check (values from UCINET and igraph, worked by hand). Those are whole-graph values;
  DESIGN.md's constraint is taken on the ego network alone (as egor's ``ego_constraint``),
  so the two agree exactly when no alter on an indirect path has a tie outside the ego
  network. The test works out where that holds from the graph itself, checks the published
  value there, and checks the hand-worked ego-network value where it does not (node A).
"""

from __future__ import annotations

from fractions import Fraction

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from lacgraph.analysis.measures import ego_measures
from lacgraph.analysis.snapshot import project
from lacgraph.loaders import read_source
from tests.conftest import read_text_csv

AT = "2020-06-01"  # every tie of both data sets is active from 2020-01-01


def test_egor32_values_round_to_egors_published_ones(egor32):
    expected = read_text_csv(egor32 / "expected.csv").set_index("id").astype(float)
    published = read_text_csv(egor32 / "published.csv").set_index("id").astype(float)
    assert len(published) == 10
    for column in ("density", "constraint"):
        np.testing.assert_array_equal(
            expected.loc[published.index, column].round(3).to_numpy(),
            published[column].to_numpy(), err_msg=column)


@pytest.fixture(scope="module")
def borgatti_graph(borgatti) -> nx.Graph:
    ties = read_text_csv(borgatti / "ties.csv")
    return nx.from_pandas_edgelist(ties, "source", "target")


@pytest.fixture(scope="module")
def borgatti_measures(borgatti) -> pd.DataFrame:
    return ego_measures(project(read_source(borgatti), AT)).set_index("id")


@pytest.fixture(scope="module")
def published(borgatti) -> pd.DataFrame:
    table = read_text_csv(borgatti / "published.csv")
    table[["value", "tolerance"]] = table[["value", "tolerance"]].astype(float)
    return table


def ego_network_holds_every_indirect_tie(G: nx.Graph, person: str) -> bool:
    """True when every alter tied to another alter has all its ties in the ego network,
    so its share ``1 / degree`` is the same in the ego network as in the whole graph."""
    alters = set(G[person])
    inside = alters | {person}
    return all(set(G[q]) <= inside for q in alters if set(G[q]) & alters)


def test_borgatti_graph_is_the_one_networkx_checked(borgatti_graph, published):
    """The data file reproduces networkx's whole-graph values (so it is the same graph)."""
    whole = {"constraint": nx.constraint(borgatti_graph),
             "effective_size": nx.effective_size(borgatti_graph)}
    for row in published.itertuples():
        assert whole[row.measure][row.id] == pytest.approx(row.value, abs=row.tolerance)


def test_effective_size_matches_the_published_values(borgatti_measures, published):
    rows = published[published["measure"] == "effective_size"]
    assert len(rows) == 3
    for row in rows.itertuples():
        got = borgatti_measures.at[row.id, "effective_size"]
        assert got == pytest.approx(row.value, abs=row.tolerance), row.id


def test_constraint_matches_the_published_values_where_the_ego_network_holds_them(
        borgatti_graph, borgatti_measures, published):
    rows = published[published["measure"] == "constraint"]
    covered = [r for r in rows.itertuples()
               if ego_network_holds_every_indirect_tie(borgatti_graph, r.id)]
    assert sorted(r.id for r in covered) == ["C", "G"]
    for row in covered:
        got = borgatti_measures.at[row.id, "constraint"]
        assert got == pytest.approx(row.value, abs=row.tolerance), row.id


def test_constraint_of_a_takes_its_ego_network_alone(borgatti_graph, borgatti_measures,
                                                      published):
    """A's alters B, E, F, G (degrees 2, 2, 2, 4 inside A's ego network; G also knows C and
    D, B knows D). By hand, p = 1/4 to each alter, then 1/4 + 1/4 * 1/4 to B, E and F
    (through G) and 1/4 + 3 * (1/4 * 1/2) to G: 3 * (5/16)^2 + (5/8)^2 = 175/256. The
    published 0.595 takes G's and B's ties outside A's network into account."""
    assert not ego_network_holds_every_indirect_tie(borgatti_graph, "A")
    by_hand = Fraction(3) * Fraction(5, 16) ** 2 + Fraction(5, 8) ** 2
    assert by_hand == Fraction(175, 256)
    got = borgatti_measures.at["A", "constraint"]
    assert got == pytest.approx(float(by_hand), abs=1e-12)
    whole_graph = published.set_index(["id", "measure"]).at[("A", "constraint"), "value"]
    assert abs(got - whole_graph) > 0.05
