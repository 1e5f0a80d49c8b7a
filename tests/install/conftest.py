"""A fresh clone after ``make demo``: built once per test session (pytest worker) and
shared by the tests of this folder (the PDF, every README command)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Clone:
    """A copy of this source tree with its own ``.venv`` made by ``make demo``."""

    root: Path
    demo_output: str  # what `make demo` printed (both streams)

    @property
    def bin(self) -> Path:
        return self.root / ".venv" / "bin"

    def env(self) -> dict[str, str]:
        """The environment of a newcomer who ran ``source .venv/bin/activate``."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("VIRTUAL_ENV", "PYTHONPATH", "LACGRAPH_PSEUDONYM_KEY")}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(self.root / ".venv")
        return env


def source_files() -> list[str]:
    """What a clone holds: every tracked file and every new one not ignored (so the
    working tree under test, committed or not)."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                          "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    return [name for name in out.decode().split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="session")
def fresh_clone(tmp_path_factory: pytest.TempPathFactory) -> Clone:
    """Copy the source tree to a new folder and run ``make demo`` there, as a newcomer.

    uv installs ``requirements-run.lock`` from its cache only (``UV_OFFLINE=1``: tests run
    without network; ``make .venv/.installed`` of this checkout filled the cache with a
    superset of those wheels).
    """
    root = tmp_path_factory.mktemp("clone") / "lacgraph"
    for name in source_files():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["UV_OFFLINE"] = "1"
    done = subprocess.run(["make", "demo"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return Clone(root, output)
