"""The circle-of-support picture as plain SVG, written straight from the layout.

The web page draws this one (no matplotlib in the request path: a page view is a few
milliseconds, and nothing in it is shared between threads). It shows what the static
picture shows (:mod:`lacgraph.viz.circle`, kept for PNG export): the person at the centre,
the four rings, the sectors, people and groups coloured by category and shaped by type,
connections among them, and what is new or gone since an earlier date. Every name is
escaped text, never markup; the picture is ``role="img"`` with a ``<title>`` and a
``<desc>`` that says the counts, so a screen reader hears what a sighted reader sees.

Labels sit outside their node, on the side away from the centre, with their width
estimated from the number of characters (a web font's exact widths are the browser's
business); long names wrap onto at most three lines.

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

import math
import textwrap
from html import escape

from lacgraph.tables import format_long_date
from lacgraph.viz.layout import CATEGORY_COLOURS, NEW_COLOUR, RING_NAMES, SECTORS, CircleData

SCALE = 62.0
"""Pixels per ring unit of :func:`lacgraph.viz.layout.layout`."""
FONT = 12
"""Label font size in pixels."""
CHAR_WIDTH = 0.56
"""Average character width as a share of the font size (for placing labels)."""
WRAP = 18
NODE = 8.0
"""Half the size of a node's marker, in pixels."""


def _wrap(text: str) -> list[str]:
    lines = textwrap.wrap(text, WRAP, break_long_words=True, break_on_hyphens=False,
                          max_lines=3, placeholder="\u2026")
    return lines or [text]


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


def label_size(lines: list[str], font: float = FONT) -> tuple[float, float]:
    """The estimated width and height of a label's lines (pixels): what the placer avoids.

    Examples
    --------
    >>> label_size(["Mary Wright"])
    (73.92, 13.799999999999999)
    """
    return max(len(t) for t in lines) * font * CHAR_WIDTH, len(lines) * font * 1.15


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


def _hits_marker(box: Box, x: float, y: float, r: float) -> bool:
    """Whether ``box`` comes within :data:`MARGIN` of a marker of radius ``r`` at (x, y)."""
    nearest_x = min(max(x, box[0]), box[2])
    nearest_y = min(max(y, box[1]), box[3])
    return math.hypot(x - nearest_x, y - nearest_y) < r + MARGIN


def place_labels(anchors: list[tuple[float, float, float]], sizes: list[tuple[float, float]],
                 markers: list[tuple[float, float, float]], fixed: list[Box]) -> list[Box]:
    """Place labels greedily so that none overlaps another, a marker or a fixed text.

    Label ``k`` belongs to the node at ``anchors[k]`` = (x, y, angle of the node seen from
    the centre) and is ``sizes[k]`` = (width, height) big. Labels are placed one by one,
    the inner rings first: each goes outwards beside its node, as close as it can without
    touching a box already placed, a marker (x, y, radius) or a ``fixed`` box (sector
    names, the person's name); further out it gets a leader line (the caller draws it).
    Returns each label's box, in the order given.

    Examples
    --------
    >>> boxes = place_labels([(100, 0, 0.0), (100, 0, 0.0)], [(50, 14), (50, 14)], [], [])
    >>> overlaps(boxes[0], boxes[1])
    False
    """
    placed: list[Box | None] = [None] * len(anchors)
    taken = list(fixed)
    order = sorted(range(len(anchors)), key=lambda k: math.hypot(anchors[k][0], anchors[k][1]))
    for k in order:
        x, y, angle = anchors[k]
        width, height = sizes[k]
        cos, sin = math.cos(angle), -math.sin(angle)  # SVG's y axis points down
        distance = NODE + 4
        while True:
            box = _box_at(x + cos * distance, y + sin * distance, cos, sin, width, height)
            free = (not any(overlaps(box, other) for other in taken)
                    and not any(_hits_marker(box, *m) for m in markers))
            # beyond every label and marker there is always room: stop there at the latest
            if free or distance > (NODE + 4) + STEP * TRIES * 4:
                break
            distance += STEP
        placed[k] = box
        taken.append(box)
    return [b for b in placed if b is not None]


def _label(lines: list[str], box: Box, angle: float, colour: str) -> str:
    """The text of a label in ``box`` (from :func:`place_labels`)."""
    anchor = _anchor(math.cos(angle))
    left, top, right, _ = box
    x = left if anchor == "start" else right if anchor == "end" else (left + right) / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{top + (k + 0.85) * FONT * 1.15:.1f}">{escape(line)}</tspan>'
        for k, line in enumerate(lines))
    return (f'<text class="label" text-anchor="{anchor}" font-size="{FONT}" '
            f'fill="{colour}">{spans}</text>')


def _leader(x: float, y: float, box: Box, angle: float) -> str:
    """A thin line from a node to its label, when the label had to move out."""
    cos, sin = math.cos(angle), -math.sin(angle)
    ex = min(max(x, box[0]), box[2])
    ey = min(max(y, box[1]), box[3])
    sx, sy = x + cos * (NODE + 2), y + sin * (NODE + 2)
    return (f'<line class="leader" x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" '
            'stroke="#b1b4b6" stroke-width="0.8"/>')


