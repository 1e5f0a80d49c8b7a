"""Where everything in a circle-of-support picture goes: rings, sectors, alters.

The layout is the picture's geometry without any drawing library, shared by the static
picture (matplotlib, :mod:`lacgraph.viz.circle`), the web picture (plain SVG,
:mod:`lacgraph.viz.svg`) and the interactive view (:mod:`lacgraph.viz.html`).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from lacgraph.analysis.circle import circle_table, compare, headline, headline_of
from lacgraph.i18n import N_, _, ngettext
from lacgraph.model import HOUSEHOLD
from lacgraph.tables import format_date, format_long_date

if TYPE_CHECKING:
    from lacgraph.analysis.families import Family
    from lacgraph.dated import DatedNetwork
    from lacgraph.privacy import Pseudonymiser
    from lacgraph.tables import DateLike

CATEGORY_COLOURS = {"natural": "#0072B2", "community": "#009E73", "paid": "#E69F00"}
"""Okabe-Ito colours per tie category (blue, bluish green, orange)."""

NEW_COLOUR = "#D55E00"
"""Okabe-Ito vermillion: the halo of alters added since the earlier date."""

TYPE_MARKERS = {"person": "o", "group": "s", "service": "D", "coordinator": "^", "family": "h"}

SECTORS: tuple[str, ...] = (
    N_("family"), N_("friends & neighbours"), N_("community groups"),
    N_("services & coordinator"))
"""Sectors of the picture, clockwise from the top (the English names are the keys; a
picture shows ``_(name)``, the name in the current language)."""

RING_RADIUS = {1: 1.3, 2: 2.2, 3: 3.1, 4: 4.0}
"""Ring radii of an uncrowded circle; a crowded ring widens (see :func:`ring_radii`)."""
RING_GAP = 0.9
ALTER_ROOM = 0.6
"""Length of ring each alter needs, in the units of :data:`RING_RADIUS`."""
CIRCLE_NAMES = {1: N_("intimacy"), 2: N_("friendship"), 3: N_("participation"),
                4: N_("exchange")}
"""Each circle's name in the pictures (:data:`lacgraph.model.CIRCLES`, for the catalogue)."""
RING_NAMES = {1: N_("1 intimacy"), 2: N_("2 friendship"), 3: N_("3 participation"),
              4: N_("4 exchange / paid")}
"""Each ring's number and name, as the pictures' texts say them (translate with ``_``)."""


def ring_names() -> list[str]:
    """The rings' names in the current language, closest first.

    Examples
    --------
    >>> ring_names()[3]
    '4 exchange / paid'
    """
    return [_(name) for name in RING_NAMES.values()]


def circle_name(circle: int) -> str:
    """A circle's name in the current language ("friendship")."""
    return _(CIRCLE_NAMES[int(circle)])
MIN_SECTOR = np.deg2rad(24)


