"""A bad upload on Admin > Data, reported in Welsh (issue 26): every problem keeps its
place (file, line, column or cell) and value, and its reason (what is wrong, what was
expected) is in the page's language; the English page says the same places and values.
The loaders are shared with the command line, which stays English.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
from click.testing import CliRunner

from lacgraph.i18n import use_language
from tests.english_left import english_left
from tests.web.fixtures import csrf_from

PLACE = re.compile(r"^  (\S+(?: \S+)?) (?:line|llinell) (\d+), (?:column|colofn) (\S+): "
                   r"'([^']*)': ", re.M)
"""One problem's place and value in the report (English or Welsh words around them)."""


@pytest.fixture(autouse=True)
def language_kept():
    """The test client runs the app in this thread: put the test's language back after."""
    with use_language("en"):
        yield


def upload(client, lang: str, files: dict[str, tuple[bytes, str]]):
    token = csrf_from(client.get(f"/admin/loads?lang={lang}").text)
    data = {"csrf_token": token, **{k: (io.BytesIO(v), name) for k, (v, name) in files.items()}}
    return client.post("/admin/loads", data=data, content_type="multipart/form-data")


def report(response) -> str:
    """The problems' report of a refused load, as text."""
    assert response.status_code == 400, response.text[-2000:]
    found = re.search(r'<pre class="report">(.*?)</pre>', response.text, flags=re.S)
    assert found, response.text[-2000:]
    return html.unescape(found.group(1))


BAD_NODES = b"id,type,label,introduced_on\np9,club,Nine,2024-01-01\np9,person,Again,1899-12-31\n"
BAD_TIES = (b"source,target,kind,start,end\n"
            b"p9,nobody,cousin,2024-02-30,\n"
            b"p1,p2,friend,2024-03-01,2024-02-01\n")


def test_a_bad_csv_upload_in_welsh_names_the_same_places(login):
    admin = login("ada")
    files = {"nodes": (BAD_NODES, "nodes.csv"), "ties": (BAD_TIES, "ties.csv")}
    english = report(upload(admin, "en", files))
    response = upload(admin, "cy", files)
    welsh = report(response)
    assert '<html lang="cy">' in response.text
    assert english_left(response.text) == [], english_left(response.text)
    assert PLACE.findall(welsh) == PLACE.findall(english)  # same file, line, column, value
    assert len(PLACE.findall(welsh)) >= 7
    for line in (
        "nodes.csv llinell 2, colofn type: 'club': math o nod anhysbys; disgwylir un o person,",
        "nodes.csv llinell 3, colofn id: 'p9': dynodydd nod dyblyg, gyntaf ar linell 2; "
        "disgwylir pob dynodydd unwaith",
        "nodes.csv llinell 3, colofn introduced_on: '1899-12-31': mae'r flwyddyn 1899 y tu allan "
        "i 1900-2100; disgwylir dyddiad o 1900-01-01 i 2100-12-31",
        "ties.csv llinell 2, colofn target: 'nobody': nid oes gan unrhyw nod y dynodydd hwn; "
        "disgwylir dynodydd o nodes.csv",
        "ties.csv llinell 2, colofn kind: 'cousin': math o gysylltiad anhysbys; disgwylir un o",
        "ties.csv llinell 2, colofn start: '2024-02-30': nid yw'n ddyddiad calendr go iawn; "
        "disgwylir YYYY-MM-DD",
        "ties.csv llinell 3, colofn end: '2024-02-01': nid yw'r diwedd ar ôl y dechrau "
        "(2024-03-01); disgwylir dyddiad gorffen yn hwyrach na'r dechrau",
    ):
        assert line in welsh, (line, welsh)
    assert welsh.startswith("7 problem yn y mewnbwn:")
    assert "Ni lwythwyd dim." in html.unescape(response.text)
    # and the English page is the English of before, word for word
    assert ("ties.csv line 2, column start: '2024-02-30': not a real calendar date; expected "
            "YYYY-MM-DD") in english


def test_an_update_that_breaks_a_loaded_row_in_welsh(login):
    admin = login("ada")
    files = {"nodes": (b"id,type,label,neighbourhood\nc1,group,Now a group,North\n",
                       "nodes.csv"),
             "ties": (b"source,target,kind,start\n", "ties.csv")}
    response = upload(admin, "cy", files)
    welsh = report(response)
    assert english_left(response.text) == [], english_left(response.text)
    assert ("nodau wedi'u llwytho colofn coordinator: 'c1': nod group yw'r dynodydd hwn; "
            "disgwylir dynodydd nod cydlynydd (nod 'p1', wedi'i lwytho eisoes: mae'r "
            "diweddariad yn ei wneud yn annilys)") in welsh
    assert login("cora").get("/people/p1").status_code == 200  # nothing was loaded


def test_a_file_not_saved_as_utf8_in_welsh(login):
    admin = login("ada")
    files = {"nodes": ("id,type,label\np9,person,Renée\n".encode("cp1252"), "nodes.csv"),
             "ties": (b"source,target,kind,start\n", "ties.csv")}
    response = upload(admin, "cy", files)
    welsh = report(response)
    assert english_left(response.text) == [], english_left(response.text)
    assert ("nodes.csv llinell 2: 'Renée': nid yw'r ffeil wedi'i chadw fel UTF-8 (beit 0xE9 yma "
            "yw 'é' yn Windows-1252") in welsh


def test_a_bad_workbook_in_welsh_names_the_cell(login, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    nodes = book.active
    nodes.title = "nodes"
    nodes.append(["id", "type", "introduced_on"])
    nodes.append(["p9", "person", dt.datetime(2024, 1, 1, 10, 30)])
    nodes.append([7.5, "person", None])
    ties = book.create_sheet("ties")
    ties.append(["source", "target", "kind", "start"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    admin = login("ada")
    files = {"workbook": (path.read_bytes(), "bad.xlsx")}
    english = report(upload(admin, "en", files))
    response = upload(admin, "cy", files)
    welsh = report(response)
    assert english_left(response.text) == [], english_left(response.text)
    assert PLACE.findall(welsh) == PLACE.findall(english)
    assert ("workbook[nodes] llinell 2, colofn introduced_on: '2024-01-01 10:30:00': nodes!C2: "
            "dyddiad gydag amser o'r dydd; disgwylir dyddiad yn unig") in welsh
    assert ("workbook[nodes] llinell 3, colofn id: '7.5': nodes!A3: rhif nad yw'n gyfan mewn "
            "colofn dynodyddion") in welsh
    assert "nodes!C2: a date with a time of day; expected a date only" in english


def test_the_command_line_stays_english_after_welsh_requests(login, tmp_path):
    from lacgraph.cli import cli

    admin = login("ada")
    upload(admin, "cy", {"nodes": (BAD_NODES, "nodes.csv"), "ties": (BAD_TIES, "ties.csv")})
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "nodes.csv").write_bytes(BAD_NODES)
    (folder / "ties.csv").write_bytes(BAD_TIES)
    result = CliRunner().invoke(cli, ["load", str(folder), "--store", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 1
    assert ("ties.csv line 2, column kind: 'cousin': unknown tie kind; expected one of"
            in result.output)
    assert "anhysbys" not in result.output
