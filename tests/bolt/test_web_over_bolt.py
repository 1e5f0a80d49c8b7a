"""The web app serves a programme held in Neo4j exactly as one held in a folder.

The hostile programme of the web tests is loaded into the session's real Neo4j server;
the same accounts browse the same pages from both apps and get the same HTML (apart from
each response's CSRF token, and the time and random element ids of a picture).
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

import lacgraph
from lacgraph.cli import cli
from lacgraph.privacy import Pseudonymiser
from lacgraph.web import AppDB, create_app
from tests.neo4jserver import Neo4jServer
from tests.web.conftest import log_in
from tests.web.fixtures import add_accounts, hostile_tables, write_programme

PAGES = {
    "cora": ["/caseload", "/people/p1?at=2024-04-15", "/people/p1?since=2023-01-01",
             "/people/p1/circle.svg?at=2024-04-15", "/api/people/p1/circle?at=2024-05-01"],
    "max": ["/"],
    "eve": ["/"],
}
TOKEN = re.compile(r'(name="(?:csrf|form)_token" value=|content=)"[^"]+"')
MADE_AT = re.compile(r"<dc:date>[^<]*</dc:date>")  # when matplotlib drew the picture
CLIP_ID = re.compile(r'(url\(#|id="|href="#)[pm][0-9a-f]{8,}')  # matplotlib's random ids


def normalised(text: str) -> str:
    text = MADE_AT.sub("<dc:date/>", TOKEN.sub(r'\1"…"', text))
    return CLIP_ID.sub(r"\1clip", text)


@pytest.fixture(scope="module")
def apps(neo4j_server: Neo4jServer, tmp_path_factory: pytest.TempPathFactory):
    folder = write_programme(tmp_path_factory.mktemp("hostile") / "data")
    with neo4j_server.open() as store:
        store.write(hostile_tables())
    made, opened = {}, []
    for name, source in (("folder", str(folder)), ("neo4j", neo4j_server.uri)):
        db = AppDB(tmp_path_factory.mktemp(name) / "app.sqlite")
        add_accounts(db)
        options = neo4j_server.options if name == "neo4j" else {}
        opened.append(lacgraph.open(source, **options))
        made[name] = create_app(opened[-1], db, pseudonymiser=Pseudonymiser(b"test key"))
    yield made
    for network in opened:
        network.close()


@pytest.mark.parametrize("account", list(PAGES))
def test_every_page_is_the_same_over_bolt(apps, account: str) -> None:
    clients = {}
    for name, app in apps.items():
        clients[name] = app.test_client()
        assert log_in(clients[name], account).status_code == 302
    for url in PAGES[account]:
        local, remote = (clients[name].get(url, follow_redirects=True)
                         for name in ("folder", "neo4j"))
        assert local.status_code == remote.status_code == 200, url
        assert normalised(remote.text) == normalised(local.text), url


def test_serve_asks_for_an_app_database_with_a_bolt_source(neo4j_server: Neo4jServer) -> None:
    result = CliRunner().invoke(cli, ["serve", neo4j_server.uri],
                                env={"NEO4J_PASSWORD": neo4j_server.password})
    assert result.exit_code == 2
    assert "Give --app-db FILE" in result.output and "Traceback" not in result.output