class CircleData:
    """Everything the pictures show, names already replaced when pseudonymising.

    ``alters``: one row per alter: the :func:`lacgraph.analysis.circle.compare` columns
    (``status`` ``kept`` without ``since``), ``shown`` (the label to draw), ``sector``,
    and ``angle``, ``x``, ``y`` from :func:`layout` (ring radii and sectors in its
    ``attrs``). Gathered as ``columns`` instead (:func:`picture_data`), the frame is built
    at its first use: the SVG writer reads the columns (:meth:`column`) and needs none.
    ``pairs``: alter-alter ties active at ``at``, as row positions in ``alters``.
    """

    def __init__(self, person: str, person_label: str, at: str, since: str | None,
                 alters: pd.DataFrame | None = None, pairs: list[tuple[int, int]] | None = None,
                 headline: str = "", *, columns: dict[str, np.ndarray] | None = None,
                 radii: dict[int, float] | None = None,
                 sectors: dict[str, tuple[float, float]] | None = None):
        if (alters is None) == (columns is None):
            raise TypeError("CircleData needs alters (a frame) or columns, not both")
        self.person, self.person_label, self.at, self.since = person, person_label, at, since
        self.pairs = pairs or []
        self.headline = headline
        self._alters = alters
        self.columns = columns
        attrs = {} if alters is None else alters.attrs
        self.radii: dict[int, float] = radii or attrs.get("radii") or dict(RING_RADIUS)
        self.sectors: dict[str, tuple[float, float]] = sectors or attrs.get("sectors", {})

    @property
    def alters(self) -> pd.DataFrame:
        """The alters as a frame (see the class)."""
        if self._alters is None:
            frame = pd.DataFrame(self.columns)
            frame.attrs = {"radii": self.radii, "sectors": self.sectors}
            self._alters = frame
        return self._alters

    def __len__(self) -> int:
        """How many alters."""
        if self.columns is not None:
            return len(self.columns["id"])
        return len(self.alters)

    def column(self, name: str) -> np.ndarray:
        """One column of the alters as an array."""
        if self.columns is not None:
            return np.asarray(self.columns[name])
        alters = self.alters
        return alters[name].to_numpy() if len(alters) else np.zeros(0, dtype=object)


def sector_of(kind: str) -> str:
    """Return the sector of an alter joined by the ``;``-joined tie ``kind`` (closest wins).

    Examples
    --------
    >>> sector_of("friend;family"), sector_of("member"), sector_of("coordinator")
    ('family', 'community groups', 'services & coordinator')
    """
    kinds = set(kind.split(";"))
    if "family" in kinds:
        return SECTORS[0]
    if kinds & {"friend", "neighbour", "peer"}:
        return SECTORS[1]
    if kinds & {"member", "volunteer"}:
        return SECTORS[2]
    return SECTORS[3]


def ring_radii(counts: dict[int, int]) -> dict[int, float]:
    """Return each ring's radius: the default, widened so ``counts[r]`` alters have room.

    Rings stay in order with at least :data:`RING_GAP` between them.

    Examples
    --------
    >>> ring_radii({1: 2, 3: 5})
    {1: 1.3, 2: 2.2, 3: 3.1, 4: 4.0}
    >>> {r: round(v, 2) for r, v in ring_radii({1: 40}).items()}
    {1: 3.82, 2: 4.72, 3: 5.62, 4: 6.52}
    """
    radii: dict[int, float] = {}
    previous = 0.0
    for r, default in RING_RADIUS.items():
        need = counts.get(r, 0) * ALTER_ROOM / (2 * np.pi)
        radii[r] = float(max(default, previous + RING_GAP, need))
        previous = radii[r]
    return radii


LAID_OUT = ("sector", "angle", "x", "y")
"""The columns :func:`layout` adds."""


def layout(alters: pd.DataFrame) -> pd.DataFrame:
    """Return ``alters`` with ``sector``, ``angle`` (radians), ``x`` and ``y`` columns.

    Every alter is on the ring of its ``circle`` (radius from :func:`ring_radii`, kept in
    ``attrs["radii"]``). Sectors run
    clockwise from the top in :data:`SECTORS` order; each sector's width follows the most
    crowded ring inside it (alters per unit of ring length), with a minimum, and the alters
    of one ring in one sector are spread evenly across the sector, ordered by label.

    Examples
    --------
    >>> alters = pd.DataFrame({"id": ["a", "b"], "kind": ["family", "member"],
    ...                        "circle": [1, 3], "shown": ["A", "B"]})
    >>> placed = layout(alters)
    >>> [round(float(np.hypot(x, y)), 6) for x, y in zip(placed["x"], placed["y"])]
    [1.3, 3.1]
    """
    placed, radii, sectors = layout_columns(
        {c: alters[c].to_numpy(dtype=object) for c in ("id", "kind", "circle", "shown")})
    # one new frame (a column added to a frame at a time costs more than the layout)
    out = pd.DataFrame({**{c: alters[c].array for c in alters.columns if c not in LAID_OUT},
                        **{c: placed[c] for c in LAID_OUT}}, index=alters.index)
    out.attrs = copy.deepcopy(alters.attrs)
    out.attrs["radii"] = radii
    out.attrs.setdefault("sectors", {}).update(sectors)
    return out


