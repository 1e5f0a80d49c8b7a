"""Read the sheets ``nodes`` and ``ties`` of an ``.xlsx`` workbook as text, exactly.

An optional sheet ``reviews`` (``person,date``) is folded into the people's ``reviews``
attribute (:mod:`lacgraph.loaders.observations`).

A value is never changed silently. Every row is read, whatever the sheet's
``<dimension>`` tag says (files written by other tools often carry a stale one). These
are rejected, each with its sheet, cell (``ties!B7``) and reason:

- merged cells (they blank the rows they cover);
- a formula without a saved (cached) value (it would read as empty);
- an empty column name above a column that holds data;
- a number in an id column (``id``, ``coordinator``, ``source``, ``target``,
  ``brokered_by``) that is not a whole number, or too big to be exact (over 2**53);
- a date cell with a time of day in a date column (``introduced_on``, ``start``, ``end``).

A whole number in an id column becomes its integer text (``7.0`` -> ``7``). A tie that
names an unknown id which matches a node only once leading zeros are restored (``7`` for
``007``) gets a hint: the column was probably stored as numbers in Excel.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lacgraph.errors import InputError, Problem
from lacgraph.i18n import _
from lacgraph.loaders.observations import fold_reviews
from lacgraph.loaders.validate import check_header, validate
from lacgraph.tables import Tables

__all__ = ["read_workbook"]

ID_COLUMNS = {"nodes": ("id", "coordinator"), "ties": ("source", "target", "brokered_by"),
              "reviews": ("person",)}
DATE_COLUMNS = {"nodes": ("introduced_on", "left_on"), "ties": ("start", "end"),
                "reviews": ("date",)}
EXACT = 2**53
"""Whole numbers up to this are exact as a double (Excel's number); beyond, digits are lost."""


def read_workbook(path: str | Path) -> Tables:
    """Read and validate the sheets ``nodes`` and ``ties`` of an ``.xlsx`` workbook.

    Cells become text: text as is, whole numbers as digits, other numbers as Python
    writes them, dates as ``YYYY-MM-DD`` (a date with a time of day outside a date column
    keeps its time), booleans as ``true``/``false``, empty cells as ``""``. The first row
    is the header. Problems name ``book.xlsx[sheet]``, the spreadsheet row and the cell.
    See the module docstring for what is rejected.

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
        cell or row is invalid.

    Examples
    --------
    >>> read_workbook("missing.xlsx")
    Traceback (most recent call last):
    ...
    lacgraph.errors.InputError: 1 problem in the input:
      missing.xlsx: '': no such file; expected an .xlsx workbook with sheets nodes and ties
    """
    nodes, ties, nodes_file, ties_file, node_lines, tie_lines, numeric = _cells(path)
    try:
        return validate(nodes, ties, nodes_file, ties_file, node_lines, tie_lines)
    except InputError as err:
        raise InputError(_with_zero_hints(err.problems, nodes, numeric)) from None


def workbook_cells(path: str | Path, book_name: str | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame, str, str, np.ndarray, np.ndarray]:
    """Read the sheets ``nodes`` and ``ties`` as text, not yet validated (cell-level
    problems are raised); ``book_name`` names the workbook in problems."""
    return _cells(path, book_name)[:6]


def _cells(path: str | Path, book_name: str | None = None
           ) -> tuple[pd.DataFrame, pd.DataFrame, str, str, np.ndarray, np.ndarray,
                      set[tuple[str, int, str]]]:
    import openpyxl  # imported here: only workbook users pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    book_name = book_name or path.name
    if not path.is_file():
        raise InputError([Problem(book_name, 0, "", "", _(
            "no such file; expected an .xlsx workbook with sheets nodes and ties"))])
    try:
        # Not read-only mode: it trusts the <dimension> tag and knows no merged cells.
        # Loaded twice: the saved values, and the formulas (to find those with no value).
        values = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError,
            TypeError) as err:
        raise InputError([Problem(book_name, 0, "", "", _(
            "cannot be opened as a workbook (%(error)s); expected an .xlsx workbook with sheets "
            "nodes and ties", error=str(err)))]) from err
    problems: list[Problem] = []
    frames: dict[str, tuple[pd.DataFrame, np.ndarray, set[tuple[str, int, str]]]] = {}
    for name in ("nodes", "ties"):
        file = f"{book_name}[{name}]"
        if name not in values.sheetnames:
            found = ", ".join(values.sheetnames)
            problems.append(Problem(file, 0, "", "", _(
                "no sheet named %(sheet)s (sheets: %(found)s); expected an .xlsx workbook with "
                "sheets nodes and ties", sheet=repr(name), found=found) if found else _(
                "no sheet named %(sheet)s (sheets: none); expected an .xlsx workbook with "
                "sheets nodes and ties", sheet=repr(name))))
            continue
        try:
            frames[name] = _sheet_frame(values[name], formulas[name], name, file)
        except InputError as err:
            problems += err.problems
    if "reviews" in values.sheetnames:  # optional: review dates, folded into ``reviews``
        try:
            frames["reviews"] = _sheet_frame(values["reviews"], formulas["reviews"], "reviews",
                                             f"{book_name}[reviews]")
        except InputError as err:
            problems += err.problems
    values.close()
    formulas.close()
    if problems:
        raise InputError(problems)
    (nodes, node_lines, node_numeric), (ties, tie_lines, numeric) = (frames["nodes"],
                                                                      frames["ties"])
    if "reviews" in frames:
        reviews, review_lines, _numeric = frames["reviews"]
        nodes, problems = fold_reviews(nodes, reviews, f"{book_name}[reviews]", review_lines)
        if problems:
            try:
                validate(nodes, ties, f"{book_name}[nodes]", f"{book_name}[ties]", node_lines,
                         tie_lines)
            except InputError as err:
                problems += err.problems
            raise InputError(problems)
    return (nodes, ties, f"{book_name}[nodes]", f"{book_name}[ties]", node_lines, tie_lines,
            numeric | node_numeric)


