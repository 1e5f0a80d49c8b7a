"""The circle-of-support picture as plain SVG, written straight from the layout.

The web page draws this one (no matplotlib in the request path: a page view is a few
milliseconds, and nothing in it is shared between threads). It shows what the static
picture shows (:mod:`lacgraph.viz.circle`, kept for PNG export): the person at the centre,
the four rings, the sectors, people and groups coloured by category and shaped by type,
connections among them, and what is new or gone since an earlier date. Every name is
escaped text, never markup; the picture is ``role="img"`` with a ``<title>`` and a
``<desc>`` that says the counts, so a screen reader hears what a sighted reader sees.

Each label sits beside its own node (nearer to it than to any other), or further out
joined to it by a leader line; its width is Arial's (:mod:`lacgraph.viz.textsize`), so
the browser draws it where the placer expects; long names wrap onto at most three lines.
Markers carry ``data-mark``, labels and leader lines ``data-for``, the alter's position.

Examples
--------
>>> from lacgraph.viz.layout import CircleData, layout
>>> import pandas as pd
>>> alters = layout(pd.DataFrame({"id": ["a"], "kind": ["friend"], "circle": [2],
...     "category": ["natural"], "type": ["person"], "shown": ["<b>Jo</b>"],
...     "status": ["kept"], "added": [""], "ended": [""]}))
>>> data = CircleData(person="s", person_label="Sam", at="2024-01-01", since=None,
...                   alters=alters, pairs=[], headline="1 person or group: 1 natural")
>>> svg = circle_svg(data)
>>> "&lt;b&gt;Jo&lt;/b&gt;" in svg, "<b>" in svg, 'role="img"' in svg
(True, False, True)
"""

from __future__ import annotations

import functools
import math
import textwrap
from html import escape

import numpy as np

from lacgraph.i18n import N_, _, language
from lacgraph.tables import format_long_date
from lacgraph.viz.layout import CATEGORY_COLOURS, NEW_COLOUR, SECTORS, CircleData, ring_names
from lacgraph.viz.textsize import text_width

SCALE = 62.0
"""Pixels per ring unit of :func:`lacgraph.viz.layout.layout`."""
FONT = 12
"""Label font size in pixels."""
WRAP = 18
NODE = 8.0
"""Half the size of a node's marker, in pixels."""


def _wrap(text: str) -> list[str]:
    lines = textwrap.wrap(text, WRAP, break_long_words=True, break_on_hyphens=False,
                          max_lines=3, placeholder="\u2026")
    return lines or [text]


INK = "#0b0c0c"
"""The outline of every marker: the shape stands out at 3:1 or more on any background,
whatever its fill (the orange of paid support alone is 2.2:1 on white)."""


def _marker(kind: str, x: float, y: float, r: float, fill: str, stroke: str,
            extra: str = "") -> str:
    """One node's shape: circle person, square group, diamond service, triangle coordinator,
    hexagon family (the same shapes as the static picture, so grey print still reads)."""
    style = f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"{extra}'
    if kind == "group":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" {style}/>'
    if kind in ("service", "coordinator", "family"):
        corners = {"service": [(0, -1.25), (1.25, 0), (0, 1.25), (-1.25, 0)],
                   "coordinator": [(0, -1.3), (1.15, 0.75), (-1.15, 0.75)],
                   "family": [(math.cos(a) * 1.15, math.sin(a) * 1.15)
                              for a in [k * math.pi / 3 for k in range(6)]]}[kind]
        points = " ".join(f"{x + dx * r:.1f},{y + dy * r:.1f}" for dx, dy in corners)
        return f'<polygon points="{points}" {style}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {style}/>'


Box = tuple[float, float, float, float]
"""A label's extent: left, top, right, bottom (pixels, SVG's y axis pointing down)."""

