"""The circle-of-support picture: the person at the centre, four rings, alters in sectors.

Rings are person-centred planning's circles (1 intimacy, 2 friendship, 3 participation,
4 exchange); every alter sits on the ring of its circle. Sectors group alters by who they
are: family, friends & neighbours, community groups, services & coordinator; a sector's
width follows how many alters it holds, so a crowded sector gets room. Colours are the
Okabe-Ito palette (distinct for the common kinds of colour blindness) and node shapes
repeat the information (circle person, square group, diamond service, triangle
coordinator), so the picture also reads in grey print.

Labels never overlap: each label tries a few places around its alter (outwards first) and
takes the first that touches no other label, node or ring number, measured with
matplotlib's own text extents; when no place is free the figure grows (fonts stay the same
size) until every label fits. Labels are drawn as plain text (``parse_math=False``): a name
is data, never markup.

Examples
--------
>>> from lacgraph.network import Network
>>> from lacgraph.tables import Tables
>>> G = Network.from_tables(Tables.from_records(
...     nodes=[{"id": "sam", "type": "person", "label": "Sam"},
...            {"id": "jo", "type": "person", "label": "Jo"}],
...     ties=[{"source": "sam", "target": "jo", "kind": "friend", "start": "2024-01-01"}]))
>>> data = circle_data(G, "sam", at="2024-02-01")
>>> data.headline
'1 person or group: 1 natural, 0 community, 0 paid'
>>> fig = draw_circle(G, "sam", at="2024-02-01")
>>> label_overlaps(fig)
[]
"""

from __future__ import annotations

import io
import os
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Wedge
from matplotlib.text import Text

from lacgraph.analysis.wording import KIND_WORDS
from lacgraph.errors import QueryError
from lacgraph.i18n import _
from lacgraph.tables import format_long_date
from lacgraph.viz.labels import label_overlaps as label_overlaps  # re-exported
from lacgraph.viz.labels import node_boxes, place_labels, place_stranded
from lacgraph.viz.layout import (  # noqa: F401 - re-exported: the layout is the picture's
    CATEGORY_COLOURS,
    NEW_COLOUR,
    RING_NAMES,
    SECTORS,
    TYPE_MARKERS,
    CircleData,
    circle_data,
    layout,
    ring_names,
    ring_radii,
    sector_of,
)

if TYPE_CHECKING:
    from lacgraph.dated import DatedNetwork
    from lacgraph.privacy import Pseudonymiser
    from lacgraph.tables import DateLike

WRAP = 20
"""Labels longer than this many characters wrap onto two lines."""

FONT_SIZE = 8
BASE_INCHES = 8.0
MAX_INCHES = 18.0


def new_figure(width: float, height: float) -> Figure:
    """Return a figure drawn by Agg, outside pyplot: no global state, safe in a web server's
    threads, and freed like any object (nothing to close).

    Examples
    --------
    >>> new_figure(4, 3).get_size_inches().tolist()
    [4.0, 3.0]
    """
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def _wrap(text: str) -> str:
    lines = textwrap.wrap(text, WRAP, break_long_words=True, break_on_hyphens=False,
                          max_lines=3, placeholder="\u2026")
    return "\n".join(lines) if lines else text


def _tie_note(added: str, ended: str) -> str:
    """For an alter who stayed: which kinds of tie began (+) or ended (-) in between.

    Examples
    --------
    >>> _tie_note("peer", ""), _tie_note("", "neighbour;service"), _tie_note("", "")
    ('\\n(+ peer)', '\\n(\u2212 neighbour, service)', '')
    """
    def kinds(text: str) -> str:
        return ", ".join(KIND_WORDS.get(k, k) for k in text.split(";") if k)

    notes = [f"+ {kinds(added)}"] if added else []
    notes += [f"\u2212 {kinds(ended)}"] if ended else []
    return f"\n({'; '.join(notes)})" if notes else ""


