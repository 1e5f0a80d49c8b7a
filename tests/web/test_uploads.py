"""Issue 11 (2, 3): real uploads over HTTP to ``lacgraph serve``, body limits, and an
update validated as the whole programme it makes."""

from __future__ import annotations

import io
import re
import shutil

import pytest

from lacgraph.loaders import read_source, write_folder
from lacgraph.stores import MemoryStore
from lacgraph.synthetic import DEMO_PEOPLE, programme
from tests.web.fixtures import PASSWORD, csrf_from, hostile_tables
from tests.web.live import Client, lacgraph_serve


@pytest.fixture
def served(tmp_path, programme_folder, accounts_file):
    store = tmp_path / "programme.sqlite"
    with MemoryStore(store) as s:
        s.write(read_source(programme_folder))
    app_db = tmp_path / "programme.app.sqlite"
    shutil.copy(accounts_file, app_db)
    with lacgraph_serve(store, app_db) as base:
        yield base, store


def _workbook(tables, path):
    """The tables as an .xlsx workbook, every cell text (a name starting with '=' too)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, frame in zip(("nodes", "ties"), tables.to_text(), strict=True):
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for record in frame.itertuples(index=False):
            sheet.append([v or None for v in record])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    book.save(path)
    return path


@pytest.mark.slow
def test_admin_uploads_the_demo_files_a_big_csv_and_a_workbook_over_http(served, tmp_path):
    base, store = served
    admin = Client(base)
    admin.log_in("ada", PASSWORD)
    demo = write_folder(programme(DEMO_PEOPLE, seed=7), tmp_path / "demo")
    status, page = admin.upload("/admin/loads", {"nodes": demo / "nodes.csv",
                                                 "ties": demo / "ties.csv"}, "/admin/loads")
    assert status == 200 and "Loaded: nodes" in page, page[-2000:]
    big = write_folder(programme(20_000, seed=7), tmp_path / "big")
    size = sum(f.stat().st_size for f in big.iterdir())
    assert size > 4_000_000  # several megabytes: far over the 64 KB form limit
    status, page = admin.upload("/admin/loads", {"nodes": big / "nodes.csv",
                                                 "ties": big / "ties.csv"}, "/admin/loads")
    assert status == 200 and "Loaded: nodes" in page, page[-2000:]
    changed = hostile_tables()
    changed.nodes.loc[changed.nodes["id"] == "p3", "label"] = "Olive Renamed"
    book = _workbook(changed, tmp_path / "update.xlsx")
    status, page = admin.upload("/admin/loads", {"workbook": book}, "/admin/loads")
    assert status == 200 and "1 changed" in page, re.findall("Loaded[^<]*|problem[^<]*", page)
    coordinator = Client(base)
    coordinator.log_in("cole", PASSWORD)
    assert "Olive Renamed" in coordinator.request("/caseload")[1]
    held = read_source_store(store)
    assert held.nodes["id"].str.startswith("p0").sum() >= 20_000 - 1  # kept in the store


def read_source_store(path):
    with MemoryStore(path) as s:
        return s.read()


def test_anonymous_and_non_upload_bodies_are_limited_to_64_kb(served):
    base, _ = served
    anonymous = Client(base)
    status, _ = anonymous.post("/login", {"name": "x" * 100_000, "password": "y"})
    assert status == 413
    coordinator = Client(base)
    coordinator.log_in("cora", PASSWORD)
    status, _ = coordinator.post("/logout", {"pad": "z" * 100_000}, form="/caseload")
    assert status == 413
    assert coordinator.request("/caseload")[0] == 200  # still logged in: nothing was read


def test_a_big_body_is_refused_from_its_length_before_it_is_read(app):
    class Unreadable(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer):  # noqa: ANN001
            raise AssertionError("the body was read")

    from werkzeug.test import EnvironBuilder, run_wsgi_app

    environ = EnvironBuilder(path="/login", method="POST",
                             content_type="application/x-www-form-urlencoded").get_environ()
    environ.update({"wsgi.input": Unreadable(), "CONTENT_LENGTH": str(50 * 1024 * 1024)})
    _, status, _ = run_wsgi_app(app, environ, buffered=True)
    assert status.startswith("413")


def test_upload_limit_is_configurable(programme_folder, app_db, login):
    import lacgraph
    from lacgraph.privacy import Pseudonymiser
    from lacgraph.web import create_app
    from tests.web.conftest import log_in

    app = create_app(lacgraph.open(programme_folder), app_db, max_upload_mb=1,
                     pseudonymiser=Pseudonymiser(b"k"))
    client = app.test_client()
    assert log_in(client, "ada").status_code == 302
    token = csrf_from(client.get("/admin/loads").text)
    big = io.BytesIO(b"id,type\n" + b"x,person\n" * 200_000)  # 1.8 MB
    response = client.post("/admin/loads", data={"csrf_token": token, "nodes": (big, "n.csv"),
                                                  "ties": (io.BytesIO(b"x"), "t.csv")},
                           content_type="multipart/form-data")
    response.request.environ["wsgi.input"].close()  # the test client spooled it to a file
    assert response.status_code == 413


# -- 3: an update is checked as the whole programme it makes -------------------------------
def _post_update(client, files: dict[str, str]):
    token = csrf_from(client.get("/admin/loads").text)
    data = {"csrf_token": token}
    for name, text in files.items():
        data[name] = (io.BytesIO(text.encode()), f"{name}.csv")
    return client.post("/admin/loads", data=data, content_type="multipart/form-data")


def test_turning_a_coordinator_into_a_group_is_refused_naming_their_people(login):
    admin = login("ada")
    response = _post_update(admin, {
        "nodes": "id,type,label,neighbourhood\nc1,group,Now a group,North\n",
        "ties": "source,target,kind,start\n"})
    assert response.status_code == 400
    assert "Nothing was loaded" in response.text
    assert "loaded nodes" in response.text and "&#39;p1&#39;" in response.text
    assert "expected the id of a coordinator node" in response.text
    assert login("cora").get("/people/p1").status_code == 200  # c1 still coordinates p1


def test_an_update_with_fewer_columns_keeps_the_stored_values(login):
    admin = login("ada")
    response = _post_update(admin, {"nodes": "id,type,label\np1,person,Renamed Person\n",
                                    "ties": "source,target,kind,start\n"})
    assert response.status_code == 200, response.text
    assert "1 changed" in response.text
    coordinator = login("cora")
    caseload = coordinator.get("/caseload").text
    assert "Renamed Person" in caseload  # p1 still on c1's caseload, in North, supported
    page = coordinator.get("/api/people/p1/circle")
    assert page.status_code == 200
    manager = login("max").get("/neighbourhoods?at=2024-05-01")
    assert manager.status_code == 200
