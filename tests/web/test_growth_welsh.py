"""The evaluator's /growth page in Welsh (issue 26): every sentence, heading, hint, error and
plain reading from the catalogue, the same figures as the English page, ``<html lang="cy">``.
"""

from __future__ import annotations

import re

import pytest

from lacgraph.network import Network
from lacgraph.privacy import Pseudonymiser
from lacgraph.synthetic import programme
from lacgraph.web import create_app
from tests.english_left import english_left, numbers
from tests.web.conftest import log_in


@pytest.fixture(scope="module")
def eve(tmp_path_factory):
    from lacgraph.web import AppDB
    from tests.web.fixtures import PASSWORD

    db = AppDB(tmp_path_factory.mktemp("growth-welsh") / "app.sqlite")
    db.add_user("eve", "evaluator", PASSWORD)
    G = Network.from_tables(programme(400, seed=5))
    client = create_app(G, db, pseudonymiser=Pseudonymiser(b"k")).test_client()
    assert log_in(client, "eve").status_code == 302
    return client


def figures(page: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-key="([^"]+)"><th scope="row">[^<]*</th>'
                           r'<td class="num">([^<]*)</td>', page))


def test_growth_page_in_welsh_with_the_same_figures(eve):
    english = eve.get("/growth?months=3&lang=en").text
    page = eve.get("/growth?months=3&lang=cy")
    assert page.status_code == 200
    welsh = page.text
    assert '<html lang="cy">' in welsh
    assert "<h1>Twf y garfan</h1>" in welsh and "Ffigurau allweddol" in welsh
    assert "Beth mae'r profion yn ei ddweud" in welsh  # the plain readings, in Welsh
    assert "Cyfnod: 3 mis ar ôl cyflwyno pob unigolyn" in welsh
    assert "31 Rhagfyr 2024" in welsh and "December" not in welsh
    assert english_left(welsh) == []
    assert len(english_left(english)) > 20  # the comparison does find English
    shown = figures(english)
    assert len(shown) > 5
    for key, value in shown.items():  # the same figures; only band words change
        value_cy = figures(welsh)[key]
        assert re.findall(r"[\d.−*]+", value_cy) == re.findall(r"[\d.−*]+", value), key
    assert sorted(numbers(english)) != [] and set(numbers(english)) <= set(numbers(welsh))


@pytest.mark.parametrize(("query", "field", "message"), [
    ("from-month=13&from-year=2024&to-month=3&to-year=2024", "from-month",
     "Rhaid i'r mis y mae'r cyfnod yn dechrau fod yn rhif o 1 i 12"),
    ("from-month=3&from-year=2024&to-month=6&to-year=2025", "to-month",
     "Mae'r data'n gyflawn hyd at 31 Rhagfyr 2024: dewiswch Rhagfyr 2024 neu'n gynharach"),
    ("months=six", "months", "Rhowch nifer y misoedd fel rhif cyfan o 1 i 120, fel 6"),
    ("months=6&from-month=3&from-year=2024", "months",
     "Dewiswch naill ai fisoedd ar ôl y cyflwyniad neu fis o ac i, nid y ddau"),
])
def test_form_errors_in_welsh(eve, query, field, message):
    page = eve.get(f"/growth?{query}&lang=cy")
    assert page.status_code == 400
    html = page.text.replace("&#39;", "'")
    assert '<html lang="cy">' in html
    assert "<title>Gwall: Twf y garfan" in html
    assert message in html and f'href="#{field}"' in html
    assert english_left(page.text) == []


def test_legacy_dates_note_in_welsh(eve):
    page = eve.get("/growth?from=2024-03-15&to=2024-09-30&lang=cy")
    assert page.status_code == 200
    assert "dangosir 15 Mawrth 2024 fel 29 Chwefror 2024" in page.text
    assert english_left(page.text) == []


def test_council_report_download_follows_the_pages_language(eve):
    english = eve.get("/report.html?months=6&lang=en")
    welsh = eve.get("/report.html?months=6&lang=cy")
    assert english.status_code == welsh.status_code == 200
    assert '<html lang="en-GB">' in english.text and '<html lang="cy">' in welsh.text
    assert "Yr hyn a ganfuom" in welsh.text and english_left(welsh.text) == []
    # asked again in English after Welsh: the English copy, not the Welsh one cached
    assert '<html lang="en-GB">' in eve.get("/report.html?months=6&lang=en").text


@pytest.mark.parametrize(("name", "welsh", "english"), [
    ("change", ["Newid fesul unigolyn", "llinell sylfaen", "ailedrych",
                "cysylltiadau naturiol + cymunedol", "Twf rhwydwaith, cyflwyniad i 3 mis"],
     ["Change per person", "baseline", "natural + community alters", "Network growth"]),
    ("retention", ["diwrnodau ers i'r cysylltiad ddechrau", "A yw cysylltiadau naturiol"],
     ["days since the tie started", "Do new natural and community ties last?"]),
    ("waves", ["misoedd ers y cyflwyniad", "cymedr cysylltiadau naturiol + cymunedol"],
     ["months since introduction", "mean natural + community alters"]),
])
def test_the_growth_charts_words_follow_the_pages_language(eve, name, welsh, english):
    from lacgraph.i18n import use_language

    with use_language("en"):  # the test client's requests set this thread's language
        assert eve.get("/growth?months=3&lang=cy").status_code == 200  # Welsh chosen
        chart = eve.get(f"/growth/{name}.svg?months=3")  # as the page's <img> asks for it
        assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
        for words in welsh:
            assert words in chart.text, (name, words)
        for words in english:
            assert words not in chart.text, (name, words)
        assert eve.get("/growth?months=3&lang=en").status_code == 200
        again = eve.get(f"/growth/{name}.svg?months=3").text
        assert all(words in again for words in english)
