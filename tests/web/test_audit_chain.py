"""An audit chain that erasure does not break and truncation does not fool, and no free
text that may name someone left in the audit (issue 23, findings 5-7)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import lacgraph
from lacgraph.cli import cli
from lacgraph.privacy import Pseudonymiser
from lacgraph.stores import MemoryStore
from lacgraph.tables import Tables
from lacgraph.web import create_app
from lacgraph.web.appdb import AppDB
from tests.web.conftest import log_in
from tests.web.fixtures import hostile_tables

KEY = {"LACGRAPH_PSEUDONYM_KEY": "a long team secret for the chain tests"}
GWEN, ZOE = "Gwenllian Davies", "Zoë O'Brien"


def _programme() -> Tables:
    nodes, ties = (frame.to_dict("records") for frame in hostile_tables().to_text())
    for pid, name in (("gw", GWEN), ("zo", ZOE)):
        nodes.append({"id": pid, "type": "person", "label": name, "coordinator": "c1",
                      "supported": "true", "introduced_on": "2024-01-01",
                      "neighbourhood": "North"})
        ties.append({"source": pid, "target": "c1", "kind": "coordinator",
                     "start": "2024-01-01"})
    return Tables.from_records(nodes, ties)


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "programme.sqlite"
    with MemoryStore(path) as store:
        store.write(_programme())
    return path


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env)


def raw(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_erasure_keeps_the_chain_whole_and_leaves_no_name_fragments(store_file, app_db,
                                                                       tmp_path):
    """Findings 6 and 7: after two lawful erasures ``audit --verify`` is clean, and the
    names (as typed, in another case, JSON-escaped) are gone from the file and its WAL."""
    app = create_app(lacgraph.open(store_file), app_db, pseudonymiser=Pseudonymiser(b"k"))
    cora = app.test_client()
    assert log_in(cora, "cora").status_code == 302
    for query in ("Gwenllian", "zoë o'brien"):
        assert cora.get("/caseload", query_string={"q": query}).status_code == 200
    assert cora.get("/people/gw").status_code == 200
    app_db.audit("cora", "coordinator", "record.add", "p1", json.dumps(
        {"after": {"new": {"label": ZOE}}}))  # JSON-escaped: Zo\u00eb
    app_db.audit("cora", "coordinator", "view.caseload", "c1", "q=GWENLLIAN")  # old rows
    path = Path(app_db.path)
    app_db.close()
    for person in ("gw", "zo"):
        result = run("erase", str(store_file), person, "--yes", "--app-db", str(path), env=KEY)
        assert result.exit_code == 0, result.output
    result = run("audit", "--verify", "--app-db", str(path))
    assert result.exit_code == 0 and "intact" in result.output, result.output
    data = raw(path)
    for fragment in ("Gwenllian", "GWENLLIAN", "gwenllian", "Zo\\u00eb", "Zoë", "zoë",
                     "O'Brien", "o'brien"):
        assert fragment.encode() not in data, fragment
    rows = AppDB(path).audit_log()
    assert not any("q=" in str(r[6]) and "Gwen" in str(r[6]) for r in rows)


def test_a_search_is_audited_as_a_search_and_its_count(store_file, app_db):
    """Finding 7: what a coordinator types into the search box never reaches the audit."""
    app = create_app(lacgraph.open(store_file), app_db, pseudonymiser=Pseudonymiser(b"k"))
    cora = app.test_client()
    assert log_in(cora, "cora").status_code == 302
    assert cora.get("/caseload", query_string={"q": "Gwenllian"}).status_code == 200
    rows = app_db.audit_log(action="search.caseload")
    assert [(r[5], r[6]) for r in rows] == [("c1", "results=1")]
    assert not any("Gwenllian" in str(r) for r in app_db.audit_log())


def test_dropping_the_newest_audit_rows_is_found_and_named(tmp_path):
    """Finding 6: the chain's head is kept apart from the rows."""
    path = tmp_path / "app.sqlite"
    log = AppDB(path)
    for n in range(5):
        log.audit("ann", "coordinator", "view.person", f"p{n}")
    log.close()
    assert run("audit", "--verify", "--app-db", str(path)).exit_code == 0
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM audit WHERE seq >= 4")
    result = run("audit", "--verify", "--app-db", str(path))
    assert result.exit_code == 1
    assert "newest rows are missing" in result.output and "seq=5" in result.output
    log = AppDB(path)  # new rows after the cut do not hide it
    log.audit("ann", "coordinator", "view.person", "p9")
    log.close()
    result = run("audit", "--verify", "--app-db", str(path))
    assert result.exit_code == 1 and "seq=6" in result.output, result.output


def test_a_changed_name_in_a_row_is_found(tmp_path):
    path = tmp_path / "app.sqlite"
    log = AppDB(path)
    log.audit("ann", "coordinator", "view.person", "p1", "at=2024-01-01")
    log.audit("ann", "coordinator", "view.person", "p2")
    log.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE audit SET target = 'p7' WHERE seq = 1")
    result = run("audit", "--verify", "--app-db", str(path))
    assert result.exit_code == 1 and "seq=1" in result.output, result.output


