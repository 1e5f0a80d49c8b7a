"""People of one coordinator are alike: the mean change's interval and ICC allowing for it.

DESIGN.md, "Observations and follow-up" (clustering):

- :func:`clustered_interval`: the 95% interval of the intercept of statsmodels
  ``OLS(values, ones).fit(cov_type="cluster", cov_kwds={"groups": g}, use_t=True)``,
  g the member's coordinator (members without one are each their own cluster). With a
  single cluster (every member has the same coordinator, as in one coordinator's own
  row) the between-coordinator variation does not arise and the interval is the ordinary
  t-interval of the mean (:func:`mean_interval`); with fewer
  than two values it is empty.
- :func:`icc`: sigma2_between / (sigma2_between + sigma2_within) from
  ``MixedLM(values, ones, groups=g).fit(reml=True)`` (``cov_re[0, 0]`` and ``scale``);
  empty (``None``) with fewer than two coordinators or when the optimiser did not
  converge (statsmodels' final ``ConvergenceWarning`` "MixedLM optimization failed" or
  "Gradient optimization failed", ``converged`` false; a first optimiser's failure
  followed by a successful retry is converged). A between-coordinator variance on the boundary (0: statsmodels
  warns "The MLE may be on the boundary") is a converged estimate and gives ICC near 0;
  a ``SingularMatrixWarning`` concerns only the variances' standard errors (not used).

Examples
--------
>>> values = [1, 2, 3, 2, 5, 6, 5, 7]
>>> groups = ["a", "a", "a", "a", "b", "b", "b", "b"]
>>> low, high = clustered_interval(values, groups)
>>> round(low, 2), round(high, 2)
(-19.95, 27.7)
>>> round(icc(values, groups), 3)
0.896
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

__all__ = ["cluster_groups", "clustered_interval", "icc", "mean_interval"]


def mean_interval(values: np.ndarray | Sequence[float], level: float = 0.95
                  ) -> tuple[float | None, float | None]:
    """Return the t-interval for the mean of ``values``: mean -/+ t(level, n-1) s / sqrt(n).

    ``s`` is the sample standard deviation (ddof 1). ``(None, None)`` with fewer than two
    values; a zero-width interval when every value is equal.

    Examples
    --------
    >>> [round(x, 3) for x in mean_interval([1, 3, 2, 6])]
    [-0.437, 6.437]
    >>> mean_interval([4])
    (None, None)
    """
    x = np.sort(np.asarray(values, dtype=np.float64))  # the same answer in any order
    n = len(x)
    if n < 2:
        return None, None
    from scipy import stats

    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return float(x.mean()) - half, float(x.mean()) + half


def cluster_groups(coordinators: Sequence[object] | np.ndarray) -> np.ndarray:
    """Return cluster codes: one per coordinator, members without one each their own.

    Examples
    --------
    >>> cluster_groups(["c1", "", "c1", "", "c2"]).tolist()
    [0, 2, 0, 3, 1]
    """
    values = np.asarray([str(v or "") for v in coordinators], dtype=object)
    named = values != ""
    codes = np.empty(len(values), dtype=np.int64)
    uniques = sorted(set(values[named]))
    index = {c: i for i, c in enumerate(uniques)}
    codes[named] = [index[c] for c in values[named]]
    codes[~named] = len(uniques) + np.arange(int((~named).sum()))
    return codes


def _canonical(values: np.ndarray, coordinators: Sequence[object] | np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Return the values and cluster codes in an order that depends only on the clusters'
    contents (not on ids or input order), so that relabelling changes no digit."""
    g = cluster_groups(coordinators)
    clusters: dict[int, list[float]] = {}
    for code, v in zip(g.tolist(), values.tolist(), strict=True):
        clusters.setdefault(code, []).append(v)
    ordered = sorted((len(v), sorted(v)) for v in clusters.values())
    y = np.array([v for _, vs in ordered for v in vs], dtype=np.float64)
    codes = np.repeat(np.arange(len(ordered)), [n for n, _ in ordered])
    return y, codes


def clustered_interval(values: Sequence[float] | np.ndarray,
                       coordinators: Sequence[object] | np.ndarray, level: float = 0.95
                       ) -> tuple[float | None, float | None]:
    """Return the cluster-robust interval of the mean of ``values`` (module docstring)."""
    y = np.asarray(values, dtype=np.float64)
    if len(y) < 2:
        return None, None
    y, g = _canonical(y, coordinators)
    if len(np.unique(g)) < 2:
        return mean_interval(y, level)
    if np.all(y == y[0]):  # no spread: statsmodels would divide 0 by 0
        return float(y[0]), float(y[0])
    import statsmodels.api as sm

    fit = sm.OLS(y, np.ones((len(y), 1))).fit(cov_type="cluster", cov_kwds={"groups": g},
                                               use_t=True)
    low, high = fit.conf_int(alpha=1 - level)[0]
    return float(low), float(high)


def icc(values: Sequence[float] | np.ndarray, coordinators: Sequence[object] | np.ndarray
        ) -> float | None:
    """Return the intra-coordinator correlation of ``values`` (module docstring)."""
    y = np.asarray(values, dtype=np.float64)
    names = {str(c) for c in coordinators if str(c or "")}
    if len(names) < 2 or len(y) < 3 or np.all(y == y[0]):
        return None
    from statsmodels.regression.mixed_linear_model import MixedLM
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, SingularMatrixWarning

    y, g = _canonical(y, coordinators)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = MixedLM(y, np.ones((len(y), 1)), groups=g).fit(reml=True)
        except (np.linalg.LinAlgError, ValueError):
            return None
    # an optimiser that failed before a retry succeeded is not a failure: only the last
    # word counts ("MixedLM optimization failed", "Gradient optimization failed")
    failed = any(issubclass(w.category, ConvergenceWarning)
                 and str(w.message).startswith(("MixedLM optimization failed",
                                                "Gradient optimization failed"))
                 for w in caught)
    for w in caught:  # notes on the variance's standard error aside, nothing is hidden
        if not issubclass(w.category, (ConvergenceWarning, SingularMatrixWarning)):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if failed or not fit.converged:
        return None
    between = float(np.asarray(fit.cov_re)[0, 0])
    within = float(fit.scale)
    total = between + within
    return between / total if total > 0 else None
