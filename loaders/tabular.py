"""Read and validate the tabular input: a folder of CSV files or one Excel workbook.

The input is two tables, ``nodes`` and ``ties`` (see DESIGN.md, "Input"), either as
``nodes.csv`` and ``ties.csv`` in one folder, or as the sheets ``nodes`` and ``ties`` of
one ``.xlsx`` workbook. Every cell is read as text, exactly as written: ``007``, ``NULL``,
``Nan`` and ``" padded "`` are data, never numbers or missing values.

Validation is all-or-nothing: every row is checked, every problem is collected as a
:class:`~lacgraph.errors.Problem` naming the file, line, column, value and what was
expected, and one :class:`~lacgraph.errors.InputError` is raised for the lot. Lines are
counted as a person counts them: the header is line 1, the first data row line 2 (for a
workbook, the spreadsheet row number). A problem with a whole file (missing, empty, not
UTF-8, a missing column) is reported on line 0, or line 1 for the header.

Rows whose cells are all empty (blank lines, or ``,,,,`` rows left behind by a
spreadsheet) are skipped; line numbers still count them.

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

import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from lacgraph.errors import InputError, Problem
from lacgraph.model import NODE_TYPES, TIE_KINDS, expected_endpoints, kind_fits
from lacgraph.tables import (
    NODE_COLUMNS,
    TIE_COLUMNS,
    Tables,
    normalise_nodes,
    normalise_ties,
)

__all__ = ["parse_tables", "read_folder", "read_source", "read_workbook", "write_folder"]

NODE_REQUIRED: tuple[str, ...] = ("id", "type")
TIE_REQUIRED: tuple[str, ...] = ("source", "target", "kind", "start")

TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0"})
CIRCLE_TEXT = ("1", "2", "3", "4")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BAD_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields?, saw (\d+)")


# --------------------------------------------------------------------------- sources


def read_source(path: str | Path) -> Tables:
    """Read a programme from a folder of CSV files or an ``.xlsx`` workbook.

    Parameters
    ----------
    path
        A folder holding ``nodes.csv`` and ``ties.csv``, or an ``.xlsx`` workbook with
        the sheets ``nodes`` and ``ties``.

    Returns
    -------
    Tables
        The validated tables.

    Raises
    ------
    InputError
        If the path is neither, or any file, column or row is wrong (every problem is
        listed).

    Examples
    --------
    >>> read_source("no/such/folder")
    Traceback (most recent call last):
    ...
    lacgraph.errors.InputError: 1 problem in the input:
      folder: 'no/such/folder': no such file or folder; expected a folder with nodes.csv and ties.csv, or an .xlsx workbook
    """
    path = Path(path)
    if path.is_dir():
        return read_folder(path)
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return read_workbook(path)
    expected = "expected a folder with nodes.csv and ties.csv, or an .xlsx workbook"
    what = "not a folder or an .xlsx workbook" if path.exists() else "no such file or folder"
    raise InputError([Problem("folder", 0, "", str(path), f"{what}; {expected}")])


def read_folder(path: str | Path) -> Tables:
    """Read and validate ``nodes.csv`` and ``ties.csv`` from a folder.

    Files are UTF-8 (a byte-order mark is accepted) with a header line. Every cell is
    read as text exactly as written.

    Parameters
    ----------
    path
        The folder.

    Returns
    -------
    Tables
        The validated tables, rows in file order.

    Raises
    ------
    InputError
        If a file is missing, empty, not UTF-8, malformed, lacks a required column, or
        any row is invalid. Problems name ``nodes.csv`` / ``ties.csv`` and the line.

    Examples
    --------
    >>> read_folder("no/such/folder")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    lacgraph.errors.InputError: 2 problems in the input:
      nodes.csv: '': no such file; expected nodes.csv in the folder no/such/folder
      ties.csv: '': no such file; expected ties.csv in the folder no/such/folder
    """
    folder = Path(path)
    problems: list[Problem] = []
    frames: dict[str, tuple[pd.DataFrame, np.ndarray]] = {}
    for name in ("nodes", "ties"):
        file = f"{name}.csv"
        try:
            frames[name] = _read_csv(folder / file, file)
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    (nodes, node_lines), (ties, tie_lines) = frames["nodes"], frames["ties"]
    return _validate(nodes, ties, "nodes.csv", "ties.csv", node_lines, tie_lines)


def read_workbook(path: str | Path) -> Tables:
    """Read and validate the sheets ``nodes`` and ``ties`` of an ``.xlsx`` workbook.

    Cells become text: text as is, whole numbers (int or integral float) as digits,
    other numbers as Python writes them, dates and datetimes as ``YYYY-MM-DD``,
    booleans as ``true``/``false``, empty cells as ``""``. The first row is the header.
    Problems name ``book.xlsx[sheet]`` and the spreadsheet row number.

    Parameters
    ----------
    path
        The workbook.

    Returns
    -------
    Tables
        The validated tables, rows in sheet order.

    Raises
    ------
    InputError
        If the workbook cannot be opened, a sheet or required column is missing, or any
        row is invalid.

    Examples
    --------
    >>> read_workbook("missing.xlsx")
    Traceback (most recent call last):
    ...
    lacgraph.errors.InputError: 1 problem in the input:
      missing.xlsx: '': no such file; expected an .xlsx workbook with sheets nodes and ties
    """
    import openpyxl  # imported here: only workbook users pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    book_name = path.name
    expected = "expected an .xlsx workbook with sheets nodes and ties"
    if not path.is_file():
        raise InputError([Problem(book_name, 0, "", "", f"no such file; {expected}")])
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as err:
        raise InputError([Problem(book_name, 0, "", "",
                                  f"cannot be opened as a workbook ({err}); {expected}")]) from err
    try:
        problems: list[Problem] = []
        frames: dict[str, tuple[pd.DataFrame, np.ndarray]] = {}
        for name in ("nodes", "ties"):
            file = f"{book_name}[{name}]"
            if name not in book.sheetnames:
                found = ", ".join(book.sheetnames) or "none"
                problems.append(Problem(file, 0, "", "",
                                        f"no sheet named {name!r} (sheets: {found}); {expected}"))
                continue
            try:
                frames[name] = _sheet_frame(book[name], file)
            except InputError as err:
                problems += err.problems
    finally:
        book.close()
    if problems:
        raise InputError(problems)
    (nodes, node_lines), (ties, tie_lines) = frames["nodes"], frames["ties"]
    return _validate(nodes, ties, f"{book_name}[nodes]", f"{book_name}[ties]",
                     node_lines, tie_lines)


def write_folder(tables: Tables, path: str | Path) -> Path:
    """Write ``nodes.csv`` and ``ties.csv`` (UTF-8, no BOM) into a folder.

    The files use the input format, so :func:`read_folder` gives back equal tables.
    The folder is created if needed; existing files are replaced.

    Parameters
    ----------
    tables
        The tables to write.
    path
        The folder.

    Returns
    -------
    Path
        The folder, so that ``read_folder(write_folder(T, p))`` reads it back.

    Examples
    --------
    >>> import tempfile
    >>> T = Tables.from_records(nodes=[{"id": "007", "type": "person"}], ties=[])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     read_folder(write_folder(T, d)).nodes["id"].tolist()
    ['007']
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    nodes, ties = tables.to_text()
    nodes.to_csv(folder / "nodes.csv", index=False, encoding="utf-8", lineterminator="\n")
    ties.to_csv(folder / "ties.csv", index=False, encoding="utf-8", lineterminator="\n")
    return folder


