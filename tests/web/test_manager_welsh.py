"""The manager's pages in Welsh (issue 26): the neighbourhoods, one neighbourhood and "where
to act" come back with ``<html lang="cy">``, no English sentence of the catalogue left in
what a person reads or hears (the sparklines' and cluster pictures' text alternatives too),
the same figures as the English pages, and their form errors in Welsh.

The hostile programme of tests/web/fixtures.py: max manages North and the hostile ward,
mia manages South (see tests/web/test_where_to_act.py for its figures, worked out by hand).
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pandas as pd
import pytest

from lacgraph.i18n import use_language
from tests.english_left import english_left, numbers
from tests.web.fixtures import HOSTILE_WARD
from tests.web.test_where_to_act import PAGE, rows


@pytest.fixture(autouse=True)
def language_kept():
    """The test client runs the app in this thread: its requests set the language of the
    test's context, so put it back afterwards (later tests expect English)."""
    with use_language("en"):
        yield


def welsh(response, status: int = 200) -> str:
    """The page, checked: the status, ``lang="cy"`` and no English sentence left."""
    assert response.status_code == status, response.text[-2000:]
    page = response.text
    assert '<html lang="cy">' in page
    assert english_left(page) == [], english_left(page)
    return page


def test_neighbourhoods_in_welsh_with_the_same_counts(login):
    client = login("max")
    english = client.get("/neighbourhoods?at=2024-05-15&lang=en").text
    assert len(english_left(english)) >= 3  # the check does find the English page's words
    page = welsh(client.get("/neighbourhoods?at=2024-05-15&lang=cy"))
    assert "<h1>Cymdogaethau ar 15 Mai 2024</h1>" in page
    assert "fe'u dangosir ar 30 Ebrill 2024" in unescape(page)  # others: the month end before
    assert "Pobl ynysig" in page and "Mewn perygl o fod yn ynysig" in page
    assert not re.search(r"\b(May|April)\b", page)
    cells = re.compile(r"<td>([^<]*)</td>")
    assert cells.findall(page) == cells.findall(english)  # every count, in the same place
    assert sorted(numbers(english)) == sorted(numbers(page))


def test_a_neighbourhood_in_welsh(login):
    client = login("max")
    path = f"/neighbourhoods/{quote(HOSTILE_WARD, safe='')}?at=2024-05-31"
    english = client.get(path + "&lang=en").text
    page = welsh(client.get(path + "&lang=cy"))
    assert "Pobl ynysig (1)" in page and "Clystyrau ynysig" in page
    assert "Pobl heb deulu, ffrindiau, cymdogion na grŵp cymunedol ar 31 Mai 2024." in page
    assert page.count("<tr>") == english.count("<tr>")
    north = welsh(client.get("/neighbourhoods/North?at=2024-05-31&lang=cy"))
    assert "Neb." in north  # nobody isolated in North: the empty row in Welsh


def test_a_neighbourhood_without_names_in_welsh(programme_folder, app_db):
    import lacgraph
    from lacgraph.privacy import Pseudonymiser
    from lacgraph.web import create_app
    from tests.web.conftest import log_in

    app = create_app(lacgraph.open(programme_folder), app_db, manager_names="none",
                     pseudonymiser=Pseudonymiser(b"k"))
    client = app.test_client()
    log_in(client, "max")
    page = welsh(client.get("/neighbourhoods/North?lang=cy"))
    assert "Ni ddangosir enwau yn y gosodiad hwn." in page
    welsh(client.get(f"{PAGE}&lang=cy"))


def test_where_to_act_in_welsh_with_the_same_figures(login):
    client = login("max")
    english = client.get(f"{PAGE}&lang=en").text
    page = welsh(client.get(f"{PAGE}&lang=cy"))
    text = unescape(page)
    assert "<title>Ble i weithredu" in page and "<h1>Ble i weithredu</h1>" in page
    # the ranked list's reasons, whole Welsh sentences with the numbers and dates in place
    assert "Nid oes grŵp cymunedol gweithredol yma." in text
    assert "Mae 1 person yn ynysig yma ar 31 Mai 2024." in text
    assert ("Mae gan bob unigolyn ynysig yma gydlynydd eisoes." in text
            or "Cyrraedd yn gyntaf: 1 person ynysig sydd heb gydlynydd eto." in text)
    # the sparklines' text alternatives: every value, in Welsh
    assert re.search(r'aria-label="North, Pobl ynysig ar ddiwedd pob mis o 31 Ionawr 2024 i '
                     r'31 Mai 2024: [\d*, ]+ \(\* nifer fach', page)
    # the cluster pictures: their description and caption in Welsh
    assert 'aria-label="Clwstwr ynysig: 2 o bobl' in page
    assert re.search(r"<figcaption>#\d+ · 2 o bobl", page)
    assert rows(page).keys() == rows(english).keys()
    for ward, cells in rows(english).items():  # the same counts and changes, row by row
        mine = rows(page)[ward]
        assert {k: v for k, v in mine.items() if k not in ("gap", "own")} == {
            k: v for k, v in cells.items() if k not in ("gap", "own")}, ward
    assert sorted(numbers(english)) == sorted(numbers(page))
    # South's manager: South in Welsh too, with the suppressed figures of North
    welsh(login("mia").get(f"{PAGE}&lang=cy"))