def circle_svg(data: CircleData, *, title: str | None = None,
               centre: tuple[str, ...] | list[str] | None = None) -> str:
    """Return ``data`` (from :func:`lacgraph.viz.layout.circle_data`) as an SVG document.

    The picture scales to its container (``viewBox``, no fixed width); names are escaped.
    ``title`` replaces "Circle of support of ... on ..."; ``centre`` lists the names shown
    at the centre (a household's members, :func:`lacgraph.viz.layout.family_data`), one
    under the other, instead of the person's. See the module docstring for an example.
    """
    alters = data.alters
    radii = alters.attrs.get("radii") or {1: 1.3, 2: 2.2, 3: 3.1, 4: 4.0}
    outer = (radii[4] + 0.5) * SCALE
    when = format_long_date(data.at) or data.at
    title = title or f"Circle of support of {data.person_label} on {when}"
    desc = data.headline
    if data.since is not None:
        new = int((alters["status"] == "new").sum()) if len(alters) else 0
        gone = int((alters["status"] == "gone").sum()) if len(alters) else 0
        desc += (f". Since {format_long_date(data.since)}: {new} new, {gone} no longer in "
                 "the circle")
    desc += ". " + "; ".join(RING_NAMES.values()) + "."
    out = [
        "",  # the <svg> element, once the labels' boxes give the picture's extent
        f'<title id="circle-title">{escape(title)}</title>',
        f'<desc id="circle-desc">{escape(desc)}</desc>',
    ]
    boxes = [(-outer, -outer, outer, outer)]
    sectors = alters.attrs.get("sectors", {})
    shades = ("#f3f2f1", "#ffffff")
    for k, name in enumerate(SECTORS):
        start, end = sectors.get(name, (0.0, 0.0))
        if start == end:
            continue
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
        width = len(name) * 13 * CHAR_WIDTH
        left = lx if anchor == "start" else lx - width if anchor == "end" else lx - width / 2
        boxes.append((left, ly - 13, left + width, ly + 4))
    for ring, radius in radii.items():
        out.append(f'<circle cx="0" cy="0" r="{radius * SCALE:.1f}" fill="none" '
                   'stroke="#8a8a8a" stroke-width="1"/>')
        out.append(f'<text x="0" y="{-radius * SCALE + 4:.1f}" text-anchor="middle" '
                   f'font-size="11" fill="#505a5f" class="ring-number">{ring}</text>')
    xs = (alters["x"].to_numpy(float) * SCALE) if len(alters) else []
    ys = (-alters["y"].to_numpy(float) * SCALE) if len(alters) else []
    for i, j in data.pairs:
        out.append(f'<line x1="{xs[i]:.1f}" y1="{ys[i]:.1f}" x2="{xs[j]:.1f}" y2="{ys[j]:.1f}" '
                   'stroke="#b1b4b6" stroke-width="1"/>')
    for k in range(len(alters)):
        status = alters["status"].iat[k]
        colour = CATEGORY_COLOURS[alters["category"].iat[k]]
        stroke = {"gone": ' stroke="#b1b4b6" stroke-dasharray="4 4"',
                  "new": f' stroke="{NEW_COLOUR}" stroke-width="2.5"'}.get(
                      status, f' stroke="{colour}" stroke-opacity="0.55"')
        out.append(f'<line x1="0" y1="0" x2="{xs[k]:.1f}" y2="{ys[k]:.1f}"{stroke}/>')
    markers = [(0.0, 0.0, 13.0)]
    labels = []
    for k in range(len(alters)):
        status = alters["status"].iat[k]
        colour = CATEGORY_COLOURS[alters["category"].iat[k]]
        kind = str(alters["type"].iat[k])
        if status == "new":
            out.append(_marker(kind, xs[k], ys[k], NODE + 4, "none", NEW_COLOUR))
        if status == "gone":
            out.append(_marker(kind, xs[k], ys[k], NODE, "#ffffff", colour,
                               ' stroke-dasharray="3 2" opacity="0.7"'))
        else:
            out.append(_marker(kind, xs[k], ys[k], NODE, colour, "#ffffff"))
        markers.append((float(xs[k]), float(ys[k]), NODE * 1.3 + (4 if status == "new" else 0)))
        lines = _wrap(str(alters["shown"].iat[k]))
        if status in ("new", "gone"):
            lines.append(f"({status})")
        labels.append((lines, "#505a5f" if status == "gone" else "#0b0c0c"))
    name = [line for who in (centre or [data.person_label]) for line in _wrap(who)]
    name_width = max(len(t) for t in name) * 14 * 0.62
    fixed = boxes[1:] + [(-name_width / 2, 18.0, name_width / 2, 22.0 + 16 * len(name))]
    fixed += [(-6.0, -radius * SCALE - 6, 6.0, -radius * SCALE + 6) for radius in radii.values()]
    anchors = [(float(xs[k]), float(ys[k]), float(alters["angle"].iat[k]))
               for k in range(len(alters))]
    sizes = [label_size(lines) for lines, _ in labels]
    placed = place_labels(anchors, sizes, markers, fixed)
    for (x, y, angle), (lines, colour), (width, height), box in zip(
            anchors, labels, sizes, placed, strict=True):
        cos, sin = math.cos(angle), -math.sin(angle)
        if box != _box_at(x + cos * (NODE + 4), y + sin * (NODE + 4), cos, sin, width, height):
            out.append(_leader(x, y, box, angle))
        out.append(_label(lines, box, angle, colour))
        boxes.append(box)
    out.append('<circle cx="0" cy="0" r="13" fill="#0b0c0c"/>')
    out.append('<text text-anchor="middle" font-size="14" font-weight="bold" fill="#0b0c0c" '
               'stroke="#ffffff" stroke-width="4" paint-order="stroke">'
               + "".join(f'<tspan x="0" y="{32 + k * 16}">{escape(t)}</tspan>'
                         for k, t in enumerate(name)) + "</text>")
    if not len(alters):
        out.append(f'<text x="0" y="{-radii[2] * SCALE:.1f}" text-anchor="middle" '
                   'font-size="15" fill="#0b0c0c">No one is in this circle of support yet.'
                   '</text>')
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
