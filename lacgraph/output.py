"""Write result tables as CSV, JSON or Excel, the same way for every verb.

CSV: booleans ``true``/``false``, an empty measure is an empty cell, floats at full
precision. CSV meant for people is formula-safe by default (:func:`formula_safe`, the one
rule for every CSV lacgraph writes for people: CLI tables, web downloads, the audit log);
``raw=True`` (the CLI's ``--raw``) writes exact values for programs. Every field holding a
comma, a quote, a line feed or a lone carriage return is quoted, so any text round-trips.

JSON: a list of records, empty measures ``null``. Excel: ids and every text
cell stay text (``007`` stays ``007``) and are never read as formulas, even when they
begin with ``= + - @`` (formula injection).

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"id": ["007"], "density": [float("nan")], "isolated": [True]})
>>> print(to_csv(frame), end="")
id,density,isolated
007,,true
>>> to_json(frame)
'[{"id":"007","density":null,"isolated":true}]'
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the CLI's --help must not load pandas
    import pandas as pd

FORMATS: tuple[str, ...] = ("csv", "json", "xlsx")
FORMULA_START = ("=", "+", "-", "@")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell (or a line of it) starting with one of these is a formula to a spreadsheet."""

# Cheap pre-check: only text that may need the rule goes through the full check.
_MAYBE_FORMULA = re.compile(r"[=+\-@\t\r\n\v\f\x1c-\x1e\x85\u2028\u2029]|[^\x00-\x7f]|^\s")
_CSV_SPECIAL = re.compile(r'[,"\r\n]')


def _starts_formula(line: str) -> bool:
    """Tell whether a spreadsheet would read ``line`` as a formula (see formula_safe)."""
    check = unicodedata.normalize("NFKC", line)
    stripped = check.lstrip("".join(c for c in check[:64] if c.isspace() and c not in "\t\r")
                            + "\u200b\u200c\u200d\u2060\ufeff")
    return stripped.startswith(FORMULA_TRIGGERS) or check.startswith(FORMULA_TRIGGERS)


def formula_safe(text: str) -> str:
    r"""Return ``text`` so that no spreadsheet runs it as a formula (OWASP CSV injection).

    The one rule for every CSV lacgraph writes for people. A cell is a formula risk when
    it starts with ``= + - @``, a tab or a carriage return, also after leading spaces or
    zero-width characters, and also in full-width or other compatibility forms
    (``＝``, ``＋``: the text is NFKC-normalised for the check only). Such a cell gets one
    leading ``'``. A cell with line breaks is checked line by line: every later line that
    starts a formula gets a leading ``'`` too, and so does the cell itself. Nothing else
    changes; to undo, remove the ``'`` added before each such line (or use ``--raw``).

    Parameters
    ----------
    text
        One text cell.

    Returns
    -------
    str
        The cell, with ``'`` added where a spreadsheet would see a formula.

    Examples
    --------
    >>> formula_safe("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> formula_safe("  =1+1"), formula_safe("\uff1d1+1"), formula_safe("Ann")
    ("'  =1+1", "'\uff1d1+1", 'Ann')
    >>> formula_safe("x\n=1+1")
    "'x\n'=1+1"
    """
    if not text or not _MAYBE_FORMULA.search(text):
        return text
    lines = text.splitlines(keepends=True)
    risky = [_starts_formula(line) for line in lines]
    if not any(risky):
        return text
    later = zip(lines[1:], risky[1:], strict=True)
    out = ["'" + lines[0]] + [("'" + line) if r else line for line, r in later]
    return "".join(out)


def _text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        values = frame[col]
        if values.dtype == bool:
            out[col] = np.where(values.to_numpy(), "true", "false")
        elif values.dtype.kind == "f":
            out[col] = [("" if np.isnan(v) else repr(float(v))) for v in values.to_numpy()]
        else:
            out[col] = values.map(lambda v: "" if v is None or v is pd.NA else str(v))
    return out.astype(object)


def to_csv(frame: pd.DataFrame, *, raw: bool = False) -> str:
    r"""Return ``frame`` as CSV text, formula-safe unless ``raw`` (see the module docstring).

    Only text cells go through :func:`formula_safe`; numbers and booleans are untouched.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"label": ["=1+1", "a,b"], "change": [-1, 2]})
    >>> print(to_csv(frame), end="")
    label,change
    '=1+1,-1
    "a,b",2
    >>> print(to_csv(frame, raw=True).splitlines()[1])
    =1+1,-1
    """
    text = _text_frame(frame)
    if not raw:
        for col in frame.columns[[_is_text(frame[c]) for c in frame.columns]]:
            original = frame[col].to_numpy(object)
            text[col] = [formula_safe(t) if isinstance(v, str) else t
                         for v, t in zip(original, text[col].to_numpy(object), strict=True)]
    return csv_text(text)


