"""Import arrows run one way, and product code never asks whether a sibling module exists.

Every import statement of every product module is read with :mod:`ast` (module level,
inside functions, under ``if TYPE_CHECKING:``: all of them are arrows) and resolved to the
project module it names; the graph of those arrows must have no cycle.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[2]

FORBIDDEN = ("optional_module", "inspect.signature")
"""Run-time probes for a sibling module or a function's parameters: the code is all there."""


def product_modules() -> dict[str, Path]:
    """Map each installed module name (``lacgraph.viz.circle``) to its source file."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    folders = config["tool"]["setuptools"]["package-dir"]
    modules = {}
    for package, folder in folders.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join([package, *parts])] = path
    return modules


MODULES = product_modules()


def imported_names(name: str, path: Path) -> list[tuple[str, int]]:
    """Every module name ``path`` imports (as written, resolved if relative), with lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # ``from lacgraph.analysis import circle`` imports the module lacgraph.analysis.circle
            found += [(f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES
                       else module, node.lineno) for alias in node.names]
    return found


def import_graph() -> nx.DiGraph:
    """Arrows between project modules: ``a -> b`` when ``a`` imports ``b`` anywhere."""
    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    for name, path in MODULES.items():
        for target, line in imported_names(name, path):
            while target and target not in MODULES:  # lacgraph.stores.base.Store -> module
                target = target.rpartition(".")[0]
            if target and target != name:
                graph.add_edge(name, target, line=line)
    return graph


def test_every_product_folder_is_read():
    assert {"lacgraph.network", "lacgraph.analysis.circle", "lacgraph.loaders.validate",
            "lacgraph.queries", "lacgraph.viz.circle", "lacgraph.web.app",
            "lacgraph.stores.memory"} <= set(MODULES)
    assert not any(name.startswith("lacgraph.reference") for name in MODULES)


def test_the_reader_sees_every_kind_of_import(tmp_path):
    path = tmp_path / "sample.py"
    path.write_text(
        "from typing import TYPE_CHECKING\n"
        "import lacgraph.model\n"
        "from .analysis import circle\n"
        "from .analysis.snapshot import Snapshot\n"
        "if TYPE_CHECKING:\n"
        "    from lacgraph.network import Network\n"
        "def verb():\n"
        "    from lacgraph.analysis import growth\n", encoding="utf-8")
    names = {n for n, _ in imported_names("lacgraph.sample", path)}
    assert {"lacgraph.model", "lacgraph.analysis.circle", "lacgraph.analysis.snapshot", "lacgraph.network",
            "lacgraph.analysis.growth"} <= names


def test_no_import_cycle_among_project_modules():
    graph = import_graph()
    assert graph.number_of_edges() > 50
    cycles = []
    for cycle in nx.simple_cycles(graph):
        steps = zip(cycle, cycle[1:] + cycle[:1], strict=True)
        cycles.append(" -> ".join(f"{a} (line {graph.edges[a, b]['line']})"
                                  for a, b in steps) + f" -> {cycle[0]}")
        if len(cycles) == 20:
            break
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_verbs_never_import_the_facade():
    graph = import_graph()
    below = {"lacgraph.analysis.circle", "lacgraph.analysis.growth", "lacgraph.analysis.clusters",
             "lacgraph.analysis.communities", "lacgraph.analysis.measures",
             "lacgraph.analysis.snapshot", "lacgraph.dated", "lacgraph.viz.circle", "lacgraph.viz.html",
             "lacgraph.viz.growth", "lacgraph.viz.clusters"}
    for name in below & set(graph):
        assert "lacgraph.network" not in nx.descendants(graph, name), name


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_run_time_probe_for_sibling_code(name):
    text = MODULES[name].read_text(encoding="utf-8")
    found = [word for word in FORBIDDEN if word in text]
    assert not found, f"{MODULES[name].relative_to(ROOT)} uses {', '.join(found)}"


PACKAGE_RULES = {
    "lacgraph.analysis": ("lacgraph.network", "lacgraph.web", "lacgraph.cli", "lacgraph.report",
                          "lacgraph.viz", "lacgraph.rights", "lacgraph.readwrite",
                          "lacgraph.audit", "lacgraph.demo"),
    "lacgraph.rights": ("lacgraph.network", "lacgraph.web", "lacgraph.cli", "lacgraph.report",
                        "lacgraph.viz", "lacgraph.demo"),
    "lacgraph.readwrite": ("lacgraph.network", "lacgraph.web", "lacgraph.cli",
                           "lacgraph.report", "lacgraph.rights", "lacgraph.demo"),
    "lacgraph.audit": ("lacgraph.network", "lacgraph.web", "lacgraph.cli", "lacgraph.report",
                       "lacgraph.analysis", "lacgraph.viz", "lacgraph.demo"),
    "lacgraph.stores": ("lacgraph.network", "lacgraph.web", "lacgraph.cli", "lacgraph.report",
                        "lacgraph.viz", "lacgraph.demo"),
    "lacgraph.viz": ("lacgraph.network", "lacgraph.web", "lacgraph.cli", "lacgraph.report",
                     "lacgraph.demo"),
}
"""Each subpackage and the packages it must never import (its docstring says the same)."""


@pytest.mark.parametrize("package", sorted(PACKAGE_RULES))
def test_each_package_keeps_to_its_imports(package):
    graph = import_graph()
    inside = [name for name in graph if name == package or name.startswith(package + ".")]
    forbidden = PACKAGE_RULES[package]
    broken = [f"{a} imports {b} (line {graph.edges[a, b]['line']})"
              for a in inside for b in graph.successors(a)
              if any(b == f or b.startswith(f + ".") for f in forbidden)]
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("package", sorted(PACKAGE_RULES))
def test_each_package_says_what_it_may_import(package):
    doc = ast.get_docstring(ast.parse(MODULES[package].read_text(encoding="utf-8")))
    assert doc and ("May import" in doc or "may import" in doc), package


def test_top_level_holds_only_the_facade_core_and_subpackages():
    core = {"__init__", "network", "model", "tables", "errors", "output", "uri", "dated", "i18n",
            "differencing",
            "privacy", "disclosure", "synthetic", "demo"}
    top = {p.stem for p in (ROOT / "lacgraph").glob("*.py")}
    assert top <= core, sorted(top - core)
