"""Where a programme's network lives: the store interface and its implementations.

Examples
--------
>>> store = open_store(None)
>>> type(store).__name__
'MemoryStore'
>>> open_store("bolt://localhost:7687")
Traceback (most recent call last):
...
lacgraph.errors.StoreError: The Neo4j store is not available yet
"""

from __future__ import annotations

import os
import re

from lacgraph.errors import StoreError
from lacgraph.stores.base import LoadSummary, Progress, Store
from lacgraph.stores.memory import MemoryStore

__all__ = ["LoadSummary", "MemoryStore", "Progress", "Store", "open_store"]

_NEO4J_URI = re.compile(r"^(bolt|neo4j)(\+s|\+ssc)?://", re.IGNORECASE)


def open_store(target: str | os.PathLike[str] | None = None) -> Store:
    """Open the store ``target`` names.

    Parameters
    ----------
    target : str, os.PathLike or None
        ``None`` for a store kept in memory only; a ``bolt://`` or ``neo4j://`` URI for
        a Neo4j database; anything else is the path of a store file (created if absent).

    Returns
    -------
    Store

    Raises
    ------
    StoreError
        When the store cannot be opened.

    Examples
    --------
    >>> with open_store() as store:
    ...     len(store.read().nodes)
    0
    """
    if target is None:
        return MemoryStore()
    if isinstance(target, str) and _NEO4J_URI.match(target):
        raise StoreError("The Neo4j store is not available yet")
    return MemoryStore(target)
