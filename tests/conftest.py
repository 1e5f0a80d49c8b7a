"""Shared fixtures: the external check data (in tests/data), and random temporal networks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lacgraph.model import KIND_ENDPOINTS
from lacgraph.tables import Tables
from tests import boltserver

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


@pytest.fixture(scope="session", autouse=True)
def _stop_bolt_server() -> Iterator[None]:
    """Stop the Bolt server (if a test started one) when the session ends."""
    yield
    boltserver.stop_server()


# Folders whose tests all talk to the one Bolt server of a test session.
BOLT_FOLDERS = ("bolt", "contract")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Say which tests must share a pytest-xdist worker (``make test``: ``--dist loadgroup``).

    Each file stays on one worker (its module fixtures are built once), and every test of
    the Bolt server runs on the same worker, so one server is started and no two workers
    write to the same server at once.
    """
    for item in items:
        folder = item.path.parent.name
        uses_bolt = folder in BOLT_FOLDERS or "bolt" in getattr(item, "fixturenames", ())
        group = "bolt" if uses_bolt else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture
def bolt() -> boltserver.BoltServer:
    """The session's Bolt server (FalkorDB here, or the Neo4j of ``NEO4J_URI``)."""
    return boltserver.server()


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
