"""Validate input tables as a whole: every problem collected, one error raised.

Every row is checked, every problem is collected as a :class:`~lacgraph.errors.Problem`
naming the file, line, column, value and what was expected, and one
:class:`~lacgraph.errors.InputError` is raised for the lot. Lines are counted as a person
counts them: the header is line 1, the first data row line 2 (for a workbook, the
spreadsheet row number). A problem with a whole file (missing, empty, not UTF-8, a missing
column) is reported on line 0, or line 1 for the header.

Examples
--------
>>> import pandas as pd
>>> nodes = pd.DataFrame({"id": ["007", "g1"], "type": ["person", "group"]})
>>> ties = pd.DataFrame({"source": ["007"], "target": ["g1"], "kind": ["member"],
...                      "start": ["2024-01-31"]})
>>> T = parse_tables(nodes, ties)
>>> T.nodes["id"].tolist(), int(T.ties.loc[0, "circle"])
(['007', 'g1'], 3)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from lacgraph.errors import InputError, Problem
from lacgraph.i18n import _
from lacgraph.loaders.observations import check_node_observations, date_reason
from lacgraph.model import NODE_TYPES, TIE_KINDS, expected_endpoints, kind_fits
from lacgraph.tables import (
    NODE_COLUMNS,
    TIE_COLUMNS,
    Tables,
    each_distinct,
    factorize,
    hashes_shared,
    normalise_nodes,
    normalise_ties,
    text_hashes,
)

__all__ = ["parse_tables", "validate"]

NODE_REQUIRED: tuple[str, ...] = ("id", "type")
TIE_REQUIRED: tuple[str, ...] = ("source", "target", "kind", "start")

TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0"})
CIRCLE_TEXT = ("1", "2", "3", "4")

LANGUAGES = ("", "cy", "en")
"""What a node's optional ``language`` attribute may hold (empty: not asked yet)."""


