"""Clustering by coordinator (DESIGN.md, "Observations and follow-up"; issue 28 finding 7):
the interval and the ICC equal statsmodels' called directly on the same data."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.regression.mixed_linear_model import MixedLM
from statsmodels.tools.sm_exceptions import ConvergenceWarning, SingularMatrixWarning

from lacgraph.analysis.clustering import cluster_groups, clustered_interval, icc
from lacgraph.analysis.cohort import mean_interval
from lacgraph.analysis.growth import growth
from lacgraph.network import Network
from lacgraph.synthetic import programme, with_observations


def direct(y: np.ndarray, coordinators: list[str]) -> tuple[float, float, float]:
    groups = pd.factorize(pd.Series([c or f"own{i}" for i, c in enumerate(coordinators)]))[0]
    fit = sm.OLS(y, np.ones((len(y), 1))).fit(cov_type="cluster", cov_kwds={"groups": groups},
                                               use_t=True)
    low, high = fit.conf_int(0.05)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # as the product: a singular random-effects covariance concerns only the variances'
        # standard errors, which neither uses
        warnings.simplefilter("ignore", SingularMatrixWarning)
        mixed = MixedLM(y, np.ones((len(y), 1)), groups=groups).fit(reml=True)
    between = float(mixed.cov_re.iloc[0, 0] if hasattr(mixed.cov_re, "iloc")
                    else mixed.cov_re[0, 0])
    return float(low), float(high), between / (between + float(mixed.scale))


def data(seed: int, clusters: int = 8, size: int = 12) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    effect = rng.normal(0, 1.0, clusters)
    g = rng.integers(0, clusters, clusters * size)
    y = np.round(2 + effect[g] + rng.normal(0, 1.5, len(g)))
    names = [f"c{k}" for k in g]
    names[0] = ""  # a member without a coordinator is their own cluster
    return y, names


@pytest.mark.parametrize("seed", range(6))
def test_interval_and_icc_equal_statsmodels_on_the_same_data(seed):
    y, names = data(seed)
    low, high, want_icc = direct(y, names)
    assert clustered_interval(y, names) == pytest.approx((low, high), rel=1e-9, abs=1e-12)
    assert icc(y, names) == pytest.approx(want_icc, rel=1e-5, abs=1e-8)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_order_and_names_change_no_digit(seed):
    y, names = data(seed, clusters=5, size=6)
    order = np.random.default_rng(seed).permutation(len(y))
    renamed = [f"x{n}" if n else "" for n in names]
    a = (clustered_interval(y, names), icc(y, names))
    b = (clustered_interval(y[order], [renamed[i] for i in order]),
         icc(y[order], [renamed[i] for i in order]))
    assert a == b


def test_one_coordinator_gives_the_t_interval_and_no_icc():
    y = np.array([1.0, 2.0, 4.0, 0.0, 3.0])
    assert clustered_interval(y, ["c1"] * 5) == mean_interval(y)
    assert icc(y, ["c1"] * 5) is None
    assert icc(y, ["c1", "", "", "", ""]) is None  # fewer than 2 coordinators
    assert clustered_interval([3.0], ["c1"]) == (None, None)
    assert cluster_groups(["c2", "", "c1", ""]).tolist() == [1, 2, 0, 3]


def test_summary_interval_and_icc_are_statsmodels_on_the_observed():
    g = growth(Network.from_tables(with_observations(programme(3000, seed=5), seed=5)),
               months=6)
    s = g.summary()
    coordinator = g.attributes.set_index("id")["coordinator"]
    names = g.people["id"].map(coordinator).tolist()
    assert len(set(names)) >= 2 and s["mode"] == "observed"
    for column, suffix in (("change", ""), ("paid_change", "_paid")):
        y = g.people[column].to_numpy(float)
        low, high, want = direct(y, names)
        name = "mean_change" if not suffix else "mean_paid_change"
        assert (s[f"{name}_low"], s[f"{name}_high"]) == pytest.approx((low, high), rel=1e-9)
        assert s[f"icc{suffix}"] == pytest.approx(want, rel=1e-5, abs=1e-8)
