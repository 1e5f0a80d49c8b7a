"""Service dependency (DESIGN.md): paid alters at both ends, their change, who shifted.

The hand-drawn network below was worked out on paper; the cohort statistics are then
checked against scipy called directly on the per-person changes.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lacgraph.analysis.growth import PEOPLE_COLUMNS, SUMMARY_KEYS, growth, wilcoxon_effect
from lacgraph.network import Network
from lacgraph.synthetic import programme
from lacgraph.tables import Tables


def paid_network() -> Tables:
    node = {"type": "person", "supported": True, "neighbourhood": "Castle", "coordinator": "lac"}
    return Tables.from_records(
        nodes=[
            {"id": "lac", "type": "coordinator"},
            {"id": "gp", "type": "service"},
            {"id": "housing", "type": "service"},
            {"id": "walk", "type": "group"},
            {**node, "id": "a", "introduced_on": "2024-01-01"},
            {**node, "id": "c", "introduced_on": "2023-12-01"},
            {**node, "id": "d", "introduced_on": "2023-11-01"},
            {"id": "b", "type": "person"},
            {"id": "f", "type": "person"},
        ],
        ties=[
            # a: gp and coordinator at baseline (1 paid: a coordinator is not a service);
            # gp ends, a friend arrives: shifted
            {"source": "a", "target": "gp", "kind": "service", "start": "2023-06-01",
             "end": "2024-05-01"},
            {"source": "a", "target": "lac", "kind": "coordinator", "start": "2024-01-01"},
            {"source": "a", "target": "b", "kind": "friend", "start": "2024-02-01"},
            # c: f is a friend who later also becomes a paid carer (counts once, natural);
            # housing starts: paid 0 -> 1, natural + community unchanged
            {"source": "c", "target": "f", "kind": "friend", "start": "2023-01-01"},
            {"source": "c", "target": "f", "kind": "service", "start": "2024-02-01"},
            {"source": "c", "target": "housing", "kind": "service", "start": "2024-03-01"},
            # d: loses the gp and the walking group: paid down but community down too
            {"source": "d", "target": "gp", "kind": "service", "start": "2023-01-01",
             "end": "2024-06-01"},
            {"source": "d", "target": "walk", "kind": "member", "start": "2023-01-01",
             "end": "2024-04-01"},
        ],
    )


def test_hand_worked_rows():
    g = growth(Network.from_tables(paid_network()), start="2024-01-01", end="2024-07-01")
    assert list(g.people.columns) == list(PEOPLE_COLUMNS)
    rows = g.people.set_index("id")[
        ["change", "paid_from", "paid_to", "paid_change", "shifted"]]
    assert rows.to_dict("index") == {
        "a": {"change": 1, "paid_from": 1, "paid_to": 0, "paid_change": -1, "shifted": True},
        "c": {"change": 0, "paid_from": 0, "paid_to": 1, "paid_change": 1, "shifted": False},
        "d": {"change": -1, "paid_from": 1, "paid_to": 0, "paid_change": -1, "shifted": False},
    }


def test_hand_worked_summary():
    g = growth(Network.from_tables(paid_network()), start="2024-01-01", end="2024-07-01")
    s = g.summary()
    assert [k for k in SUMMARY_KEYS if k not in s] == []
    assert s["mean_paid_change"] == pytest.approx(-1 / 3)
    assert s["median_paid_change"] == -1
    assert s["share_shifted"] == pytest.approx(1 / 3)
    # paid changes -1, +1, -1: |d| all tied (ranks 2, 2, 2), T+ = 2, E = 3,
    # var = 3*4*7/24 - (3**3 - 3)/48 = 3, Z = -1/sqrt(3), r = Z/sqrt(3) = -1/3
    assert s["effect_r_paid"] == pytest.approx(-1 / 3)
    # natural + community changes +1, 0, -1: T+ = 1.5 = E, so Z = 0
    assert s["effect_r"] == pytest.approx(0.0)
    assert s["wilcoxon_p_paid"] == pytest.approx(stats.wilcoxon([-1, 1, -1]).pvalue)


def test_no_paid_change_gives_no_test():
    T = Tables.from_records(
        nodes=[{"id": "a", "type": "person", "supported": True, "introduced_on": "2024-01-01"},
               {"id": "b", "type": "person"}],
        ties=[{"source": "a", "target": "b", "kind": "friend", "start": "2024-02-01"}])
    s = growth(Network.from_tables(T), start="2024-01-01", end="2024-03-01").summary()
    assert s["wilcoxon_p_paid"] is None and s["effect_r_paid"] is None
    assert s["mean_paid_change"] == 0 and s["share_shifted"] == 0


@pytest.fixture(scope="module")
def demo_growth():
    return growth(Network.from_tables(programme(1500, seed=4)), months=6)


def test_summary_equals_scipy_called_directly(demo_growth):
    people = demo_growth.people
    s = demo_growth.summary()
    paid = people["paid_change"].to_numpy(float)
    close = people["change"].to_numpy(float)
    n = len(people)
    assert n > 50 and np.any(paid != 0)
    assert s["wilcoxon_p_paid"] == pytest.approx(stats.wilcoxon(paid).pvalue, rel=1e-12)
    z = stats.wilcoxon(paid, method="asymptotic", alternative="greater").zstatistic
    assert s["effect_r_paid"] == pytest.approx(z / math.sqrt(n), rel=1e-12)
    assert s["mean_paid_change"] == pytest.approx(paid.mean())
    assert s["median_paid_change"] == pytest.approx(np.median(paid))
    assert s["share_shifted"] == pytest.approx(((paid < 0) & (close > 0)).mean())
    assert people["shifted"].tolist() == ((paid < 0) & (close > 0)).tolist()
    assert (people["paid_change"] == people["paid_to"] - people["paid_from"]).all()


def test_one_function_for_both_tests(demo_growth):
    s = demo_growth.summary()
    people = demo_growth.people
    assert wilcoxon_effect(people["change"]) == (s["wilcoxon_p"], s["effect_r"])
    assert wilcoxon_effect(people["paid_change"]) == (s["wilcoxon_p_paid"], s["effect_r_paid"])


def test_mean_interval_is_statsmodels_cluster_robust_interval(demo_growth):
    import statsmodels.api as sm

    s = demo_growth.summary()
    people = demo_growth.people
    coordinator = demo_growth.attributes.set_index("id")["coordinator"]
    groups = pd.factorize(people["id"].map(coordinator))[0]
    for column, low, high in (("change", "mean_change_low", "mean_change_high"),
                              ("paid_change", "mean_paid_change_low",
                               "mean_paid_change_high")):
        x = people[column].to_numpy(float)
        fit = sm.OLS(x, np.ones((len(x), 1))).fit(
            cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        assert (s[low], s[high]) == pytest.approx(tuple(fit.conf_int(0.05)[0]), rel=1e-9)


def test_small_groups_hide_paid_statistics(demo_growth):
    rows = demo_growth.summary(suppress_small=True)["by"]["coordinator"]
    for row in rows:
        if row["n"] == "*":
            assert row["mean_paid_change"] is None and row["share_shifted"] is None
            assert row["wilcoxon_p_paid"] is None and row["effect_r_paid"] is None
