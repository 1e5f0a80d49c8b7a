"""Managers' pages: neighbourhoods, isolated people and isolated clusters.

A manager's account lists its team's neighbourhoods. The overview shows every neighbourhood:
the team's own with exact counts (DESIGN.md: suppression is off in the team's own views),
the others suppressed. A neighbourhood's detail page, with names of isolated people, opens
only for the team's own (another neighbourhood answers 404), and names are left out
altogether when the app runs with ``manager_names="none"``. The download leaves the team,
so every count in it is suppressed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from flask import Blueprint, Response, abort, current_app, g, render_template, request

from lacgraph.analysis import clusters
from lacgraph.analysis.clusters import NO_NEIGHBOURHOOD
from lacgraph.analysis.communities import community_assets
from lacgraph.errors import QueryError
from lacgraph.i18n import N_, _, language, ngettext
from lacgraph.privacy import suppress, suppress_counts
from lacgraph.tables import format_date
from lacgraph.web.act import ranked_wards
from lacgraph.web.context import audit, csv_download, programme, requires
from lacgraph.web.dates import PARTS, query_date, read_date_input, uk_date
from lacgraph.web.growth_form import read_window

bp = Blueprint("manager", __name__)

COUNT_COLUMNS = ("people", "supported", "isolated", "at_risk", "isolated_clusters",
                 "in_isolated_clusters", "groups")
"""The counts a manager sees per neighbourhood (those this build can compute)."""

COLUMN_WORDS = {"people": N_("People"), "supported": N_("Supported by a coordinator"),
                "isolated": N_("Isolated people"), "at_risk": N_("At risk of isolation"),
                "isolated_clusters": N_("Isolated clusters"),
                "in_isolated_clusters": N_("People in isolated clusters"),
                "groups": N_("Community groups")}
"""The counts' headings on the page, in staff words (translated where shown; the CSV keeps
the column names)."""


def place(ward: str) -> str:
    """A neighbourhood as the page shows it: the people without one as "(none)" in the
    page's language (the tables keep :data:`NO_NEIGHBOURHOOD` as their key)."""
    return _("(none)") if ward == NO_NEIGHBOURHOOD else ward


def ward_counts(at: np.datetime64) -> pd.DataFrame:
    """Counts per neighbourhood at ``at`` (:func:`lacgraph.analysis.clusters.neighbourhoods`)."""
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
    at = P.day(query_date(request.args, "at"))
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
                           column_words=COLUMN_WORDS, at=format_date(at), place=place,
                           others_at=format_date(reported), snapped=reported != at)


@bp.get("/neighbourhoods/<path:ward>")
@requires("manager")
def neighbourhood(ward: str) -> str:
    """One of the team's neighbourhoods: isolated people and isolated clusters."""
    if ward not in _team() or ward not in programme().neighbourhoods:
        abort(404)
    P = programme()
    at = P.day(query_date(request.args, "at"))
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
    at = month_end(P.day(query_date(request.args, "at")))
    table = ward_counts(at)
    out = suppress_counts(table, [c for c in COUNT_COLUMNS if c in table.columns])
    audit("download.neighbourhoods", "", f"at={format_date(at)}")
    return csv_download(out, f"neighbourhoods-{format_date(at)}.csv")


# -- where to act: the neighbourhoods month by month, gaps, groups, clusters, people ----------
TIMELINE_COUNTS = ("isolated", "at_risk", "isolated_clusters")
"""The counts followed month by month on the "where to act" page."""

MAX_MONTHS = 36
GROUPS_SHOWN = 10


def _month_ends(since: np.datetime64, at: np.datetime64) -> list[np.datetime64]:
    from lacgraph.report.content import month_ends

    dates = month_ends(since, at)
    return dates[-MAX_MONTHS:]


def _since(value: str | None, at: np.datetime64) -> np.datetime64:
    """The chosen month (``YYYY-MM``, or a date) as its first day; default a year before."""
    from lacgraph.errors import QueryError

    if not value:
        return (at.astype("datetime64[M]") - 11).astype("datetime64[D]")
    try:
        month = np.datetime64(value.strip()[:7], "M")
    except ValueError as err:
        raise QueryError(_("%(value)s is not a month: expected YYYY-MM, such as 2024-01",
                           value=repr(value))) from err
    if month > at.astype("datetime64[M]"):
        raise QueryError(_("The start date must be before the end date (%(date)s)",
                           date=uk_date(at)))
    return month.astype("datetime64[D]")


