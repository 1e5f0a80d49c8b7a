"""How a Network Canvas study becomes lacgraph nodes and ties: the mapping (TOML) and its defaults.

With no mapping file, every interviewee (ego) is a supported ``person`` whose id is their
``networkCanvasCaseID``; every alter node type is a ``person`` joined to the ego by a
``friend`` tie; every edge type among alters is a ``friend`` tie; an alter's label is its
``name`` (else ``label``) variable. A mapping file (TOML) changes any of that::

    [ego]
    id = "networkCanvasCaseID"     # variable that names the same person in every interview
    label = "name"                 # ego variable for the label (default: none)
    supported = true
    [ego.copy]                     # lacgraph node column = ego variable
    neighbourhood = "ward"
    coordinator = "coordinator"

    [nodes.Person]                 # a Network Canvas node type
    type = "person"                # lacgraph node type
    label = "name"
    identity = "roster_id"         # same value = same node, across interviews and egos
    kind = "friend"                # the ego-alter tie when nothing below says otherwise
    kind_from = "relationship"     # a variable (or categorical name_option columns) naming kinds
    kind_values = { parent = "family", pal = "friend" }
    kind_if = { family_member = "family" }   # boolean variable -> kind when true
    circle = "closeness"           # a variable holding 1-4 ...
    # circle_layout = { variable = "circles", rings = 4, skewed = true }   # ... or a position

    [edges.knows]                  # a Network Canvas edge type among alters
    kind = "friend"

    [study]
    time_zone = "Europe/London"    # interview dates are local dates in this zone
    shared_cases = false           # true: one case id in two protocols is one person

Examples
--------
>>> m = parse_mapping({"nodes": {"Venue": {"type": "group"}}}, "m.toml")
>>> m.node("Venue").type, m.node("Venue").default_kind, m.node("Person").default_kind
('group', 'member', 'friend')
>>> parse_mapping({"nodes": {"Person": {"kind": "cousin"}}}, "m.toml")
Traceback (most recent call last):
...
lacgraph.errors.InputError: 1 problem in the input:
  m.toml column nodes.Person.kind: 'cousin': unknown tie kind; expected one of family, friend, neighbour, peer, member, volunteer, service, coordinator, household
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lacgraph.errors import InputError, Problem
from lacgraph.model import NODE_TYPES, TIE_KINDS, kind_fits

__all__ = ["EdgeRule", "Mapping", "NodeRule", "default_tie_kind", "parse_mapping", "read_mapping"]

KIND_FOR_TYPE: dict[str, str] = {
    "person": "friend", "group": "member", "service": "service",
    "coordinator": "coordinator", "family": "household",
}
"""The kind of an ego-alter tie by the alter's lacgraph node type (the ego is a person)."""

READ_ALWAYS = (
    "networkCanvasEgoUUID", "networkCanvasUUID", "networkCanvasSourceUUID",
    "networkCanvasTargetUUID", "networkCanvasCaseID", "networkCanvasSessionID",
    "networkCanvasProtocolName", "sessionStart", "sessionFinish", "sessionExported",
    "nodeID", "edgeID", "id", "from", "to", "name", "label")
"""Export columns every import reads; the mapping adds the variables it names."""

_EGO_KEYS = {"id", "label", "supported", "copy"}
_NODE_KEYS = {"type", "label", "identity", "kind", "kind_from", "kind_values", "kind_if",
              "circle", "circle_layout"}
_LAYOUT_KEYS = {"variable", "rings", "skewed", "ring_circles"}
_EDGE_KEYS = {"kind"}
_TOP_KEYS = {"ego", "nodes", "edges", "study"}
_STUDY_KEYS = {"time_zone", "shared_cases"}
TIME_ZONE = "Europe/London"
"""The zone whose local date is an interview's date (Network Canvas writes UTC times)."""


def default_tie_kind(type_a: str, type_b: str) -> str | None:
    """Return the tie kind used between two lacgraph node types, or None if no kind fits.

    Examples
    --------
    >>> default_tie_kind("person", "group"), default_tie_kind("group", "person")
    ('member', 'member')
    >>> default_tie_kind("group", "service") is None
    True
    """
    for kind in ("friend", "member", "service", "coordinator", "household"):
        if kind_fits(kind, type_a, type_b):
            return kind
    return None


@dataclass(frozen=True)
class CircleLayout:
    """A concentric-circles sociogram position read as a circle."""

    variable: str
    rings: int = 4
    skewed: bool = True
    ring_circles: tuple[int, ...] = (1, 2, 3, 4)


