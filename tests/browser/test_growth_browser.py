"""Issue 25 items 5, 6, 10 on /growth and issue 28's report, in Chromium: the page fits 320 px
with no sideways scroll and fits its width at 800-1280 px, axe finds nothing (with figures,
and with form errors), the error summary is shown on the form; the report does not scroll
sideways at 320 px."""

from __future__ import annotations

from pathlib import Path

import pytest

from lacgraph.network import Network
from lacgraph.privacy import Pseudonymiser
from lacgraph.synthetic import programme
from lacgraph.web import AppDB, create_app
from tests.browser.conftest import LiveServer, log_in, serving
from tests.browser.test_person_page import AXE, _axe
from tests.web.fixtures import PASSWORD, QUICK_HASHER


@pytest.fixture(scope="module")
def growth_server(tmp_path_factory):
    """A programme whose 3-month cohort is 47 people (figures, charts and group tables)."""
    db = AppDB(tmp_path_factory.mktemp("growth-browser") / "app.sqlite", hasher=QUICK_HASHER)
    db.add_user("eve", "evaluator", PASSWORD)
    app = create_app(Network.from_tables(programme(400, seed=5)), db,
                     pseudonymiser=Pseudonymiser(b"browser key"))
    with serving(app) as base:
        yield LiveServer(base, db)


def _widths(page) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("width", [320, 800, 1024, 1280])
def test_growth_fits_its_width(browser, growth_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = log_in(context, growth_server, "eve")
        page.goto(growth_server.url("/growth?months=3"))
        assert page.locator("table.figures").count() >= 1
        assert page.locator("table.groups").count() == 2
        scroll, inner = _widths(page)
        assert scroll <= inner, f"/growth is {scroll} px wide at {width} px"
    finally:
        context.close()


def test_growth_has_no_axe_violations_and_errors_stay_on_the_form(browser, growth_server):
    assert AXE.exists(), "axe-core is missing: run make (npm ci in tests/browser/axe)"
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)
    try:
        page = log_in(context, growth_server, "eve")
        page.goto(growth_server.url("/growth?months=3"))
        assert _axe(page) == []
        # a mistake: the form comes back with what was typed and the problem on it
        page.fill("#from-month", "9")
        page.fill("#from-year", "2024")
        page.fill("#to-month", "3")
        page.fill("#to-year", "2024")
        page.click("form.growth-window button[type=submit]")
        page.wait_for_load_state()
        assert page.title().startswith("Error:")
        summary = page.locator(".error-summary")
        assert "The window must end after it starts" in summary.inner_text()
        assert page.input_value("#to-month") == "3" and page.input_value("#from-month") == "9"
        assert page.input_value("#months") == "3"  # kept, and ...
        assert "not both" in summary.inner_text()  # ... named as a problem, not ignored
        assert _axe(page) == []
        summary.locator("a", has_text="The window must end").click()
        assert page.evaluate("() => document.activeElement.id") == "to-month"
        scroll, inner = _widths(page)
        assert scroll <= inner
    finally:
        context.close()


def test_report_does_not_scroll_sideways_at_320(browser, tmp_path: Path):
    from lacgraph.report.content import report_content
    from lacgraph.report.render import write_html

    path = write_html(report_content(Network.from_tables(programme(400, seed=3)), months=6),
                      tmp_path / "report.html")
    context = browser.new_context(viewport={"width": 320, "height": 900})
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        scroll, inner = _widths(page)
        assert scroll <= inner, f"the report is {scroll} px wide at 320 px"
        assert "What we found" in page.inner_text("main")
    finally:
        context.close()


def test_report_pdf_is_tagged_with_an_outline(tmp_path: Path):
    """Issue 28 finding 8: the PDF is tagged (a structure tree screen readers follow) and has
    an outline (bookmarks from the headings). Printed by ``lacgraph report --pdf`` in a
    process of its own (this session's browser already runs Playwright here)."""
    from lacgraph.loaders import write_folder
    from tests.cli.test_growth_cli import run

    data = write_folder(programme(400, seed=3), tmp_path / "data")
    run("report", str(data), "-o", str(tmp_path / "report.html"), "--pdf",
        str(tmp_path / "report.pdf"))
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"/StructTreeRoot" in pdf and b"/MarkInfo" in pdf
    assert b"/Outlines" in pdf
