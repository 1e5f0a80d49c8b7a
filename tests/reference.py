"""The slow, literal references the engine is checked against (tests and benchmarks only).

The ego measures in plain networkx: the yardstick of the vectorised engine
(:mod:`lacgraph.analysis.measures`). Each measure of DESIGN.md is written out as directly as
possible, one ego at a time, over a ``networkx.Graph`` of the ties active at ``t``. It is
obviously correct rather than fast (milliseconds per person).

:func:`ego_by_scan` is the store's ego lookup done by scanning every tie: the yardstick of
the tie index behind :meth:`lacgraph.stores.MemoryStore.ego`.

This module lives with the tests, not in the product; benchmarks import it from here.

Examples
--------
>>> from lacgraph.tables import Tables
>>> T = Tables.from_records(
...     nodes=[{"id": "sam", "type": "person"}, {"id": "jo", "type": "person"},
...            {"id": "gp", "type": "service"}],
...     ties=[{"source": "sam", "target": "jo", "kind": "friend", "start": "2024-01-01"},
...           {"source": "sam", "target": "gp", "kind": "service", "start": "2024-01-01"}])
>>> reference_measures(T, "2024-06-01")[["id", "size", "natural", "paid", "isolated"]]
    id  size  natural  paid  isolated
0   jo     1        1     0     False
1  sam     2        1     1     False
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import networkx as nx
import numpy as np
import pandas as pd

from lacgraph.errors import NotFound
from lacgraph.model import AT_RISK_THRESHOLD, CATEGORIES, HOUSEHOLD, KIND_CATEGORY
from lacgraph.tables import DateLike, Tables, active_mask, to_date

COLUMNS: tuple[str, ...] = (
    "id", "size", "natural", "community", "paid", "circle1", "circle2", "circle3", "circle4",
    "density", "effective_size", "constraint", "components", "reciprocity", "brokered",
    "isolated", "at_risk", "coordinator_only",
)
"""The ego measure columns, in order (shared with :mod:`lacgraph.analysis.measures`)."""

_INTS = ("size", "natural", "community", "paid", "circle1", "circle2", "circle3", "circle4",
         "components", "brokered")
_FLOATS = ("density", "effective_size", "constraint", "reciprocity")
_BOOLS = ("isolated", "at_risk", "coordinator_only")


def active_graph(tables: Tables, at: DateLike) -> nx.Graph:
    """Return the simple graph of every non-household tie active at ``at``.

    Each edge keeps the list of its active ties in the attribute ``ties`` (dicts with
    ``kind``, ``circle``, ``reciprocal``, ``brokered_by``), so several ties between one
    pair stay visible. Every node of the tables is in the graph, tied or not.

    Examples
    --------
    >>> from lacgraph.tables import Tables
    >>> T = Tables.from_records(
    ...     nodes=[{"id": "a", "type": "person"}, {"id": "b", "type": "person"}],
    ...     ties=[{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"},
    ...           {"source": "b", "target": "a", "kind": "peer", "start": "2024-01-01"}])
    >>> G = active_graph(T, "2024-01-01")
    >>> sorted(t["kind"] for t in G["a"]["b"]["ties"])
    ['friend', 'peer']
    """
    t = to_date(at)
    G = nx.Graph()
    G.add_nodes_from(tables.nodes["id"])
    ties = tables.ties
    for source, target, kind, start, end, circle, reciprocal, brokered_by in zip(
        ties["source"], ties["target"], ties["kind"],
        ties["start"].to_numpy("datetime64[D]"), ties["end"].to_numpy("datetime64[D]"),
        ties["circle"], ties["reciprocal"], ties["brokered_by"], strict=True,
    ):
        if kind == HOUSEHOLD:
            continue
        if not (start <= t and (np.isnat(end) or t < end)):
            continue
        tie = {"kind": kind, "circle": int(circle), "reciprocal": bool(reciprocal),
               "brokered_by": brokered_by}
        if G.has_edge(source, target):
            G[source][target]["ties"].append(tie)
        else:
            G.add_edge(source, target, ties=[tie])
    return G


def ego_row(G: nx.Graph, person: str, at_risk_below: int = AT_RISK_THRESHOLD) -> dict:
    """Return the ego measures of ``person`` in ``G`` (from :func:`active_graph`) as a dict.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_edge("p", "a", ties=[{"kind": "friend", "circle": 2, "reciprocal": True,
    ...                             "brokered_by": ""}])
    >>> row = ego_row(G, "p")
    >>> row["size"], row["natural"], row["reciprocity"], row["at_risk"]
    (1, 1, 1.0, True)
    """
    alters = list(G[person])
    size = len(alters)

    by_category = dict.fromkeys(CATEGORIES, 0)
    by_circle = dict.fromkeys((1, 2, 3, 4), 0)
    natural_alters = 0
    reciprocal_natural = 0
    brokered = 0
    has_coordinator_tie = False
    for alter in alters:
        ties = G[person][alter]["ties"]
        categories = {KIND_CATEGORY[tie["kind"]] for tie in ties}
        closest = min(categories, key=CATEGORIES.index)
        by_category[closest] += 1
        by_circle[min(tie["circle"] for tie in ties)] += 1
        if closest == "natural":
            natural_alters += 1
            if any(tie["reciprocal"] for tie in ties):
                reciprocal_natural += 1
        if closest in ("natural", "community") and any(tie["brokered_by"] for tie in ties):
            brokered += 1
        if any(tie["kind"] == "coordinator" for tie in ties):
            has_coordinator_tie = True

    ego = nx.Graph()
    ego.add_node(person)
    ego.add_nodes_from(alters)
    ego.add_edges_from(G.subgraph([person, *alters]).edges())
    alter_graph = ego.subgraph(alters)
    tied_pairs = alter_graph.number_of_edges()

    density = tied_pairs / (size * (size - 1) / 2) if size >= 2 else math.nan
    effective_size = size - 2 * tied_pairs / size if size > 0 else math.nan
    constraint = nx.constraint(ego, nodes=[person])[person] if size > 0 else math.nan
    components = nx.number_connected_components(alter_graph) if size > 0 else 0
    reciprocity = reciprocal_natural / natural_alters if natural_alters else math.nan
    close = by_category["natural"] + by_category["community"]
    return {
        "id": person,
        "size": size,
        "natural": by_category["natural"],
        "community": by_category["community"],
        "paid": by_category["paid"],
        "circle1": by_circle[1],
        "circle2": by_circle[2],
        "circle3": by_circle[3],
        "circle4": by_circle[4],
        "density": density,
        "effective_size": effective_size,
        "constraint": constraint,
        "components": components,
        "reciprocity": reciprocity,
        "brokered": brokered,
        "isolated": close == 0,
        "at_risk": close < at_risk_below,
        "coordinator_only": has_coordinator_tie and close == 0,
    }


def reference_measures(
    tables: Tables,
    at: DateLike,
    people: Sequence[str] | None = None,
    *,
    at_risk_below: int = AT_RISK_THRESHOLD,
) -> pd.DataFrame:
    """Return the ego measures of every person at ``at`` by a plain per-ego networkx loop.

    This is the slow, literal reference used to check the vectorised engine
    (:func:`lacgraph.analysis.measures.ego_measures`): it follows the definitions of DESIGN.md one
    ego at a time and makes no attempt to be fast.

    Parameters
    ----------
    tables
        The programme's canonical tables.
    at
        The date the network is taken at: a tie is active when ``start <= at`` and
        (``end`` is NaT or ``at < end``). Household ties are ignored.
    people
        Ids of the egos; by default every node of type ``person``.
    at_risk_below
        A person is at risk with fewer natural + community alters than this.

    Returns
    -------
    pandas.DataFrame
        One row per ego, sorted by ``id``, with the columns of :data:`COLUMNS` (ints int64,
        floats float64 with NaN where a measure is empty, booleans bool). A person with no
        alters has a row with size 0.

    Raises
    ------
    NotFound
        If an id in ``people`` is not a node of the tables.

    Examples
    --------
    >>> from lacgraph.tables import Tables
    >>> T = Tables.from_records(
    ...     nodes=[{"id": i, "type": "person"} for i in "pabc"],
    ...     ties=[{"source": "p", "target": x, "kind": "friend", "start": "2024-01-01"}
    ...           for x in "abc"] + [
    ...          {"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"}])
    >>> m = reference_measures(T, "2024-02-01", people=["p"])
    >>> row = m.iloc[0]
    >>> int(row["size"]), round(float(row["density"]), 3), round(float(row["effective_size"]), 3)
    (3, 0.333, 2.333)
    >>> int(row["components"]), int(row["natural"]), bool(row["at_risk"])
    (2, 3, False)
    """
    G = active_graph(tables, at)
    if people is None:
        nodes = tables.nodes
        egos = nodes.loc[nodes["type"] == "person", "id"].tolist()
    else:
        egos = list(people)
        missing = [p for p in egos if p not in G]
        if missing:
            raise NotFound(f"unknown person id(s): {', '.join(map(repr, missing[:10]))}")
    rows = [ego_row(G, p, at_risk_below) for p in sorted(set(egos))]
    return _frame(rows)


def _frame(rows: list[dict]) -> pd.DataFrame:
    data: dict[str, pd.Series] = {
        "id": pd.Series([r["id"] for r in rows], dtype=object)
    }
    for col in _INTS:
        data[col] = pd.Series([r[col] for r in rows], dtype=np.int64)
    for col in _FLOATS:
        data[col] = pd.Series([r[col] for r in rows], dtype=np.float64)
    for col in _BOOLS:
        data[col] = pd.Series([r[col] for r in rows], dtype=bool)
    return pd.DataFrame(data)[list(COLUMNS)]


def ego_by_scan(tables: Tables, person: str, at: DateLike) -> Tables:
    """Return what :meth:`lacgraph.stores.base.Store.ego` returns, by scanning every tie.

    ``tables`` as a store holds them (nodes sorted by id). Alters are the nodes joined to
    ``person`` by an active non-household tie; the ties are every active tie among
    ``person`` and its alters, plus the active household ties touching any of them.

    Examples
    --------
    >>> T = Tables.from_records(
    ...     [{"id": i, "type": "person"} for i in "abc"],
    ...     [{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"},
    ...      {"source": "b", "target": "c", "kind": "friend", "start": "2024-01-01"}])
    >>> list(ego_by_scan(T, "b", "2024-02-01").nodes["id"])
    ['a', 'b', 'c']
    """
    nodes, ties = tables.nodes, tables.ties
    if not (nodes["id"] == person).any():
        raise NotFound(f"No node with id {person!r}")
    active = ties[active_mask(ties, at)]
    source = active["source"].to_numpy(object)
    target = active["target"].to_numpy(object)
    household = active["kind"].to_numpy(object) == HOUSEHOLD
    alters = set(target[~household & (source == person)])
    alters |= set(source[~household & (target == person)])
    members = alters | {person}
    src_in = pd.Index(source).isin(list(members))
    tgt_in = pd.Index(target).isin(list(members))
    keep = (src_in & tgt_in) | (household & (src_in | tgt_in))
    kept = active[keep].reset_index(drop=True)
    ids = members | set(kept["source"]) | set(kept["target"])
    return Tables(nodes[nodes["id"].isin(list(ids))].reset_index(drop=True), kept)
