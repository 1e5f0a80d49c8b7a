"""Managers' pages: neighbourhoods, isolated people and isolated clusters.

A manager's account lists its team's neighbourhoods. The overview shows every neighbourhood:
the team's own with exact counts (DESIGN.md: suppression is off in the team's own views),
the others suppressed. A neighbourhood's detail page, with names of isolated people, opens
only for the team's own (another neighbourhood answers 404), and names are left out
altogether when the app runs with ``manager_names="none"``. The download leaves the team,
so every count in it is suppressed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from flask import Blueprint, Response, abort, current_app, g, render_template, request

from lacgraph.privacy import suppress, suppress_counts
from lacgraph.tables import format_date
from lacgraph.web.app import audit, csv_download, optional_module, programme, requires

bp = Blueprint("manager", __name__)

COUNT_COLUMNS = ("people", "isolated", "at_risk", "isolated_clusters")


def ward_counts(at: np.datetime64) -> pd.DataFrame:
    """People, isolated, at-risk people and isolated clusters per neighbourhood at ``at``."""
    P = programme()
    metrics = P.metrics(at)
    people = metrics.merge(P.people[["id", "neighbourhood"]].reset_index(drop=True), on="id")
    people = people[people["neighbourhood"] != ""]
    table = people.groupby("neighbourhood").agg(
        people=("id", "size"), isolated=("isolated", "sum"), at_risk=("at_risk", "sum"))
    table = table.reindex(P.neighbourhoods, fill_value=0)
    clusters = _clusters(at)
    if clusters is not None:
        per = clusters.groupby("neighbourhood").size() if "neighbourhood" in clusters else None
        table["isolated_clusters"] = (per.reindex(table.index, fill_value=0)
                                      if per is not None else 0)
    table = table.astype(np.int64).rename_axis("neighbourhood").reset_index()
    return table


def _clusters(at: np.datetime64) -> pd.DataFrame | None:
    module = optional_module("lacgraph.clusters")
    if module is None:
        return None
    return module.isolated_clusters(programme().G, at)


def _team() -> set[str]:
    return set(g.user.teams)


@bp.get("/neighbourhoods")
@requires("manager")
def neighbourhoods() -> str:
    """Every neighbourhood's counts: exact for the team's own, suppressed for the rest."""
    P = programme()
    at = P.day(request.args.get("at"))
    table = ward_counts(at)
    team = _team()
    rows = []
    for record in table.to_dict("records"):
        own = record["neighbourhood"] in team
        shown = {k: (int(v) if own else suppress(int(v))) if k in COUNT_COLUMNS else v
                 for k, v in record.items()}
        shown["own"] = own
        rows.append(shown)
    columns = [c for c in COUNT_COLUMNS if c in table.columns]
    audit("view.neighbourhoods", ",".join(sorted(team)), f"at={format_date(at)}")
    return render_template("neighbourhoods.html", rows=rows, columns=columns,
                           at=format_date(at), clusters=optional_module("lacgraph.clusters")
                           is not None)


@bp.get("/neighbourhoods/<path:ward>")
@requires("manager")
def neighbourhood(ward: str) -> str:
    """One of the team's neighbourhoods: isolated people and isolated clusters."""
    if ward not in _team() or ward not in programme().neighbourhoods:
        abort(404)
    P = programme()
    at = P.day(request.args.get("at"))
    names = current_app.config["MANAGER_NAMES"] == "team"
    metrics = P.metrics(at)
    local = P.people[P.people["neighbourhood"] == ward]
    isolated = metrics[metrics["isolated"] & metrics["id"].isin(local.index)]
    people = [{"id": pid, "label": P.label(pid), "supported": bool(local.at[pid, "supported"]),
               "paid": int(paid)}
              for pid, paid in zip(isolated["id"], isolated["paid"], strict=True)]
    people.sort(key=lambda r: (r["label"], r["id"]))
    clusters = _clusters(at)
    cluster_rows = None
    if clusters is not None:
        mine = clusters[clusters["neighbourhood"] == ward] if "neighbourhood" in clusters \
            else clusters.iloc[0:0]
        cluster_rows = []
        for record in mine.to_dict("records"):
            members = [m for m in str(record.get("members", "")).split(";") if m]
            cluster_rows.append({"size": int(record.get("size", len(members))),
                                 "members": [P.label(m) for m in members]})
    audit("view.neighbourhood", ward, f"at={format_date(at)} names={'yes' if names else 'no'}")
    return render_template("neighbourhood.html", ward=ward, at=format_date(at), names=names,
                           people=people, clusters=cluster_rows, count=len(people))


@bp.get("/neighbourhoods.csv")
@requires("manager")
def neighbourhoods_csv() -> Response:
    """Download every neighbourhood's counts, all suppressed (it leaves the team)."""
    P = programme()
    at = P.day(request.args.get("at"))
    table = ward_counts(at)
    out = suppress_counts(table, [c for c in COUNT_COLUMNS if c in table.columns])
    audit("download.neighbourhoods", "", f"at={format_date(at)}")
    return csv_download(out, f"neighbourhoods-{format_date(at)}.csv")
