"""Evaluators' pages: cohort growth, its plots and downloads — pseudonymised, never a name.

Counts shown or downloaded here leave the coordinating team, so every count is suppressed
(:func:`lacgraph.privacy.suppress`: 1-7 → ``*``, others to the nearest 5); per-person rows
carry a keyed pseudonym instead of the id and no label. Growth itself is
:func:`lacgraph.growth.growth`.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request

from lacgraph.errors import QueryError
from lacgraph.growth import growth
from lacgraph.privacy import suppress
from lacgraph.tables import format_date
from lacgraph.viz import growth as plots
from lacgraph.web.context import audit, csv_download, programme, requires

bp = Blueprint("evaluator", __name__)

PLOTS = {"change": "plot_change", "retention": "plot_retention", "waves": "plot_waves"}

NAME_COLUMNS = ("label", "name", "coordinator_label")


def _window() -> dict[str, Any]:
    """The growth window from the query string: ``from``+``to``, or ``months`` (default 6)."""
    P = programme()
    start, end = request.args.get("from", ""), request.args.get("to", "")
    months = request.args.get("months", "")
    if start or end:
        if not (start and end):
            raise QueryError("Give both 'from' and 'to' dates, or 'months'.")
        return {"start": P.day(start), "end": P.day(end)}
    try:
        n = int(months or 6)
    except ValueError as err:
        raise QueryError(f"months={months!r}: expected a whole number of months") from err
    if not 1 <= n <= 120:
        raise QueryError(f"months={n}: expected 1 to 120")
    return {"months": n}


def _growth(window: dict[str, Any]) -> Any:
    P = programme()
    key = ("growth", *sorted((k, str(v)) for k, v in window.items()))
    return P.results.get(key, lambda: growth(P.G, **window))


def suppressed_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """Suppress every count (an int that is not a bool) in a growth summary, recursively;
    where the cohort's own ``n`` is suppressed, its statistics are withheld too (the mean
    change of three people is theirs).

    Examples
    --------
    >>> suppressed_summary({"window": {"months": 6}, "n": 40, "mean_change": 1.5,
    ...     "by": {"ward": [{"ward": "A", "n": 3, "mean_change": 2.0}]}})
    {'window': {'months': 6}, 'n': 40, 'mean_change': 1.5, 'by': {'ward': [{'ward': 'A', 'n': '*', 'mean_change': None}]}}
    """
    out: dict[str, Any] = {}
    for key, value in summary.items():
        if key in ("window", "as_of"):  # the question asked, not a count of people
            out[key] = value
        elif isinstance(value, dict):
            out[key] = suppressed_summary(value)
        elif isinstance(value, list):
            out[key] = [suppressed_summary(v) if isinstance(v, dict) else v for v in value]
        elif isinstance(value, bool) or not isinstance(value, int):
            out[key] = value
        else:
            out[key] = suppress(value) if value >= 0 else value
    if out.get("n") == "*":
        for key, value in out.items():
            if isinstance(value, float):
                out[key] = None
    return out


def _describe(window: dict[str, Any]) -> str:
    if "months" in window:
        return f"{window['months']} months after each person's introduction"
    return f"from {format_date(window['start'])} to {format_date(window['end'])}"


@bp.get("/growth")
@requires("evaluator")
def growth_page() -> Any:
    """Cohort growth summary, plots and download links."""
    window = _window()
    result = _growth(window)
    summary = suppressed_summary(result.summary(suppress_small=True))
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
    window = _window()
    result = _growth(window)
    subject = programme().G if name == "waves" else result
    folder = tempfile.mkdtemp(prefix="lacgraph-plot-")
    path = os.path.join(folder, f"{name}.svg")
    import matplotlib
    import matplotlib.pyplot as plt

    with programme().draw_lock, matplotlib.rc_context({"text.parse_math": False}):
        getattr(plots, PLOTS[name])(subject, path)
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
    window = _window()
    result = _growth(window)
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
    window = _window()
    result = _growth(window)
    body = {"window": _describe(window),
            "summary": suppressed_summary(result.summary(suppress_small=True)),
            "not_yet_due": suppress(int(result.not_yet_due))}
    audit("download.growth-summary", _describe(window))
    return Response(json.dumps(body, default=str, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="growth.json"'})