def test_verify_writes_and_reports_a_change_kept_without_its_audit_row(store_file, tmp_path):
    """Finding 5: a change the store kept an audit row for (the server killed before it
    wrote it to the log) is reported and its row written by ``audit --verify --source``."""
    from lacgraph.stores.guard import AuditNote, Guard

    path = tmp_path / "programme.app.sqlite"
    AppDB(path).close()
    note = AuditNote("c-77", "2026-01-01T10:00:00.000000Z", "cora", "coordinator",
                     "record.review", "gw", '{"change": "c-77"}')
    with MemoryStore(store_file) as store:
        store.record_change(Tables.from_records([], []), guard=Guard(audit=note))
    result = run("audit", "--verify", "--app-db", str(path), "--source", str(store_file))
    assert result.exit_code == 0, result.output
    assert "stored without its audit row" in result.output and "record.review gw" in \
        result.output
    assert [r[4] for r in AppDB(path).audit_log()] == ["record.review"]
    again = run("audit", "--verify", "--app-db", str(path), "--source", str(store_file))
    assert "stored without" not in again.output
    with MemoryStore(store_file) as store:
        assert store.pending_audit() == []


def _rechain(path: Path) -> None:
    """What someone who can edit the app database can do: recompute every row's hash
    (the chain is plain SHA-256) and the head, so the file alone looks intact."""
    from lacgraph.audit.chain import GENESIS, chained_fields, personal_digest, row_hash

    with sqlite3.connect(path) as db:
        previous = GENESIS
        rows = db.execute("SELECT seq, at, user, role, action, target, detail, address, salt "
                          "FROM audit ORDER BY seq").fetchall()
        for seq, *columns, salt in rows:
            personal = personal_digest(salt, columns[4], columns[5])
            previous = row_hash(previous, chained_fields(columns, personal))
            db.execute("UPDATE audit SET hash = ?, personal = ? WHERE seq = ?",
                       (previous, personal, seq))
        db.execute("UPDATE audit_head SET seq = ?, hash = ?", (rows[-1][0], previous))


def test_editing_the_rows_and_their_head_together_is_caught_by_the_head_kept_outside(
        tmp_path):
    """Issue 23, left item e: the head is printed (``audit --head``) to be kept outside the
    file; ``--verify --expect-head`` checks the log against it."""
    path = tmp_path / "app.sqlite"
    log = AppDB(path)
    for n in range(5):
        log.audit("ann", "coordinator", "view.person", f"p{n}")
    log.close()
    printed = run("audit", "--head", "--app-db", str(path))
    assert printed.exit_code == 0, printed.output
    kept = printed.output.strip()
    assert kept.startswith("5:") and len(kept) == 2 + 64
    log = AppDB(path)  # later rows, and a lawful erasure, leave the kept head valid
    log.audit("ann", "coordinator", "view.person", "p7", "q=Sam Smith")
    assert log.log.pseudonymise_person("p7", "P-7", "Sam Smith") == 1
    log.close()
    ok = run("audit", "--verify", "--app-db", str(path), "--expect-head", kept)
    assert ok.exit_code == 0 and "the head kept outside it is in it" in ok.output, ok.output

    cut = tmp_path / "cut.sqlite"  # the newest rows deleted and the head moved back
    cut.write_bytes(path.read_bytes())
    with sqlite3.connect(cut) as db:
        db.execute("DELETE FROM audit WHERE seq >= 4")
    _rechain(cut)
    assert run("audit", "--verify", "--app-db", str(cut)).exit_code == 0  # the file alone
    result = run("audit", "--verify", "--app-db", str(cut), "--expect-head", kept)
    assert result.exit_code == 1, result.output
    assert "row seq=5, the head kept outside the log, is missing" in result.output
    assert "Traceback" not in result.output

    edited = tmp_path / "edited.sqlite"  # a row rewritten and the whole chain recomputed
    edited.write_bytes(path.read_bytes())
    with sqlite3.connect(edited) as db:
        db.execute("UPDATE audit SET target = 'p9' WHERE seq = 2")
    _rechain(edited)
    assert run("audit", "--verify", "--app-db", str(edited)).exit_code == 0
    result = run("audit", "--verify", "--app-db", str(edited), "--expect-head", kept)
    assert result.exit_code == 1 and "row seq=5 does not have the hash" in result.output

    bad = run("audit", "--verify", "--app-db", str(path), "--expect-head", "5:nothex")
    assert bad.exit_code == 2 and "expected SEQ:HASH" in bad.output
    alone = run("audit", "--app-db", str(path), "--expect-head", kept)
    assert alone.exit_code == 2 and "give --verify too" in alone.output


