"""Coordinators' pages: their caseload, and one person's circle of support.

A coordinator sees only the people whose ``coordinator`` attribute is their own coordinator
id; any other id (another coordinator's person, a group, a made-up id) answers 404, the same
answer, so the app does not even confirm that someone exists.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from flask import Blueprint, Response, abort, g, jsonify, render_template, request
from markupsafe import Markup

from lacgraph.analysis import circle as circle_verbs
from lacgraph.analysis.wording import (
    previous_review,
    review_dates,
)
from lacgraph.errors import QueryError
from lacgraph.i18n import N_, _, check_language, language, use_language
from lacgraph.tables import format_date, format_long_date
from lacgraph.viz import html as circle_page
from lacgraph.viz.layout import CircleData, circle_data, family_data, picture_data
from lacgraph.viz.svg import circle_svg as svg_picture
from lacgraph.web import person_parts as parts
from lacgraph.web.context import audit, csv_download, programme, requires
from lacgraph.web.dates import read_date_input
from lacgraph.web.words import word

bp = Blueprint("coordinator", __name__)


def _own_person(person: str) -> dict[str, Any]:
    """The person's row, as a dict (see :meth:`Programme.caseload_rows`: read it, never
    change it), if ``person`` is on the current coordinator's caseload, else 404."""
    row = programme().caseload_rows(g.user.coordinator).get(person)
    if row is None:
        audit("denied.person", person, request.path)
        abort(404)
    return row


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


DATE_LABELS = {"at": "The circle date", "since": "The changes date"}
"""How the date mistakes on a person's page start ("The circle date must be a real date")."""

DATE_MESSAGES = (
    N_("The circle date must include a day"), N_("The circle date must include a month"),
    N_("The circle date must include a year"),
    N_("The circle date must include a day and month"),
    N_("The circle date must include a day and year"),
    N_("The circle date must include a month and year"),
    N_("The circle date must be a real date"),
    N_("The circle date must be between the years 1900 and 2100"),
    N_("The changes date must include a day"), N_("The changes date must include a month"),
    N_("The changes date must include a year"),
    N_("The changes date must include a day and month"),
    N_("The changes date must include a day and year"),
    N_("The changes date must include a month and year"),
    N_("The changes date must be a real date"),
    N_("The changes date must be between the years 1900 and 2100"),
    N_("Year must include 4 numbers"),
)
"""Every mistake :func:`read_date_input` can find in the two dates, each one whole sentence
in the catalogue (a Welsh label mutates after "i", so the label is never glued in)."""


def _date_arg(name: str, problems: list[dict[str, str]]) -> Any:
    """The date in the GOV.UK date boxes ``name-day`` … (or one field ``name``: 31/12/2024
    or 2024-12-31), else ``None``; a mistake is added to ``problems`` (shown in the page's
    error summary and by the boxes) and ignored."""
    if not any(request.args.get(key) for key in (name, f"{name}-day", f"{name}-month",
                                                  f"{name}-year")):
        return None  # nothing typed (the usual first view): nothing to read
    with use_language("en"):  # the mistake in English: a whole sentence of DATE_MESSAGES
        value, message = read_date_input(request.args, name,
                                         label=DATE_LABELS.get(name, "Date"))
    if message:
        if message in DATE_MESSAGES:
            message = _(message)
        else:  # said by read_date_input itself, in the page's language
            message = read_date_input(request.args, name, label=_("Date"))[1] or message
        problems.append({"field": name, "message": message})
        return None
    return None if value is None else np.datetime64(value, "D")


def _window(person: Mapping[str, Any], problems: list[dict[str, str]] | None = None
            ) -> tuple[Any, Any, str]:
    """The dates a person's page is about: ``at`` (default the data's last date), ``since``
    (default the previous recorded review, else the introduction date; ``None`` when that
    is not before ``at``) and what ``since`` is ("review", "introduction" or "chosen")."""
    strict = problems is None
    problems = [] if problems is None else problems
    P = programme()
    at = _date_arg("at", problems)
    at = P.last_date.astype("datetime64[D]") if at is None else at
    since = _date_arg("since", problems)
    reason = "chosen"
    if since is None:
        since = previous_review(person.get("reviews", ""), at)
        reason = "review"
        if since is None and not pd.isna(person["introduced_on"]):
            since, reason = np.datetime64(person["introduced_on"], "D"), "introduction"
    if since is not None and since >= at:
        if reason == "chosen":
            problems.append({"field": "since", "message":
                             _("The changes date must be before the date of the circle")})
        since = None
    if strict and problems:
        raise QueryError("; ".join(p["message"] for p in problems))
    return at, since, reason


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
        for _row, person in people.sort_values(["label", "id"]).iterrows():
            m = measures.loc[person["id"]] if person["id"] in measures.index else None
            rows.append({
                "id": person["id"], "label": person["label"] or person["id"],
                "neighbourhood": person["neighbourhood"],
                "introduced_on": format_long_date(person["introduced_on"]),
                "natural": int(m["natural"]) if m is not None else 0,
                "community": int(m["community"]) if m is not None else 0,
                "at_risk": bool(m["at_risk"]) if m is not None else False,
            })
    if query:  # a search: what was typed may name someone, so only that it was and its count
        audit("search.caseload", g.user.coordinator, f"results={len(rows)}")
    else:
        audit("view.caseload", g.user.coordinator, "")
    return render_template("caseload.html", rows=rows, query=query,
                           at=format_long_date(P.last_date))