def _draw(data: CircleData, *, title: str = "", centre: tuple[str, ...] = ()) -> Figure:
    alters = data.alters
    fig = new_figure(BASE_INCHES, BASE_INCHES + 1.0)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.02, right=0.98, top=0.88, bottom=0.12)
    ax.set_aspect("equal")
    ax.axis("off")
    radii = data.radii
    limit = radii[4] + 0.9
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    title = title or _("%(name)s's circle of support on %(date)s", name=data.person_label,
                       date=format_long_date(data.at))
    fig.suptitle(title, fontsize=13, weight="bold", y=0.975, parse_math=False, gid="fixed-title")
    fig.text(0.5, 0.925, data.headline, ha="center", fontsize=11, parse_math=False,
             gid="fixed-headline")

    sectors = data.sectors
    shades = ("#f3f3f3", "#ffffff")
    fixed: list[Text] = []
    for k, s in enumerate(SECTORS):
        start, end = sectors.get(s, (0.0, 0.0))
        if start == end:
            continue
        ax.add_patch(Wedge((0, 0), radii[4] + 0.45, np.rad2deg(end), np.rad2deg(start),
                           facecolor=shades[k % 2], edgecolor="#dddddd", lw=0.8, zorder=0))
        mid = (start + end) / 2
        r = radii[4] + 0.65
        fixed.append(ax.text(r * np.cos(mid), r * np.sin(mid), _(s), ha="center", va="center",
                             fontsize=9, color="#555555", style="italic", parse_math=False,
                             rotation=np.rad2deg(mid) - 90 if np.sin(mid) > 0 else
                             np.rad2deg(mid) + 90, rotation_mode="anchor",
                             gid=f"fixed-sector-{k}"))
    for radius in radii.values():
        ax.add_patch(Circle((0, 0), radius, fill=False, color="#9a9a9a", lw=1.0, zorder=1))
    # ring numbers go in the widest gap between alters, where nothing else is drawn
    angles = np.sort(np.mod(alters["angle"].to_numpy(float), 2 * np.pi))
    if len(angles):
        gaps = np.diff(np.append(angles, angles[0] + 2 * np.pi))
        widest = int(np.argmax(gaps))
        gap_angle = angles[widest] + gaps[widest] / 2
    else:
        gap_angle = -np.pi / 2
    for ring, radius in radii.items():
        fixed.append(ax.text(radius * np.cos(gap_angle), radius * np.sin(gap_angle), str(ring),
                             ha="center", va="center", fontsize=8, color="#666666",
                             bbox={"boxstyle": "circle,pad=0.15", "fc": "white", "ec": "#9a9a9a",
                                   "lw": 0.6}, zorder=2, gid=f"fixed-ring-{ring}"))

    xy = alters[["x", "y"]].to_numpy(float) if len(alters) else np.zeros((0, 2))
    gone = (alters["status"] == "gone").to_numpy()
    new = (alters["status"] == "new").to_numpy()
    for i, j in data.pairs:
        ax.plot(xy[[i, j], 0], xy[[i, j], 1], color="#b8b8b8", lw=0.6, alpha=0.8, zorder=1.5)
    for k in range(len(alters)):
        colour = CATEGORY_COLOURS[alters["category"].iat[k]]
        style = {"color": "#cccccc", "ls": (0, (3, 3)), "lw": 0.9} if gone[k] else \
            {"color": NEW_COLOUR, "lw": 2.2} if new[k] else {"color": colour, "lw": 0.9,
                                                             "alpha": 0.55}
        ax.plot([0, xy[k, 0]], [0, xy[k, 1]], zorder=1.6, **style)
    marker_points = 7.5
    for k in range(len(alters)):
        colour = CATEGORY_COLOURS[alters["category"].iat[k]]
        marker = TYPE_MARKERS.get(alters["type"].iat[k], "o")
        if new[k]:
            ax.scatter(xy[k, 0], xy[k, 1], s=(2 * marker_points + 6) ** 2, color="none",
                       edgecolors=NEW_COLOUR, linewidths=2.2, marker=marker, zorder=3)
        ax.scatter(xy[k, 0], xy[k, 1], s=(2 * marker_points) ** 2, marker=marker,
                   color="white" if gone[k] else colour, edgecolors=colour if gone[k] else "white",
                   linewidths=1.2, alpha=0.6 if gone[k] else 1.0, zorder=3.2)
    ax.scatter([0], [0], s=26 ** 2, color="#444444", marker="h" if centre else "o",
               zorder=4)
    middle = "\n".join(_wrap(m) for m in centre) if centre else _wrap(data.person_label)
    fixed.append(ax.annotate(middle, (0, 0), xytext=(0, -15),
                             textcoords="offset points", ha="center", va="top", fontsize=10,
                             weight="bold", zorder=5, parse_math=False, gid="fixed-person",
                             bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none",
                                   "alpha": 0.85}))
    labels = []
    for k in range(len(alters)):
        text = _wrap(alters["shown"].iat[k])
        if gone[k]:
            text += "\n" + _("(gone)")
        elif new[k]:
            text += "\n" + _("(new)")
        else:
            text += _tie_note(alters["added"].iat[k], alters["ended"].iat[k])
        labels.append(ax.annotate(
            text, (xy[k, 0], xy[k, 1]), xytext=(0, 0), textcoords="offset points",
            fontsize=FONT_SIZE, color="#888888" if gone[k] else "#111111", zorder=5,
            parse_math=False, gid=f"alter-label-{k}", linespacing=1.05,
            arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.6, "shrinkA": 0,
                        "shrinkB": marker_points},
            bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8}))
    if not len(alters):
        ax.text(0, radii[2], _("No one is in this circle of support yet.\n"
                               "Natural ties (family, friends, neighbours), community groups\n"
                               "and services will appear on these rings as they are recorded."),
                ha="center", va="center", fontsize=11, color="#333333",
                bbox={"boxstyle": "round,pad=0.5", "fc": "white", "ec": "#bbbbbb"})

    words = {"natural": _("natural"), "community": _("community"), "paid": _("paid"),
             "person": _("person"), "group": _("group"), "service": _("service"),
             "coordinator": _("coordinator")}
    handles = [Line2D([], [], marker="o", ls="", color=c, markersize=9, label=words[k])
               for k, c in CATEGORY_COLOURS.items()]
    handles += [Line2D([], [], marker=m, ls="", color="#777777", markersize=8, label=words[t])
                for t, m in TYPE_MARKERS.items() if t != "family"]
    if data.since is not None:
        handles += [
            Line2D([], [], marker="o", ls="-", color=NEW_COLOUR, lw=2.2, markersize=9,
                       markerfacecolor="white", markeredgewidth=2.2,
                       label=_("new since %(date)s", date=format_long_date(data.since))),
            Line2D([], [], marker="o", ls=(0, (3, 3)), color="#bbbbbb", markersize=9,
                       markerfacecolor="white",
                       label=_("gone since %(date)s", date=format_long_date(data.since))),
        ]
    if centre:
        handles.append(Line2D([], [], marker="h", ls="", color="#444444", markersize=9,
                              label=_("household")))
    handles.append(Line2D([], [], color="#b8b8b8", lw=0.8, label=_("tie between them")))
    legend = fig.legend(handles=handles, loc="lower center", ncol=min(5, len(handles)),
                        frameon=False, fontsize=9, bbox_to_anchor=(0.5, 0.01))
    fig.text(0.5, 0.085, _("Rings: %(rings)s", rings="  \u00b7  ".join(ring_names())), ha="center",
             fontsize=9, color="#555555", gid="fixed-rings")

    # grow the figure (fonts stay the same) until every label has a free place
    inches = BASE_INCHES
    renderer = fig.canvas.get_renderer()  # text metrics: kept while the figure grows
    while True:
        fig.set_size_inches(inches, inches + 1.0)
        ax.apply_aspect()  # the equal-aspect box is otherwise only settled when drawing
        nodes = node_boxes(fig, ax, np.vstack([np.zeros((1, 2)), xy]), marker_points + 1)
        nodes.append(legend.get_window_extent(renderer))
        frame = [t for t in fig.texts if (t.get_gid() or "").startswith("fixed-")]
        failures = place_labels(fig, labels, fixed + frame, nodes, alters["angle"].to_numpy(float),
                                renderer)
        if failures == 0 or inches >= MAX_INCHES:
            break
        inches = min(MAX_INCHES, inches * 1.15)
    if failures:  # as large as it may be: the labels left over go further out, clear
        place_stranded(fig, labels, fixed + frame, nodes, alters["angle"].to_numpy(float),
                       renderer)
    for size in (8.5, 8.0, 7.5, 7.0):  # Welsh words are longer: the key stays inside
        box = legend.get_window_extent(renderer)
        if box.x0 >= 0 and box.x1 <= fig.bbox.width:
            break
        legend.remove()  # a smaller key in the same place: it touches nothing new
        legend = fig.legend(handles=handles, loc="lower center", ncol=min(5, len(handles)),
                            frameon=False, fontsize=size, bbox_to_anchor=(0.5, 0.01))
    fig.lacgraph_failures = failures  # type: ignore[attr-defined]
    return fig


