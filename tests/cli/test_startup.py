"""``lacgraph --help`` stays light: no heavy library is imported for help or a usage error.

Run in a fresh interpreter (the test session itself has pandas loaded), so the check is
exact and independent of the machine's speed: it reads ``sys.modules``, not a clock.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pandas", "numpy", "scipy", "matplotlib", "igraph", "networkx", "flask",
         "openpyxl", "neo4j", "pyvis", "tqdm")

PROBE = """
import json, sys
import click
import lacgraph.cli
from lacgraph.cli import cli

def run(args):
    try:
        cli.main(args, prog_name="lacgraph", standalone_mode=False)
    except (click.UsageError, click.exceptions.Exit, SystemExit):
        pass

run(["--help"])
for verb in sorted(cli.commands):
    command = cli.commands[verb]
    run([verb, "--help"])
    for sub in sorted(getattr(command, "commands", {})):
        run([verb, sub, "--help"])
run(["metrics"])                              # missing argument
run(["metrics", "x", "--at", "not-a-date"])   # bad option value
run(["no-such-verb"])
# mistakes in a command's own arguments, found before it loads anything
run(["growth", "data"])                                          # no window
run(["growth", "data", "--months", "6", "--summary", "--format", "xlsx"])
run(["report", "data", "-o", "report.txt"])                      # not an .html file
run(["report", "data", "--months", "6", "--from", "2024-01-01", "-o", "r.html"])
run(["metrics", "bolt://127.0.0.1:1", "--user", "ann", "--database", "x", "--at", "x"])
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(sys.argv[1])))
print(json.dumps({"verbs": sorted(cli.commands), "heavy": heavy}))
"""


def probe() -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(HEAVY)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_help_and_usage_errors_import_no_heavy_library() -> None:
    result = probe()
    assert {"load", "metrics", "demo", "circle", "growth", "serve"} <= set(result["verbs"])
    assert result["heavy"] == []


def test_the_probe_would_see_a_heavy_import() -> None:
    """The same probe reports pandas once a verb's work is imported (the check can fail)."""
    done = subprocess.run(
        [sys.executable, "-c", "import sys, lacgraph; lacgraph.Tables; "
         "print('pandas' in sys.modules)"],
        capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
