"""Read the tabular input: a folder of CSV files or one Excel workbook, cells as text.

The input is two tables, ``nodes`` and ``ties`` (see DESIGN.md, "Input"), either as
``nodes.csv`` and ``ties.csv`` in one folder, or as the sheets ``nodes`` and ``ties`` of
one ``.xlsx`` workbook. Every cell is read as text, exactly as written: ``007``, ``NULL``,
``Nan`` and ``" padded "`` are data, never numbers or missing values. The text is then
validated as a whole by :mod:`lacgraph.loaders.validate`.

Rows whose cells are all empty (blank lines, or ``,,,,`` rows left behind by a
spreadsheet) are skipped; line numbers still count them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from lacgraph.errors import InputError, Problem
from lacgraph.loaders.validate import validate
from lacgraph.tables import Tables

__all__ = ["read_folder", "read_source", "read_workbook", "write_folder"]

_BAD_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields?, saw (\d+)")


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
    return validate(*folder_cells(path))


Cells = tuple[pd.DataFrame, pd.DataFrame, str, str, np.ndarray, np.ndarray]
"""Unvalidated input: the nodes and ties as text, their file names and line numbers (the
arguments of :func:`~lacgraph.loaders.validate.validate`)."""


def folder_cells(path: str | Path) -> Cells:
    """Read ``nodes.csv`` and ``ties.csv`` as text, not yet validated (file-level problems,
    such as a missing file or a malformed line, are raised)."""
    folder = Path(path)
    problems: list[Problem] = []
    frames: dict[str, tuple[pd.DataFrame, np.ndarray]] = {}
    for name in ("nodes", "ties"):
        file = f"{name}.csv"
        try:
            frames[name] = _csv_cells(folder / file, file)
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    (nodes, node_lines), (ties, tie_lines) = frames["nodes"], frames["ties"]
    return nodes, ties, "nodes.csv", "ties.csv", node_lines, tie_lines


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
    return validate(*workbook_cells(path))


def workbook_cells(path: str | Path, book_name: str | None = None) -> Cells:
    """Read the sheets ``nodes`` and ``ties`` of a workbook as text, not yet validated
    (``book_name`` names it in problems; default the file's name)."""
    import openpyxl  # imported here: only workbook users pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    book_name = book_name or path.name
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
    return nodes, ties, f"{book_name}[nodes]", f"{book_name}[ties]", node_lines, tie_lines


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


def _csv_cells(path: Path, file: str) -> tuple[pd.DataFrame, np.ndarray]:
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
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                                na_filter=False, encoding="utf-8-sig",
                                skip_blank_lines=False, on_bad_lines="warn")
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
