"""The report's charts as inline SVG (nothing fetched, text kept as text).

Matplotlib draws the larger charts (:func:`figure_svg` turns a figure into an ``<svg>``
element); neighbourhood sparklines are a few lines of hand-written SVG. A copy that leaves
the team draws only numbers as shown in it (suppressed counts, shares from rounded counts)
and no chart for a group of 1-7 people. Sparklines come from :mod:`lacgraph.viz.small`.

Examples
--------
>>> svg = sparkline([3, 5, "*", 2], label="Elm: isolated")
>>> svg.startswith("<svg") and "Elm: isolated" in svg
True
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from markupsafe import Markup, escape  # noqa: E402

from lacgraph.i18n import DEFAULT, N_, _, language, ngettext  # noqa: E402
from lacgraph.viz.growth import GREW, LINE, SAME, SHRANK  # noqa: E402
from lacgraph.viz.small import sparkline  # noqa: E402

__all__ = ["categories_chart", "change_bars", "figure_svg", "retention_chart", "shift_chart",
           "sparkline"]

if TYPE_CHECKING:
    import pandas as pd

    from lacgraph.analysis.growth import Growth


def figure_svg(fig: plt.Figure, name: str, description: str) -> Markup:
    """Return ``fig`` as an inline ``<svg>`` element (and close it).

    Text stays text (``svg.fonttype: none``), ids are salted with ``name`` so several
    charts can share one page, and the chart carries ``role="img"`` and a description.
    """
    from lacgraph.viz.growth import settle_imports

    settle_imports()
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
    head = (f'<svg role="img" aria-label="{escape(description)}" class="chart" '
            f'data-chart="{escape(name)}"')
    return Markup(head + text[len("<svg"):])


def _plain_svg(fig: plt.Figure, ax: plt.Axes, xlabel: str, ylabel: str, name: str,
               description: str) -> Markup:
    """Label ``ax``, leave out its top and right frame, and return ``fig`` as
    :func:`figure_svg` does."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return figure_svg(fig, name, description)


def change_bars(changes: np.ndarray, count: Callable[[int], Any]) -> Markup:
    """Bar chart: how many people's natural + community alters changed by how much.

    ``count`` turns each bar's count into what the copy may show (``suppress`` or
    ``int``); a ``*`` bar is drawn as an outline marked ``*``.
    """
    values, counts = np.unique(np.asarray(changes, dtype=int), return_counts=True)
    shown = [count(int(c)) for c in counts]
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    colours = [GREW if v > 0 else SHRANK if v < 0 else SAME for v in values]
    heights = [0 if s == "*" else s for s in shown]
    ax.bar(values, heights, color=colours, width=0.8)
    top = max([h for h in heights if isinstance(h, int)] + [1])
    for v, s in zip(values, shown, strict=True):
        if s == "*":
            ax.bar([v], [top * 0.06], color="white", edgecolor="#555555", width=0.8)
            ax.text(v, top * 0.08, "*", ha="center", va="bottom", parse_math=False)
    bars = "; ".join(_("%(change)s: %(people)s", change=_signed(int(v)), people=_people(s))
                     for v, s in zip(values, shown, strict=True))
    return _plain_svg(fig, ax, _("change in natural + community connections"), _("people"),
                      "change", _("Bar chart of how many people's family, friends and groups "
                                  "changed by each amount. Change and people: %(bars)s.",
                                  bars=bars))


def retention_chart(curve: pd.DataFrame, count: Callable[[int], Any], up_to: int,
                    retention_days: int) -> Markup:
    """Step chart of the share of new ties still active by days since they started.

    In a suppressed copy (``up_to`` > 0) only days seen for at least 20 ties are drawn, each
    share exact to a whole percent, and none that only a band may show.
    """
    from lacgraph.disclosure import MIN_GROUP, share

    days, shares = [], []
    for row in curve.itertuples(index=False):
        if not row.observed:
            continue
        if up_to:  # leaving the team: exact shares as the disclosure rule shows them
            shown = share(int(row.active), int(row.observed), up_to=up_to)
            if row.observed < MIN_GROUP or not shown or not re.fullmatch(r"\d+%", shown):
                continue  # withheld, or only a band
            days.append(row.days)
            shares.append(int(shown[:-1]) / 100)
        else:
            days.append(row.days)
            shares.append(row.active / row.observed)
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    ax.step(days, shares, where="post", color=LINE, lw=2)
    ax.axvline(retention_days, color="#555555", ls="--", lw=1)
    ax.text(retention_days + 6, 0.08, _("day %(day)s", day=retention_days), fontsize=8,
            parse_math=False)
    ax.set_ylim(0, 1.05)
    ax.set_xlim(0, max(days + [retention_days + 30]))
    points = "; ".join(_("day %(day)s: %(share)s", day=d, share=str(round(100 * v)) + "%")
                       for d, v in zip(days, shares, strict=True)
                       if d % 91 == 0 or d == retention_days)
    description = (_("Line chart of the share of new connections still active by days since "
                     "they started. Days and share still active: %(points)s.", points=points)
                   if points else _("Line chart of the share of new connections still active "
                                    "by days since they started."))
    return _plain_svg(fig, ax, _("days since the connection started"), _("share still active"),
                      "retention", description)


