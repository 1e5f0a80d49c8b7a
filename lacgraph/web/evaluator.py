"""Evaluators' pages: cohort growth, its plots and downloads — pseudonymised, never a name.

Everything here leaves the coordinating team (DESIGN.md, "Exports beyond the team"):
every count is suppressed (:func:`lacgraph.privacy.suppress`: 1-7 → ``*``, others to the
nearest 5); every share is the rounded numerator over the rounded denominator; means and
medians are given to one decimal place, the p-value as a band and the effect size to one
decimal, so no exact count can be recovered by arithmetic; a cohort or group of 1-7
people gets no statistics, no plots and no rows. Plots of larger cohorts draw rounded
counts only. Per-person rows carry a keyed pseudonym instead of the id and no label.
Growth itself is :func:`lacgraph.analysis.growth.growth`.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

import pandas as pd
from flask import Blueprint, Response, abort, current_app, render_template

from lacgraph.analysis.growth import growth
from lacgraph.privacy import suppress
from lacgraph.tables import format_date
from lacgraph.viz import growth as plots
from lacgraph.web.context import audit, csv_download, growth_window, programme, requires

bp = Blueprint("evaluator", __name__)

PLOTS = {"change": "plot_change", "retention": "plot_retention", "waves": "plot_waves"}

NAME_COLUMNS = ("label", "name", "coordinator_label")


def _growth(window: dict[str, Any]) -> Any:
    P = programme()
    key = ("growth", *sorted((k, str(v)) for k, v in window.items()))
    return P.results.get(key, lambda: growth(P.G, **window))


SHARES = {"share_grew": lambda c: c > 0, "share_same": lambda c: c == 0,
          "share_shrank": lambda c: c < 0}
"""Shares of a cohort, each published as rounded count / rounded ``n``."""


def p_band(p: float | None) -> str | None:
    """A p-value as a band (an exact p, with the effect size, would give ``n`` away).

    Examples
    --------
    >>> [p_band(v) for v in (0.0004, 0.004, 0.04, 0.2, None)]
    ['< 0.001', '< 0.01', '< 0.05', '>= 0.05', None]
    """
    if p is None:
        return None
    for limit in (0.001, 0.01, 0.05):
        if p < limit:
            return f"< {limit:g}"
    return ">= 0.05"


def _share(count: int, total: int | str) -> float | None:
    """Rounded ``count`` over rounded ``total`` (None when either is suppressed)."""
    shown = suppress(count)
    if shown == "*" or total in ("*", 0):
        return None
    return round(min(1.0, int(shown) / int(total)), 2)


def published(row: dict[str, Any]) -> dict[str, Any]:
    """One cohort's statistics (:func:`lacgraph.analysis.growth` ``summary`` keys) as they may leave
    the team: counts suppressed, shares from rounded counts, means to one decimal, p as a
    band; everything withheld for a group of 1-7.

    Examples
    --------
    >>> published({"n": 12, "not_yet_due": 3, "mean_change": 1.5833, "median_change": 1.0,
    ...            "share_grew": 7 / 12, "share_same": 5 / 12, "share_shrank": 0.0,
    ...            "wilcoxon_p": 0.012, "effect_r": 0.61, "retention": 9 / 11,
    ...            "retention_n": 11})  # doctest: +NORMALIZE_WHITESPACE
    {'n': 10, 'not_yet_due': '*', 'mean_change': 1.6, 'median_change': 1.0,
     'share_grew': None, 'share_same': None, 'share_shrank': 0.0, 'wilcoxon_p': '< 0.05',
     'effect_r': 0.6, 'retention': 1.0, 'retention_n': 10}
    """
    out = dict(row)
    n = int(row["n"])
    total = suppress(n)
    out["n"] = total
    out["not_yet_due"] = suppress(int(row["not_yet_due"]))
    retention_n = int(row.get("retention_n") or 0)
    out["retention_n"] = suppress(retention_n)
    if total in ("*", 0):
        for key in ("mean_change", "median_change", *SHARES, "wilcoxon_p", "effect_r"):
            if key in out:
                out[key] = None
    else:
        for key in SHARES:
            if row.get(key) is not None:
                out[key] = _share(round(row[key] * n), total)
        for key in ("mean_change", "median_change", "effect_r"):
            if row.get(key) is not None:
                out[key] = round(float(row[key]), 1)
        out["wilcoxon_p"] = p_band(row.get("wilcoxon_p"))
    if row.get("retention") is not None and retention_n:
        out["retention"] = _share(round(row["retention"] * retention_n), out["retention_n"])
    else:
        out["retention"] = None
    return out


def suppressed_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """A growth summary (unsuppressed) as it may leave the team: the cohort and every
    group row through :func:`published`.

    Examples
    --------
    >>> row = {"n": 3, "not_yet_due": 0, "mean_change": 2.0, "share_grew": 1.0,
    ...        "retention": None, "retention_n": 0}
    >>> out = suppressed_summary({"window": {"months": 6}, **row, "n": 40,
    ...                           "by": {"ward": [{"ward": "A", **row}]}})
    >>> out["n"], out["mean_change"], out["by"]["ward"][0]["n"], out["by"]["ward"][0]["mean_change"]
    (40, 2.0, '*', None)
    """
    out = {k: v for k, v in summary.items() if k in ("window", "as_of")}
    out.update(published({k: v for k, v in summary.items()
                          if k not in ("window", "as_of", "by")}))
    out["by"] = {group: [{group: r[group], **published({k: v for k, v in r.items()
                                                        if k != group})} for r in rows]
                 for group, rows in summary.get("by", {}).items()}
    return out


def _small(result: Any) -> bool:
    """Whether the cohort has 1-7 people (no plots or rows then)."""
    return suppress(len(result.people)) == "*"


WITHHELD_SVG = ("<svg xmlns='http://www.w3.org/2000/svg' width='480' height='60'>"
                "<text x='10' y='35' font-family='sans-serif' font-size='14'>Withheld: fewer "
                "than 8 people in this cohort (small-number rule).</text></svg>")


def _describe(window: dict[str, Any]) -> str:
    if "months" in window:
        return f"{window['months']} months after each person's introduction"
    return f"from {format_date(window['start'])} to {format_date(window['end'])}"


@bp.get("/growth")
@requires("evaluator")
def growth_page() -> Any:
    """Cohort growth summary, plots and download links."""
    window = growth_window()
    result = _growth(window)
    summary = suppressed_summary(result.summary())
    not_yet_due = suppress(int(result.not_yet_due))
    audit("view.growth", _describe(window))
    query = {k: (format_date(v) if k in ("start", "end") else v) for k, v in window.items()}
    query = {("from" if k == "start" else "to" if k == "end" else k): v for k, v in query.items()}
    return render_template("growth.html", summary=summary, not_yet_due=not_yet_due,
                           window=_describe(window), query=query, plots=list(PLOTS),
                           stable=current_app.config["PSEUDONYMS_STABLE"])


@bp.get("/growth/<name>.svg")
@requires("evaluator")
def growth_plot(name: str) -> Response:
    """One growth plot as SVG (no names are ever drawn on these)."""
    if name not in PLOTS:
        abort(404)
    window = growth_window()
    result = _growth(window)
    if name != "waves" and _small(result):
        audit("view.growth-plot", name, _describe(window) + " withheld")
        return Response(WITHHELD_SVG, mimetype="image/svg+xml")
    subject = programme().G if name == "waves" else result
    folder = tempfile.mkdtemp(prefix="lacgraph-plot-")
    path = os.path.join(folder, f"{name}.svg")
    import matplotlib
    import matplotlib.pyplot as plt

    # names are never drawn here; text stays text in the SVG (rounded counts checkable)
    with programme().draw_lock, matplotlib.rc_context({"text.parse_math": False,
                                                       "svg.fonttype": "none"}):
        getattr(plots, PLOTS[name])(subject, path, suppressed=True)
        plt.close("all")
    with open(path, "rb") as handle:
        data = handle.read()
    os.remove(path)
    os.rmdir(folder)
    audit("view.growth-plot", name, _describe(window))
    return Response(data, mimetype="image/svg+xml")


@bp.get("/growth/people.csv")
@requires("evaluator")
def growth_people() -> Response:
    """Per-person growth rows: pseudonymised ids, no names."""
    window = growth_window()
    result = _growth(window)
    if _small(result):
        audit("download.growth-people", _describe(window), "withheld")
        return csv_download(pd.DataFrame({"note": [
            "Withheld: fewer than 8 people in this cohort (small-number rule)."]}),
            "growth-people.csv")
    pseudonymiser = current_app.extensions["lacgraph.pseudonymiser"]
    frame = result.people
    drop = [c for c in frame.columns if c in NAME_COLUMNS or c.endswith("label")]
    out = pseudonymiser.frame(frame, columns=[c for c in ("id", "person") if c in frame.columns],
                              drop=drop)
    audit("download.growth-people", _describe(window), f"rows={len(out)}")
    return csv_download(out, "growth-people.csv")


@bp.get("/growth/summary.json")
@requires("evaluator")
def growth_summary() -> Response:
    """The cohort summary as JSON, counts suppressed."""
    window = growth_window()
    result = _growth(window)
    body = {"window": _describe(window),
            "summary": suppressed_summary(result.summary()),
            "not_yet_due": suppress(int(result.not_yet_due))}
    audit("download.growth-summary", _describe(window))
    return Response(json.dumps(body, default=str, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="growth.json"'})
