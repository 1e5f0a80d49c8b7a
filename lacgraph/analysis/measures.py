"""Ego-network measures for every person at once, vectorised on a :class:`Snapshot`.

The definitions are DESIGN.md's (and egor's, where egor has the measure). Everything
about a person's ego network that is not a count of alters comes from the *triangles*
of the snapshot: an alter pair of ego ``i`` is tied exactly when ``i`` and the pair form
a triangle. So with the triangle list ``(a, b, c)``:

* ties among the alters of ``i`` = triangles through ``i``;
* ``C[i, q]`` (alters of ``i`` tied to alter ``q``) = triangles through edge ``(i, q)``;
* Burt's constraint on the ego network alone, unweighted, is
  ``sum_j (1 + sum_q A_iq A_qj / (1 + C[i, q]))**2 / size**2`` over alters ``j``, since
  ``p_ij = 1/size`` for the ego and ``p_qj = 1/(1 + C[i, q])`` for an alter ``q``;
* components among the alters: join the edge entries ``(i, b)`` and ``(i, c)`` for every
  triangle ``(i, b, c)``; the connected components of that one big graph, counted per ego,
  are the alters' components (UCINET's nWeakComp, ego removed).

No Python loop runs per person; the cost is ``O(ties + triangles)``.

Examples
--------
>>> from lacgraph.tables import Tables
>>> from lacgraph.analysis.snapshot import project
>>> T = Tables.from_records(
...     nodes=[{"id": i, "type": "person"} for i in ("ann", "bob", "cat", "dan")],
...     ties=[{"source": s, "target": t, "kind": "friend", "start": "2024-01-01"}
...           for s, t in [("ann", "bob"), ("ann", "cat"), ("bob", "cat")]],
... )
>>> M = ego_measures(project(T, "2024-06-01"))
>>> M.loc[M.id == "ann", ["size", "density", "effective_size", "components"]].to_dict("records")
[{'size': 2, 'density': 1.0, 'effective_size': 1.0, 'components': 1}]
>>> M.loc[M.id == "dan", ["size", "isolated"]].to_dict("records")
[{'size': 0, 'isolated': True}]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from lacgraph.analysis.snapshot import COMMUNITY, NATURAL, PAID, Snapshot
from lacgraph.model import AT_RISK_THRESHOLD

MEASURE_COLUMNS: tuple[str, ...] = (
    "id", "size", "natural", "community", "paid",
    "circle1", "circle2", "circle3", "circle4",
    "density", "effective_size", "constraint", "components",
    "reciprocity", "brokered", "isolated", "at_risk", "coordinator_only",
)
"""The columns of :func:`ego_measures`, in order."""


def triangles(S: Snapshot) -> np.ndarray:
    """Return every triangle of the snapshot as an ``(n, 3)`` int64 array of node indices.

    Examples
    --------
    >>> from lacgraph.tables import Tables
    >>> from lacgraph.analysis.snapshot import project
    >>> T = Tables.from_records(
    ...     nodes=[{"id": i, "type": "person"} for i in "abc"],
    ...     ties=[{"source": s, "target": t, "kind": "friend", "start": "2024-01-01"}
    ...           for s, t in ["ab", "bc", "ca"]],
    ... )
    >>> sorted(triangles(project(T, "2024-01-01"))[0].tolist())
    [0, 1, 2]
    """
    return _triangles_with_slots(S)[0]


def _triangles_with_slots(S: Snapshot) -> tuple[np.ndarray, np.ndarray]:
    """List triangles, and for each the CSR entries of its six ordered pairs.

    Forward algorithm: orient every edge towards the higher (degree, index) rank, so each
    triangle is found once, from its lowest-ranked corner, and hubs fan out little.
    Returns ``(tri, slots)`` where ``tri[k] = (u, v, w)`` and ``slots[k]`` holds the CSR
    positions of ``(u,v), (v,u), (u,w), (w,u), (v,w), (w,v)``.
    """
    n = np.int64(S.n_nodes)
    rows = S.rows()
    ahead = rows < S.indices
    slot_lo = np.flatnonzero(ahead)  # entry (lo, hi) of every undirected pair
    u, v = rows[ahead], S.indices[ahead]
    csr_keys = rows * n + S.indices  # sorted: rows, then neighbours
    slot_hi = np.searchsorted(csr_keys, v * n + u)  # entry (hi, lo)

    rank = np.empty(S.n_nodes, dtype=np.int64)
    rank[np.lexsort((np.arange(S.n_nodes), S.degree))] = np.arange(S.n_nodes)
    flip = rank[u] > rank[v]
    u, v = np.where(flip, v, u), np.where(flip, u, v)
    forward = np.where(flip, slot_hi, slot_lo)  # entry (u, v) of the oriented edge
    backward = np.where(flip, slot_lo, slot_hi)  # entry (v, u)
    key = u * n + v
    order = np.argsort(key)
    u, v, key, forward, backward = u[order], v[order], key[order], forward[order], backward[order]
    out_degree = np.bincount(u, minlength=S.n_nodes)
    out_start = np.concatenate([[0], np.cumsum(out_degree)[:-1]])

    # Candidates: for every oriented edge u -> v, every v -> w; a triangle when u -> w.
    fan = out_degree[v]
    e_uv = np.repeat(np.arange(len(u)), fan)
    e_vw = out_start[v[e_uv]] + np.arange(fan.sum()) - np.repeat(np.cumsum(fan) - fan, fan)
    wanted = u[e_uv] * n + v[e_vw]
    e_uw = np.minimum(np.searchsorted(key, wanted), max(len(key) - 1, 0))
    hit = key[e_uw] == wanted if len(key) else np.zeros(0, dtype=bool)
    e_uv, e_vw, e_uw = e_uv[hit], e_vw[hit], e_uw[hit]
    tri = np.column_stack([u[e_uv], v[e_uv], v[e_vw]]).astype(np.int64)
    slots = np.column_stack([forward[e_uv], backward[e_uv], forward[e_uw], backward[e_uw],
                             forward[e_vw], backward[e_vw]])
    return tri, slots


def _per_row(S: Snapshot, rows: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.bincount(rows[mask], minlength=S.n_nodes)


def ego_measures(S: Snapshot, *, at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
    """Return the ego-network measures of every person in the snapshot.

    Parameters
    ----------
    S : Snapshot
        The network at one date (:func:`lacgraph.analysis.snapshot.project`).
    at_risk_below : int, default 3
        A person with fewer natural + community alters than this is ``at_risk``.

    Returns
    -------
    pandas.DataFrame
        One row per node of type ``person``, sorted by ``id``, with
        :data:`MEASURE_COLUMNS`. Counts are int64, ratios float64 (NaN where the measure
        is empty: ``density`` when size < 2, ``effective_size``/``constraint`` when size
        is 0, ``reciprocity`` when there is no natural alter), flags bool.

    Examples
    --------
    >>> from lacgraph.tables import Tables
    >>> from lacgraph.analysis.snapshot import project
    >>> T = Tables.from_records(
    ...     nodes=[{"id": "sam", "type": "person"}, {"id": "gp", "type": "service"},
    ...            {"id": "lac", "type": "coordinator"}],
    ...     ties=[{"source": "sam", "target": "gp", "kind": "service", "start": "2024-01-01"},
    ...           {"source": "sam", "target": "lac", "kind": "coordinator",
    ...            "start": "2024-01-01"}],
    ... )
    >>> row = ego_measures(project(T, "2024-02-01")).iloc[0]
    >>> int(row["paid"]), bool(row["coordinator_only"]), float(row["constraint"])
    (2, True, 0.5)
    """
    n = S.n_nodes
    rows = S.rows()
    size = S.degree.astype(np.int64)

    natural = _per_row(S, rows, S.category == NATURAL)
    community = _per_row(S, rows, S.category == COMMUNITY)
    paid = _per_row(S, rows, S.category == PAID)
    circles = [_per_row(S, rows, S.circle == c) for c in (1, 2, 3, 4)]
    close = S.category <= COMMUNITY
    reciprocal_natural = _per_row(S, rows, (S.category == NATURAL) & S.reciprocal)
    brokered = _per_row(S, rows, close & S.brokered)
    has_coordinator = _per_row(S, rows, S.coordinator) > 0

    tri, slots = _triangles_with_slots(S)
    uv, vu, uw, wu, vw, wv = slots.T
    # Every ordered (ego, alter, via) of every triangle, as CSR entries (ego, alter) and
    # (ego, via): u sees v via w and w via v; v sees u via w and w via u; w likewise.
    slot_alter = np.concatenate([uv, uw, vu, vw, wu, wv])
    slot_via = np.concatenate([uw, uv, vw, vu, wv, wu])
    ego = rows[slot_alter]

    # C[i, q]: alters of i tied to q, i.e. triangles through the edge (i, q).
    common = np.bincount(slot_alter, minlength=len(rows)).astype(np.float64)
    # Each pair of tied alters of ego i is seen twice among (i, alter, via).
    tied_pairs = np.bincount(ego, minlength=n) // 2

    indirect = np.bincount(slot_alter, weights=1.0 / (1.0 + common[slot_via]), minlength=len(rows))
    per_alter = (1.0 + indirect) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        sizef = size.astype(np.float64)
        constraint = np.bincount(rows, weights=per_alter, minlength=n) / sizef**2
        density = np.where(size >= 2, tied_pairs / (sizef * (sizef - 1) / 2), np.nan)
        effective = np.where(size >= 1, sizef - 2.0 * tied_pairs / sizef, np.nan)
        reciprocity = np.where(natural > 0, reciprocal_natural / natural, np.nan)
    constraint = np.where(size >= 1, constraint, np.nan)

    components = _alter_components(S, rows, slot_alter, slot_via)
    close_count = natural + community

    people = np.flatnonzero(S.node_type == "person")
    if not pd.Index(S.ids[people]).is_monotonic_increasing:
        people = people[np.argsort(S.ids[people], kind="stable")]
    table = {
        "id": S.ids[people],
        "size": size, "natural": natural, "community": community, "paid": paid,
        "circle1": circles[0], "circle2": circles[1], "circle3": circles[2],
        "circle4": circles[3],
        "density": density, "effective_size": effective, "constraint": constraint,
        "components": components, "reciprocity": reciprocity, "brokered": brokered,
        "isolated": close_count == 0,
        "at_risk": close_count < at_risk_below,
        "coordinator_only": has_coordinator & (close_count == 0),
    }
    frame = pd.DataFrame({k: (v if k == "id" else v[people]) for k, v in table.items()})
    int_columns = [c for c in MEASURE_COLUMNS if frame[c].dtype.kind in "iu"]
    frame[int_columns] = frame[int_columns].astype(np.int64)
    frame["id"] = frame["id"].astype(object)
    return frame.reset_index(drop=True)


def _alter_components(
    S: Snapshot, rows: np.ndarray, slot_alter: np.ndarray, slot_via: np.ndarray
) -> np.ndarray:
    """Count, per node, the connected components among its alters with the ego removed."""
    entries = len(rows)
    if entries == 0:
        return np.zeros(S.n_nodes, dtype=np.int64)
    links = coo_matrix(
        (np.ones(len(slot_alter), dtype=np.int8), (slot_alter, slot_via)), shape=(entries, entries)
    )
    n_parts, label = connected_components(links, directed=False)
    ego_of_part = np.zeros(n_parts, dtype=np.int64)
    ego_of_part[label] = rows
    return np.bincount(ego_of_part, minlength=S.n_nodes).astype(np.int64)
