"""The plain-networkx reference measures on hand-drawn networks, and on egor32."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lacgraph.errors import NotFound
from lacgraph.tables import Tables, normalise_nodes, normalise_ties
from tests.reference import COLUMNS, reference_measures

DAY = "2024-06-01"


def tie(source: str, target: str, kind: str = "friend", start: str = "2024-01-01", **kw) -> dict:
    return {"source": source, "target": target, "kind": kind, "start": start, **kw}


def network(nodes: dict[str, str], ties: list[dict]) -> Tables:
    return Tables.from_records(
        nodes=[{"id": i, "type": t} for i, t in nodes.items()], ties=ties
    )


def people(ids: str) -> dict[str, str]:
    return dict.fromkeys(ids, "person")


def row(T: Tables, person: str, at: str = DAY) -> pd.Series:
    return reference_measures(T, at, people=[person]).iloc[0]


def test_star_of_four_friends():
    T = network(people("pabcd"), [tie("p", x) for x in "abcd"])
    r = row(T, "p")
    assert (r["size"], r["natural"], r["community"], r["paid"]) == (4, 4, 0, 0)
    assert (r["circle1"], r["circle2"], r["circle3"], r["circle4"]) == (0, 4, 0, 0)
    assert r["density"] == 0.0
    assert r["effective_size"] == 4.0  # no alter ties: nothing redundant
    assert r["constraint"] == pytest.approx(4 * (1 / 4) ** 2)  # 0.25
    assert r["components"] == 4
    assert r["reciprocity"] == 0.0 and r["brokered"] == 0
    assert not r["isolated"] and not r["at_risk"] and not r["coordinator_only"]
    # each leaf has one alter, the hub: fully constrained
    leaf = row(T, "a")
    assert leaf["size"] == 1 and math.isnan(leaf["density"])
    assert leaf["effective_size"] == 1.0 and leaf["constraint"] == 1.0
    assert leaf["components"] == 1 and leaf["at_risk"]


def test_triangle_with_a_paid_alter():
    T = network(
        {**people("pab"), "gp": "service"},
        [tie("p", "a"), tie("p", "b"), tie("a", "b"), tie("p", "gp", "service")],
    )
    r = row(T, "p")
    assert (r["size"], r["natural"], r["community"], r["paid"]) == (3, 2, 0, 1)
    assert (r["circle2"], r["circle4"]) == (2, 1)
    assert r["density"] == pytest.approx(1 / 3)  # a-b of the 3 pairs
    assert r["effective_size"] == pytest.approx(3 - 2 * 1 / 3)
    # p_pa = 1/3, p_pb = 1/3, p_ba = 1/2: c_a = c_b = (1/3 + 1/6)^2, c_gp = (1/3)^2
    assert r["constraint"] == pytest.approx(2 * (1 / 2) ** 2 + (1 / 3) ** 2)
    assert r["components"] == 2  # {a, b} and {gp}
    assert r["at_risk"] and not r["isolated"]


def test_multi_ties_count_once_in_the_closest_category_and_circle():
    T = network(
        {**people("pa"), "c1": "coordinator", "g": "group"},
        [
            tie("p", "a", "service", brokered_by="c1"),  # a paid carer who is also a friend
            tie("a", "p", "friend", circle=1, reciprocal=True),
            tie("p", "g", "member"),
            tie("p", "g", "volunteer", start="2024-02-01"),
            tie("p", "c1", "coordinator"),
        ],
    )
    r = row(T, "p")
    assert (r["size"], r["natural"], r["community"], r["paid"]) == (3, 1, 1, 1)
    assert (r["circle1"], r["circle2"], r["circle3"], r["circle4"]) == (1, 0, 1, 1)
    assert r["reciprocity"] == 1.0
    assert r["brokered"] == 1  # a: natural alter, brokered_by on one of its ties (any kind)
    assert not r["coordinator_only"] and r["at_risk"]
    assert r["density"] == 0.0 and r["components"] == 3


def test_a_tie_ending_on_the_day_is_gone_and_one_starting_on_it_is_there():
    T = network(
        people("pab"),
        [tie("p", "a", end="2024-06-01"), tie("p", "b", "neighbour", start="2024-06-01")],
    )
    r = row(T, "p")
    assert r["size"] == 1 and r["circle3"] == 1 and r["natural"] == 1
    assert row(T, "a")["size"] == 0
    assert row(T, "p", "2024-05-31")["size"] == 1 and row(T, "a", "2024-05-31")["size"] == 1


def test_a_person_with_no_alters_has_a_row_of_zeros_and_empties():
    T = network({**people("zq"), "c1": "coordinator"}, [tie("q", "c1", "coordinator")])
    m = reference_measures(T, DAY)
    assert m["id"].tolist() == ["q", "z"]
    z = m.iloc[1]
    assert z["size"] == 0 and z["components"] == 0 and z["brokered"] == 0
    assert all(math.isnan(z[c]) for c in ("density", "effective_size", "constraint",
                                          "reciprocity"))
    assert z["isolated"] and z["at_risk"] and not z["coordinator_only"]
    q = m.iloc[0]
    assert q["paid"] == 1 and q["isolated"] and q["coordinator_only"]
    assert math.isnan(q["reciprocity"])


def test_household_ties_are_ignored_and_family_nodes_are_never_alters():
    T = network(
        {**people("pqr"), "f1": "family"},
        [tie("p", "f1", "household"), tie("q", "f1", "household"), tie("r", "f1", "household"),
         tie("p", "q", "family")],
    )
    m = reference_measures(T, DAY).set_index("id")
    assert m.loc["p", "size"] == 1 and m.loc["q", "size"] == 1
    assert m.loc["r", "size"] == 0
    assert "f1" not in m.index


def test_output_columns_dtypes_and_order():
    T = network(people("cab"), [tie("a", "b")])
    m = reference_measures(T, DAY)
    assert tuple(m.columns) == COLUMNS
    assert m["id"].tolist() == ["a", "b", "c"]
    assert m["size"].dtype == np.int64 and m["density"].dtype == np.float64
    assert m["isolated"].dtype == bool


def test_unknown_person_is_not_found():
    T = network(people("ab"), [tie("a", "b")])
    with pytest.raises(NotFound):
        reference_measures(T, DAY, people=["nobody"])


def test_egor32_published_values(egor32):
    folder = egor32
    read = {"dtype": str, "keep_default_na": False}
    T = Tables(
        normalise_nodes(pd.read_csv(folder / "nodes.csv", **read)),
        normalise_ties(pd.read_csv(folder / "ties.csv", **read)),
    )
    expected = pd.read_csv(folder / "expected.csv")
    got = reference_measures(T, "2020-06-01", people=expected["id"].tolist())
    got = got.set_index("id").loc[expected["id"]]
    assert len(got) == 32
    for col in ("size", "density", "effective_size", "constraint", "components"):
        np.testing.assert_allclose(got[col].to_numpy(float), expected[col].to_numpy(float),
                                   rtol=0, atol=1e-9, err_msg=col)


def test_docstring_examples_of_the_reference():
    import doctest

    import tests.reference

    result = doctest.testmod(tests.reference, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
