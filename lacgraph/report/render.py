"""Fill the report template (Jinja2, autoescaped) and print it to PDF with headless Chromium.

The HTML is one self-contained file: inline CSS, inline SVG charts, no script and no
reference to anything outside it, so it opens offline and prints the same anywhere.

Examples
--------
>>> from lacgraph.network import Network
>>> from lacgraph.synthetic import programme
>>> from lacgraph.report.content import report_content
>>> html = render_html(report_content(Network.from_tables(programme(400, seed=3)), months=6))
>>> html.startswith("<!doctype html>"), "<script" in html
(True, False)
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from lacgraph.analysis.clusters import NO_NEIGHBOURHOOD
from lacgraph.errors import LacgraphError
from lacgraph.i18n import DEFAULT, N_, _, babel_locale, check_language, language, translations
from lacgraph.i18n import use_language as _use_language
from lacgraph.privacy import suppress
from lacgraph.report import charts
from lacgraph.report.cells import p_phrase
from lacgraph.report.content import ReportContent
from lacgraph.tables import format_long_date

CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium: the only browser the PDF is printed with (never a downloaded build)."""

TEAM_COPY = N_("Team copy \u2014 not for circulation: contains unsuppressed small numbers")

TITLE = N_("Local Area Coordination: personal networks report")
"""The report's title (in the report's language)."""

HTML_LANG = {"en": "en-GB", "cy": "cy"}
"""The ``lang`` of the report's ``<html>`` in each language."""


class ChromiumUnavailable(LacgraphError):
    """The PDF cannot be printed: headless Chromium (or playwright) is not available here."""


def _environment(lang: str = DEFAULT) -> Environment:
    env = Environment(loader=PackageLoader("lacgraph.report", "templates"),
                      autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    catalogue = translations(lang)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=catalogue.gettext, ngettext=catalogue.ngettext, newstyle=True)
    env.filters["long_date"] = format_long_date
    env.filters["month"] = _short_month
    env.globals["p_phrase"] = p_phrase
    env.filters["ordinal"] = ordinal
    env.filters["place"] = lambda ward: _("(none)") if ward == NO_NEIGHBOURHOOD else ward
    return env


def _short_month(day: object) -> str:
    """A month end as a table column heading, the month's short name from Babel in the
    report's language: ``Dec 2024`` (``Sept 2024`` in British English), ``Rhag 2024``."""
    d = dt.date.fromisoformat(str(day)[:10])
    from babel.dates import format_date

    return str(format_date(d, format="LLL y", locale=babel_locale()))


def ordinal(n: int) -> str:
    """``182`` → ``"182nd"`` (in Welsh the number itself: the sentence says "diwrnod 182").

    Examples
    --------
    >>> [ordinal(k) for k in (1, 2, 3, 4, 11, 12, 13, 21, 182, 273)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '182nd', '273rd']
    """
    n = int(n)
    if language() != DEFAULT:
        return str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def report_charts(R: ReportContent) -> dict[str, Any]:
    """Draw the report's charts from its content (none for a group of 1-7 people)."""
    from lacgraph.viz.growth import settle_imports

    settle_imports()
    count = (lambda n: suppress(n)) if R.suppressed else int  # noqa: E731
    out: dict[str, Any] = {}
    if not R.change["hide"]:
        out["change"] = charts.change_bars(R.growth.people["change"].to_numpy(), count)
        out["shift"] = charts.shift_chart(R.growth, suppress if R.suppressed else None)
    if not R.retention["hide"]:
        out["retention"] = charts.retention_chart(
            R.frames["retention_curve"], count, R.method["up_to"] if R.suppressed else 0,
            R.method["retention_days"])
    if any(w["natural"].value not in (None, "*") for w in R.wave_rows):  # a wave big enough
        out["categories"] = charts.categories_chart(
            R.frames["waves"], R.method["min_group"])
    spark: dict[tuple[str, str], Any] = {}
    for row in R.timeline["rows"]:
        for column, series in row["series"].items():
            spark[(row["name"], column)] = charts.sparkline(
                [c.value for c in series["cells"]],
                label=_(SPARK_LABELS[column], name=row["name"]))
    out["spark"] = spark
    return out


