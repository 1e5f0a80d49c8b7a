"""Shared fixtures: the external check data (in tests/data), and random temporal networks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lacgraph.model import KIND_ENDPOINTS
from lacgraph.tables import Tables
from tests.neo4jserver import TEST_JVM, Neo4jServer, ServerError

DATA = Path(__file__).resolve().parent / "data"
"""External check data kept with the tests; each folder says where it came from."""


@pytest.fixture(scope="session")
def egor32() -> Path:
    """The egor32 folder: egor's example ego networks and their measure values
    (``tests/data/egor32/PROVENANCE.md``)."""
    return DATA / "egor32"


@pytest.fixture(scope="session")
def borgatti() -> Path:
    """Borgatti's structural-holes example graph with the constraint and effective size
    networkx's tests check against UCINET (``tests/data/borgatti/PROVENANCE.md``)."""
    return DATA / "borgatti"


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jServer]:
    """A real Neo4j 5.26 server for this test session (this xdist worker): 127.0.0.1, a
    free port, a random password; built with Maven if needed, stopped at the end."""
    try:
        server = Neo4jServer(jvm=TEST_JVM)
    except ServerError as err:
        pytest.fail(str(err), pytrace=False)
    yield server
    server.kill()  # its folder goes next: no need to wait for a clean shutdown
    server.stop()


# Folders whose tests all talk to the one Neo4j server of a test session.
BOLT_FOLDERS = ("bolt", "contract")


def worker_group(nodeid: str) -> str:
    """The group of tests that one pytest-xdist worker runs together (``make test``:
    ``--dist loadgroup``): every test of the Neo4j server (``bolt``), else the test's file.

    Each file stays on one worker, so its module fixtures are built once; all tests of the
    Neo4j server share a worker, so one server is started and no two workers write to the
    same database at once. (A Neo4j test elsewhere would start its own worker's server.)

    Examples
    --------
    >>> worker_group("tests/contract/test_store_contract.py::test_read[neo4j]")
    'bolt'
    >>> worker_group("tests/unit/test_growth.py::test_summary")
    'tests/unit/test_growth.py'
    >>> worker_group("tests/install/test_readme.py::test_every_readme_command_runs")
    'install'
    """
    path = nodeid.split("::")[0]
    if Path(path).parent.name == "install":  # one fresh clone + `make demo` for them all
        return "install"
    return "bolt" if Path(path).parent.name in BOLT_FOLDERS else path


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """``--dist loadgroup`` by :func:`worker_group`.

    pytest-xdist's own loadgroup reads ``xdist_group`` marks through a node id suffix that
    pytest 9 no longer keeps, so every test would go to whichever worker is free: each
    file's module fixtures built on both workers, and a Neo4j server started on both. The
    groups keep the order the workers collected them in (see
    :func:`pytest_collection_modifyitems`), not xdist's most-tests-first order.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return worker_group(nodeid)

    config.option.loadscopereorder = False
    return GroupScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the groups (:func:`worker_group`) holding a ``slow`` test first, so that no long
    group is left to run alone on one worker at the end of ``make test``."""
    slow = {worker_group(item.nodeid) for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: worker_group(item.nodeid) not in slow)  # stable


@pytest.fixture
def neo4j(neo4j_server: Neo4jServer) -> Neo4jServer:
    """The session's Neo4j server, checked to be alive (its log shown if not)."""
    try:
        neo4j_server.check_alive()
    except ServerError as err:
        pytest.fail(str(err), pytrace=False)
    return neo4j_server


def random_network(seed: int, n_people: int = 25, n_ties: int = 90, at: str = "2024-06-01"
                   ) -> Tables:
    """A random dated network with every node type, multi-ties, and ties that start or
    end exactly on ``at`` (so the active-at-t rule is exercised on its boundary)."""
    rng = np.random.default_rng(seed)
    types = (["person"] * n_people + ["group"] * 3 + ["service"] * 2 + ["coordinator"] * 2
             + ["family"] * 2)
    ids = [f"{t[0]}{i:02d}" for i, t in enumerate(types)]
    by_type: dict[str, list[str]] = {}
    for node, kind in zip(ids, types, strict=True):
        by_type.setdefault(kind, []).append(node)
    nodes = [{"id": i, "type": t, "label": f"Label {i}"} for i, t in zip(ids, types, strict=True)]
    kinds = list(KIND_ENDPOINTS)
    t = np.datetime64(at)
    ties, seen = [], set()
    while len(ties) < n_ties:
        kind = kinds[rng.integers(len(kinds))]
        pair = sorted(next(iter(KIND_ENDPOINTS[kind])))
        a_type, b_type = (pair[0], pair[0]) if len(pair) == 1 else pair
        a = by_type[a_type][rng.integers(len(by_type[a_type]))]
        b = by_type[b_type][rng.integers(len(by_type[b_type]))]
        if a == b:
            continue
        roll = rng.random()
        start = t if roll < 0.1 else t - rng.integers(1, 400)
        end = t if roll > 0.9 else (start + rng.integers(1, 600) if rng.random() < 0.3 else None)
        key = (min(a, b), max(a, b), kind, str(start))
        if key in seen or (end is not None and end <= start):
            continue
        seen.add(key)
        ties.append({
            "source": a, "target": b, "kind": kind, "start": str(start),
            "end": "" if end is None else str(end),
            "circle": str(rng.integers(1, 5)) if rng.random() < 0.5 else "",
            "reciprocal": bool(rng.random() < 0.4),
            "brokered_by": by_type["coordinator"][0] if rng.random() < 0.3 else "",
        })
    return Tables.from_records(nodes, ties)


def read_text_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)