def draw_circle_data(data: CircleData, *, title: str = "", centre: tuple[str, ...] = ()
                     ) -> Figure:
    """Draw a circle picture from gathered :class:`CircleData` (e.g. a household's).

    ``title`` replaces "<person>'s circle of support on <date>"; ``centre`` lists several
    people drawn together at the centre (a household) under a house-shaped marker.

    Examples
    --------
    >>> data = CircleData(person="sam", person_label="Sam", at="2024-01-01", since=None,
    ...                   alters=layout(pd.DataFrame(columns=["id", "kind", "circle", "shown",
    ...                                                       "status", "category", "type"])),
    ...                   pairs=[], headline="")
    >>> fig = draw_circle_data(data, centre=("Sam", "Jo"))
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "fixed-person"]
    ['Sam\\nJo']
    """
    return _draw(data, title=title, centre=centre)


def draw_circle(
    G: DatedNetwork, person: str, at: DateLike | None = None,
    path: str | os.PathLike[str] | None = None, *, since: DateLike | None = None,
    pseudonymiser: Pseudonymiser | None = None,
) -> Figure:
    """Draw ``person``'s circle of support at ``at``; save it to ``path`` if given.

    Parameters
    ----------
    G : DatedNetwork
    person : str
        The person at the centre.
    at : date, optional
        The day to show (default: the data's last date).
    path : path, optional
        Where to save; the suffix picks the format (``.png`` or ``.svg``). The figure is
        SVG text stays text (searchable, escaped by matplotlib). The figure lives outside
        pyplot (see :func:`new_figure`): ``fig.savefig(buffer, format="png")`` works too.
    since : date, optional
        Highlight alters new since this day and show the ones gone since, faded.
    pseudonymiser : Pseudonymiser, optional
        Replace every name by its keyed pseudonym (for pictures that leave the team).

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "sam", "type": "person", "label": "Sam"}], ties=[]))
    >>> fig = draw_circle(G, "sam", at="2024-02-01")
    >>> [t.get_text() for t in fig.texts if t.get_gid() == "fixed-headline"][0]
    'No one in this circle of support yet'
    """
    data = circle_data(G, person, at, since=since, pseudonymiser=pseudonymiser)
    fig = _draw(data)
    if path is not None:
        save(fig, path)
    return fig