MARGIN = 2.0
"""Room kept between two labels, and between a label and a marker (pixels)."""
STEP = 10.0
"""How much further out each next try puts a label (pixels)."""
TRIES = 40
"""Distances tried along the radius before the label goes further out regardless."""
CLEAR = 6.0
"""How much nearer its own marker than any other a label without a leader line must be
(pixels): a reader pairs a name with the dot nearest to it."""
LINE = 1.15
"""Line height as a share of the font size."""
EXTENT = {"person": 1.0, "group": 1.0, "service": 1.25, "coordinator": 1.3, "family": 1.15}
"""Half the width of each marker shape, as a share of its size (:func:`_marker`)."""


def label_size(lines: list[str], font: float = FONT) -> tuple[float, float]:
    """The width and height of a label's lines (pixels), as Arial draws them.

    Examples
    --------
    >>> [round(v, 2) for v in label_size(["Mary Wright"])]
    [64.67, 13.8]
    """
    return max(text_width(t, font) for t in lines), len(lines) * font * LINE


def _anchor(cos: float) -> str:
    return "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"


def _box_at(tx: float, ty: float, cos: float, sin: float, width: float, height: float) -> Box:
    """The box of a label whose anchor point is (tx, ty), on the side of ``cos``/``sin``."""
    anchor = _anchor(cos)
    left = tx if anchor == "start" else tx - width if anchor == "end" else tx - width / 2
    top = ty if sin > 0.3 else ty - height if sin < -0.3 else ty - height / 2
    return left, top, left + width, top + height


def overlaps(a: Box, b: Box, margin: float = MARGIN) -> bool:
    """Whether two boxes come closer than ``margin``.

    Examples
    --------
    >>> overlaps((0, 0, 10, 10), (11, 0, 20, 10)), overlaps((0, 0, 10, 10), (13, 0, 20, 10))
    (True, False)
    """
    return (a[0] < b[2] + margin and b[0] < a[2] + margin
            and a[1] < b[3] + margin and b[1] < a[3] + margin)


_SIDES = np.array([(1, 0), (-1, 0), (0, -1), (0, 1), (0.7071, -0.7071), (-0.7071, -0.7071),
                   (0.7071, 0.7071), (-0.7071, 0.7071)], dtype=float)


def _boxes_at(tx: np.ndarray, ty: np.ndarray, dx: np.ndarray, dy: np.ndarray,
              width: float, height: float) -> np.ndarray:
    """:func:`_box_at` for many anchor points and sides at once (rows x0, y0, x1, y1)."""
    left = np.where(dx > 0.3, tx, np.where(dx < -0.3, tx - width, tx - width / 2))
    top = np.where(dy > 0.3, ty, np.where(dy < -0.3, ty - height, ty - height / 2))
    return np.stack([left, top, left + width, top + height], axis=1)


def _places(x: float, y: float, cos: float, sin: float, width: float, height: float
            ) -> tuple[np.ndarray, np.ndarray]:
    """A label's candidate boxes, best first, and whether each needs a leader line.

    Beside the node first (outwards, then the other sides in order of how close they are
    to outwards), then out along the radius with a leader line, then out to the sides."""
    order = np.argsort(-(_SIDES @ np.array([cos, sin])), kind="stable")
    sides = np.vstack([[cos, sin], _SIDES[order]])
    near = np.repeat([NODE + 4, NODE + 9], len(sides))
    near_sides = np.tile(sides, (2, 1))
    steps = NODE + 4 + STEP * np.arange(1, TRIES + 1)
    radial = steps[:2]
    wide = np.repeat(steps[2:], len(sides))
    distance = np.concatenate([near, radial, wide])
    direction = np.vstack([near_sides, np.tile(sides[:1], (2, 1)),
                           np.tile(sides, (len(steps) - 2, 1))])
    boxes = _boxes_at(x + direction[:, 0] * distance, y + direction[:, 1] * distance,
                      direction[:, 0], direction[:, 1], width, height)
    leader = np.arange(len(distance)) >= len(near)
    return boxes, leader


