"""What the verbs need from a dated network: the small protocol below the facade.

The verbs (:mod:`lacgraph.analysis.circle`, :mod:`lacgraph.analysis.growth`, :mod:`lacgraph.analysis.clusters`, the
pictures in :mod:`lacgraph.viz`) ask questions of a programme's network "at" a date. They
take any object with the five members of :class:`DatedNetwork`, never the facade
:class:`lacgraph.network.Network` that calls them, so the import arrows run one way:
``network -> circle/growth/clusters -> dated -> snapshot/stores/tables``.
:class:`~lacgraph.network.Network` satisfies the protocol.

Examples
--------
>>> from lacgraph.network import Network
>>> from lacgraph.tables import Tables
>>> G: DatedNetwork = Network.from_tables(Tables.from_records(
...     nodes=[{"id": "sam", "type": "person"}], ties=[]))
>>> str(G.resolve_date("2024-01-31")), G.node("sam")["type"]
('2024-01-31', 'person')
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from lacgraph.analysis.snapshot import Snapshot
from lacgraph.stores.base import Store
from lacgraph.tables import DateLike, Tables


class DatedNetwork(Protocol):
    """A programme's network asked questions at a date (what every verb reads)."""

    @property
    def store(self) -> Store:
        """The store the network reads from (ego lookups, active ties at a date)."""
        ...

    @property
    def tables(self) -> Tables:
        """Everything the store holds, all dates."""
        ...

    def resolve_date(self, at: DateLike | None) -> np.datetime64:
        """Return ``at`` as a day, or the data's last date when ``at`` is None."""
        ...

    def snapshot(self, at: DateLike | None = None) -> Snapshot:
        """Return the network at ``at`` projected for vectorised measures."""
        ...

    def node(self, node_id: str) -> pd.Series:
        """Return one node's row; :class:`~lacgraph.errors.NotFound` if it is not there."""
        ...
