"""A regular (non-editable) install ships exactly the packages in pyproject.toml: check
that every package folder of the source tree is listed there, with its import name."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_folder_is_installed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"]
    listed = set(config["packages"])
    folders = config["package-dir"]
    found = set()
    for name, folder in folders.items():
        base = ROOT / folder
        for init in base.rglob("__init__.py"):
            relative = init.parent.relative_to(base)
            parts = [p for p in relative.parts if p]
            found.add(".".join([name, *parts]))
    assert found == listed, f"pyproject packages differ from the source tree: {found ^ listed}"


def test_no_generic_top_level_import_names():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"]
    assert all(p == "lacgraph" or p.startswith("lacgraph.") for p in config["packages"])


def test_test_helpers_do_not_ship():
    """The slow references (plain networkx measures, full-scan ego) live in tests/ only."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"]
    shipped = [path for folder in config["package-dir"].values()
               for path in (ROOT / folder).rglob("*.py")]
    assert shipped and not [p for p in shipped if p.name == "reference.py"]
    assert (ROOT / "tests" / "reference.py").is_file()
    for path in shipped:
        text = path.read_text(encoding="utf-8")
        assert "from tests" not in text and "import tests" not in text, path
