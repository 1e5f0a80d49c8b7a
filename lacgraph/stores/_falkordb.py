"""Working around FalkorDB 4.16's Bolt endpoint (used only for servers that are not Neo4j).

Measured here: it splices parameters into the query text unescaped, its index cannot find
ids with outer whitespace, and after a client's GOODBYE it leaves the next connection's
handshake unanswered. Each function below is one workaround.
"""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from lacgraph.errors import StoreError


def refuse_padded_ids(ids: pd.Series) -> None:
    values = ids.to_numpy(object)
    padded = [v for v in values if v != v.strip()]
    if padded:
        raise StoreError(
            f"{len(padded)} id{'' if len(padded) == 1 else 's'} begin or end with whitespace "
            f"({', '.join(repr(v) for v in padded[:5])}): this server's index cannot find "
            "such ids (FalkorDB), so nothing was written; strip the ids or use Neo4j")


def absorb_stale_connection(uri: str, timeout: float = 0.05) -> None:
    """Work around a FalkorDB 4.16 Bolt bug: after a client says GOODBYE, the server
    leaves the *next* connection's handshake unanswered (the driver then waits 60 s).
    One throw-away handshake takes that place. Only used for servers that are not Neo4j.
    """
    parts = urlsplit(uri)
    if parts.scheme != "bolt" or not parts.hostname:
        return
    try:
        with socket.create_connection((parts.hostname, parts.port or 7687), timeout=timeout) as s:
            s.sendall(b"\x60\x60\xb0\x17" + b"\x00\x00\x04\x05" + b"\x00" * 12)
            s.recv(4)
    except OSError:
        pass


def spliceable(value: Any) -> Any:
    r"""Protect a parameter from a server that splices parameters into query text.

    FalkorDB 4.16's Bolt endpoint writes each parameter into the query text without
    escaping it: a value ``z' w='q`` comes back as ``z``, and ``O'Brien`` is a syntax
    error. For such servers every string is escaped (backslash and quote), and every
    map key quoted with backticks, so values stay values.

    Examples
    --------
    >>> spliceable([{"id": "O'Brien", "how met": "a\\b"}])
    [{'`id`': "O\\'Brien", '`how met`': 'a\\\\b'}]
    """
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, dict):
        bad = [k for k in value if "`" in str(k)]
        if bad:
            raise StoreError(f"The column name {bad[0]!r} has a backtick, which this server "
                             "(FalkorDB) cannot take as a property name")
        return {f"`{k}`": spliceable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [spliceable(v) for v in value]
    return value
