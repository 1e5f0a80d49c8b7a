"""The evaluator's growth window, read from the /growth form: problems shown on the form.

A window that leaves the team is made of month ends (DESIGN.md, "Exports beyond the team"),
so the form asks for months, not days: *months after introduction* (a personal window), or a
*from* month and a *to* month (a fixed window from the end of one month to the end of the
other). The reporting date is the last month end on or before the data's last date, so no
figure moves from one day to the next. Older links with ``from``/``to`` dates still work:
each date is taken back to the month end on or before it, and the page says so.

:func:`read_window` never raises for what a person typed: it returns a :class:`WindowForm`
whose ``problems`` (field id + message in staff words) the page shows in a GOV.UK error
summary and beside the fields, with what was typed kept. The month and year fields are a
plain pair of inputs per date (``from-month``, ``from-year``), easy to swap for the shared
GOV.UK date-input macro.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lacgraph.disclosure import month_end_on_or_before
from lacgraph.errors import QueryError
from lacgraph.i18n import N_, _, month_year
from lacgraph.tables import format_long_date, parse_user_date

FIELDS = ("months", "from-month", "from-year", "to-month", "to-year")
"""The form's fields (query-string names)."""

DEFAULT_MONTHS = 6


@dataclass
class Problem:
    """One thing to fix: the field to go to and what to do, in staff words."""

    field: str
    message: str


@dataclass
class WindowForm:
    """What was typed, what is wrong with it, and the window it gives when nothing is."""

    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    window: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def error(self, name: str) -> str | None:
        """The message for field ``name`` (the first, if several)."""
        return next((p.message for p in self.problems if p.field == name), None)

    def query(self) -> dict[str, str]:
        """The query string that asks for this window again (for links and downloads)."""
        return {k: v for k, v in self.values.items() if v}

    def words(self) -> str:
        """The window in words for the page, in the current language."""
        if "months" in self.window:
            return _("%(months)s months after each person's introduction",
                     months=self.window["months"])
        return _("from %(start)s to %(end)s", start=format_long_date(self.window["start"]),
                 end=format_long_date(self.window["end"]))

    def describe(self) -> str:
        """The window in words (English, for the audit log and the JSON download)."""
        if "months" in self.window:
            return f"{self.window['months']} months after each person's introduction"
        return (f"from {format_long_date(self.window['start'])} to "
                f"{format_long_date(self.window['end'])}")


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _month_words(day: dt.date) -> str:
    """``"November 2024"`` (the month of a date, in the current language, from Babel)."""
    return month_year(day)


MESSAGES: dict[tuple[str, str], str] = {
    ("from", "no month"): N_("Enter the month the window starts"),
    ("to", "no month"): N_("Enter the month the window ends"),
    ("from", "no year"): N_("Enter the year the window starts"),
    ("to", "no year"): N_("Enter the year the window ends"),
    ("from", "bad month"): N_("The month the window starts must be a number from 1 to 12"),
    ("to", "bad month"): N_("The month the window ends must be a number from 1 to 12"),
    ("from", "bad year"): N_("The year the window starts must have 4 digits, like 2024"),
    ("to", "bad year"): N_("The year the window ends must have 4 digits, like 2024"),
    ("from", "no date"): N_("Enter the month and year the window starts"),
    ("to", "no date"): N_("Enter the month and year the window ends"),
}
"""Each problem with a month field, one whole sentence for each end of the window."""


def _month_year(values: dict[str, str], prefix: str,
                problems: list[Problem]) -> dt.date | None:
    month, year = values[f"{prefix}-month"], values[f"{prefix}-year"]
    if not month and not year:
        return None
    if not month:
        problems.append(Problem(f"{prefix}-month", _(MESSAGES[prefix, "no month"])))
        return None
    if not year:
        problems.append(Problem(f"{prefix}-year", _(MESSAGES[prefix, "no year"])))
        return None
    if not month.isdigit() or not 1 <= int(month) <= 12:
        problems.append(Problem(f"{prefix}-month", _(MESSAGES[prefix, "bad month"])))
        return None
    if not year.isdigit() or len(year) != 4 or not 1900 <= int(year) <= 2100:
        problems.append(Problem(f"{prefix}-year", _(MESSAGES[prefix, "bad year"])))
        return None
    return _month_end(int(year), int(month))


def _legacy(values: dict[str, str], args: Mapping[str, str], notes: list[str],
            problems: list[Problem]) -> None:
    """``from``/``to`` dates of older links become month/year fields (month ends)."""
    for name in ("from", "to"):
        typed = (args.get(name) or "").strip()
        if not typed:
            continue
        try:
            day = parse_user_date(typed[:20])
        except QueryError:  # said on the form instead
            problems.append(Problem(f"{name}-month", _(MESSAGES[name, "no date"])))
            continue
        end = month_end_on_or_before(day)
        if str(end) != str(day):
            notes.append(_("Windows are month ends: %(day)s is shown as %(end)s.",
                           day=format_long_date(day), end=format_long_date(end)))
        values[f"{name}-month"], values[f"{name}-year"] = str(end.month), str(end.year)


def read_window(args: Mapping[str, str], last_date: Any, first_date: Any = None
                ) -> WindowForm:
    """Read the growth window from the form's fields (see the module docstring).

    Examples
    --------
    >>> f = read_window({"from-month": "3", "from-year": "2024", "to-month": "9",
    ...                  "to-year": "2024"}, "2024-12-15")
    >>> f.problems, f.window
    ([], {'start': '2024-03-31', 'end': '2024-09-30', 'as_of': '2024-11-30'})
    >>> f = read_window({"months": "6", "to-month": "9", "to-year": "2024"}, "2024-12-15")
    >>> [p.field for p in f.problems], f.values["months"]
    (['months', 'from-month'], '6')
    """
    values = {name: (args.get(name) or "").strip()[:12] for name in FIELDS}
    form = WindowForm(values)
    _legacy(values, args, form.notes, form.problems)
    as_of = month_end_on_or_before(str(np.datetime64(str(last_date)[:10], "D")))
    start = _month_year(values, "from", form.problems)
    end = _month_year(values, "to", form.problems)
    fixed = any(values[f] for f in FIELDS[1:])
    months = values["months"]
    both = bool(months and fixed)
    if both:  # said, and the dates still checked, so every problem shows at once
        form.problems.insert(0, Problem("months", _("Choose either months after introduction "
                                                    "or a from and to month, not both")))
    if form.problems and not both:
        return form
    if fixed:
        said = {p.field.split("-")[0] for p in form.problems}
        if start is None and "from" not in said:
            form.problems.append(Problem("from-month", _(MESSAGES["from", "no date"])))
        if end is None and "to" not in said:
            form.problems.append(Problem("to-month", _(MESSAGES["to", "no date"])))
        if start is not None and end is not None:
            if end <= start:
                form.problems.append(Problem("to-month", _(
                    "The window must end after it starts: choose a later month to end it")))
            elif end > as_of:
                form.problems.append(Problem("to-month", _(
                    "The data is complete up to %(date)s: choose %(month)s or earlier to end "
                    "the window", date=format_long_date(as_of), month=_month_words(as_of))))
        if not form.problems:
            assert start is not None and end is not None
            form.window = {"start": str(start), "end": str(end), "as_of": str(as_of)}
        return form
    if months and (not months.isdigit() or not 1 <= int(months) <= 120):
        form.problems.append(Problem("months", _("Enter the number of months as a whole "
                                                 "number from 1 to 120, like 6")))
        return form
    form.window = {"months": int(months or DEFAULT_MONTHS), "as_of": str(as_of)}
    return form
