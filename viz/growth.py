"""Growth plots for an evaluation report: change per person, waves, retention of new ties.

Each function returns the matplotlib Figure and saves it when ``path`` is given (the
suffix, ``.png`` or ``.svg``, picks the format). The plots show counts and means only:
no names or ids are drawn. Colours are Okabe-Ito (distinct for common colour blindness).
The words of the evaluator's plots (change, waves, retention) are in the current language
(:mod:`lacgraph.i18n`); the report relabels the shift and category charts itself.

Examples
--------
>>> from lacgraph.network import Network
>>> from lacgraph.synthetic import programme
>>> from lacgraph.analysis.growth import growth
>>> g = growth(Network.from_tables(programme(300, seed=2)), months=6)
>>> [len(f.axes) for f in (plot_change(g), plot_retention(g), plot_shift(g))]
[2, 1, 1]
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from lacgraph.i18n import _  # noqa: E402

if TYPE_CHECKING:
    from lacgraph.analysis.growth import Growth
    from lacgraph.dated import DatedNetwork

GREW, SAME, SHRANK = "#009E73", "#999999", "#D55E00"
LINE = "#0072B2"

PathLike = str | os.PathLike[str]


def settle_imports() -> None:
    """Wait for an import of IPython another thread has begun (a server imports pyvis, and
    with it IPython, in the background): matplotlib reads IPython's version when it saves a
    figure and fails on a half-imported module. Importing it here waits for the other thread.
    """
    if "IPython" in sys.modules:
        import IPython  # noqa: F401


def _save(fig: plt.Figure, path: PathLike | None) -> plt.Figure:
    if path is not None:
        settle_imports()
        fig.savefig(path, dpi=100, bbox_inches="tight")
    return fig


def _window_text(growth: Growth) -> str:
    w = growth.window
    if w["kind"] == "fixed":
        return _("%(start)s to %(end)s", start=w["from"], end=w["to"])
    return _("introduction to %(months)s months later", months=w["months"])


def _rounded(count: int) -> int | None:
    """A count as it may leave the team: rounded to 5, or None when 1-7 (not drawn)."""
    from lacgraph.privacy import suppress

    shown = suppress(int(count))
    return None if shown == "*" else int(shown)


def plot_change(growth: Growth, path: PathLike | None = None, *,
                suppressed: bool = False) -> plt.Figure:
    """Draw each person's natural + community alters before and after, and the change.

    Left: a slope chart (one faint line per person, green grew, grey same, orange
    shrank; the mean in blue). Right: how many people changed by how much.
    ``suppressed`` (for a picture leaving the team): no line per person, only the mean;
    counts rounded to 5 and bars of 1-7 people left out (DESIGN.md, small numbers).

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.synthetic import programme
    >>> from lacgraph.analysis.growth import growth
    >>> fig = plot_change(growth(Network.from_tables(programme(300, seed=2)), months=6))
    >>> fig.axes[0].get_ylabel()
    'natural + community alters'
    """
    people = growth.people
    before = people["natural_community_from"].to_numpy(float)
    after = people["natural_community_to"].to_numpy(float)
    change = after - before
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5),
                                      gridspec_kw={"width_ratios": [1, 1.4]})
    rng = np.random.default_rng(0)  # a little jitter so equal lines stay visible
    jitter = rng.uniform(-0.15, 0.15, len(before))
    for colour, mask in ((SAME, change == 0), (SHRANK, change < 0), (GREW, change > 0)):
        if mask.any() and not suppressed:
            left.plot(np.array([[0.0], [1.0]]).repeat(mask.sum(), axis=1),
                      np.vstack([before[mask] + jitter[mask], after[mask] + jitter[mask]]),
                      color=colour, alpha=min(0.6, 20 / max(mask.sum(), 1) + 0.05), lw=1)
    if len(before):
        spec = ".1f" if suppressed else ".2f"
        left.plot([0, 1], [before.mean(), after.mean()], color=LINE, lw=3, marker="o",
                  label=_("mean %(before)s \u2192 %(after)s", before=format(before.mean(), spec),
                          after=format(after.mean(), spec)))
        left.legend(loc="upper left", frameon=False)
    left.set_xticks([0, 1], [_("baseline"), _("follow-up")])
    left.set_xlim(-0.2, 1.2)
    left.set_ylabel(_("natural + community alters"))
    n = _rounded(len(before)) if suppressed else len(before)
    left.set_title(_("Before and after (n = %(n)s)", n=n))
    hidden = False
    if len(change):
        values, counts = np.unique(change.astype(int), return_counts=True)
        if suppressed:
            shown = [_rounded(c) for c in counts]
            hidden = None in shown
            keep = np.array([c is not None for c in shown])
            values = values[keep]
            counts = np.array([c for c in shown if c is not None], dtype=int)
        colours = [GREW if v > 0 else SHRANK if v < 0 else SAME for v in values]
        right.bar(values, counts, color=colours, width=0.8)
    right.set_xlabel(_("change in natural + community alters (bars of 1\u20137 people not "
                       "shown)") if hidden else _("change in natural + community alters"))
    right.set_ylabel(_("people"))
    right.set_title(_("Change per person"))
    fig.suptitle(_("Network growth, %(window)s", window=_window_text(growth)))
    fig.tight_layout()
    return _save(fig, path)


def _wave_table(G_or_table: DatedNetwork | pd.DataFrame) -> pd.DataFrame:
    if isinstance(G_or_table, pd.DataFrame):
        return G_or_table
    from lacgraph.analysis.growth import waves

    return waves(G_or_table)


def wave_means(table: pd.DataFrame) -> pd.DataFrame:
    """Return the mean natural + community alters per wave with a 95% t interval.

    Examples
    --------
    >>> t = pd.DataFrame({"wave": [0, 0, 6, 6], "natural_community": [1, 3, 2, 6]})
    >>> wave_means(t)[["wave", "n", "mean"]].to_dict("records")
    [{'wave': 0, 'n': 2, 'mean': 2.0}, {'wave': 6, 'n': 2, 'mean': 4.0}]
    """
    from lacgraph.analysis.growth import mean_interval

    rows = []
    for wave, values in table.groupby("wave")["natural_community"]:
        x = values.to_numpy(float)
        low, high = mean_interval(x)
        rows.append({"wave": int(wave), "n": len(x), "mean": float(x.mean()),
                     "low": np.nan if low is None else low,
                     "high": np.nan if high is None else high})
    return pd.DataFrame(rows, columns=["wave", "n", "mean", "low", "high"])


def plot_waves(G_or_table: DatedNetwork | pd.DataFrame, path: PathLike | None = None, *,
               suppressed: bool = False) -> plt.Figure:
    """Draw mean natural + community alters by wave with 95% confidence intervals.

    Takes a :func:`lacgraph.analysis.growth.waves` table, or a network (waves 0, 6, 12).
    ``suppressed``: waves of fewer than 20 people left out, the others' ``n`` rounded to 5
    (:mod:`lacgraph.disclosure`).

    Examples
    --------
    >>> t = pd.DataFrame({"wave": [0, 0, 6, 6], "natural_community": [1, 3, 2, 6]})
    >>> plot_waves(t).axes[0].get_xlabel()
    'months since introduction'
    """
    means = wave_means(_wave_table(G_or_table))
    if suppressed:
        from lacgraph.disclosure import MIN_GROUP

        means = means[means["n"] >= MIN_GROUP].assign(n=lambda t: [_rounded(n) for n in t["n"]])
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    if len(means):
        err = np.vstack([means["mean"] - means["low"], means["high"] - means["mean"]])
        ax.errorbar(means["wave"], means["mean"], yerr=np.nan_to_num(err), color=LINE,
                    marker="o", capsize=5, lw=2)
        for wave, mean, n in means[["wave", "mean", "n"]].itertuples(index=False):
            ax.annotate(_("n = %(n)s", n=n), (wave, mean), textcoords="offset points", xytext=(8, -14),
                        fontsize=8, color="#555555")
        ax.set_xticks(means["wave"].tolist())
    ax.set_xlabel(_("months since introduction"))
    ax.set_ylabel(_("mean natural + community alters"))
    ax.set_title(_("Natural and community alters by wave (95% CI)"))
    ax.set_ylim(bottom=0)
    fig.tight_layout()
    return _save(fig, path)


def plot_retention(growth: Growth, path: PathLike | None = None, *, days: int = 730,
                   suppressed: bool = False) -> plt.Figure:
    """Draw the share of new ties still active by days since they started.

    Each point counts only ties old enough to be seen that many days on; the dashed
    line marks day 182, the retention of the summary. ``suppressed``: each share is the
    exact one to a whole percent, drawn only for days seen for at least 20 ties with more
    than 7 of them active and more than 7 ended (else only a band could be shown), as
    :func:`lacgraph.disclosure.share` would publish it.

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.synthetic import programme
    >>> from lacgraph.analysis.growth import growth
    >>> fig = plot_retention(growth(Network.from_tables(programme(300, seed=2)), months=6))
    >>> fig.axes[0].get_ylabel()
    'share still active'
    """
    from lacgraph.analysis.growth import RETENTION_DAYS

    curve = growth.retention_curve(range(0, days + 1, 7))
    at = growth.retention_curve([RETENTION_DAYS]).iloc[0].to_dict()
    if suppressed:
        curve = _rounded_curve(curve)
        at = (_rounded_curve(pd.DataFrame([at])).iloc[0].to_dict()
              if len(_rounded_curve(pd.DataFrame([at]))) else {"observed": 0})
    curve = curve[curve["observed"] > 0]
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    ax.step(curve["days"], curve["share"], where="post", color=LINE, lw=2)
    ax.axvline(RETENTION_DAYS, color="#555555", ls="--", lw=1)
    if at["observed"]:
        observed = _rounded(at["observed"]) if suppressed else int(at["observed"])
        ax.annotate(_("day %(day)d: %(share)s of %(count)s ties", day=RETENTION_DAYS,
                      share=format(at["share"], ".0%"), count=observed),
                    (RETENTION_DAYS, at["share"]), textcoords="offset points", xytext=(6, 8),
                    fontsize=9)
    ax.set_ylim(0, 1.05)
    ax.set_xlim(0, days)
    ax.set_xlabel(_("days since the tie started"))
    ax.set_ylabel(_("share still active"))
    ax.set_title(_("Do new natural and community ties last?"))
    fig.tight_layout()
    return _save(fig, path)


def _rounded_curve(curve: pd.DataFrame) -> pd.DataFrame:
    """The retention curve as it may leave the team: exact shares to a whole percent, only
    at days seen for at least 20 ties whose share is not a band (1-7 active or ended)."""
    from lacgraph.disclosure import MIN_GROUP, share

    shown = [share(int(a), int(o)) for a, o in zip(curve["active"], curve["observed"],
                                                    strict=True)]
    keep = [o >= MIN_GROUP and s is not None and s[:-1].isdigit()
            for o, s in zip(curve["observed"], shown, strict=True)]
    out = curve[keep]
    return out.assign(share=[int(s[:-1]) / 100 for s, k in zip(shown, keep, strict=True) if k])


QUADRANTS: tuple[tuple[str, int, int], ...] = (
    ("shifted: fewer services, more natural + community", -1, 1),
    ("more services and more natural + community", 1, 1),
    ("fewer services, fewer natural + community", -1, -1),
    ("more services, fewer natural + community", 1, -1),
)
"""The four labelled quadrants of :func:`plot_shift`: text, sign of paid change, sign of
natural + community change."""


def shift_quadrants(growth: Growth) -> dict[str, int]:
    """Count people in each quadrant of paid change against natural + community change.

    Keys: ``shifted`` (paid down, natural + community up), ``both_up``, ``both_down``,
    ``paid_up_close_down`` and ``on_an_axis`` (either change is 0).

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.synthetic import programme
    >>> from lacgraph.analysis.growth import growth
    >>> g = growth(Network.from_tables(programme(300, seed=2)), months=6)
    >>> q = shift_quadrants(g)
    >>> sum(q.values()) == len(g.people), q["shifted"] == int(g.people["shifted"].sum())
    (True, True)
    """
    paid = growth.people["paid_change"].to_numpy()
    close = growth.people["change"].to_numpy()
    return {
        "shifted": int(((paid < 0) & (close > 0)).sum()),
        "both_up": int(((paid > 0) & (close > 0)).sum()),
        "both_down": int(((paid < 0) & (close < 0)).sum()),
        "paid_up_close_down": int(((paid > 0) & (close < 0)).sum()),
        "on_an_axis": int(((paid == 0) | (close == 0)).sum()),
    }


def plot_shift(growth: Growth, path: PathLike | None = None, *,
               count: Callable[[int], object] | None = None) -> plt.Figure:
    """Draw each person's change in paid alters against their natural + community change.

    One jittered point per person (green: shifted from services to community), the four
    quadrants labelled with how many people fall in each. With ``count`` (such as
    :func:`lacgraph.privacy.suppress`, for a copy that leaves the team) no person is
    drawn: only the quadrant labels, with ``count`` applied to each number.

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.synthetic import programme
    >>> from lacgraph.analysis.growth import growth
    >>> from lacgraph.privacy import suppress
    >>> g = growth(Network.from_tables(programme(300, seed=2)), months=6)
    >>> fig = plot_shift(g, count=suppress)
    >>> len(fig.axes[0].collections)  # no points: counts only
    0
    """
    people = growth.people
    close = people["change"].to_numpy(float)
    paid = people["paid_change"].to_numpy(float)
    fig, ax = plt.subplots(figsize=(7, 5.5))
    # a copy that leaves the team must not show the largest single change by its axes
    extent = 3.0 if count is not None else max(
        2.0, float(np.abs(close).max(initial=0)), float(np.abs(paid).max(initial=0))) + 0.8
    ax.axhline(0, color="#555555", lw=1)
    ax.axvline(0, color="#555555", lw=1)
    if count is not None:
        ax.set_xticks([])
        ax.set_yticks([])
    if count is None and len(people):
        rng = np.random.default_rng(0)
        jx, jy = rng.uniform(-0.25, 0.25, (2, len(people)))
        shifted = people["shifted"].to_numpy(bool)
        ax.scatter(paid[~shifted] + jx[~shifted], close[~shifted] + jy[~shifted], s=14,
                   color=SAME, alpha=0.6, label="other people")
        ax.scatter(paid[shifted] + jx[shifted], close[shifted] + jy[shifted], s=14,
                   color=GREW, alpha=0.8, label="shifted")
        ax.legend(loc="lower right", frameon=False, fontsize=8)
    shown = count or (lambda n: n)
    counts = shift_quadrants(growth)
    keys = ("shifted", "both_up", "both_down", "paid_up_close_down")
    for (text, sx, sy), key in zip(QUADRANTS, keys, strict=True):
        ax.text(sx * extent * 0.5, sy * extent * 0.85, f"{text}\n{shown(counts[key])} people",
                ha="center", va="center", fontsize=8, color=GREW if key == "shifted" else "#333333",
                parse_math=False, wrap=True)
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent, extent)
    ax.set_xlabel("change in paid alters (services, coordinator)")
    ax.set_ylabel("change in natural + community alters")
    ax.set_title(f"From services to community, {_window_text(growth)}")
    fig.tight_layout()
    return _save(fig, path)


def category_means(table: pd.DataFrame, *, min_n: int = 1) -> pd.DataFrame:
    """Return the mean natural, community and paid alters per wave (waves with ``min_n``+ people).

    Examples
    --------
    >>> t = pd.DataFrame({"wave": [0, 0, 6, 6], "natural": [1, 3, 2, 6],
    ...                   "community": [0, 0, 1, 1], "paid": [2, 2, 1, 3]})
    >>> category_means(t).to_dict("records")
    [{'wave': 0, 'n': 2, 'natural': 2.0, 'community': 0.0, 'paid': 2.0}, {'wave': 6, 'n': 2, 'natural': 4.0, 'community': 1.0, 'paid': 2.0}]
    """
    grouped = table.groupby("wave")
    out = grouped[["natural", "community", "paid"]].mean().astype(float)
    out.insert(0, "n", grouped.size().astype(int))
    out = out.rename_axis("wave").reset_index()
    out["wave"] = out["wave"].astype(int)
    return out[out["n"] >= min_n].reset_index(drop=True)


def plot_categories(G_or_table: DatedNetwork | pd.DataFrame, path: PathLike | None = None, *,
                    min_n: int = 1) -> plt.Figure:
    """Draw the cohort's mean natural, community and paid alters by wave.

    Takes a :func:`lacgraph.analysis.growth.waves` table, or a network (waves 0, 6, 12); waves
    with fewer than ``min_n`` people are left out (8 for a copy that leaves the team).

    Examples
    --------
    >>> t = pd.DataFrame({"wave": [0, 0, 6, 6], "natural": [1, 3, 2, 6],
    ...                   "community": [0, 0, 1, 1], "paid": [2, 2, 1, 3]})
    >>> [line.get_label() for line in plot_categories(t).axes[0].get_lines()]
    ['natural', 'community', 'paid']
    """
    means = category_means(_wave_table(G_or_table), min_n=min_n)
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for column, colour, marker in (("natural", GREW, "o"), ("community", LINE, "s"),
                                   ("paid", SHRANK, "^")):
        ax.plot(means["wave"], means[column], color=colour, marker=marker, lw=2, label=column)
    if len(means):
        ax.set_xticks(means["wave"].tolist())
    ax.legend(frameon=False)
    ax.set_xlabel("months since introduction")
    ax.set_ylabel("mean alters")
    ax.set_title("Natural, community and paid alters by wave")
    ax.set_ylim(bottom=0)
    fig.tight_layout()
    return _save(fig, path)
