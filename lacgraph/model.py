"""The vocabulary of a LAC network: node types, tie kinds, categories and circles.

Everything here is plain data taken from DESIGN.md, so that loaders, stores,
measures and pictures all speak the same words.

Examples
--------
>>> category_of("friend")
'natural'
>>> default_circle("service")
4
>>> kind_fits("member", "person", "group")
True
>>> kind_fits("member", "person", "person")
False
"""

from __future__ import annotations

NODE_TYPES: tuple[str, ...] = ("person", "group", "service", "coordinator", "family")
"""Every node has exactly one of these types."""

CATEGORIES: tuple[str, ...] = ("natural", "community", "paid")
"""Tie categories, closest first: an alter reached by several counts in the closest."""

KIND_CATEGORY: dict[str, str] = {
    "family": "natural",
    "friend": "natural",
    "neighbour": "natural",
    "peer": "natural",
    "member": "community",
    "volunteer": "community",
    "service": "paid",
    "coordinator": "paid",
}
"""Tie kind -> category. ``household`` is deliberately absent: it is not a relationship."""

HOUSEHOLD = "household"
"""Joins a person to a ``family`` node: who lives together, ignored by every measure."""

TIE_KINDS: tuple[str, ...] = (*KIND_CATEGORY, HOUSEHOLD)
"""Every tie kind accepted on input."""

DEFAULT_CIRCLE: dict[str, int] = {
    "family": 2,
    "friend": 2,
    "neighbour": 3,
    "peer": 3,
    "member": 3,
    "volunteer": 3,
    "service": 4,
    "coordinator": 4,
    HOUSEHOLD: 2,
}
"""The circle a tie sits in when the input leaves ``circle`` empty."""

CIRCLES: dict[int, str] = {1: "intimacy", 2: "friendship", 3: "participation", 4: "exchange"}
"""Person-centred planning's relationship circles, closest first."""

KIND_ENDPOINTS: dict[str, frozenset[frozenset[str]]] = {
    "family": frozenset({frozenset({"person"})}),
    "friend": frozenset({frozenset({"person"})}),
    "neighbour": frozenset({frozenset({"person"})}),
    "peer": frozenset({frozenset({"person"})}),
    "member": frozenset({frozenset({"person", "group"})}),
    "volunteer": frozenset({frozenset({"person", "group"})}),
    # a paid carer may be a person as well as a service organisation
    "service": frozenset({frozenset({"person", "service"}), frozenset({"person"})}),
    "coordinator": frozenset({frozenset({"person", "coordinator"})}),
    HOUSEHOLD: frozenset({frozenset({"person", "family"})}),
}
"""The unordered pairs of node types each tie kind may join (ties are undirected)."""

AT_RISK_THRESHOLD = 3
"""A person with fewer natural + community alters than this is at risk."""


def category_of(kind: str) -> str:
    """Return the category (natural, community or paid) of a tie kind.

    Examples
    --------
    >>> category_of("volunteer")
    'community'
    """
    return KIND_CATEGORY[kind]


def default_circle(kind: str) -> int:
    """Return the circle a tie of ``kind`` sits in when none is given.

    Examples
    --------
    >>> default_circle("neighbour")
    3
    """
    return DEFAULT_CIRCLE[kind]


def kind_fits(kind: str, type_a: str, type_b: str) -> bool:
    """Tell whether a tie of ``kind`` may join nodes of these two types (either order).

    Examples
    --------
    >>> kind_fits("coordinator", "coordinator", "person")
    True
    >>> kind_fits("friend", "person", "group")
    False
    """
    return frozenset({type_a, type_b}) in KIND_ENDPOINTS.get(kind, frozenset())


def expected_endpoints(kind: str) -> str:
    """Describe in words the node types a tie kind joins, for error messages.

    Examples
    --------
    >>> expected_endpoints("member")
    'person-group'
    """
    pairs = ("-".join(sorted(p, key=NODE_TYPES.index) * (3 - len(p))) for p in KIND_ENDPOINTS[kind])
    return " or ".join(sorted(pairs))
