"""The coordinator's person page, its record forms and its pictures in Welsh (issue 26).

With Welsh chosen, every sentence a coordinator reads about a person comes from the
catalogue: the page (a household, ideas, what changed, the record forms), a form error, a
stale form's 409, a form sent twice, a confirmation; the circle picture's title and text
alternative, the household picture, the interactive view (its ``lang``, texts and
tooltips) and the printed page. :func:`tests.english_left.english_left` finds any English
sentence of the catalogue left in what a person reads or hears.

The printed circle page speaks the person's own language (their ``language`` attribute)
unless the page is asked for in a language; the picture routes draw in the language their
page asks for.
"""

from __future__ import annotations

import html
import json
import re

import pytest

import lacgraph
from lacgraph.privacy import Pseudonymiser
from lacgraph.stores import MemoryStore
from lacgraph.tables import Tables
from lacgraph.web import create_app
from tests.english_left import english_left, visible_text
from tests.web.conftest import log_in
from tests.web.fixtures import choice_on, date_boxes, hostile_tables, record_fields

FRIENDS = ["Mary Wright", "Dafydd Phillips", "Owain Bevan", "Bethan Morgan", "Gareth Price",
           "Rhiannon Evans"]
PAGE = "/people/p20?at=2024-10-01&since=2024-01-01"


def welsh_tables(language: str = "cy") -> Tables:
    """The hostile programme plus ``p20`` (coordinator c1, whose ``language`` is
    ``language``): six friends and family, one ended, a group and a service, a review; p20
    lives with Mary Wright, and Dafydd Phillips sings in a choir that meets in North. The
    data runs to 1 October 2024."""
    base = hostile_tables()
    nodes = base.nodes.to_dict("records")
    ties = [{k: v for k, v in t.items() if not (isinstance(v, float) and v != v)}
            for t in base.ties.to_dict("records")]
    nodes.append({"id": "p20", "type": "person", "label": "Siân Llewellyn-Hughes",
                  "neighbourhood": "North", "supported": True, "introduced_on": "2024-01-01",
                  "coordinator": "c1", "language": language, "reviews": "2024-06-01"})
    nodes.append({"id": "h20", "type": "family", "label": "Home"})
    nodes.append({"id": "choir", "type": "group", "label": "Côr y Gogledd",
                  "neighbourhood": "North"})
    kinds = ["friend", "family", "neighbour", "peer"]
    for n, name in enumerate(FRIENDS):
        nodes.append({"id": f"w{n}", "type": "person", "label": name, "neighbourhood": "North"})
        tie = {"source": "p20", "target": f"w{n}", "kind": kinds[n % 4],
               "start": f"2024-0{2 + n}-01", "brokered_by": "c1" if n % 2 else ""}
        if n == 2:
            tie = {**tie, "start": "2023-05-01", "end": "2024-09-30"}
        ties.append(tie)
    ties += [
        {"source": "p20", "target": "g1", "kind": "member", "start": "2024-03-01",
         "reciprocal": True},
        {"source": "p20", "target": "s1", "kind": "service", "start": "2023-01-01"},
        {"source": "p20", "target": "c1", "kind": "coordinator", "start": "2024-01-01"},
        {"source": "p20", "target": "h20", "kind": "household", "start": "2020-01-01"},
        {"source": "w0", "target": "h20", "kind": "household", "start": "2020-01-01"},
        {"source": "w1", "target": "choir", "kind": "member", "start": "2023-01-01"},
        {"source": "w0", "target": "s1", "kind": "service", "start": "2023-01-01"},
        {"source": "q3", "target": "i2", "kind": "neighbour", "start": "2024-10-01"},
    ]
    return Tables.from_records(nodes, ties)


@pytest.fixture
def welsh_store(tmp_path):
    path = tmp_path / "welsh.lacgraph"
    with MemoryStore(path) as store:
        store.write(welsh_tables())
    return path


@pytest.fixture
def cora(welsh_store, app_db):
    """cora, logged in, who has chosen Welsh (the language link: kept for the session)."""
    app = create_app(lacgraph.open(welsh_store), app_db, pseudonymiser=Pseudonymiser(b"k"))
    client = app.test_client()
    assert log_in(client, "cora").status_code == 302
    assert client.get("/caseload?lang=cy").status_code == 200
    return client