SPARK_LABELS = {
    "isolated": N_("%(name)s: isolated month by month"),
    "at_risk": N_("%(name)s: at risk month by month"),
    "isolated_clusters": N_("%(name)s: isolated clusters month by month"),
}
"""The text alternative of each neighbourhood sparkline."""


def render_html(R: ReportContent, *, title: str | None = None) -> str:
    """Return the report as one self-contained HTML page in the language its content was
    worded in (``report_content(..., lang="cy")``: ``<html lang="cy">``, Welsh words and
    Babel's Welsh month names; the numbers are the same in both languages)."""
    lang = check_language(R.lang)
    with _use_language(lang):
        template = _environment(lang).get_template("report.html")
        return template.render(R=R, charts=report_charts(R), title=title or _(TITLE),
                               team_copy=None if R.suppressed else _(TEAM_COPY),
                               made=format_long_date(dt.date.today()), html_lang=HTML_LANG[lang],
                               page_of_pages=page_of_pages(), css_string=css_string)


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (for the printed pages' margin boxes; no ``<``, so
    it cannot end the ``<style>`` element).

    Examples
    --------
    >>> css_string('Say "hi"')
    '"Say \\\\"hi\\\\""'
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{escaped}"'


def page_of_pages() -> str:
    """The printed page number in the current language, as CSS ``content``.

    Examples
    --------
    >>> page_of_pages()
    '"Page " counter(page) " of " counter(pages)'
    """
    counters = {"\x00": "counter(page)", "\x01": "counter(pages)"}
    words = _("Page %(page)s of %(pages)s", page="\x00", pages="\x01")
    return " ".join(counters.get(piece) or css_string(piece)
                    for piece in re.split("([\x00\x01])", words) if piece)


def write_html(R: ReportContent, path: str | os.PathLike[str]) -> Path:
    """Write the report to ``path`` (UTF-8) and return the path."""
    out = Path(path)
    out.write_text(render_html(R), encoding="utf-8")
    return out


def chromium_problem() -> str | None:
    """Say why the PDF cannot be printed here, or ``None`` when it can."""
    if not os.access(CHROMIUM, os.X_OK):
        return (f"Chromium is not available ({CHROMIUM} not found): the HTML report was "
                "written, but no PDF. Install Debian's chromium package, or open the HTML "
                "in a browser and print it to PDF.")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("The Python package playwright is not installed: the HTML report was "
                f"written, but no PDF. Install it with: {install_command()}")
    return None


def install_command() -> str:
    """The one command that installs what ``--pdf`` needs into this lacgraph's Python.

    In a source folder (a clone, with its Makefile) that is ``make install``, which
    installs ``requirements-run.lock`` (playwright included) into ``.venv``; elsewhere the
    running Python's pip.

    Examples
    --------
    >>> "playwright" in install_command() or install_command().startswith("cd ")
    True
    """
    import shlex
    import sys

    root = Path(__file__).resolve().parents[2]
    if (root / "Makefile").is_file() and (root / "requirements-run.lock").is_file():
        return f"cd {shlex.quote(str(root))} && make install"
    return f"{shlex.quote(sys.executable)} -m pip install playwright"


def print_pdf(html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str]) -> Path:
    """Print the HTML report to an A4 PDF with headless Chromium, fetching nothing.

    Raises :class:`ChromiumUnavailable` (saying what to do) when Chromium is not here.
    """
    problem = chromium_problem()
    if problem:
        raise ChromiumUnavailable(problem)
    from playwright.sync_api import Error, sync_playwright

    source = Path(html_path).resolve()
    target = Path(pdf_path)
    try:
        _print(sync_playwright, source, target)
    except Error as err:
        raise ChromiumUnavailable(f"Chromium ({CHROMIUM}) could not print the PDF: "
                                  f"{err.message.splitlines()[0].rstrip('.')}. The HTML report was "
                                  "written; open it in a browser and print it to PDF.") from err
    return target


CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run")


def _print(sync_playwright: Any, source: Path, target: Path) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_()
                       if route.request.url == source.as_uri() else route.abort())
            page.goto(source.as_uri(), wait_until="load")
            page.emulate_media(media="print")
            # tagged (headings, tables and figures' text alternatives reach screen readers)
            # and with an outline from the headings (the PDF's bookmarks)
            page.pdf(path=str(target), format="A4", print_background=True,
                     display_header_footer=False, prefer_css_page_size=True,
                     tagged=True, outline=True)
        finally:
            browser.close()
