"""Issue 25 items 5, 6 (words) and 10 (errors on the form) for /growth, and issue 28 finding 3
(the evaluator page shows only what the one disclosure rule allows, windows at month ends)."""

from __future__ import annotations

import re

import pytest

from lacgraph.analysis.growth import growth
from lacgraph.disclosure import LABELS, disclose_summary, text
from lacgraph.network import Network
from lacgraph.privacy import Pseudonymiser
from lacgraph.synthetic import programme
from lacgraph.web import create_app
from tests.web.conftest import log_in


@pytest.fixture(scope="module")
def G():
    return Network.from_tables(programme(400, seed=5))


@pytest.fixture(scope="module")
def eve(G, tmp_path_factory):
    from lacgraph.web import AppDB
    from tests.web.fixtures import PASSWORD

    db = AppDB(tmp_path_factory.mktemp("growth-page") / "app.sqlite")
    db.add_user("eve", "evaluator", PASSWORD)
    client = create_app(G, db, pseudonymiser=Pseudonymiser(b"k")).test_client()
    assert log_in(client, "eve").status_code == 302
    return client


def _main(html: str) -> str:
    return re.search(r"<main.*</main>", html, re.S).group(0)


def _visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", _main(html))


def test_figures_in_staff_words_with_the_published_numbers(eve, G):
    page = eve.get("/growth?months=3")
    assert page.status_code == 200
    words = _visible(page.text)
    # no raw field names, no exponent p-values, no "+2.00" medians, one withheld symbol
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", words), re.findall(r"\b[a-z]+_[a-z_]+\b", words)
    numbers = re.sub(r"0\.0?01|0\.05", "", words)  # the p bands' own limits
    assert not re.search(r"\d\.\d\d", numbers) and not re.search(r"\de-\d", words)
    assert not re.search(r">\s*[\u2013\u2014-]\s*<", _main(page.text))  # "*" alone for withheld
    exact = growth(G, months=3, as_of="2024-12-31").summary()
    shown = disclose_summary(exact)
    for key, value in shown.items():
        if key in LABELS and value is not None:
            row = re.search(rf'<tr data-key="{key}"><th scope="row">([^<]*)</th>'
                            rf'<td class="num">([^<]*)</td>', page.text)
            assert row, key
            assert row.group(1) == LABELS[key]
            assert row.group(2).replace("&lt;", "<") == text(value), key
    # plain readings beside the tests
    assert "would be very unlikely if networks had not really changed" in words
    # coordinators as pseudonyms only, never an id
    coordinators = set(G.tables.nodes.loc[G.tables.nodes["type"] == "coordinator", "id"])
    assert not any(re.search(rf">\s*{c}\s*<", page.text) for c in coordinators)
    assert "Coordinator (pseudonym)" in page.text


@pytest.mark.parametrize(("query", "field", "message"), [
    ("months=6&from-month=3&from-year=2024&to-month=9&to-year=2024", "months",
     "Choose either months after introduction or a from and to month, not both"),
    ("from-month=9&from-year=2024&to-month=3&to-year=2024", "to-month",
     "The window must end after it starts"),
    ("from-month=13&from-year=2024&to-month=3&to-year=2024", "from-month",
     "The month the window starts must be a number from 1 to 12"),
    ("from-month=3&from-year=24&to-month=6&to-year=2024", "from-year",
     "The year the window starts must have 4 digits"),
    ("from-month=3&from-year=2024", "to-month", "Enter the month and year the window ends"),
    ("from-month=3&from-year=2024&to-month=6&to-year=2025", "to-month",
     "The data is complete up to 31 December 2024"),
    ("months=six", "months", "Enter the number of months as a whole number"),
])
def test_form_mistakes_are_shown_on_the_form(eve, query, field, message):
    page = eve.get(f"/growth?{query}")
    assert page.status_code == 400
    html = page.text
    assert "<title>Error: Cohort growth" in html
    assert 'class="error-summary"' in html and f'href="#{field}"' in html
    assert message in html and f'id="{field}-error"' in html
    assert f'aria-describedby="{field.split("-")[0]}-hint {field}-error"' in html
    for part in query.split("&"):  # what was typed is kept
        name, value = part.split("=")
        assert f'name="{name}" inputmode="numeric" class="' in html
        assert f'value="{value}"' in html
    assert "--from" not in html and "--to" not in html and "Key figures" not in html


def test_months_and_dates_together_are_not_silently_ignored(eve):
    for url in ("/growth/summary.json?months=6&from=2024-03-31&to=2024-09-30",
                "/report.html?months=6&from-month=3&from-year=2024&to-month=9&to-year=2024"):
        response = eve.get(url)
        assert response.status_code == 400
        assert "not both" in response.text


def test_windows_are_month_ends(eve, G):
    page = eve.get("/growth?from=2024-03-15&to=2024-09-30")
    assert page.status_code == 200
    assert "15 March 2024 is shown as 29 February 2024" in page.text
    assert "from 29 February 2024 to 30 September 2024" in page.text
    # a day later or earlier inside the month changes nothing
    one = eve.get("/growth/summary.json?from=2024-03-10&to=2024-09-30").json["summary"]
    two = eve.get("/growth/summary.json?from=2024-03-20&to=2024-09-30").json["summary"]
    assert one == two
    exact = growth(G, start="2024-02-29", end="2024-09-30", as_of="2024-12-31").summary()
    assert one["n"] == disclose_summary(exact)["n"]
    # per-person rows carry months, not days
    rows = eve.get("/growth/people.csv?months=3").text.splitlines()
    header = rows[0].split(",")
    first = dict(zip(header, rows[1].split(","), strict=True))
    assert re.fullmatch(r"\d{4}-\d\d", first["baseline"]), first["baseline"]
