"""An admin upload checks the pseudonym key inside the store's write transaction (issue 23,
left after ``lacgraph load`` got the same check): a key change committed by another
program after the upload began is seen by the write, which is refused, instead of being
checked only just before it.

Real HTTP to the real app under waitress (in this process, so that the moment can be
chosen: the key change commits when the upload calls the store's write), on a store file
and on the session's real Neo4j.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

import lacgraph
from lacgraph.privacy import Pseudonymiser
from lacgraph.stores import MemoryStore
from lacgraph.stores import _neo4j_guard as guarding
from lacgraph.stores.neo4j import Neo4jStore
from lacgraph.web import AppDB, create_app
from tests.browser.conftest import serving
from tests.neo4jserver import Neo4jServer
from tests.web.fixtures import PASSWORD, QUICK_HASHER, add_accounts, hostile_tables
from tests.web.live import Client

KEY = "the team's key for the upload race"
OTHER = Pseudonymiser(b"another key").fingerprint()


class Served:
    """The app's base URL, its store, a way to set another key's fingerprint from
    another connection (another program), and the app database."""

    def __init__(self, base: str, store: Any, set_other_key: Callable[[], None], db: AppDB):
        self.base, self.store, self.set_other_key, self.db = base, store, set_other_key, db


@pytest.fixture(params=["sqlite", "neo4j"])
def served(request: pytest.FixtureRequest, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    monkeypatch.setenv("LACGRAPH_PSEUDONYM_KEY", KEY)
    fingerprint = Pseudonymiser(KEY).fingerprint()
    db = AppDB(tmp_path / "app.sqlite", hasher=QUICK_HASHER)
    add_accounts(db)
    if request.param == "sqlite":
        path = tmp_path / "programme.sqlite"
        with MemoryStore(path) as store:
            store.write(hostile_tables())
            store.check_key(fingerprint)

        def set_other_key() -> None:
            with closing(sqlite3.connect(path, timeout=60, isolation_level=None)) as other:
                other.execute("BEGIN IMMEDIATE")
                other.execute("UPDATE meta SET value = ? WHERE key = 'pseudonym_key'",
                              (OTHER,))
                other.execute("COMMIT")

        G = lacgraph.open(str(path))
    else:
        server: Neo4jServer = request.getfixturevalue("neo4j")
        with server.open() as store:
            store.write(hostile_tables())
            store.check_key(fingerprint)

        def set_other_key() -> None:
            with Neo4jStore(server.uri, **server.options) as other:
                other.run(guarding.SET_KEY, {"fingerprint": OTHER}, write=True)

        G = lacgraph.open(server.uri, **server.options)
    app = create_app(G, db, pseudonymiser=Pseudonymiser(KEY))
    try:
        with serving(app) as base:
            yield Served(base, G.store, set_other_key, db)
    finally:
        G.close()
        db.close()


def _upload(client: Client, folder: Path, person: str) -> tuple[int, str]:
    nodes, ties = folder / "nodes.csv", folder / "ties.csv"
    nodes.write_text(f"id,type,label\n{person},person,{person.title()}\n")
    ties.write_text("source,target,kind,start\n")
    return client.upload("/admin/loads", {"nodes": nodes, "ties": ties}, "/admin/loads")


def test_a_key_change_committed_before_the_uploads_write_is_refused(
        served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ada = Client(served.base)
    ada.log_in("ada", PASSWORD)
    status, page = _upload(ada, tmp_path, "newcomer")  # the key is the store's: loaded
    assert status == 200 and "Loaded:" in page, page[-1500:]
    store = served.store
    real = store.update
    changed: list[bool] = []

    def update_after_a_key_change(*args: Any, **kwargs: Any) -> Any:
        # the upload has validated its files (and, before the fix, checked the key): now
        # another program changes the key the store holds, then the upload writes
        served.set_other_key()
        changed.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "update", update_after_a_key_change)
    status, page = _upload(ada, tmp_path, "latecomer")
    assert changed
    assert status == 400, (status, page[-1500:])
    assert "another pseudonym key" in page and "Nothing was loaded" in page
    assert "Traceback" not in page
    ids = set(store.read().nodes["id"])
    assert "newcomer" in ids and "latecomer" not in ids
    loads = [row[6] for row in served.db.audit_log(action="data.load")]
    assert len(loads) == 1 and "1 added" in loads[0]
    assert [row[6] for row in served.db.audit_log(action="data.load-rejected")] == [
        "pseudonym key mismatch"]
    assert store.pending_audit() == []  # the refused upload kept no audit row