def _hits(boxes: np.ndarray, others: np.ndarray, margin: float = MARGIN) -> np.ndarray:
    """Whether each box comes within ``margin`` of any of ``others``."""
    if not len(others):
        return np.zeros(len(boxes), dtype=bool)
    a, b = boxes[:, None, :], others[None, :, :]
    return ((a[..., 0] < b[..., 2] + margin) & (b[..., 0] < a[..., 2] + margin)
            & (a[..., 1] < b[..., 3] + margin) & (b[..., 1] < a[..., 3] + margin)).any(axis=1)


def _leader_blocked(x: float, y: float, ends: np.ndarray, markers: np.ndarray,
                    own: int) -> np.ndarray:
    """Whether the leader line from (x, y) to each end passes over a marker not its own."""
    if len(markers) <= 1:
        return np.zeros(len(ends), dtype=bool)
    others = np.delete(markers, own, axis=0)
    centres = (others[:, :2] + others[:, 2:]) / 2
    reach = (others[:, 2] - others[:, 0]) / 2 + MARGIN
    d = ends - np.array([x, y])  # (n, 2)
    length = np.maximum((d ** 2).sum(axis=1), 1e-9)
    t = np.clip(((centres[None, :, :] - np.array([x, y])) * d[:, None, :]).sum(axis=2)
                / length[:, None], 0.0, 1.0)
    nearest = np.array([x, y]) + t[..., None] * d[:, None, :]
    return (np.hypot(*(nearest - centres[None, :, :]).transpose(2, 0, 1)) < reach).any(axis=1)


def _reach(box: Box | np.ndarray) -> Box:
    """``box`` with :data:`MARGIN` added to its right and bottom (see :func:`_beside`)."""
    return float(box[0]), float(box[1]), float(box[2]) + MARGIN, float(box[3]) + MARGIN


def _beside(x: float, y: float, cos: float, sin: float, width: float, height: float,
            obstacles: list[Box], centres: list[tuple[float, float]], own: int) -> Box | None:
    """The first place beside the node (the first places of :func:`_places`, tried in the
    same order, one at a time) that keeps :data:`MARGIN` from every box of ``obstacles``
    (the labels placed and the markers, each given as ``x0, y0, x1 + MARGIN, y1 + MARGIN``)
    and is nearer its own marker (``centres[own]``) than any other by :data:`CLEAR`; None
    if none is. The same arithmetic as :func:`_places` and :func:`overlaps`, stopping at
    the first place that fits."""
    order = np.argsort(-(_SIDES @ np.array([cos, sin])), kind="stable")
    sides = [(cos, sin)] + [(float(_SIDES[i, 0]), float(_SIDES[i, 1])) for i in order]
    for distance in (NODE + 4, NODE + 9):
        for dx, dy in sides:
            tx, ty = x + dx * distance, y + dy * distance
            left = tx if dx > 0.3 else tx - width if dx < -0.3 else tx - width / 2
            top = ty if dy > 0.3 else ty - height if dy < -0.3 else ty - height / 2
            right, bottom = left + width, top + height
            reach_x, reach_y = right + MARGIN, bottom + MARGIN
            for o0, o1, o2, o3 in obstacles:
                if left < o2 and o0 < reach_x and top < o3 and o1 < reach_y:
                    break
            else:
                mine, nearest_other = math.inf, math.inf
                for j, (cx, cy) in enumerate(centres):
                    gap = math.hypot(cx - min(max(cx, left), right),
                                     cy - min(max(cy, top), bottom))
                    if j == own:
                        mine = gap
                    elif gap < nearest_other:
                        nearest_other = gap
                if mine + CLEAR <= nearest_other:
                    return left, top, right, bottom
    return None


