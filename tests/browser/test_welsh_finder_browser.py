"""The record form's finder in Welsh, in a real Chromium (issue 26): the results, the list's
name and every announcement in the live region come from the catalogue (find.json and the
page's finder words), none from English written in the script."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.web.fixtures import HOSTILE, HOSTILE_WARD


@pytest.fixture
def cora(browser, live_server):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = log_in(context, live_server, "cora")
    page.goto(live_server.url("/people/p1?lang=cy"))
    assert page.locator("html").get_attribute("lang") == "cy"
    yield page
    context.close()


def test_the_finder_speaks_welsh(cora):
    page = cora
    status = page.locator(".finder [role=status]")
    page.locator("#add-find").press_sequentially("pwned=5", delay=20)
    expect(status).to_have_text(re.compile(r"[cg]yfatebiaeth"))
    assert status.inner_text() == "2 gyfatebiaeth ar gael"  # the dual's soft mutation
    assert page.locator("#add-find-listbox").get_attribute("aria-label") == "Cyfatebiaethau"
    texts = page.locator("#add-find-listbox [role=option]").all_inner_texts()
    assert sorted(texts) == sorted([f"{HOSTILE[4]}, person yn North",
                                    f"{HOSTILE[4]}, person yn {HOSTILE_WARD}"])
    combo = page.locator("#add-find")
    combo.press("ArrowDown")
    combo.press("Enter")
    assert status.inner_text() == f"Dewiswyd {texts[0]}"
    assert page.evaluate("window.__pwned") is None


def test_no_match_is_said_in_welsh(cora):
    cora.locator("#add-find").press_sequentially("Olive", delay=20)
    status = cora.locator(".finder [role=status]")
    expect(status).to_have_text("Dim cyfatebiaeth: ychwanegwch nhw fel rhywun newydd")
    assert cora.locator("#add-find-listbox [role=option]").count() == 0