def test_the_server_writes_the_audit_head_to_its_journal(tmp_path, store_file):
    """``lacgraph serve`` writes the head to standard error (journald under systemd) at
    start and each time the log passes a multiple of HEAD_EVERY rows."""
    from lacgraph.audit.log import HEAD_EVERY
    from tests.web.fixtures import PASSWORD, QUICK_HASHER, add_accounts
    from tests.web.live import Client, lacgraph_serve

    path = tmp_path / "app.sqlite"
    log = AppDB(path, hasher=QUICK_HASHER)
    add_accounts(log)
    for n in range(HEAD_EVERY - 2 - len(log.audit_log())):
        log.audit("ann", "coordinator", "view.person", f"p{n}")
    assert len(log.audit_log()) == HEAD_EVERY - 2
    log.close()
    with lacgraph_serve(store_file, path) as base:
        client = Client(base)
        client.log_in("cora", PASSWORD)
        for _ in range(3):  # refused pages are audited: the log passes HEAD_EVERY rows
            assert client.request("/no/such/page")[0] == 404
    journal = path.with_suffix(".serve.log").read_text()
    heads = [line.split()[3] for line in journal.splitlines()
             if line.startswith("lacgraph audit head ")]
    assert heads and heads[0].startswith(f"{HEAD_EVERY - 2}:"), journal
    assert any(h.startswith(f"{HEAD_EVERY}:") for h in heads), journal
    for head in heads:  # each is a head of the log, to check it against later
        ok = run("audit", "--verify", "--app-db", str(path), "--expect-head", head)
        assert ok.exit_code == 0, ok.output


def _legacy_app_db(path: Path) -> None:
    """An app database as lacgraph wrote it before salted personal digests (issue 23):
    the audit rows chained over their whole text, no salt, digest or head."""
    from lacgraph.audit.chain import GENESIS, row_hash

    rows = [(f"2026-01-0{d}T10:00:00.000000Z", "lee", "coordinator", action, target,
             detail, "10.0.0.1")
            for d, (action, target, detail) in enumerate([
                ("view.person", "gw", "at=2026-01-01"),
                ("view.caseload", "c1", f"q={GWEN}"),
                ("view.person", "zo", ""),
                ("view.person", "gw", "")], start=1)]
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT "
                   "NULL, user TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL, "
                   "target TEXT NOT NULL, detail TEXT NOT NULL, address TEXT NOT NULL, "
                   "hash TEXT NOT NULL DEFAULT '')")
        previous = GENESIS
        for row in rows:
            previous = row_hash(previous, row)
            db.execute("INSERT INTO audit (at, user, role, action, target, detail, address, "
                       "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (*row, previous))


def test_erasing_someone_named_in_rows_written_before_digests_keeps_verify_clean(tmp_path):
    """Issue 23, left item d: rows written before salted digests existed are sealed (given
    their digest, the chain recomputed over them, once, when the log is opened, if it is
    intact) and the boundary recorded, so a later erasure naming them keeps the chain whole
    (it used to report the first such row as changed)."""
    path = tmp_path / "old.app.sqlite"
    _legacy_app_db(path)
    result = run("audit", "--verify", "--app-db", str(path))
    assert result.exit_code == 0, result.output
    assert "Rows 1-4 were written before personal digests" in result.output, result.output
    log = AppDB(path)
    log.audit("ann", "admin", "view.person", "gw")  # a row of today's kind after them
    assert log.log.pseudonymise_person("gw", "P-GW", GWEN) == 4
    log.close()
    result = run("audit", "--verify", "--app-db", str(path))
    assert result.exit_code == 0, result.output
    with sqlite3.connect(path) as db:
        texts = db.execute("SELECT target || ' ' || detail FROM audit").fetchall()
        sealed = db.execute("SELECT action, detail FROM audit WHERE action = "
                            "'audit.sealed'").fetchall()
    assert not any("gw" == t.split()[0] or GWEN in t for (t,) in texts)
    assert len(sealed) == 1 and sealed[0][1].startswith("rows=1-4")
    log = AppDB(path)  # sealed once: opening again changes nothing
    log.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM audit WHERE action = 'audit.sealed'"
                          ).fetchone()[0] == 1
    with sqlite3.connect(path) as db:  # tampering with a sealed row is still found
        db.execute("UPDATE audit SET user = 'bob' WHERE seq = 3")
    result = run("audit", "--verify", "--app-db", str(path))
    assert result.exit_code == 1 and "seq=3" in result.output


def test_a_broken_legacy_log_is_not_sealed_over(tmp_path):
    """Sealing recomputes hashes, so it must never launder tampering done before it."""
    path = tmp_path / "old.app.sqlite"
    _legacy_app_db(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE audit SET target = 'zz' WHERE seq = 2")
    result = run("audit", "--verify", "--app-db", str(path))
    assert result.exit_code == 1 and "seq=2" in result.output, result.output
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM audit WHERE action = 'audit.sealed'"
                          ).fetchone()[0] == 0
