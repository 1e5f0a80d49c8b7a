"""Small inline SVG pictures written by hand: sparklines and isolated-cluster thumbnails.

They go straight into HTML pages (the council report, the manager's page): no matplotlib,
no fonts, nothing fetched. Every piece of text is escaped (a name is data, never markup),
and every sentence is in the current language (:mod:`lacgraph.i18n`).

Examples
--------
>>> svg = sparkline([3, 5, "*", 2], label="Elm: isolated")
>>> svg.startswith("<svg") and "Elm: isolated" in svg
True
>>> "<script" in cluster_svg(["a", "b"], [("a", "b")], names={"a": "<script>"})
False
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

from lacgraph.i18n import ngettext

LINE = "#0072B2"
NATURAL_TIE = "#505a5f"
"""Ties in the cluster thumbnails: dark grey, 7:1 on white (a light blue was 2.2:1)."""
SUPPORTED = "#0072B2"
OTHER = "#6f777b"
"""People no coordinator supports: grey at 4.8:1 on white (the old #999 was 2.85:1)."""


def sparkline(values: Sequence[int | str], *, label: str, width: int = 120,
              height: int = 28, top: float | None = None) -> Markup:
    """A tiny line of counts month by month; a ``*`` month is a gap with a small mark.

    ``top`` is the count at the top of the picture: give every sparkline of a table the
    same one so that their heights compare (default: this line's own largest count).

    Examples
    --------
    >>> "<polyline" in sparkline([1, 2, 3], label="x")
    True
    >>> 'points="3.0,14.0 120.0,14.0"' in sparkline([2, 2], label="x", top=4, width=123)
    True
    """
    numbers = [None if v == "*" else float(v) for v in values]
    known = [v for v in numbers if v is not None]
    top = max(known + [1.0]) if top is None else max(float(top), 1.0)
    pad = 3
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def y(v: float) -> float:
        return height - pad - (height - 2 * pad) * v / top

    parts = [f'<svg role="img" aria-label="{escape(label)}" class="spark" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" '
             'xmlns="http://www.w3.org/2000/svg">']
    run: list[str] = []
    for i, v in enumerate([*numbers, None]):
        if v is None:
            if len(run) > 1:
                parts.append(f'<polyline fill="none" stroke="{LINE}" stroke-width="1.6" '
                             f'points="{" ".join(run)}"/>')
            elif run:
                x0, y0 = run[0].split(",")
                parts.append(f'<circle cx="{x0}" cy="{y0}" r="1.8" fill="{LINE}"/>')
            run = []
            if i < len(numbers):
                parts.append(f'<text x="{pad + i * step:.1f}" y="{height - 1}" font-size="9" '
                             'text-anchor="middle" fill="#555">*</text>')
        else:
            run.append(f"{pad + i * step:.1f},{y(v):.1f}")
    last = numbers[-1] if numbers else None
    if last is not None:
        parts.append(f'<circle cx="{pad + (len(numbers) - 1) * step:.1f}" '
                     f'cy="{y(last):.1f}" r="2.2" fill="{LINE}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def cluster_svg(members: Sequence[str], ties: Sequence[tuple[str, str]], *,
                names: Mapping[str, str] | None = None,
                supported: Sequence[str] = (), size: int = 120) -> Markup:
    """One isolated cluster as a thumbnail: members on a circle joined by their ties.

    Supported people are blue squares, others grey circles (shape as well as colour).
    ``names`` gives the names that may be
    shown (as each point's tooltip and in the picture's description); members without
    one are drawn unnamed.

    Examples
    --------
    >>> svg = cluster_svg(["a", "b", "c"], [("a", "b"), ("b", "c")], supported=["b"])
    >>> svg.count("<circle"), svg.count("<rect"), svg.count("<line")
    (2, 1, 2)
    """
    names = names or {}
    n = len(members)
    centre, radius = size / 2, size / 2 - 14
    where = {}
    for k, m in enumerate(members):
        angle = 2 * math.pi * k / max(n, 1) - math.pi / 2
        where[m] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle))
    shown = [names[m] for m in members if names.get(m)]
    support = set(supported)
    helped = sum(m in support for m in members)
    if shown:
        label = (ngettext("Isolated cluster of %(num)d people, %(helped)d supported by a "
                          "coordinator: %(names)s", "Isolated cluster of %(num)d people, "
                          "%(helped)d supported by a coordinator: %(names)s", n,
                          helped=helped, names=", ".join(shown)) if helped else
                 ngettext("Isolated cluster of %(num)d people, none supported by a "
                          "coordinator: %(names)s", "Isolated cluster of %(num)d people, none "
                          "supported by a coordinator: %(names)s", n, names=", ".join(shown)))
    else:
        label = (ngettext("Isolated cluster of %(num)d people, %(helped)d supported by a "
                          "coordinator", "Isolated cluster of %(num)d people, %(helped)d "
                          "supported by a coordinator", n, helped=helped) if helped else
                 ngettext("Isolated cluster of %(num)d people, none supported by a "
                          "coordinator", "Isolated cluster of %(num)d people, none supported "
                          "by a coordinator", n))
    parts = [f'<svg role="img" aria-label="{escape(label)}" class="cluster" width="{size}" '
             f'height="{size}" viewBox="0 0 {size} {size}" xmlns="http://www.w3.org/2000/svg">']
    for a, b in ties:
        if a in where and b in where:
            (x1, y1), (x2, y2) = where[a], where[b]
            parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                         f'stroke="{NATURAL_TIE}" stroke-width="2"/>')
    for m in members:
        x, y = where[m]
        title = f"<title>{escape(names[m])}</title>" if names.get(m) else ""
        if m in support:
            parts.append(f'<rect x="{x - 8:.1f}" y="{y - 8:.1f}" width="16" height="16" '
                         f'fill="{SUPPORTED}" stroke="#fff" stroke-width="2">{title}</rect>')
        else:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{OTHER}" '
                         f'stroke="#fff" stroke-width="2">{title}</circle>')
    parts.append("</svg>")
    return Markup("".join(parts))
