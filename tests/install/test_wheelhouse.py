"""``make wheelhouse`` (issue 27, Offline-capable install): the run lock's wheels in one
folder, from which a fresh venv installs lacgraph with no package index at all, exactly as
deploy/README.md tells a council server without internet access to."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def no_index_env() -> dict[str, str]:
    """No pip settings of this machine (its index, its find-links folder): only the
    wheelhouse can supply a package."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "UV_")) and k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PIP_CONFIG_FILE"] = os.devnull
    return env


def test_install_from_the_wheelhouse_without_an_index(fresh_clone, tmp_path):
    root = fresh_clone.root
    made = subprocess.run(["make", "wheelhouse"], cwd=root, capture_output=True, text=True,
                          timeout=600)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "Downloading the " in made.stdout
    wheels = sorted(p.name for p in (root / "wheelhouse").iterdir())
    assert wheels and all(w.endswith(".whl") for w in wheels)
    assert any(w.startswith("playwright-") for w in wheels)
    assert any(w.startswith("neo4j_rust_ext-") for w in wheels)  # imported as neo4j._rust

    readme = (root / "deploy" / "README.md").read_text(encoding="utf-8")
    steps = re.search(r"```sh\n(python3 -m venv \.venv\n.*?)```", readme, flags=re.S)
    assert steps, "deploy/README.md: the offline install block"
    venv = tmp_path / "server"
    env = no_index_env()
    for line in steps.group(1).strip().splitlines():  # the documented commands, as written
        command = line.replace(".venv", str(venv)).replace("python3", sys.executable, 1) \
            if line.startswith("python3") else line.replace(".venv", str(venv))
        done = subprocess.run(command, shell=True, cwd=root, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"
    lacgraph = venv / "bin" / "lacgraph"
    done = subprocess.run([str(lacgraph), "metrics", str(root / "lacgraph-report" / "data"),
                           "--at", "2024-06-30", "--format", "csv"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("id,size,natural,community,paid,")
    check = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import playwright.sync_api, neo4j._rust"], env=env,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