def layout_columns(alters: Mapping[str, Any]) -> tuple[dict[str, np.ndarray], dict[int, float],
                                                        dict[str, tuple[float, float]]]:
    """:func:`layout` of alters given as columns (``id``, ``kind``, ``circle``, ``shown``):
    the ``sector``, ``angle``, ``x`` and ``y`` columns, the rings' radii and the sectors'
    start and end angles.

    Examples
    --------
    >>> placed, radii, sectors = layout_columns({"id": ["a"], "kind": ["family"],
    ...                                          "circle": [1], "shown": ["A"]})
    >>> placed["sector"].tolist(), radii[1]
    (['family'], 1.3)
    """
    kinds = alters["kind"]
    n = len(kinds)
    sector = (np.array([sector_of(k) for k in kinds], dtype=object) if n
              else np.zeros(0))  # (an empty column of no type, as pandas makes one)
    circle = np.asarray(alters["circle"])
    radii = ring_radii(dict(Counter(circle.tolist())))
    # plain arrays, not frame operations: a frame copies its attrs at every step
    ring_of = {(s, r): np.flatnonzero((sector == s) & (circle == r))
               for s in SECTORS for r in RING_RADIUS}
    demand = {s: max((len(ring_of[s, r]) / radii[r] for r in RING_RADIUS if len(ring_of[s, r])),
                     default=0.0) for s in SECTORS}
    total = sum(demand.values())
    present = [s for s in SECTORS if demand[s] > 0]
    spans = {s: 0.0 for s in SECTORS}
    if present:
        free = 2 * np.pi - MIN_SECTOR * len(present)
        for s in present:
            spans[s] = MIN_SECTOR + free * demand[s] / total
    shown, ids = list(alters["shown"]), list(alters["id"])
    angle = np.zeros(n)
    sectors = {}
    start = np.pi / 2  # the top, going clockwise
    for s in SECTORS:
        for r in RING_RADIUS:
            ring = sorted(ring_of[s, r], key=lambda i: (shown[i], ids[i]))  # by label, id
            m = len(ring)
            if m:
                angle[ring] = start - (np.arange(m) + 0.5) / m * spans[s]
        sectors[s] = (start, start - spans[s])
        start -= spans[s]
    radius = np.array([radii.get(c, np.nan) for c in circle.tolist()], dtype=float)
    return ({"sector": sector, "angle": angle, "x": radius * np.cos(angle),
             "y": radius * np.sin(angle)}, radii, sectors)


def circle_data(
    G: DatedNetwork, person: str, at: DateLike | None = None, *, since: DateLike | None = None,
    pseudonymiser: Pseudonymiser | None = None,
) -> CircleData:
    """Gather what the pictures of ``person``'s circle show (see :class:`CircleData`).

    With ``since``, alters who were there at ``since`` but not at ``at`` are included with
    status ``gone`` (drawn faded, on the ring of their circle at ``since``), and alters who
    arrived in between have status ``new``.
    """
    day = G.resolve_date(at)
    before = None if since is None else G.resolve_date(since)
    alters = (circle_table(G.store, person, day) if before is None
              else compare(G, person, before, day))
    ego = G.store.ego(person, day).ties
    ego = ego[(ego["kind"] != HOUSEHOLD) & (ego["source"] != person) & (ego["target"] != person)]
    return picture_data(person, str(G.node(person)["label"]) or person, day, before, alters,
                        zip(ego["source"], ego["target"], strict=True),
                        pseudonymiser=pseudonymiser)


