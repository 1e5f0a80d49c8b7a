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

from lacgraph import clusters
from lacgraph.privacy import suppress, suppress_counts
from lacgraph.tables import format_date
from lacgraph.web.context import audit, csv_download, programme, requires

bp = Blueprint("manager", __name__)

COUNT_COLUMNS = ("people", "supported", "isolated", "at_risk", "isolated_clusters",
                 "in_isolated_clusters", "groups")
"""The counts a manager sees per neighbourhood (those this build can compute)."""


def ward_counts(at: np.datetime64) -> pd.DataFrame:
    """Counts per neighbourhood at ``at`` (:func:`lacgraph.clusters.neighbourhoods`)."""
    table = clusters.neighbourhoods(programme().G, at)
    columns = [c for c in COUNT_COLUMNS if c in table.columns]
    table = table[["neighbourhood", *columns]].copy()
    table[columns] = table[columns].astype(np.int64)
    return table.reset_index(drop=True)


def _isolated_people(ward: str, at: np.datetime64) -> list[dict]:
    """The isolated people living in ``ward`` (label, supported, paid ties)."""
    table = clusters.isolated_people(programme().G, at)
    table = table[(table["neighbourhood"] == ward) & table["isolated"]]
    rows = [{"id": r["id"], "label": r["label"] or r["id"], "supported": bool(r["supported"]),
             "paid": int(r["paid"])} for r in table.to_dict("records")]
    return sorted(rows, key=lambda r: (r["label"], r["id"]))


def _ward_clusters(ward: str, at: np.datetime64) -> list[dict]:
    """The isolated clusters with a member in ``ward``: size, and the names of the members
    who live in the manager's team's neighbourhoods (others only counted)."""
    P = programme()
    team = _team()
    table = clusters.isolated_clusters(P.G, at)
    rows = []
    for record in table.to_dict("records"):
        if ward not in str(record["neighbourhoods"]).split(";"):
            continue
        members = [m for m in str(record["members"]).split(";") if m]
        named = [m for m in members if m in P.people.index
                 and P.people.at[m, "neighbourhood"] in team]
        rows.append({"size": int(record["size"]), "members": [P.label(m) for m in named],
                     "elsewhere": len(members) - len(named)})
    return rows


def _team() -> set[str]:
    return set(g.user.teams)


def month_end(at: np.datetime64) -> np.datetime64:
    """The latest reporting date (a month end) on or before ``at``.

    Figures for neighbourhoods outside a manager's team are given only at month ends
    (DESIGN.md, "Exports beyond the team"): stepping the date a day at a time would show
    where the rounding flips, and so the exact count.

    Examples
    --------
    >>> [format_date(month_end(np.datetime64(d))) for d in ("2024-03-15", "2024-03-31")]
    ['2024-02-29', '2024-03-31']
    """
    day = pd.Timestamp(at).normalize()
    end = day + pd.offsets.MonthEnd(0)
    if end > day:
        end = day - pd.offsets.MonthEnd(1)
    return end.to_datetime64().astype("datetime64[s]")


@bp.get("/neighbourhoods")
@requires("manager")
def neighbourhoods() -> str:
    """Every neighbourhood's counts: exact for the team's own, suppressed for the rest."""
    P = programme()
    at = P.day(request.args.get("at"))
    reported = month_end(at)
    table = ward_counts(at)
    others = table if reported == at else ward_counts(reported)
    team = _team()
    rows = []
    for record in table.to_dict("records"):
        own = record["neighbourhood"] in team
        if not own:
            match = others[others["neighbourhood"] == record["neighbourhood"]]
            record = match.iloc[0].to_dict() if len(match) else {
                k: (0 if k in COUNT_COLUMNS else v) for k, v in record.items()}
        shown = {k: (int(v) if own else suppress(int(v))) if k in COUNT_COLUMNS else v
                 for k, v in record.items()}
        shown["own"] = own
        rows.append(shown)
    columns = [c for c in COUNT_COLUMNS if c in table.columns]
    audit("view.neighbourhoods", ",".join(sorted(team)),
          f"at={format_date(at)} others_at={format_date(reported)}")
    return render_template("neighbourhoods.html", rows=rows, columns=columns,
                           at=format_date(at), others_at=format_date(reported),
                           snapped=reported != at)


@bp.get("/neighbourhoods/<path:ward>")
@requires("manager")
def neighbourhood(ward: str) -> str:
    """One of the team's neighbourhoods: isolated people and isolated clusters."""
    if ward not in _team() or ward not in programme().neighbourhoods:
        abort(404)
    P = programme()
    at = P.day(request.args.get("at"))
    names = current_app.config["MANAGER_NAMES"] == "team"
    people = _isolated_people(ward, at)
    cluster_rows = _ward_clusters(ward, at)
    audit("view.neighbourhood", ward, f"at={format_date(at)} names={'yes' if names else 'no'}")
    return render_template("neighbourhood.html", ward=ward, at=format_date(at), names=names,
                           people=people, clusters=cluster_rows, count=len(people))


@bp.get("/neighbourhoods.csv")
@requires("manager")
def neighbourhoods_csv() -> Response:
    """Download every neighbourhood's counts, all suppressed (it leaves the team), at the
    month end on or before the date asked for."""
    P = programme()
    at = month_end(P.day(request.args.get("at")))
    table = ward_counts(at)
    out = suppress_counts(table, [c for c in COUNT_COLUMNS if c in table.columns])
    audit("download.neighbourhoods", "", f"at={format_date(at)}")
    return csv_download(out, f"neighbourhoods-{format_date(at)}.csv")