def _ward_timeline(dates: list[np.datetime64]) -> dict[np.datetime64, pd.DataFrame]:
    """:func:`lacgraph.analysis.clusters.neighbourhoods` at each month end (cached per date)."""
    P = programme()
    out = {}
    for d in dates:
        def table(d: np.datetime64 = d) -> pd.DataFrame:
            return clusters.neighbourhoods(P.G, d).set_index("neighbourhood")

        out[d] = P.by_date.get(("neighbourhoods", str(d)), table)
    return out


def _shown(value: int, own: bool) -> int | str:
    return int(value) if own else suppress(int(value))


def _change(first: int | str, last: int | str) -> int | str:
    return "*" if "*" in (first, last) else int(last) - int(first)


SPARK_LABEL = N_("%(ward)s, %(what)s at each month end from %(first)s to %(last)s: "
                 "%(values)s (* a small number, withheld)")
"""The text alternative of a sparkline: every value it draws."""


def _timeline_rows(dates: list[np.datetime64], team: set[str], gaps: set[str]) -> list[dict]:
    from lacgraph.viz.small import sparkline

    tables = _ward_timeline(dates)
    wards = sorted(set().union(*(t.index for t in tables.values())))
    shown = {(ward, column): [_shown(tables[d][column].get(ward, 0), ward in team)
                              for d in dates]
             for ward in wards for column in TIMELINE_COUNTS}
    # one scale for every sparkline of the table, so that their heights compare
    top = max([int(v) for values in shown.values() for v in values if v != "*"] + [1])
    first, last = uk_date(dates[0]), uk_date(dates[-1])
    rows = []
    for ward in wards:
        own = ward in team
        row: dict = {"name": ward, "own": own, "gap": ward in gaps, "series": {}}
        for column in TIMELINE_COUNTS:
            values = shown[ward, column]
            words = ", ".join(str(v) for v in values)
            row["series"][column] = {
                "values": values, "first": values[0], "last": values[-1],
                "change": _change(values[0], values[-1]),
                "spark": sparkline(values, top=top, label=_(
                    SPARK_LABEL, ward=ward, what=_(COLUMN_WORDS[column]), first=first,
                    last=last, values=words)),
            }
        rows.append(row)
    rows.sort(key=lambda r: (not r["own"], not r["gap"], r["name"]))
    return rows


def _groups_rows(at: np.datetime64, team: set[str]) -> list[dict]:
    table = community_assets(programme().G, at)
    table = table[table["otherwise_at_risk"] > 0].head(GROUPS_SHOWN)
    rows = []
    for r in table.to_dict("records"):
        own = r["neighbourhood"] in team
        rows.append({"label": r["label"] or r["id"], "neighbourhood": r["neighbourhood"],
                     "own": own, **{c: _shown(r[c], own) for c in
                                    ("members", "otherwise_at_risk", "only_connection")}})
    return rows


def _cluster_pictures(at: np.datetime64, team: set[str], names: bool) -> list[dict]:
    """The isolated clusters with a member in the team's neighbourhoods, as thumbnails.

    Members living outside the team's neighbourhoods are drawn but never named."""
    from lacgraph.model import KIND_CATEGORY
    from lacgraph.viz.small import cluster_svg

    P = programme()
    table = clusters.select_neighbourhoods(P.G, clusters.isolated_clusters(P.G, at),
                                           sorted(team & set(P.neighbourhoods)))
    if table.empty:
        return []
    ties = P.G.store.snapshot(at).ties
    natural = ties[ties["kind"].map(KIND_CATEGORY).to_numpy(dtype=object) == "natural"]
    pairs = list(zip(natural["source"], natural["target"], strict=True))
    out = []
    for record in table.to_dict("records"):
        members = str(record["members"]).split(";")
        inside = set(members)
        local = [m for m in members if m in P.people.index
                 and P.people.at[m, "neighbourhood"] in team]
        supported = [m for m in members if m in P.people.index
                     and bool(P.people.at[m, "supported"])]
        shown = {m: P.label(m) for m in local} if names else {}
        named = [shown[m] for m in members if m in shown]
        elsewhere = len(members) - len(local)
        out.append({"number": int(record["cluster"]), "size": int(record["size"]),
                    "neighbourhoods": record["neighbourhoods"],
                    "names": named, "elsewhere": elsewhere,
                    "caption": _cluster_caption(int(record["cluster"]), int(record["size"]),
                                                named, elsewhere),
                    "svg": cluster_svg(members, [(a, b) for a, b in pairs
                                                 if a in inside and b in inside],
                                       names=shown, supported=supported)})
    return out


