"""The person page's "Ideas to talk about" and household sections, and the family picture."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

import pytest

import lacgraph
from lacgraph.loaders import write_folder
from lacgraph.privacy import Pseudonymiser
from lacgraph.tables import Tables
from lacgraph.web import create_app
from tests.web.conftest import log_in
from tests.web.fixtures import HOSTILE, HOSTILE_WARD, hostile_tables


@pytest.fixture
def client_for(tmp_path, app_db):
    """The hostile programme plus a home: p2 lives with i1, and a group meets in p2's ward
    (its label hostile too); q3, in it since 2023, is i1's friend."""
    T = hostile_tables()
    nodes = T.nodes.to_dict("records") + [
        {"id": "h1", "type": "family", "label": "Home"},
        {"id": "g2", "type": "group", "label": HOSTILE[9], "neighbourhood": HOSTILE_WARD}]
    ties = T.ties.to_dict("records") + [
        {"source": "p2", "target": "h1", "kind": "household", "start": "2020-01-01"},
        {"source": "i1", "target": "h1", "kind": "household", "start": "2020-01-01"},
        {"source": "q3", "target": "g2", "kind": "member", "start": "2023-01-01"},
        {"source": "i1", "target": "q3", "kind": "friend", "start": "2022-01-01"}]
    folder = tmp_path / "data"
    write_folder(Tables.from_records(nodes, ties), folder)
    app = create_app(lacgraph.open(folder), app_db, pseudonymiser=Pseudonymiser(b"test key"))

    def make(name: str):
        client = app.test_client()
        assert log_in(client, name).status_code == 302
        return client

    return make


def test_ideas_and_household_on_the_person_page(client_for, app_db):
    page = client_for("cora").get("/people/p2?at=2024-05-01").text
    assert "Ideas to talk about" in page
    assert html.escape(HOSTILE[9], quote=False) in page        # the group's name, as text
    assert "It meets in" in page and "stayed at least six months" in page
    assert "Household" in page and html.escape(HOSTILE[5], quote=False) in page  # lives with i1
    assert "Quentin Quiet" in page                              # i1's friend, known by i1
    assert "<script>window.__pwned" not in page and "<body onload" not in page
    assert [r[5] for r in app_db.audit_log(action="view.person")][-1] == "p2"


def test_person_living_alone_has_no_household_section(client_for):
    page = client_for("cora").get("/people/p1?at=2024-04-15").text
    assert "Ideas to talk about" in page
    assert 'id="family-heading"' not in page


def test_family_picture_is_own_caseload_only_and_audited(client_for, app_db):
    response = client_for("cora").get("/people/p2/family.svg?at=2024-05-01")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    for element in root.iter():
        assert element.tag.rsplit("}", 1)[-1] not in ("script", "foreignObject", "a")
    assert app_db.audit_log(action="view.family-picture")[-1][5] == "p2"
    assert client_for("cole").get("/people/p2/family.svg").status_code == 404
    assert client_for("cole").get("/people/p2").status_code == 404


def test_family_picture_is_plain_svg_with_the_household_at_the_centre(client_for):
    svg = client_for("cora").get("/people/p2/family.svg?at=2024-05-01").text
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    title = root.find("{http://www.w3.org/2000/svg}title").text
    assert title.endswith("household and its circle of support on 1 May 2024")
    centre = [span.text for text in root.iter("{http://www.w3.org/2000/svg}text")
              if text.get("font-weight") == "bold"
              for span in text.iter("{http://www.w3.org/2000/svg}tspan")]
    assert len(centre) >= 2  # both members' names, as text
    assert html.escape(HOSTILE[5], quote=False)[:10] in svg


def test_the_pictures_are_drawn_without_matplotlib(client_for, monkeypatch):
    """No picture route (nor the page) makes a matplotlib figure: it stays for PNG export."""
    import matplotlib.figure

    made = []
    original = matplotlib.figure.Figure.__init__

    def counting(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "__init__", counting)
    client = client_for("cora")
    for url in ("/people/p2", "/people/p2/circle.svg", "/people/p2/family.svg?at=2024-05-01",
                "/people/p2/circle.html"):
        assert client.get(url).status_code == 200, url
    assert made == []
