"""Manager pictures: isolated clusters as small multiples, neighbourhoods over time.

Colours are Okabe-Ito (distinct for the common colour blindnesses). Names are data: every
label is drawn with ``parse_math=False``, so a ``$`` in a name is never read as markup.

Examples
--------
>>> from lacgraph.network import Network
>>> from lacgraph.tables import Tables
>>> G = Network.from_tables(Tables.from_records(
...     nodes=[{"id": i, "type": "person", "label": f"Name {i}", "neighbourhood": "Elm"}
...            for i in "abc"],
...     ties=[{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"}]))
>>> len(draw_clusters(G, "2024-02-01").axes)
1
>>> len(plot_neighbourhoods(G, ["2023-06-01", "2024-02-01"]).axes)
2
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from lacgraph.analysis import clusters as manager  # noqa: E402
from lacgraph.analysis.manager_view import manager_view, paid_people  # noqa: E402
from lacgraph.i18n import _, ngettext  # noqa: E402
from lacgraph.model import AT_RISK_THRESHOLD  # noqa: E402
from lacgraph.privacy import SUPPRESS_UP_TO, suppress  # noqa: E402

if TYPE_CHECKING:
    from lacgraph.dated import DatedNetwork
    from lacgraph.privacy import Pseudonymiser
    from lacgraph.tables import DateLike

SUPPORTED = "#0072B2"   # blue: a person a coordinator walks alongside
OTHER = "#999999"       # grey: everyone else
PAID = "#E69F00"        # orange ring: has an active paid tie
NATURAL_TIE = "#56B4E9"
ISOLATED = "#D55E00"
AT_RISK = "#CC79A7"


def _save(fig: plt.Figure, path: str | os.PathLike[str] | None) -> None:
    if path is not None:
        fig.savefig(path, dpi=100, bbox_inches="tight")


def draw_clusters(G: DatedNetwork, at: DateLike | None = None,
                  path: str | os.PathLike[str] | None = None, *, limit: int = 24,
                  pseudonymiser: Pseudonymiser | None = None,
                  neighbourhoods: Sequence[str] | None = None) -> plt.Figure:
    """Draw each isolated cluster at ``at`` as a small multiple (first ``limit`` in rank order).

    Members sit on a circle, joined by their active natural ties; filled blue when
    supported, grey otherwise, with an orange ring when they have an active paid tie.
    Members are named by label (id when there is none); with a ``pseudonymiser`` by
    pseudonym only. ``neighbourhoods`` keeps the clusters with a member living in one of
    them. ``path`` (``.png``/``.svg``) saves the picture.

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "a", "type": "person", "label": "$x$ <b>"},
    ...            {"id": "b", "type": "person"}],
    ...     ties=[{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"}]))
    >>> fig = draw_clusters(G, "2024-02-01")
    >>> sorted(t.get_text() for t in fig.axes[0].texts)
    ['$x$ <b>', 'b']
    """
    V = manager_view(G, at)
    table = manager.select_neighbourhoods(G, manager.isolated_clusters(G, V.day),
                                          neighbourhoods).head(limit)
    shown = max(len(table), 1)
    cols = min(shown, 6)
    grid_rows = math.ceil(shown / cols)
    fig, axes = plt.subplots(grid_rows, cols, figsize=(2.2 * cols, 2.4 * grid_rows + 0.4),
                             squeeze=False)
    for ax in axes.ravel():
        ax.set_axis_off()
    day = str(V.day)
    if table.empty:
        axes[0, 0].text(0.5, 0.5, _("No isolated clusters on %(date)s", date=day), ha="center",
                        va="center", parse_math=False)
        _save(fig, path)
        return fig
    S = V.S
    paid = paid_people(G, V)
    index = pd.Index(S.ids)
    labels = S.nodes["label"].to_numpy(dtype=object)
    keep = V.natural_edge & (V.rows < S.indices)
    ties = pd.DataFrame({"a": V.rows[keep], "b": S.indices[keep]})
    ties = ties[V.cluster[ties["a"].to_numpy()] > 0]
    ties_of = dict(tuple(ties.groupby(V.cluster[ties["a"].to_numpy()])))
    for ax, row in zip(axes.ravel(), table.itertuples(index=False), strict=False):
        members = index.get_indexer(row.members.split(";"))
        angle = 2 * np.pi * np.arange(len(members)) / len(members) + np.pi / 2
        x, y = np.cos(angle), np.sin(angle)
        where = {m: k for k, m in enumerate(members)}
        for a, b in ties_of.get(row.cluster, ties.iloc[:0]).itertuples(index=False):
            ax.plot([x[where[a]], x[where[b]]], [y[where[a]], y[where[b]]], color=NATURAL_TIE,
                    lw=1.5, zorder=1)
        colours = [SUPPORTED if V.supported[m] else OTHER for m in members]
        edges = [PAID if paid[m] else "white" for m in members]
        ax.scatter(x, y, s=160, c=colours, edgecolors=edges, linewidths=2.5, zorder=2)
        for k, m in enumerate(members):
            name = pseudonymiser(S.ids[m]) if pseudonymiser else (labels[m] or S.ids[m])
            ax.text(x[k] * 1.35, y[k] * 1.35, str(name), ha="center", va="center",
                    fontsize=7, parse_math=False)
        title = ngettext("#%(number)s · %(num)d people", "#%(number)s · %(num)d people",
                         int(row.size), number=row.cluster)
        if row.neighbourhoods:
            title += f"\n{row.neighbourhoods}"
        ax.set_title(title, fontsize=8, parse_math=False)
        ax.set_xlim(-1.8, 1.8)
        ax.set_ylim(-1.8, 1.8)
        ax.set_aspect("equal")
    fig.suptitle(_("Isolated clusters on %(date)s: blue supported, orange ring paid tie",
                   date=day) if len(table) < limit else
                 _("Isolated clusters on %(date)s (first %(limit)d): blue supported, orange ring "
                   "paid tie", date=day, limit=limit), fontsize=10)
    _save(fig, path)
    return fig


def plot_neighbourhoods(G: DatedNetwork, dates: Sequence[DateLike],
                        path: str | os.PathLike[str] | None = None, *, limit: int = 15,
                        neighbourhoods: Sequence[str] | None = None, export: bool = False,
                        up_to: int = SUPPRESS_UP_TO,
                        at_risk_below: int = AT_RISK_THRESHOLD) -> plt.Figure:
    """Bar chart of isolated and at-risk people per neighbourhood at each of ``dates``.

    Two panels (isolated, at risk); per neighbourhood one bar per date, oldest lightest.
    The ``limit`` neighbourhoods with most at-risk people on the last date are shown (or
    the ``neighbourhoods`` named). With
    ``export`` the counts are suppressed (DESIGN.md rule, 1 to ``up_to`` become ``*``): a
    suppressed count is drawn as an empty bar marked ``*``.

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "a", "type": "person", "neighbourhood": "Elm"}], ties=[]))
    >>> fig = plot_neighbourhoods(G, ["2024-01-01"], export=True)
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['*']
    """
    days = sorted({G.resolve_date(d) for d in dates})
    tables = {d: manager.neighbourhoods(G, d, at_risk_below=at_risk_below).set_index(
                 "neighbourhood")
              for d in days}
    last = tables[days[-1]]
    if neighbourhoods:
        last = last[last.index.isin(list(neighbourhoods))]
    wards = last.sort_values("at_risk", ascending=False, kind="stable").index[:limit]
    fig, axes = plt.subplots(2, 1, figsize=(max(6.0, 0.6 * len(wards) * len(days) + 2), 7),
                             sharex=True)
    width = 0.8 / len(days)
    x = np.arange(len(wards))
    shades = np.linspace(0.35, 1.0, len(days))
    for ax, column, colour, name, suppressed in (
            (axes[0], "isolated", ISOLATED, _("Isolated people"),
             _("Isolated people (suppressed)")),
            (axes[1], "at_risk", AT_RISK, _("At-risk people"), _("At-risk people (suppressed)"))):
        for k, d in enumerate(days):
            counts = tables[d][column].reindex(wards, fill_value=0).to_numpy()
            shown = [suppress(c, up_to=up_to) if export else int(c) for c in counts]
            heights = [0 if v == "*" else v for v in shown]
            xs = x + (k - (len(days) - 1) / 2) * width
            ax.bar(xs, heights, width=width * 0.95, color=colour, alpha=shades[k],
                   label=str(d))
            for xi, v in zip(xs, shown, strict=True):
                if v == "*":
                    ax.text(xi, 0, "*", ha="center", va="bottom", parse_math=False)
        ax.set_ylabel(suppressed if export else name)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=8, title=_("date"), title_fontsize=8)
    axes[1].set_xticks(x)
    axes[1].set_xticklabels([str(w) for w in wards], rotation=40, ha="right", fontsize=8)
    for label in axes[1].get_xticklabels():
        label.set_parse_math(False)
    fig.suptitle(_("Isolated and at-risk people by neighbourhood"), fontsize=11)
    fig.tight_layout()
    _save(fig, path)
    return fig


def timeline_dates(start: DateLike, end: DateLike, count: int = 4) -> list[np.datetime64]:
    """Return ``count`` evenly spaced days from ``start`` to ``end`` (both included).

    Examples
    --------
    >>> [str(d) for d in timeline_dates("2024-01-01", "2024-01-31", 3)]
    ['2024-01-01', '2024-01-16', '2024-01-31']
    """
    a, b = np.datetime64(start, "D"), np.datetime64(end, "D")
    steps = np.rint(np.linspace(0, (b - a).astype(int), max(count, 1))).astype(int)
    return sorted({a + np.timedelta64(int(s), "D") for s in steps})
