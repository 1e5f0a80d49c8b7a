"""When each supported person's network was observed, and which observation is follow-up.

DESIGN.md, "Observations and follow-up": a supported person is observed on
``introduced_on``, on every review date (the ``reviews`` attribute: ``reviews.csv`` rows,
the web app's "review held", Network Canvas interview dates — see
:mod:`lacgraph.loaders.observations`) and never after ``left_on``. Growth's ``observed``
mode takes each person's follow-up from these dates; ``assumed`` (records assumed
current) is the only mode when the data holds no review.

Examples
--------
>>> import pandas as pd
>>> nodes = pd.DataFrame({"id": ["p"], "introduced_on": pd.to_datetime(["2024-01-01"]),
...                       "reviews": ["2024-07-10;2025-02-01"], "left_on": ["2024-12-31"]})
>>> [str(d) for d in observation_dates(nodes)[0]]
['2024-01-01', '2024-07-10']
>>> closest(observation_dates(nodes), np.array(["2024-07-01"], "datetime64[D]"), 45)
array(['2024-07-10'], dtype='datetime64[D]')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ASSUMED", "FOLLOW_UP_DAYS", "MODES", "OBSERVED", "closest", "has_reviews",
           "left_dates", "observation_dates", "resolve_mode"]

OBSERVED = "observed"
ASSUMED = "assumed"
MODES = (OBSERVED, ASSUMED)
FOLLOW_UP_DAYS = 45
"""The default tolerance W (days) around a target date (``--follow-up-days``)."""

_NAT = np.datetime64("NaT", "D")


def _text(nodes: pd.DataFrame, column: str) -> np.ndarray:
    if column not in nodes.columns:
        return np.full(len(nodes), "", dtype=object)
    return nodes[column].map(lambda v: "" if v is None or (not isinstance(v, str)
                                                           and pd.isna(v)) else str(v)
                             ).to_numpy(object)


def has_reviews(nodes: pd.DataFrame) -> bool:
    """Return whether any node holds a review date (then ``observed`` is the default mode).

    Examples
    --------
    >>> has_reviews(pd.DataFrame({"id": ["a"], "reviews": [""]}))
    False
    """
    return any(t.strip(" ;") for t in _text(nodes, "reviews"))


def resolve_mode(nodes: pd.DataFrame, mode: str | None) -> str:
    """Return the growth mode: ``mode`` as asked, else ``observed`` when any review exists.

    Raises :class:`~lacgraph.errors.QueryError` for an unknown mode, or ``observed`` asked
    of data with no review.
    """
    from lacgraph.errors import QueryError

    reviewed = has_reviews(nodes)
    if mode is None:
        return OBSERVED if reviewed else ASSUMED
    if mode not in MODES:
        raise QueryError(f"unknown growth mode {mode!r}; expected observed or assumed")
    if mode == OBSERVED and not reviewed:
        raise QueryError("The data holds no review dates, so no follow-up is observed: "
                         "growth can only assume the records are current (mode assumed).")
    return mode


def left_dates(nodes: pd.DataFrame) -> np.ndarray:
    """Return each row's ``left_on`` as a day (NaT when support has not ended)."""
    text = _text(nodes, "left_on")
    return np.array([t if t else "NaT" for t in text], dtype="datetime64[D]")


def observation_dates(nodes: pd.DataFrame) -> list[np.ndarray]:
    """Return each row's observation days, sorted, each once: ``introduced_on`` and the
    review dates, none after ``left_on``."""
    intro = np.asarray(nodes["introduced_on"].to_numpy(), dtype="datetime64[D]")
    left = left_dates(nodes)
    out = []
    for start, reviews, end in zip(intro, _text(nodes, "reviews"), left, strict=True):
        days = [np.datetime64(t.strip(), "D") for t in reviews.split(";") if t.strip()]
        if not np.isnat(start):
            days.append(start)
        seen = np.unique(np.array(days, dtype="datetime64[D]"))
        if not np.isnat(end):
            seen = seen[seen <= end]
        out.append(seen)
    return out


def closest(observations: list[np.ndarray], targets: np.ndarray, tolerance: int,
            after: np.ndarray | None = None) -> np.ndarray:
    """Return, per person, the observation closest to the target within ``tolerance`` days
    (the earlier on a tie; strictly after ``after[i]`` when given), else NaT.

    Examples
    --------
    >>> obs = [np.array(["2024-06-20", "2024-07-10"], "datetime64[D]")]
    >>> closest(obs, np.array(["2024-06-30"], "datetime64[D]"), 45)
    array(['2024-06-20'], dtype='datetime64[D]')
    >>> closest(obs, np.array(["2024-06-30"], "datetime64[D]"), 5)
    array(['NaT'], dtype='datetime64[D]')
    """
    out = np.full(len(targets), _NAT, dtype="datetime64[D]")
    for i, (days, target) in enumerate(zip(observations, targets, strict=True)):
        if after is not None and not np.isnat(after[i]):
            days = days[days > after[i]]
        if not len(days) or np.isnat(target):
            continue
        gap = np.abs((days - target).astype(np.int64))
        ok = gap <= tolerance
        if ok.any():
            # sorted days: argmin takes the first (earlier) of equal gaps
            out[i] = days[np.flatnonzero(ok)[np.argmin(gap[ok])]]
    return out
