"""Validated tables: the one in-memory shape every loader produces and every store keeps.

A :class:`Tables` holds two pandas DataFrames with fixed columns and dtypes.

``nodes`` (one row per node, ``id`` unique)

============== =================== ============================================
column         dtype               meaning
============== =================== ============================================
id             object (str)        stable id, exactly as written ("007" stays)
type           object (str)        one of :data:`lacgraph.model.NODE_TYPES`
label          object (str)        display name ("" when none)
neighbourhood  object (str)        ward ("" when none)
supported      bool                a coordinator walks alongside this person
introduced_on  datetime64[s]       date of the LAC introduction (NaT when none)
coordinator    object (str)        id of their coordinator ("" when none)
...            object (str)        any other input column, kept as text
============== =================== ============================================

``ties`` (one row per tie; the key ``(source, target, kind, start)`` is unique, with
``source``/``target`` in either order meaning the same tie)

============== =================== ============================================
source,target  object (str)        node ids
kind           object (str)        one of :data:`lacgraph.model.TIE_KINDS`
start          datetime64[s]       first day the tie is active
end            datetime64[s]       first day it is no longer active (NaT: still active)
circle         int8                1-4, defaulted from the kind when not given
reciprocal     bool                gives as well as receives
brokered_by    object (str)        coordinator who helped the tie form ("" when none)
...            object (str)        any other input column, kept as text
============== =================== ============================================

A tie is active at ``t`` when ``start <= t`` and (``end`` is NaT or ``t < end``).

Examples
--------
>>> T = Tables.from_records(
...     nodes=[{"id": "007", "type": "person"}, {"id": "g1", "type": "group"}],
...     ties=[{"source": "007", "target": "g1", "kind": "member", "start": "2024-01-01"}],
... )
>>> T.nodes.loc[0, "id"], int(T.ties.loc[0, "circle"])
('007', 3)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import pandas as pd

from lacgraph.i18n import _, long_iso_date
from lacgraph.model import DEFAULT_CIRCLE

NODE_COLUMNS: tuple[str, ...] = (
    "id", "type", "label", "neighbourhood", "supported", "introduced_on", "coordinator",
)
TIE_COLUMNS: tuple[str, ...] = (
    "source", "target", "kind", "start", "end", "circle", "reciprocal", "brokered_by",
)
DATE_DTYPE = "datetime64[s]"

DateLike: TypeAlias = str | dt.date | np.datetime64 | pd.Timestamp


def to_date(value: DateLike) -> np.datetime64:
    """Return ``value`` as a ``numpy.datetime64`` day.

    Examples
    --------
    >>> to_date("2024-03-01")
    np.datetime64('2024-03-01')
    """
    if isinstance(value, pd.Timestamp):
        value = value.to_datetime64()
    return np.datetime64(value, "D")  # type: ignore[call-overload]  # numpy's stubs omit datetime64


def last_date(ties: pd.DataFrame) -> np.datetime64 | None:
    """The data's last date: the earlier of today and the largest start or end date of
    ``ties`` (None when there is none). Every default reporting date comes from here, so
    one tie recorded far in the future cannot move every report past today.

    Examples
    --------
    >>> ties = pd.DataFrame({"start": pd.to_datetime(["2024-01-01", "2024-03-01"]),
    ...                      "end": pd.to_datetime(["2024-02-01", None])})
    >>> last_date(ties)
    np.datetime64('2024-03-01')
    >>> future = pd.DataFrame({"start": pd.to_datetime(["2099-12-31"]), "end": [pd.NaT]})
    >>> last_date(future) == np.datetime64("today", "D")
    np.True_
    """
    dates = pd.concat([ties["start"], ties["end"]]).dropna()
    if dates.empty:
        return None
    return min(to_date(dates.max()), np.datetime64("today", "D"))


def to_day_numbers(dates: pd.Series | np.ndarray) -> np.ndarray:
    """Return dates as int64 days since 1970-01-01; NaT becomes the largest int64.

    Day numbers make "active at t" a pair of integer comparisons. A missing end (NaT)
    maps to +infinity, so ``t < end`` holds for every ``t``.

    Examples
    --------
    >>> to_day_numbers(pd.Series(pd.to_datetime(["1970-01-02", None])).astype("datetime64[s]"))
    array([                  1, 9223372036854775807])
    """
    values = np.asarray(dates, dtype="datetime64[D]")
    days = values.astype(np.int64)
    return np.where(np.isnat(values), np.iinfo(np.int64).max, days)


def distinct_sorted(values: np.ndarray) -> np.ndarray:
    """The distinct values of a 1-d numeric array, ascending: :func:`numpy.unique` done by
    sorting. (NumPy 2.4's ``unique`` hashes, several times slower on the few hundred to
    few thousand integers of one person's ties; the first view calls this per page.)

    Examples
    --------
    >>> distinct_sorted(np.array([3, 1, 3, 2]))
    array([1, 2, 3])
    """
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def parse_day(at: DateLike) -> np.datetime64:
    """Return ``at`` as a day, or raise :class:`~lacgraph.errors.QueryError` saying why not.

    Examples
    --------
    >>> parse_day("2024-02-29")
    np.datetime64('2024-02-29')
    >>> parse_day("29/02/2024")
    Traceback (most recent call last):
    ...
    lacgraph.errors.QueryError: '29/02/2024' is not a date (expected YYYY-MM-DD)
    """
    from lacgraph.errors import QueryError

    try:
        day = to_date(at)
    except (ValueError, TypeError) as err:
        raise QueryError(f"{at!r} is not a date (expected YYYY-MM-DD)") from err
    if np.isnat(day):
        raise QueryError(f"{at!r} is not a date (expected YYYY-MM-DD)")
    return day


def active_mask(ties: pd.DataFrame, at: DateLike) -> np.ndarray:
    """Return which ties are active at ``at``: ``start <= at`` and (no end or ``at < end``).

    This is the one place the rule lives; every store and the snapshot use it.

    Examples
    --------
    >>> T = Tables.from_records(
    ...     nodes=[{"id": "a", "type": "person"}, {"id": "b", "type": "person"}],
    ...     ties=[{"source": "a", "target": "b", "kind": "friend",
    ...            "start": "2024-01-01", "end": "2024-03-01"}])
    >>> [bool(active_mask(T.ties, d)[0]) for d in ("2023-12-31", "2024-01-01", "2024-03-01")]
    [False, True, False]
    """
    t = parse_day(at).astype(np.int64)
    return (to_day_numbers(ties["start"]) <= t) & (t < to_day_numbers(ties["end"]))


def format_date(value: object) -> str:
    """Return an ISO ``YYYY-MM-DD`` string, or ``""`` for a missing date.

    Examples
    --------
    >>> format_date(np.datetime64("2024-05-06"))
    '2024-05-06'
    >>> format_date(pd.NaT)
    ''
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(np.datetime64(value, "D"))  # type: ignore[call-overload]  # any date-like


def iso_dates(dates: pd.Series) -> list[str | None]:
    """Each date as ISO day text (``"2024-06-01"``), ``None`` where there is none.

    Examples
    --------
    >>> iso_dates(pd.Series(pd.to_datetime(["2024-06-01", None])))
    ['2024-06-01', None]
    """
    values = dates.to_numpy("datetime64[s]").astype("datetime64[D]")
    text = np.datetime_as_string(values).astype(object)
    text[np.isnat(values)] = None
    return text.tolist()


def format_long_date(value: object) -> str:
    """Return a date as people write it in the UK ("31 December 2024"), or ``""``.

    Examples
    --------
    >>> format_long_date("2024-12-31"), format_long_date(np.datetime64("2024-08-07"))
    ('31 December 2024', '7 August 2024')
    >>> format_long_date(None)
    ''
    """
    return long_iso_date(format_date(value))


def parse_user_date(text: str) -> np.datetime64:
    """Return a date typed by a person: ``31/12/2024`` (day first, as in the UK) or
    ``2024-12-31``; else raise :class:`~lacgraph.errors.QueryError` saying what to write.

    Examples
    --------
    >>> parse_user_date("31/12/2024"), parse_user_date(" 2024-12-31 "), parse_user_date("1/2/2024")
    (np.datetime64('2024-12-31'), np.datetime64('2024-12-31'), np.datetime64('2024-02-01'))
    >>> parse_user_date("12/31/2024")
    Traceback (most recent call last):
    ...
    lacgraph.errors.QueryError: '12/31/2024' is not a date: write it as 31/12/2024 or 2024-12-31
    """
    from lacgraph.errors import QueryError

    cleaned = str(text).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return np.datetime64(dt.datetime.strptime(cleaned, pattern).date(), "D")
        except ValueError:
            continue
    raise QueryError(_("%(value)s is not a date: write it as 31/12/2024 or 2024-12-31",
                       value=repr(text)))


@dataclass(frozen=True)
class Tables:
    """The validated ``nodes`` and ``ties`` of a programme (see the module docstring)."""

    nodes: pd.DataFrame
    ties: pd.DataFrame

    @classmethod
    def from_records(
        cls, nodes: Iterable[Mapping[str, object]], ties: Iterable[Mapping[str, object]]
    ) -> Tables:
        """Build tables from plain dicts, filling defaults (for tests and small scripts).

        No validation beyond types happens here: loaders validate, this only normalises.
        """
        return cls(normalise_nodes(pd.DataFrame(list(nodes))),
                   normalise_ties(pd.DataFrame(list(ties))))

    def to_text(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Return both tables as all-text frames in the input file format.

        Booleans become ``true``/``false``, dates ISO strings, missing values ``""``.
        Writing these to CSV and loading the files again gives equal tables.
        """
        return nodes_to_text(self.nodes), ties_to_text(self.ties)


def _all_text(series: pd.Series) -> bool:
    """Tell whether every value is already a ``str`` (checked in C, no per-value Python)."""
    return pd.api.types.is_string_dtype(series) and not series.isna().any()


def _text(series: pd.Series) -> pd.Series:
    if _all_text(series):  # fast path for loaded text: same result as the map below
        return series.astype(object)
    return series.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)).astype(object)


_SAMPLE = 4096


def factorize(values: pd.Series | pd.Index | np.ndarray, *, sort: bool = False,
              use_na_sentinel: bool = True) -> tuple[np.ndarray, pd.Index | np.ndarray]:
    """:func:`pandas.factorize`, its hash table sized to the values' distinct ones.

    pandas sizes the table for as many distinct values as there are values: about 50
    bytes per row for a column of a few distinct ones (a yes/no flag, a file name, an
    interview). When the first rows hold few distinct values the table starts small and
    grows as needed; the codes and uniques are the same either way (memory, issue 24).

    Examples
    --------
    >>> codes, uniques = factorize(np.array(["b", "a", "b"], dtype=object), sort=True)
    >>> codes.tolist(), list(uniques)
    ([1, 0, 1], ['a', 'b'])
    """
    # a Series or Index is factorised as its array: pandas ignores the size for them
    cells = values.to_numpy() if isinstance(values, pd.Series | pd.Index) else values
    hint = _SAMPLE if len(cells) > _SAMPLE and few_first(cells) else len(cells)
    codes, uniques = pd.factorize(cells, sort=sort, use_na_sentinel=use_na_sentinel,
                                  size_hint=hint)
    return codes, (pd.Index(uniques, dtype=uniques.dtype, copy=False)
                   if cells is not values else uniques)


def few_first(cells: np.ndarray) -> bool:
    """Whether the first rows (up to 4,096) hold few distinct values (at most one in eight):
    a column of flags, dates or file names, not of names or ids.

    Examples
    --------
    >>> few_first(np.array(["true", "false"] * 8, dtype=object)), few_first(np.arange(16))
    (True, False)
    """
    return len(pd.unique(cells[:_SAMPLE])) * 8 <= min(len(cells), _SAMPLE)


def categorical(cells: np.ndarray) -> pd.Categorical:
    """``cells`` (text) as categorical text, its categories sorted (rows sort as by the
    text), numbered by :func:`factorize`: a code per row and each distinct string once.

    Examples
    --------
    >>> list(categorical(np.array(["b", "a", "b"], dtype=object)).categories)
    ['a', 'b']
    """
    codes, uniques = factorize(cells, sort=True)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


def each_distinct(values: pd.Series, test: Callable[[object], bool]) -> np.ndarray:
    """``test`` of every value, worked out once per distinct value (a column of yes/no
    values has a few: no new string is made per row), as a bool array.

    Examples
    --------
    >>> each_distinct(pd.Series(["Yes", "no", "Yes"]), lambda v: str(v).lower() == "yes")
    array([ True, False,  True])
    """
    codes, uniques = factorize(values.to_numpy(object), use_na_sentinel=False)
    hit = np.array([test(u) for u in uniques], dtype=bool)
    return hit[codes] if len(codes) else np.zeros(0, dtype=bool)


def text_hashes(values: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
    """Python's hash of each value, as unsigned 64-bit integers: to find values that may be
    equal without a hash table of them all (a string keeps its hash; equal hashes must
    still be compared).

    Examples
    --------
    >>> h = text_hashes(pd.Series(["a", "b", "a"]))
    >>> bool(h[0] == h[2]), h.dtype
    (True, dtype('uint64'))
    """
    cells = values if isinstance(values, np.ndarray) else values.to_numpy(object)
    return np.fromiter((hash(v) for v in cells), dtype=np.int64, count=len(cells)).view(
        np.uint64)


def hashes_shared(hashes: np.ndarray) -> np.ndarray:
    """Whether each row's hash (e.g. of :func:`text_hashes`) is another row's too: the
    only rows that can be equal, to be compared as text (by sorting: no hash table).

    Examples
    --------
    >>> hashes_shared(np.array([7, 3, 7, 5], dtype=np.uint64)).tolist()
    [True, False, True, False]
    """
    order = np.argsort(hashes, kind="stable")
    same = hashes[order[1:]] == hashes[order[:-1]]
    shared = np.zeros(len(hashes), dtype=bool)
    shared[order[1:][same]] = True
    shared[order[:-1][same]] = True
    return shared


def _flag(series: pd.Series) -> pd.Series:
    if _all_text(series):  # fast path for loaded text: same result as the map below
        return pd.Series(each_distinct(series, lambda u: str(u).strip().lower() == "true"),
                         index=series.index)
    return series.map(lambda v: v is True or str(v).strip().lower() == "true").astype(bool)


def _dates(series: pd.Series) -> pd.Series:
    if series.dtype.kind != "O":  # already dates
        return pd.to_datetime(series, format="ISO8601").astype(DATE_DTYPE)
    # text: each distinct value parsed once (a study has few dates and many rows), with
    # no table of text the size of the column (memory, issue 24)
    codes, uniques = factorize(series, use_na_sentinel=False)
    parsed = pd.to_datetime(pd.Series(np.asarray(uniques, dtype=object)).replace("", None),
                            format="ISO8601").astype(DATE_DTYPE).to_numpy()
    return pd.Series(parsed.take(codes), index=series.index)


def normalise_nodes(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with every node column present and in its canonical dtype."""
    frame = frame.copy(deep=False)  # columns added below, none changed in place
    for col in NODE_COLUMNS:
        if col not in frame:
            frame[col] = "" if col not in ("supported",) else False
    columns: dict[str, pd.Series] = {}  # built at once: a wide sheet is not fragmented
    for col in frame.columns:
        values = frame[col].reset_index(drop=True)
        if col == "supported":
            columns[col] = _flag(values)
        elif col == "introduced_on":
            columns[col] = _dates(values)
        else:
            columns[col] = _text(values)
    out = pd.DataFrame(columns, index=pd.RangeIndex(len(frame)), copy=False)  # shared (CoW)
    return out[list(NODE_COLUMNS) + [c for c in out.columns if c not in NODE_COLUMNS]]


def normalise_ties(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with every tie column present and in its canonical dtype."""
    frame = frame.copy(deep=False)  # columns added below, none changed in place
    for col in TIE_COLUMNS:
        if col not in frame:
            frame[col] = False if col == "reciprocal" else ""
    columns: dict[str, pd.Series] = {}  # built at once: a wide sheet is not fragmented
    for col in frame.columns:
        values = frame[col].reset_index(drop=True)
        if col in ("start", "end"):
            columns[col] = _dates(values)
        elif col == "reciprocal":
            columns[col] = _flag(values)
        elif col == "circle":
            continue
        else:
            columns[col] = _text(values)
    out = pd.DataFrame(columns, index=pd.RangeIndex(len(frame)), copy=False)  # shared (CoW)
    # each distinct circle and kind looked at once, the rows through their codes (memory)
    circle_codes, circles = factorize(frame["circle"], use_na_sentinel=False)
    given = pd.to_numeric(pd.Series(np.asarray(circles, dtype=object)).replace("", None),
                          errors="coerce").to_numpy(float)
    kind_codes, kinds = factorize(out["kind"], use_na_sentinel=False)
    defaults = np.array([DEFAULT_CIRCLE.get(k, np.nan) for k in kinds], dtype=float)
    circle = given.take(circle_codes)
    unset = np.isnan(circle)
    circle[unset] = defaults.take(kind_codes[unset])
    out["circle"] = np.where(np.isnan(circle), 4, circle).astype(np.int8)
    return out[list(TIE_COLUMNS) + [c for c in out.columns if c not in TIE_COLUMNS]]


def nodes_to_text(nodes: pd.DataFrame) -> pd.DataFrame:
    """Return the nodes table as text in the input format (see :meth:`Tables.to_text`)."""
    out = nodes.copy()
    out["supported"] = np.where(nodes["supported"].to_numpy(bool), "true", "false")
    out["introduced_on"] = nodes["introduced_on"].map(format_date)
    return out.astype(object)


def node_text(row: Mapping[str, object]) -> dict[str, object]:
    """One node's row as :func:`nodes_to_text` writes it, as a dict (no frame built: a
    person page asks for one row).

    Examples
    --------
    >>> T = Tables.from_records([{"id": "a", "type": "person", "supported": True,
    ...                           "introduced_on": "2024-01-02"}], [])
    >>> text = node_text(T.nodes.iloc[0])
    >>> text == nodes_to_text(T.nodes).iloc[0].to_dict(), text["introduced_on"]
    (True, '2024-01-02')
    """
    text = dict(row)
    text["supported"] = "true" if bool(row["supported"]) else "false"
    text["introduced_on"] = format_date(row["introduced_on"])
    return text


def ties_to_text(ties: pd.DataFrame) -> pd.DataFrame:
    """Return the ties table as text in the input format (see :meth:`Tables.to_text`)."""
    out = ties.copy()
    out["start"] = ties["start"].map(format_date)
    out["end"] = ties["end"].map(format_date)
    out["circle"] = ties["circle"].astype(int).astype(str)
    out["reciprocal"] = np.where(ties["reciprocal"].to_numpy(bool), "true", "false")
    return out.astype(object)
