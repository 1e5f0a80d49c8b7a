"""Change between waves: which natural + community alters were kept, new and lost.

For a person p with baseline b and follow-up f (as in growth), let B and F be p's natural +
community alters at b and at f (the nodes joined to p by at least one active ``family``,
``friend``, ``neighbour``, ``peer``, ``member`` or ``volunteer`` tie). Then (UCINET's
EGONET "change", and the ego-network panel literature):

* ``kept`` = |B ∩ F|, ``new`` = |F \\ B|, ``lost`` = |B \\ F|;
* ``jaccard`` = kept / (kept + new + lost) and ``turnover`` = (new + lost) / (kept + new +
  lost): empty (NaN) when p had no such alter at either end;
* ``new_tied_to_old``: of the pairs (new alter, kept alter), the share joined by a tie
  active at f (any kind but ``household``): did the new people join the existing circle,
  or sit apart from it? Empty when p has no new or no kept alter.

Everything is computed on whole tables at once (no loop over people).

Examples
--------
>>> from lacgraph.tables import Tables
>>> T = Tables.from_records(
...     nodes=[{"id": i, "type": "person"} for i in ("p", "a", "b", "c")],
...     ties=[{"source": "p", "target": "a", "kind": "friend", "start": "2024-01-01"},
...           {"source": "p", "target": "b", "kind": "friend", "start": "2024-01-01",
...            "end": "2024-03-01"},
...           {"source": "p", "target": "c", "kind": "neighbour", "start": "2024-04-01"},
...           {"source": "a", "target": "c", "kind": "friend", "start": "2024-05-01"}])
>>> turnover(T, ["p"], ["2024-02-01"], ["2024-06-01"]).to_dict("records")
[{'id': 'p', 'kept': 1, 'new': 1, 'lost': 1, 'jaccard': 0.3333333333333333, 'turnover': 0.6666666666666666, 'new_tied_to_old': 1.0}]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from lacgraph.model import HOUSEHOLD, KIND_CATEGORY
from lacgraph.tables import DateLike, Tables, to_date

__all__ = ["TURNOVER_COLUMNS", "TURNOVER_MEANS", "turnover", "turnover_means"]

TURNOVER_COLUMNS: tuple[str, ...] = ("kept", "new", "lost", "jaccard", "turnover",
                                     "new_tied_to_old")
"""The columns :func:`turnover` adds to a person's growth row."""

TURNOVER_MEANS: tuple[str, ...] = ("mean_jaccard", "mean_turnover", "mean_new_tied_to_old")
"""The cohort means of a growth summary (each over the people for whom it is defined)."""

_CLOSE = frozenset(k for k, c in KIND_CATEGORY.items() if c in ("natural", "community"))


def _days(values: Sequence[DateLike] | np.ndarray) -> np.ndarray:
    return np.asarray([to_date(v) for v in values], dtype="datetime64[D]")


def _active(ties: pd.DataFrame, when: np.ndarray) -> np.ndarray:
    start = ties["start"].to_numpy("datetime64[D]")
    end = ties["end"].to_numpy("datetime64[D]")
    return (start <= when) & (np.isnat(end) | (when < end))


