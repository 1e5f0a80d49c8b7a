"""Interviews -> dated ties: each interview's local date, runs of consecutive interviews,
merged across reporters.

For each ego the interviews are numbered in date order (``round``). A tie (pair of nodes
and kind) named in rounds ``r..s`` of one ego starts on round ``r``'s date and ends on
round ``s + 1``'s date (open when ``s`` is the ego's last round); a gap starts a new tie.
Ties of the same pair and kind reported by several egos are merged where their dates
overlap or touch. A tie keeps the circle of the interview that first named it; where
interviews disagree, ``circle_by_interview`` lists every answer.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from lacgraph.loaders.netcanvas_mapping import TIME_ZONE

__all__ = ["DATE_COLUMNS", "dated_ties", "interview_dates"]

DATE_COLUMNS = ("sessionFinish", "sessionStart", "sessionExported")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_ZONE = r"T.*(?:Z|[+-]\d{2}:?\d{2})$"


def interview_dates(egos: pd.DataFrame, time_zone: str = TIME_ZONE
                    ) -> tuple[pd.Series, pd.Series]:
    """Return each interview's local date (``datetime64``, NaT if none) and its column.

    Network Canvas writes UTC times (``2024-07-09T23:30:00.000Z``); the interview's date is
    the local date of that moment in ``time_zone`` (Europe/London by default: 00:30 BST on
    10 July). A time written without a zone is taken as local already (its date part).

    Examples
    --------
    >>> egos = pd.DataFrame({"sessionStart": ["2024-03-01T09:00:00Z", "", ""],
    ...     "sessionFinish": ["", "2024-07-09T23:30:00.000Z", "2024-12-31T23:30:00Z"]})
    >>> dates, used = interview_dates(egos)
    >>> dates.dt.strftime("%Y-%m-%d").tolist(), used.tolist()
    (['2024-03-01', '2024-07-10', '2024-12-31'], ['sessionStart', 'sessionFinish', 'sessionFinish'])
    """
    text = pd.Series("", index=egos.index, dtype=object)
    used = pd.Series("", index=egos.index, dtype=object)
    for column in reversed(DATE_COLUMNS):
        if column in egos.columns:
            value = egos[column].astype(str)
            take = value.ne("")
            text = text.where(~take, value)
            used = used.where(~take, column)
    day = text.str.slice(0, 10).where(text.str.match(_DATE), "")
    dates = pd.to_datetime(day.replace("", None), format="%Y-%m-%d", errors="coerce")
    zoned = (text.str.match(_DATE) & text.str.contains(_ZONE)).to_numpy()
    if zoned.any():
        moments = pd.to_datetime(text[zoned], utc=True, format="ISO8601", errors="coerce")
        local = moments.dt.tz_convert(ZoneInfo(time_zone)).dt.tz_localize(None).dt.normalize()
        dates = dates.astype("datetime64[ns]")
        dates[zoned] = local.astype("datetime64[ns]").to_numpy()
    return dates, used


def dated_ties(egos: pd.DataFrame, alters: pd.DataFrame, edges: pd.DataFrame
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn 'named in interview r of ego e' rows into dated ties (runs of interviews).

    Returns the ties (text, as in ``ties.csv``) and, per tie, the file and line of the
    interview row that first named it.

    Examples
    --------
    >>> egos = pd.DataFrame({"ego": ["p", "p"], "round": [0, 1], "rounds": [2, 2],
    ...                      "date": pd.to_datetime(["2024-01-10", "2024-07-10"])})
    >>> alters = pd.DataFrame({"ego": ["p", "p", "p"], "round": [0, 0, 1],
    ...     "alter": ["p/1", "p/2", "p/2"], "kinds": [("friend",)] * 3, "circle": "",
    ...     "@file": "f.csv", "@line": [2, 3, 2]})
    >>> edges = pd.DataFrame(columns=["ego", "round", "source", "target", "kind", "@file",
    ...                               "@line"])
    >>> ties, _ = dated_ties(egos, alters, edges)
    >>> ties[["target", "start", "end"]].values.tolist()
    [['p/1', '2024-01-10', '2024-07-10'], ['p/2', '2024-01-10', '']]
    """
    named_alters = alters[["ego", "round", "alter", "kinds", "circle", "@file", "@line"]
                          ].rename(columns={"kinds": "kind"}).explode("kind")
    parts = [
        pd.DataFrame({"ego": named_alters["ego"], "round": named_alters["round"],
                      "source": named_alters["ego"], "target": named_alters["alter"],
                      "kind": named_alters["kind"], "circle": named_alters["circle"],
                      "@file": named_alters["@file"], "@line": named_alters["@line"]}),
        edges.assign(circle="")[["ego", "round", "source", "target", "kind", "circle",
                                 "@file", "@line"]],
    ]
    parts = [part for part in parts if len(part)]
    if not parts:
        return (pd.DataFrame(columns=["source", "target", "kind", "start", "end", "circle"]),
                pd.DataFrame({"@file": [], "@line": []}))
    presence = pd.concat(parts, ignore_index=True)
    if presence.empty:
        return (pd.DataFrame(columns=["source", "target", "kind", "start", "end", "circle"]),
                pd.DataFrame({"@file": [], "@line": []}))
    presence["round"] = presence["round"].astype(np.int64)
    # compared as the strings they are (code point order, as numpy's text arrays compare),
    # never copied into fixed-width text arrays as wide as the longest id
    swap = np.greater(presence["source"].to_numpy(object), presence["target"].to_numpy(object))
    presence["lo"] = np.where(swap, presence["target"], presence["source"])
    presence["hi"] = np.where(swap, presence["source"], presence["target"])
    key = ["ego", "lo", "hi", "kind"]
    presence = presence.sort_values([*key, "round", "@file", "@line"], kind="stable")
    presence = presence.drop_duplicates([*key, "round"], keep="first")
    dates = egos.set_index(["ego", "round"])["date"]
    presence["date"] = dates.reindex(pd.MultiIndex.from_frame(
        presence[["ego", "round"]])).to_numpy()
    circled = presence["circle"].ne("").to_numpy()  # a date text only where one is needed
    history = np.full(len(presence), "", dtype=object)
    if circled.any():
        history[circled] = (presence["date"][circled].dt.strftime("%Y-%m-%d") + ":"
                            + presence["circle"][circled]).to_numpy(object)
    presence["history"] = history
    same = presence[key].eq(presence[key].shift()).all(axis=1)
    new_run = ~same | presence["round"].ne(presence["round"].shift() + 1)
    presence["run"] = new_run.cumsum()
    runs = presence.groupby("run", sort=False).agg(
        ego=("ego", "first"), lo=("lo", "first"), hi=("hi", "first"), kind=("kind", "first"),
        source=("source", "first"), target=("target", "first"), circle=("circle", "first"),
        first_round=("round", "first"), last_round=("round", "last"), start=("date", "first"),
        file=("@file", "first"), line=("@line", "first")).reset_index()
    rounds = egos.groupby("ego")["rounds"].first()
    after = runs["last_round"] + 1
    ends = dates.reindex(pd.MultiIndex.from_arrays([runs["ego"], after])).to_numpy()
    runs["end"] = np.where(after.to_numpy() < rounds.reindex(runs["ego"]).to_numpy(), ends,
                           np.datetime64("NaT"))
    runs["end"] = pd.to_datetime(runs["end"])
    return _union(runs, presence)


