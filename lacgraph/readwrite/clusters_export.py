"""The manager tables made fit to leave the team: every count suppressed, nobody listed.

DESIGN.md's rule (:func:`lacgraph.privacy.suppress`: 0 stays 0, 1-7 become ``"*"``,
other counts round to the nearest 5) is applied to every count of every table. Beyond
that, an export must not undo the suppression elsewhere in the same export:

* ``clusters``: a list of clusters, one row each, would show how many clusters a
  neighbourhood has by its rows (a count the neighbourhood table suppresses) and the
  members would show their size. So the export is a *size profile* instead: one row per
  cluster size with the number of clusters, supported people and people with paid ties,
  all suppressed (no people column: it is size x clusters). Member lists are omitted, never pseudonymised.
* ``people``: a list of individual people is not exported at all (pseudonymised rows are
  still personal data, and their number per neighbourhood is a count); refused.
* ``neighbourhoods``: a ``<count>_change`` column is the difference of the two
  *suppressed* counts (so it reveals nothing the two published counts do not), ``"*"`` when
  either is suppressed; ``supported_per_coordinator`` likewise from suppressed counts.
* ``communities``: ``neighbourhood_mix`` and ``main_share`` (small counts in words and
  a ratio of counts) are dropped.

Examples
--------
>>> import pandas as pd
>>> clusters = pd.DataFrame({"cluster": [1, 2], "size": [3, 3], "members": ["a;b;c", "d;e;f"],
...                          "neighbourhoods": ["Elm", "Elm"], "supported": [1, 0],
...                          "with_paid_ties": [2, 1]})
>>> for_export(clusters, "clusters").to_dict("records")
[{'size': 3, 'clusters': '*', 'supported': '*', 'with_paid_ties': '*'}]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lacgraph.analysis.clusters import CHANGE_COUNTS, NEIGHBOURHOOD_COUNTS
from lacgraph.errors import QueryError
from lacgraph.privacy import SUPPRESS_UP_TO, suppress, suppress_counts

TABLES: tuple[str, ...] = ("clusters", "people", "neighbourhoods", "assets", "gaps",
                           "communities")
"""The manager tables :func:`for_export` knows."""

PEOPLE_NOT_FOR_EXPORT = (
    "A list of people cannot be exported beyond the team (even pseudonymised, it is personal "
    "data, and its rows would show counts that are suppressed elsewhere). Export the "
    "neighbourhoods table for counts of isolated and at-risk people.")

PROFILE_COLUMNS: tuple[str, ...] = ("size", "clusters", "supported", "with_paid_ties")
"""The size profile has no ``people`` column: people = size x clusters, and publishing both
rounded counts would narrow the suppressed number of clusters."""


def cluster_profile(clusters: pd.DataFrame) -> pd.DataFrame:
    """Return isolated clusters summarised by size (one row per size, largest first).

    Examples
    --------
    >>> clusters = pd.DataFrame({"cluster": [1, 2, 3], "size": [4, 2, 2],
    ...                          "supported": [1, 0, 2], "with_paid_ties": [0, 1, 1]})
    >>> cluster_profile(clusters).to_dict("records")
    [{'size': 4, 'clusters': 1, 'supported': 1, 'with_paid_ties': 0}, {'size': 2, 'clusters': 2, 'supported': 2, 'with_paid_ties': 2}]
    """
    grouped = clusters.groupby("size", sort=True)
    table = pd.DataFrame({
        "clusters": grouped.size(),
        "supported": grouped["supported"].sum(),
        "with_paid_ties": grouped["with_paid_ties"].sum(),
    }).astype(np.int64).rename_axis("size").reset_index()
    table["size"] = table["size"].astype(np.int64)
    return table.sort_values("size", ascending=False)[list(PROFILE_COLUMNS)].reset_index(
        drop=True)


def _difference(now: object, then: object) -> object:
    if now == "*" or then == "*":
        return "*"
    return int(now) - int(then)  # type: ignore[call-overload]


def for_export(frame: pd.DataFrame, table: str, *, up_to: int = SUPPRESS_UP_TO) -> pd.DataFrame:
    """Return a manager table as it may leave the team (see the module docstring).

    Parameters
    ----------
    frame : pandas.DataFrame
        A table from :mod:`lacgraph.analysis.clusters` (``isolated_clusters``, ``neighbourhoods``
        with or without ``since``, ``community_assets``, ``community_gaps``,
        ``communities``).
    table : str
        Which one: one of :data:`TABLES`.
    up_to : int, default 7
        Counts from 1 to ``up_to`` become ``"*"`` (the rule's configurable threshold).

    Examples
    --------
    >>> frame = pd.DataFrame({"neighbourhood": ["Elm"], "people": [612], "supported": [52],
    ...     "isolated": [9], "at_risk": [81], "isolated_clusters": [3],
    ...     "in_isolated_clusters": [8], "groups": [6], "group_members": [230],
    ...     "coordinators": [1], "supported_per_coordinator": [52.0]})
    >>> for_export(frame, "neighbourhoods").iloc[0][["people", "isolated", "groups"]].tolist()
    [610, 10, '*']
    """
    if table not in TABLES:
        raise QueryError(f"Unknown table {table!r}: expected one of {', '.join(TABLES)}")
    if table == "people":
        raise QueryError(PEOPLE_NOT_FOR_EXPORT)
    if table == "clusters":
        return suppress_counts(cluster_profile(frame), PROFILE_COLUMNS[1:], up_to=up_to)
    if table == "communities":
        frame = frame.drop(columns=["neighbourhood_mix", "main_share"], errors="ignore")
        counts = [c for c in frame.columns if c != "community" and frame[c].dtype.kind in "iu"]
        return suppress_counts(frame, counts, up_to=up_to)
    if table == "neighbourhoods":
        out = suppress_counts(frame, NEIGHBOURHOOD_COUNTS, up_to=up_to)
        for col in CHANGE_COUNTS:
            change = f"{col}_change"
            if change in frame.columns:
                then = [suppress(v, up_to=up_to) for v in frame[col] - frame[change]]
                out[change] = pd.Series([_difference(a, b) for a, b in zip(out[col], then,
                                                                             strict=True)],
                                        index=out.index, dtype=object)
        out["supported_per_coordinator"] = pd.Series(
            ["*" if "*" in (s, c) else (round(s / c, 1) if c else "")
             for s, c in zip(out["supported"], out["coordinators"], strict=True)],
            index=out.index, dtype=object)
        return out
    counts = [c for c in frame.columns if frame[c].dtype.kind in "iu"]
    return suppress_counts(frame, counts, up_to=up_to)
