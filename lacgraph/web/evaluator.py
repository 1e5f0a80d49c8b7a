"""Evaluators' pages: cohort growth, its plots and downloads — pseudonymised, never a name.

Everything here leaves the coordinating team (DESIGN.md, "Exports beyond the team"), so
every figure goes through :func:`lacgraph.disclosure.disclose_summary`, the one rule the CLI's
suppressed output and the council report use too: counts suppressed (1-7 → ``*``, others to
the nearest 5), shares and means from the exact values shown as whole percents and to one
decimal, bands for shares with 1-7 on either side, p-values as bands, and no figure, plot,
curve or row for a group of fewer than 20 people. Windows are month ends
(:mod:`lacgraph.web.growth_form`, which also shows what to fix on the form). Per-person rows
carry a keyed pseudonym instead of the id, no label, and months instead of days; coordinators
appear only as pseudonyms. Growth itself is :func:`lacgraph.analysis.growth.growth`.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

import pandas as pd
from flask import Blueprint, Response, abort, current_app, render_template, request

from lacgraph.analysis.growth import growth
from lacgraph.disclosure import (
    MIN_GROUP,
    WITHHELD,
    disclose_summary,
    label,
    reading,
    shown,
    text,
)
from lacgraph.errors import QueryError
from lacgraph.i18n import N_, _
from lacgraph.viz import growth as plots
from lacgraph.web.context import audit, csv_download, programme, requires
from lacgraph.web.growth_form import WindowForm, read_window

bp = Blueprint("evaluator", __name__)

PLOTS = {"change": "plot_change", "retention": "plot_retention", "waves": "plot_waves"}
"""The growth plots (file name → :mod:`lacgraph.viz.growth` function)."""

PLOT_WORDS = {"change": N_("Connections before and after, and how many people changed by how "
                           "much"),
              "retention": N_("Share of new connections still going by days since they began"),
              "waves": N_("Average connections at introduction, 6 and 12 months")}

NAME_COLUMNS = ("label", "name", "coordinator_label")

GROUP_COLUMNS = ("n", "n_observed", "follow_up_rate", "mean_change", "median_change",
                 "share_grew", "share_shifted", "retention_km", "retention")
"""The figures of each neighbourhood's or coordinator's row, when the summary has them."""

GROUP_NAMES = {"neighbourhood": N_("Neighbourhood"), "coordinator": N_("Coordinator (pseudonym)")}

GROUP_HEADINGS = {"neighbourhood": N_("By neighbourhood"),
                  "coordinator": N_("By coordinator (pseudonym)")}
"""The heading over each group's table (whole phrases: Welsh mutates after "fesul")."""

WITHHELD_SVG = ("<svg xmlns='http://www.w3.org/2000/svg' width='480' height='60' role='img' "
                "aria-label='{label}'>"
                "<text x='10' y='35' font-family='sans-serif' font-size='14'>{text}</text></svg>")


def withheld_svg() -> str:
    """The picture shown instead of a plot of fewer than 20 people, in the current language."""
    from markupsafe import escape

    return WITHHELD_SVG.format(
        label=escape(_("Withheld: fewer than %(min)s people", min=MIN_GROUP)),
        text=escape(_("Withheld: fewer than %(min)s people in this cohort (small-number rule).",
                      min=MIN_GROUP)))


def _form() -> WindowForm:
    P = programme()
    return read_window(request.args, P.last_date)


def _window_or_400() -> WindowForm:
    """The window of a download or plot; a mistake is a 400 in staff words."""
    form = _form()
    if form.problems:
        raise QueryError(form.problems[0].message + ".")
    return form


def _growth(window: dict[str, Any]) -> Any:
    P = programme()
    key = ("growth", *sorted((k, str(v)) for k, v in window.items()))
    return P.results.get(key, lambda: growth(P.G, **window))


def published(result: Any) -> dict[str, Any]:
    """The growth summary as it may leave the team: every figure through the disclosure
    rule, coordinators as keyed pseudonyms (never an id or a name)."""
    summary = disclose_summary(result.summary())
    pseudonymiser = current_app.extensions["lacgraph.pseudonymiser"]
    for row in summary.get("by", {}).get("coordinator", []):
        row["coordinator"] = pseudonymiser(row["coordinator"]) if row["coordinator"] else ""
    return summary


def _study_size(result: Any) -> int:
    """The exact number of people the change figures describe (followed up, or all due)."""
    return int(len(result.people))


def _small(result: Any) -> bool:
    """Whether the cohort is under 20 people (no plots, curves or rows then)."""
    return _study_size(result) < MIN_GROUP


