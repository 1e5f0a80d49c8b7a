"""The admin's pages and the record forms' finder in Welsh (issue 26): every page an admin
uses, and an error on each, comes back with ``<html lang="cy">`` and no English sentence of
the catalogue left in what a person reads; the finder's labels come back in Welsh."""

from __future__ import annotations

import functools
import html
import io
import re

import pytest
from babel.messages.pofile import read_po

import lacgraph
from lacgraph.i18n import LOCALE_DIR, ngettext, use_language
from lacgraph.privacy import Pseudonymiser
from lacgraph.stores import MemoryStore
from lacgraph.tables import Tables
from lacgraph.web import create_app
from tests.web.conftest import log_in
from tests.web.fixtures import csrf_from, hostile_tables

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
WORDS = re.compile(r"[A-Za-z']+")
SHORT = re.compile(r"<(th|button|label|h1|h2|h3|caption|title|legend|option|a)\b[^>]*>([^<]*)<")


@functools.cache
def english() -> tuple[set[str], set[str]]:
    """From the Welsh catalogue: the English fragments (between placeholders) of two words or
    more whose Welsh differs, and the one-word messages whose Welsh differs."""
    with (LOCALE_DIR / "cy" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="cy")
    fragments: set[str] = set()
    single: set[str] = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        welsh = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if msgid in welsh:
                continue
            for part in PLACEHOLDER.split(msgid):
                part = part.strip(" .,:;()")
                if len(WORDS.findall(part)) >= 2:
                    fragments.add(part)
                elif WORDS.fullmatch(part) and part == msgid and len(part) > 2:
                    single.add(part)
    return fragments, single


def visible(text: str) -> str:
    """What a person reads (and hears: the title, hidden labels): tags and scripts out."""
    text = re.sub(r"<script\b.*?</script>", " ", text, flags=re.DOTALL)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)))


def english_left(page: str) -> list[str]:
    """The catalogue's English left on a Welsh page: sentences in the visible text, and
    one-word messages that are a heading's, button's, label's or link's whole text."""
    fragments, single = english()
    seen = visible(page)
    left = sorted(f for f in fragments if f in seen)
    for _tag, text in SHORT.findall(page):
        if html.unescape(text).strip() in single:
            left.append(text.strip())
    return left


def assert_welsh(response, status: int = 200) -> str:
    assert response.status_code == status, response.text[-2000:]
    page = response.text
    assert '<html lang="cy">' in page
    assert english_left(page) == [], english_left(page)
    return page


@pytest.fixture(autouse=True)
def language_kept():
    """The test client runs the app in this thread: its requests set the language of the
    test's context, so put it back afterwards (later tests expect English)."""
    with use_language("en"):
        yield


TWIN = {"id": "q3b", "type": "person", "label": "quentin  QUIET", "neighbourhood": "South"}


@pytest.fixture
def ada(tmp_path, app_db):
    """The admin, in Welsh, on a programme with one possible duplicate (Quentin twice)."""
    path = tmp_path / "programme.lacgraph"
    with MemoryStore(path) as store:
        store.write(hostile_tables())
        store.write(Tables.from_records([TWIN], [
            {"source": "q3b", "target": "g1", "kind": "member", "start": "2024-05-01"}]))
    app = create_app(lacgraph.open(path), app_db, pseudonymiser=Pseudonymiser(b"k"))
    client = app.test_client()
    assert client.get("/login?lang=cy").status_code == 200
    assert log_in(client, "ada").status_code == 302
    return client


def test_the_check_finds_english_left(ada):
    """The check itself: the English page fails it where the Welsh one passes."""
    page = ada.get("/admin/loads?lang=en").text
    assert "Data held by this server" in english_left(page)
    assert "Validate and load" in english_left(page)
    ada.get("/admin/loads?lang=cy")


def test_accounts_in_welsh_with_their_errors(ada):
    page = assert_welsh(ada.get("/admin/users?lang=cy"))
    assert "Ychwanegu cyfrif" in page or "cyfrif" in page
    token = csrf_from(page)
    short = ada.post("/admin/users", data={"name": "newbie", "role": "admin",
                                          "password": "short", "csrf_token": token})
    text = assert_welsh(short, 400)
    assert "cyfrinair: disgwylir o leiaf 12 nod" in text
    twin = ada.post("/admin/users", data={"name": "\u0430da", "role": "admin",  # Cyrillic а
                                         "password": "long enough password",
                                         "csrf_token": token})
    text = assert_welsh(twin, 400)
    assert "mae'r enw hwn yn edrych fel y cyfrif presennol" in html.unescape(text)
    ended = ada.post("/admin/users/cora/logout", data={"csrf_token": token})
    assert "Daeth 0 sesiwn gan cora i ben." in assert_welsh(ended)
    missing = ada.post("/admin/users/nobody/password", data={"csrf_token": token,
                                                             "password": "x" * 12})
    assert "Does dim cyfrif o'r fath." in html.unescape(assert_welsh(missing, 404))
    mine = ada.post("/admin/users/ada/remove", data={"csrf_token": token})
    assert "Ni allwch dynnu eich cyfrif eich hun." in assert_welsh(mine, 400)


def test_the_account_errors_stay_english_in_english(ada):
    token = csrf_from(ada.get("/admin/users?lang=en").text)
    short = ada.post("/admin/users", data={"name": "newbie", "role": "admin",
                                          "password": "short", "csrf_token": token})
    assert short.status_code == 400
    assert "password: expected at least 12 characters" in short.text