def shift_chart(growth: Growth, count: Callable[[int], Any] | None) -> Markup:
    """Paid change against natural + community change (:func:`lacgraph.viz.growth.plot_shift`)."""
    from lacgraph.viz.growth import plot_shift, shift_quadrants

    fig = plot_shift(growth, count=count)
    quadrants = shift_quadrants(growth)
    shown = count or int
    counted = "; ".join(_("%(quadrant)s: %(people)s", quadrant=_(QUADRANT_WORDS[key]),
                          people=_people(shown(quadrants[key])))
                        for key in ("shifted", "both_up", "both_down", "paid_up_close_down"))
    ax = fig.axes[0]
    ax.set_title("")
    if language() != DEFAULT:  # the words drawn by lacgraph.viz.growth, in this language
        for label, key in zip(ax.texts, ("shifted", "both_up", "both_down",
                                         "paid_up_close_down"), strict=False):
            label.set_text(_("%(quadrant)s\n%(people)s", quadrant=_(QUADRANT_WORDS[key]),
                             people=_people(shown(quadrants[key]))))
        _relabel_legend(ax, {"other people": _("other people"), "shifted": _("shifted")})
    ax.set_xlabel(_("change in paid connections (services, coordinator)"))
    ax.set_ylabel(_("change in natural + community connections"))
    return figure_svg(fig, "shift", _(
        "Chart of each person's change in paid connections against their change in family, "
        "friends and groups, with the number of people in each quadrant: %(counted)s; no "
        "change in one or both: %(axis)s.", counted=counted,
        axis=_people(shown(quadrants["on_an_axis"]))))


def categories_chart(table: pd.DataFrame, min_n: int) -> Markup:
    """Mean natural, community and paid alters by wave (:func:`plot_categories`)."""
    from lacgraph.viz.growth import category_means, plot_categories

    means = category_means(table, min_n=min_n)
    fig = plot_categories(table, min_n=min_n)
    fig.axes[0].set_title("")
    fig.axes[0].set_ylabel(_("mean connections"))
    if language() != DEFAULT:  # the words drawn by lacgraph.viz.growth, in this language
        fig.axes[0].set_xlabel(_("months since introduction"))
        _relabel_legend(fig.axes[0], {"natural": _("natural"), "community": _("community"),
                                      "paid": _("paid")})
    points = "; ".join(
        ngettext("%(num)d month: natural %(natural)s, community %(community)s, paid %(paid)s",
                 "%(num)d months: natural %(natural)s, community %(community)s, "
                 "paid %(paid)s", int(r.wave), natural=format(r.natural, ".1f"),
                 community=format(r.community, ".1f"), paid=format(r.paid, ".1f"))
        for r in means.itertuples(index=False) if not np.isnan(r.natural))
    return figure_svg(fig, "categories", _(
        "Line chart of the cohort's average natural, community and paid connections by months "
        "since introduction: %(points)s.", points=points) if points else _(
        "Line chart of the cohort's average natural, community and paid connections by months "
        "since introduction."))


QUADRANT_WORDS = {
    "shifted": N_("shifted: fewer services, more natural + community"),
    "both_up": N_("more services and more natural + community"),
    "both_down": N_("fewer services, fewer natural + community"),
    "paid_up_close_down": N_("more services, fewer natural + community"),
}
"""The quadrants of the shift chart, as its text alternative names them (the words of
:data:`lacgraph.viz.growth.QUADRANTS`)."""


def _relabel_legend(ax: plt.Axes, words: dict[str, str]) -> None:
    """Put the legend's English words (as :mod:`lacgraph.viz.growth` draws them) into the
    current language."""
    legend = ax.get_legend()
    for text in legend.get_texts() if legend is not None else ():
        text.set_text(words.get(text.get_text(), text.get_text()))


def _people(shown: Any) -> str:
    """``12 people``, ``1 person`` or ``* people`` (a suppressed count) in the current language."""
    if isinstance(shown, int) and not isinstance(shown, bool):
        return ngettext("%(num)d person", "%(num)d people", shown)
    return _("%(count)s people", count=shown)


def _signed(v: int) -> str:
    return f"+{v}" if v > 0 else str(v).replace("-", "\u2212")
