"""The person page, its printed page and its interactive view in Welsh, in Chromium (issue
26): ``<html lang="cy">``, no English sentence of the catalogue left in the text a person
reads, axe-core finds nothing, and at 320 px the page scrolls only up and down (Welsh
sentences are longer than English ones)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lacgraph.network import Network
from lacgraph.privacy import Pseudonymiser
from lacgraph.web import AppDB, create_app
from tests.browser.conftest import LiveServer, log_in, serving
from tests.browser.test_person_page import AXE, _axe
from tests.english_left import english_left
from tests.web.fixtures import QUICK_HASHER, add_accounts
from tests.web.test_person_welsh import welsh_tables

PAGE = "/people/p20?at=2024-10-01&since=2024-01-01"
PAGES = [PAGE, "/people/p20/print?at=2024-10-01&since=2024-01-01",
         "/people/p20/circle.html?at=2024-10-01&since=2024-01-01",
         "/people/p20?at-day=31&at-month=2&at-year=2024"]
"""The person page, its print, its interactive view and a date error on it."""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("person-welsh")
    db = AppDB(Path(folder) / "app.sqlite", hasher=QUICK_HASHER)
    add_accounts(db)
    app = create_app(Network.from_tables(welsh_tables()), db,
                     pseudonymiser=Pseudonymiser(b"welsh key"))
    with serving(app) as base:
        yield LiveServer(base, db)


def _welsh(context, server: LiveServer):
    page = log_in(context, server, "cora")
    page.goto(server.url("/caseload?lang=cy"))  # the language link: kept for the session
    return page


def _check_welsh(page) -> None:
    assert page.locator("html").get_attribute("lang") == "cy", page.url
    content = page.content()
    assert english_left(content) == [], (page.url, english_left(content))


@pytest.mark.parametrize("path", PAGES)
def test_welsh_person_pages_fit_320px(browser, server, path):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = _welsh(context, server)
    page.goto(server.url(path))
    if "circle.html" in path:
        page.wait_for_selector("body[data-drawn=yes]")
    _check_welsh(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 321)
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
    assert width <= 320, f"{path} is {width} px wide at 320 px: {wide}"
    context.close()


def test_axe_finds_nothing_on_the_welsh_person_pages(browser, server):
    assert AXE.exists(), "axe-core is missing: run make (npm ci in tests/browser/axe)"
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)
    page = _welsh(context, server)
    found = {}
    for path in PAGES:
        page.goto(server.url(path))
        if "circle.html" in path:
            page.wait_for_selector("body[data-drawn=yes]")
        _check_welsh(page)
        found[path] = _axe(page)
    # a record form's error, sent from the page as a person would
    page.goto(server.url(PAGE))
    page.fill("#add-start-day", "31")
    page.fill("#add-start-month", "2")
    page.fill("#add-start-year", "2024")
    page.fill("#add-new_name", "Gwen <Jones>")
    page.locator("form.record button[type=submit]").nth(1).click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.is_visible() and "Mae problem" in summary.inner_text()
    assert page.title().startswith("Gwall: ")
    _check_welsh(page)
    found["add error"] = _axe(page)
    context.close()
    assert {p: v for p, v in found.items() if v} == {}


def test_the_interactive_view_on_the_welsh_page(browser, server):
    """Opened on the Welsh page, the view loads in Welsh and says so in Welsh."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = _welsh(context, server)
    page.goto(server.url(PAGE))
    page.locator("details.interactive-view summary").click()
    page.wait_for_function("() => document.querySelector('.loading.done')")
    assert page.locator(".loading").inner_text() == "Mae'r olwg ryngweithiol wedi llwytho."
    frame = page.frame_locator("iframe.interactive")
    assert frame.locator("html").get_attribute("lang") == "cy"
    label = frame.locator(".vis-network").get_attribute("aria-label")
    assert label.startswith("Y cylch wedi'i lunio")
    assert english_left(frame.locator("body").inner_html()) == []
    context.close()


def test_the_welsh_print_fits_one_a4_page(browser, server):
    """The printed page of a Welsh speaker, from an English-speaking coordinator."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = log_in(context, server, "cora")
    page.goto(server.url(PAGE))
    assert page.locator("html").get_attribute("lang") == "en-GB"
    page.locator("a[hreflang=cy]", has_text="Printable page in Welsh").click()
    page.wait_for_load_state()
    _check_welsh(page)
    page.wait_for_function("""() => [...document.querySelectorAll('figure img')]
        .every(i => i.complete && i.naturalWidth > 0)""")
    page.emulate_media(media="print")
    assert page.locator(".print-only").is_visible()
    assert "Argraffwyd gan cora ar" in page.locator(".print-only").inner_text()
    assert page.locator("section.family figure img").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    from tests.browser.test_person_page import _pages_in_pdf

    assert _pages_in_pdf(pdf) == 1
    context.close()
