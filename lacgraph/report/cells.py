"""The numbers of the council report as cells: each with a stable key, the value shown and
its text, made by :class:`Numbers` in the team's exact copy or, for a copy leaving the team,
through the one disclosure rule (:mod:`lacgraph.disclosure`) and small-number suppression
(:func:`lacgraph.privacy.suppress`).

Examples
--------
>>> N = Numbers(suppressed=True)
>>> N.count("cohort.n", 3).text, N.count("cohort.m", 212).text, N.share("s", 1, 2).text
('*', '210', '*')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from lacgraph.disclosure import MIN_GROUP, WITHHELD, one_decimal, p_band, percent
from lacgraph.disclosure import share as disclosed_share
from lacgraph.disclosure import text as disclosed_text
from lacgraph.privacy import ROUND_TO, SUPPRESS_UP_TO, suppress

MISSING = "\u2014"  # an em dash: withheld, or not applicable


# -- cells -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    """One number of the report: its key, the value shown (``"*"``, ``None``) and its text."""

    key: str
    value: Any
    text: str

    def __str__(self) -> str:
        return self.text


def _count_text(value: Any) -> str:
    if value is None:
        return MISSING
    if value == "*":
        return "*"
    return f"{int(value):,}"


def _fixed(value: float | None, digits: int = 2, *, sign: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text = f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"
    return text.replace("-", "\u2212")


def _p_text(p: float | None) -> str:
    if p is None:
        return MISSING
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def p_phrase(cell: Cell) -> str:
    """``"p < 0.001"`` or ``"p = 0.034"`` for a sentence (the number itself is the cell's)."""
    return "p" if cell.text.startswith("<") else "p ="


def _share_text(share: float | None) -> str:
    return MISSING if share is None else f"{share:.0%}"


class Numbers:
    """Make cells, applying the small-number rule when ``suppressed``."""

    def __init__(self, suppressed: bool, up_to: int = SUPPRESS_UP_TO, base: int = ROUND_TO):
        self.suppressed = suppressed
        self.up_to = up_to
        self.base = base
        self.cells: dict[str, Cell] = {}

    def _add(self, key: str, value: Any, text: str) -> Cell:
        if key in self.cells:
            raise ValueError(f"report key {key!r} used twice")
        cell = Cell(key, value, text)
        self.cells[key] = cell
        return cell

    def shown(self, n: int) -> int | str:
        """A count as it is shown (suppressed or exact)."""
        return suppress(n, up_to=self.up_to, base=self.base) if self.suppressed else int(n)

    def small(self, n: int) -> bool:
        """Whether a group of ``n`` people is too small for statistics in this copy."""
        return self.suppressed and 0 < int(n) < MIN_GROUP

    def count(self, key: str, n: int | str | None, *, shown: bool = False) -> Cell:
        """A count; ``shown`` when ``n`` is already suppressed (as ``for_export`` gives)."""
        value = n if (shown or n is None) else self.shown(int(n))
        if value not in (None, "*"):
            value = int(value)
        return self._add(key, value, _count_text(value))

    def share(self, key: str, part: int, whole: int) -> Cell:
        """``part / whole`` from the exact counts: in a copy leaving the team as
        :func:`lacgraph.disclosure.share` shows it (whole percent, a band, or ``*``)."""
        if not whole:
            return self._add(key, None, MISSING)
        if self.suppressed:
            shown = disclosed_share(part, whole, up_to=self.up_to, base=self.base)
            return self._add(key, shown, disclosed_text(shown))
        return self._add(key, part / whole, _share_text(part / whole))

    def published(self, key: str, value: Any) -> Cell:
        """A figure already through :func:`lacgraph.disclosure.disclose` (``None``: none)."""
        return self._add(key, value, MISSING if value is None else disclosed_text(value))

    def stat(self, key: str, value: float | None, kind: str = "fixed", *,
             withheld: bool = False) -> Cell:
        """A mean, median, p value or effect size (``None`` when withheld)."""
        if withheld and self.suppressed:
            return self._add(key, WITHHELD, WITHHELD)
        if withheld or value is None or (isinstance(value, float) and math.isnan(value)):
            return self._add(key, None, MISSING)
        value = float(value)
        if self.suppressed:  # the rule of lacgraph.disclosure
            shown = {"p": p_band, "share": percent}.get(kind, one_decimal)(value)
            return self._add(key, shown, disclosed_text(shown))
        text = {"fixed": _fixed(value), "signed": _fixed(value, sign=True),
                "p": _p_text(value), "r": _fixed(value), "share": _share_text(value)}[kind]
        return self._add(key, value, text)

    def text(self, key: str, value: str) -> Cell:
        """A date or a word that tests may still want to find."""
        return self._add(key, value, value)