@pytest.fixture
def english_cora(welsh_store, app_db):
    app = create_app(lacgraph.open(welsh_store), app_db, pseudonymiser=Pseudonymiser(b"k"))
    client = app.test_client()
    assert log_in(client, "cora").status_code == 302
    return client


def assert_welsh(response, status: int = 200) -> str:
    assert response.status_code == status, response.text[-3000:]
    page = response.text
    assert re.search(r'<html lang="cy"', page), page[:300]
    assert english_left(page) == [], english_left(page)
    return page


def _post(client, url: str, data: dict, page: str | None = None):
    """Post a record form with the hidden fields of the page just opened (or ``page``)."""
    page = page or client.get("/people/p20").text
    if data.get("tie"):
        data = {**data, "tie": choice_on(page, *json.loads(data["tie"]))}
    return client.post(url, data={**record_fields(page), **data})


def test_person_page_in_welsh(cora):
    page = assert_welsh(cora.get(PAGE))
    assert "<title>Siân Llewellyn-Hughes: cylch cefnogaeth" in page
    assert "Beth sydd wedi newid ers 1 Ionawr 2024" in page
    assert "Pwy sydd yn y cylch ar 1 Hydref 2024" in page
    assert 'id="family-heading">Aelwyd<' in page                    # the household
    assert "Mae Siân Llewellyn-Hughes yn byw gyda Mary Wright." in page
    assert "Côr y Gogledd" in page and "Syniadau" in page            # the ideas
    assert "Cofnodi newid" in page and "Ychwanegu'r cysylltiad" in page  # the forms
    assert "Daeth i ben: Owain Bevan" in page                        # what changed, in Welsh
    assert "October" not in page and "Hydref" in page
    assert 'alt="Cylch cefnogaeth Siân Llewellyn-Hughes ar 1 Hydref 2024' in page
    assert ("Mae 1 o ffrindiau a theulu Siân Llewellyn-Hughes yn mynd; mae&#39;n cwrdd yn "
            "North, cymdogaeth Siân Llewellyn-Hughes; arhosodd yr 1 person a ymunodd yn "
            "ystod y ddwy flynedd diwethaf o leiaf chwe mis.") in page  # why the idea


def test_the_english_page_is_english_and_the_check_finds_english(english_cora):
    page = english_cora.get(PAGE).text
    assert '<html lang="en-GB"' in page
    assert "Siân Llewellyn-Hughes</span>: circle of support" in page
    assert "Who is in the circle on 1 October 2024" in page
    assert "Siân Llewellyn-Hughes lives with Mary Wright." in page
    assert ("1 of Siân Llewellyn-Hughes&#39;s friends and family goes; it meets in North, "
            "Siân Llewellyn-Hughes&#39;s neighbourhood; the 1 person who joined in the last "
            "two years stayed at least six months.") in page  # as before, word for word
    assert len(english_left(page)) > 40   # the comparison does find English


def test_the_english_page_links_to_the_print_in_the_persons_language(english_cora):
    page = english_cora.get(PAGE).text
    link = re.search(r'<a href="([^"]+)" hreflang="cy">([^<]+)</a>', page)
    assert link, "no link to the printed page in Welsh"
    assert html.unescape(link.group(2)) == \
        "Printable page in Welsh, the language of Siân Llewellyn-Hughes"
    assert html.unescape(link.group(1)) == \
        "/people/p20/print?at=2024-10-01&since=2024-01-01"


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"new_name": "Gwen Jones", "new_type": "person", "kind": "friend",
      **date_boxes("start", "31/02/2024")},
     "add-start-day", "Rhaid i&#39;r dyddiad dechrau fod yn ddyddiad go iawn"),
    ({"existing": "g1", "kind": "friend", **date_boxes("start", "01/02/2024")},
     "add-kind", "Ni all cysylltiad o&#39;r math hwn (ffrind) uno&#39;r ddau hyn"),
    ({"find": "Neb O Gwbl", "kind": "friend", **date_boxes("start", "01/02/2024")},
     "add-find", "Does neb ar eich llwyth achosion nac yn y cylch hwn"),
    ({"kind": "friend", **date_boxes("start", "")}, "add-find",
     "Rhowch berson, grŵp neu wasanaeth sydd eisoes wedi&#39;i gofnodi, neu enw un newydd"),
])
def test_a_form_error_in_welsh(cora, welsh_store, data, field, message):
    before = welsh_store.read_bytes()
    page = assert_welsh(_post(cora, "/people/p20/connections/add", data), 400)
    assert "<title>Gwall: Siân Llewellyn-Hughes: cylch cefnogaeth" in page
    assert "Mae problem" in page and f'href="#{field}"' in page
    assert message in page
    assert welsh_store.read_bytes() == before