def place_labels(anchors: list[tuple[float, float, float]], sizes: list[tuple[float, float]],
                 markers: list[tuple[float, float, float]], fixed: list[Box],
                 own: list[int] | None = None) -> list[tuple[Box, bool]]:
    """Place labels so that each is read with its own node, and none overlaps another.

    Label ``k`` belongs to the node at ``anchors[k]`` = (x, y, angle of the node seen from
    the centre), is ``sizes[k]`` = (width, height) big, and its node is marker
    ``own[k]`` of ``markers`` (x, y, half width; default ``k + 1``: marker 0 is the
    centre). Labels are placed one by one, the inner rings first. A label goes beside its
    node when a place there touches no label already placed, no marker and no ``fixed``
    box, and is nearer its own marker than any other by :data:`CLEAR`; otherwise it goes
    further out, joined to its node by a leader line that passes over no other marker
    where such a place exists. Returns each label's box and whether it needs a leader
    line, in the order given.

    Examples
    --------
    >>> placed = place_labels([(100, 0, 0.0), (0, -100, 1.5708)], [(50, 14), (50, 14)],
    ...                       [(0, 0, 13), (100, 0, 8), (0, -100, 8)], [])
    >>> overlaps(placed[0][0], placed[1][0]), [leader for _, leader in placed]
    (False, [False, False])
    >>> two = place_labels([(100, 0, 0.0), (100, 0, 0.0)], [(50, 14), (50, 14)],
    ...                    [(0, 0, 13), (100, 0, 8), (100, 0, 8)], [])
    >>> overlaps(two[0][0], two[1][0])
    False
    """
    own = own if own is not None else [k + 1 for k in range(len(anchors))]
    marks = np.array([(mx - r, my - r, mx + r, my + r) for mx, my, r in markers],
                     dtype=float).reshape(-1, 4)
    centre_list = [(float(mx), float(my)) for mx, my, _ in markers]
    placed: list[tuple[Box, bool] | None] = [None] * len(anchors)
    taken = [tuple(b) for b in fixed]
    obstacles = [_reach(box) for box in [*marks, *taken]]  # see _beside
    order = sorted(range(len(anchors)), key=lambda k: math.hypot(anchors[k][0], anchors[k][1]))
    for k in order:
        x, y, angle = anchors[k]
        cos, sin = math.cos(angle), -math.sin(angle)  # SVG's y axis points down
        beside = _beside(x, y, cos, sin, *sizes[k], obstacles, centre_list, own[k])
        if beside is not None:  # beside the node (the usual case: no arrays needed)
            placed[k] = (beside, False)
            taken.append(beside)
            obstacles.append(_reach(beside))
            continue
        # further out, with a leader line over no other marker if possible
        boxes, leader = _places(x, y, cos, sin, *sizes[k])
        near = int((~leader).sum())
        part = boxes[near:]
        free = (~_hits(part, np.array(taken, dtype=float).reshape(-1, 4))
                & ~_hits(part, marks))
        ends = np.stack([np.clip(x, part[:, 0], part[:, 2]),
                         np.clip(y, part[:, 1], part[:, 3])], axis=1)
        clean = free & ~_leader_blocked(x, y, ends, marks, own[k])
        found = np.flatnonzero(clean) if clean.any() else np.flatnonzero(free)
        choice = near + int(found[0]) if len(found) else None
        if choice is None:  # beyond every label and marker there is always room
            reach = max(max((abs(v) for b in taken for v in b), default=0.0),
                        float(np.abs(marks).max()) if len(marks) else 0.0)
            distance_out = math.hypot(x, y) + reach + STEP
            box = _box_at(x + cos * distance_out, y + sin * distance_out, cos, sin, *sizes[k])
            placed[k] = (box, True)
        else:
            placed[k] = (tuple(float(v) for v in boxes[choice]), bool(leader[choice]))  # type: ignore[assignment]
        taken.append(placed[k][0])  # type: ignore[index]
        obstacles.append(_reach(placed[k][0]))  # type: ignore[index]
    return [p for p in placed if p is not None]


def _side(x: float, box: Box) -> str:
    """Which end of a label its text is anchored at: the end facing its node, whose
    position does not depend on the browser's kerning (the far end may fall a little
    short of the estimate)."""
    return "end" if x >= box[2] else "start" if x <= box[0] else "middle"


