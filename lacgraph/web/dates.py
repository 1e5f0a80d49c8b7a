"""Dates as people read and type them: the GOV.UK day / month / year input and UK dates.

:func:`read_date_input` reads the three boxes of the ``_date_input.html`` macro
(``NAME-day``, ``NAME-month``, ``NAME-year``) into a date, or into one plain-English error
message as the GOV.UK Design System words them ("Date must include a month", "Date must be
a real date"). :func:`uk_date` writes a date the UK way ("31 December 2024") through Babel,
so the Welsh pages only change the locale. Every message is one whole sentence with named
placeholders, ready for ``_()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from lacgraph.i18n import N_, _, babel_locale, long_date_in

PARTS = ("day", "month", "year")

_MISSING = {
    ("day",): N_("%(label)s must include a day"),
    ("month",): N_("%(label)s must include a month"),
    ("year",): N_("%(label)s must include a year"),
    ("day", "month"): N_("%(label)s must include a day and month"),
    ("day", "year"): N_("%(label)s must include a day and year"),
    ("month", "year"): N_("%(label)s must include a month and year"),
}
_EMPTY = N_("Enter %(label_lower)s")
_NOT_REAL = N_("%(label)s must be a real date")
_YEAR = N_("Year must include 4 numbers")
_RANGE = N_("%(label)s must be between the years 1900 and 2100")


def uk_date(value: object, locale: str | None = None) -> str:
    """Return a date written the UK way ("31 December 2024"), or ``""`` for no date.

    Parameters
    ----------
    value : date, datetime, numpy or pandas date, or ISO text
        The day to write; ``None``, ``NaT`` and ``""`` give ``""``.
    locale : str, optional
        The Babel locale (default: the page's language, ``en_GB`` or ``cy_GB``).

    Examples
    --------
    >>> uk_date("2024-12-31"), uk_date(np.datetime64("2024-08-07")), uk_date(None)
    ('31 December 2024', '7 August 2024', '')
    """
    day = as_day(value)
    if day is None:
        return ""
    return long_date_in(day, locale or babel_locale())


def as_day(value: object) -> dt.date | None:
    """Return ``value`` as a :class:`datetime.date`, or ``None`` when it holds no date.

    Examples
    --------
    >>> as_day("2024-02-29"), as_day(pd.Timestamp("2024-03-01 10:00")), as_day("")
    (datetime.date(2024, 2, 29), datetime.date(2024, 3, 1), None)
    >>> as_day(pd.NaT) is None
    True
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) and pd.isna(value):  # before datetime: NaT is one
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(np.datetime64(value, "D"))  # type: ignore[call-overload]  # any date-like
    return dt.date.fromisoformat(text)


def date_parts(value: object) -> dict[str, str]:
    """Return the day, month and year boxes' text for a date (empty for no date).

    Examples
    --------
    >>> date_parts("2024-03-07")
    {'day': '7', 'month': '3', 'year': '2024'}
    >>> date_parts(None)
    {'day': '', 'month': '', 'year': ''}
    """
    day = as_day(value)
    if day is None:
        return dict.fromkeys(PARTS, "")
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def typed_parts(form: Mapping[str, str], name: str) -> dict[str, str]:
    """Return the text typed in the boxes ``name-day``, ``name-month``, ``name-year`` (to
    show it again with an error), or a date sent as one field ``name`` split into them.

    Examples
    --------
    >>> typed_parts({"start-day": "31", "start-month": "2", "start-year": "2024"}, "start")
    {'day': '31', 'month': '2', 'year': '2024'}
    >>> typed_parts({"start": "2024-03-07"}, "start")
    {'day': '7', 'month': '3', 'year': '2024'}
    """
    values = {part: str(form.get(f"{name}-{part}", "") or "") for part in PARTS}
    if any(v.strip() for v in values.values()):
        return values
    day, _message = read_date_input(form, name)
    return date_parts(day) if day is not None else values


