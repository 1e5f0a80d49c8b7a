"""Retention as survival (DESIGN.md, "Retention of new ties"; issue 28 finding 4).

The Kaplan-Meier curve is checked against the textbook, written here independently: the
product-limit estimate S(t) = prod over end days t_j <= t of (1 - d_j / n_j), Greenwood's
sum V(t) = sum d_j / (n_j (n_j - d_j)), and lifelines' default 95% interval, the
"exponential Greenwood" one: S ** exp(+-1.96 sqrt(V) / log S). It is property-tested never
to rise, and checked against statsmodels' SurvfuncRight.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.duration.survfunc import SurvfuncRight

from lacgraph.analysis.growth import growth
from lacgraph.analysis.survival import kaplan_meier, survival_at
from lacgraph.network import Network
from lacgraph.synthetic import programme, with_observations

Z = 1.959963984540054


def textbook(durations: list[int], ended: list[bool]) -> list[tuple[int, float, float, float]]:
    """(day, S, low, high) at each day on which a tie ended, by the textbook formulas."""
    out = []
    s, v = 1.0, 0.0
    for day in sorted({t for t, e in zip(durations, ended, strict=True) if e}):
        at_risk = sum(1 for t in durations if t >= day)
        d = sum(1 for t, e in zip(durations, ended, strict=True) if e and t == day)
        s *= 1 - d / at_risk
        if at_risk > d:
            v += d / (at_risk * (at_risk - d))
        if s <= 0:
            out.append((day, 0.0, 0.0, 0.0))
            continue
        low = s ** math.exp(-Z * math.sqrt(v) / math.log(s)) if s < 1 else 1.0
        high = s ** math.exp(Z * math.sqrt(v) / math.log(s)) if s < 1 else 1.0
        out.append((day, s, low, high))
    return out


def test_a_curve_worked_by_hand():
    # day 10: one of 5 ends; day 20: one of 4 ends, one censored; day 30: one of 2 ends
    curve = kaplan_meier([10, 20, 20, 30, 40], [True, True, False, True, False])
    assert curve["days"].tolist() == [0, 10, 20, 30]
    assert curve["at_risk"].tolist() == [5, 5, 4, 2]
    assert curve["survival"].tolist() == pytest.approx([1, 0.8, 0.6, 0.3], abs=1e-12)
    # S(20) = 0.6, V = 1/20 + 1/12: low = 0.6 ** exp(1.96 sqrt(V) / log 0.6)
    v = 1 / 20 + 1 / 12
    low, high = (0.6 ** math.exp(s * Z * math.sqrt(v) / math.log(0.6)) for s in (-1, 1))
    assert survival_at(curve, 25) == pytest.approx((0.6, low, high), abs=1e-12)
    assert survival_at(curve, 9) == (1.0, 1.0, 1.0)


# an end is after its start: an ended tie lasted at least a day; a censored one may be 0
durations = st.lists(st.one_of(st.tuples(st.integers(1, 400), st.just(True)),
                               st.tuples(st.integers(0, 400), st.just(False))),
                     min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(durations)
def test_equals_the_textbook_and_statsmodels_to_1e_9(rows):
    times = [t for t, _ in rows]
    ended = [e for _, e in rows]
    curve = kaplan_meier(times, ended)
    want = textbook(times, ended)
    got = curve[curve["ended"] > 0]
    assert got["days"].tolist() == [d for d, *_ in want]
    for column, k in (("survival", 1), ("low", 2), ("high", 3)):
        assert got[column].to_numpy() == pytest.approx([w[k] for w in want], abs=1e-9), column
    if any(ended):
        fit = SurvfuncRight(np.asarray(times, float), np.asarray(ended, float))
        assert got["survival"].to_numpy() == pytest.approx(fit.surv_prob, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(durations)
def test_the_curve_never_rises_and_holds_its_interval(rows):
    curve = kaplan_meier([t for t, _ in rows], [e for _, e in rows])
    s = curve["survival"].to_numpy()
    assert (np.diff(s) <= 0).all() and s[0] == 1.0
    assert (curve["low"] <= s + 1e-12).all() and (s <= curve["high"] + 1e-12).all()
    assert ((curve["low"] >= 0) & (curve["high"] <= 1)).all()


def test_growth_survival_is_the_curve_of_its_new_ties_and_never_rises():
    T = with_observations(programme(1500, seed=4), seed=4)
    g = growth(Network.from_tables(T), months=6)
    ties = g.new_ties.drop_duplicates("tie")
    seen = ties["duration"].notna().to_numpy()
    want = kaplan_meier(ties["duration"].to_numpy()[seen], ties["ended"].to_numpy()[seen])
    km = g.survival()
    assert km.equals(want) and km["survival"].is_monotonic_decreasing
    s = g.summary()
    assert (s["retention_km"], s["retention_km_low"], s["retention_km_high"]) == \
        survival_at(km, 182)
    assert s["retention_km_n"] == int(seen.sum())
    # the older share stays, computed as before (each point a different set of ties)
    assert 0 <= s["retention"] <= 1