def test_a_date_error_on_the_page_in_welsh(cora):
    page = assert_welsh(cora.get("/people/p20?at-day=31&at-month=2&at-year=2024"), 400)
    assert "Rhaid i ddyddiad y cylch fod yn ddyddiad go iawn" in page
    page = assert_welsh(cora.get("/people/p20?at=2024-03-01&since=2024-05-01"), 400)
    assert "Rhaid i ddyddiad y newidiadau fod cyn dyddiad y cylch" in page


def test_a_confirmation_in_welsh(cora):
    response = _post(cora, "/people/p20/connections/add", {
        "new_name": "Gwen Jones", "new_type": "person", "kind": "friend",
        **date_boxes("start", "01/03/2024"), "introduced": "yes"})
    assert response.status_code == 302
    page = assert_welsh(cora.get(response.headers["Location"]))
    assert "Mae'r cysylltiad newydd wedi'i gofnodi." in page
    assert 'id="recorded-title">Llwyddiant<' in page


def test_a_stale_form_answers_409_in_welsh(cora, welsh_store):
    opened = cora.get("/people/p20").text                 # the page the form is sent from
    tie = json.dumps(["w0", "friend", "2024-02-01"])
    moved = _post(cora, "/people/p20/connections/correct",
                  {"tie": tie, "action": "correct", **date_boxes("start", "15/02/2024")})
    assert moved.status_code == 302                        # someone else changes it first
    before = welsh_store.read_bytes()
    stale = cora.post("/people/p20/connections/end", data={
        **record_fields(opened), "tie": choice_on(opened, "w0", "friend", "2024-02-01"),
        **date_boxes("end", "01/09/2024")})
    page = assert_welsh(stale, 409)
    assert "Cafodd cysylltiad Siân Llewellyn-Hughes â Mary Wright" in page
    assert "Ni newidiwyd dim" in page
    assert welsh_store.read_bytes() == before


def test_a_form_sent_twice_answers_409_in_welsh(cora):
    opened = cora.get("/people/p20").text
    form = {**record_fields(opened), "new_name": "Gwen Jones", "new_type": "person",
            "kind": "friend", **date_boxes("start", "01/03/2024")}
    assert cora.post("/people/p20/connections/add", data=form).status_code == 302
    again = cora.post("/people/p20/connections/add", data={**form, "new_name": "Gwen Two"})
    page = assert_welsh(again, 409)
    assert ("Mae&#39;r ffurflen hon eisoes wedi&#39;i hanfon; cofnodwyd y newid unwaith ac "
            "nid eto") in page


def test_the_circle_picture_in_welsh(cora):
    svg = cora.get("/people/p20/circle.svg?at=2024-10-01&since=2024-01-01").text
    title = re.search(r"<title[^>]*>([^<]*)</title>", svg).group(1)
    desc = html.unescape(re.search(r"<desc[^>]*>([^<]*)</desc>", svg).group(1))
    assert title == "Cylch cefnogaeth Siân Llewellyn-Hughes ar 1 Hydref 2024"
    assert desc.startswith("8 o bobl a grwpiau: 5 naturiol, 1 cymunedol, 2 am dâl")
    assert "Ers 1 Ionawr 2024:" in desc and "Cylchoedd: 1 agosatrwydd;" in desc
    assert "(newydd)" in svg and "(wedi mynd)" in svg and "ffrindiau a chymdogion" in svg
    assert english_left(svg) == []
    assert english_left(visible_text(svg)) == []


