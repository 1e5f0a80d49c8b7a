"""The statistics of a cohort's changes: one place for the tests both growth questions use.

Natural + community changes and paid changes (DESIGN.md, "Growth" and "Service
dependency") go through the same :func:`wilcoxon_effect` and :func:`mean_interval`;
:func:`statistics` assembles one cohort's summary and :func:`suppressed_row` applies the
small-number rule to a group's summary.

Examples
--------
>>> s = statistics([1, 2, 0, 3, -1, 2, 2, 4], 0, _NO_TIES, [-1, 0, 0, -1, 1, 0, -1, 0])
>>> s["n"], s["mean_change"], s["share_shifted"]
(8, 1.625, 0.375)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from lacgraph.analysis.clustering import clustered_interval, icc, mean_interval
from lacgraph.privacy import suppress

SUMMARY_KEYS: tuple[str, ...] = (
    "n", "not_yet_due", "introduced", "due", "n_observed", "n_missing", "n_left",
    "n_missing_baseline",
    "follow_up_rate", "baseline_observed_mean", "baseline_missing_mean",
    "mean_change", "mean_change_low", "mean_change_high", "icc",
    "median_change", "share_grew", "share_same",
    "share_shrank", "wilcoxon_p", "effect_r",
    "mean_change_assumed", "mean_change_missing_zero",
    "mean_paid_change", "mean_paid_change_low", "mean_paid_change_high", "icc_paid",
    "median_paid_change", "share_shifted", "wilcoxon_p_paid", "effect_r_paid",
    "retention_km", "retention_km_low", "retention_km_high", "retention_km_n",
    "retention", "retention_n",
)
"""The statistics of a cohort summary, in order (DESIGN.md, "Growth", "Service
dependency", "Observations and follow-up", "Retention of new ties")."""

ATTRITION_KEYS: tuple[str, ...] = (
    "n_observed", "n_missing", "n_left", "n_missing_baseline", "follow_up_rate",
    "baseline_observed_mean", "baseline_missing_mean", "mean_change_assumed",
    "mean_change_missing_zero",
)
"""Who was followed up, and the two sensitivity means (``None`` in ``assumed`` mode, where
the mean change itself is the records-assumed-current figure)."""

GROUP_COUNTS: tuple[str, ...] = ("n", "not_yet_due", "introduced", "due", "n_observed",
                                  "n_missing", "n_left", "n_missing_baseline", "retention_n",
                                  "retention_km_n")
"""The counts of a summary that small-number suppression applies to."""

_NO_TIES = pd.DataFrame({"tie": [], "due": [], "lasted": []})


def wilcoxon_effect(changes: np.ndarray | Sequence[float]) -> tuple[float | None, float | None]:
    """Return the Wilcoxon signed-rank p and the effect size r = Z/sqrt(n) of ``changes``.

    ``p`` is ``scipy.stats.wilcoxon(changes)`` with its defaults (zero differences
    dropped); ``Z`` is the normal approximation's statistic taken with its sign
    (positive = increase) and ``n`` the number of changes, zeros included. Both are
    ``None`` when there are no changes or every change is 0. This is the one place
    the cohort tests live: natural + community changes and paid changes both use it.

    Examples
    --------
    >>> p, r = wilcoxon_effect([1, 2, 3, 0, -1, 4, 2, 5])
    >>> round(p, 4), round(r, 2)
    (0.0469, 0.75)
    >>> wilcoxon_effect([0, 0, 0])
    (None, None)
    """
    changes = np.asarray(changes, dtype=np.float64)
    if len(changes) <= _REMEMBERED_UP_TO:
        # small samples take scipy's exact or permutation test (for 13 changes or fewer with
        # ties or zeros, every sign pattern: tens of milliseconds) and a summary asks one
        # per group; the test depends on the values, not their order, so one per sorted
        # sample is remembered (a few thousand, of at most 50 values each)
        return _small_wilcoxon_effect(tuple(np.sort(changes).tolist()))
    return _wilcoxon_effect(changes)


_REMEMBERED_UP_TO = 50
"""scipy may take an exact or a permutation test for a sample up to this size (slow); a
larger one always gets the normal approximation (quick, and not remembered)."""


def _wilcoxon_effect(changes: np.ndarray | tuple[float, ...]
                     ) -> tuple[float | None, float | None]:
    changes = np.asarray(changes, dtype=np.float64)
    n = len(changes)
    if not n or not np.any(changes != 0):
        return None, None
    from scipy import stats  # here, not at the top: half a second of every growth command

    p = float(stats.wilcoxon(changes).pvalue)
    z = float(stats.wilcoxon(changes, method="asymptotic", alternative="greater").zstatistic)
    return p, z / math.sqrt(n)


_small_wilcoxon_effect = functools.lru_cache(maxsize=4096)(_wilcoxon_effect)


def statistics(changes: np.ndarray, not_yet_due: int, new_ties: pd.DataFrame,
               paid_changes: np.ndarray | None = None, *, tests: bool = True,
               clusters: np.ndarray | Sequence[object] | None = None) -> dict[str, Any]:
    """Return the summary statistics of one cohort's observed changes (:data:`SUMMARY_KEYS`
    but the attrition ones; the paid ones only with ``paid_changes``); see
    :mod:`lacgraph.analysis.growth` for the definitions.

    ``clusters`` (each change's coordinator, ``""`` for none) makes the interval of the
    mean cluster-robust and gives the ICC (:mod:`lacgraph.analysis.clustering`); without
    it the interval is the plain t-interval (:func:`mean_interval`) and the ICC empty.
    ``tests=False`` leaves out the tests, intervals, ICC and survival (``None``), for a
    group whose statistics :func:`suppressed_row` will withhold anyway.
    """
    changes = np.asarray(changes, dtype=np.float64)
    n = len(changes)
    ties = new_ties.drop_duplicates("tie")
    due = ties["due"].to_numpy(bool)
    retention_n = int(due.sum())
    p, r = wilcoxon_effect(changes) if tests else (None, None)
    low, high, spread = _interval(changes, clusters) if tests else (None, None, None)
    out: dict[str, Any] = {
        "n": n,
        "not_yet_due": int(not_yet_due),
        "mean_change": float(changes.mean()) if n else None,
        "mean_change_low": low,
        "mean_change_high": high,
        "icc": spread,
        "median_change": float(np.median(changes)) if n else None,
        "share_grew": float((changes > 0).mean()) if n else None,
        "share_same": float((changes == 0).mean()) if n else None,
        "share_shrank": float((changes < 0).mean()) if n else None,
        "wilcoxon_p": p,
        "effect_r": r,
    }
    if paid_changes is not None:
        paid = np.asarray(paid_changes, dtype=np.float64)
        p_paid, r_paid = wilcoxon_effect(paid) if tests else (None, None)
        low_paid, high_paid, spread_paid = (_interval(paid, clusters) if tests
                                            else (None, None, None))
        out.update({
            "mean_paid_change": float(paid.mean()) if n else None,
            "mean_paid_change_low": low_paid,
            "mean_paid_change_high": high_paid,
            "icc_paid": spread_paid,
            "median_paid_change": float(np.median(paid)) if n else None,
            "share_shifted": float(((paid < 0) & (changes > 0)).mean()) if n else None,
            "wilcoxon_p_paid": p_paid,
            "effect_r_paid": r_paid,
        })
    km = _survival(ties) if tests else None
    out["retention_km"], out["retention_km_low"], out["retention_km_high"] = (
        km if km is not None else (None, None, None))
    out["retention_km_n"] = (int(np.isfinite(ties["duration"].to_numpy(np.float64)).sum())
                             if "duration" in ties else 0)
    out["retention"] = (float(ties["lasted"].to_numpy(bool)[due].mean()) if retention_n
                        else None)
    out["retention_n"] = retention_n
    return out


def _interval(values: np.ndarray, clusters: np.ndarray | Sequence[object] | None
              ) -> tuple[float | None, float | None, float | None]:
    """The 95% interval of the mean (cluster-robust with ``clusters``) and the ICC."""
    if clusters is None:
        return (*mean_interval(values), None)
    return (*clustered_interval(values, clusters), icc(values, clusters))


def survival_curve(new_ties: pd.DataFrame) -> pd.DataFrame:
    """Return the Kaplan-Meier curve of the new ties (each tie once; ties never observed,
    with an empty ``duration``, left out): see :mod:`lacgraph.analysis.survival`."""
    from lacgraph.analysis.survival import kaplan_meier

    ties = new_ties.drop_duplicates("tie")
    if "duration" not in ties:
        return kaplan_meier([], [])
    duration = ties["duration"].to_numpy(np.float64)
    seen = np.isfinite(duration)
    return kaplan_meier(duration[seen], ties["ended"].to_numpy(bool)[seen])


def _survival(ties: pd.DataFrame) -> tuple[float, float, float] | None:
    """S(182 days) and its 95% interval, or ``None`` with no tie observed."""
    from lacgraph.analysis.survival import RETENTION_DAYS, survival_at

    if "duration" not in ties or not np.isfinite(ties["duration"].to_numpy(np.float64)).any():
        return None
    return survival_at(survival_curve(ties), RETENTION_DAYS)


def attrition(members: pd.DataFrame, observed: bool) -> dict[str, Any]:
    """Return ``n`` (the members due) and the attrition figures (:data:`ATTRITION_KEYS`).

    ``members`` is :attr:`lacgraph.analysis.growth.Growth.members`. In ``observed`` mode
    (DESIGN.md, "Observations and follow-up"): counts by status, ``follow_up_rate`` =
    n_observed / n, the mean natural + community alters at baseline of the observed and
    of the missing + left, ``mean_change_assumed`` (every member due measured at the
    target dates as recorded) and ``mean_change_missing_zero`` (the missing and left count
    0; members without a baseline are left out). In ``assumed`` mode only ``n`` (the rest
    ``None``: nobody is known to be missing, and the mean change is the records' own).

    Examples
    --------
    >>> m = pd.DataFrame({"status": ["observed", "observed", "missing", "left"],
    ...                   "natural_community_from": [1, 3, 0, 0], "change": [2, 0, None, None],
    ...                   "recorded_from": [1, 3, 0, 0], "recorded_to": [3, 3, 2, 0]})
    >>> a = attrition(m, True)
    >>> a["n"], a["follow_up_rate"], a["mean_change_missing_zero"], a["mean_change_assumed"]
    (4, 0.5, 0.5, 1.0)
    """
    n = len(members)
    out: dict[str, Any] = dict.fromkeys(ATTRITION_KEYS)
    out["n"] = n
    if not observed:
        return out
    assumed_change = (members["recorded_to"] - members["recorded_from"]).to_numpy(np.float64)
    out["mean_change_assumed"] = float(assumed_change.mean()) if n else None
    status = members["status"].to_numpy(object)
    seen, missing = status == "observed", np.isin(status, ("missing", "left"))
    start = members["natural_community_from"].to_numpy(np.float64)
    change = members["change"].to_numpy(np.float64)
    counted = seen | missing
    out.update({
        "n_observed": int(seen.sum()), "n_missing": int((status == "missing").sum()),
        "n_left": int((status == "left").sum()),
        "n_missing_baseline": int((status == "missing_baseline").sum()),
        "follow_up_rate": float(seen.sum() / n) if n else None,
        "baseline_observed_mean": float(start[seen].mean()) if seen.any() else None,
        "baseline_missing_mean": float(start[missing].mean()) if missing.any() else None,
        "mean_change_missing_zero": (float(np.where(seen, change, 0.0)[counted].mean())
                                     if counted.any() else None),
    })
    return out


def suppressed_row(row: dict[str, Any]) -> dict[str, Any]:
    """Return a group's statistics as they may leave the team: its counts suppressed, and
    no statistics at all for a group of 1-7 people (a mean of three people is theirs)."""
    out = dict(row)
    for key in GROUP_COUNTS:
        if key in row and row[key] is not None:
            out[key] = suppress(row[key])
    if out["n"] == "*" or out.get("n_observed") == "*":
        for key in SUMMARY_KEYS:
            if key not in GROUP_COUNTS and key in out:
                out[key] = None
    if out["retention_n"] == "*":
        out["retention"] = None
    if out.get("retention_km_n") == "*":
        for key in ("retention_km", "retention_km_low", "retention_km_high"):
            out[key] = None
    return out