def _label(lines: list[str], box: Box, x: float, colour: str, k: int) -> str:
    """The text of label ``k`` in ``box`` (from :func:`place_labels`) for the node at
    ``x``, on a white halo so that lines behind it do not cross its letters."""
    left, top, right, _ = box
    side = _side(x, box)
    tx = left if side == "start" else right if side == "end" else (left + right) / 2
    spans = "".join(
        f'<tspan x="{tx:.1f}" y="{top + (i + 0.85) * FONT * LINE:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines))
    return (f'<text class="label" data-for="{k}" text-anchor="{side}" font-size="{FONT}" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
            f'{spans}</text>')


def _leader(x: float, y: float, box: Box, k: int) -> str:
    """A thin line from node ``k`` to its label, when the label had to move away: it ends
    on the label's anchored side (or, above or below it, well inside its width)."""
    side = _side(x, box)
    inset = min(6.0, (box[2] - box[0]) / 2)
    ex = (box[0] if side == "start" else box[2] if side == "end"
          else min(max(x, box[0] + inset), box[2] - inset))
    ey = min(max(y, box[1] + 1), box[3] - 1)
    d = math.hypot(ex - x, ey - y) or 1.0
    sx, sy = x + (ex - x) / d * (NODE + 2), y + (ey - y) / d * (NODE + 2)
    return (f'<line class="leader" data-for="{k}" x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" '
            f'y2="{ey:.1f}" stroke="#505a5f" stroke-width="1"/>')


def circle_svg(data: CircleData, *, title: str | None = None,
               centre: tuple[str, ...] | list[str] | None = None) -> str:
    """Return ``data`` (from :func:`lacgraph.viz.layout.circle_data`) as an SVG document.

    The picture scales to its container (``viewBox``, no fixed width); names are escaped.
    ``title`` replaces "Circle of support of ... on ..."; ``centre`` lists the names shown
    at the centre (a household's members, :func:`lacgraph.viz.layout.family_data`), one
    under the other, instead of the person's. See the module docstring for an example.
    """
    radii = data.radii
    count = len(data)
    # each column read once, as an array (no frame: see CircleData)
    column = {c: data.column(c) for c in ("status", "category", "type", "shown", "angle", "x",
                                          "y")}
    outer = (radii[4] + 0.5) * SCALE
    when = format_long_date(data.at) or data.at
    title = title or _("Circle of support of %(name)s on %(date)s", name=data.person_label,
                       date=when)
    desc = data.headline
    if data.since is not None:
        new = int((column["status"] == "new").sum())
        gone = int((column["status"] == "gone").sum())
        desc = _("%(headline)s. Since %(date)s: %(new)d new, %(gone)d no longer in the circle",
                 headline=desc, date=format_long_date(data.since), new=new, gone=gone)
    desc = _("%(summary)s. Rings: %(rings)s.", summary=desc, rings="; ".join(ring_names()))
    out = [
        "",  # the <svg> element, once the labels' boxes give the picture's extent
        f'<title id="circle-title">{escape(title)}</title>',
        f'<desc id="circle-desc">{escape(desc)}</desc>',
    ]
    boxes = [(-outer, -outer, outer, outer)]
    sectors = data.sectors
    shades = ("#f3f2f1", "#ffffff")
    for k, key in enumerate(SECTORS):
        start, end = sectors.get(key, (0.0, 0.0))
        if start == end:
            continue
        name = _(key)
        r = outer
        x0, y0 = r * math.cos(start), -r * math.sin(start)
        x1, y1 = r * math.cos(end), -r * math.sin(end)
        large = 1 if abs(start - end) > math.pi else 0
        out.append(f'<path d="M0,0 L{x0:.1f},{y0:.1f} A{r:.1f},{r:.1f} 0 {large} 1 '
                   f'{x1:.1f},{y1:.1f} Z" fill="{shades[k % 2]}" stroke="#dddddd"/>')
        mid = (start + end) / 2
        lx, ly = (r + 14) * math.cos(mid), -(r + 14) * math.sin(mid)
        anchor = "start" if math.cos(mid) > 0.3 else "end" if math.cos(mid) < -0.3 else "middle"
        out.append(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" font-size="13" '
                   f'font-style="italic" fill="#505a5f">{escape(name)}</text>')
        width = text_width(name, 13) * 1.05  # italic: a little room for the slant
        left = lx if anchor == "start" else lx - width if anchor == "end" else lx - width / 2
        boxes.append((left, ly - 13, left + width, ly + 4))
    for ring, radius in radii.items():
        out.append(f'<circle cx="0" cy="0" r="{radius * SCALE:.1f}" fill="none" '
                   'stroke="#8a8a8a" stroke-width="1"/>')
        out.append(f'<text x="0" y="{-radius * SCALE + 4:.1f}" text-anchor="middle" '
                   f'font-size="11" fill="#505a5f" class="ring-number">{ring}</text>')
    xs = column["x"].astype(float) * SCALE
    ys = -column["y"].astype(float) * SCALE
    for i, j in data.pairs:
        out.append(f'<line x1="{xs[i]:.1f}" y1="{ys[i]:.1f}" x2="{xs[j]:.1f}" y2="{ys[j]:.1f}" '
                   'stroke="#b1b4b6" stroke-width="1"/>')
    for k in range(count):
        status = column["status"][k]
        colour = CATEGORY_COLOURS[column["category"][k]]
        stroke = {"gone": ' stroke="#b1b4b6" stroke-dasharray="4 4"',
                  "new": f' stroke="{NEW_COLOUR}" stroke-width="2.5"'}.get(
                      status, f' stroke="{colour}" stroke-opacity="0.55"')
        out.append(f'<line x1="0" y1="0" x2="{xs[k]:.1f}" y2="{ys[k]:.1f}"{stroke}/>')
    markers = [(0.0, 0.0, 13.0)]
    labels = []
    for k in range(count):
        status = column["status"][k]
        colour = CATEGORY_COLOURS[column["category"][k]]
        kind = str(column["type"][k])
        mark = f' class="mark" data-mark="{k}"'
        size = NODE + 4 if status == "new" else NODE
        if status == "new":
            out.append(_marker(kind, xs[k], ys[k], NODE + 4, "none", NEW_COLOUR, mark))
        if status == "gone":
            out.append(_marker(kind, xs[k], ys[k], NODE, "#ffffff", colour,
                               ' stroke-dasharray="3 2" opacity="0.7"' + mark))
        else:
            out.append(_marker(kind, xs[k], ys[k], NODE, colour, INK, mark))
        markers.append((float(xs[k]), float(ys[k]), size * EXTENT.get(kind, 1.3) + 1))
        lines = _wrap(str(column["shown"][k]))
        if status == "new":
            lines.append(_("(new)"))
        elif status == "gone":
            lines.append(_("(gone)"))
        labels.append((lines, "#505a5f" if status == "gone" else "#0b0c0c"))
    name = [line for who in (centre or [data.person_label]) for line in _wrap(who)]
    name_width = max(text_width(t, 14) for t in name) * 1.12 + 4  # bold, with its halo
    fixed = boxes[1:] + [(-name_width / 2, 18.0, name_width / 2, 22.0 + 16 * len(name))]
    fixed += [(-6.0, -radius * SCALE - 6, 6.0, -radius * SCALE + 6) for radius in radii.values()]
    anchors = [(float(xs[k]), float(ys[k]), float(column["angle"][k]))
               for k in range(count)]
    sizes = [label_size(lines) for lines, _colour in labels]
    placed = place_labels(anchors, sizes, markers, fixed)
    for k, ((x, y, _angle), (box, leader)) in enumerate(zip(anchors, placed, strict=True)):
        if leader:
            out.append(_leader(x, y, box, k))
        boxes.append(box)
    for k, ((x, _y, _angle), (lines, colour), (box, _leads)) in enumerate(
            zip(anchors, labels, placed, strict=True)):
        out.append(_label(lines, box, x, colour, k))
    out.append('<circle cx="0" cy="0" r="13" fill="#0b0c0c" class="mark" data-mark="centre"/>')
    out.append('<text text-anchor="middle" font-size="14" font-weight="bold" fill="#0b0c0c" '
               'stroke="#ffffff" stroke-width="4" paint-order="stroke">'
               + "".join(f'<tspan x="0" y="{32 + k * 16}">{escape(t)}</tspan>'
                         for k, t in enumerate(name)) + "</text>")
    if not count:
        nobody = _("No one is in this circle of support yet.")
        out.append(f'<text x="0" y="{-radii[2] * SCALE:.1f}" text-anchor="middle" '
                   f'font-size="15" fill="#0b0c0c">{escape(nobody)}</text>')
    out.append("</svg>")
    pad = 12.0
    x0 = min(b[0] for b in boxes) - pad
    y0 = min(b[1] for b in boxes) - pad
    x1 = max(b[2] for b in boxes) + pad
    y1 = max(b[3] for b in boxes) + pad
    out[0] = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.0f} {y0:.0f} '
              f'{x1 - x0:.0f} {y1 - y0:.0f}" role="img" '
              'aria-labelledby="circle-title circle-desc" class="circle-picture" '
              'font-family="Arial, Helvetica, sans-serif">')
    return "\n".join(out) + "\n"


