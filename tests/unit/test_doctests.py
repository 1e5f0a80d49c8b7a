"""Run every docstring example, importing modules by their real names (``lacgraph.*``)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import matplotlib.pyplot as plt
import pytest

import lacgraph

SUBPACKAGES = ["lacgraph", "lacgraph.analysis", "lacgraph.rights", "lacgraph.readwrite",
               "lacgraph.audit", "lacgraph.loaders", "lacgraph.queries", "lacgraph.viz",
               "lacgraph.stores", "lacgraph.web", "lacgraph.report"]


def module_names() -> list[str]:
    names = []
    for package_name in SUBPACKAGES:
        package = importlib.import_module(package_name)
        names.append(package_name)
        for info in pkgutil.iter_modules(package.__path__):
            if not info.ispkg:
                names.append(f"{package_name}.{info.name}")
    return sorted(set(names))


def test_modules_found():
    names = module_names()
    assert "lacgraph.analysis.measures" in names and "lacgraph.loaders.validate" in names


@pytest.mark.parametrize("name", module_names())
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    plt.close("all")
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"


def test_public_api_is_pinned():
    assert sorted(lacgraph.__all__) == sorted([
        "CIRCLE_COLUMNS", "MEASURE_COLUMNS", "InputError", "LacgraphError", "Network",
        "NotFound", "Problem", "QueryError", "Snapshot", "StoreError", "StoreUnavailable",
        "Tables", "ego_measures", "open", "project", "Growth",
    ])
    for name in lacgraph.__all__:
        assert hasattr(lacgraph, name)


def test_public_names_do_not_hide_submodules():
    for name in module_names():
        short = name.removeprefix("lacgraph.")
        if "." not in short and hasattr(lacgraph, short):
            assert getattr(lacgraph, short).__name__ == name, f"lacgraph.{short} is not the module"
