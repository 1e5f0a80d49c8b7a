"""A person's page and picture from the first-view index are the pages the verbs write.

The app answers a person's page and circle picture from an index of the data version's
ties (:mod:`lacgraph.analysis.first_view`); a store without it (Neo4j) is asked through
the frame-based verbs. These tests serve one synthetic programme both ways and compare
every caseload person's page (at the data's last date, at an earlier date and since a
chosen date) and picture byte for byte, apart from the per-request form tokens. And the
index belongs to one data version: a change recorded by another process shows at once.
"""

from __future__ import annotations

import re

import pytest

from lacgraph.network import Network
from lacgraph.stores import MemoryStore
from lacgraph.synthetic import programme as synthetic
from lacgraph.tables import Tables
from lacgraph.web import AppDB, create_app
from lacgraph.web.context import Programme
from tests.web.conftest import log_in
from tests.web.fixtures import PASSWORD, QUICK_HASHER

TOKENS = re.compile(r'name="(csrf_token|form_token)" value="[^"]*"')


def _client(tables: Tables, tmp_path, name: str, coordinator: str):
    db = AppDB(tmp_path / f"{name}.sqlite", hasher=QUICK_HASHER)
    db.add_user("coord", "coordinator", PASSWORD, coordinator=coordinator)
    client = create_app(Network.from_tables(tables), db).test_client()
    assert log_in(client, "coord").status_code == 302
    return client


def _pages(client, people: list[str], queries: list[str]) -> dict[str, str]:
    out = {}
    for person in people:
        for query in queries:
            for url in (f"/people/{person}{query}", f"/people/{person}/circle.svg{query}"):
                response = client.get(url)
                assert response.status_code == 200, url
                out[url] = TOKENS.sub("", response.text)
    return out


@pytest.fixture(scope="module")
def tables() -> Tables:
    return synthetic(600, seed=11)


def test_every_page_and_picture_of_a_caseload_is_the_verbs_answer(tables, tmp_path,
                                                                  monkeypatch):
    nodes = tables.nodes
    people = nodes[(nodes["type"] == "person") & (nodes["coordinator"] != "")]
    coordinator = people["coordinator"].value_counts().index[0]
    caseload = sorted(people.loc[people["coordinator"] == coordinator, "id"])
    assert len(caseload) >= 20
    queries = ["", "?at=2022-12-31", "?since=2023-06-30"]
    indexed = _pages(_client(tables, tmp_path, "indexed", coordinator), caseload, queries)
    monkeypatch.setattr(Programme, "first_view", lambda self, person: None)
    verbs = _pages(_client(tables, tmp_path, "verbs", coordinator), caseload, queries)
    assert indexed.keys() == verbs.keys()
    differ = [url for url in indexed if indexed[url] != verbs[url]]
    assert not differ, differ[:5]
    # the pages are not empty shells: circles, households and what changed are there
    text = "".join(indexed.values())
    assert text.count('id="family-heading"') > 0 and text.count("<li>New: ") > 0


def test_a_change_recorded_by_another_process_shows_at_once(tmp_path):
    path = tmp_path / "programme.sqlite"
    people = [{"id": p, "type": "person", "label": p.title(), "coordinator": "c1"}
              for p in ("sam", "ann")] + [{"id": "c1", "type": "coordinator"}]
    ties = [{"source": "sam", "target": "ann", "kind": "friend", "start": "2024-01-01"}]
    with MemoryStore(path) as store:
        store.write(Tables.from_records(people, ties))
    import lacgraph

    db = AppDB(tmp_path / "app.sqlite", hasher=QUICK_HASHER)
    db.add_user("coord", "coordinator", PASSWORD, coordinator="c1")
    client = create_app(lacgraph.open(path), db).test_client()
    assert log_in(client, "coord").status_code == 302
    before = client.get("/people/sam?at=2024-03-01").text
    picture = client.get("/people/sam/circle.svg?at=2024-03-01").text
    assert "Ann" in before and "Choir" not in before and "Choir" not in picture
    with MemoryStore(path) as other:  # the index of the old data must not answer now
        other.write(Tables.from_records(
            [*people, {"id": "choir", "type": "group", "label": "Choir"}],
            [*ties, {"source": "sam", "target": "choir", "kind": "member",
                     "start": "2024-02-01"}]))
    after = client.get("/people/sam?at=2024-03-01").text
    assert "Choir" in after
    assert "Choir" in client.get("/people/sam/circle.svg?at=2024-03-01").text
