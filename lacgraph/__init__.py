"""lacgraph: relationship network analysis for Local Area Coordination programmes.

>>> import lacgraph
>>> sorted(lacgraph.MEASURE_COLUMNS)[:3]
['at_risk', 'brokered', 'circle1']
"""

from lacgraph.errors import (
    InputError,
    LacgraphError,
    NotFound,
    Problem,
    QueryError,
    StoreError,
    StoreUnavailable,
)
from lacgraph.growth import Growth
from lacgraph.measures import MEASURE_COLUMNS, ego_measures
from lacgraph.network import CIRCLE_COLUMNS, Network, open
from lacgraph.snapshot import Snapshot, project
from lacgraph.tables import Tables

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