def _is_text(values: pd.Series) -> bool:
    import pandas as pd

    return not (values.dtype == bool or pd.api.types.is_numeric_dtype(values))


def csv_text(frame: pd.DataFrame) -> str:
    r'''Return an all-text frame as CSV, quoting every field with ``,`` ``"`` LF or CR.

    Python's csv writer (and pandas) leave a lone CR unquoted when lines end in LF, and a
    reader then splits the row there: here any text round-trips.

    Examples
    --------
    >>> import pandas as pd
    >>> csv_text(pd.DataFrame({"id": ["a\rb", 'say "hi"', ""]}))
    'id\n"a\rb"\n"say ""hi"""\n""\n'
    >>> read_csv_text(csv_text(pd.DataFrame({"id": ["a\rb"]})))["id"].tolist()
    ['a\rb']
    '''
    import pandas as pd

    def quoted(values: pd.Series) -> pd.Series:
        values = values.astype(object).astype(str)
        special = values.str.contains(_CSV_SPECIAL)
        return values.where(~special, '"' + values.str.replace('"', '""', regex=False) + '"')

    header = quoted(pd.Series([str(c) for c in frame.columns], dtype=object))
    if len(frame.columns) == 1:  # an empty row must not read as a blank line
        header = header.where(header != "", '""')
    lines = [",".join(header)]
    if len(frame):
        cells = [quoted(frame[c]).to_numpy(object) for c in frame.columns]
        if len(cells) == 1:
            rows = pd.Series(cells[0]).where(pd.Series(cells[0]) != "", '""')
        else:
            rows = pd.Series(cells[0], dtype=object)
            for col in cells[1:]:
                rows = rows + "," + pd.Series(col, dtype=object)
        lines += rows.tolist()
    return "\n".join(lines) + "\n"


def to_json(frame: pd.DataFrame) -> str:
    """Return ``frame`` as a JSON list of records (see the module docstring)."""
    return frame.to_json(orient="records", date_format="iso", force_ascii=False)


def write_xlsx(frame: pd.DataFrame, path: str | os.PathLike[str], sheet: str = "data") -> None:
    """Write ``frame`` to an Excel workbook with text kept as text and no formulas.

    Examples
    --------
    >>> import tempfile, openpyxl, pandas as pd
    >>> path = tempfile.mkdtemp() + "/t.xlsx"
    >>> write_xlsx(pd.DataFrame({"id": ["007", "=1+2"], "size": [3, 4]}), path)
    >>> ws = openpyxl.load_workbook(path).active
    >>> [ws["A2"].value, ws["A3"].value, ws["A3"].data_type, ws["B2"].value]
    ['007', '=1+2', 's', 3]
    >>> ws["A3"].quotePrefix, ws["A2"].quotePrefix
    (True, False)
    """
    from openpyxl import Workbook

    book = Workbook()
    sheet_ = book.active
    sheet_.title = sheet
    sheet_.append([str(c) for c in frame.columns])
    for record in frame.itertuples(index=False):
        sheet_.append([_cell(v) for v in record])
    # openpyxl guesses that a string starting with "=" is a formula: it is data here.
    for row in sheet_.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                # and stays text if someone edits it in Excel (shown with a leading ')
                if formula_safe(cell.value) != cell.value:
                    cell.quotePrefix = True
    book.save(path)


def _cell(value: object) -> object:
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA:
        return None
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return str(value)


def write_table(
    frame: pd.DataFrame, fmt: str = "csv", output: str | os.PathLike[str] | None = None,
    *, raw: bool = False,
) -> str | None:
    """Write ``frame`` in ``fmt`` to ``output``, or return it as text when no output is given.

    CSV is formula-safe unless ``raw`` (:func:`to_csv`). Excel needs an ``output`` path
    (a workbook is not text); its text cells are always stored as text, never formulas.
    The folder of ``output`` is created if needed.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        if output is None:
            raise ValueError("Excel output needs --output FILE.xlsx")
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(frame, output)
        return None
    text = to_csv(frame, raw=raw) if fmt == "csv" else to_json(frame) + "\n"
    if output is None:
        return text
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(text, encoding="utf-8", newline="")
    return None


def read_csv_text(text: str) -> pd.DataFrame:
    """Read CSV text back as an all-text frame (for tests and round trips)."""
    import pandas as pd

    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