@bp.get("/people/<person>")
@requires("coordinator")
def person_page(person: str) -> str:
    """One person's circle of support at a date, what changed since the previous review,
    and the timeline; the forms that record a change."""
    row = _own_person(person)
    return render_person(person, row)


def render_person(person: str, row: Mapping[str, Any], *, form: dict | None = None,
                  problems: list[dict[str, str]] | None = None, status: int = 200,
                  printing: bool = False, whole: bool = False) -> Any:
    """The person page (also re-shown by a form with its errors, see :mod:`.record`);
    ``printing``: the printed circle page (no forms; see :func:`print_page`). Without
    mistakes to show, the page and its parts are filled into their frames (see
    :mod:`lacgraph.web.person_parts`) unless ``whole`` asks for them rendered whole (the
    same text)."""
    P = programme()
    problems = list(problems or [])
    at, since, reason = _window(row, problems)
    label = str(row["label"] or person)
    lang = language()
    shown = {"label": label, "at": at, "since": since, "since_reason": reason,
             "query": parts.page_query(at, since)}
    audit("view.person", person, f"at={format_date(at)}"  # on disk before the answer leaves
          + (f" since={format_date(since)}" if since is not None else "")
          + (f" printed lang={lang}" if printing else ""))
    view = parts.page_view(person, at, since, reason, row, whole=True) if whole else \
        P.remember(("page", person, at, since, reason, lang),
                   lambda: parts.page_view(person, at, since, reason, row))
    reviews = review_dates(row.get("reviews", ""))
    own_lang = person_language(row)
    print_lang = own_lang if own_lang and own_lang != lang and not printing else None
    today = np.datetime64("today", "D")
    forms = Markup("") if printing else parts.record_forms(
        person, reviews, view["open_options"], view["all_options"], form or {}, problems,
        today, whole=whole, row=row)
    page = {**shown, **view, "reviews": reviews, "problems": problems, "word": word,
            "printing": printing, "record_forms": forms, "print_lang": print_lang,
            "print_link": _print_link(label, print_lang), "printed_by": g.user.name,
            "printed_on": today}
    if printing or problems or whole:
        body = render_template("person.html", **page | parts.head_values(person, row, page))
    else:  # the usual first view: the page's frame once per language, account and day
        body = parts.page_from_frame(person, row, page)
    if problems and status == 200:
        status = 400
    return (body, status) if status != 200 else body


def person_language(row: Mapping[str, Any]) -> str | None:
    """The language of what is printed for the person (their ``language`` attribute:
    ``cy`` or ``en``), or ``None`` when not recorded (or not a language we speak).

    Examples
    --------
    >>> person_language(pd.Series({"language": "CY"})), person_language(pd.Series({"id": "a"}))
    ('cy', None)
    """
    value = row.get("language")
    if value is None or pd.isna(value) or not str(value).strip():
        return None
    try:
        return check_language(value)
    except ValueError:
        return None


def _print_link(label: str, lang: str | None) -> str:
    """The words of the link to the printed page in the person's own language (in the
    page's language: the link is for the staff member; ``hreflang`` says the target's)."""
    if lang is None:
        return ""
    return _("Printable page in English, the language of %(name)s", name=label) \
        if lang == "en" else _("Printable page in Welsh, the language of %(name)s", name=label)


@bp.get("/people/<person>/print")
@requires("coordinator")
def print_page(person: str) -> Any:
    """The printed circle page of one person: the person page without its forms, in the
    person's own language (their ``language`` attribute) unless the page is asked for in
    a language (``?lang=``, the language link); else in the staff member's language."""
    row = _own_person(person)
    asked = request.args.get("lang")
    lang = language()
    if not asked:
        lang = person_language(row) or lang
    previous = g.get("lang")
    g.lang = lang
    try:
        with use_language(lang):
            return render_person(person, row, printing=True)
    finally:
        g.lang = previous


