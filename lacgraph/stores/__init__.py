"""Where a programme's network lives: the store interface and its implementations.

May import: the core vocabulary, ``lacgraph.analysis.snapshot`` and ``lacgraph.queries``.
Never the facade, ``lacgraph.web``, ``lacgraph.cli``, ``lacgraph.report`` or
``lacgraph.viz`` (``tests/unit/test_architecture.py`` holds it to this).

Examples
--------
>>> store = open_store(None)
>>> type(store).__name__
'MemoryStore'
>>> open_store("bolt://127.0.0.1:1", connection_timeout=0.5)
Traceback (most recent call last):
...
lacgraph.errors.StoreUnavailable: Cannot reach the graph database at bolt://127.0.0.1:1: ...
"""

from __future__ import annotations

import os
from typing import Any

from lacgraph.stores.base import Erasure, LoadSummary, Progress, Store
from lacgraph.stores.memory import MemoryStore
from lacgraph.uri import BOLT_LOGIN, is_uri

__all__ = ["BOLT_LOGIN", "Erasure", "LoadSummary", "MemoryStore", "Progress", "Store", "open_store"]


def open_store(target: str | os.PathLike[str] | None = None, **options: Any) -> Store:
    """Open the store ``target`` names.

    Parameters
    ----------
    target : str, os.PathLike or None
        ``None`` for a store kept in memory only; a ``bolt://`` or ``neo4j://`` URI for
        a Neo4j database; anything else is the path of a store file (created if absent).
    **options
        For a Bolt URI, :class:`~lacgraph.stores.neo4j.Neo4jStore`'s options (``user``,
        ``password``, ``database``, ``batch_size``, ...); the password defaults to the
        ``NEO4J_PASSWORD`` environment variable. For a file, ``batch_size``.

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
    if is_uri(target):
        from lacgraph.stores.neo4j import Neo4jStore

        given = {k: v for k, v in {**BOLT_LOGIN.get(), **options}.items() if v is not None}
        given.setdefault("password", os.environ.get("NEO4J_PASSWORD") or None)
        return Neo4jStore(target, **given)
    return MemoryStore(target, **options)