def parse_tables(
    nodes: pd.DataFrame,
    ties: pd.DataFrame,
    *,
    nodes_file: str = "nodes.csv",
    ties_file: str = "ties.csv",
    first_line: int = 2,
) -> Tables:
    """Validate all-text ``nodes`` and ``ties`` frames and return canonical tables.

    Row ``i`` of a frame is reported as line ``first_line + i`` of ``nodes_file`` /
    ``ties_file``. Missing optional columns default to empty; extra columns are kept as
    text. Flags (``supported``, ``reciprocal``) accept, in any case, ``true``/``false``,
    ``yes``/``no`` and ``1``/``0``; empty means false. Dates are strict ISO
    ``YYYY-MM-DD`` calendar dates. An empty ``circle`` defaults from the tie kind.

    Parameters
    ----------
    nodes, ties
        The tables as text (``None``/NaN cells count as empty).
    nodes_file, ties_file
        File names used in problem reports.
    first_line
        The line number of the first row of each frame.

    Returns
    -------
    Tables
        The validated tables, rows in input order.

    Raises
    ------
    InputError
        Listing every problem in every row.

    Examples
    --------
    >>> nodes = pd.DataFrame({"id": ["p1", "p2", "p3"], "type": ["person"] * 3})
    >>> ties = pd.DataFrame({"source": ["p1", "p1"], "target": ["p2", "p1"],
    ...                      "kind": ["friend", "friend"], "start": ["2024-02-30", "2024-01-01"]})
    >>> parse_tables(nodes, ties)
    Traceback (most recent call last):
    ...
    lacgraph.errors.InputError: 2 problems in the input:
      ties.csv line 2, column start: '2024-02-30': not a real calendar date; expected YYYY-MM-DD
      ties.csv line 3, column target: 'p1': a tie joins a node to itself; expected two different ids
    """
    nodes = _as_text(nodes)
    ties = _as_text(ties)
    node_lines = np.arange(first_line, first_line + len(nodes), dtype=np.int64)
    tie_lines = np.arange(first_line, first_line + len(ties), dtype=np.int64)
    return validate(nodes, ties, nodes_file, ties_file, node_lines, tie_lines)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with every cell a ``str`` (missing cells ``""``), index 0..n-1."""
    out = {}
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_string_dtype(values) and not values.isna().any():
            out[str(col)] = values.astype(object).to_numpy()
        else:
            out[str(col)] = values.map(
                lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
            ).astype(object).to_numpy()
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)), dtype=object)


def validate(
    nodes: pd.DataFrame,
    ties: pd.DataFrame,
    nodes_file: str,
    ties_file: str,
    node_lines: np.ndarray,
    tie_lines: np.ndarray,
) -> Tables:
    """Check every row of both tables; raise one InputError or return canonical tables."""
    problems: list[Problem] = []
    problems += _missing_columns(nodes, NODE_REQUIRED, nodes_file)
    problems += _missing_columns(ties, TIE_REQUIRED, ties_file)
    if problems:
        raise InputError(problems)
    nodes, node_lines = _fill(nodes, NODE_COLUMNS, node_lines)
    ties, tie_lines = _fill(ties, TIE_COLUMNS, tie_lines)
    # checked in a function of its own: its working columns are gone before the
    # canonical tables are built (a large import's peak memory, issue 24)
    problems += _check(nodes, ties, nodes_file, ties_file, node_lines, tie_lines)
    if problems:
        raise InputError(problems)
    del node_lines, tie_lines
    # each text table let go once its canonical one is made (memory, issue 24)
    nodes = normalise_nodes(nodes.assign(supported=_canonical_flag(nodes["supported"])))
    ties = normalise_ties(ties.assign(reciprocal=_canonical_flag(ties["reciprocal"])))
    return Tables(nodes, ties)


def _check(nodes: pd.DataFrame, ties: pd.DataFrame, nodes_file: str, ties_file: str,
           node_lines: np.ndarray, tie_lines: np.ndarray) -> list[Problem]:
    """Every problem of the filled tables' rows (see :func:`validate`)."""
    problems: list[Problem] = []
    check = _Checker(problems)
    _check_control(check, nodes_file, node_lines, nodes, ("id", "coordinator", "label"))
    _check_control(check, ties_file, tie_lines, ties, ("source", "target", "brokered_by"))

    # ---- nodes
    f, L = nodes_file, node_lines
    ids = nodes["id"]
    check.flag(f, L, "id", ids, ids.eq(""), _("empty id; expected a node id"))
    # rows whose ids hash alike, then only those compared as text: no hash table of ids
    cells = ids.to_numpy(object)
    rows = np.flatnonzero(hashes_shared(text_hashes(cells)))  # the only rows that may repeat
    first = rows  # per row among those, the first row with its id
    if len(rows):
        codes = factorize(cells[rows])[0]
        first = rows[np.unique(codes, return_index=True)[1][codes]]
        del codes
    repeat = (first != rows) & (cells[rows] != "")
    for i, earlier in zip(rows[repeat], first[repeat], strict=True):
        check.add(f, int(L[i]), "id", ids.iat[i],
                  _("duplicate node id, first on line %(line)d; expected each id once",
                    line=int(L[earlier])))
    # the node first given each id
    first_given = cells != ""
    first_given[rows[first != rows]] = False
    del rows, first, repeat
    types = nodes["type"]
    check.flag(f, L, "type", types, ~types.isin(NODE_TYPES),
               _("unknown node type; expected one of %(types)s", types=", ".join(NODE_TYPES)))
    check.flag_flag(f, L, "supported", nodes["supported"])
    check.flag_dates(f, L, "introduced_on", nodes["introduced_on"], required=False)
    problems += check_node_observations(nodes, f, L)
    if "language" in nodes:  # the person's language for what is printed or sent to them
        check.flag(f, L, "language", nodes["language"], ~nodes["language"].isin(LANGUAGES),
                   _("unknown language; expected cy (Cymraeg) or en (English), or empty"))

    # id -> type of the node first given that id (unknown types kept, to tell them apart)
    type_of = pd.Series(types.to_numpy(object)[first_given], dtype=object,
                        index=pd.Index(cells[first_given], dtype=object, copy=False))
    del cells, first_given
    coordinators = set(type_of.index[type_of.eq("coordinator").to_numpy()])
    check.flag_coordinator(f, L, "coordinator", nodes["coordinator"], type_of, coordinators)

    # ---- ties
    f, L = ties_file, tie_lines
    source, target, kind = ties["source"], ties["target"], ties["kind"]
    type_names, (source_type, target_type) = _types_of(type_of, source, target)
    for col, ends, end_type in (("source", source, source_type), ("target", target, target_type)):
        check.flag(f, L, col, ends, ends.eq(""), _("empty id; expected the id of a node"))
        check.flag(f, L, col, ends, ends.ne("").to_numpy() & (end_type < 0),
                   _("no node has this id; expected an id from %(file)s", file=nodes_file))
    self_tie = source.eq(target) & source.ne("")
    check.flag(f, L, "target", target, self_tie,
               _("a tie joins a node to itself; expected two different ids"))
    kind_known = kind.isin(TIE_KINDS)
    check.flag(f, L, "kind", kind, ~kind_known,
               _("unknown tie kind; expected one of %(kinds)s", kinds=", ".join(TIE_KINDS)))
    start_ok = check.flag_dates(f, L, "start", ties["start"], required=True)
    end_ok = check.flag_dates(f, L, "end", ties["end"], required=False)
    # valid ISO dates compare correctly as text
    not_after = start_ok & end_ok & ties["end"].ne("") & (
        ties["end"].to_numpy(object) <= ties["start"].to_numpy(object))
    for i in np.flatnonzero(not_after.to_numpy()):
        check.add(f, int(L[i]), "end", ties["end"].iat[i],
                  _("end is not after start (%(start)s); expected an end date later than "
                    "start, or empty for a tie still active", start=ties["start"].iat[i]))
    del start_ok, end_ok, not_after
    circle = ties["circle"]
    check.flag(f, L, "circle", circle, ~circle.isin(("", *CIRCLE_TEXT)),
               _("not a circle; expected an integer 1-4, or empty for the kind's default"))
    check.flag_flag(f, L, "reciprocal", ties["reciprocal"])
    check.flag_coordinator(f, L, "brokered_by", ties["brokered_by"], type_of, coordinators)
    _check_fit(check, f, L, kind, type_names, source_type, target_type, kind_known)
    _check_duplicate_ties(check, f, L, ties, self_tie)
    return problems


