"""The staged part of a large Neo4j load: new nodes and their ties, sent as columns.

A staged write (see :mod:`lacgraph.stores.neo4j`) first creates its new nodes with the
label ``LacStaged`` and the ties touching them, batch by batch. Those rows are only ever
created, never merged, so they travel as **columns**: one list per property
(``$id``, ``$label``, ... with ``null`` for an empty value, which ``CREATE`` leaves out)
indexed by ``UNWIND range(0, size($id) - 1) AS i``. Lists of plain values cost far less
to build and to send than one map per row, and properties named in the query text let
Neo4j plan the ``CREATE`` without an ``Eager`` step.

The node statements answer each new node's element id; the tie statements find a staged
end by it (a seek, no index needed) and a visible end by its ``id`` (the constraint's
index), and answer how many ties they created, so a staged node that vanished (another
load deleting it) fails the load instead of dropping a tie silently.

Labels, relationship types and property names in the text come only from the allowlist
(:mod:`lacgraph.model` via :mod:`lacgraph.stores._graph_rows`) and the fixed columns;
extra columns, whose names come from the data, travel as one map per row (``$extra``)
and only when there are any.

Examples
--------
>>> print(STAGE_NODES["person"][:70])
UNWIND range(0, size($id) - 1) AS i CREATE (n:LacStaged:Person {id: $i
>>> import numpy as np
>>> from lacgraph.tables import Tables
>>> node_columns(Tables.from_records([{"id": "a", "type": "person"}], []).nodes,
...              np.array([0]))["label"]
[None]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from lacgraph.stores._graph_rows import KIND_TYPE, NODE_LABEL, STAGED_LABEL, TYPE_LABEL
from lacgraph.stores._merge import BOOL_COLUMNS, DATE_COLUMNS, extra_columns
from lacgraph.tables import NODE_COLUMNS, TIE_COLUMNS, iso_dates

_NODE_PROPS = [c for c in NODE_COLUMNS if c != "type"]
_TIE_PROPS = [c for c in TIE_COLUMNS if c != "kind"]


def _properties(names: list[str]) -> str:
    return ", ".join(f"{c}: ${c}[i]" for c in names)


STAGE_NODES: dict[str, str] = {
    t: (f"UNWIND range(0, size($id) - 1) AS i "
        f"CREATE (n:{STAGED_LABEL}:{label} {{{_properties(_NODE_PROPS)}}}) "
        "SET n += coalesce($extra[i], {}) "
        "RETURN collect(n.id) AS id, collect(elementId(n)) AS element")
    for t, label in TYPE_LABEL.items()
}
"""Create staged nodes of one type; answer their ids and element ids."""

_END = {
    False: lambda end: f"MATCH ({end}:{NODE_LABEL} {{id: ${end}[i]}})",
    True: lambda end: f"MATCH ({end}:{STAGED_LABEL}) WHERE elementId({end}) = ${end}[i]",
}
STAGE_TIES: dict[tuple[str, bool, bool], str] = {
    (k, lo, hi): (f"UNWIND range(0, size($lo) - 1) AS i {_END[lo]('lo')} {_END[hi]('hi')} "
                  f"CREATE (lo)-[t:{rel} {{{_properties(_TIE_PROPS)}}}]->(hi) "
                  "SET t += coalesce($extra[i], {}) RETURN count(t)")
    for k, rel in KIND_TYPE.items() for lo in (False, True) for hi in (False, True)
}
"""Create ties of one kind; ``(kind, lo staged, hi staged)``: a staged end is given by
element id, a visible one by id. Answers how many ties it created."""


def node_columns(nodes: pd.DataFrame, at: np.ndarray) -> dict[str, list[Any]]:
    """The parameters of :data:`STAGE_NODES` for the rows ``at`` of ``nodes``."""
    out = {c: _values(nodes[c], at, c) for c in _NODE_PROPS}
    out["extra"] = _extra(nodes, NODE_COLUMNS, at)
    return out


def tie_columns(ties: pd.DataFrame, at: np.ndarray, lo: np.ndarray, hi: np.ndarray
                ) -> dict[str, list[Any]]:
    """The parameters of :data:`STAGE_TIES` for the rows ``at`` of ``ties``; ``lo`` and
    ``hi`` (one per row of ``at``) name each end by id or element id."""
    out = {c: _values(ties[c], at, c) for c in _TIE_PROPS}
    out["lo"], out["hi"] = lo.tolist(), hi.tolist()
    out["extra"] = _extra(ties, TIE_COLUMNS, at)
    return out


def _values(column: pd.Series, at: np.ndarray, name: str) -> list[Any]:
    """One column's values at ``at``: dates as ISO text, empty text and dates as None."""
    if name in BOOL_COLUMNS:
        return column.to_numpy(bool)[at].tolist()
    if name == "circle":
        return column.to_numpy(np.int64)[at].tolist()
    if name in DATE_COLUMNS:
        return iso_dates(column.iloc[at])
    values = column.to_numpy(object)[at]
    values[values == ""] = None
    return values.tolist()


def _extra(frame: pd.DataFrame, fixed: tuple[str, ...], at: np.ndarray) -> list[Any]:
    """One map of the non-empty extra values per row (an empty list without extras)."""
    names = extra_columns(frame, fixed)
    if not names:
        return []
    columns = [frame[c].to_numpy(object)[at] for c in names]
    return [{c: v for c, v in zip(names, row, strict=True) if v != ""}
            for row in zip(*columns, strict=True)]
