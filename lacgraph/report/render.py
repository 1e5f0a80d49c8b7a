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
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from lacgraph.errors import LacgraphError
from lacgraph.privacy import suppress
from lacgraph.report import charts
from lacgraph.report.content import ReportContent, p_phrase
from lacgraph.tables import format_long_date

CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium: the only browser the PDF is printed with (never a downloaded build)."""

TEAM_COPY = "Team copy \u2014 not for circulation: contains unsuppressed small numbers"


class ChromiumUnavailable(LacgraphError):
    """The PDF cannot be printed: headless Chromium (or playwright) is not available here."""


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("lacgraph.report", "templates"),
                      autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["long_date"] = format_long_date
    env.filters["month"] = lambda d: dt.date.fromisoformat(str(d)[:10]).strftime("%b %Y")
    env.globals["p_phrase"] = p_phrase
    env.filters["ordinal"] = ordinal
    return env


def ordinal(n: int) -> str:
    """``182`` → ``"182nd"``.

    Examples
    --------
    >>> [ordinal(k) for k in (1, 2, 3, 4, 11, 12, 13, 21, 182, 273)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '182nd', '273rd']
    """
    n = int(n)
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
                label=f"{row['name']}: {column.replace('_', ' ')} month by month")
    out["spark"] = spark
    return out


def render_html(R: ReportContent, *, title: str = "Local Area Coordination: "
                "personal networks report") -> str:
    """Return the report as one self-contained HTML page."""
    template = _environment().get_template("report.html")
    return template.render(R=R, charts=report_charts(R), title=title,
                           team_copy=None if R.suppressed else TEAM_COPY,
                           made=format_long_date(dt.date.today()))


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
