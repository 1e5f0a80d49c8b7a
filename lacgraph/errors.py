"""The exception tree of lacgraph.

Every error lacgraph raises on purpose is a :class:`LacgraphError`::

    LacgraphError
    ├── InputError            .problems: list of Problem(file, line, column, value, reason)
    ├── NotFound              unknown person / node id
    ├── StoreError            a store could not be read or written
    │   ├── StoreUnavailable  e.g. the Bolt server is down (raised ``from`` the driver's error)
    │   ├── StaleWrite        a change based on rows changed since: ``.current`` holds them now
    │   ├── AlreadySubmitted  a one-time form token used a second time: nothing changed
    │   ├── ErasedId          a write naming an erased person: nothing changed
    │   └── KeyMismatch       another pseudonym key than the one the store was used with
    └── QueryError            a question that cannot be answered as asked

User mistakes (bad input, unknown ids, bad options) are reported by the CLI and the
web app as messages, never as tracebacks.

Examples
--------
>>> err = InputError([Problem("ties.csv", 3, "kind", "cousin", "unknown tie kind")])
>>> print(err)
1 problem in the input:
  ties.csv line 3, column kind: 'cousin': unknown tie kind
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class LacgraphError(Exception):
    """Base of every error lacgraph raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one cell of the input.

    ``line`` is the line in the file as a person counts it: the header is line 1, so the
    first data row is line 2. For a workbook, ``file`` is ``book.xlsx[sheet]`` and ``line``
    is the spreadsheet row number. A problem with a whole file (missing, empty, not
    readable) has ``line`` 0; one that is not about a single column has ``column`` "".
    """

    file: str
    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (
                f"line {self.line}" if self.line else "",
                f"column {self.column}" if self.column else "",
            ) if part
        )
        return f"{self.file}{' ' + where if where else ''}: {self.value!r}: {self.reason}"

    def as_dict(self) -> dict[str, object]:
        """Return the problem as a plain dict (for JSON reports)."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


class InputError(LacgraphError):
    """The input was rejected; ``problems`` lists every row-level problem found.

    A load that raises this wrote nothing.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(self.report())

    def report(self, limit: int | None = 200) -> str:
        """Return a readable report of the problems (at most ``limit`` lines of them)."""
        n = len(self.problems)
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [f"{n} problem{'s' if n != 1 else ''} in the input:"]
        lines += [f"  {p}" for p in shown]
        if len(shown) < n:
            lines.append(f"  ... and {n - len(shown)} more")
        return "\n".join(lines)


class NotFound(LacgraphError):
    """An id that is not in the network (a person, node or user)."""


class StoreError(LacgraphError):
    """A store could not be read or written."""


class StoreUnavailable(StoreError):
    """The store cannot be reached at all (e.g. the Bolt server is down)."""


class StaleWrite(StoreError):
    """A change whose basis (the rows it edits) changed since it was read; nothing written.

    ``current`` maps each row the change named to what is stored now: ``"ties"`` maps a
    tie key ``(source, target, kind, start)`` and ``"nodes"`` an id to the stored row as
    text (``None`` when it is not stored any more).
    """

    def __init__(self, message: str, current: dict[str, dict[Any, Any]] | None = None):
        super().__init__(message)
        self.current = current or {"ties": {}, "nodes": {}}


class AlreadySubmitted(StoreError):
    """A one-time form token that was already used: the change is not made again."""


class ErasedId(StoreError):
    """A write that would bring back an erased person; nothing written."""


class KeyMismatch(StoreError):
    """A load, erasure or import run with another pseudonym key than the store's."""


class QueryError(LacgraphError):
    """A question that cannot be answered as asked (e.g. a bad date or option)."""