def _group_tables(summary: dict[str, Any]) -> list[dict[str, Any]]:
    tables = []
    for group, rows in summary.get("by", {}).items():
        columns = [c for c in GROUP_COLUMNS if any(r.get(c) is not None for r in rows)]
        tables.append({
            "group": group,
            "heading": (_(GROUP_NAMES[group]) if group in GROUP_NAMES
                        else group.replace("_", " ").capitalize()),
            "title": (_(GROUP_HEADINGS[group]) if group in GROUP_HEADINGS
                      else _("By %(group)s", group=group.replace("_", " "))),
            "columns": [(c, label(c)) for c in columns],
            "rows": [{"name": r[group] or _("(none)"),
                      "cells": [text(r.get(c)) for c in columns]} for r in rows],
        })
    return tables


def _readings(summary: dict[str, Any]) -> list[tuple[str, str, str]]:
    out = []
    for key in ("wilcoxon_p", "effect_r", "icc", "wilcoxon_p_paid", "effect_r_paid",
                "icc_paid"):
        words = reading(key, summary.get(key))
        if words:
            out.append((label(key), text(summary[key]), words))
    return out


@bp.get("/growth")
@requires("evaluator")
def growth_page() -> Any:
    """Cohort growth in staff words: the window form, key figures, plain readings, groups."""
    form = _form()
    stable = current_app.config["PSEUDONYMS_STABLE"]
    if form.problems:
        audit("view.growth", "form problem")
        return render_template("growth.html", form=form, stable=stable), 400
    result = _growth(form.window)
    summary = published(result)
    figures = [(k, label, value) for k, label, value in shown(summary)]
    audit("view.growth", form.describe())
    return render_template(
        "growth.html", form=form, stable=stable, summary=summary, figures=figures,
        readings=_readings(summary), groups=_group_tables(summary),
        small=_small(result), plots=[(p, _(PLOT_WORDS[p])) for p in PLOTS],
        withheld=WITHHELD, min_group=MIN_GROUP, query=form.query())


@bp.get("/growth/<name>.svg")
@requires("evaluator")
def growth_plot(name: str) -> Response:
    """One growth plot as SVG (no names are ever drawn on these)."""
    if name not in PLOTS:
        abort(404)
    form = _window_or_400()
    result = _growth(form.window)
    if name != "waves" and _small(result):
        audit("view.growth-plot", name, form.describe() + " withheld")
        return Response(withheld_svg(), mimetype="image/svg+xml")
    subject = programme().G if name == "waves" else result
    folder = tempfile.mkdtemp(prefix="lacgraph-plot-")
    path = os.path.join(folder, f"{name}.svg")
    import matplotlib
    import matplotlib.pyplot as plt

    # names are never drawn here; text stays text in the SVG (rounded counts checkable)
    with programme().draw_lock, matplotlib.rc_context({"text.parse_math": False,
                                                       "svg.fonttype": "none"}):
        plots.settle_imports()
        getattr(plots, PLOTS[name])(subject, path, suppressed=True)
        plt.close("all")
    with open(path, "rb") as handle:
        data = handle.read()
    os.remove(path)
    os.rmdir(folder)
    audit("view.growth-plot", name, form.describe())
    return Response(data, mimetype="image/svg+xml")


def _months_only(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates in per-person rows as months (``2024-03``): no row can be stepped by the day."""
    out = frame.copy()
    for column in ("baseline", "followup"):
        if column in out.columns:
            out[column] = [str(v)[:7] for v in out[column]]
    return out


@bp.get("/growth/people.csv")
@requires("evaluator")
def growth_people() -> Response:
    """Per-person growth rows: pseudonymised ids, no names, months not days."""
    form = _window_or_400()
    result = _growth(form.window)
    if _small(result):
        audit("download.growth-people", form.describe(), "withheld")
        return csv_download(pd.DataFrame({"note": [  # the column name is for programs
            _("Withheld: fewer than %(min)s people in this cohort (small-number rule).",
              min=MIN_GROUP)]}), "growth-people.csv")
    pseudonymiser = current_app.extensions["lacgraph.pseudonymiser"]
    frame = _months_only(result.people)
    drop = [c for c in frame.columns if c in NAME_COLUMNS or c.endswith("label")]
    out = pseudonymiser.frame(frame, columns=[c for c in ("id", "person") if c in frame.columns],
                              drop=drop)
    audit("download.growth-people", form.describe(), f"rows={len(out)}")
    return csv_download(out, "growth-people.csv")


@bp.get("/growth/summary.json")
@requires("evaluator")
def growth_summary() -> Response:
    """The cohort summary as JSON, through the disclosure rule."""
    form = _window_or_400()
    result = _growth(form.window)
    body = {"window": form.describe(), "summary": published(result)}
    audit("download.growth-summary", form.describe())
    return Response(json.dumps(body, default=str, indent=2, ensure_ascii=False),
                    mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="growth.json"'})
