"""The record forms' dates as GOV.UK day / month / year boxes, in Chromium, in English and
Welsh (issue 25): a connection added and then ended through the three boxes; a date that
does not exist ("31 2 2024") answers with the error on the field, what was typed kept in
the boxes, the error summary focused and linking to the day box; axe-core finds nothing on
the page with the error nor on the page after the change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lacgraph.network import Network
from lacgraph.privacy import Pseudonymiser
from lacgraph.web import AppDB, create_app
from tests.browser.conftest import LiveServer, log_in, serving
from tests.browser.test_person_page import AXE, _axe
from tests.web.fixtures import QUICK_HASHER, add_accounts
from tests.web.test_person_welsh import welsh_tables

WORDS = {
    "en": {"problem": "There is a problem", "error": "Error: ",
           "not real": "The start date must be a real date",
           "added": "The new connection is recorded.",
           "ended": "The end of the connection is recorded.",
           "end missing": "The end date must include a month",
           "kind": "friend", "from": "from 1 March 2024 to 30 September 2024"},
    "cy": {"problem": "Mae problem", "error": "Gwall: ",
           "not real": "Rhaid i'r dyddiad dechrau fod yn ddyddiad go iawn",
           "added": "Mae'r cysylltiad newydd wedi'i gofnodi.",
           "ended": "Mae diwedd y cysylltiad wedi'i gofnodi.",
           "end missing": "Rhaid i'r dyddiad gorffen gynnwys mis",
           "kind": "ffrind", "from": "o 1 Mawrth 2024 i 30 Medi 2024"},
}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("record-dates")
    db = AppDB(Path(folder) / "app.sqlite", hasher=QUICK_HASHER)
    add_accounts(db)
    app = create_app(Network.from_tables(welsh_tables()), db,
                     pseudonymiser=Pseudonymiser(b"record dates key"))
    with serving(app) as base:
        yield LiveServer(base, db)


def _type_date(page, field: str, day: str, month: str, year: str) -> None:
    for part, text in (("day", day), ("month", month), ("year", year)):
        page.fill(f"#{field}-{part}", text)


def _send(page, action: str) -> None:
    with page.expect_navigation():
        page.locator(f"form[action$='/connections/{action}'] button[type=submit]").first.click()


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.className")


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_add_and_end_a_connection_through_the_date_boxes(browser, server, lang):
    assert AXE.exists(), "axe-core is missing: run make (npm ci in tests/browser/axe)"
    words = WORDS[lang]
    name = "Gwen <Jones>" if lang == "en" else "Gwenllian <Jones>"
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)
    page = log_in(context, server, "cora")
    page.goto(server.url(f"/caseload?lang={lang}"))  # the language link: kept for the session
    page.goto(server.url("/people/p20"))
    assert page.locator("html").get_attribute("lang") == ("cy" if lang == "cy" else "en-GB")
    for field in ("add-start", "end-end", "fix-start", "fix-end"):  # each a GOV.UK date input
        group = page.locator(f"fieldset:has(#{field})")
        assert group.get_attribute("role") == "group"
        assert group.locator("legend").count() == 1
        for part in ("day", "month", "year"):
            assert page.locator(f"#{field}-{part}").get_attribute("inputmode") == "numeric"
        assert "27 3 2024" in page.locator(f"#{field}-hint").inner_text()

    # a date that does not exist: the error on the field, what was typed kept
    page.fill("#add-new_name", name)
    page.select_option("#add-kind", "friend")
    _type_date(page, "add-start", "31", "2", "2024")
    _send(page, "add")
    summary = page.locator(".error-summary")
    assert summary.is_visible() and words["problem"] in summary.inner_text()
    assert _focused(page) == "error-summary"
    assert page.title().startswith(words["error"])
    link = summary.locator("a[href='#add-start-day']")
    assert link.inner_text() == words["not real"]
    error = page.locator("#add-start-error")
    assert error.is_visible() and words["not real"] in error.inner_text()
    assert page.locator(".date-field.has-error #add-start").count() == 1
    typed = {p: page.input_value(f"#add-start-{p}") for p in ("day", "month", "year")}
    assert typed == {"day": "31", "month": "2", "year": "2024"}
    assert page.get_attribute("#add-start-day", "aria-invalid") == "true"
    assert page.input_value("#add-new_name") == name
    described = page.locator("fieldset:has(#add-start)").get_attribute("aria-describedby")
    assert "add-start-error" in described.split()
    assert _axe(page) == []
    link.click()
    assert _focused(page) == "add-start-day"

    # a real date: recorded, focus on the confirmation
    _type_date(page, "add-start", "1", "3", "2024")
    _send(page, "add")
    assert page.locator(".error-summary").count() == 0
    assert words["added"] in page.locator("#recorded").inner_text()
    assert _focused(page) == "recorded"

    # end it: a month left out first, then the whole date
    option = page.locator("#end-tie option", has_text=name)
    assert option.count() == 1
    page.select_option("#end-tie", option.get_attribute("value"))
    _type_date(page, "end-end", "30", "", "2024")
    _send(page, "end")
    assert _focused(page) == "error-summary"
    assert page.locator(".error-summary a[href='#end-end-month']").inner_text() == \
        words["end missing"]
    assert {p: page.input_value(f"#end-end-{p}") for p in ("day", "month", "year")} == \
        {"day": "30", "month": "", "year": "2024"}
    option = page.locator("#end-tie option", has_text=name)
    page.select_option("#end-tie", option.get_attribute("value"))
    page.fill("#end-end-month", "9")
    _send(page, "end")
    assert words["ended"] in page.locator("#recorded").inner_text()
    assert _focused(page) == "recorded"
    ended = page.locator("#fix-tie option", has_text=name).inner_text()
    assert ended == f"{name}, {words['kind']}, {words['from']}"
    assert _axe(page) == []
    context.close()
