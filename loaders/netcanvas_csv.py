"""Read one CSV file of a Network Canvas export: its header and rows checked, its cells text.

A small file is read whole by the standard ``csv`` module, a list of cells per row. A file
larger than :data:`COLUMNAR_BYTES` is read as a stream, twice: the ``csv`` module checks
every row keeping only its line, then pandas' C reader reads the kept columns into a
table (:func:`_parse_large_csv`). Both passes meet a damaged file the same way: one
problem naming the file and line (not CSV) or the bytes at fault (not UTF-8).

Cells are read as text exactly as written, except that a leading ``'`` put before
``= + - @`` (formula protection, added by newer exporters and by spreadsheets) is taken off.

Examples
--------
>>> strip_formula_quote("'=A1"), strip_formula_quote("'tis")
('=A1', "'tis")
>>> from lacgraph.loaders.netcanvas_files import ExportFile
>>> parse_csv(ExportFile("P1_s1_ego.csv", b"a,b\\r\\n1,'=2\\r\\n"))
(['a', 'b'], ['a', 'b'], [['1', '=2']], [2])
"""

from __future__ import annotations

import codecs
import csv
import io
import operator
import re
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any, Protocol

import pandas as pd

from lacgraph.errors import InputError, Problem
from lacgraph.loaders.validate import check_header as _check_header

__all__ = ["COLUMNAR_BYTES", "CsvFile", "parse_csv", "strip_formula_quote"]

_FORMULA_QUOTE = r"^'(?=[=+\-@\t\r])"
COLUMNAR_BYTES = 1 << 20
"""CSV files larger than this are read column-wise, as streams (:func:`_parse_large_csv`)."""


def strip_formula_quote(text: str) -> str:
    """Take off a ``'`` that protects a leading ``= + - @`` from spreadsheets."""
    return re.sub(_FORMULA_QUOTE, "", text)


class CsvFile(Protocol):
    """A file to read: its name as shown in problems, its size, and its bytes on demand
    (an :class:`~lacgraph.loaders.netcanvas_files.ExportFile`)."""

    @property
    def name(self) -> str: ...

    @property
    def length(self) -> int: ...

    def open(self) -> IO[bytes]: ...

    def read(self) -> bytes: ...


def parse_csv(file: CsvFile, uses: Callable[[str], bool] | None = None
               ) -> tuple[list[str], list[str], list[list[str]] | pd.DataFrame, Sequence[int]]:
    """Return one file's header, the columns kept, the rows (their cells, as text; a table
    for a large file) and each row's first line. Only the columns ``uses`` accepts are
    kept (all when None): a wide file costs time and memory in proportion to what is
    kept."""
    if file.length > COLUMNAR_BYTES:
        return _parse_large_csv(file, uses)
    return _parse_small_csv(file, uses)


def _records(file: CsvFile, stream: IO[str], uses: Callable[[str], bool] | None
             ) -> tuple[list[str], list[int], Iterator[tuple[int, list[str]]]]:
    """The header (formula quotes taken off, checked), the positions of the columns kept,
    and the records that follow, each with its first line (blank lines included).

    Both passes over a file read it here, so they meet a damaged file alike: text that is
    not CSV or not UTF-8 is one problem naming the file and the line or bytes at fault.
    """
    reader = csv.reader(stream)
    with _readable(file, reader):
        header = next(reader, None)
    if not header:
        raise InputError([Problem(file.name, 0, "", "",
                                  "the file is empty; expected a header line")])
    header = [strip_formula_quote(c) for c in header]
    _check_header(header, file.name)

    def records() -> Iterator[tuple[int, list[str]]]:
        with _readable(file, reader):
            line = reader.line_num
            for row in reader:
                first, line = line + 1, reader.line_num
                yield first, row

    return header, [i for i, c in enumerate(header) if uses is None or uses(c)], records()


@contextmanager
def _readable(file: CsvFile, reader: Any) -> Iterator[None]:
    """Turn the ``csv`` module's and the decoder's errors into one problem each."""
    try:
        yield
    except csv.Error as err:
        raise InputError([Problem(file.name, reader.line_num, "", "",
                                  f"not a readable CSV file ({err})")]) from None
    except UnicodeDecodeError:
        raise _not_utf8(file) from None


def _ragged(file: CsvFile, line: int, fields: int, expected: int) -> Problem:
    return Problem(file.name, line, "", "", f"{fields} fields; expected {expected} as in "
                   "the header")


