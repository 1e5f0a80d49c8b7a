"""The record forms of a person's page, rendered once with holes and filled per request,
are the forms rendered whole: for every person, in English and Welsh, with names that
look like holes or markup printed as they are (see :mod:`lacgraph.web.holes`)."""

from __future__ import annotations

import numpy as np
import pytest

from lacgraph.i18n import use_language
from lacgraph.network import Network
from lacgraph.tables import Tables
from lacgraph.web import AppDB, create_app
from lacgraph.web.holes import CLOSE, OPEN
from lacgraph.web.person_parts import _options, record_forms
from tests.web.fixtures import QUICK_HASHER

SNEAKY = f"{OPEN}csrf_token{CLOSE} <b>{OPEN}url_add{CLOSE}</b>"
"""A name made of holes' text and markup: printed as it is, never filled."""


@pytest.fixture
def app(tmp_path):
    nodes = [{"id": "sam", "type": "person", "label": SNEAKY, "coordinator": "c1",
              "reviews": "2024-03-01;2024-06-01"},
             {"id": "ann-o", "type": "person", "label": "Ann O'Neil", "coordinator": "c1"},
             {"id": "c1", "type": "coordinator", "label": "Dafydd"}]
    ties = [{"source": "sam", "target": "ann-o", "kind": "friend", "start": "2024-01-01"}]
    db = AppDB(tmp_path / "app.sqlite", hasher=QUICK_HASHER)
    return create_app(Network.from_tables(Tables.from_records(nodes, ties)), db)


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_forms_with_holes_are_the_forms_rendered_whole(app, lang):
    today = np.datetime64("2024-07-01", "D")
    choices = _options([{"value": '["ann-o", "friend", "2024-01-01", "v1"]', "text": SNEAKY}])
    with app.test_request_context("/people/sam"), use_language(lang):
        for person, reviews in (("sam", ["2024-03-01", "2024-06-01"]), ("ann-o", [])):
            kept = record_forms(person, reviews, choices, choices, {}, [], today)
            whole = record_forms(person, reviews, choices, choices, {}, [], today, whole=True)
            assert kept == whole
            assert f'action="/people/{person}/connections/add"' in kept
            assert OPEN not in kept.replace(str(choices), "")  # every hole filled
            assert kept.count(str(choices)) == 2  # the choices as they were, twice
        # the second person's forms came from the same kept text as the first's
        assert sum(key[0] == "record forms" for key in
                   app.extensions["lacgraph.programme"]._views.keys()) == 2