@dataclass(frozen=True)
class NodeRule:
    """What one Network Canvas node type becomes."""

    type: str = "person"
    label: str | None = None
    identity: str | None = None
    kind: str | None = None
    kind_from: str | None = None
    kind_values: dict[str, str] = field(default_factory=dict)
    kind_if: dict[str, str] = field(default_factory=dict)
    circle: str | None = None
    circle_layout: CircleLayout | None = None

    @property
    def default_kind(self) -> str:
        """The ego-alter tie kind when no variable names one."""
        return self.kind or KIND_FOR_TYPE[self.type]


@dataclass(frozen=True)
class EdgeRule:
    """What one Network Canvas edge type becomes (``kind`` None: from the node types)."""

    kind: str | None = None


@dataclass(frozen=True)
class Mapping:
    """The whole mapping; every part has a default (see the module docstring)."""

    ego_id: str = "networkCanvasCaseID"
    ego_label: str | None = None
    supported: bool = True
    copy: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, NodeRule] = field(default_factory=dict)
    edges: dict[str, EdgeRule] = field(default_factory=dict)
    file: str = ""
    time_zone: str = TIME_ZONE
    shared_cases: bool = False

    def uses(self, column: str) -> bool:
        """Tell whether the import reads this export column (the others are skipped).

        Examples
        --------
        >>> m = Mapping(nodes={"Person": NodeRule(kind_from="rel")})
        >>> m.uses("name"), m.uses("rel_friend"), m.uses("notes")
        (True, True, False)
        """
        names, prefixes = self._used
        return column in names or column.startswith(prefixes)

    @property
    def _used(self) -> tuple[frozenset[str], tuple[str, ...]]:
        names = set(READ_ALWAYS) | {self.ego_id, *self.copy.values()}
        names |= {self.ego_label} if self.ego_label else set()
        prefixes: list[str] = []
        for rule in self.nodes.values():
            names |= {v for v in (rule.label, rule.identity, rule.kind_from, rule.circle)
                      if v}
            names |= set(rule.kind_if)
            if rule.kind_from:
                prefixes.append(rule.kind_from + "_")
            if rule.circle_layout:
                names |= {rule.circle_layout.variable + "_x", rule.circle_layout.variable + "_y"}
        return frozenset(names), tuple(prefixes)

    def node(self, nc_type: str) -> NodeRule:
        """Return the rule for a node type (the default rule when the mapping has none)."""
        return self.nodes.get(nc_type, NodeRule())

    def edge(self, nc_type: str) -> EdgeRule:
        """Return the rule for an edge type (the default rule when the mapping has none)."""
        return self.edges.get(nc_type, EdgeRule())


def read_mapping(path: str | Path | None) -> Mapping:
    """Read a mapping file (TOML); ``None`` gives the defaults.

    Raises
    ------
    InputError
        If the file is missing, not TOML, or any key or value is wrong (all listed).

    Examples
    --------
    >>> read_mapping(None).ego_id
    'networkCanvasCaseID'
    """
    if path is None:
        return Mapping()
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise InputError([Problem(name, 0, "", str(path), "no such mapping file")])
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError([Problem(name, 0, "", "", "not UTF-8 text; save it as UTF-8")]) from None
    except tomllib.TOMLDecodeError as err:
        line = getattr(err, "lineno", 0) or 0
        raise InputError([Problem(name, line, "", "", f"not valid TOML ({err})")]) from None
    return parse_mapping(data, name)