def _sheet_frame(values: Any, formulas: Any, name: str, file: str
                 ) -> tuple[pd.DataFrame, np.ndarray, set[tuple[str, int, str]]]:
    """Return one sheet's all-text frame, each row's number, and the (row, column) cells
    of id columns that held numbers (for the leading-zeros hint)."""
    from openpyxl.utils import get_column_letter

    problems: list[Problem] = []
    for merged in sorted(formulas.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        problems.append(Problem(file, merged.min_row, "", "", _(
            "%(cell)s: merged cells; expected one value in each cell (unmerge them and fill "
            "every cell)", cell=name + "!" + merged.coord)))
    rows = list(values.iter_rows(values_only=True))
    cells = list(formulas.iter_rows())
    if not rows or all(v is None for v in rows[0]):
        raise InputError(problems + [Problem(file, 0, "", "",
                                             _("the sheet is empty; expected a header row"))])
    width = max(len(r) for r in rows)
    header = [_cell_text(v) for v in rows[0]] + [""] * (width - len(rows[0]))
    used = [j for j in range(width) if header[j] != ""
            or any(j < len(r) and r[j] not in (None, "") for r in rows[1:])]
    for j in used:
        if header[j] == "":
            problems.append(Problem(file, 1, "", "", _(
                "%(cell)s: empty column name above cells that hold data; expected a column "
                "name", cell=name + "!" + get_column_letter(j + 1) + "1")))
    used = [j for j in used if header[j] != ""]
    check_header([header[j] for j in used], file)
    ids, dates = ID_COLUMNS[name], DATE_COLUMNS[name]
    numeric: set[tuple[str, int, str]] = set()
    records: list[list[str]] = []
    for i, row in enumerate(rows[1:], start=1):
        number = i + 1
        record = []
        for j in used:
            value = row[j] if j < len(row) else None
            column = header[j]
            where = f"{name}!{get_column_letter(j + 1)}{number}"
            formula = cells[i][j] if j < len(cells[i]) else None
            if value is None and formula is not None and formula.data_type == "f":
                problems.append(Problem(file, number, column, str(formula.value), _(
                    "%(cell)s: a formula with no saved value; expected a value (open and save "
                    "the workbook in Excel, or paste the values)", cell=where)))
                record.append("")
                continue
            text, reason = _checked(value, column in ids, column in dates)
            if reason:
                problems.append(Problem(file, number, column, text, _(
                    "%(cell)s: %(reason)s", cell=where, reason=reason)))
            elif column in ids and isinstance(value, (int, float)) \
                    and not isinstance(value, bool):
                numeric.add((file, number, column))
            record.append(text)
        records.append(record)
    if problems:
        raise InputError(problems)
    columns = [header[j] for j in used]
    frame = (pd.DataFrame(records, columns=columns, dtype=object) if records else
             pd.DataFrame({c: pd.Series([], dtype=object) for c in columns}))
    return frame, np.arange(2, len(records) + 2, dtype=np.int64), numeric


def _checked(value: object, is_id: bool, is_date: bool) -> tuple[str, str]:
    """Return a cell's text and, if it cannot be taken as it is, the reason."""
    if is_id and isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            return repr(value), _("a number that is not whole in an id column; expected an "
                                  "id (format the column as Text and type the ids again)")
        if abs(value) > EXACT:
            return str(value), _("a number too long to be exact in Excel (it keeps 15 digits); "
                                 "expected the id as text (stored as a number in Excel? format "
                                 "the column as Text and type the ids again)")
        return str(int(value)), ""
    if isinstance(value, dt.datetime) and value.time() != dt.time(0):
        if is_date:
            return value.isoformat(sep=" "), _("a date with a time of day; expected a date "
                                               "only (the time would be lost)")
        return value.isoformat(sep=" "), ""
    return _cell_text(value), ""


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


def _with_zero_hints(problems: list[Problem], nodes: pd.DataFrame,
                     numeric: set[tuple[str, int, str]]) -> list[Problem]:
    """Add the leading-zeros hint to unknown-id problems from cells that held numbers."""
    by_digits: dict[str, str] = {}
    ids = set(nodes["id"])
    for node in nodes["id"]:
        if node[:1] == "0" and node.isdigit():
            by_digits.setdefault(node.lstrip("0") or "0", node)
    out = []
    for p in problems:
        match = by_digits.get(p.value)
        # an id no node has (whatever the language the reason is written in)
        if match and (p.file, p.line, p.column) in numeric and p.value not in ids:
            p = Problem(p.file, p.line, p.column, p.value, _(
                "%(reason)s; it matches %(id)s with its leading zeros: stored as a number in "
                "Excel? format the column as Text and type the ids again", reason=p.reason,
                id=repr(match)))
        out.append(p)
    return out
