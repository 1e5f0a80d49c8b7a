"""A person's page filled into its frame (rendered once per language, account and day, see
:mod:`lacgraph.web.person_parts`) is the page rendered whole: for several
people, in English and Welsh, with and without a confirmation, with names made of holes'
text and markup printed as they are."""

from __future__ import annotations

import re

import pytest
from flask import g

from lacgraph.network import Network
from lacgraph.tables import Tables
from lacgraph.web import AppDB, create_app
from lacgraph.web.coordinator import render_person
from lacgraph.web.holes import CLOSE, OPEN
from tests.web.fixtures import QUICK_HASHER

SNEAKY = f"{OPEN}csrf_token{CLOSE} <b>{OPEN}head{CLOSE}</b> & {OPEN}label{CLOSE}"
"""A name made of holes' text and markup: printed as it is, never filled."""


@pytest.fixture
def app(tmp_path):
    nodes = [{"id": "sam", "type": "person", "label": SNEAKY, "coordinator": "c1",
              "reviews": "2024-03-01;2024-06-01", "neighbourhood": "Millham",
              "introduced_on": "2024-01-01", "language": "cy"},
             {"id": "ann-o", "type": "person", "label": "Ann O'Neil", "coordinator": "c1"},
             {"id": "grp", "type": "group", "label": f"{OPEN}top{CLOSE} club"},
             {"id": "club", "type": "group", "label": "Millham <i>walkers</i>",
              "neighbourhood": "Millham"},
             {"id": "home", "type": "family", "label": "The O'Neils"},
             {"id": "c1", "type": "coordinator", "label": "Dafydd"}]
    ties = [{"source": "sam", "target": "ann-o", "kind": "friend", "start": "2024-01-01"},
            {"source": "sam", "target": "grp", "kind": "member", "start": "2024-02-01",
             "brokered_by": "c1"},
            {"source": "ann-o", "target": "club", "kind": "member", "start": "2024-01-05"},
            {"source": "sam", "target": "home", "kind": "household", "start": "2024-01-01"},
            {"source": "ann-o", "target": "home", "kind": "household", "start": "2024-01-01"}]
    db = AppDB(tmp_path / "app.sqlite", hasher=QUICK_HASHER)
    db.add_user("jo.label", "coordinator", "a long password 123",
                coordinator="c1")
    return create_app(Network.from_tables(Tables.from_records(nodes, ties)), db)


def _same_tokens(text: str) -> str:
    """The page with its one-time form tokens blanked (each rendering takes a new one)."""
    return re.sub(r'name="form_token" value="[^"]*"', 'name="form_token" value=""', text)


@pytest.mark.parametrize("query", ["?lang=en", "?lang=cy", "?lang=en&recorded=add",
                                   "?lang=cy&since=2024-01-15"])
def test_the_page_in_its_frame_is_the_page_rendered_whole(app, query):
    db = app.extensions["lacgraph.db"]
    programme_key = "lacgraph.programme"
    escaped = [SNEAKY.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
               f"{OPEN}top{CLOSE} club"]
    for person in ("sam", "ann-o", "sam"):  # the second "sam": frame and head both kept
        with app.test_request_context(f"/people/{person}{query}"):
            app.preprocess_request()
            g.user = db.user("jo.label")
            row = app.extensions[programme_key].people.loc[person]
            framed = str(render_person(person, row))
            whole = str(render_person(person, row, whole=True))
            assert _same_tokens(framed) == _same_tokens(whole)
            if person == "sam":  # every part of the page is there to compare
                assert "walkers" in framed and 'class="family"' in framed
                assert 'class="sentences"' in framed
            for name in escaped:  # the names as they are; no hole left besides
                framed = framed.replace(name, "")
            assert OPEN not in framed
    frames = [key for key in app.extensions[programme_key]._views.keys()
              if key[0] == "page frame"]
    assert len(frames) == 1  # both people's pages came from one frame
