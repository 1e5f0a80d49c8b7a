"""Duplicates for admins (issue 23): ``lacgraph find-duplicates`` / ``lacgraph merge`` and
the admin page (a table, a confirmation, one transaction, audited)."""

from __future__ import annotations

from click.testing import CliRunner

import lacgraph
from lacgraph.cli import cli
from lacgraph.privacy import Pseudonymiser
from lacgraph.stores import MemoryStore
from lacgraph.tables import Tables
from lacgraph.web import create_app
from tests.web.conftest import log_in
from tests.web.fixtures import csrf_from, hostile_tables

TWIN = {"id": "q3b", "type": "person", "label": "quentin  QUIET", "neighbourhood": "South"}


def _store(tmp_path):
    path = tmp_path / "programme.lacgraph"
    with MemoryStore(path) as store:
        store.write(hostile_tables())
        store.write(Tables.from_records([TWIN], [
            {"source": "q3b", "target": "g1", "kind": "member", "start": "2024-05-01"}]))
    return path


def test_the_admin_page_lists_confirms_and_merges(tmp_path, app_db):
    path = _store(tmp_path)
    app = create_app(lacgraph.open(path), app_db, pseudonymiser=Pseudonymiser(b"k"))
    ada = app.test_client()
    assert log_in(ada, "ada").status_code == 302
    page = ada.get("/admin/duplicates").text
    assert "Quentin Quiet" in page and "same neighbourhood" in page
    confirm = ada.get("/admin/duplicates/merge?keep=q3&drop=q3b")
    assert confirm.status_code == 200 and "quentin  QUIET" in confirm.text
    token = csrf_from(confirm.text)
    refused = ada.post("/admin/duplicates/merge", data={
        "csrf_token": token, "keep": "q3", "drop": "q3b"})
    assert refused.status_code == 400 and "<title>Error: " in refused.text
    assert 'href="#confirm"' in refused.text
    done = ada.post("/admin/duplicates/merge", data={
        "csrf_token": token, "keep": "q3", "drop": "q3b", "confirm": "yes"})
    assert done.status_code == 302 and done.headers["Location"].endswith("#merged")
    after = ada.get("/admin/duplicates?merged=q3").text
    assert "The two records are merged into q3." in after and "Quentin Quiet" not in after
    with MemoryStore(path) as store:
        tables = store.read()
    assert "q3b" not in set(tables.nodes["id"])
    moved = tables.ties[(tables.ties["kind"] == "member") & (tables.ties["source"] == "q3")]
    assert moved["target"].tolist() == ["g1"]
    assert [r[5:7] for r in app_db.audit_log(action="data.merge")] == [("q3", "dropped=q3b")]
    cora = app.test_client()
    assert log_in(cora, "cora").status_code == 302
    assert cora.get("/admin/duplicates").status_code in (403, 404)


def test_find_duplicates_and_merge_on_the_command_line(tmp_path):
    path = _store(tmp_path)
    runner = CliRunner()
    found = runner.invoke(cli, ["find-duplicates", str(path), "--format", "csv"])
    assert found.exit_code == 0, found.output
    assert "q3,q3b,person,Quentin Quiet,South,0,same neighbourhood" in found.output
    merged = runner.invoke(cli, ["merge", str(path), "q3", "q3b", "--yes"])
    assert merged.exit_code == 0, merged.output
    assert "Merged 'q3b' into 'q3'" in merged.output
    again = runner.invoke(cli, ["merge", str(path), "q3", "q3b", "--yes"])
    assert again.exit_code != 0 and "q3b" in again.output and "Traceback" not in again.output
    with MemoryStore(path) as store:
        assert "q3b" not in set(store.read().nodes["id"])