KEY_CATEGORIES = (
    ("natural", "person", N_("Blue: a natural connection (family, friends, neighbours)")),
    ("community", "group", N_("Green: a community connection (a group, volunteering)")),
    ("paid", "service", N_("Orange: paid support (a service, the coordinator)")),
)
KEY_SHAPES = (
    ("person", N_("Circle: a person")),
    ("group", N_("Square: a group")),
    ("service", N_("Diamond: a service")),
    ("coordinator", N_("Triangle: the coordinator")),
)


def circle_key(since: bool = False, household: bool = False) -> list[tuple[str, str]]:
    """The key under a circle picture: each item's small picture (SVG markup, hidden from
    screen readers, who hear the text) and its words, colour *and* shape *and* text.

    ``since`` adds the marks of new and gone people and groups; ``household`` the
    household's own mark. Each text is one whole sentence (translatable as it is).

    Examples
    --------
    >>> circle_key()[0][1]
    'Blue: a natural connection (family, friends, neighbours)'
    >>> 'stroke-dasharray' in circle_key(since=True)[-1][0]
    True
    """
    return list(_circle_key(language(), since, household))


@functools.lru_cache(maxsize=16)
def _circle_key(lang: str, since: bool, household: bool) -> tuple[tuple[str, str], ...]:
    """:func:`circle_key` in ``lang`` (the current language), written once."""
    def icon(body: str) -> str:
        return ('<svg class="key-icon" aria-hidden="true" focusable="false" width="22" '
                f'height="22" viewBox="-11 -11 22 22">{body}</svg>')

    items = [(icon(_marker(shape, 0, 0, NODE * 0.9, CATEGORY_COLOURS[c], INK)), _(text))
             for c, shape, text in KEY_CATEGORIES]
    items += [(icon(_marker(kind, 0, 0, NODE * 0.9, "#ffffff", INK)), _(text))
              for kind, text in KEY_SHAPES]
    if household:
        items.append((icon(_marker("family", 0, 0, NODE * 0.9, "#ffffff", INK)),
                      _("Hexagon: someone in the household")))
    items.append((icon('<line x1="-10" y1="0" x2="10" y2="0" stroke="#b1b4b6" '
                       'stroke-width="2"/>'), _("Grey line: these two know each other")))
    if since:
        items.append((icon(_marker("person", 0, 0, NODE * 0.6, CATEGORY_COLOURS["natural"], INK)
                           + _marker("person", 0, 0, NODE + 1, "none", NEW_COLOUR)),
                      _("Thick red ring and \u201c(new)\u201d: new since the earlier date")))
        items.append((icon(_marker("person", 0, 0, NODE, "#ffffff", "#505a5f",
                                   ' stroke-dasharray="3 2"')),
                      _("Dashed outline and \u201c(gone)\u201d: no longer in the circle")))
    return tuple(items)
