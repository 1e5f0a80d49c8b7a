"""Hand-built circles of support for the picture tests."""

from __future__ import annotations

import numpy as np

from lacgraph.network import Network
from lacgraph.tables import Tables

FIRST = ["Gwen", "Rhys", "Eleri", "Margaret", "Owain", "Bethan", "Christopher", "Ann", "Dafydd",
         "Elizabeth", "Tom", "Siân", "Ffion", "Jo", "Alexander", "Nia"]
LAST = ["Jones", "Williams", "Davies", "Evans", "Thomas", "Roberts", "Pritchard", "Hughes",
        "Llewellyn-Price", "Ap Rhys", "Morgan", "Lewis"]
GROUPS = ["Mayhill Walking Group", "Castle Ward Community Choir", "Men's Shed", "Knit & Natter",
          "St Thomas Food Co-op and Community Garden", "Repair Café"]
SERVICES = ["Coeddale Community Mental Health Team", "GP surgery", "Adult Social Care",
            "Housing Options", "Carers Centre"]

# (kind, circle) pools: the kinds of alters a real circle holds
KINDS = [("family", 1), ("family", 2), ("friend", 1), ("friend", 2), ("neighbour", 3),
         ("peer", 3), ("member", 3), ("volunteer", 3), ("service", 4), ("coordinator", 4)]

MIXES: dict[str, list[tuple[str, int]] | None] = {
    "mixed": None,
    "all friends in circle 2": [("friend", 2)],
    "all intimates": [("friend", 1), ("family", 1)],
    "all services": [("service", 4), ("coordinator", 4)],
    "groups and neighbours": [("member", 3), ("neighbour", 3)],
}
"""Crowded circles' mixes of alters (:func:`crowded`'s ``kinds``; ``None``: every kind)."""


def crowded(n: int, seed: int = 0, kinds: list[tuple[str, int]] | None = None,
            start: str = "2024-01-01", churn: bool = False) -> Network:
    """Sam with ``n`` alters drawn from ``kinds`` (long and short labels), some tied together.

    With ``churn``, about a quarter of Sam's ties start on 2024-06-01 (new since March) and
    about one in six end on 2024-04-01 (gone by then), drawn from a second random stream so
    the circles without churn stay as they were."""
    rng = np.random.default_rng(seed)
    pool = kinds or KINDS
    nodes = [{"id": "sam", "type": "person", "label": "Samantha Jones"}]
    ties = []
    for i in range(n):
        kind, circle = pool[rng.integers(len(pool))]
        node_type = {"member": "group", "volunteer": "group", "service": "service",
                     "coordinator": "coordinator"}.get(kind, "person")
        if node_type == "group":
            label = f"{GROUPS[rng.integers(len(GROUPS))]} {i}"
        elif node_type == "service":
            label = f"{SERVICES[rng.integers(len(SERVICES))]} {i}"
        else:
            label = f"{FIRST[rng.integers(len(FIRST))]} {LAST[rng.integers(len(LAST))]}"
        nodes.append({"id": f"a{i:02d}", "type": node_type, "label": label})
        ties.append({"source": "sam", "target": f"a{i:02d}", "kind": kind, "start": start,
                     "circle": str(circle)})
    if churn:
        moves = np.random.default_rng(seed + 10_000).random(len(ties))
        for tie, move in zip(ties, moves, strict=True):
            if move < 0.25:
                tie["start"] = "2024-06-01"
            elif move < 0.4:
                tie["end"] = "2024-04-01"
    people = [nd["id"] for nd in nodes[1:] if nd["type"] == "person"]
    pairs = set()
    for _ in range(n // 2):
        if len(people) > 1:
            a, b = sorted(rng.choice(len(people), 2, replace=False))
            pairs.add((people[a], people[b]))
    ties += [{"source": a, "target": b, "kind": "friend", "start": start}
             for a, b in sorted(pairs)]
    return Network.from_tables(Tables.from_records(nodes, ties))
