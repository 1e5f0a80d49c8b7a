"""Problems and notices collected while an export is built, each naming its file and line.

Examples
--------
>>> import pandas as pd
>>> found = Problems()
>>> rows = pd.DataFrame({"@file": ["a.csv", "a.csv"], "@line": [2, 3], "name": ["", "Jo"]})
>>> found.rows(rows, rows["name"].eq(""), "name", rows["name"], "empty name")
>>> [str(p) for p in found.items]
["a.csv line 2, column name: '': empty name"]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lacgraph.errors import Problem

__all__ = ["Problems"]


class Problems:
    """The problems (which stop an import) and notices (rows left out) found so far."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.notices: list[Problem] = []

    def add(self, file: object, line: object, column: str, value: object, reason: str) -> None:
        self.items.append(Problem(str(file), int(str(line)), column, str(value), reason))

    def rows(self, frame: pd.DataFrame, mask: np.ndarray | pd.Series, column: str,
             values: pd.Series, reason: str, *, notice: bool = False) -> None:
        found = self.notices if notice else self.items
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)):
            row = frame.iloc[i]
            where = str(row["@where"]) if "@where" in row.index else ""
            found.append(Problem(str(row["@file"]), int(row["@line"]), column,
                                 str(values.iat[i]), f"{where}: {reason}" if where else reason))
