"""Every page of every role with Welsh chosen, crawled in Chromium (issue 26).

The same crawl as tests/browser/test_every_page.py (its accounts, its bounds, its server
of the hostile programme; nothing copied): each demo account logs in through the real
form, chooses Cymraeg with the language link (remembered for the session), and the
crawler follows every link of the site it finds. On every page:

* ``<html lang="cy">``;
* no English sentence left: the visible text (and what a screen reader hears: ``alt``,
  ``aria-label``, ``title``) holds no run of three words or more of an English message
  of the catalogue whose Welsh differs (:func:`tests.english_left.english_left`);
* axe-core finds nothing (WCAG 2.2 A/AA and best practice);
* at 320 px wide the page scrolls only up and down (Welsh words are often longer).

The audit log's rows are left out of the English check (its headings and the rest of the
page are not): each row is shown as it was recorded, evidence kept word for word
(``RECORDS`` of the English crawl).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_every_page import RECORDS, ROLES, crawl, site  # noqa: F401 (fixture)
from tests.browser.test_person_page import AXE, _axe
from tests.english_left import english_left

ROWS = re.compile(r"<tbody>.*?</tbody>", re.S)


def words(path: str, html: str) -> str:
    """The page whose words must all be Welsh: an audit log without its recorded rows."""
    return ROWS.sub("<tbody></tbody>", html) if path.startswith(RECORDS) else html


WIDE = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > 321).slice(0, 4)
    .map(e => e.tagName + '.' + e.className)"""


def in_welsh(context, live_server, account: str):
    """Log ``account`` in and choose Welsh with the language link; return the page."""
    page = log_in(context, live_server, account)
    page.click("a.language")  # "Cymraeg": the same page in Welsh, kept for the session
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "cy", page.url
    return page


@pytest.mark.parametrize("account", ROLES)
def test_every_page_in_welsh_no_english_left_axe_and_reflow(browser, site, account):  # noqa: F811
    live_server = site
    assert AXE.exists(), "axe-core is missing: run make (npm ci in tests/browser/axe)"
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)
    page = in_welsh(context, live_server, account)
    start = urlsplit(page.url).path
    paths = crawl(page, live_server.base, start)
    assert len(paths) >= 2, paths
    narrow = browser.new_context(viewport={"width": 320, "height": 640})
    small = in_welsh(narrow, live_server, account)
    problems: dict[str, list[str]] = {}
    for path in paths:
        page.goto(live_server.url(path))
        found = []
        if page.evaluate("document.documentElement.lang") != "cy":
            found.append(f"lang={page.evaluate('document.documentElement.lang')!r}")
        found += [f"English left: {piece!r}" for piece in english_left(words(path, page.content()))]
        found += [f"axe {v['id']}: {v['nodes']}" for v in _axe(page)]
        small.goto(live_server.url(path))
        width = small.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            found.append(f"{width} px wide at 320 px: {small.evaluate(WIDE)}")
        if found:
            problems[path] = found
    context.close()
    narrow.close()
    print(f"\n{account}: {len(paths)} pages in Welsh: {paths}")
    assert problems == {}