def test_data_loads_in_welsh_with_an_error(ada):
    page = assert_welsh(ada.get("/admin/loads?lang=cy"))
    assert "Y data a gedwir gan y gweinydd hwn" in page and "Grwpiau" in page
    refused = ada.post("/admin/loads", data={"csrf_token": csrf_from(page)})
    assert "Dewiswch y ddwy ffeil" in assert_welsh(refused, 400)


def test_rights_and_audit_in_welsh(ada):
    page = assert_welsh(ada.get("/admin/rights?lang=cy"))
    token = csrf_from(page)
    unticked = ada.post("/admin/rights/erase", data={"person": "p1", "csrf_token": token})
    assert "Ticiwch y blwch i gadarnhau'r dileu." in html.unescape(assert_welsh(unticked, 400))
    nobody = ada.get("/admin/rights/export?person=nobody")
    assert "Does gan neb y dynodydd 'nobody'." in html.unescape(assert_welsh(nobody, 404))
    assert_welsh(ada.get("/admin/audit?lang=cy"))


def test_duplicates_and_merge_in_welsh(ada):
    page = assert_welsh(ada.get("/admin/duplicates?lang=cy"))
    assert "yr un gymdogaeth" in page and "Dyblygion posibl" in page
    confirm = assert_welsh(ada.get("/admin/duplicates/merge?keep=q3&drop=q3b"))
    assert "Cyfuno dau gofnod" in confirm
    refused = ada.post("/admin/duplicates/merge", data={
        "keep": "q3", "drop": "q3b", "csrf_token": csrf_from(confirm)})
    text = assert_welsh(refused, 400)
    assert "<title>Gwall: Cyfuno q3b i mewn i q3" in text
    kinds = ada.post("/admin/duplicates/merge", data={
        "keep": "q3", "drop": "g1", "confirm": "yes", "csrf_token": csrf_from(confirm)})
    text = html.unescape(assert_welsh(kinds, 400))
    assert "Math q3 yw person a math g1 yw grŵp" in text
    same = ada.post("/admin/duplicates/merge", data={
        "keep": "q3", "drop": "q3", "confirm": "yes", "csrf_token": csrf_from(confirm)})
    assert "Un cofnod yw'r rhain" in html.unescape(assert_welsh(same, 400))
    done = ada.post("/admin/duplicates/merge", data={
        "keep": "q3", "drop": "q3b", "confirm": "yes", "csrf_token": csrf_from(confirm)})
    assert done.status_code == 302
    after = assert_welsh(ada.get(done.headers["Location"]))
    assert "Mae'r ddau gofnod wedi'u cyfuno yn q3." in html.unescape(after)


def test_the_finders_labels_in_welsh(app, login):
    cora = login("cora")
    english = cora.get("/people/p1/find.json?q=o").get_json()
    welsh = cora.get("/people/p1/find.json?q=o&lang=cy").get_json()
    assert [r["id"] for r in welsh["results"]] == [r["id"] for r in english["results"]]
    assert english["status"] == f"{len(english['results'])} matches available"
    with use_language("cy"):  # Welsh plural forms: 2 gyfatebiaeth, 3 chyfatebiaeth, ...
        assert welsh["status"] == ngettext("%(num)d match available",
                                           "%(num)d matches available", len(welsh["results"]))
    assert re.fullmatch(r"\d+ [cg]h?yfatebiaeth ar gael", welsh["status"])
    assert welsh["label"] == "Cyfatebiaethau"
    groups = [r for r in welsh["results"] if r["type"] == "group" and r["neighbourhood"]]
    assert groups, welsh
    for r in groups:
        assert r["text"] == f"{r['name']}, grŵp yn {r['neighbourhood']}"
        assert r["chosen"] == f"Dewiswyd {r['text']}"
    people = [r for r in welsh["results"] if r["type"] == "service"]
    assert all(", gwasanaeth" in r["text"] for r in people)
    page = cora.get("/people/p1?lang=cy").text  # the words the script announces, in Welsh
    assert 'data-none="Dim cyfatebiaeth: ychwanegwch nhw fel rhywun newydd"' in page


def test_a_load_and_a_refused_load_are_reported_in_welsh(ada, tmp_path):
    from lacgraph.loaders import write_folder

    folder = write_folder(hostile_tables(), tmp_path / "upload")
    token = csrf_from(ada.get("/admin/loads?lang=cy").text)

    def upload(nodes: bytes, ties: bytes):
        return ada.post("/admin/loads", content_type="multipart/form-data", data={
            "csrf_token": token, "nodes": (io.BytesIO(nodes), "nodes.csv"),
            "ties": (io.BytesIO(ties), "ties.csv")})

    nodes, ties = (folder / "nodes.csv").read_bytes(), (folder / "ties.csv").read_bytes()
    loaded = assert_welsh(upload(nodes, ties))
    assert re.search(r"Wedi llwytho: nodau 0 wedi'u hychwanegu, 0 wedi'u newid, \d+ heb eu "
                     r"newid; cysylltiadau 0 wedi'u hychwanegu", html.unescape(loaded))
    broken = nodes.replace(b",group,", b",club,", 1)
    assert broken != nodes
    response = upload(broken, ties)
    assert response.status_code == 400
    page = html.unescape(response.text)
    assert re.search(r"1 problem yn y mewnbwn:\n  nodes\.csv llinell \d+, colofn type: 'club': "
                     r"math o nod anhysbys; disgwylir un o person, ", page), page
    assert "Ni lwythwyd dim." in page
    assert '<html lang="cy">' in response.text  # the reason too is Welsh: no English left
    assert english_left(response.text) == [], english_left(response.text)
