"""Choosing Welsh: the browser's language on the login page, the link on every page (the
same page, the query kept), the session's choice and the account's saved preference."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from tests.web.conftest import log_in

SWITCH = re.compile(r'<a class="language" href="([^"]+)" hreflang="([^"]+)" lang="([^"]+)">([^<]+)</a>')


def html_lang(text: str) -> str:
    match = re.search(r'<html lang="([^"]+)">', text)
    assert match, "no lang on <html>"
    return match.group(1)


def switch(text: str) -> tuple[str, str, str, str]:
    match = SWITCH.search(text.replace("&amp;", "&"))
    assert match, "no language link on the page"
    return match.groups()  # type: ignore[return-value]


def test_login_page_follows_the_browsers_language(app):
    client = app.test_client()
    welsh = client.get("/login", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert html_lang(welsh.text) == "cy"
    assert "Mewngofnodi" in welsh.text and "Enw'r cyfrif" in welsh.text
    assert "Log in" not in welsh.text
    href, hreflang, lang, name = switch(welsh.text)
    assert (hreflang, lang, name) == ("en-GB", "en-GB", "English")
    english = app.test_client().get("/login", headers={"Accept-Language": "en-GB,fr"})
    assert html_lang(english.text) == "en-GB" and "Log in" in english.text
    assert switch(english.text)[1:] == ("cy", "cy", "Cymraeg")


def test_the_language_link_keeps_the_page_and_its_query(app):
    client = app.test_client()
    page = client.get("/login?next=/people/p1%3Fat%3D2024-01-01&lang=cy")
    assert html_lang(page.text) == "cy"
    href = switch(page.text)[0]
    parts = urlsplit(href)
    assert parts.path == "/login"
    assert dict(parse_qsl(parts.query)) == {"next": "/people/p1?at=2024-01-01", "lang": "en"}
    assert html_lang(client.get(href).text) == "en-GB"


def test_a_choice_made_before_login_stays_after_it(app):
    client = app.test_client()
    assert html_lang(client.get("/login?lang=cy").text) == "cy"
    assert log_in(client, "cora").status_code == 302
    page = client.get("/caseload", follow_redirects=True)
    assert html_lang(page.text) == "cy" and "Fy llwyth achosion" in page.text


def test_the_account_preference_is_used_from_then_on(app, login):
    from tests.web.fixtures import csrf_from

    client = login("cora")
    form = client.get("/account/language")
    assert form.status_code == 200 and "Which language should your pages use?" in form.text
    saved = client.post("/account/language",
                        data={"language": "cy", "csrf_token": csrf_from(form.text)})
    assert saved.status_code == 302
    fresh = app.test_client()  # another browser, English by default
    assert log_in(fresh, "cora").status_code == 302
    page = fresh.get("/account/language")
    assert html_lang(page.text) == "cy"
    assert "Pa iaith ddylai eich tudalennau ei defnyddio?" in page.text
    refused = fresh.post("/account/language", data={"language": "fr",
                                                    "csrf_token": csrf_from(page.text)})
    assert refused.status_code == 400 and "<title>Gwall: Iaith" in refused.text


def test_error_pages_speak_the_chosen_language(app, login):
    client = login("cora")
    missing = client.get("/no-such-page?lang=cy")
    assert missing.status_code == 404
    assert "Does dim byd yma" in missing.text and html_lang(missing.text) == "cy"
