"""No change without its audit row (issue 23, finding 5): ``lacgraph serve`` killed with
SIGKILL at random moments while coordinators record changes, over and over.

Each trial is a real SIGKILL of a serving process: the ``lacgraph serve`` command (its
click entry point, waitress, the web app, the store file and the app database), running
in a process of its own that is forked from a helper which has already imported
lacgraph, so a trial costs a fork and not the ~1-6 s of imports of a fresh interpreter
on a busy machine. A few trials also start ``lacgraph serve`` as a fresh program. After
the last kill the server starts once more (as after a crash); then every change stored
has its audit row, and every ``record.add`` audit row its change.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from lacgraph.stores import MemoryStore
from lacgraph.tables import Tables
from lacgraph.web.appdb import AppDB
from tests.web.fixtures import PASSWORD, QUICK_HASHER, add_accounts, date_boxes, hostile_tables
from tests.web.live import Client, free_port, lacgraph_serve, wait_for

TRIALS = int(os.environ.get("KILL_TRIALS", "100"))
FRESH = 1  # of them with a freshly started program
POSTERS = 3
PEOPLE = 20

HELPER = r"""
import os, sys
from lacgraph.cli import cli
import lacgraph.web.app, lacgraph.web.record, waitress  # noqa: F401  (imported once, here)
for line in sys.stdin:
    args = line.split()
    pid = os.fork()
    if pid == 0:
        sys.stdin.close()
        out = os.open(args[-1], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(out, 1); os.dup2(out, 2)
        try:
            cli.main(args[:-1], prog_name="lacgraph", standalone_mode=False)
        finally:
            os._exit(0)
    print(pid, flush=True)
    while True:  # reap the servers killed so far
        try:
            done, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if done == 0:
            break
"""


class Forker:
    """The helper: one forked ``lacgraph serve`` per :meth:`serve`."""

    def __init__(self, log: Path):
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-c", HELPER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, env={**os.environ, "LACGRAPH_PSEUDONYM_KEY": "kill test key"})

    def serve(self, store: Path, app_db: Path) -> tuple[int, str]:
        port = free_port()
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"serve {store} --app-db {app_db} --port {port} "
                                 f"--threads 4 {self.log}\n")
        self.process.stdin.flush()
        pid = int(self.process.stdout.readline())
        return pid, f"http://127.0.0.1:{port}"

    def close(self) -> None:
        """Stop the helper (the servers are all killed by then)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


def _wait(base: str, pid: int, seconds: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{base} (pid {pid}) did not answer")
        time.sleep(0.02)


def _load(client: Client, person: str, trial: int, stop: threading.Event, sent: list[str],
          posting: threading.Event) -> list[threading.Thread]:
    """Coordinators (one logged-in session, several tabs) adding new people to
    ``person``'s circle as fast as they can, until the server dies; ``posting`` is set
    when the first add is on its way."""
    def post(n: int) -> None:
        try:
            i = 0
            while not stop.is_set():
                status, page = client.request(f"/people/{person}", timeout=20)
                fields = {"csrf_token": _hidden(page, 'name="csrf_token" value="'),
                          "form_token": _hidden(page, 'name="form_token" value="', ""),
                          "new_name": f"Kill {trial}-{n}-{i}", "new_type": "person",
                          "kind": "friend", **date_boxes("start", "01/02/2024")}
                sent.append(fields["new_name"])
                posting.set()
                client.request(f"/people/{person}/connections/add",
                               urllib.parse.urlencode(fields).encode(),
                               {"Content-Type": "application/x-www-form-urlencoded"},
                               timeout=20)
                i += 1
        except (OSError, http.client.HTTPException, AssertionError, ValueError):
            return  # the server was killed under us

    threads = [threading.Thread(target=post, args=(n,), daemon=True) for n in range(POSTERS)]
    for t in threads:
        t.start()
    return threads


def _hidden(page: str, marker: str, missing: str | None = None) -> str:
    at = page.find(marker)
    if at < 0 and missing is not None:
        return missing
    assert at >= 0, "no form on the page"
    return page[at + len(marker):page.index('"', at + len(marker))]


@pytest.mark.slow
def test_sigkill_at_random_points_never_leaves_a_change_without_its_audit_row(tmp_path):
    store, app_db = tmp_path / "programme.sqlite", tmp_path / "app.sqlite"
    nodes, ties = (frame.to_dict("records") for frame in hostile_tables().to_text())
    for k in range(PEOPLE):  # cora's caseload grows: each page stays small
        nodes.append({"id": f"k{k}", "type": "person", "label": f"Kim {k}", "coordinator": "c1",
                      "supported": "true", "introduced_on": "2024-01-01"})
        ties.append({"source": f"k{k}", "target": "c1", "kind": "coordinator",
                     "start": "2024-01-01"})
    with MemoryStore(store) as s:
        s.write(Tables.from_records(nodes, ties))
    db = AppDB(app_db, hasher=QUICK_HASHER)
    add_accounts(db)
    db.close()
    rng = random.Random(23)
    forker = Forker(tmp_path / "serve.log")
    sent: list[str] = []
    client: Client | None = None
    started = time.monotonic()
    try:
        for trial in range(TRIALS):
            if trial < FRESH:  # a fresh program, killed the same way
                process = subprocess.Popen(
                    [str(Path(sys.executable).with_name("lacgraph")), "serve", str(store),
                     "--app-db", str(app_db), "--port", str(port := free_port())],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    env={**os.environ, "LACGRAPH_PSEUDONYM_KEY": "kill test key"})
                pid, base = process.pid, f"http://127.0.0.1:{port}"
                wait_for(base + "/healthz", process)
            else:
                process = None
                pid, base = forker.serve(store, app_db)
                _wait(base, pid)
            if client is None:  # one session for every trial: it lives in the app database
                client = Client(base)
                client.log_in("cora", PASSWORD)
            client.base = base
            stop, posting = threading.Event(), threading.Event()
            threads = _load(client, f"k{trial % PEOPLE}", trial, stop, sent, posting)
            posting.wait(timeout=60)
            time.sleep(rng.uniform(0.0, 1.0))  # a random point of the next few requests
            os.kill(pid, signal.SIGKILL)
            stop.set()
            if process is not None:
                process.wait()
            for t in threads:
                t.join(timeout=15)
        with lacgraph_serve(store, app_db):  # started once more, as after a crash
            pass
    finally:
        forker.close()
    elapsed = time.monotonic() - started
    with MemoryStore(store) as s:
        nodes = s.read().nodes
    stored = set(nodes.loc[nodes["label"].str.startswith("Kill "), "label"])
    db = AppDB(app_db, hasher=QUICK_HASHER)
    rows = db.audit_log(action="record.add")
    assert db.verify_audit()[1] is None
    db.close()
    audited = [json.loads(r[6])["after"]["new"]["label"] for r in rows]
    recovered = sum("recovered" in str(r[7]) for r in rows)
    print(f"\n{TRIALS} SIGKILLs in {elapsed:.0f} s: {len(sent)} adds sent, {len(stored)} "
          f"stored, {len(audited)} audited ({recovered} written after a restart)")
    assert stored, "no change was stored at all: the trials tested nothing"
    assert stored - set(audited) == set(), "changes stored without their audit row"
    assert set(audited) - stored == set(), "audit rows for changes that are not stored"
    assert len(audited) == len(set(audited)), "an audit row written twice"
