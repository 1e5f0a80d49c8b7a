"""Every page of every role, crawled over real HTTP in Chromium (issue 25, items 5 and 6).

Each demo account logs in through the real form; the crawler follows every link of this
site it finds (GET only; not the log-out, the language switch or downloads), up to a
bound per role, and on every page checks:

* staff words only: none of the words staff should not see (alter, ego, tie, node,
  "Store:"), no raw field names (``at_risk``), no ISO dates (2024-05-31) in the text a
  person reads (names from the data and ``<code>`` samples of file names are left out);
* reflow (WCAG 1.4.10): at 320 px wide the page scrolls only up and down
  (``document.documentElement.scrollWidth <= 320``);
* axe-core finds nothing (WCAG 2.2 A/AA and best practice).

The interactive view and the council report are checked for reflow the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

import lacgraph
from lacgraph.privacy import Pseudonymiser
from lacgraph.web import AppDB, create_app
from tests.browser.conftest import LiveServer, log_in, serving
from tests.browser.test_person_page import AXE, _axe
from tests.web.fixtures import (
    HOSTILE_WARD,
    QUICK_HASHER,
    add_accounts,
    hostile_tables,
    write_programme,
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The hostile programme served for this module alone: its many logins from one
    address do not count against the other browser tests' server."""
    folder = write_programme(tmp_path_factory.mktemp("every-page") / "data")
    db = AppDB(Path(folder).parent / "app.sqlite", hasher=QUICK_HASHER)
    add_accounts(db)
    app = create_app(lacgraph.open(folder), db, pseudonymiser=Pseudonymiser(b"crawl key"))
    with serving(app) as base:
        yield LiveServer(base, db)

ROLES = ["cora", "eve", "max", "mia", "ada"]
PAGES_PER_ROLE = 30
PEOPLE_PAGES = 3
"""Person pages crawled per coordinator (they share one template)."""
SKIP = ("/logout", "/language", "/account/language", "/settings/language", "/static/")
RECORDS = ("/admin/audit",)
"""Pages left out of the words check only: the audit log shows each row as it was
recorded (its details are evidence, kept word for word)."""
DOWNLOAD = re.compile(r"\.(csv|svg|json|html|xlsx|png|pdf)$")

FORBIDDEN = [
    (re.compile(r"\balters?\b", re.I), "alter"),
    (re.compile(r"\begos?\b", re.I), "ego"),
    (re.compile(r"\bties?\b", re.I), "tie"),
    (re.compile(r"\bnodes?\b", re.I), "node"),
    (re.compile(r"Store:"), "Store:"),
    (re.compile(r"\b[a-z]+_[a-z_]+\b"), "a raw field name"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "an ISO date"),
]

TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('code, script, style, .skip-link').forEach(e => e.remove());
  return copy.innerText;
}"""


def _data_words() -> list[str]:
    """Every name in the programme (data, not the page's own words), longest first."""
    nodes = hostile_tables().nodes
    names = {str(v) for v in nodes["label"] if str(v)} | {str(v) for v in nodes["id"]}
    names |= {str(v) for v in nodes["neighbourhood"] if str(v)} | {HOSTILE_WARD}
    return sorted(names, key=len, reverse=True)


def words_problems(text: str, names: list[str]) -> list[str]:
    for name in names:
        text = text.replace(name, " ")
    found = []
    for pattern, what in FORBIDDEN:
        for hit in pattern.finditer(text):
            start = max(hit.start() - 30, 0)
            found.append(f"{what}: ...{text[start:hit.end() + 30]!r}")
    return found


def crawl(page, base: str, start: str) -> list[str]:
    """The paths reachable from ``start`` by links of this site (bounded, see above)."""
    seen: list[str] = []
    queue = [start]
    people = 0
    while queue and len(seen) < PAGES_PER_ROLE:
        path = queue.pop(0)
        if path in seen:
            continue
        if path.startswith("/people/"):
            if people >= PEOPLE_PAGES:
                continue
            people += 1
        response = page.goto(base + path)
        if response is None or not response.ok or "text/html" not in response.headers.get(
                "content-type", ""):
            continue
        landed = urlsplit(page.url)  # after any redirect ("/" is the role's home)
        path = landed.path + (f"?{landed.query}" if landed.query else "")
        if path in seen:
            continue
        seen.append(path)
        for href in page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"):
            url = urlsplit(urljoin(base + path, href))
            if f"{url.scheme}://{url.netloc}" != base:
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if (url.path.startswith(SKIP) or DOWNLOAD.search(url.path)
                    or "lang=" in url.query or target in seen or target in queue):
                continue
            queue.append(target)
    return seen


@pytest.mark.parametrize("account", ROLES)
def test_every_page_staff_words_reflow_and_axe(browser, site, account):
    live_server = site
    assert AXE.exists(), "axe-core is missing: run make (npm ci in tests/browser/axe)"
    names = _data_words()
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)
    page = log_in(context, live_server, account)
    start = urlsplit(page.url).path
    paths = crawl(page, live_server.base, start)
    assert len(paths) >= 2, paths
    problems: dict[str, list[str]] = {}
    narrow = browser.new_context(viewport={"width": 320, "height": 640})
    small = log_in(narrow, live_server, account)
    for path in paths:
        page.goto(live_server.url(path))
        found = [f"axe {v['id']}: {v['nodes']}" for v in _axe(page)]
        if not path.startswith(RECORDS):
            found += words_problems(page.evaluate(TEXT), names)
        small.goto(live_server.url(path))
        width = small.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide = small.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 321).slice(0, 4)
                .map(e => e.tagName + '.' + e.className)""")
            found.append(f"{width} px wide at 320 px: {wide}")
        if found:
            problems[path] = found
    context.close()
    narrow.close()
    print(f"\n{account}: {len(paths)} pages: {paths}")
    assert problems == {}


def test_interactive_view_and_report_fit_320px(browser, site):
    live_server = site
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = log_in(context, live_server, "cora")
    page.goto(live_server.url("/people/p1/circle.html"))
    page.wait_for_function("() => document.body.dataset.drawn === 'yes'")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert words_problems(page.evaluate(TEXT), _data_words()) == []
    context.close()
    context = browser.new_context(viewport={"width": 320, "height": 640})
    manager = log_in(context, live_server, "max")
    report = manager.request.get(live_server.url("/report.html?months=3"))
    assert report.ok
    blank = context.new_page()  # the report is a file of its own, not a page of the site
    blank.set_content(report.text())
    assert blank.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()