def parse_mapping(data: dict[str, Any], file: str) -> Mapping:
    """Check a parsed mapping and return it, or raise one InputError listing every problem."""
    problems: list[Problem] = []

    def bad(where: str, value: object, reason: str) -> None:
        problems.append(Problem(file, 0, where, _text(value), reason))

    def unknown_keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                bad(f"{where}{key}", key, f"unknown setting; expected one of "
                    f"{', '.join(sorted(allowed))}")

    def text(table: dict[str, Any], key: str, where: str) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            bad(where + key, value, "expected a variable name (text)")
            return None
        return value

    def kind_value(value: object, where: str) -> str | None:
        if value not in TIE_KINDS:
            bad(where, value, f"unknown tie kind; expected one of {', '.join(TIE_KINDS)}")
            return None
        return str(value)

    def table_of(value: object, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            bad(where, value, "expected a table")
            return {}
        return value

    unknown_keys(data, _TOP_KEYS, "")
    ego = table_of(data.get("ego", {}), "ego")
    unknown_keys(ego, _EGO_KEYS, "ego.")
    ego_id = text(ego, "id", "ego.") or "networkCanvasCaseID"
    ego_label = text(ego, "label", "ego.")
    supported = ego.get("supported", True)
    if not isinstance(supported, bool):
        bad("ego.supported", supported, "expected true or false")
        supported = True
    copy: dict[str, str] = {}
    for column, variable in table_of(ego.get("copy", {}), "ego.copy").items():
        if column in ("id", "type", "supported", "introduced_on", "label"):
            bad(f"ego.copy.{column}", column, "this column is set by the import; expected "
                "another column such as neighbourhood or coordinator")
        elif not isinstance(variable, str) or not variable:
            bad(f"ego.copy.{column}", variable, "expected an ego variable name (text)")
        else:
            copy[column] = variable

    nodes: dict[str, NodeRule] = {}
    for nc_type, raw in table_of(data.get("nodes", {}), "nodes").items():
        where = f"nodes.{nc_type}."
        rule = table_of(raw, where[:-1])
        unknown_keys(rule, _NODE_KEYS, where)
        node_type = rule.get("type", "person")
        if node_type not in NODE_TYPES:
            bad(where + "type", node_type,
                f"unknown node type; expected one of {', '.join(NODE_TYPES)}")
            node_type = "person"
        kind = kind_value(rule["kind"], where + "kind") if "kind" in rule else None
        if kind is not None and not kind_fits(kind, "person", node_type):
            bad(where + "kind", kind, f"a {kind} tie cannot join the ego (a person) to a "
                f"{node_type}")
        kind_values = {str(k): v for k, v in table_of(rule.get("kind_values", {}),
                                                        where + "kind_values").items()
                       if kind_value(v, f"{where}kind_values.{k}")}
        kind_if: dict[str, str] = {}
        for variable, value in table_of(rule.get("kind_if", {}), where + "kind_if").items():
            if kind_value(value, f"{where}kind_if.{variable}"):
                kind_if[str(variable)] = str(value)
        layout = None
        if "circle_layout" in rule:
            layout = _layout(table_of(rule["circle_layout"], where + "circle_layout"),
                             where + "circle_layout.", bad, unknown_keys)
            if "circle" in rule:
                bad(where + "circle", rule["circle"], "give circle or circle_layout, not both")
        nodes[str(nc_type)] = NodeRule(
            type=str(node_type), label=text(rule, "label", where),
            identity=text(rule, "identity", where), kind=kind,
            kind_from=text(rule, "kind_from", where), kind_values=kind_values,
            kind_if=kind_if, circle=text(rule, "circle", where), circle_layout=layout)

    edges: dict[str, EdgeRule] = {}
    for nc_type, raw in table_of(data.get("edges", {}), "edges").items():
        where = f"edges.{nc_type}."
        rule = table_of(raw, where[:-1])
        unknown_keys(rule, _EDGE_KEYS, where)
        kind = kind_value(rule["kind"], where + "kind") if "kind" in rule else None
        edges[str(nc_type)] = EdgeRule(kind=kind)

    study = table_of(data.get("study", {}), "study")
    unknown_keys(study, _STUDY_KEYS, "study.")
    time_zone = study.get("time_zone", TIME_ZONE)
    if not isinstance(time_zone, str) or not _known_zone(time_zone):
        bad("study.time_zone", time_zone, "unknown time zone; expected an IANA name such as "
            "Europe/London")
        time_zone = TIME_ZONE
    shared_cases = study.get("shared_cases", False)
    if not isinstance(shared_cases, bool):
        bad("study.shared_cases", shared_cases, "expected true or false")
        shared_cases = False

    if problems:
        raise InputError(problems)
    return Mapping(ego_id=ego_id, ego_label=ego_label, supported=supported, copy=copy,
                   nodes=nodes, edges=edges, file=file, time_zone=time_zone,
                   shared_cases=shared_cases)


def _known_zone(name: str) -> bool:
    """Tell whether ``name`` is a time zone the zoneinfo database (tzdata) knows."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _layout(table: dict[str, Any], where: str, bad: Any, unknown_keys: Any) -> CircleLayout | None:
    unknown_keys(table, _LAYOUT_KEYS, where)
    variable = table.get("variable")
    if not isinstance(variable, str) or not variable:
        bad(where + "variable", variable, "expected the name of the sociogram's layout variable")
        return None
    rings = table.get("rings", 4)
    if not isinstance(rings, int) or isinstance(rings, bool) or rings < 1:
        bad(where + "rings", rings, "expected the number of concentric circles (1 or more)")
        return None
    skewed = table.get("skewed", True)
    if not isinstance(skewed, bool):
        bad(where + "skewed", skewed, "expected true or false")
        return None
    default = (1, 2, 3, 4) if rings == 4 else None
    ring_circles = table.get("ring_circles", default)
    if (not isinstance(ring_circles, (list, tuple)) or len(ring_circles) != rings
            or any(c not in (1, 2, 3, 4) or isinstance(c, bool) for c in ring_circles)):
        bad(where + "ring_circles", ring_circles,
            f"expected a list of {rings} circles (1-4), innermost ring first (needed when "
            "rings is not 4)")
        return None
    return CircleLayout(variable, rings, skewed, tuple(int(c) for c in ring_circles))


def _text(value: object) -> str:
    return "" if value is None else str(value)
