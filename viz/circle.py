"""The circle-of-support picture: the person at the centre, four rings, alters by category.

Rings are person-centred planning's circles (1 intimacy, 2 friendship, 3 participation,
4 exchange). Colours come from the Okabe-Ito palette, which stays distinct for the common
kinds of colour blindness. Labels are drawn as text (matplotlib never reads them as markup).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

if TYPE_CHECKING:
    from lacgraph.network import Network
    from lacgraph.tables import DateLike

CATEGORY_COLOURS = {"natural": "#0072B2", "community": "#009E73", "paid": "#E69F00"}
"""Okabe-Ito colours per tie category."""

RING_NAMES = {1: "1 intimacy", 2: "2 friendship", 3: "3 participation", 4: "4 exchange"}


def draw_circle(
    G: Network, person: str, at: DateLike | None = None, path: str | os.PathLike[str] | None = None
) -> plt.Figure:
    """Draw ``person``'s circle of support at ``at``; save it to ``path`` if given.

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "sam", "type": "person", "label": "Sam"},
    ...            {"id": "jo", "type": "person", "label": "Jo"}],
    ...     ties=[{"source": "sam", "target": "jo", "kind": "friend", "start": "2024-01-01"}]))
    >>> fig = draw_circle(G, "sam", at="2024-02-01")
    >>> len(fig.axes)
    1
    """
    day = G.resolve_date(at)
    alters = G.circle(person, at=day)
    ego = G.node(person)
    fig, ax = plt.subplots(figsize=(8, 8))
    ax.set_aspect("equal")
    ax.axis("off")
    for ring in (1, 2, 3, 4):
        ax.add_patch(plt.Circle((0, 0), ring, fill=False, color="#bbbbbb", lw=1))
        ax.text(0, ring - 0.08, RING_NAMES[ring], ha="center", va="top", fontsize=8,
                color="#888888")
    ax.scatter([0], [0], s=600, color="#555555", zorder=3)
    ax.text(0, -0.3, str(ego["label"] or person), ha="center", va="top", fontsize=11,
            weight="bold")
    for ring, group in alters.groupby("circle"):
        angles = np.linspace(0, 2 * np.pi, len(group), endpoint=False) + 0.3 * ring
        for angle, (_, alter) in zip(angles, group.iterrows(), strict=True):
            x, y = ring * np.cos(angle), ring * np.sin(angle)
            ax.plot([0, x], [0, y], color="#dddddd", lw=0.8, zorder=1)
            ax.scatter([x], [y], s=200, color=CATEGORY_COLOURS[alter["category"]], zorder=3)
            ax.text(x, y + 0.18, str(alter["label"] or alter["id"]), ha="center", fontsize=8)
    counts = alters["category"].value_counts()
    headline = (f"{len(alters)} people and groups: " + ", ".join(
        f"{int(counts.get(c, 0))} {c}" for c in CATEGORY_COLOURS)) if len(alters) else \
        "No one in this circle of support yet"
    ax.set_title(f"{headline}\n{np.datetime_as_string(day)}", fontsize=12)
    handles = [plt.Line2D([], [], marker="o", ls="", color=c, label=k)
               for k, c in CATEGORY_COLOURS.items()]
    ax.legend(handles=handles, loc="lower right", frameon=False)
    ax.set_xlim(-4.6, 4.6)
    ax.set_ylim(-4.6, 4.6)
    if path is not None:
        fig.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(fig)
    return fig