def _union(runs: pd.DataFrame, presence: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge overlapping or touching runs of the same pair and kind (several reporters)."""
    key = ["lo", "hi", "kind"]
    runs = runs.sort_values([*key, "start", "ego"], kind="stable").reset_index(drop=True)
    end_days = runs["end"].to_numpy("datetime64[D]").astype(np.int64)
    end_days = np.where(runs["end"].isna().to_numpy(), np.iinfo(np.int64).max, end_days)
    start_days = runs["start"].to_numpy("datetime64[D]").astype(np.int64)
    group = (runs[key] != runs[key].shift()).any(axis=1).cumsum().to_numpy()
    reach = pd.Series(end_days).groupby(group).cummax().to_numpy()
    previous = np.concatenate([[np.iinfo(np.int64).min], reach[:-1]])
    starts_block = (np.r_[True, group[1:] != group[:-1]]) | (start_days > previous)
    runs["block"] = np.cumsum(starts_block)
    runs["end_day"] = end_days
    merged = runs.groupby("block", sort=False).agg(
        source=("source", "first"), target=("target", "first"), kind=("kind", "first"),
        start=("start", "min"), end_day=("end_day", "max"), circle=("circle", "first"),
        file=("file", "first"), line=("line", "first"))
    open_end = merged["end_day"].eq(np.iinfo(np.int64).max)
    end = pd.to_datetime(merged["end_day"].where(~open_end, 0).to_numpy("datetime64[D]"))
    # every interview's circle, for the ties whose circle changed between interviews
    answers = presence[presence["circle"].ne("")].assign(
        block=lambda f: f["run"].map(pd.Series(runs["block"].to_numpy(), index=runs["run"])))
    moved = answers.groupby("block")["circle"].nunique()
    moved = answers[answers["block"].isin(moved.index[moved > 1])].sort_values(
        ["block", "date"], kind="stable")
    history = moved.groupby("block")["history"].agg(";".join).reindex(merged.index)
    ties = pd.DataFrame({
        "source": merged["source"].to_numpy(), "target": merged["target"].to_numpy(),
        "kind": merged["kind"].to_numpy(),
        "start": _day_text(merged["start"]),
        "end": np.where(open_end, "", _day_text(pd.Series(end))),
        "circle": merged["circle"].to_numpy(),
        "circle_by_interview": history.fillna("").to_numpy(object),
    })
    origin = pd.DataFrame({"@file": merged["file"].to_numpy(),
                           "@line": merged["line"].to_numpy()})
    return ties.astype(object), origin


def _day_text(dates: pd.Series) -> np.ndarray:
    """``YYYY-MM-DD`` of each date (NaT: NaN), one string per distinct date shared by every
    row with that date: a study has few interview dates and many ties.

    Examples
    --------
    >>> _day_text(pd.Series(pd.to_datetime(["2024-07-10", None, "2024-07-10"]))).tolist()
    ['2024-07-10', nan, '2024-07-10']
    """
    codes, days = pd.factorize(dates)
    text = np.asarray(pd.Series(days).dt.strftime("%Y-%m-%d").to_numpy(object), dtype=object)
    out = text.take(np.maximum(codes, 0)) if len(text) else np.full(len(codes), np.nan,
                                                                   dtype=object)
    out[codes < 0] = np.nan
    return out
