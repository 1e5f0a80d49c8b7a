"""Read the tabular input: a folder of CSV files or one Excel workbook, cells as text.

The input is two tables, ``nodes`` and ``ties`` (see DESIGN.md, "Input"), either as
``nodes.csv`` and ``ties.csv`` in one folder, or as the sheets ``nodes`` and ``ties`` of
one ``.xlsx`` workbook. Every cell is read as text, exactly as written: ``007``, ``NULL``,
``Nan`` and ``" padded "`` are data, never numbers or missing values. The text is then
validated as a whole by :mod:`lacgraph.loaders.validate`. An optional ``reviews.csv``
(``person,date``; a ``reviews`` sheet in a workbook) is folded into the people's
``reviews`` attribute (:mod:`lacgraph.loaders.observations`).

Rows whose cells are all empty (blank lines, or ``,,,,`` rows left behind by a
spreadsheet) are skipped; line numbers still count them.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from lacgraph.errors import InputError, Problem
from lacgraph.i18n import _, ngettext
from lacgraph.loaders.observations import REVIEWS_FILE, fold_reviews
from lacgraph.loaders.validate import check_header, validate
from lacgraph.loaders.workbook import read_workbook
from lacgraph.output import csv_text
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
    reason = (_("not a folder or an .xlsx workbook; expected a folder with nodes.csv and "
                "ties.csv, or an .xlsx workbook") if path.exists() else
              _("no such file or folder; expected a folder with nodes.csv and ties.csv, or an "
                ".xlsx workbook"))
    raise InputError([Problem("folder", 0, "", str(path), reason)])


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
    if (folder / REVIEWS_FILE).is_file():  # optional: review dates, folded into ``reviews``
        reviews, review_lines = _csv_cells(folder / REVIEWS_FILE, REVIEWS_FILE)
        nodes, problems = fold_reviews(nodes, reviews, REVIEWS_FILE, review_lines)
        raise_with_rows(problems, (nodes, ties, "nodes.csv", "ties.csv", node_lines,
                                   tie_lines))
    return nodes, ties, "nodes.csv", "ties.csv", node_lines, tie_lines


def raise_with_rows(problems: list[Problem], cells: Cells) -> None:
    """Raise ``problems`` (if any) together with every problem of the rows of ``cells``,
    so that one report names them all."""
    if not problems:
        return
    try:
        validate(*cells)
    except InputError as err:
        problems = problems + err.problems
    raise InputError(problems)


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
    for name, frame in (("nodes", nodes), ("ties", ties)):
        # csv_text quotes a lone CR too (pandas does not), so every label round-trips
        (folder / f"{name}.csv").write_text(csv_text(frame), encoding="utf-8", newline="")
    return folder


# --------------------------------------------------------------------------- reading


def not_utf8(file: str, line: int, data: bytes, at: int) -> Problem:
    r"""The problem of a CSV file that is not UTF-8, in the words of the person who saved it.

    Usually Excel's plain "CSV (Comma delimited)", which writes Windows-1252: the value
    shows the text around the first bad byte as Windows-1252 reads it.

    Examples
    --------
    >>> print(not_utf8("nodes.csv", 2, b"p1,person,Ren\xe9e\n", 13).reason)  # doctest: +ELLIPSIS
    the file is not saved as UTF-8 (byte 0xE9 here is 'é' in Windows-1252, ...
    """
    start = max(data.rfind(b"\n", 0, at), data.rfind(b"\r", 0, at), data.rfind(b",", 0, at)) + 1
    end = min([i for i in (data.find(b"\n", at), data.find(b"\r", at), data.find(b",", at))
               if i != -1] or [len(data)])
    cell = data[start:end][:60].decode("cp1252", errors="replace")
    char = data[at:at + 1].decode("cp1252", errors="replace")
    return Problem(file, line, "", cell, _(
        "the file is not saved as UTF-8 (byte 0x%(byte)s here is %(char)s in Windows-1252, the "
        "encoding of Excel's plain \"CSV (Comma delimited)\"); expected UTF-8: in Excel choose "
        "File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\", or save it as UTF-8 in your "
        "editor", byte=format(data[at], "02X"), char=repr(char)))


def _csv_cells(path: Path, file: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Return the all-text frame of one CSV file and each row's line number."""
    if not path.is_file():
        raise InputError([Problem(file, 0, "", "", _(
            "no such file; expected %(file)s in the folder %(folder)s", file=file,
            folder=str(path.parent)))])
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = _line_breaks(data[:err.start]) + 1
        raise InputError([not_utf8(file, line, data, err.start)]) from None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                                na_filter=False, encoding="utf-8-sig",
                                skip_blank_lines=False, on_bad_lines="warn")
        except pd.errors.EmptyDataError:
            raise InputError([Problem(file, 0, "", "",
                                      _("the file is empty; expected a header line"))]) from None
        except pd.errors.ParserError as err:
            raise InputError([Problem(file, 0, "", "", _("not a readable CSV file (%(error)s)",
                                                         error=str(err)))]) from None
    for warning in caught:
        if not issubclass(warning.category, pd.errors.ParserWarning):
            warnings.warn_explicit(warning.message, warning.category, warning.filename,
                                   warning.lineno)
    if any(_BAD_LINE.search(str(w.message)) for w in caught):
        # pandas counts records, not lines: find the physical lines again
        raise InputError(_long_records(data, file))
    # the header is in the first bytes (pandas renames repeated names: read it raw)
    head = data[:1 << 16].decode("utf-8-sig", errors="replace").encode()
    check_header(next((r for _line, r in _records(head, file)), []), file)
    lines = _csv_lines(frame, data)
    return frame, lines


def _records(data: bytes, file: str = "") -> Iterator[tuple[int, list[str]]]:
    """Yield each CSV record with the physical line it starts on (LF, CRLF or CR ends)."""
    import csv

    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    line = 1
    try:
        for record in reader:
            yield line, record
            line = reader.line_num + 1
    except csv.Error as err:  # e.g. a quote left open at the end of the file
        raise InputError([Problem(file, line, "", "", _("not a readable CSV record (%(error)s)",
                                                         error=str(err)))]) from None


def _long_records(data: bytes, file: str) -> list[Problem]:
    """Problems for the records with more fields than the header, at their physical line."""
    records = _records(data, file)
    width = len(next(records, (1, []))[1])
    return [Problem(file, line, "", "", ngettext(
                "%(num)d field; expected %(width)d as in the header",
                "%(num)d fields; expected %(width)d as in the header", len(r), width=width))
            for line, r in records if len(r) > width]


def _line_breaks(data: bytes) -> int:
    """Count the line breaks (LF, CRLF or a lone CR) in ``data``."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _csv_lines(frame: pd.DataFrame, data: bytes) -> np.ndarray:
    """Return the line each row starts on (the header is line 1).

    Without line breaks inside quoted cells, row ``i`` is on line ``i + 2``. When the
    file has more line breaks than rows, count the breaks inside each row's cells.
    """
    n = len(frame)
    lines = np.arange(2, n + 2, dtype=np.int64)
    breaks = _line_breaks(data)
    if breaks <= n + 1 or n == 0:
        return lines
    inside = np.zeros(n, dtype=np.int64)
    for col in frame.columns:
        inside += frame[col].str.count(r"\r\n|\r|\n").to_numpy(np.int64)
    lines[1:] += np.cumsum(inside)[:-1]
    return lines


# --------------------------------------------------------------------------- validation