def _cluster_caption(number: int, size: int, names: list[str], elsewhere: int) -> str:
    """The words under a cluster's thumbnail: its number, size, the names that may be
    shown and how many members live outside the team's neighbourhoods (one sentence)."""
    values = {"number": number, "names": ", ".join(names), "elsewhere": elsewhere}
    if names and elsewhere:
        return ngettext("#%(number)s · %(num)d people: %(names)s (%(elsewhere)s living "
                        "elsewhere)", "#%(number)s · %(num)d people: %(names)s "
                        "(%(elsewhere)s living elsewhere)", size, **values)
    if names:
        return ngettext("#%(number)s · %(num)d people: %(names)s",
                        "#%(number)s · %(num)d people: %(names)s", size, **values)
    if elsewhere:
        return ngettext("#%(number)s · %(num)d people (%(elsewhere)s living elsewhere)",
                        "#%(number)s · %(num)d people (%(elsewhere)s living elsewhere)",
                        size, **values)
    return ngettext("#%(number)s · %(num)d people", "#%(number)s · %(num)d people", size,
                    **values)


def _team_isolated(at: np.datetime64, team: set[str]) -> list[dict]:
    """The isolated people living in the team's neighbourhoods, with their coordinator."""
    P = programme()
    table = clusters.isolated_people(P.G, at)
    table = table[table["isolated"] & table["neighbourhood"].isin(team)]
    rows = [{"id": r["id"], "label": r["label"] or r["id"], "neighbourhood": r["neighbourhood"],
             "coordinator": P.label(r["coordinator"]) if r["coordinator"] else "",
             "supported": bool(r["supported"]), "paid": int(r["paid"])}
            for r in table.to_dict("records")]
    return sorted(rows, key=lambda r: (r["neighbourhood"], r["coordinator"], r["label"]))


@bp.get("/where-to-act")
@requires("manager")
def where_to_act() -> tuple[str, int]:
    """Where to act: isolation month by month, gaps, groups, clusters and isolated people.

    The team's own neighbourhoods show exact counts (the team's own view); the others are
    suppressed. Every figure is at a month end (reporting dates). The start and end dates
    are GOV.UK date inputs; a mistake in them shows on the form, keeping what was typed,
    with the data's default dates below it."""
    P = programme()
    at, since, problems = _chosen_dates(P)
    dates = _month_ends(since, at)
    if not dates:
        problems.append({"field": "since-day", "message": _(
            _NO_MONTH_END, start=uk_date(since), end=uk_date(at))})
        at = P.last_date
        since = _since(None, at)
        dates = _month_ends(since, at)
    last = dates[-1]
    team = _team()
    names = current_app.config["MANAGER_NAMES"] == "team"
    gaps = set(clusters.community_gaps(P.G, last)["neighbourhood"])
    rows = _timeline_rows(dates, team, gaps)
    typed = {name: {part: request.args.get(f"{name}-{part}", "") for part in PARTS}
             for name in ("since", "at")}
    context = {
        "dates": dates, "last": last, "at": format_date(at),
        "since": format_date(since),
        "since_value": typed["since"] if problems and any(typed["since"].values()) else since,
        "at_value": typed["at"] if problems and any(typed["at"].values()) else at,
        "problems": problems,
        "errors": {p["field"].split("-")[0]: p["message"] for p in problems},
        "rows": rows,
        "ranked": P.by_date.get(("ranked wards", language(), tuple(sorted(team)),
                                 str(dates[0]), str(last)),  # sentences: one per language
                                lambda: ranked_wards(P.G, rows, dates[0], last)),
        "groups": _groups_rows(last, team),
        "clusters": _cluster_pictures(last, team, names),
        "people": _team_isolated(last, team) if names else [],
        "names": names, "place": place,
    }
    audit("view.where-to-act", ",".join(sorted(team)),
          f"from={format_date(dates[0])} to={format_date(last)} names={'yes' if names else 'no'}")
    return render_template("where_to_act.html", **context), 400 if problems else 200


_NO_MONTH_END = N_("There is no month end between %(start)s and %(end)s: choose an earlier "
                  "start date")


