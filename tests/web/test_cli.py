"""The web verbs: users add/list/remove (password from standard input), audit, serve."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from lacgraph.cli import cli
from lacgraph.web import AppDB
from tests.web.fixtures import PASSWORD


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


def test_users_add_reads_the_password_from_stdin_and_hashes_it(tmp_path, programme_folder):
    db = tmp_path / "app.sqlite"
    result = run("users", "add", "cora", "--role", "coordinator", "--coordinator", "c1",
                 "--password-stdin", "--app-db", str(db), "--source", str(programme_folder),
                 stdin=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Added coordinator account 'cora'" in result.output
    app_db = AppDB(db)
    assert app_db.check_password("cora", PASSWORD).coordinator == "c1"
    assert (os.stat(db).st_mode & 0o777) == 0o600  # only the owner reads the accounts
    listed = run("users", "list", "--app-db", str(db))
    assert listed.output.splitlines() == ["name,role,coordinator,teams", "cora,coordinator,c1,"]
    assert "argon2" not in listed.output


def test_users_add_explains_every_problem_without_a_traceback(tmp_path):
    db = tmp_path / "app.sqlite"
    result = run("users", "add", "max", "--role", "manager", "--password-stdin",
                 "--app-db", str(db), stdin="short\n")
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
    assert "needs at least one --team" in result.output
    assert "Traceback" not in result.output


def test_users_add_needs_password_stdin(tmp_path):
    result = run("users", "add", "x", "--role", "admin", "--app-db", str(tmp_path / "a.db"))
    assert result.exit_code == 2 and "--password-stdin" in result.output


def test_users_add_refuses_a_duplicate_and_remove_works(tmp_path):
    db = str(tmp_path / "app.sqlite")
    args = ("users", "add", "eve", "--role", "evaluator", "--password-stdin", "--app-db", db)
    assert run(*args, stdin=PASSWORD).exit_code == 0
    again = run(*args, stdin=PASSWORD)
    assert again.exit_code == 1 and "already exists" in again.output
    assert run("users", "remove", "eve", "--app-db", db).exit_code == 0
    gone = run("users", "remove", "eve", "--app-db", db)
    assert gone.exit_code == 1 and "No account named 'eve'" in gone.output


def test_audit_shows_who_what_when(tmp_path):
    db_path = tmp_path / "app.sqlite"
    db = AppDB(db_path)
    db.audit("cora", "coordinator", "view.person", "p1", "at=2024-05-01", "127.0.0.1")
    db.audit("eve", "evaluator", "login.failure", "eve", "", "127.0.0.1")
    db.close()
    result = run("audit", "--app-db", str(db_path), "--user", "cora")
    lines = result.output.splitlines()
    assert lines[0] == "seq,at,user,role,action,target,detail,address"
    assert len(lines) == 2 and ",cora,coordinator,view.person,p1,at=2024-05-01," in lines[1]
    logins = run("audit", "--app-db", str(db_path), "--action", "login.*", "--format", "json")
    assert '"action":"login.failure"' in logins.output


def test_audit_without_a_database_is_a_clear_error(tmp_path):
    result = run("audit")
    assert result.exit_code == 2 and "--app-db" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_starts_a_real_server_with_the_app_db_beside_the_store(programme_folder,
                                                                     tmp_path):
    from lacgraph.loaders import read_source
    from lacgraph.stores import MemoryStore

    store = tmp_path / "programme.sqlite"
    with MemoryStore(store) as s:
        s.write(read_source(programme_folder))
    assert run("users", "add", "ada", "--role", "admin", "--password-stdin", "--source",
               str(store), stdin=PASSWORD).exit_code == 0
    assert (tmp_path / "programme.app.sqlite").exists()
    port = _free_port()
    lacgraph = Path(sys.executable).with_name("lacgraph")
    process = subprocess.Popen([str(lacgraph), "serve", str(store), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                    page = r.read().decode()
                    headers = r.headers
                break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "lacgraph serve did not answer in 60 s"
                time.sleep(0.2)
        assert "Log in" in page
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Server"] == "lacgraph"  # waitress ident, no version banner
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert "Serving" in output and "programme.app.sqlite" in output


# -- issue 11 (12, 13) -----------------------------------------------------------------------
def test_users_add_checks_coordinator_and_team_against_the_data(tmp_path, programme_folder):
    db = str(tmp_path / "app.sqlite")
    base = ("--password-stdin", "--app-db", db)
    nodata = run("users", "add", "c", "--role", "coordinator", "--coordinator", "c1", *base,
                 stdin=PASSWORD)
    assert nodata.exit_code == 2 and "--source" in nodata.output
    source = ("--source", str(programme_folder))
    bad = run("users", "add", "c", "--role", "coordinator", "--coordinator", "p1", *base,
              *source, stdin=PASSWORD)
    assert bad.exit_code == 1 and "not a coordinator id in the data" in bad.output
    bad = run("users", "add", "m", "--role", "manager", "--team", "Nowhere", *base, *source,
              stdin=PASSWORD)
    assert bad.exit_code == 1 and "'Nowhere'" in bad.output
    assert "not a neighbourhood in the data" in bad.output
    ok = run("users", "add", "m", "--role", "manager", "--team", "South", *base, *source,
             stdin=PASSWORD)
    assert ok.exit_code == 0, ok.output
    row = AppDB(db).audit_log(action="user.add")[-1]
    assert row[5:7] == ("m", "role=manager teams=South")


def test_users_passwd_and_logout(tmp_path):
    path = tmp_path / "app.sqlite"
    db = AppDB(path)
    db.add_user("eve", "evaluator", PASSWORD)
    db.new_session({"user": "eve"}), db.new_session({"user": "eve"})
    db.new_session({"user": "someone"})
    out = run("users", "logout", "EVE", "--app-db", str(path))
    assert out.exit_code == 0 and "Ended 2 session(s)" in out.output
    assert db.session_count() == 1
    db.new_session({"user": "eve"})
    short = run("users", "passwd", "eve", "--password-stdin", "--app-db", str(path),
                stdin="short\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    done = run("users", "passwd", "eve", "--password-stdin", "--app-db", str(path),
               stdin="a new long password\n")
    assert done.exit_code == 0, done.output
    assert db.check_password("eve", "a new long password") is not None
    assert db.check_password("eve", PASSWORD) is None and db.session_count() == 1
    assert run("users", "logout", "ghost", "--app-db", str(path)).exit_code == 1


def test_audit_prints_control_characters_escaped(tmp_path):
    path = tmp_path / "app.sqlite"
    db = AppDB(path)
    db.audit("-", "-", "login.failure", "x\x1b[2J\x1b]0;pwned\x07\u202eevil\r\nfake,row", "",
             "127.0.0.1")
    for fmt in ("csv", "json"):
        out = run("audit", "--app-db", str(path), "--format", fmt).output
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\r" not in out
        assert "\\x1b[2J" in out.replace("\\\\", "\\")
    lines = run("audit", "--app-db", str(path)).output.splitlines()
    assert len(lines) == 2  # the CR/LF did not forge a second row


def test_audit_verify_reports_the_first_broken_row(tmp_path):
    import sqlite3

    path = tmp_path / "app.sqlite"
    db = AppDB(path)
    for n in range(5):
        db.audit("cora", "coordinator", "view.person", f"p{n}", "", "127.0.0.1")
    db.close()
    ok = run("audit", "--app-db", str(path), "--verify")
    assert ok.exit_code == 0 and "5 rows" in ok.output and "unbroken" in ok.output
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE audit SET target = 'p9' WHERE seq = 3")
    changed = CliRunner().invoke(cli, ["audit", "--app-db", str(path), "--verify"])
    assert changed.exit_code == 1 and "seq=3" in changed.output
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE audit SET target = 'p2' WHERE seq = 3")
        raw.execute("DELETE FROM audit WHERE seq = 2")
    deleted = CliRunner().invoke(cli, ["audit", "--app-db", str(path), "--verify"])
    assert deleted.exit_code == 1 and "seq=3" in deleted.output
