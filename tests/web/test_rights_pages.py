"""Admin pages for subject access and erasure (issue 12, items 6-7)."""

from __future__ import annotations

import json

import pytest

import lacgraph
from lacgraph.privacy import Pseudonymiser
from lacgraph.stores import MemoryStore
from lacgraph.web import create_app
from tests.web.conftest import log_in
from tests.web.fixtures import csrf_from, hostile_tables


@pytest.fixture
def served(tmp_path, app_db, monkeypatch):
    monkeypatch.setenv("LACGRAPH_PSEUDONYM_KEY", "web test key")
    path = tmp_path / "programme.sqlite"
    with MemoryStore(path) as store:
        store.write(hostile_tables())
    app = create_app(lacgraph.open(path), app_db, pseudonymiser=Pseudonymiser(b"test key"))
    return app, path, app_db


def client_for(app, name):
    client = app.test_client()
    assert log_in(client, name).status_code == 302
    return client


def test_only_admins_reach_the_rights_pages(served):
    app, _, _ = served
    cora = client_for(app, "cora")
    assert cora.get("/admin/rights").status_code == 403
    assert cora.get("/admin/rights/export?person=p1").status_code == 403


def test_subject_access_download_is_complete_escaped_and_audited(served):
    app, _, db = served
    cora = client_for(app, "cora")
    assert cora.get("/people/p1").status_code == 200  # a view to report
    ada = client_for(app, "ada")
    response = ada.get("/admin/rights/export?person=p1&format=json")
    assert response.status_code == 200
    record = json.loads(response.data)
    assert record["person"]["id"] == "p1" and len(record["ties"]) >= 22
    assert any(a["user"] == "cora" and a["action"] == "view.person" for a in record["audit"])
    page = ada.get("/admin/rights/export?person=p1&format=html")
    assert "attachment" in page.headers["Content-Disposition"]
    assert "<script>window.__pwned" not in page.text and "&lt;script&gt;" in page.text
    assert ("ada", "export.person", "p1") in [(r[2], r[4], r[5]) for r in db.audit_log()]
    assert ada.get("/admin/rights/export?person=nobody").status_code == 404


def test_erasure_from_the_admin_page(served):
    app, path, db = served
    cole = client_for(app, "cole")  # p3's coordinator
    assert cole.get("/people/p3").status_code == 200
    assert "Olive Other" in cole.get("/caseload").text
    ada = client_for(app, "ada")
    token = csrf_from(ada.get("/admin/rights").text)
    refused = ada.post("/admin/rights/erase", data={"person": "p3", "csrf_token": token})
    assert refused.status_code == 400  # not confirmed: nothing erased
    done = ada.post("/admin/rights/erase", data={"person": "p3", "confirm": "yes",
                                                 "csrf_token": token})
    assert done.status_code == 200 and "Erased:" in done.text
    with MemoryStore(path) as store:
        assert "p3" not in set(store.read().nodes["id"])
    assert b"Olive Other" not in path.read_bytes()
    assert db.audit_log()[-1][4] == "person.erase"
    # gone from every page at once
    assert cole.get("/people/p3").status_code == 404
    assert "Olive Other" not in cole.get("/caseload").text
