"""The record form's finder in a real Chromium (issue 23 (9), issue 25 (3)): an accessible
autocomplete by keyboard (combobox, listbox, aria-activedescendant, results announced in a
live region), namesakes told apart, nothing found outside the coordinator's scope, the
confirmation focused after the change, and axe-core at 0 with the list open."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_person_page import AXE, _axe
from tests.web.fixtures import HOSTILE, HOSTILE_WARD


@pytest.fixture
def cora(browser, live_server):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = log_in(context, live_server, "cora")
    page.goto(live_server.url("/people/p1"))
    yield page
    context.close()


def _type(page, text: str) -> None:
    page.locator("#add-find").press_sequentially(text, delay=20)
    expect(page.locator(".finder [role=status]")).to_have_text(re.compile(r"match"))


def test_choosing_by_keyboard_fills_the_form_and_focuses_the_confirmation(cora):
    page = cora
    _type(page, "pwned=5")
    combo = page.locator("#add-find")
    assert combo.get_attribute("role") == "combobox"
    assert combo.get_attribute("aria-expanded") == "true"
    options = page.locator("#add-find-listbox [role=option]")
    texts = options.all_inner_texts()
    assert sorted(texts) == sorted([f"{HOSTILE[4]}, person in North",
                                    f"{HOSTILE[4]}, person in {HOSTILE_WARD}"])
    assert "2 matches available" in page.locator(".finder [role=status]").inner_text()
    combo.press("ArrowDown")
    combo.press("ArrowDown")
    active = combo.get_attribute("aria-activedescendant")
    assert active == "add-find-option-1"
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    combo.press("Enter")
    assert combo.input_value() == texts[1]
    assert combo.get_attribute("aria-expanded") == "false"
    page.select_option("#add-kind", "neighbour")
    page.fill("#add-start-day", "1")
    page.fill("#add-start-month", "11")
    page.fill("#add-start-year", "2024")
    page.click("text=Add the connection")
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "recorded"
    assert "The new connection is recorded." in page.locator("#recorded").inner_text()
    assert page.evaluate("window.__pwned") is None


def test_people_outside_the_caseload_are_not_offered(cora):
    _type(cora, "Olive")  # Cole's person
    assert cora.locator("#add-find-listbox [role=option]").count() == 0
    assert "No matches" in cora.locator(".finder [role=status]").inner_text()


def test_axe_finds_nothing_with_the_list_open_or_after_an_error(browser, live_server):
    assert AXE.exists()
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)
    page = log_in(context, live_server, "cora")
    page.goto(live_server.url("/people/p1"))
    page.locator("#add-find").press_sequentially("pwned", delay=20)
    page.wait_for_selector("#add-find-listbox [role=option]")
    open_list = _axe(page)
    page.locator("#add-find").fill("")
    page.locator("#add-find").fill("pwned")  # several: the page comes back with a list
    page.evaluate("document.querySelector('input[name=existing]').remove()")
    page.click("text=Add the connection")
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.className") == "error-summary"
    choices = page.locator("input[type=radio][name=existing]")
    assert choices.count() >= 3
    after_error = _axe(page)
    context.close()
    assert open_list == [] and after_error == []
