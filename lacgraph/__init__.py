"""lacgraph: relationship network analysis for Local Area Coordination programmes.

The public names below are loaded on first use, so ``import lacgraph`` (and the
``lacgraph`` command's ``--help``) does not pay for numpy, pandas and scipy.

>>> import lacgraph
>>> sorted(lacgraph.MEASURE_COLUMNS)[:3]
['at_risk', 'brokered', 'circle1']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from lacgraph.errors import (
    InputError,
    LacgraphError,
    NotFound,
    Problem,
    QueryError,
    StoreError,
    StoreUnavailable,
)

if TYPE_CHECKING:
    from lacgraph.analysis.circle import CIRCLE_COLUMNS
    from lacgraph.analysis.growth import Growth
    from lacgraph.analysis.measures import MEASURE_COLUMNS, ego_measures
    from lacgraph.analysis.snapshot import Snapshot, project
    from lacgraph.network import Network, open
    from lacgraph.tables import Tables

_LAZY = {
    "CIRCLE_COLUMNS": "lacgraph.analysis.circle",
    "Growth": "lacgraph.analysis.growth",
    "MEASURE_COLUMNS": "lacgraph.analysis.measures",
    "Network": "lacgraph.network",
    "Snapshot": "lacgraph.analysis.snapshot",
    "Tables": "lacgraph.tables",
    "ego_measures": "lacgraph.analysis.measures",
    "open": "lacgraph.network",
    "project": "lacgraph.analysis.snapshot",
}


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'lacgraph' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "CIRCLE_COLUMNS",
    "MEASURE_COLUMNS",
    "InputError",
    "LacgraphError",
    "Growth",
    "Network",
    "NotFound",
    "Problem",
    "QueryError",
    "Snapshot",
    "StoreError",
    "StoreUnavailable",
    "Tables",
    "ego_measures",
    "open",
    "project",
]
