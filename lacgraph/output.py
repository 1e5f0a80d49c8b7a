"""Write result tables as CSV, JSON or Excel, the same way for every verb.

CSV: booleans ``true``/``false``, an empty measure is an empty cell, floats at full
precision. JSON: a list of records, empty measures ``null``. Excel: ids and every text
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
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the CLI's --help must not load pandas
    import pandas as pd

FORMATS: tuple[str, ...] = ("csv", "json", "xlsx")
FORMULA_START = ("=", "+", "-", "@")


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


def to_csv(frame: pd.DataFrame) -> str:
    """Return ``frame`` as CSV text (see the module docstring)."""
    return _text_frame(frame).to_csv(index=False, lineterminator="\n")


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
                if cell.value.startswith(FORMULA_START):
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
    frame: pd.DataFrame, fmt: str = "csv", output: str | os.PathLike[str] | None = None
) -> str | None:
    """Write ``frame`` in ``fmt`` to ``output``, or return it as text when no output is given.

    Excel needs an ``output`` path (a workbook is not text).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        if output is None:
            raise ValueError("Excel output needs --output FILE.xlsx")
        write_xlsx(frame, output)
        return None
    text = to_csv(frame) if fmt == "csv" else to_json(frame) + "\n"
    if output is None:
        return text
    Path(output).write_text(text, encoding="utf-8")
    return None


def read_csv_text(text: str) -> pd.DataFrame:
    """Read CSV text back as an all-text frame (for tests and round trips)."""
    import pandas as pd

    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