def save(fig: Figure, path: str | os.PathLike[str]) -> None:
    """Save a picture as PNG or SVG, chosen by the file's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise QueryError(f"{path}: a picture is saved as .png or .svg")
    Path(path).write_bytes(picture_bytes(fig, suffix.lstrip(".")))


def picture_bytes(fig: Figure, fmt: str = "png") -> bytes:
    """Return a picture as PNG or SVG bytes (for a web response), drawn as :func:`save` does:
    SVG text stays text, no date stamp, stable element ids.

    Examples
    --------
    >>> fig = new_figure(2, 1)
    >>> _ = fig.text(0.5, 0.5, "<b>Jo</b>", parse_math=False)
    >>> svg = picture_bytes(fig, "svg").decode()
    >>> "&lt;b&gt;Jo&lt;/b&gt;" in svg, "<b>" in svg
    (True, False)
    >>> picture_bytes(fig)[:4]
    b'\\x89PNG'
    """
    if fmt not in ("png", "svg"):
        raise QueryError(f"a picture is drawn as png or svg, not {fmt!r}")
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "lacgraph"}):
        fig.savefig(buffer, format=fmt, dpi=100, bbox_inches="tight",
                    metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def draw_timeline(table: pd.DataFrame, path: str | os.PathLike[str] | None = None,
                  *, title: str = "", introduced: DateLike | None = None,
                  until: DateLike | None = None, years_before: float = 2.0) -> Figure:
    """Draw a :func:`lacgraph.analysis.circle.timeline` table as a small step plot by category.

    With ``introduced`` (the day of the LAC introduction) a dashed line marks it and the
    plot starts at most ``years_before`` years earlier, so a long quiet history does not
    squeeze the journey since the introduction. The last step runs on to ``until`` (e.g.
    the data's last date; default a month after the last change).

    Examples
    --------
    >>> table = pd.DataFrame({"date": ["2024-01-01", "2024-03-01"], "size": [1, 2],
    ...                       "natural": [0, 1], "community": [0, 0], "paid": [1, 1]})
    >>> fig = draw_timeline(table)
    >>> len(fig.axes[0].lines)
    4
    """
    fig = new_figure(7, 3)
    ax = fig.subplots()
    dates = pd.to_datetime(table["date"])
    if len(dates):
        last = dates.iloc[-1] + pd.Timedelta(days=30) if until is None else max(
            dates.iloc[-1], pd.Timestamp(np.datetime64(until, "D")))
        dates = pd.concat([dates, pd.Series([last])])
    styles = {"size": ("#000000", "-"), "natural": (CATEGORY_COLOURS["natural"], "-"),
              "community": (CATEGORY_COLOURS["community"], "--"),
              "paid": (CATEGORY_COLOURS["paid"], ":")}
    for column, (colour, ls) in styles.items():
        values = table[column].to_numpy()
        if len(values):
            values = np.append(values, values[-1])
        ax.step(dates, values, where="post", color=colour, ls=ls, lw=2 if column != "size"
                else 1.2, label="all alters" if column == "size" else column)
    if introduced is not None and not pd.isna(introduced):
        day = pd.Timestamp(np.datetime64(introduced, "D"))
        ax.axvline(day, color="#666666", ls=(0, (4, 3)), lw=1)
        ax.annotate("introduced to LAC", (day, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(4, -4), textcoords="offset points", va="top", fontsize=8,
                    color="#444444")
        if len(dates):
            earliest = day - pd.Timedelta(days=round(365.25 * years_before))
            ax.set_xlim(left=max(dates.iloc[0], earliest) - pd.Timedelta(days=15))
    ax.set_ylabel("alters")
    ax.yaxis.get_major_locator().set_params(integer=True)
    top = int(table["size"].max()) if len(table) else 1
    ax.set_ylim(0, top * 1.3 + 0.5)  # room for the legend and the introduction note
    ax.legend(frameon=False, fontsize=8, loc="upper left", ncol=4)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, fontsize=10, parse_math=False)
    if not len(table):
        ax.text(0.5, 0.5, "No ties recorded yet", transform=ax.transAxes, ha="center")
    fig.autofmt_xdate()
    fig.tight_layout()
    if path is not None:
        save(fig, path)
    return fig
