"""The languages people read lacgraph in: English and Welsh (Cymraeg).

Every sentence a person reads is one gettext message with named placeholders, looked up in
the catalogue of the current language (``lacgraph/locale/cy/LC_MESSAGES/messages.po``,
compiled to ``messages.mo``; English is the source language and needs no catalogue).
Plural forms follow Babel's CLDR rules (Welsh has six: zero, one, two, few, many, other),
and dates and month names come from Babel's locale data, never ``strftime``.

The current language is a context variable: the web app sets it for each request (from the
``lang`` query, the session, the account's preference or ``Accept-Language``), and the
command line for one command (``--lang``), with :func:`use_language`. Code that writes
words for people calls :func:`_`, :func:`ngettext` and :func:`long_date`, wherever it is.

May import: nothing from lacgraph (it is the lowest room; Babel is imported on first use).

Examples
--------
>>> _("Log in"), long_date("2024-12-31")
('Log in', '31 December 2024')
>>> with use_language("cy"):
...     _("Log in"), long_date("2024-12-31")
('Mewngofnodi', '31 Rhagfyr 2024')
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

LANGUAGES = ("en", "cy")
"""The languages lacgraph speaks: English (the source language) and Welsh."""

DEFAULT = "en"

NAMES = {"en": "English", "cy": "Cymraeg"}
"""Each language's name in itself (the language link shows the other one's)."""

BABEL_LOCALES = {"en": "en_GB", "cy": "cy_GB"}
"""The Babel locale of each language (dates, month and day names, plural rules)."""

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("lacgraph_language", default=DEFAULT)


def check_language(lang: object) -> str:
    """Return ``lang`` as one of :data:`LANGUAGES`, or raise ``ValueError`` saying which.

    Examples
    --------
    >>> check_language("CY")
    'cy'
    >>> check_language("fr")
    Traceback (most recent call last):
    ...
    ValueError: 'fr' is not a language lacgraph speaks; expected one of en, cy
    """
    text = str(lang or "").strip().lower().replace("_", "-")
    base = text.split("-")[0]
    if base not in LANGUAGES:
        raise ValueError(f"{lang!r} is not a language lacgraph speaks; "
                         f"expected one of {', '.join(LANGUAGES)}")
    return base


def language() -> str:
    """The current language (``"en"`` unless :func:`use_language` or a request set it)."""
    return _current.get()


@contextmanager
def use_language(lang: str | None) -> Iterator[str]:
    """Speak ``lang`` inside the ``with`` block (``None`` keeps the current language)."""
    chosen = check_language(lang) if lang else language()
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def set_language(lang: str) -> object:
    """Set the current language until :func:`reset_language` (the web app, per request)."""
    return _current.set(check_language(lang))


def reset_language(token: object) -> None:
    """Undo one :func:`set_language`."""
    _current.reset(token)  # type: ignore[arg-type]


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English: the messages as written)."""
    if check_language(lang) == DEFAULT:
        return gettext.NullTranslations()
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def _(message: str, **values: object) -> str:
    """Return ``message`` in the current language, its ``%(name)s`` placeholders filled.

    Examples
    --------
    >>> _("Introduced by %(name)s on %(date)s", name="Dafydd", date="1 May 2024")
    'Introduced by Dafydd on 1 May 2024'
    """
    text = translations(language()).gettext(message)
    return text % values if values else text


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue where it is written; :func:`_` translates it
    where it is shown (for tables of messages defined once, e.g. the error pages').

    Examples
    --------
    >>> N_("Please log in.")
    'Please log in.'
    """
    return message


def ngettext(singular: str, plural: str, num: int, **values: object) -> str:
    """Return the plural form for ``num`` in the current language (``%(num)d`` is ``num``).

    Examples
    --------
    >>> ngettext("%(num)d person", "%(num)d people", 1), ngettext("%(num)d person", "%(num)d people", 3)
    ('1 person', '3 people')
    """
    text = translations(language()).ngettext(singular, plural, num)
    return text % {"num": num, **values}


def babel_locale(lang: str | None = None) -> str:
    """The Babel locale of ``lang`` (default: the current language)."""
    return BABEL_LOCALES[check_language(lang) if lang else language()]


def as_date(value: object) -> dt.date | None:
    """``value`` (a date, a datetime, ISO text or a numpy/pandas day) as a date, or ``None``.

    Examples
    --------
    >>> as_date("2024-02-29"), as_date(None), as_date("NaT")
    (datetime.date(2024, 2, 29), None, None)
    """
    if isinstance(value, dt.datetime):
        return value.date() if value == value else None  # pandas' NaT equals nothing
    if isinstance(value, dt.date):
        return value
    text = "" if value is None else str(value).strip()
    if text in ("", "NaT", "nan", "None", "<NA>"):
        return None
    return dt.date.fromisoformat(text[:10])


def long_date(value: object, lang: str | None = None) -> str:
    """Write a day as people do in the language ("31 December 2024", "31 Rhagfyr 2024").

    Examples
    --------
    >>> long_date(dt.date(2024, 8, 7)), long_date(dt.date(2024, 8, 7), "cy"), long_date(None)
    ('7 August 2024', '7 Awst 2024', '')
    """
    day = as_date(value)
    if day is None:
        return ""
    return long_date_in(day, babel_locale(lang))


def long_iso_date(text: str) -> str:
    """:func:`long_date` of an ISO day (``YYYY-MM-DD``, or ``""``) in the current language,
    kept per day and language: a person's first view writes dozens.

    Examples
    --------
    >>> long_iso_date("2024-08-07"), long_iso_date("")
    ('7 August 2024', '')
    """
    return _long_iso_in(text, babel_locale())


@functools.lru_cache(maxsize=8192)
def _long_iso_in(text: str, locale: str) -> str:
    day = as_date(text)
    return "" if day is None else long_date_in(day, locale)


@functools.lru_cache(maxsize=8192)
def long_date_in(day: dt.date, locale: str) -> str:
    """One day written out in one Babel locale (``en_GB``, ``cy_GB``), kept: a person page
    writes dozens of dates, and Babel takes a tenth of a millisecond for each.

    Examples
    --------
    >>> long_date_in(dt.date(2024, 8, 7), "cy_GB")
    '7 Awst 2024'
    """
    from babel.dates import format_date

    return str(format_date(day, format="d MMMM y", locale=locale))


def month_year(value: object, lang: str | None = None) -> str:
    """Write a month as people do ("December 2024", "Rhagfyr 2024").

    Examples
    --------
    >>> month_year(dt.date(2024, 12, 31)), month_year(dt.date(2024, 12, 31), "cy")
    ('December 2024', 'Rhagfyr 2024')
    """
    day = as_date(value)
    if day is None:
        return ""
    from babel.dates import format_date

    return str(format_date(day, format="LLLL y", locale=babel_locale(lang)))


def other_language(lang: str | None = None) -> str:
    """The language the language link offers (Welsh on English pages and back)."""
    return "cy" if (lang or language()) == "en" else "en"
