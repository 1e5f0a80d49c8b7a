"""Whether a source or store names a graph database (a Neo4j URI), and its login.

One test for every command and for :func:`lacgraph.stores.open_store`. Nothing heavy is
imported here, so the command line can read its arguments before loading anything.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any, TypeGuard

BOLT_LOGIN: ContextVar[Mapping[str, Any]] = ContextVar("lacgraph_bolt_login",
                                                       default=MappingProxyType({}))
"""Default ``user``/``password``/``database`` for Bolt URIs (set by the CLI's options)."""

_NEO4J_URI = re.compile(r"^(bolt|neo4j)(\+s|\+ssc)?://", re.IGNORECASE)


def is_uri(source: str | os.PathLike[str] | None) -> TypeGuard[str]:
    """Tell whether ``source`` names a graph database rather than a local path.

    The schemes of the Neo4j driver: ``bolt://``, ``neo4j://`` and their ``+s`` (TLS) and
    ``+ssc`` (TLS, self-signed certificate) forms, in any case.

    Examples
    --------
    >>> is_uri("bolt://127.0.0.1:7687"), is_uri("NEO4J+S://db.example"), is_uri("data/")
    (True, True, False)
    """
    return isinstance(source, str) and _NEO4J_URI.match(source) is not None