def test_the_picture_draws_in_the_language_its_page_asks_for(english_cora):
    english = english_cora.get("/people/p20/circle.svg?at=2024-10-01").text
    welsh = english_cora.get("/people/p20/circle.svg?at=2024-10-01&language=cy").text
    assert "<title id=\"circle-title\">Circle of support of" in english
    assert "<title id=\"circle-title\">Cylch cefnogaeth" in welsh and english_left(welsh) == []
    family = english_cora.get("/people/p20/family.svg?at=2024-10-01&language=cy").text
    assert "Aelwyd Siân Llewellyn-Hughes a&#x27;i chylch cefnogaeth ar 1 Hydref 2024" in family
    assert "2 yn byw gyda&#x27;i gilydd" in family and english_left(family) == []
    # asked again in English after Welsh: the English picture, not the Welsh one kept
    assert english_cora.get("/people/p20/circle.svg?at=2024-10-01").text == english


def test_the_household_section_and_picture_in_welsh(cora):
    page = cora.get(PAGE).text
    src = html.unescape(re.search(r'<img src="([^"]*family\.svg[^"]*)"', page).group(1))
    assert "language=cy" in src
    family = cora.get(src).text
    assert english_left(family) == []
    assert "Gyda'i gilydd maen nhw'n adnabod" in page
    assert "Pobl a grwpiau y mae'r aelwyd yn eu hadnabod" in page


def test_the_interactive_view_in_welsh(cora):
    response = cora.get("/people/p20/circle.html?at=2024-10-01&since=2024-01-01")
    page = assert_welsh(response)
    assert "<h1>Cylch cefnogaeth Siân Llewellyn-Hughes ar 1 Hydref 2024</h1>" in page
    data = json.loads(re.search(r'<script type="application/json" id="circle-data">(.*?)'
                                r"</script>", page, re.S).group(1))
    said = [data["drawingLabel"], *(r["name"] for r in data["rings"]),
            *(s["name"] for s in data["sectors"]), *(n["title"] for n in data["nodes"])]
    assert data["drawingLabel"].startswith("Y cylch wedi'i lunio")
    assert any("yn rhoi yn ogystal â derbyn" in t for t in said)
    assert english_left("\n".join(said)) == [], english_left("\n".join(said))


def test_the_print_view_speaks_the_persons_language(english_cora):
    # the staff member reads English; the person's language is Welsh: the print is Welsh
    page = assert_welsh(english_cora.get("/people/p20/print?at=2024-10-01&since=2024-01-01"))
    assert "Argraffwyd gan cora ar" in page
    assert 'action="/people/p20/connections' not in page          # no forms in print
    assert "language=cy" in page                                    # the pictures too
    # asked for explicitly in English (the language link), the print is English
    english = english_cora.get("/people/p20/print?at=2024-10-01&lang=en").text
    assert '<html lang="en-GB"' in english and "Printed by cora on" in english
    # the staff member's own pages stay in their language
    assert '<html lang="en-GB"' in english_cora.get("/people/p20").text


def test_the_print_view_without_a_language_is_the_staff_members(cora):
    page = assert_welsh(cora.get("/people/p1/print"))  # p1 has no language: Welsh, cora's
    assert "Argraffwyd gan cora ar" in page


def test_the_welsh_print_view_of_an_english_speaker_is_english(tmp_path, app_db):
    path = tmp_path / "english.lacgraph"
    with MemoryStore(path) as store:
        store.write(welsh_tables(language="en"))
    app = create_app(lacgraph.open(path), app_db, pseudonymiser=Pseudonymiser(b"k"))
    client = app.test_client()
    assert log_in(client, "cora").status_code == 302
    welsh_page = assert_welsh(client.get("/people/p20?lang=cy"))
    assert ('hreflang="en">Tudalen i&#39;w hargraffu yn Saesneg, iaith Siân Llewellyn-Hughes'
            in welsh_page)
    printed = client.get("/people/p20/print").text
    assert '<html lang="en-GB"' in printed and "Printed by cora on" in printed
    assert '<html lang="cy"' in client.get("/people/p20").text   # cora's pages stay Welsh
