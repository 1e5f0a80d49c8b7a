"""The named Cypher queries (read from the ``.cypher`` files beside this module).

Comments (``//`` lines) are stripped and whitespace collapsed. Every value is a
parameter (``$name``); the text is fixed. The whole-graph reads (``ALL_NODES``,
``ALL_TIES``, ``SNAPSHOT_TIES``) answer with one row of columns (lists), which the Python
driver decodes many times faster than one record per node or tie.

Examples
--------
>>> EGO.split()[0:2]
['MATCH', '(p:LacNode']
>>> sorted(QUERIES)[:3]
['ALL_NODES', 'ALL_TIES', 'ALL_TIES_SCAN']
"""

from __future__ import annotations

from importlib.resources import files


def load(name: str) -> str:
    """Return the query in ``<name>.cypher`` without comments, on one line.

    Examples
    --------
    >>> load("snapshot_ties").startswith("MATCH (:LacNode)-[t]->(:LacNode) WHERE")
    True
    """
    text = files("lacgraph.queries").joinpath(f"{name}.cypher").read_text(encoding="utf-8")
    lines = [line.split("//", 1)[0] if line.lstrip().startswith("//") else line
             for line in text.splitlines()]
    return " ".join(" ".join(lines).split())


ALL_NODES = load("all_nodes")
"""Every node, one row of columns (``$types``: the type labels; ``$extra``: extra columns)."""
ALL_TIES = load("all_ties")
"""Every tie once, one row of columns (``$extra``: the extra columns)."""
SNAPSHOT_TIES = load("snapshot_ties")
"""The ties active at ``$at``, one row of columns like ``ALL_TIES``.
Twin: :func:`lacgraph.queries.memory.snapshot`."""
COUNTS = load("counts")
"""Whether every relationship joins two lacgraph nodes (counts store, constant time)."""
ALL_TIES_SCAN = load("all_ties_scan")
"""``ALL_TIES`` by a relationship-store scan: the same answer when ``COUNTS`` is true."""
SNAPSHOT_TIES_SCAN = load("snapshot_ties_scan")
"""``SNAPSHOT_TIES`` by a relationship-store scan: the same answer when ``COUNTS`` is true."""
EGO = load("ego")
"""``$person``'s ego network at ``$at``, one row: the person, a list of ties each with both
ends, and the extra column order. Twin: :func:`lacgraph.queries.memory.ego`."""
TIES_CHANGED = load("ties_changed")
"""Ties begun or ended in ``($since, $at]``, touching ``$person`` (or all when null).
Twin: :func:`lacgraph.queries.memory.ties_changed`."""
PEOPLE_BY_NEIGHBOURHOOD = load("people_by_neighbourhood")
"""The people of ``$neighbourhood``. Twin: :func:`lacgraph.queries.memory.people_by_neighbourhood`."""

QUERIES: dict[str, str] = {
    "ALL_NODES": ALL_NODES, "ALL_TIES": ALL_TIES, "SNAPSHOT_TIES": SNAPSHOT_TIES,
    "COUNTS": COUNTS, "ALL_TIES_SCAN": ALL_TIES_SCAN, "SNAPSHOT_TIES_SCAN": SNAPSHOT_TIES_SCAN,
    "EGO": EGO,
    "TIES_CHANGED": TIES_CHANGED, "PEOPLE_BY_NEIGHBOURHOOD": PEOPLE_BY_NEIGHBOURHOOD,
}
"""Every named read query, by name."""