_CHUNK = 1 << 16


def _types_of(type_of: pd.Series, *ends: pd.Series) -> tuple[np.ndarray, list[np.ndarray]]:
    """The distinct node types, and each end's type as a position among them (-1: no node
    has this id).

    Looked up by hash in the sorted hashes of the ids, each found id compared as text,
    with no hash table of every id and a chunk of rows at a time (memory, issue 24); ids
    whose hashes meet are looked up one by one.

    Examples
    --------
    >>> names, (codes,) = _types_of(pd.Series(["person", "group"], index=["a", "g"]),
    ...                             pd.Series(["g", "x", "a"]))
    >>> [names[c] if c >= 0 else None for c in codes]
    ['group', None, 'person']
    """
    ids = type_of.index.to_numpy(object)
    type_codes, names = factorize(type_of.to_numpy(object))
    hashes = text_hashes(ids)
    order = np.argsort(hashes, kind="stable")
    hashes = hashes[order]
    found = []
    for end in ends:
        values = end.to_numpy(object)
        out = np.full(len(values), -1, dtype=np.int32)
        for lo in range(0, len(values) if len(hashes) else 0, _CHUNK):
            part = values[lo:lo + _CHUNK]
            wanted = text_hashes(part)
            at = np.minimum(np.searchsorted(hashes, wanted), len(hashes) - 1)
            row = order[at]
            same_hash = hashes[at] == wanted
            same = same_hash & (ids[row] == part)
            out[lo:lo + _CHUNK][same] = type_codes[row[same]]
            for i in np.flatnonzero(same_hash & ~same):  # another id with this hash
                last = np.searchsorted(hashes, wanted[i], side="right")
                rows = order[at[i]:last]
                hit = rows[ids[rows] == part[i]]
                out[lo + i] = type_codes[hit[0]] if len(hit) else -1
        found.append(out)
    return np.asarray(names, dtype=object), found


CONTROL = "[\x00-\x1f\x7f-\x9f]"
"""Any control character (C0, DEL, C1): none may be in an id or a label."""
CONTROL_IN_TEXT = "[\x00-\x08\x0b\x0c\x0e-\x1f\x80-\x9f]"
"""Control characters other than tab, LF and CR: none may be in any other value."""


def _check_control(check: _Checker, file: str, lines: np.ndarray, frame: pd.DataFrame,
                   names: tuple[str, ...]) -> None:
    """Refuse control characters: any in ids and labels, all but tab/LF/CR elsewhere.

    A control character cannot be seen, cannot be written to XML 1.0 (GraphML, GEXF), and
    in an id makes two ids that look the same.
    """
    for column in frame.columns:
        values = frame[column]
        if not len(values) or column.startswith("@"):
            continue
        strict = column in names
        bad = values.str.contains(CONTROL if strict else CONTROL_IN_TEXT, regex=True)
        if bad.any():
            reason = (_("a control character in an id or label; expected printable text")
                      if strict else _("a control character in a value (tab, LF and CR are "
                                       "fine); expected printable text"))
            check.flag(file, lines, column, values, bad.to_numpy(bool), reason)


