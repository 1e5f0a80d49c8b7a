"""The Neo4j store's rows: tables to property maps and back, and the label allowlist.

Labels and relationship types come only from :mod:`lacgraph.model`'s vocabulary:
:data:`TYPE_LABEL` (node type -> label) and :data:`KIND_TYPE` (tie kind -> relationship
type). Empty values are left out of the maps (an absent property reads back as ``""``);
dates travel as ISO strings.

Examples
--------
>>> TYPE_LABEL["person"], KIND_TYPE["friend"]
('Person', 'FRIEND')
>>> from lacgraph.tables import Tables
>>> T = Tables.from_records([{"id": "b", "type": "person"}, {"id": "a", "type": "group"}],
...     [{"source": "b", "target": "a", "kind": "member", "start": "2024-01-01"}])
>>> tie_rows(T.ties)
[{'lo': 'a', 'hi': 'b', 'p': {'source': 'b', 'target': 'a', 'start': '2024-01-01', 'circle': 3, 'reciprocal': False}}]
>>> list(ties_frame([["MEMBER", tie_rows(T.ties)[0]["p"]]], [])["kind"])
['member']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from lacgraph.errors import StoreError
from lacgraph.model import NODE_TYPES, TIE_KINDS
from lacgraph.stores._merge import BOOL_COLUMNS, DATE_COLUMNS, TIE_SORT, extra_columns
from lacgraph.tables import DATE_DTYPE, NODE_COLUMNS, TIE_COLUMNS, iso_dates

NODE_LABEL = "LacNode"
"""The label of every visible lacgraph node."""
STAGED_LABEL = "LacStaged"
"""The label of a node of a staged load not yet published."""
META_LABEL = "LacgraphMeta"
"""The label of the one node holding the schema version and extra-column order."""
ERASED_LABEL = "LacgraphErased"
"""The label of a tombstone (the keyed hash of an erased id)."""
MERGED_LABEL = "LacgraphMerged"
"""The label of the record of an id merged into another (``id``, ``kept``, ``at``)."""
Statement = tuple[str, dict[str, Any]]
"""A Cypher query and its parameters."""
TYPE_LABEL: dict[str, str] = {t: t.capitalize() for t in NODE_TYPES}
"""Node type -> its label (the allowlist)."""
LABEL_TYPE: dict[str, str] = {v: k for k, v in TYPE_LABEL.items()}
KIND_TYPE: dict[str, str] = {k: k.upper() for k in TIE_KINDS}
"""Tie kind -> its relationship type (the allowlist)."""
TYPE_KIND: dict[str, str] = {v: k for k, v in KIND_TYPE.items()}


_NODE_TEXT = [c for c in NODE_COLUMNS if c not in BOOL_COLUMNS and c not in DATE_COLUMNS
              and c not in ("id", "type")]
_TIE_TEXT = [c for c in TIE_COLUMNS if c not in BOOL_COLUMNS and c not in DATE_COLUMNS
             and c not in ("kind", "circle")]


# ------------------------------------------------------------------ rows out


def node_rows(nodes: pd.DataFrame) -> list[dict[str, Any]]:
    """Each node as the property map written to the database (empty values left out)."""
    extra = extra_columns(nodes, NODE_COLUMNS)
    text = _NODE_TEXT + extra
    columns = {c: nodes[c].tolist() for c in ["id", *text]}
    supported = nodes["supported"].tolist()
    introduced = iso_dates(nodes["introduced_on"])
    out = []
    for i in range(len(nodes)):
        row: dict[str, Any] = {c: columns[c][i] for c in ["id", *text] if columns[c][i] != ""}
        row["supported"] = bool(supported[i])
        if introduced[i] is not None:
            row["introduced_on"] = introduced[i]
        out.append(row)
    return out


def tie_rows(ties: pd.DataFrame) -> list[dict[str, Any]]:
    """Each tie as ``{"lo", "hi", "p": properties}``: stored from ``lo`` to ``hi``."""
    extra = extra_columns(ties, TIE_COLUMNS)
    text = _TIE_TEXT + extra
    columns = {c: ties[c].tolist() for c in text}
    start = iso_dates(ties["start"])
    end = iso_dates(ties["end"])
    circle = ties["circle"].astype(int).tolist()
    reciprocal = ties["reciprocal"].tolist()
    out = []
    for i in range(len(ties)):
        p: dict[str, Any] = {c: columns[c][i] for c in text if columns[c][i] != ""}
        p["start"] = start[i]
        if end[i] is not None:
            p["end"] = end[i]
        p["circle"] = circle[i]
        p["reciprocal"] = bool(reciprocal[i])
        a, b = p["source"], p["target"]
        lo, hi = (a, b) if a <= b else (b, a)
        out.append({"lo": lo, "hi": hi, "p": p})
    return out


# ------------------------------------------------------------------- rows in


def nodes_frame(rows: list[list[Any]], extra: list[str]) -> pd.DataFrame:
    """Canonical, sorted nodes from ``[labels, properties]`` rows."""
    types = []
    props = []
    for labels, p in rows:
        kind = [LABEL_TYPE[label] for label in labels if label in LABEL_TYPE]
        if len(kind) != 1:
            raise StoreError(f"Node {p.get('id')!r} has labels {labels}: expected LacNode and "
                             f"exactly one of {', '.join(LABEL_TYPE)}")
        types.append(kind[0])
        props.append(p)
    data: dict[str, Any] = {
        "id": np.array([p["id"] for p in props], dtype=object),
        "type": np.array(types, dtype=object),
    }
    for col in NODE_COLUMNS[2:]:
        data[col] = _column(props, col)
    for col in _extra_names(props, NODE_COLUMNS, extra):
        data[col] = _column(props, col)
    frame = _frame(data)
    return frame.sort_values("id", kind="stable", ignore_index=True)


def ties_frame(rows: list[list[Any]], extra: list[str]) -> pd.DataFrame:
    """Canonical, sorted ties from ``[type, properties]`` rows."""
    kinds = []
    props = []
    for rel, p in rows:
        if rel not in TYPE_KIND:
            raise StoreError(f"A relationship of type {rel!r} joins two lacgraph nodes; "
                             f"expected one of {', '.join(TYPE_KIND)}")
        kinds.append(TYPE_KIND[rel])
        props.append(p)
    data: dict[str, Any] = {}
    for col in TIE_COLUMNS:
        data[col] = np.array(kinds, dtype=object) if col == "kind" else _column(props, col)
    for col in _extra_names(props, TIE_COLUMNS, extra):
        data[col] = _column(props, col)
    frame = _frame(data)
    return frame.sort_values(TIE_SORT, kind="stable", ignore_index=True)


def nodes_from_columns(row: list[Any], extra: list[str]) -> pd.DataFrame:
    """Canonical, sorted nodes from the one row of query ``ALL_NODES``.

    ``row`` holds lists in the order ``types, id, label, neighbourhood, supported,
    introduced_on, coordinator, extra`` (``extra``: one list of values per node).
    """
    types, ids, *fixed, extra_values = row
    if any(len(t) != 1 for t in types):
        bad = next(i for i, t in zip(ids, types, strict=True) if len(t) != 1)
        raise StoreError(f"Node {bad!r} has type labels {types[ids.index(bad)]}: expected "
                         f"exactly one of {', '.join(LABEL_TYPE)}")
    data: dict[str, Any] = {"id": np.array(ids, dtype=object),
                            "type": np.array([LABEL_TYPE[t[0]] for t in types], dtype=object)}
    for col, values in zip(NODE_COLUMNS[2:], fixed, strict=True):
        data[col] = _as_column(col, values)
    data.update(_extra_columns(extra, extra_values))
    frame = _frame(data)
    return frame.sort_values("id", kind="stable", ignore_index=True)


def ties_from_columns(row: list[Any], extra: list[str]) -> pd.DataFrame:
    """Canonical, sorted ties from the one row of query ``ALL_TIES`` or ``SNAPSHOT_TIES``.

    ``row`` holds lists in the order ``kind`` (relationship types), then the tie
    columns from ``source`` to ``brokered_by``, then ``extra``.
    """
    rels, *fixed, extra_values = row
    unknown = set(rels) - set(TYPE_KIND)
    if unknown:
        raise StoreError(f"A relationship of type {sorted(unknown)[0]!r} joins two lacgraph "
                         f"nodes; expected one of {', '.join(TYPE_KIND)}")
    kinds = pd.Series(rels, dtype=object).map(TYPE_KIND).to_numpy(object)
    data: dict[str, Any] = {}
    columns = [c for c in TIE_COLUMNS if c != "kind"]
    for col, values in zip(columns, fixed, strict=True):
        data[col] = _as_column(col, values)
    data = {"source": data["source"], "target": data["target"], "kind": kinds,
            **{c: data[c] for c in columns[2:]}}
    data.update(_extra_columns(extra, extra_values))
    frame = _frame(data)
    return frame.sort_values(TIE_SORT, kind="stable", ignore_index=True)


def _as_column(col: str, values: list[Any]) -> np.ndarray:
    """One column from a list of values ("" for an absent date or text)."""
    if col in BOOL_COLUMNS:
        return np.array(values, dtype=bool)
    if col in DATE_COLUMNS:  # few distinct days: parse each once
        codes, days = pd.factorize(np.array(values, dtype=object), use_na_sentinel=False)
        text = np.array(days, dtype=object)
        text[text == ""] = None
        return text.astype("datetime64[D]").astype(DATE_DTYPE)[codes]
    if col == "circle":
        return np.array(values, dtype=np.int8)
    return np.array(values, dtype=object)


def _extra_columns(extra: list[str], values: list[list[Any]]) -> dict[str, np.ndarray]:
    if not extra:
        return {}
    table = np.empty((len(values), len(extra)), dtype=object)
    if len(values):
        table[:] = values
    return {c: np.array([_text(v) for v in table[:, i]], dtype=object)
            for i, c in enumerate(extra)}


def _frame(data: dict[str, np.ndarray]) -> pd.DataFrame:
    """A frame of exactly these column arrays and dtypes (text stays ``object``: pandas 3
    would otherwise infer its string dtype and copy every value)."""
    return pd.DataFrame({c: pd.Series(v, dtype=v.dtype, copy=False) for c, v in data.items()})


def _column(props: list[dict[str, Any]], col: str) -> np.ndarray:
    if col in BOOL_COLUMNS:
        return np.array([bool(p.get(col, False)) for p in props], dtype=bool)
    if col in DATE_COLUMNS:
        return np.array([p.get(col) for p in props], dtype="datetime64[D]").astype(DATE_DTYPE)
    if col == "circle":
        return np.array([p[col] for p in props], dtype=np.int8)
    return np.array([_text(p.get(col, "")) for p in props], dtype=object)


def _extra_names(props: list[dict[str, Any]], fixed: tuple[str, ...], extra: list[str]
                 ) -> list[str]:
    seen = set().union(*(p.keys() for p in props)) if props else set()
    return list(extra) + sorted(seen - set(fixed) - set(extra))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)