def _parse_small_csv(file: CsvFile, uses: Callable[[str], bool] | None = None
                     ) -> tuple[list[str], list[str], list[list[str]], list[int]]:
    """:func:`parse_csv` for a small file: read whole, a list of cells per row."""
    # decoded as it is parsed: no copy of the whole file as text
    stream = io.TextIOWrapper(io.BytesIO(file.read()), encoding="utf-8-sig", newline="")
    header, keep, records = _records(file, stream, uses)
    pick = operator.itemgetter(*keep) if 0 < len(keep) < len(header) else None
    rows, lines, problems = [], [], []
    for first, row in records:
        if not any(row):
            continue  # a blank line
        if len(row) != len(header):
            problems.append(_ragged(file, first, len(row), len(header)))
            continue
        if pick is not None:
            row = list(pick(row)) if len(keep) > 1 else [pick(row)]
        if any(cell[:1] == "'" for cell in row):
            row = [strip_formula_quote(cell) for cell in row]
        rows.append(row)
        lines.append(first)
    if problems:
        raise InputError(problems)
    kept = header if pick is None else [header[i] for i in keep]
    return header, kept, rows, lines


class _Watched(io.RawIOBase):
    """A binary stream that notes whether a NUL or a ``'`` went through it."""

    def __init__(self, raw: Any) -> None:
        super().__init__()
        self.raw, self.nul, self.quote = raw, False, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n: int = self.raw.readinto(buffer)
        if n:
            chunk = memoryview(buffer)[:n].tobytes()
            self.nul = self.nul or b"\0" in chunk
            self.quote = self.quote or b"'" in chunk
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


def _parse_large_csv(file: CsvFile, uses: Callable[[str], bool] | None = None
                     ) -> tuple[list[str], list[str], pd.DataFrame, Sequence[int]]:
    """:func:`parse_csv` for a large file: two streaming passes, no file held in memory.

    First the ``csv`` module reads every row, as for a small file (the same header,
    ragged-row, blank-line, CSV and UTF-8 problems), keeping only each row's first line.
    Then pandas' C reader reads only the kept columns, as text, into a table; it shares
    one string among equal cells nearby, and holds no list per row. The two readers split
    records alike; should the counts differ, or the file hold a NUL (which the C reader
    would cut a cell at), the file is read as a small one, so nothing is read differently.
    """
    watched = _Watched(file.open())
    with io.TextIOWrapper(io.BufferedReader(watched, 1 << 16), encoding="utf-8-sig",
                          newline="") as stream:
        header, keep, records = _records(file, stream, uses)
        width = len(header)
        lines = array("q")
        blank: list[int] = []
        problems: list[Problem] = []
        count = 0
        for first, row in records:
            count += 1
            if not any(row):
                blank.append(count - 1)  # a blank line
            elif len(row) != width:
                problems.append(_ragged(file, first, len(row), width))
            else:
                lines.append(first)
    if problems:
        raise InputError(problems)
    if watched.nul:
        return _parse_small_csv(file, uses)
    with file.open() as raw:
        frame = pd.read_csv(raw, engine="c", dtype=str, keep_default_na=False,
                            na_filter=False, skip_blank_lines=False,
                            encoding="utf-8-sig", usecols=keep if len(keep) < width else None)
    if len(frame) != count or frame.shape[1] != len(keep):
        return _parse_small_csv(file, uses)
    if blank:
        frame = frame.drop(index=blank).reset_index(drop=True)
    frame = frame.set_axis([str(i) for i in range(frame.shape[1])], axis=1)
    if watched.quote:
        for column in frame.columns:
            cells = frame[column]
            quoted = cells.str.startswith("'").to_numpy(bool)
            if quoted.any():
                frame.loc[quoted, column] = cells[quoted].str.replace(
                    _FORMULA_QUOTE, "", regex=True)
    return header, [header[i] for i in keep], frame, lines


def _not_utf8(file: CsvFile) -> InputError:
    """The problem of a file that is not UTF-8: the line and the bytes at fault."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with file.open() as stream:
        while True:
            chunk = stream.read(1 << 20)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as err:
                data = err.object
                line += data.count(b"\n", 0, err.start)
                return InputError([Problem(file.name, line, "",
                                           repr(data[err.start:err.end])[2:-1],
                                           "not valid UTF-8 text")])
            if not chunk:
                break
            line += chunk.count(b"\n")
    return InputError([Problem(file.name, 0, "", "", "not valid UTF-8 text")])
