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
from lacgraph.tables import factorize

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
    interview row that first named it. The work is done on integer codes (people, nodes,
    kinds, files and circles numbered in text order, days as integers): strings are only
    taken back for the ties' own columns, so no table of text is copied between steps.

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
    presence = _presence(alters, edges)
    if presence is None:
        return (pd.DataFrame(columns=["source", "target", "kind", "start", "end", "circle"]),
                pd.DataFrame({"@file": [], "@line": []}))
    runs = _runs(presence, egos)
    return _union(runs, presence)


def _codes(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Number the values of ``columns`` together in sorted (code point) order.

    The distinct values are sorted after numbering (pandas' own sorting builds a second
    table of them: a large import's peak memory, issue 24).

    Examples
    --------
    >>> codes, values = _codes(np.array(["b", "a"], dtype=object), np.array(["c", "a"],
    ...                        dtype=object))
    >>> [c.tolist() for c in codes], values.tolist()
    ([[1, 0], [2, 0]], ['a', 'b', 'c'])
    """
    # each column numbered on its own, then their distinct values together: no table of
    # every value of every column at once (memory, issue 24)
    pieces = []
    for column in columns:
        codes, uniques = factorize(column)
        pieces.append((codes, np.asarray(uniques, dtype=object)))
    merged, uniques = factorize(np.concatenate([u for _, u in pieces]))
    uniques = np.asarray(uniques, dtype=object)
    sorter = np.argsort(uniques, kind="stable")
    rank = np.empty(len(sorter), dtype=np.int64)
    rank[sorter] = np.arange(len(sorter))
    rank = rank.take(merged) if len(merged) else rank  # each column's distinct values' rank
    out, offset = [], 0
    for codes, distinct in pieces:
        own = rank[offset:offset + len(distinct)]
        offset += len(distinct)
        out.append(np.where(codes >= 0, own.take(codes, mode="clip") if len(own) else codes,
                            -1).astype(np.int64))
    return out, uniques[sorter]


def _presence(alters: pd.DataFrame, edges: pd.DataFrame) -> dict | None:
    """Every 'named in round r of ego e' row as integer codes, sorted, one per round."""
    kinds = pd.Series(alters["kinds"].to_numpy(object)).explode()
    row = kinds.index.to_numpy(np.int64)  # the alter each (alter, kind) row is
    n_alters, n_edges = len(row), len(edges)
    if n_alters + n_edges == 0:
        return None
    obj = lambda frame, column: frame[column].to_numpy(object)  # noqa: E731
    # the alters' columns as they are when each alter has one kind (no copy per column)
    every = n_alters == len(alters) and bool((row == np.arange(n_alters)).all())
    rows = slice(None) if every else row
    alter = lambda column: obj(alters, column)[rows]  # noqa: E731
    codes, egos = _codes(alter("ego"), obj(edges, "ego"))
    ego = np.concatenate(codes)
    codes, nodes = _codes(alter("ego"), obj(edges, "source"), alter("alter"), obj(edges, "target"))
    source, target = np.concatenate(codes[:2]), np.concatenate(codes[2:])
    codes, kind_names = _codes(kinds.to_numpy(object), obj(edges, "kind"))
    kind = np.concatenate(codes)
    del kinds
    codes, files = _codes(alter("@file"), obj(edges, "@file"))
    file = np.concatenate(codes)
    codes, circles = _codes(alter("circle"), np.full(n_edges, "", dtype=object))
    circle = np.concatenate(codes)
    del codes
    line = np.concatenate([alters["@line"].to_numpy(np.int64)[row],
                           edges["@line"].to_numpy(np.int64)])
    round_ = np.concatenate([alters["round"].to_numpy(np.int64)[row],
                             edges["round"].to_numpy(np.int64)])
    del row
    lo, hi = np.minimum(source, target), np.maximum(source, target)
    order = np.lexsort((line, file, round_, kind, hi, lo, ego))
    columns = {"ego": ego, "lo": lo, "hi": hi, "kind": kind, "round": round_,
               "source": source, "target": target, "file": file, "line": line,
               "circle": circle}
    del ego, lo, hi, kind, round_, source, target, file, line, circle
    for name in columns:  # narrowed: half the memory of the step that follows (issue 24)
        columns[name] = _narrow(columns[name]).take(order)
    del order
    key = ("ego", "lo", "hi", "kind", "round")
    same = np.ones(len(columns["ego"]) - 1, dtype=bool)
    for name in key:
        same &= columns[name][1:] == columns[name][:-1]
    keep = np.r_[True, ~same]
    del same
    if not keep.all():
        for name in columns:
            columns[name] = columns[name][keep]
    return {**columns, "egos": egos, "nodes": nodes, "kinds": kind_names, "files": files,
            "circles": circles}


def _narrow(values: np.ndarray) -> np.ndarray:
    """Integers as 32-bit ones when they fit (codes, rounds and lines mostly do)."""
    small = np.iinfo(np.int32)
    if not len(values) or (values.min() >= small.min and values.max() <= small.max):
        return values.astype(np.int32)
    return values


def _runs(presence: dict, egos: pd.DataFrame) -> dict:
    """Runs of consecutive rounds of one ego naming one pair and kind, with their dates."""
    ego, round_ = presence["ego"].astype(np.int64), presence["round"].astype(np.int64)
    # each interview's day (an integer), looked up by (person code, round)
    ego_of = pd.Index(presence["egos"]).get_indexer(egos["ego"].to_numpy(object))
    known = ego_of >= 0
    width = int(max(egos["round"].max(), round_.max() if len(round_) else 0)) + 2
    day = np.full((len(presence["egos"]) * width), np.iinfo(np.int64).min, dtype=np.int64)
    days = egos["date"].to_numpy("datetime64[D]").astype(np.int64)
    day[ego_of[known] * width + egos["round"].to_numpy(np.int64)[known]] = days[known]
    rounds = np.zeros(len(presence["egos"]), dtype=np.int64)
    rounds[ego_of[known]] = egos["rounds"].to_numpy(np.int64)[known]
    presence["day"] = day[ego * width + round_]
    same = np.ones(len(ego), dtype=bool)
    same[0] = False
    for name in ("ego", "lo", "hi", "kind"):
        column = presence[name]
        same[1:] &= column[1:] == column[:-1]
    same[1:] &= round_[1:] == round_[:-1] + 1
    first = np.flatnonzero(~same)  # the first presence row of each run
    presence["run"] = _narrow(np.cumsum(~same) - 1)
    last = np.r_[first[1:], len(ego)] - 1
    run_ego = ego[first]
    after = round_[last] + 1
    open_ = after >= rounds[run_ego]
    end = np.where(open_, np.iinfo(np.int64).max,
                   day[run_ego * width + np.minimum(after, width - 1)])
    return {"first": first, "ego": run_ego, "start": presence["day"][first], "end": end}


def _union(runs: dict, presence: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge overlapping or touching runs of the same pair and kind (several reporters).

    Each working array is let go once used: a large import's peak memory is here (issue 24).
    """
    first = runs.pop("first")
    lo, hi, kind = presence["lo"][first], presence["hi"][first], presence["kind"][first]
    order = np.lexsort((runs.pop("ego"), runs["start"], kind, hi, lo))
    first, lo, hi, kind = first[order], lo[order], hi[order], kind[order]
    start_days, end_days = runs.pop("start")[order], runs.pop("end")[order]
    new_group = np.r_[True, (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1]) | (kind[1:] != kind[:-1])]
    del lo, hi, kind
    reach = pd.Series(end_days).groupby(np.cumsum(new_group)).cummax().to_numpy()
    starts_block = new_group | (start_days > np.concatenate([[np.iinfo(np.int64).min],
                                                             reach[:-1]]))
    del reach, new_group
    block_of_run = np.cumsum(starts_block) - 1  # per run, in the order sorted above
    heads = np.flatnonzero(starts_block)
    del starts_block
    start = np.minimum.reduceat(start_days, heads) if len(heads) else start_days
    end = np.maximum.reduceat(end_days, heads) if len(heads) else end_days
    del start_days, end_days
    row = first[heads]  # the presence row that first named each tie
    del first
    open_end = end == np.iinfo(np.int64).max
    history = _history(presence, order, block_of_run, len(heads))
    del order, block_of_run, heads
    # object columns as they are (no text inference and no copy to object afterwards);
    # the dates and circles, a few values each, as categorical text (memory, issue 24)
    text = lambda values: pd.Series(values, dtype=object, copy=False)  # noqa: E731
    ties = pd.DataFrame({
        "source": text(presence["nodes"].take(presence["source"][row])),
        "target": text(presence["nodes"].take(presence["target"][row])),
        "kind": text(presence["kinds"].take(presence["kind"][row])),
        "start": _day_text(start),
        "end": _day_text(np.where(open_end, 0, end), blank=open_end),
        "circle": pd.Categorical.from_codes(presence["circle"][row],
                                            categories=pd.Index(presence["circles"],
                                                                dtype=object)),
        "circle_by_interview": text(history),
    }, copy=False)  # a column each, not copied into one block
    origin = pd.DataFrame({"@file": pd.Categorical.from_codes(  # a few files, many ties
                               presence["file"][row], categories=presence["files"]),
                           "@line": presence["line"][row]})
    return ties, origin


def _history(presence: dict, order: np.ndarray, block_of_run: np.ndarray, blocks: int
             ) -> np.ndarray:
    """Every interview's circle (``date:circle;...``) for the ties whose circle changed."""
    out = np.full(blocks, "", dtype=object)
    circled = np.flatnonzero(presence["circles"][presence["circle"]] != "") if len(
        presence["circles"]) else np.array([], dtype=np.int64)
    if not len(circled):
        return out
    run_block = np.empty(len(order), dtype=np.int64)
    run_block[order] = block_of_run
    block = run_block[presence["run"][circled]]
    circle = presence["circle"][circled]
    answers = pd.DataFrame({"block": block, "circle": circle})
    moved = answers.groupby("block")["circle"].nunique()
    moved = moved.index[moved > 1].to_numpy()
    take = np.isin(block, moved)
    if not take.any():
        return out
    rows, block, circle = circled[take], block[take], circle[take]
    day = presence["day"][rows]
    sort = np.lexsort((day, block))  # by block, then date; ties keep the rows' order
    rows, block, circle, day = rows[sort], block[sort], circle[sort], day[sort]
    text = pd.Series(np.asarray(_day_text(day), dtype=object) + ":"
                     + presence["circles"].take(circle).astype(object))
    joined = text.groupby(block).agg(";".join)
    out[joined.index.to_numpy()] = joined.to_numpy(object)
    return out


def _day_text(days: np.ndarray, blank: np.ndarray | None = None) -> pd.Categorical:
    """``YYYY-MM-DD`` of each day (days since 1970-01-01), as categorical text: one string
    per distinct day, a small code per row (a study has few interview dates and many
    ties); ``""`` where ``blank``.

    Examples
    --------
    >>> list(_day_text(np.array([19914, 0, 19914]), blank=np.array([False, False, True])))
    ['2024-07-10', '1970-01-01', '']
    """
    codes, uniques = factorize(np.asarray(days, dtype=np.int64))
    text = pd.Series(np.asarray(uniques, dtype=np.int64).astype("datetime64[D]")
                     ).dt.strftime("%Y-%m-%d").to_numpy(object)
    if blank is not None and blank.any():
        codes = np.where(blank, len(text), codes)
        text = np.append(text, "")
    return pd.Categorical.from_codes(codes, categories=pd.Index(text, dtype=object))
