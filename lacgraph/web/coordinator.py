"""Coordinators' pages: their caseload, and one person's circle of support.

A coordinator sees only the people whose ``coordinator`` attribute is their own coordinator
id; any other id (another coordinator's person, a group, a made-up id) answers 404, the same
answer, so the app does not even confirm that someone exists.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from flask import Blueprint, Response, abort, g, jsonify, render_template, request

from lacgraph import circle as circle_verbs
from lacgraph.tables import format_date
from lacgraph.viz import html as circle_page
from lacgraph.viz.circle import draw_circle
from lacgraph.web.context import audit, csv_download, programme, requires

bp = Blueprint("coordinator", __name__)


def _own_person(person: str) -> pd.Series:
    """The person row if ``person`` is on the current coordinator's caseload, else 404."""
    caseload = programme().caseloads.get(g.user.coordinator)
    if caseload is None or person not in caseload.index:
        audit("denied.person", person, request.path)
        abort(404)
    return programme().people.loc[person]


def table(frame: pd.DataFrame) -> dict[str, list]:
    """A frame as plain columns and rows for a template (missing values as "").

    Examples
    --------
    >>> table(pd.DataFrame({"date": ["2024-01-01"], "size": [3], "end": [None]}))
    {'columns': ['date', 'size', 'end'], 'rows': [['2024-01-01', 3, '']]}
    """
    values = frame.astype(object).where(frame.notna(), "")
    return {"columns": [str(c) for c in frame.columns],
            "rows": values.to_numpy().tolist()}


def _dates() -> tuple[Any, Any]:
    P = programme()
    at = P.day(request.args.get("at"))
    since_text = request.args.get("since")
    since = P.day(since_text) if since_text else None
    return at, since


@bp.get("/caseload")
@requires("coordinator")
def caseload() -> str:
    """The coordinator's caseload, searchable by name or id."""
    P = programme()
    frame = P.caseloads.get(g.user.coordinator)
    query = request.args.get("q", "").strip()
    rows: list[dict] = []
    if frame is not None:
        people = frame
        if query:
            needle = query.casefold()
            hit = (people["label"].str.casefold().str.contains(needle, regex=False)
                   | people["id"].str.casefold().str.contains(needle, regex=False))
            people = people[hit]
        measures = P.metrics(P.last_date).set_index("id")
        for _, person in people.sort_values(["label", "id"]).iterrows():
            m = measures.loc[person["id"]] if person["id"] in measures.index else None
            rows.append({
                "id": person["id"], "label": person["label"] or person["id"],
                "neighbourhood": person["neighbourhood"],
                "introduced_on": format_date(person["introduced_on"]),
                "natural": int(m["natural"]) if m is not None else 0,
                "community": int(m["community"]) if m is not None else 0,
                "at_risk": bool(m["at_risk"]) if m is not None else False,
            })
    audit("view.caseload", g.user.coordinator, f"q={query}" if query else "")
    return render_template("caseload.html", rows=rows, query=query,
                           at=format_date(P.last_date))


@bp.get("/people/<person>")
@requires("coordinator")
def person_page(person: str) -> str:
    """One person's circle of support at a date, what changed since a date, and timeline."""
    row = _own_person(person)
    P = programme()
    at, since = _dates()
    circle = P.G.circle(person, at=at)
    own = P.person_network(person)
    changes = table(circle_verbs.changes(own, person, since, at)) if since is not None else None
    timeline = table(circle_verbs.timeline(own, person))
    audit("view.person", person, f"at={format_date(at)}"
          + (f" since={format_date(since)}" if since is not None else ""))
    query = {"at": format_date(at)}
    if since is not None:
        query["since"] = format_date(since)
    return render_template(
        "person.html", person=row, label=row["label"] or person, at=format_date(at),
        since=format_date(since) if since is not None else "", circle=circle,
        changes=changes, timeline=timeline, query=query, label_of=P.label,
    )


@bp.get("/people/<person>/circle.svg")
@requires("coordinator")
def circle_svg(person: str) -> Response:
    """The circle-of-support picture (SVG: matplotlib writes names as escaped text)."""
    _own_person(person)
    P = programme()
    at, since = _dates()
    import matplotlib
    import matplotlib.pyplot as plt

    # Names are data: "$5 or $10" must not be read as mathtext (it can even fail to parse).
    with P.draw_lock, matplotlib.rc_context({"text.parse_math": False}):
        fig = draw_circle(P.G, person, at=at, since=since)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", bbox_inches="tight")
        plt.close(fig)
    audit("view.circle-picture", person, f"at={format_date(at)}")
    return Response(buffer.getvalue(), mimetype="image/svg+xml")


@bp.get("/people/<person>/circle.html")
@requires("coordinator")
def circle_html(person: str) -> Any:
    """The interactive pyvis circle, served under its own sandboxing CSP (see security)."""
    _own_person(person)
    P = programme()
    at, since = _dates()
    with P.draw_lock:
        document = circle_page.circle_html(P.G, person, at, since=since)
    audit("view.circle-interactive", person, f"at={format_date(at)}")
    response = Response(document, mimetype="text/html")
    response.headers["X-Lacgraph-Embed"] = "1"
    return response


@bp.get("/people/<person>/circle.csv")
@requires("coordinator")
def circle_csv(person: str) -> Response:
    """Download the circle as CSV (formula-safe, ids as text)."""
    _own_person(person)
    P = programme()
    at, _ = _dates()
    frame = P.G.circle(person, at=at)
    audit("download.circle", person, f"at={format_date(at)}")
    return csv_download(frame, f"circle-{format_date(at)}.csv")


@bp.get("/api/people/<person>/circle")
@requires("coordinator")
def circle_api(person: str) -> Response:
    """The circle as JSON: ``{"person": id, "at": date, "alters": [...]}``."""
    _own_person(person)
    P = programme()
    at, _ = _dates()
    frame = P.G.circle(person, at=at)
    audit("view.person-api", person, f"at={format_date(at)}")
    return jsonify({"person": person, "at": format_date(at),
                    "alters": frame.astype(object).where(frame.notna(), None)
                    .to_dict("records")})


# -- "Ideas to talk about" and the household (templates/_ideas.html, _family.html) -------
# The person page includes both templates; they ask for their data through these two
# helpers, so the page view needs no change. The page checks the caseload and writes the
# audit row before it renders them.


def ideas_for(person: str, at: Any) -> list[dict[str, object]]:
    """The groups to suggest to ``person`` at ``at``, as the page shows them."""
    from lacgraph.suggestions import page_ideas

    return page_ideas(programme().G.suggest(person, at=at))


def household_for(person: str, at: Any) -> dict[str, object] | None:
    """The household section of ``person``'s page at ``at`` (None when they live alone)."""
    from lacgraph.families import page_family

    return page_family(programme().G.family(person, at=at))


@bp.app_context_processor
def ideas_and_household() -> dict[str, Any]:
    return {"ideas_for": ideas_for, "household_for": household_for}


@bp.get("/people/<person>/family.svg")
@requires("coordinator")
def family_svg(person: str) -> Response:
    """The household's circle of support: the members at the centre (SVG, names as text)."""
    _own_person(person)
    P = programme()
    at = P.day(request.args.get("at"))
    from lacgraph.viz.circle import picture_bytes
    from lacgraph.viz.family import draw_family

    with P.draw_lock:
        svg = picture_bytes(draw_family(P.G.family(person, at=at)), "svg")
    audit("view.family-picture", person, f"at={format_date(at)}")
    return Response(svg, mimetype="image/svg+xml")
