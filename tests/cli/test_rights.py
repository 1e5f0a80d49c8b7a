"""Erasure and subject access on the store file, through the CLI (issue 12, items 6-7)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from lacgraph.cli import cli
from lacgraph.loaders import write_folder
from lacgraph.stores import MemoryStore
from lacgraph.tables import Tables
from lacgraph.web.appdb import AppDB

KEY = {"LACGRAPH_PSEUDONYM_KEY": "a long team secret for tests"}
SAM, NAME = "sam-4711-unique", "Zebedee Quintessential"


def programme() -> Tables:
    nodes = [{"id": SAM, "type": "coordinator", "label": NAME},
             {"id": "ann", "type": "person", "label": "Ann", "coordinator": SAM,
              "supported": True, "introduced_on": "2024-01-01"},
             {"id": "bob", "type": "person", "label": "Bob", "coordinator": SAM},
             {"id": "cat", "type": "person", "label": "Cat"},
             {"id": "g1", "type": "group", "label": "Choir"}]
    ties = [{"source": "ann", "target": SAM, "kind": "coordinator", "start": "2024-01-01"},
            {"source": "ann", "target": "bob", "kind": "friend", "start": "2024-02-01",
             "brokered_by": SAM},
            {"source": "ann", "target": "g1", "kind": "member", "start": "2024-03-01",
             "end": "2024-05-01", "brokered_by": SAM},
            {"source": "bob", "target": "cat", "kind": "neighbour", "start": "2024-01-05"}]
    return Tables.from_records(nodes, ties)


def run(*args: str, env: dict[str, str] | None = None, input: str | None = None):
    return CliRunner().invoke(cli, list(args), env=env, input=input)


@pytest.fixture
def stored(tmp_path) -> tuple[Path, Path, Path]:
    data = write_folder(programme(), tmp_path / "data")
    store = tmp_path / "programme.sqlite"
    assert run("load", str(data), "--store", str(store)).exit_code == 0
    app = AppDB(tmp_path / "programme.app.sqlite")
    app.audit("lee", "coordinator", "view.person", SAM, "at=2024-06-01")
    app.audit("lee", "coordinator", "view.caseload", "c9", f"q={NAME}")
    app.audit("lee", "coordinator", "view.person", "ann", "at=2024-06-01")
    app.close()
    return data, store, tmp_path / "programme.app.sqlite"


def raw_bytes(path: Path) -> bytes:
    files = [path, Path(f"{path}-wal"), Path(f"{path}-journal")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def test_erase_removes_person_ties_references_and_every_byte(stored):
    data, store, app = stored
    result = run("erase", str(store), SAM, "--yes", env=KEY)
    assert result.exit_code == 0, result.output
    assert "2 connection(s) removed" not in result.output  # ann-sam only: 1 tie touches sam
    assert "1 connection(s) removed, 4 reference(s) cleared" in result.output
    with MemoryStore(store) as s:
        T = s.read()
    assert SAM not in set(T.nodes["id"]) | set(T.ties["source"]) | set(T.ties["target"])
    assert set(T.nodes["coordinator"]) == {""} and set(T.ties["brokered_by"]) == {""}
    assert len(T.ties) == 3
    for path in (store, app):
        blob = raw_bytes(path)
        assert SAM.encode() not in blob and NAME.encode() not in blob, path
    db = AppDB(app)
    rows = db.audit_log()
    db.close()
    assert [r[4] for r in rows] == ["view.person", "view.caseload", "view.person",
                                    "audit.pseudonymised", "person.erase"]
    pseudonym = rows[0][5]
    assert pseudonym.startswith("P-") and rows[1][6] == f"q={pseudonym}"
    assert rows[3][6] == "rows=1,2"  # the rows the erasure rewrote, in the chain
    assert rows[4][5] == pseudonym and rows[2][5] == "ann"


def test_erase_asks_first(stored):
    _, store, _ = stored
    result = run("erase", str(store), SAM, env=KEY, input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    with MemoryStore(store) as s:
        assert SAM in set(s.read().nodes["id"])


def test_erase_needs_the_key_and_a_store(stored):
    data, store, _ = stored
    result = run("erase", str(store), SAM, "--yes", env={"LACGRAPH_PSEUDONYM_KEY": ""})
    assert result.exit_code == 1 and "LACGRAPH_PSEUDONYM_KEY" in result.output
    result = run("erase", str(data), SAM, "--yes", env=KEY)
    assert result.exit_code == 2 and "expected a store file" in result.output
    result = run("erase", str(store), "nobody", "--yes", env=KEY)
    assert result.exit_code == 1 and "No node with id 'nobody'" in result.output
    assert "Traceback" not in result.output


def test_a_reader_holding_old_data_is_reported_then_finish_cleans(stored):
    _, store, _ = stored
    reader = sqlite3.connect(store)
    reader.execute("BEGIN")
    reader.execute("SELECT * FROM nodes").fetchall()  # an open read of the old data
    result = run("erase", str(store), SAM, "--yes", env=KEY)
    assert result.exit_code == 1
    assert "Not finished" in result.output and f"{store}-wal" in result.output
    assert NAME.encode() in raw_bytes(store)  # the file still has it: said so above
    reader.rollback()
    reader.close()
    result = run("erase", str(store), "--finish")
    assert result.exit_code == 0, result.output
    assert NAME.encode() not in raw_bytes(store) and SAM.encode() not in raw_bytes(store)


def test_a_later_load_holding_an_erased_id_is_refused_or_skipped(stored):
    data, store, _ = stored
    assert run("erase", str(store), SAM, "--yes", env=KEY).exit_code == 0
    result = run("load", str(data), "--store", str(store), env=KEY)
    assert result.exit_code == 1
    assert f"'{SAM}': this person was erased" in result.output
    result = run("load", str(data), "--store", str(store))  # no key: cannot check
    assert result.exit_code == 1 and "LACGRAPH_PSEUDONYM_KEY" in result.output
    result = run("load", str(data), "--store", str(store), "--skip-erased", env=KEY)
    assert result.exit_code == 0, result.output
    with MemoryStore(store) as s:
        T = s.read()
    assert SAM not in set(T.nodes["id"]) and set(T.nodes["coordinator"]) == {""}
    assert NAME.encode() not in raw_bytes(store)


def test_export_person_gives_everything_held(stored, tmp_path):
    data, store, app = stored
    out = tmp_path / "new folder" / "ann.json"
    result = run("export-person", str(store), "ann", "--output", str(out))
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text())
    assert record["person"]["label"] == "Ann" and record["person"]["supported"] is True
    assert record["coordinator"] == {"id": SAM, "label": NAME}
    ties = {(t["other_label"], t["kind"], t["start"], t["end"]) for t in record["ties"]}
    assert ties == {(NAME, "coordinator", "2024-01-01", ""), ("Bob", "friend", "2024-02-01", ""),
                    ("Choir", "member", "2024-03-01", "2024-05-01")}  # past ties too
    assert record["introduced_by"] == [{"id": SAM, "label": NAME}]
    assert record["measures_at"] == "2024-05-01" and record["measures"]["natural"] == 1
    assert [a["action"] for a in record["audit"]] == ["view.person"]
    html = out.with_suffix(".html").read_text()
    assert "Information held about Ann" in html and "1 May 2024" in html
    db = AppDB(app)
    assert db.audit_log()[-1][4:6] == ("export.person", "ann")  # the export is audited
    db.close()


def test_export_person_escapes_names(tmp_path):
    T = Tables.from_records([{"id": "x", "type": "person", "label": "<script>alert(1)</script>"}],
                            [])
    data = write_folder(T, tmp_path / "d")
    out = tmp_path / "x.json"
    assert run("export-person", str(data), "x", "-o", str(out)).exit_code == 0
    html = out.with_suffix(".html").read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert not (tmp_path / "d.app.sqlite").exists()  # no app database made as a side effect


def test_a_load_with_another_pseudonym_key_cannot_bring_an_erased_person_back(stored):
    """Issue 23, finding 4a: the store keeps a fingerprint of the key at first use."""
    data, store, _ = stored
    assert run("erase", str(store), "bob", "--yes", env=KEY).exit_code == 0
    other = {"LACGRAPH_PSEUDONYM_KEY": "another key altogether"}
    result = run("load", str(data), "--store", str(store), env=other)
    assert result.exit_code != 0
    assert "another pseudonym key" in result.output and "Traceback" not in result.output
    with MemoryStore(store) as s:
        assert "bob" not in set(s.read().nodes["id"])
    result = run("erase", str(store), "cat", "--yes", env=other)
    assert result.exit_code != 0 and "another pseudonym key" in result.output
    with MemoryStore(store) as s:
        assert "cat" in set(s.read().nodes["id"])
    assert KEY["LACGRAPH_PSEUDONYM_KEY"].encode() not in raw_bytes(store)
    result = run("load", str(data), "--store", str(store), env=KEY)
    assert result.exit_code != 0 and "'bob': this person was erased" in result.output