def test_where_to_act_asked_in_english_after_welsh_stays_english(login):
    """The ranked list is kept per language: English after Welsh is English again."""
    client = login("max")
    welsh(client.get(f"{PAGE}&lang=cy"))
    again = client.get(f"{PAGE}&lang=en").text
    assert "1 person is isolated here on 31 May 2024." in again
    assert "Mae 1 person" not in unescape(again)


@pytest.mark.parametrize(("query", "message"), [
    ("since=banana", "Dyddiad dechrau: rhaid iddo fod yn ddyddiad go iawn"),
    ("since=2025-01&at=2024-05-31",
     "Rhaid i'r dyddiad dechrau fod cyn y dyddiad gorffen (31 Mai 2024)"),
    ("at-day=31&at-month=&at-year=2024", "Dyddiad gorffen: rhaid cynnwys mis"),
    ("at-day=30&at-month=2&at-year=2024", "Dyddiad gorffen: rhaid iddo fod yn ddyddiad go iawn"),
    ("at-day=1&at-month=1&at-year=2030", "Mae 1 Ionawr 2030 y tu allan i'r data"),
])
def test_where_to_act_mistakes_in_welsh(login, query, message):
    page = welsh(login("max").get(f"/where-to-act?{query}&lang=cy"), 400)
    assert "<title>Gwall: Ble i weithredu" in page
    assert message in unescape(page)
    assert 'class="error-summary"' in page


def test_the_reasons_and_groups_in_welsh_plural_forms():
    """The sentences of the ranked list at n = 0, 1, 2, 3, 6 in Welsh (CLDR forms)."""
    from lacgraph.web.act import _groups_for, _reach_first, _reasons

    groups = pd.DataFrame({
        "group": ["g-here", "g-near"], "label": ["Here Choir", "Near Walks"],
        "neighbourhood": ["Bay", "Hill"], "members": [5, 9], "retention": [0.6, 0.9],
        "retention_n": [5, 10], "stayed": [3, 9]})
    goers = pd.DataFrame({"ward": ["Bay"], "group": ["g-near"], "people": [2]})
    with use_language("cy"):
        found = _groups_for("Bay", groups, goers)
        assert found[0]["where"] == "Mae'n cyfarfod yma."
        assert found[1]["where"] == "Mae'n cyfarfod yn Hill; mae 2 o bobl o Bay eisoes yn mynd."
        assert found[1]["kept"] == ("Arhosodd 9 o'r 10 o bobl a ymunodd yn ystod y ddwy "
                                    "flynedd ddiwethaf am o leiaf chwe mis.")
        assert _reach_first(0) == "Mae gan bob unigolyn ynysig yma gydlynydd eisoes."
        assert _reach_first(1) == "Cyrraedd yn gyntaf: 1 person ynysig sydd heb gydlynydd eto."
        assert _reach_first(6) == "Cyrraedd yn gyntaf: 6 o bobl ynysig sydd heb gydlynydd eto."
        row = {"isolated": {"last": 3, "change": -2}, "isolated_clusters": {"last": 2},
               "at_risk": {"last": 1}}
        assert _reasons(row, True, "31 Ionawr 2024", "31 Mai 2024") == [
            "Nid oes grŵp cymunedol gweithredol yma.",
            "Mae 3 o bobl yn ynysig yma ar 31 Mai 2024.",
            "Mae hynny 2 yn llai nag ar 31 Ionawr 2024.",
            "2 clwstwr ynysig: pobl sy'n adnabod ei gilydd yn unig.",
            "Mae 1 person i gyd mewn perygl: llai na thri o deulu, ffrindiau, cymdogion neu "
            "grwpiau."]
    assert _reach_first(1) == "Reach first: 1 isolated person who has no coordinator yet."
