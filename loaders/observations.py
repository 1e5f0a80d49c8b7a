"""Observations on input: review dates (``reviews.csv`` / sheet ``reviews``) and ``left_on``.

DESIGN.md, "Observations and follow-up": a supported person is observed on their
introduction, at every review and never after ``left_on`` (the date support ended).

One representation, kept by every store: a person's review dates are the node attribute
``reviews`` (``;``-joined ISO dates, sorted, each once) — the attribute the web app's
"review held" already writes. An optional ``reviews.csv`` (columns ``person,date``; the
``reviews`` sheet of a workbook; the file ``lacgraph import-nc`` writes from interview
dates) is checked row by row and folded into that attribute: the union of the dates
already in a ``reviews`` column of ``nodes.csv`` and the rows of ``reviews.csv``, so no
date is dropped or changed silently. ``left_on`` is an ordinary node column, checked here.

Checked (each problem with its file, line, column and reason, all collected):

- ``reviews.csv``: the columns ``person`` and ``date`` are present; ``person`` is the id
  of a ``person`` node; ``date`` is an ISO date ``YYYY-MM-DD`` in the years 1900-2100;
- ``nodes.csv``: every part of a ``reviews`` cell and a ``left_on`` cell is such a date;
  ``left_on`` is not before ``introduced_on`` (support cannot end before it began).

Examples
--------
>>> import numpy as np, pandas as pd
>>> nodes = pd.DataFrame({"id": ["p1", "p2"], "type": ["person", "person"],
...                       "reviews": ["2024-05-01", ""]}, dtype=object)
>>> reviews = pd.DataFrame({"person": ["p1", "p2"], "date": ["2024-02-01", "2024-03-01"]},
...                        dtype=object)
>>> folded, problems = fold_reviews(nodes, reviews, "reviews.csv", np.array([2, 3]))
>>> folded["reviews"].tolist(), problems
(['2024-02-01;2024-05-01', '2024-03-01'], [])
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from lacgraph.errors import Problem
from lacgraph.i18n import _

__all__ = ["REVIEW_COLUMNS", "REVIEWS_FILE", "check_node_observations", "date_reason",
           "fold_reviews", "join_dates"]

REVIEWS_FILE = "reviews.csv"
REVIEW_COLUMNS: tuple[str, ...] = ("person", "date")
FIRST_YEAR, LAST_YEAR = 1900, 2100
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def date_reason(text: str) -> str | None:
    """Return why ``text`` is not an ISO date in 1900-2100 (``None`` if it is one): the one
    date rule of every input (``loaders.validate`` uses it for every date column).

    Examples
    --------
    >>> date_reason("2024-02-29") is None
    True
    >>> date_reason("2024-02-30")
    'not a real calendar date; expected YYYY-MM-DD'
    >>> date_reason("1899-12-31")
    'the year 1899 is outside 1900-2100; expected a date from 1900-01-01 to 2100-12-31'
    """
    if not _ISO_DATE.fullmatch(text):
        return _("not a date; expected YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return _("not a real calendar date; expected YYYY-MM-DD")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return _("the year %(year)d is outside %(first)d-%(last)d; expected a date from "
                 "%(first)d-01-01 to %(last)d-12-31", year=day.year, first=FIRST_YEAR,
                 last=LAST_YEAR)
    return None


def join_dates(*texts: str) -> str:
    """Return the ``;``-joined union of the dates in ``texts``, sorted, each once.

    Parts are kept as written (a part that is not a date stays, for the check to name).

    Examples
    --------
    >>> join_dates("2024-05-01;2024-01-02", "2024-01-02", "")
    '2024-01-02;2024-05-01'
    """
    parts = {p.strip() for t in texts for p in str(t or "").split(";") if p.strip()}
    return ";".join(sorted(parts))


def check_node_observations(nodes: pd.DataFrame, file: str, lines: np.ndarray
                            ) -> list[Problem]:
    """Return the problems of the ``reviews`` and ``left_on`` columns of all-text ``nodes``."""
    problems: list[Problem] = []
    if "reviews" in nodes.columns:
        for i, cell in enumerate(nodes["reviews"].to_numpy(object)):
            for part in str(cell).split(";"):
                if not part.strip():
                    continue
                reason = date_reason(part.strip())
                if reason:
                    problems.append(Problem(file, int(lines[i]), "reviews", part,
                                            _("%(reason)s (review dates are separated by ;)",
                                              reason=reason)))
    if "left_on" in nodes.columns:
        intro = (nodes["introduced_on"].to_numpy(object) if "introduced_on" in nodes
                 else np.full(len(nodes), "", object))
        for i, cell in enumerate(nodes["left_on"].to_numpy(object)):
            if cell == "":
                continue
            reason = date_reason(cell)
            if reason:
                problems.append(Problem(file, int(lines[i]), "left_on", cell, reason))
            elif date_reason(str(intro[i])) is None and cell < intro[i]:
                problems.append(Problem(
                    file, int(lines[i]), "left_on", cell,
                    _("support ended before the introduction (%(date)s); expected a date on "
                      "or after introduced_on", date=intro[i])))
    return problems


def fold_reviews(nodes: pd.DataFrame, reviews: pd.DataFrame, file: str, lines: np.ndarray
                 ) -> tuple[pd.DataFrame, list[Problem]]:
    """Check the all-text ``reviews`` rows against ``nodes`` and fold them into ``reviews``.

    Returns the nodes with their ``reviews`` column the union of the dates already there
    and the rows' dates, and the problems of the rows (file ``file``, row ``i`` on line
    ``lines[i]``). With any problem the nodes come back unchanged.
    """
    missing = [c for c in REVIEW_COLUMNS if c not in reviews.columns]
    if missing:
        found = ", ".join(map(str, reviews.columns))
        return nodes, [Problem(file, 1, c, "", _(
            "missing required column %(column)s; found columns: %(found)s", column=repr(c),
            found=found) if found else _("missing required column %(column)s; found columns: "
                                         "none", column=repr(c))) for c in missing]
    blank = (reviews["person"].eq("") & reviews["date"].eq("")).to_numpy()
    reviews, lines = reviews.loc[~blank].reset_index(drop=True), np.asarray(lines)[~blank]
    ids = nodes["id"].to_numpy(object) if "id" in nodes else np.array([], object)
    types = nodes["type"].to_numpy(object) if "type" in nodes else np.full(len(ids), "")
    type_of = dict(zip(ids, types, strict=True))
    problems: list[Problem] = []
    for i, (person, date) in enumerate(zip(reviews["person"], reviews["date"], strict=True)):
        line = int(lines[i])
        if person == "":
            problems.append(Problem(file, line, "person", person,
                                    _("empty person; expected the id of a person")))
        elif person not in type_of:
            problems.append(Problem(file, line, "person", person,
                                    _("no node has this id; expected the id of a person "
                                      "in nodes.csv")))
        elif type_of[person] != "person":
            problems.append(Problem(file, line, "person", person,
                                    _("this id is a %(type)s node; expected the id of a "
                                      "person", type=type_of[person])))
        reason = (_("missing date; expected a date YYYY-MM-DD") if date == ""
                  else date_reason(date))
        if reason:
            problems.append(Problem(file, line, "date", date, reason))
    if problems or reviews.empty:
        return nodes, problems
    new = reviews.groupby("person")["date"].agg(";".join)
    old = (nodes["reviews"].to_numpy(object) if "reviews" in nodes
           else np.full(len(nodes), "", object))
    extra = new.reindex(ids).fillna("").to_numpy(object)
    folded = [join_dates(a, b) if b else a for a, b in zip(old, extra, strict=True)]
    return nodes.assign(reviews=np.asarray(folded, dtype=object)), problems