def _chosen_dates(P: Any) -> tuple[np.datetime64, np.datetime64, list[dict[str, str]]]:
    """The end and start dates typed on /where-to-act (three boxes each, or ``at`` and
    ``since`` as ``YYYY-MM-DD`` / ``YYYY-MM`` in a link), with a problem per mistake."""
    from lacgraph.errors import QueryError

    problems: list[dict[str, str]] = []
    at = P.last_date
    value, message = read_date_input(request.args, "at", label=_("End date"))
    if message is None and value is not None:
        try:
            at = P.day(value.isoformat())
        except QueryError as err:
            message = str(err)
    if message:
        problems.append({"field": "at-day", "message": message})
    args = dict(request.args)
    month = str(args.get("since", "")).strip()
    if len(month) == 7 and month[4] == "-":  # a month in a link: its first day
        args["since"] = f"{month}-01"
    start, message = read_date_input(args, "since", label=_("Start date"))
    since = _since(None, at)
    if message is None and start is not None:
        try:
            since = _since(start.isoformat(), at)
        except QueryError as err:
            message = str(err)
    if message:
        problems.append({"field": "since-day", "message": message})
    return at, since, problems


def _download_dates() -> list[np.datetime64]:
    P = programme()
    at = P.day(request.args.get("at"))
    dates = _month_ends(_since(request.args.get("since"), at), at)
    if not dates:
        abort(404)
    return dates


@bp.get("/where-to-act/neighbourhoods.csv")
@requires("manager")
def where_to_act_timeline_csv() -> Response:
    """Isolated, at-risk people and isolated clusters per neighbourhood at each month end,
    every count suppressed (a download leaves the team)."""
    from lacgraph.readwrite.clusters_export import for_export

    dates = _download_dates()
    frames = []
    for d, table in _ward_timeline(dates).items():
        out = for_export(table.reset_index(), "neighbourhoods")
        frames.append(out[["neighbourhood", *TIMELINE_COUNTS]].assign(month_end=format_date(d)))
    frame = pd.concat(frames, ignore_index=True)[["month_end", "neighbourhood",
                                                  *TIMELINE_COUNTS]]
    audit("download.where-to-act-neighbourhoods", "",
          f"from={format_date(dates[0])} to={format_date(dates[-1])}")
    return csv_download(frame, f"neighbourhoods-by-month-{format_date(dates[-1])}.csv")


@bp.get("/where-to-act/groups.csv")
@requires("manager")
def where_to_act_groups_csv() -> Response:
    """The groups that connect the most at-risk people, counts suppressed."""
    from lacgraph.readwrite.clusters_export import for_export

    last = _download_dates()[-1]
    table = community_assets(programme().G, last)
    table = table[table["otherwise_at_risk"] > 0].head(GROUPS_SHOWN)
    out = for_export(table, "assets")[["id", "label", "neighbourhood", "members",
                                        "otherwise_at_risk", "only_connection"]]
    audit("download.where-to-act-groups", "", f"at={format_date(last)}")
    return csv_download(out, f"groups-{format_date(last)}.csv")


@bp.get("/where-to-act/gaps.csv")
@requires("manager")
def where_to_act_gaps_csv() -> Response:
    """Neighbourhoods with isolated people and no active group, counts suppressed."""
    from lacgraph.readwrite.clusters_export import for_export

    last = _download_dates()[-1]
    out = for_export(clusters.community_gaps(programme().G, last), "gaps")
    audit("download.where-to-act-gaps", "", f"at={format_date(last)}")
    return csv_download(out, f"gaps-{format_date(last)}.csv")


# -- the council report, for managers and evaluators (suppressed: it leaves the team) -------
@bp.get("/report.html")
@requires("manager", "evaluator")
def report_download() -> Response:
    """The council report (``lacgraph report``) for the growth window in the query string
    (``months``, default 6, or ``from`` + ``to``), small numbers suppressed."""
    from lacgraph.report.content import report_content
    from lacgraph.report.render import render_html

    P = programme()
    form = read_window(request.args, P.last_date)  # month ends, as /growth
    if form.problems:
        raise QueryError(form.problems[0].message + ".")
    window: dict[str, Any] = dict(form.window)
    key = ("report", language(), *sorted(window.items()))  # one copy per language

    def build() -> str:
        content = report_content(P.G, suppress_small=True, lang=language(), **window)
        with P.draw_lock:  # matplotlib draws the charts (not thread-safe)
            return render_html(content)

    html = P.results.get(key, build)
    audit("download.report", g.user.role, " ".join(f"{k}={v}" for k, v in window.items()))
    name = f"lacgraph-report-{format_date(P.last_date)}.html"
    return Response(html, mimetype="text/html", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})
