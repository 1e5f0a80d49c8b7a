"""How long new ties last: the Kaplan-Meier survival of ties, censored where unobserved.

DESIGN.md, "Retention of new ties": each new natural + community tie has a duration (end -
start in days when its end is recorded on or before its censoring date, else censored at
censoring date - start). :func:`kaplan_meier` is the product-limit estimate of
statsmodels' :class:`~statsmodels.duration.survfunc.SurvfuncRight`; its standard errors are
Greenwood's. The 95% interval is the one lifelines' ``KaplanMeierFitter`` gives by default
(lifelines is not a dependency: it requires pandas < 3): the "exponential Greenwood"
interval, symmetric on the log(-log S) scale. With c = sqrt(sum over end days <= t of
d / (n (n - d))) and z = 1.959963984540054,

    low  = S ** exp(-z c / log S) = exp(-exp(log(-log S) - z c / log S))
    high = S ** exp(+z c / log S) = exp(-exp(log(-log S) + z c / log S))

(lifelines' ``KaplanMeierFitter._bounds``). c is ``surv_prob_se / surv_prob`` from
statsmodels (whose ``surv_prob_se`` is Greenwood's S * c). statsmodels 0.15's
``SurvfuncRight`` has no pointwise interval method (no ``simple_confint``; only the
simultaneous bands of ``simultaneous_cb``), so the interval is computed here from those
two arrays. Where S = 1 (no tie ended yet) the interval is (1, 1); where S = 0, (0, 0).

S(t) is a step function that can only fall: the value at the last end time on or before t.

Examples
--------
>>> curve = kaplan_meier([10, 20, 20, 30, 40], [True, True, False, True, False])
>>> curve["survival"].round(4).tolist()
[1.0, 0.8, 0.6, 0.3]
>>> round(survival_at(curve, 25)[0], 4)
0.6
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["RETENTION_DAYS", "Z95", "kaplan_meier", "survival_at"]

RETENTION_DAYS = 182
"""A new tie "lasts" when it is still active this many days after its start."""

Z95 = 1.959963984540054
"""The normal quantile of a two-sided 95% interval (``scipy.stats.norm.ppf(0.975)``)."""

CURVE_COLUMNS = ("days", "at_risk", "ended", "survival", "low", "high")


def kaplan_meier(durations: Sequence[float] | np.ndarray, ended: Sequence[bool] | np.ndarray
                 ) -> pd.DataFrame:
    """Return the Kaplan-Meier curve of ``durations`` (``ended``: the end was seen).

    One row at day 0 (survival 1) and one per day on which at least one tie ended:
    ``days, at_risk, ended, survival, low, high`` (``low``/``high``: the 95% interval
    described in the module docstring). Empty input gives only the day-0 row.

    Examples
    --------
    >>> kaplan_meier([5, 5, 9], [True, False, False])[["days", "at_risk", "survival"]
    ...     ].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'days': 0, 'at_risk': 3, 'survival': 1.0},
     {'days': 5, 'at_risk': 3, 'survival': 0.6666666666666667}]
    """
    time = np.asarray(durations, dtype=np.float64)
    status = np.asarray(ended, dtype=bool)
    first = pd.DataFrame([{"days": 0, "at_risk": len(time), "ended": 0, "survival": 1.0,
                           "low": 1.0, "high": 1.0}], columns=list(CURVE_COLUMNS))
    if not status.any():
        return first
    from statsmodels.duration.survfunc import SurvfuncRight  # here: a heavy import

    fit = SurvfuncRight(time, status.astype(np.float64))
    surv = np.asarray(fit.surv_prob, dtype=np.float64)
    se = np.asarray(fit.surv_prob_se, dtype=np.float64)
    low, high = _loglog_interval(surv, se)
    curve = pd.DataFrame({
        "days": np.asarray(fit.surv_times).astype(np.int64),
        "at_risk": np.asarray(fit.n_risk).astype(np.int64),
        "ended": np.asarray(fit.n_events).astype(np.int64),
        "survival": surv, "low": low, "high": high})
    if curve["days"].iloc[0] == 0:  # ties that ended on their first day
        return curve.reset_index(drop=True)
    return pd.concat([first, curve], ignore_index=True)


def _loglog_interval(surv: np.ndarray, se: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the exponential Greenwood 95% interval of ``surv`` (lifelines' default)."""
    low = np.where(surv >= 1.0, 1.0, 0.0)
    high = low.copy()
    inside = (surv > 0.0) & (surv < 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(surv[inside])
        c = se[inside] / surv[inside]  # sqrt(sum d / (n (n - d)))
        low[inside] = np.exp(-np.exp(np.log(-log_s) - Z95 * c / log_s))
        high[inside] = np.exp(-np.exp(np.log(-log_s) + Z95 * c / log_s))
    return low, high


def survival_at(curve: pd.DataFrame, days: float) -> tuple[float, float, float]:
    """Return S(days) and its 95% interval: the curve's row at the last day <= ``days``.

    Examples
    --------
    >>> survival_at(kaplan_meier([], []), 182)
    (1.0, 1.0, 1.0)
    """
    row = curve[curve["days"] <= days].iloc[-1]
    return float(row["survival"]), float(row["low"]), float(row["high"])