def check_header(raw: list[str], file: str) -> None:
    """Raise if a column name appears twice in a header (``raw``: the cells as written)."""
    seen: set[str] = set()
    problems = []
    for name in raw:
        if name in seen:
            problems.append(Problem(file, 1, name, name, _("repeated column name; expected "
                                                          "each column once")))
        seen.add(name)
    if problems:
        raise InputError(problems)


def _missing_columns(frame: pd.DataFrame, required: Iterable[str], file: str) -> list[Problem]:
    return [Problem(file, 1, col, "", missing_column(col, frame.columns))
            for col in required if col not in frame.columns]


def missing_column(column: str, found: Iterable[object]) -> str:
    """The reason of a required column missing, naming the columns found (current language).

    Examples
    --------
    >>> missing_column("kind", ["source", "target"])
    "missing required column 'kind'; found columns: source, target"
    """
    names = ", ".join(map(str, found))
    if not names:
        return _("missing required column %(column)s; found columns: none",
                 column=repr(column))
    return _("missing required column %(column)s; found columns: %(found)s", column=repr(column),
             found=names)


def _fill(
    frame: pd.DataFrame, columns: Iterable[str], lines: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """Add missing optional columns as empty text and drop rows with every cell empty."""
    frame = frame.loc[:, [c for c in frame.columns if c != ""]]
    frame = frame.assign(**{c: "" for c in columns if c not in frame.columns})
    if len(frame):
        blank = np.ones(len(frame), dtype=bool)
        for col in frame.columns:
            blank &= frame[col].eq("").to_numpy()
        if blank.any():
            frame, lines = frame.loc[~blank], lines[~blank]
    # text as object; a categorical column (an import's dates and yes/no values, a few
    # strings shared by many rows) is checked as it is
    frame = frame.astype({c: object for c in frame.columns
                          if not isinstance(frame[c].dtype, pd.CategoricalDtype)}
                         ).reset_index(drop=True)
    return frame, np.asarray(lines)


def _canonical_flag(values: pd.Series) -> pd.Series:
    words = np.array(["false", "true"], dtype=object)  # two strings, shared by every row
    return pd.Series(words[_is_word(values, TRUE_WORDS).astype(np.intp)], index=values.index,
                     dtype=object)


def _is_word(values: pd.Series, words: frozenset[str]) -> np.ndarray:
    """Whether each text value, lower-cased, is one of ``words``.

    Each distinct value is lower-cased once (:func:`lacgraph.tables.each_distinct`).

    Examples
    --------
    >>> _is_word(pd.Series(["Yes", "no", "YES", ""]), TRUE_WORDS).tolist()
    [True, False, True, False]
    """
    return each_distinct(values, lambda u: str(u).lower() in words)


def _check_fit(
    check: _Checker,
    file: str,
    lines: np.ndarray,
    kind: pd.Series,
    type_names: np.ndarray,
    source_type: np.ndarray,
    target_type: np.ndarray,
    kind_known: pd.Series,
) -> None:
    """Flag ties whose kind does not fit the types of the nodes they join (each end's type
    a position in ``type_names``, -1 where no node has its id)."""
    # a lacgraph type's position for each distinct type, -1 for none (the last entry:
    # an end no node has)
    node_type = np.append(pd.Index(NODE_TYPES).get_indexer(type_names), -1).astype(np.int8)
    a, b = node_type.take(source_type), node_type.take(target_type)  # small integers
    known = kind_known.to_numpy(bool) & (a >= 0) & (b >= 0)
    if not known.any():
        return
    allowed = np.zeros((len(TIE_KINDS), len(NODE_TYPES), len(NODE_TYPES)), dtype=bool)
    for k, kind_name in enumerate(TIE_KINDS):
        for i, type_a in enumerate(NODE_TYPES):
            for j, type_b in enumerate(NODE_TYPES):
                allowed[k, i, j] = kind_fits(kind_name, type_a, type_b)
    k = pd.Index(TIE_KINDS).get_indexer(kind).astype(np.int8)  # -1: unknown (not known)
    misfit = known.copy()
    misfit[known] = ~allowed[k[known], a[known], b[known]]
    for row in np.flatnonzero(misfit):
        name = kind.iat[row]
        ta, tb = NODE_TYPES[a[row]], NODE_TYPES[b[row]]
        pairs = expected_endpoints(name).split(" or ")
        joins = pairs[0] if len(pairs) == 1 else _("%(first)s or %(second)s",
                                                    first=", ".join(pairs[:-1]), second=pairs[-1])
        check.add(file, int(lines[row]), "kind", name,
                  _("a %(kind)s tie joins %(joins)s, not %(found)s", kind=name, joins=joins,
                    found="-".join((str(ta), str(tb)))))


def _check_duplicate_ties(
    check: _Checker, file: str, lines: np.ndarray, ties: pd.DataFrame, self_tie: pd.Series
) -> None:
    """Flag each repeat of a tie: same unordered pair, kind and start."""
    # rows whose (unordered pair, kind, start) hash alike, then only those compared as text:
    # a hash per cell (strings keep theirs), no table of text and no hash table of ids
    source, target = text_hashes(ties["source"]), text_hashes(ties["target"])
    mixed = np.minimum(source, target) * np.uint64(0x9E3779B97F4A7C15) ^ np.maximum(source,
                                                                                   target)
    del source, target
    for column in ("kind", "start"):
        mixed = mixed * np.uint64(0x100000001B3) ^ text_hashes(ties[column])
    alike = hashes_shared(mixed)
    del mixed
    if not alike.any():
        return
    candidates = np.flatnonzero(alike)
    source = ties["source"].to_numpy(object)[candidates]
    target = ties["target"].to_numpy(object)[candidates]
    swap = source > target
    key = pd.DataFrame({"lo": np.where(swap, target, source), "hi": np.where(swap, source, target),
                        "kind": ties["kind"].to_numpy(object)[candidates],
                        "start": ties["start"].to_numpy(object)[candidates]})
    key = key.groupby(list(key.columns), sort=False).ngroup().to_numpy()
    dup = pd.Series(key).duplicated(keep=False).to_numpy()
    if not dup.any():
        return
    rows, key = candidates[dup], key[dup]
    first_line = pd.Series(lines[rows], index=rows).groupby(key).transform("min")
    for i in rows:
        if first_line[i] == lines[i]:
            continue
        value = ",".join(str(ties[c].iat[i]) for c in ("source", "target", "kind", "start"))
        check.add(file, int(lines[i]), "source,target,kind,start", value,
                  _("duplicate tie, first on line %(line)d; expected each tie (pair of nodes "
                    "in either order, kind, start) once", line=int(first_line[i])))


class _Checker:
    """Collects problems; each ``flag_*`` checks a whole column at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems

    def add(self, file: str, line: int, column: str, value: object, reason: str) -> None:
        self.problems.append(Problem(file, line, column, str(value), reason))

    def flag(
        self, file: str, lines: np.ndarray, column: str, values: pd.Series,
        bad: pd.Series | np.ndarray, reason: str,
    ) -> None:
        mask = np.asarray(bad, dtype=bool)
        for i in np.flatnonzero(mask):
            self.add(file, int(lines[i]), column, values.iat[i], reason)

    def flag_flag(self, file: str, lines: np.ndarray, column: str, values: pd.Series) -> None:
        ok = values.eq("").to_numpy() | _is_word(values, TRUE_WORDS | FALSE_WORDS)
        self.flag(file, lines, column, values, ~ok,
                  _("not a yes/no value; expected true or false (or yes/no, 1/0), or empty"))

    def flag_dates(
        self, file: str, lines: np.ndarray, column: str, values: pd.Series, *, required: bool
    ) -> pd.Series:
        """Flag bad dates; return where the column holds a valid date."""
        # each distinct value checked once; the rows are looked at through their codes
        codes, uniques = factorize(values)
        problem = [_date_problem(text) for text in uniques]
        empty = np.array([text == "" for text in uniques], dtype=bool).take(codes)
        bad = np.array([p is not None for p in problem], dtype=bool).take(codes)
        if required:
            self.flag(file, lines, column, values, empty,
                      _("missing date; expected a date YYYY-MM-DD"))
        for i in np.flatnonzero(bad):
            self.add(file, int(lines[i]), column, values.iat[i], problem[codes[i]])
        return pd.Series(~bad & ~empty, index=values.index)

    def flag_coordinator(
        self, file: str, lines: np.ndarray, column: str, values: pd.Series,
        type_of: pd.Series, coordinators: set[str],
    ) -> None:
        """Flag non-empty values that are not the id of a coordinator node."""
        bad = values.ne("") & ~values.isin(coordinators)
        for i in np.flatnonzero(bad.to_numpy()):
            value = values.iat[i]
            if value in type_of.index:
                reason = _("this id is a %(type)s node; expected the id of a coordinator node",
                           type=type_of[value])
            else:
                reason = _("no node has this id; expected the id of a coordinator node")
            self.add(file, int(lines[i]), column, value, reason)


def _date_problem(text: str) -> str | None:
    """Return why ``text`` is not a strict ISO date (None if it is one, or empty)."""
    return None if text == "" else date_reason(text)


