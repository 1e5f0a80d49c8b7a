"""The coordinator's page in a real Chromium: recording a change, printing on one A4 page,
accessibility (axe-core on every page of every role, plus what axe cannot check: skip link
first in tab order, titles, no horizontal scroll at 320 px) and the interactive view.

axe-core comes from npm (``tests/browser/axe/package.json``, installed by ``make``); the
server is the real app under waitress on 127.0.0.1 serving the hostile programme plus
``p20``, a person with exactly 20 people and groups in their circle.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from lacgraph.network import Network
from lacgraph.privacy import Pseudonymiser
from lacgraph.tables import Tables
from lacgraph.web import AppDB, create_app
from tests.browser.conftest import LiveServer, log_in, serving
from tests.web.fixtures import HOSTILE_WARD, QUICK_HASHER, add_accounts, hostile_tables

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
NAMES = ["Mary Wright", "Dafydd Phillips", "Owain Bevan", "Siân Llewellyn-Hughes",
         "Bethan Morgan", "Gareth Price", "Rhiannon Evans", "Tomos Jenkins", "Ceri Roberts",
         "Eleri Thomas", "Huw Davies", "Nia Williams", "Iolo Pritchard", "Catrin Rees",
         "Macsen Lloyd", "Seren Powell", "Aled Harries", "Ffion Howells"]


def twenty_alters() -> Tables:
    """The hostile programme plus ``p20`` (coordinator c1) with 20 people and groups."""
    base = hostile_tables()
    nodes = base.nodes.to_dict("records")
    ties = base.ties.to_dict("records")
    nodes.append({"id": "p20", "type": "person", "label": "Samantha Llewellyn-Hughes",
                  "neighbourhood": "North", "supported": True, "introduced_on": "2024-01-01",
                  "coordinator": "c1"})
    kinds = ["friend", "family", "neighbour", "peer"]
    for n, name in enumerate(NAMES):
        nodes.append({"id": f"f{n:02d}", "type": "person", "label": name,
                      "neighbourhood": "North"})
        tie = {"source": "p20", "target": f"f{n:02d}", "kind": kinds[n % 4],
               "start": f"2024-{1 + n % 9:02d}-1{n % 9}", "brokered_by": "c1" if n % 3 else ""}
        if n == 2:
            tie = {**tie, "start": "2023-05-01", "end": "2024-09-30"}
        ties.append(tie)
    ties.append({"source": "p20", "target": "g1", "kind": "member", "start": "2024-03-01"})
    ties.append({"source": "p20", "target": "s1", "kind": "service", "start": "2023-01-01"})
    ties.append({"source": "p20", "target": "c1", "kind": "coordinator",
                 "start": "2024-01-01"})
    clean = [{k: v for k, v in t.items() if not (isinstance(v, float) and v != v)}
             for t in ties]
    return Tables.from_records(nodes, clean)


def with_forty_alters(tables: Tables) -> Tables:
    """``tables`` plus ``p40`` (coordinator c1): 40 people, groups and services."""
    nodes = tables.nodes.to_dict("records")
    ties = [{k: v for k, v in t.items() if not (isinstance(v, float) and v != v)}
            for t in tables.ties.to_dict("records")]
    nodes.append({"id": "p40", "type": "person", "label": "Forty Connections",
                  "neighbourhood": "North", "supported": True, "introduced_on": "2024-01-01",
                  "coordinator": "c1"})
    kinds = [("friend", "person"), ("family", "person"), ("neighbour", "person"),
             ("member", "group"), ("service", "service")]
    for n in range(40):
        kind, node_type = kinds[n % len(kinds)]
        nodes.append({"id": f"x{n:02d}", "type": node_type,
                      "label": f"{NAMES[n % len(NAMES)]} {n}"})  # no ideas for p20
        ties.append({"source": "p40", "target": f"x{n:02d}", "kind": kind,
                     "start": f"2024-{1 + n % 9:02d}-0{1 + n % 9}"})
    return Tables.from_records(nodes, ties)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("person-page")
    db = AppDB(folder / "app.sqlite", hasher=QUICK_HASHER)
    add_accounts(db)
    app = create_app(Network.from_tables(with_forty_alters(twenty_alters())), db,
                     pseudonymiser=Pseudonymiser(b"browser key"))
    with serving(app) as base:
        yield LiveServer(base, db)


PAGES = {
    "cora": ["/caseload", "/caseload?q=zzz", "/people/p20", "/people/p20?at=2024-10-01",
             "/people/p20?at=yesterday", "/people/p1", "/people/p2", "/no/such/page"],
    "eve": ["/growth"],
    "max": ["/neighbourhoods", "/neighbourhoods/North",
            "/neighbourhoods/" + quote(HOSTILE_WARD, safe="")],
    "ada": ["/admin/users", "/admin/loads", "/admin/audit", "/admin/duplicates",
            "/admin/duplicates/merge?keep=p1&drop=a03"],
}


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return result


@pytest.mark.parametrize("account", sorted(PAGES))
def test_axe_finds_nothing_on_any_page(browser, server, account):
    assert AXE.exists(), "axe-core is missing: run make (npm ci in tests/browser/axe)"
    # bypass_csp lets the test inject axe-core; the app's own policy is tested elsewhere
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)
    anonymous = context.new_page()
    anonymous.goto(server.url("/login"))
    found = {"/login": _axe(anonymous)}
    page = log_in(context, server, account)
    for path in PAGES[account]:
        page.goto(server.url(path))
        found[path] = _axe(page)
    context.close()
    assert {p: v for p, v in found.items() if v} == {}


@pytest.mark.parametrize("path", ["/people/p20", "/caseload", "/people/p1"])
def test_no_horizontal_scroll_at_320px_skip_link_first_and_title(browser, server, path):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = log_in(context, server, "cora")
    page.goto(server.url(path))
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 321)
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
    assert width <= 320, f"{path} is {width} px wide at 320 px: {wide}"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    if path == "/people/p20":
        assert page.title().startswith("Samantha Llewellyn-Hughes")
        focus = page.evaluate("""() => { const b = document.querySelector('#record button');
            b.focus(); const s = getComputedStyle(b); return [s.outlineWidth, s.outlineStyle]; }""")
        assert focus == ["3px", "solid"]
    context.close()


def _pages_in_pdf(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_print_is_one_a4_page_without_menu_or_forms(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = log_in(context, server, "cora")
    page.goto(server.url("/people/p20?at=2024-10-01&since=2024-01-01"))
    assert page.locator("table.alters tbody tr").count() == 20
    page.wait_for_function("() => document.querySelector('figure img').complete")
    page.emulate_media(media="print")
    for hidden in ("header.top", "form.record", "footer", "details.interactive-view"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator(".print-only").is_visible()
    assert "Printed by cora on" in page.locator(".print-only").inner_text()
    assert page.get_by_text("Ended: Owain Bevan, neighbour, 30 September 2024").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert _pages_in_pdf(pdf) == 1
    page.emulate_media(media="screen")
    assert page.locator("[data-print]").is_visible()  # the Print button, shown by script
    context.close()


def test_record_a_connection_in_the_browser(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = log_in(context, server, "cora")
    page.goto(server.url("/people/p20"))
    page.fill("#add-start-day", "31")
    page.fill("#add-start-month", "2")
    page.fill("#add-start-year", "2024")
    page.fill("#add-new_name", "Gwen <Jones>")
    page.click("text=Add the connection")
    summary = page.locator(".error-summary")
    assert summary.is_visible() and "There is a problem" in summary.inner_text()
    assert page.evaluate("document.activeElement.className") == "error-summary"
    assert page.title().startswith("Error: ")
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.id") == "add-start-day"
    page.fill("#add-start-day", "1")
    page.fill("#add-start-month", "11")
    page.fill("#add-start-year", "2024")
    page.select_option("#add-kind", "friend")
    page.check("#add-introduced")
    page.click("text=Add the connection")
    page.wait_for_load_state()
    assert "The new connection is recorded." in page.content()
    assert page.evaluate("document.activeElement.id") == "recorded"
    assert not page.title().startswith("Error")
    page.goto(server.url("/people/p20?since=2024-10-15&at=2024-11-02"))
    item = page.get_by_text("New: Gwen <Jones>, friend, introduced by")
    assert item.is_visible()


def test_interactive_view_fits_shows_loading_and_is_measured(browser, server):
    """Opened, the view shows a loading message until its frame has drawn the circle of
    40 people and groups; the time from opening to drawn is measured in the page
    (performance marks) and reported, never asserted (a wall clock on a shared machine)."""
    context = browser.new_context(viewport={"width": 700, "height": 900})
    page = log_in(context, server, "cora")
    page.goto(server.url("/people/p40"))
    assert page.locator("iframe.interactive").get_attribute("src") is None  # not yet loaded
    page.click("details.interactive-view summary")
    assert page.locator(".loading").inner_text() == "Loading the interactive view\u2026"
    page.wait_for_function("() => performance.getEntriesByName('interactive').length > 0")
    drawn = page.evaluate("performance.getEntriesByName('interactive')[0].duration")
    loaded = page.evaluate("performance.getEntriesByName('interactive-load')[0].duration")
    print(f"\ninteractive view of 40 people and groups: frame loaded in {loaded:.0f} ms, "
          f"circle drawn {drawn:.0f} ms after opening")
    frame = page.locator("iframe.interactive").bounding_box()
    column = page.locator("main").bounding_box()
    assert frame["width"] <= column["width"]
    assert page.locator(".loading").inner_text() == "Interactive view loaded."
    inner = page.frame_locator("iframe.interactive")
    assert inner.locator("body[data-drawn=yes]").count() == 1
    assert inner.locator("#alters tbody tr").count() == 40  # the same people, as a table
    # keyboard: the drawing takes the focus (after the page's own controls) and moves
    inner.locator("#circle .vis-network").focus()
    before = inner.locator("body").evaluate(
        "() => JSON.stringify(window.lacgraphCircle.network.getViewPosition())")
    page.keyboard.down("ArrowLeft")
    page.wait_for_timeout(300)
    page.keyboard.up("ArrowLeft")
    after = inner.locator("body").evaluate(
        "() => JSON.stringify(window.lacgraphCircle.network.getViewPosition())")
    assert after != before
    context.close()
