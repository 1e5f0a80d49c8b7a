"""Finding a person by what a coordinator types: part of a name or an id.

Used by the command line (``lacgraph people --search``, ``lacgraph circle NAME``) so the
same person is found the same way everywhere, and by date checks that say when a date is
outside the data instead of answering with an empty table.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from lacgraph.errors import NotFound, QueryError
from lacgraph.tables import Tables, format_date

SEARCH_COLUMNS = ("id", "label", "type", "neighbourhood", "coordinator", "introduced_on")
"""The columns of :func:`search`."""


def search(nodes: pd.DataFrame, text: str, *, types: tuple[str, ...] = ("person",)
           ) -> pd.DataFrame:
    """Return the nodes of ``types`` whose name or id contains ``text`` (any case).

    Sorted by name, then id.

    Examples
    --------
    >>> nodes = pd.DataFrame({"id": ["p1", "p2", "g1"], "type": ["person", "person", "group"],
    ...     "label": ["Mary Wright", "Owain Bevan", "Wright's choir"], "neighbourhood": "",
    ...     "coordinator": "", "introduced_on": pd.NaT})
    >>> search(nodes, "WRIGHT")["id"].tolist(), search(nodes, "p2")["label"].tolist()
    (['p1'], ['Owain Bevan'])
    """
    needle = text.strip().casefold()
    rows = nodes[nodes["type"].isin(types)]
    hit = (rows["label"].str.casefold().str.contains(needle, regex=False)
           | rows["id"].str.casefold().str.contains(needle, regex=False))
    found = rows[hit].sort_values(["label", "id"], kind="stable").copy()
    found["introduced_on"] = found["introduced_on"].map(format_date)
    return found[list(SEARCH_COLUMNS)].reset_index(drop=True)


def resolve(nodes: pd.DataFrame, text: str) -> str:
    """Return the id of the node whose id is ``text``, else of the one node named ``text``
    (any case); raise :class:`~lacgraph.errors.NotFound` with close matches otherwise.

    Examples
    --------
    >>> nodes = pd.DataFrame({"id": ["p1", "p2", "p3"], "type": "person",
    ...     "label": ["Mary Wright", "Owain Bevan", "Owain Bevan"]})
    >>> resolve(nodes, "p2"), resolve(nodes, "mary wright")
    ('p2', 'p1')
    >>> resolve(nodes, "Mary Wrigt")
    Traceback (most recent call last):
    ...
    lacgraph.errors.NotFound: No one has the id or name 'Mary Wrigt'. Did you mean: p1 (Mary Wright)?
    >>> resolve(nodes, "Owain Bevan")
    Traceback (most recent call last):
    ...
    lacgraph.errors.NotFound: 2 people are called 'Owain Bevan': give the id (p2, p3)
    """
    ids = nodes["id"]
    if (ids == text).any():
        return text
    named = nodes[nodes["label"].str.casefold() == text.strip().casefold()]
    if len(named) == 1:
        return str(named["id"].iat[0])
    if len(named) > 1:
        raise NotFound(f"{len(named)} people are called {text!r}: give the id "
                       f"({', '.join(named['id'].astype(str))})")
    label_of = dict(zip(ids, nodes["label"], strict=True))
    by_label: dict[str, str] = {}
    for i, lab in label_of.items():
        by_label.setdefault(str(lab).casefold(), i)
    close = difflib.get_close_matches(text, list(label_of), n=3, cutoff=0.6)
    close += [by_label[m] for m in difflib.get_close_matches(
        text.casefold(), list(by_label), n=3, cutoff=0.6)]
    close = list(dict.fromkeys(close))[:3]
    hint = (" Did you mean: " + ", ".join(
        f"{i} ({label_of[i]})" if label_of[i] else i for i in close) + "?") if close else ""
    raise NotFound(f"No one has the id or name {text!r}.{hint}")


def check_in_range(tables: Tables, day: np.datetime64 | None, what: str = "date") -> None:
    """Raise :class:`~lacgraph.errors.QueryError` when ``day`` is before the data's first
    date (a question there would answer with an empty table).

    Examples
    --------
    >>> T = Tables.from_records([{"id": "a", "type": "person"}, {"id": "b", "type": "person"}],
    ...     [{"source": "a", "target": "b", "kind": "friend", "start": "2021-01-04"}])
    >>> check_in_range(T, np.datetime64("2021-01-04"))
    >>> check_in_range(T, np.datetime64("2020-12-31"), "--at")
    Traceback (most recent call last):
    ...
    lacgraph.errors.QueryError: --at 2020-12-31 is outside the data: no data before 2021-01-04
    """
    if day is None or tables.ties.empty:
        return
    first = tables.ties["start"].min()
    if np.asarray(day).astype("datetime64[D]") < np.asarray(first).astype("datetime64[D]"):
        raise QueryError(f"{what} {format_date(day)} is outside the data: no data before "
                         f"{format_date(first)}")