# --------------------------------------------------------------------------- reading


def _read_csv(path: Path, file: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Return the all-text frame of one CSV file and each row's line number."""
    if not path.is_file():
        where = f"in the folder {path.parent}"
        raise InputError([Problem(file, 0, "", "", f"no such file; expected {file} {where}")])
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        bad = data[err.start:err.end]
        raise InputError([Problem(file, line, "", repr(bad)[2:-1],
                                  "not valid UTF-8 text; save the file as UTF-8")]) from None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            frame = pd.read_csv(
                io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False,
                encoding="utf-8-sig", skip_blank_lines=False, on_bad_lines="warn",
            )
        except pd.errors.EmptyDataError:
            raise InputError([Problem(file, 0, "", "",
                                      "the file is empty; expected a header line")]) from None
        except pd.errors.ParserError as err:
            raise InputError([Problem(file, 0, "", "", f"not a readable CSV file ({err})")]) from None
    bad_lines = []
    for warning in caught:
        if not issubclass(warning.category, pd.errors.ParserWarning):
            warnings.warn_explicit(warning.message, warning.category, warning.filename,
                                   warning.lineno)
            continue
        for line, want, saw in _BAD_LINE.findall(str(warning.message)):
            bad_lines.append(Problem(file, int(line), "", "",
                                     f"{saw} fields; expected {want} as in the header"))
    if bad_lines:
        raise InputError(bad_lines)
    _check_header(_header_cells(data), file)
    lines = _csv_lines(frame, data)
    return frame, lines


def _header_cells(data: bytes) -> list[str]:
    """Return the raw header cells (pandas renames duplicates, so look at the bytes)."""
    import csv

    first = data.split(b"\n", 1)[0].decode("utf-8-sig").rstrip("\r")
    return next(csv.reader([first]), [])


def _check_header(raw: list[str], file: str) -> None:
    """Raise if a column name appears twice in the header."""
    seen: set[str] = set()
    problems = []
    for name in raw:
        if name in seen:
            problems.append(Problem(file, 1, name, name, "repeated column name; expected each "
                                    "column once"))
        seen.add(name)
    if problems:
        raise InputError(problems)


def _csv_lines(frame: pd.DataFrame, data: bytes) -> np.ndarray:
    """Return the line each row starts on (the header is line 1).

    Without line breaks inside quoted cells, row ``i`` is on line ``i + 2``. When the
    file has more line breaks than rows, count the breaks inside each row's cells.
    """
    n = len(frame)
    lines = np.arange(2, n + 2, dtype=np.int64)
    breaks = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    if breaks <= n + 1 or n == 0:
        return lines
    inside = np.zeros(n, dtype=np.int64)
    for col in frame.columns:
        inside += frame[col].str.count(r"\r\n|\r|\n").to_numpy(np.int64)
    lines[1:] += np.cumsum(inside)[:-1]
    return lines


def _cell_text(value: object) -> str:
    """Return a workbook cell as text (see :func:`read_workbook`)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _sheet_frame(sheet: object, file: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Return the all-text frame of one worksheet and each row's spreadsheet row number."""
    rows = sheet.iter_rows(values_only=True)  # type: ignore[attr-defined]
    header_row = next(rows, None)
    if header_row is None or all(v is None for v in header_row):
        raise InputError([Problem(file, 0, "", "", "the sheet is empty; expected a header row")])
    header = [_cell_text(v) for v in header_row]
    while header and header[-1] == "":
        header.pop()
    _check_header(header, file)
    width = len(header)
    records: list[list[str]] = []
    lines: list[int] = []
    for number, row in enumerate(rows, start=2):
        cells = [_cell_text(v) for v in row[:width]]
        cells += [""] * (width - len(cells))
        records.append(cells)
        lines.append(number)
    frame = pd.DataFrame(records, columns=header, dtype=object) if records else \
        pd.DataFrame({c: pd.Series([], dtype=object) for c in header})
    return frame, np.asarray(lines, dtype=np.int64)


# --------------------------------------------------------------------------- validation


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
    return _validate(nodes, ties, nodes_file, ties_file, node_lines, tie_lines)


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


def _validate(
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
    check = _Checker(problems)

    # ---- nodes
    f, L = nodes_file, node_lines
    ids = nodes["id"]
    check.flag(f, L, "id", ids, ids.eq(""), "empty id; expected a node id")
    codes, uniques = pd.factorize(ids)
    _, first_of_code = np.unique(codes, return_index=True)
    first = first_of_code[codes]
    repeat = (first != np.arange(len(ids))) & ids.ne("").to_numpy()
    for i in np.flatnonzero(repeat):
        check.add(f, int(L[i]), "id", ids.iat[i],
                  f"duplicate node id, first on line {L[first[i]]}; expected each id once")
    types = nodes["type"]
    check.flag(f, L, "type", types, ~types.isin(NODE_TYPES),
               f"unknown node type; expected one of {', '.join(NODE_TYPES)}")
    check.flag_flag(f, L, "supported", nodes["supported"])
    check.flag_dates(f, L, "introduced_on", nodes["introduced_on"], required=False)

    # id -> type of the node first given that id (unknown types kept, to tell them apart)
    type_of = pd.Series(types.to_numpy()[first_of_code], index=uniques)
    type_of = type_of[type_of.index != ""]
    coordinators = set(type_of.index[type_of.eq("coordinator").to_numpy()])
    check.flag_coordinator(f, L, "coordinator", nodes["coordinator"], type_of, coordinators)

    # ---- ties
    f, L = ties_file, tie_lines
    source, target, kind = ties["source"], ties["target"], ties["kind"]
    source_type = source.map(type_of)
    target_type = target.map(type_of)
    for col, ends, end_type in (("source", source, source_type), ("target", target, target_type)):
        check.flag(f, L, col, ends, ends.eq(""), "empty id; expected the id of a node")
        check.flag(f, L, col, ends, ends.ne("") & end_type.isna(),
                   f"no node has this id; expected an id from {nodes_file}")
    self_tie = source.eq(target) & source.ne("")
    check.flag(f, L, "target", target, self_tie,
               "a tie joins a node to itself; expected two different ids")
    kind_known = kind.isin(TIE_KINDS)
    check.flag(f, L, "kind", kind, ~kind_known,
               f"unknown tie kind; expected one of {', '.join(TIE_KINDS)}")
    start_ok = check.flag_dates(f, L, "start", ties["start"], required=True)
    end_ok = check.flag_dates(f, L, "end", ties["end"], required=False)
    # valid ISO dates compare correctly as text
    not_after = start_ok & end_ok & ties["end"].ne("") & (ties["end"] <= ties["start"])
    for i in np.flatnonzero(not_after.to_numpy()):
        check.add(f, int(L[i]), "end", ties["end"].iat[i],
                  f"end is not after start ({ties['start'].iat[i]}); expected an end date "
                  "later than start, or empty for a tie still active")
    circle = ties["circle"]
    check.flag(f, L, "circle", circle, ~circle.isin(("", *CIRCLE_TEXT)),
               "not a circle; expected an integer 1-4, or empty for the kind's default")
    check.flag_flag(f, L, "reciprocal", ties["reciprocal"])
    check.flag_coordinator(f, L, "brokered_by", ties["brokered_by"], type_of, coordinators)
    _check_fit(check, f, L, kind, source_type, target_type, kind_known)
    _check_duplicate_ties(check, f, L, ties, self_tie)

    if problems:
        raise InputError(problems)
    nodes = nodes.assign(supported=_canonical_flag(nodes["supported"]))
    ties = ties.assign(reciprocal=_canonical_flag(ties["reciprocal"]))
    return Tables(normalise_nodes(nodes), normalise_ties(ties))


def _missing_columns(frame: pd.DataFrame, required: Iterable[str], file: str) -> list[Problem]:
    found = ", ".join(map(str, frame.columns)) or "none"
    return [
        Problem(file, 1, col, "", f"missing required column {col!r}; found columns: {found}")
        for col in required if col not in frame.columns
    ]


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
    frame = frame.astype(object).reset_index(drop=True)
    return frame, np.asarray(lines)


def _canonical_flag(values: pd.Series) -> pd.Series:
    return values.str.lower().isin(TRUE_WORDS).map({True: "true", False: "false"})


def _check_fit(
    check: _Checker,
    file: str,
    lines: np.ndarray,
    kind: pd.Series,
    source_type: pd.Series,
    target_type: pd.Series,
    kind_known: pd.Series,
) -> None:
    """Flag ties whose kind does not fit the types of the nodes they join."""
    known = (kind_known & source_type.isin(NODE_TYPES) & target_type.isin(NODE_TYPES)).to_numpy()
    if not known.any():
        return
    allowed = np.zeros((len(TIE_KINDS), len(NODE_TYPES), len(NODE_TYPES)), dtype=bool)
    for k, kind_name in enumerate(TIE_KINDS):
        for a, type_a in enumerate(NODE_TYPES):
            for b, type_b in enumerate(NODE_TYPES):
                allowed[k, a, b] = kind_fits(kind_name, type_a, type_b)
    k = pd.Index(TIE_KINDS).get_indexer(kind)  # -1 where unknown (not in ``known``)
    a = pd.Index(NODE_TYPES).get_indexer(source_type)
    b = pd.Index(NODE_TYPES).get_indexer(target_type)
    misfit = known.copy()
    misfit[known] = ~allowed[k[known], a[known], b[known]]
    for i in np.flatnonzero(misfit):
        name, ta, tb = kind.iat[i], source_type.iat[i], target_type.iat[i]
        check.add(file, int(lines[i]), "kind", name,
                  f"a {name} tie joins {expected_endpoints(name)}, not {ta}-{tb}")


def _check_duplicate_ties(
    check: _Checker, file: str, lines: np.ndarray, ties: pd.DataFrame, self_tie: pd.Series
) -> None:
    """Flag each repeat of a tie: same unordered pair, kind and start."""
    source, target = ties["source"].to_numpy(), ties["target"].to_numpy()
    swap = source > target
    key = pd.DataFrame({
        "lo": np.where(swap, target, source),
        "hi": np.where(swap, source, target),
        "kind": ties["kind"].to_numpy(),
        "start": ties["start"].to_numpy(),
    })
    dup = key.duplicated(keep=False).to_numpy()
    if not dup.any():
        return
    rows = np.flatnonzero(dup)
    first_line = (
        pd.Series(lines[rows], index=rows).groupby([key.iloc[rows][c].to_numpy() for c in key])
        .transform("min")
    )
    for i in rows:
        if first_line[i] == lines[i]:
            continue
        value = ",".join(str(ties[c].iat[i]) for c in ("source", "target", "kind", "start"))
        check.add(file, int(lines[i]), "source,target,kind,start", value,
                  f"duplicate tie, first on line {first_line[i]}; expected each tie "
                  "(pair of nodes in either order, kind, start) once")


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
        ok = values.eq("") | values.str.lower().isin(TRUE_WORDS | FALSE_WORDS)
        self.flag(file, lines, column, values, ~ok,
                  "not a yes/no value; expected true or false (or yes/no, 1/0), or empty")

    def flag_dates(
        self, file: str, lines: np.ndarray, column: str, values: pd.Series, *, required: bool
    ) -> pd.Series:
        """Flag bad dates; return where the column holds a valid date."""
        codes, uniques = pd.factorize(values)
        verdicts = [_date_problem(text) for text in uniques]
        problem = np.array([v or "" for v in verdicts], dtype=object)
        row_problem = problem[codes] if len(codes) else np.array([], dtype=object)
        empty = values.eq("").to_numpy()
        if required:
            self.flag(file, lines, column, values, empty,
                      "missing date; expected a date YYYY-MM-DD")
        for i in np.flatnonzero((row_problem != "") & ~empty):
            self.add(file, int(lines[i]), column, values.iat[i], row_problem[i])
        return pd.Series((row_problem == "") & ~empty, index=values.index)

    def flag_coordinator(
        self, file: str, lines: np.ndarray, column: str, values: pd.Series,
        type_of: pd.Series, coordinators: set[str],
    ) -> None:
        """Flag non-empty values that are not the id of a coordinator node."""
        bad = values.ne("") & ~values.isin(coordinators)
        for i in np.flatnonzero(bad.to_numpy()):
            value = values.iat[i]
            if value in type_of.index:
                reason = f"this id is a {type_of[value]} node; expected the id of a coordinator node"
            else:
                reason = "no node has this id; expected the id of a coordinator node"
            self.add(file, int(lines[i]), column, value, reason)


def _date_problem(text: str) -> str | None:
    """Return why ``text`` is not a strict ISO date (None if it is one, or empty)."""
    if text == "":
        return None
    if not _ISO_DATE.fullmatch(text):
        return "not a date; expected YYYY-MM-DD"
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return "not a real calendar date; expected YYYY-MM-DD"
    return None