def turnover(tables: Tables, people: Sequence[str] | np.ndarray,
             baseline: Sequence[DateLike] | np.ndarray,
             followup: Sequence[DateLike] | np.ndarray) -> pd.DataFrame:
    """Return each person's kept, new and lost alters and the measures built on them.

    Parameters
    ----------
    tables
        The dated network.
    people, baseline, followup
        One entry per person: their id and the two dates compared.

    Returns
    -------
    DataFrame
        ``id`` and :data:`TURNOVER_COLUMNS`, one row per person in the order given.
    """
    ids = pd.Index(pd.Series(list(people), dtype=object))
    base, follow = _days(baseline), _days(followup)
    ties = tables.ties
    close = ties[ties["kind"].isin(_CLOSE).to_numpy()]
    ego_side = pd.concat([
        pd.DataFrame({"ego": close["source"].to_numpy(object),
                      "alter": close["target"].to_numpy(object),
                      "start": close["start"].to_numpy(), "end": close["end"].to_numpy()}),
        pd.DataFrame({"ego": close["target"].to_numpy(object),
                      "alter": close["source"].to_numpy(object),
                      "start": close["start"].to_numpy(), "end": close["end"].to_numpy()}),
    ], ignore_index=True)
    row = ids.get_indexer(ego_side["ego"])
    ego_side = ego_side[row >= 0].assign(person=row[row >= 0])
    person = ego_side["person"].to_numpy()
    at_b = ego_side[_active(ego_side, base[person])][["person", "alter"]].drop_duplicates()
    at_f = ego_side[_active(ego_side, follow[person])][["person", "alter"]].drop_duplicates()
    both = at_b.merge(at_f, on=["person", "alter"], how="outer", indicator=True)
    status = both["_merge"].map({"both": "kept", "right_only": "new", "left_only": "lost"})
    both = both.assign(status=status.astype(object))
    counts = pd.crosstab(both["person"], both["status"]).reindex(
        index=range(len(ids)), columns=["kept", "new", "lost"], fill_value=0).fillna(0)
    kept, new, lost = (counts[c].to_numpy(np.int64) for c in ("kept", "new", "lost"))
    total = kept + new + lost
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(total > 0, kept / total, np.nan)
        churn = np.where(total > 0, (new + lost) / total, np.nan)
    pairs = new * kept
    tied = _new_old_ties(tables, both[both["status"].isin(["new", "kept"])], follow, len(ids))
    with np.errstate(divide="ignore", invalid="ignore"):
        joined = np.where(pairs > 0, tied / pairs, np.nan)
    return pd.DataFrame({"id": pd.Series(list(ids), dtype=object), "kept": kept, "new": new,
                         "lost": lost, "jaccard": jaccard, "turnover": churn,
                         "new_tied_to_old": joined})


def _new_old_ties(tables: Tables, labelled: pd.DataFrame, follow: np.ndarray,
                  n: int) -> np.ndarray:
    """Per person, the distinct (new, kept) alter pairs joined by a tie active at follow-up."""
    ties = tables.ties[tables.ties["kind"].ne(HOUSEHOLD).to_numpy()]
    if labelled.empty or ties.empty:
        return np.zeros(n, dtype=np.int64)
    frame = pd.DataFrame({"u": ties["source"].to_numpy(object),
                          "v": ties["target"].to_numpy(object),
                          "start": ties["start"].to_numpy(), "end": ties["end"].to_numpy()})
    ends = labelled[["person", "alter", "status"]]
    found = frame.merge(ends.rename(columns={"alter": "u", "status": "su"}), on="u")
    found = found.merge(ends.rename(columns={"alter": "v", "status": "sv"}), on=["person", "v"])
    found = found[found["su"].ne(found["sv"])]
    found = found[_active(found, follow[found["person"].to_numpy()])]
    u, v = found["u"].to_numpy(str), found["v"].to_numpy(str)
    lo, hi = np.where(u < v, u, v), np.where(u < v, v, u)
    distinct = pd.DataFrame({"person": found["person"].to_numpy(), "lo": lo, "hi": hi}
                            ).drop_duplicates()
    return np.bincount(distinct["person"].to_numpy(np.int64), minlength=n).astype(np.int64)


def turnover_means(people: pd.DataFrame) -> dict[str, Any]:
    """Return the cohort means (:data:`TURNOVER_MEANS`) of growth's per-person rows.

    Each mean is over the people for whom the measure is defined (None when nobody).

    Examples
    --------
    >>> turnover_means(pd.DataFrame({"jaccard": [0.5, np.nan], "turnover": [0.5, np.nan],
    ...                              "new_tied_to_old": [np.nan, np.nan]}))
    {'mean_jaccard': 0.5, 'mean_turnover': 0.5, 'mean_new_tied_to_old': None}
    """
    out: dict[str, Any] = {}
    for key, column in zip(TURNOVER_MEANS, ("jaccard", "turnover", "new_tied_to_old"),
                           strict=True):
        values = people[column].to_numpy(float) if column in people else np.array([])
        values = values[~np.isnan(values)]
        # fsum: the same mean whatever the order of the people (ids relabelled, sorted)
        out[key] = math.fsum(values) / len(values) if len(values) else None
    return out