def picture_data(person: str, label: str, day: np.datetime64, since: np.datetime64 | None,
                 alters: pd.DataFrame | Mapping[str, Any], lines: Iterable[tuple[object, object]],
                 *, pseudonymiser: Pseudonymiser | None = None) -> CircleData:
    """:class:`CircleData` from the circle at ``day`` (``alters``:
    :func:`~lacgraph.analysis.circle.circle_table`, or
    :func:`~lacgraph.analysis.circle.compare` since ``since``, as a frame or as its
    columns) and the ties among the alters (``lines``: pairs of ids). What
    :func:`circle_data` and the first-view index both draw from. The data is gathered as
    columns (a frame only when something asks for :attr:`CircleData.alters`)."""
    if isinstance(alters, pd.DataFrame):
        columns = {c: alters[c].to_numpy() for c in alters.columns}
    else:
        columns = {c: np.asarray(v) for c, v in alters.items()}
    n = len(columns["id"])
    if since is not None:
        status = columns["status"]
        head = headline_of(columns["category"][status != "gone"],
                           int((status != "new").sum()), since)
    else:
        columns["status"] = np.full(n, "kept", dtype=object)
        columns["added"] = np.full(n, "", dtype=object)
        columns["ended"] = np.full(n, "", dtype=object)
        head = headline_of(columns["category"], None, None)
    if pseudonymiser is not None:
        person_label = pseudonymiser(person)
        shown = [pseudonymiser(i) for i in columns["id"]]
    else:
        person_label = label
        shown = [str(lab) or str(i) for lab, i in zip(columns["label"], columns["id"],
                                                      strict=True)]
    columns["shown"] = np.array(shown, dtype=object).reshape(n)
    placed, radii, sectors = layout_columns(columns)
    columns.update(placed)
    position = {a: i for i, a in enumerate(columns["id"].tolist())}
    pairs = sorted({tuple(sorted((position[a], position[b])))
                    for a, b in lines if a in position and b in position})
    return CircleData(person=person, person_label=person_label, at=format_date(day),
                      since=None if since is None else format_date(since),
                      columns=columns, radii=radii, sectors=sectors, pairs=pairs,
                      headline=head)


def family_data(F: Family) -> tuple[CircleData, str, tuple[str, ...]]:
    """Gather what the family picture shows: the circle data, the title, the members' names.

    Examples
    --------
    >>> from lacgraph.analysis.families import family
    >>> from lacgraph.tables import Tables
    >>> T = Tables.from_records(nodes=[{"id": "sam", "type": "person", "label": "Sam"}],
    ...                         ties=[])
    >>> data, title, names = family_data(family(T, "sam", "2024-01-01"))
    >>> title, names
    ("Sam's household and its circle of support on 1 January 2024", ('Sam',))
    """
    alters = F.alters.copy()
    alters["status"] = "kept"
    alters["added"] = ""
    alters["ended"] = ""
    alters["shown"] = [str(lab) or str(i) for lab, i in zip(alters["label"], alters["id"],
                                                             strict=True)]
    alters = layout(alters.reset_index(drop=True))
    position = {a: i for i, a in enumerate(alters["id"])}
    pairs = sorted({tuple(sorted((position[a], position[b])))
                    for a, b in zip(F.links["source"], F.links["target"], strict=True)})
    names = [str(lab) or str(i) for lab, i in zip(F.members["label"], F.members["id"],
                                                   strict=True)]
    person_label = names[F.members["id"].tolist().index(F.person)]
    at = format_date(F.at)
    data = CircleData(
        person=F.person, person_label=person_label, at=at, since=None, alters=alters,
        pairs=pairs, headline=ngettext("%(num)d living together; %(headline)s",
                                       "%(num)d living together; %(headline)s", len(names),
                                       headline=headline(alters)))
    title = _("%(name)s's household and its circle of support on %(date)s",
              name=person_label, date=format_long_date(F.at))
    return data, title, tuple(names)
