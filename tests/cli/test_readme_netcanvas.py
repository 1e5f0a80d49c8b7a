"""The README's Network Canvas section runs as written on examples/netcanvas-study: every
``$`` command of its console blocks, in order, in a fresh folder holding only examples/,
and every output line the README shows is printed (issue 24, "Done when")."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Network Canvas studies, Gephi and R"


def console_blocks() -> list[list[tuple[str, list[str]]]]:
    """Each console block of the section as (command, shown output lines) in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.index("\n## ", start + len(SECTION))
    blocks = []
    for body in re.findall(r"```console\n(.*?)```", text[start:end], flags=re.S):
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        steps: list[tuple[str, list[str]]] = []
        for line in lines:
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        blocks.append(steps)
    return blocks


def test_the_readme_network_canvas_commands_run_as_written(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    steps = [step for block in console_blocks() for step in block]
    commands = [command for command, _ in steps]
    assert any(c.startswith("lacgraph import-nc examples/netcanvas-study/export") for c in commands)
    assert any(c.startswith("lacgraph growth study") for c in commands)
    assert any(c.startswith("lacgraph export study") for c in commands)
    for command, shown in steps:
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        printed = [line.strip() for line in (done.stdout + done.stderr).splitlines()]
        for line in shown:
            assert line in printed, (command, line, printed)
    # what the commands made is what the README says they make
    growth = pd.read_csv(tmp_path / "growth.csv", dtype={"id": str}).set_index("id")
    p1 = growth.loc["LAC networks:P001"]
    assert (p1["kept"], p1["new"], p1["lost"]) == (3, 2, 1)
    assert (p1["jaccard"], p1["turnover"]) == (0.5, 0.5)
    assert abs(p1["new_tied_to_old"] - 1 / 6) < 1e-9
    p2 = growth.loc["LAC networks:P002"]  # after the "same" decision
    assert (p2["kept"], p2["new"], p2["lost"], p2["jaccard"]) == (3, 1, 0, 0.75)
    assert "mean_jaccard" in (tmp_path / "summary.json").read_text()
    G = nx.read_graphml(tmp_path / "study.graphml")
    assert G.number_of_nodes() == 24
    assert nx.read_gexf(tmp_path / "study.gexf").number_of_nodes() == 24
