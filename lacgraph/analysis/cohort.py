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

from lacgraph.privacy import suppress

SUMMARY_KEYS: tuple[str, ...] = (
    "n", "not_yet_due", "mean_change", "mean_change_low", "mean_change_high",
    "median_change", "share_grew", "share_same",
    "share_shrank", "wilcoxon_p", "effect_r", "mean_paid_change", "median_paid_change",
    "share_shifted", "wilcoxon_p_paid", "effect_r_paid", "retention", "retention_n",
)
"""The statistics of a cohort summary, in order."""

GROUP_COUNTS: tuple[str, ...] = ("n", "not_yet_due", "retention_n")
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


def statistics(changes: np.ndarray, not_yet_due: int, new_ties: pd.DataFrame,
                paid_changes: np.ndarray | None = None, *, tests: bool = True
                ) -> dict[str, Any]:
    """Return the summary statistics of one cohort (:data:`SUMMARY_KEYS`; the paid ones only
    with ``paid_changes``); see :mod:`lacgraph.analysis.growth` for the definitions.

    ``tests=False`` leaves out the Wilcoxon tests and the interval (``None``), for a group
    whose statistics :func:`suppressed_row` will withhold anyway: scipy's exact test of a
    small group is the slowest part of a summary.
    """
    changes = np.asarray(changes, dtype=np.float64)
    n = len(changes)
    ties = new_ties.drop_duplicates("tie")
    due = ties["due"].to_numpy(bool)
    retention_n = int(due.sum())
    p, r = wilcoxon_effect(changes) if tests else (None, None)
    low, high = mean_interval(changes) if tests else (None, None)
    out: dict[str, Any] = {
        "n": n,
        "not_yet_due": int(not_yet_due),
        "mean_change": float(changes.mean()) if n else None,
        "mean_change_low": low,
        "mean_change_high": high,
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
        out.update({
            "mean_paid_change": float(paid.mean()) if n else None,
            "median_paid_change": float(np.median(paid)) if n else None,
            "share_shifted": float(((paid < 0) & (changes > 0)).mean()) if n else None,
            "wilcoxon_p_paid": p_paid,
            "effect_r_paid": r_paid,
        })
    out["retention"] = (float(ties["lasted"].to_numpy(bool)[due].mean()) if retention_n
                        else None)
    out["retention_n"] = retention_n
    return out


def suppressed_row(row: dict[str, Any]) -> dict[str, Any]:
    """Return a group's statistics as they may leave the team: its counts suppressed, and
    no statistics at all for a group of 1-7 people (a mean of three people is theirs)."""
    out = dict(row)
    for key in GROUP_COUNTS:
        out[key] = suppress(row[key])
    if out["n"] == "*":
        for key in SUMMARY_KEYS:
            if key not in GROUP_COUNTS and key in out:
                out[key] = None
    if out["retention_n"] == "*":
        out["retention"] = None
    return out