def first_wrong_part(form: Mapping[str, str], name: str) -> str:
    """Return the box an error summary links to for the date typed in ``name``'s boxes (the
    first one left empty or not a whole number; the year when it is not 4 numbers or out
    of range; else the day), as the GOV.UK error pattern asks.

    Examples
    --------
    >>> first_wrong_part({"at-day": "31", "at-month": "", "at-year": "2024"}, "at")
    'month'
    >>> first_wrong_part({"at-day": "31", "at-month": "2", "at-year": "24"}, "at")
    'year'
    >>> first_wrong_part({"at-day": "31", "at-month": "2", "at-year": "2024"}, "at")
    'day'
    """
    values = {part: str(form.get(f"{name}-{part}", "") or "").strip() for part in PARTS}
    if any(values.values()):
        for part in PARTS:
            if not values[part].isdigit():
                return part
        if len(values["year"]) != 4 or not 1900 <= int(values["year"]) <= 2100:
            return "year"
    return "day"


def read_date_input(form: Mapping[str, str], name: str, *, label: str | None = None,
                    required: bool = False) -> tuple[dt.date | None, str | None]:
    """Read the date typed in the ``date_input`` macro's three boxes called ``name``.

    Also reads one field ``name`` (``2024-12-31`` or ``31/12/2024``) when none of the three
    boxes was sent, so links written before the boxes keep working.

    Parameters
    ----------
    form : mapping
        ``request.form`` or ``request.args``.
    name : str
        The macro's ``name`` (the boxes are ``name-day``, ``name-month``, ``name-year``).
    label : str, optional
        What the date is, as the error messages start ("Date", "Date of the review"), in
        the current language (default: "Date" in it).
    required : bool
        Whether nothing typed is an error ("Enter date"); else it gives ``(None, None)``.

    Returns
    -------
    (date or None, message or None)
        The date when it is real, or the error message to show by the boxes.

    Examples
    --------
    >>> read_date_input({"at-day": "31", "at-month": "12", "at-year": "2024"}, "at")
    (datetime.date(2024, 12, 31), None)
    >>> read_date_input({"at-day": "31", "at-month": "", "at-year": "2024"}, "at")
    (None, 'Date must include a month')
    >>> read_date_input({"at-day": "31", "at-month": "2", "at-year": "2024"}, "at")
    (None, 'Date must be a real date')
    >>> read_date_input({}, "at"), read_date_input({"at": "2024-06-30"}, "at")
    ((None, None), (datetime.date(2024, 6, 30), None))
    """
    values = {part: str(form.get(f"{name}-{part}", "") or "").strip() for part in PARTS}
    label = _("Date") if label is None else label
    names = {"label": label, "label_lower": label[:1].lower() + label[1:]}
    if not any(values.values()):
        single = str(form.get(name, "") or "").strip()
        if single:
            return _read_single(single, names)
        return (None, _(_EMPTY, **names)) if required else (None, None)
    missing = tuple(part for part in PARTS if not values[part])
    if missing:
        return None, _(_MISSING[missing], **names)
    if not all(v.isdigit() for v in values.values()):
        return None, _(_NOT_REAL, **names)
    if len(values["year"]) != 4:
        return None, _(_YEAR, **names)
    year = int(values["year"])
    if not 1900 <= year <= 2100:
        return None, _(_RANGE, **names)
    try:
        return dt.date(year, int(values["month"]), int(values["day"])), None
    except ValueError:
        return None, _(_NOT_REAL, **names)


def query_date(args: Mapping[str, str], name: str, *, label: str | None = None) -> str | None:
    """The date asked for in a GET form's boxes ``name-day`` … (or its one field ``name``)
    as text for :meth:`lacgraph.web.context.Programme.day`; ``None`` when empty. The one
    field of a link is handed over as it is (``Programme.day`` says what is wrong with it).

    A mistake raises :class:`~lacgraph.errors.QueryError` with the GOV.UK message.

    Examples
    --------
    >>> query_date({"at-day": "1", "at-month": "5", "at-year": "2024"}, "at")
    '2024-05-01'
    >>> query_date({"at": "31/05/2024"}, "at"), query_date({}, "at")
    ('31/05/2024', None)
    """
    from lacgraph.errors import QueryError

    if not any(str(args.get(f"{name}-{part}", "") or "").strip() for part in PARTS):
        return str(args.get(name, "") or "").strip() or None  # a link's date: read as ever
    value, message = read_date_input(args, name, label=label)
    if message:
        raise QueryError(message)
    return None if value is None else value.isoformat()


def _read_single(text: str, names: Mapping[str, str]) -> tuple[dt.date | None, str | None]:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date(), None
        except ValueError:
            continue
    return None, _(_NOT_REAL, **names)