def picture_language() -> str:
    """The language a picture is drawn in: the ``language`` its page asked for (the
    printed page may speak the person's language, not the staff member's), else the
    request's. An unknown one is ignored (the request's language)."""
    try:
        return check_language(request.args.get("language") or language())
    except ValueError:
        return language()


@bp.get("/people/<person>/circle.svg")
@requires("coordinator")
def circle_svg(person: str) -> Response:
    """The circle-of-support picture, written as SVG from the layout (no matplotlib)."""
    row = _own_person(person)
    at, since, _reason = _window(row)
    lang = picture_language()
    audit("view.circle-picture", person, f"at={format_date(at)}")
    with use_language(lang):
        picture = programme().remember(("svg", person, at, since, lang), lambda: svg_picture(
            _picture(person, at, since)))
    return Response(picture, mimetype="image/svg+xml")


def _picture(person: str, at: Any, since: Any) -> CircleData:
    """What the circle picture shows (sliced from the data version's index when there is
    one: the same as :func:`~lacgraph.viz.layout.circle_data`)."""
    first = programme().first_view(person)
    if first is None:
        return circle_data(parts.own_network(person), person, at, since=since)
    columns = first.circle_columns(at) if since is None else first.compare_columns(since, at)
    alters = columns if columns is not None else (
        first.circle_table(at) if since is None else first.compare(since, at))
    return picture_data(person, first.label(), at, since, alters, first.pairs(at))


@bp.get("/people/<person>/circle.html")
@requires("coordinator")
def circle_html(person: str) -> Any:
    """The interactive pyvis circle, served under its own sandboxing CSP (see security)."""
    at, since, _reason = _window(_own_person(person))
    audit("view.circle-interactive", person, f"at={format_date(at)}")
    # not kept: each page inlines vis-network (0.7 MB), and writing it takes ~60 ms
    with use_language(picture_language()):
        document = circle_page.circle_html(parts.own_network(person), person, at, since=since)
    response = Response(document, mimetype="text/html")
    response.headers["X-Lacgraph-Embed"] = "1"
    return response


@bp.get("/people/<person>/circle.csv")
@requires("coordinator")
def circle_csv(person: str) -> Response:
    """Download the circle as CSV (formula-safe, ids as text)."""
    row = _own_person(person)
    at, since, _reason = _window(row)
    own = parts.own_network(person)
    if since is None:
        frame = circle_verbs.circle_table(own.store, person, at)
        frame.insert(0, "status", "kept")
        name = f"circle-{_slug(row)}-{format_date(at)}.csv"
    else:
        frame = circle_verbs.compare(own, person, since, at)
        frame.insert(0, "status", frame.pop("status"))
        name = f"circle-{_slug(row)}-{format_date(since)}-to-{format_date(at)}.csv"
    audit("download.circle", person, f"at={format_date(at)}")
    return csv_download(frame, name)


def _slug(row: Mapping[str, Any]) -> str:
    """A file-name-safe form of a person's name (their id when the name has no letters)."""
    text = unicodedata.normalize("NFKD", str(row["label"] or "")).encode("ascii", "ignore")
    slug = re.sub(r"[^a-z0-9]+", "-", text.decode().lower()).strip("-")
    return slug or re.sub(r"[^A-Za-z0-9]+", "-", str(row["id"])).strip("-") or "person"


@bp.get("/api/people/<person>/circle")
@requires("coordinator")
def circle_api(person: str) -> Response:
    """The circle as JSON: ``{"person": id, "at": date, "alters": [...]}``."""
    row = _own_person(person)
    at, _since, _reason = _window(row)
    frame = circle_verbs.circle_table(parts.own_network(person).store, person, at)
    audit("view.person-api", person, f"at={format_date(at)}")
    return jsonify({"person": person, "at": format_date(at),
                    "alters": frame.astype(object).where(frame.notna(), None)
                    .to_dict("records")})


@bp.get("/people/<person>/family.svg")
@requires("coordinator")
def family_svg(person: str) -> Response:
    """The household's circle of support: the members at the centre (plain SVG written from
    the layout, names as text; no matplotlib)."""
    _own_person(person)
    P = programme()
    at = P.day(request.args.get("at"))

    def draw() -> str:
        data, title, names = family_data(P.G.family(person, at=at))
        return svg_picture(data, title=title, centre=names)

    lang = picture_language()
    audit("view.family-picture", person, f"at={format_date(at)}")
    with use_language(lang):
        svg = P.remember(("family.svg", person, at, lang), draw)
    return Response(svg, mimetype="image/svg+xml")
