"""Every command of the README runs (issue 27, Every README command runs).

Each ``sh``/``bash`` block and each ``$ ``-prompted line of a ``console`` block of README.md
is run, in document order, in a fresh copy of the tree after ``make demo`` (the README says
its examples run there), with the environment of a newcomer who activated ``.venv``. A
command added to the README is picked up without changing this file. A command passes when
it exits 0 with no traceback. The only commands not run are in :data:`SKIP`, each with its
reason; an entry that no longer matches a README command fails the test, so the list cannot
go stale.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

SKIP = {
    # The whole test suite, this test included (run by the lead and CI, not from here).
    "make test": "runs the whole suite, this test included",
    "make typecheck": "mypy is a test tool: not installed by make demo (make test runs it)",
    "make lock": "resolves against the package index and rewrites the lock files",
    "make bench": "benchmarks take minutes; their scripts print ratios, not pass/fail",
    ".venv/bin/python benchmarks/growth.py": "a benchmark (minutes)",
    "make wheelhouse": "downloads every locked wheel: tests/install/test_wheelhouse.py runs it",
    # Servers in the foreground never return; tests/web and tests/browser serve for real.
    "lacgraph serve lacgraph-report/programme.sqlite": "a server in the foreground",
    "lacgraph serve programme.sqlite [--host 127.0.0.1] [--port 8000] [--app-db FILE] "
    "[--behind-proxy] [--max-upload-mb 200]": "a server in the foreground (options shown in [])",
    "lacgraph serve /srv/lacgraph/programme.sqlite --host 127.0.0.1 --port 8000 "
    "--behind-proxy": "a server in the foreground (deploy/ runs it as a service)",
    # Neo4j: the server runs in the foreground; tests/bolt runs every one of these verbs
    # against a real Neo4j 5.26.
    "make neo4j": "a Neo4j server in the foreground (tests/bolt start their own)",
    "lacgraph load data/ --store bolt://127.0.0.1:7687": "needs the Neo4j of `make neo4j`",
    "lacgraph metrics bolt://127.0.0.1:7687 --at 2024-06-30": "needs the Neo4j of `make neo4j`",
    "lacgraph circle bolt://127.0.0.1:7687 p000123 --at 2024-06-30":
        "needs the Neo4j of `make neo4j`",
    "lacgraph serve bolt://127.0.0.1:7687 --app-db programme.app.sqlite":
        "a server in the foreground, on the Neo4j of `make neo4j`",
}
"""Commands not run, each with its reason (exact command text, comments removed)."""

NEEDS = {"study": "the folder `lacgraph import-nc` writes from examples/netcanvas-study"}
"""A command naming one of these paths as a word runs once the README has made it; before
that it is reported as waiting for it (and counted: at most the import's followers)."""

PLACEHOLDERS = {"LACGRAPH_PSEUDONYM_KEY=...": "LACGRAPH_PSEUDONYM_KEY=readme-test-key"}
"""The README's ``...`` placeholders, with the values the test gives them."""

PASSWORD = "a long enough readme password\n"


def readme_commands(text: str) -> list[str]:
    """Every command of the README's shell blocks, in order (continuations joined,
    comment-only lines dropped, trailing comments kept: bash ignores them)."""
    commands = []
    for kind, body in re.findall(r"```(sh|bash|console)\n(.*?)```", text, flags=re.S):
        lines = body.replace("\\\n", " ").splitlines()
        if kind == "console":
            lines = [line.strip()[2:] for line in lines if line.strip().startswith("$ ")]
        commands += [line.strip() for line in lines
                     if line.strip() and not line.strip().startswith("#")]
    return commands


def bare(command: str) -> str:
    """The command without its trailing ``# comment`` and extra spaces."""
    return " ".join(re.split(r"\s#\s", command, maxsplit=1)[0].split())


def test_readme_commands_are_found() -> None:
    commands = [bare(c) for c in readme_commands(
        (ROOT / "README.md").read_text(encoding="utf-8"))]
    assert "make demo" in commands and len(commands) > 40
    assert all(not c.startswith("$") for c in commands)


def test_every_readme_command_runs(fresh_clone) -> None:
    text = (fresh_clone.root / "README.md").read_text(encoding="utf-8")
    commands = readme_commands(text)
    env = fresh_clone.env()
    matched, waiting, failed, ran = set(), [], [], 0
    for command in commands:
        key = bare(command)
        if key in SKIP:
            matched.add(key)
            continue
        needs = [p for p in NEEDS if re.search(rf"(?<![\w/.-]){re.escape(p)}\b", key)
                 and f"--output {p}" not in key]  # the command that makes it runs
        if any(not (fresh_clone.root / p).exists() for p in needs):
            waiting.append(key)
            continue
        for placeholder, value in PLACEHOLDERS.items():
            command = command.replace(placeholder, value)
        export = re.fullmatch(r"export (\w+)=(\S+)", bare(command))
        if export:
            env[export.group(1)] = export.group(2)
            continue
        stdin = PASSWORD if "--password-stdin" in command else "y\n"
        done = subprocess.run(["bash", "-c", command], cwd=fresh_clone.root, env=env,
                              input=stdin, capture_output=True, text=True, timeout=600)
        ran += 1
        if done.returncode != 0 or "Traceback" in done.stderr:
            failed.append(f"$ {command}\n(exit {done.returncode})\n{done.stderr[-1500:]}")
    stale = set(SKIP) - matched
    assert not stale, f"SKIP entries that match no README command (remove them): {stale}"
    assert not failed, f"{len(failed)} of {ran} README commands failed:\n\n" + "\n\n".join(
        failed)
    assert not waiting, waiting  # every path a command needs was made by the README
    assert ran > 40
