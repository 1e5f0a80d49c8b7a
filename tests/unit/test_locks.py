"""The lock files hold what pyproject.toml names, so an install from a lock alone is what
was tested.

``requirements-run.lock`` (what ``make demo`` installs, and a council server's install)
must hold every main dependency and the build backend; ``requirements.lock`` also every
``test`` extra and every other extra; both at versions the specifiers allow, each with
hashes, and the run lock at exactly the full lock's versions (``make lock`` resolves the
run lock with the full lock as a constraint). A lock refreshed by hand for one file only,
as once happened when ``neo4j-rust-ext`` was added (``requirements.lock`` was compiled,
``requirements-run.lock`` was not), fails here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def pins(lock: str) -> dict[str, tuple[str, int]]:
    """``{canonical name: (version, number of hashes)}`` of a uv/pip-compile lock file."""
    found: dict[str, tuple[str, int]] = {}
    name = ""
    for line in (ROOT / lock).read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            name = canonicalize_name(match.group(1))
            found[name] = (match.group(2), found.get(name, ("", 0))[1])
        elif line.strip().startswith("--hash=sha256:") and name:
            version, hashes = found[name]
            found[name] = (version, hashes + 1)
        elif line and not line.startswith(" "):
            name = ""
    return found


def wanted(*extras: str) -> list[Requirement]:
    project = PYPROJECT["project"]
    names = list(project["dependencies"]) + list(PYPROJECT["build-system"]["requires"])
    for extra in extras:
        names += project["optional-dependencies"][extra]
    return [Requirement(r) for r in names]


def test_pins_parser_reads_a_lock_entry():
    text = pins("requirements-run.lock")
    assert "numpy" in text and text["numpy"][1] >= 1


@pytest.mark.parametrize(("lock", "extras"), [
    ("requirements-run.lock", ()),
    ("requirements.lock", tuple(PYPROJECT["project"]["optional-dependencies"])),
])
def test_lock_holds_every_dependency_pyproject_names(lock, extras):
    held = pins(lock)
    missing, wrong, unhashed = [], [], []
    for req in wanted(*extras):
        if req.marker is not None and not req.marker.evaluate():
            continue
        name = canonicalize_name(req.name)
        if name not in held:
            missing.append(str(req))
            continue
        version, hashes = held[name]
        if not req.specifier.contains(version, prereleases=True):
            wrong.append(f"{req} (locked {version})")
        if hashes == 0:
            unhashed.append(name)
    assert not missing, f"{lock} lacks {missing}: run `make lock`"
    assert not wrong, f"{lock} pins versions pyproject.toml does not allow: {wrong}"
    assert not unhashed, f"{lock} has entries without hashes: {unhashed}"


def test_run_lock_is_the_full_lock_s_versions():
    run, full = pins("requirements-run.lock"), pins("requirements.lock")
    assert set(run) <= set(full), f"only in the run lock: {sorted(set(run) - set(full))}"
    differ = {n: (v, full[n][0]) for n, (v, _) in run.items() if full[n][0] != v}
    assert not differ, f"run lock and full lock disagree (run, full): {differ}"


def test_pdf_printing_needs_nothing_beyond_the_run_lock():
    """`lacgraph report --pdf` right after `make demo`: playwright is in the run lock."""
    assert "playwright" in pins("requirements-run.lock")
    assert "neo4j-rust-ext" in pins("requirements-run.lock")
