"""Coordinators' pages: their caseload, and one person's circle of support.

A coordinator sees only the people whose ``coordinator`` attribute is their own coordinator
id; any other id (another coordinator's person, a group, a made-up id) answers 404, the same
answer, so the app does not even confirm that someone exists.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from flask import Blueprint, Response, abort, g, jsonify, render_template, request, url_for
from markupsafe import Markup

from lacgraph.analysis import circle as circle_verbs
from lacgraph.analysis.wording import (
    CIRCLE_WORDS,
    KIND_WORDS,
    change_sentences,
    names_list,
    previous_review,
    review_dates,
)
from lacgraph.errors import QueryError
from lacgraph.i18n import N_, _, check_language, language, use_language
from lacgraph.model import HOUSEHOLD
from lacgraph.stores.guard import tie_version
from lacgraph.tables import format_date, format_long_date, ties_to_text
from lacgraph.viz import html as circle_page
from lacgraph.viz.layout import CircleData, circle_data, family_data, picture_data
from lacgraph.viz.svg import circle_svg as svg_picture
from lacgraph.web.context import audit, csv_download, programme, requires
from lacgraph.web.dates import read_date_input, uk_date
from lacgraph.web.form_guards import csrf_token, new_form_token, person_version
from lacgraph.web.holes import fill, hole
from lacgraph.web.language import switch_url
from lacgraph.web.words import word

if TYPE_CHECKING:
    from lacgraph.dated import DatedNetwork

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


def _window(person: pd.Series, problems: list[dict[str, str]] | None = None
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


def _own_network(person: str) -> DatedNetwork:
    """A network of ``person``'s own connections at every date (fast one-person answers)."""
    return programme().person_network(person)


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


def render_person(person: str, row: pd.Series, *, form: dict | None = None,
                  problems: list[dict[str, str]] | None = None, status: int = 200,
                  printing: bool = False, whole: bool = False) -> Any:
    """The person page (also re-shown by a form with its errors, see :mod:`.record`);
    ``printing``: the printed circle page (no forms; see :func:`print_page`). Without
    mistakes to show, the page is filled into its frame (:func:`_page_from_shell`) unless
    ``whole`` asks for it rendered whole (the same text)."""
    P = programme()
    problems = list(problems or [])
    at, since, reason = _window(row, problems)
    query = {"at": format_date(at)}
    if since is not None:
        query["since"] = format_date(since)
    label = str(row["label"] or person)
    lang = language()
    shown = {"person": row.to_dict(), "label": label, "at": at, "since": since,
             "since_reason": reason, "query": query,
             "picture_query": {**query, "language": lang}}
    audit("view.person", person, f"at={format_date(at)}"  # on disk before the answer leaves
          + (f" since={format_date(since)}" if since is not None else "")
          + (f" printed lang={lang}" if printing else ""))
    view = P.remember(("page", person, at, since, reason, lang),
                      lambda: _page_view(person, at, since, shown))
    reviews = review_dates(row.get("reviews", ""))
    own_lang = person_language(row)
    print_lang = own_lang if own_lang and own_lang != lang and not printing else None
    today = np.datetime64("today", "D")
    forms = Markup("") if printing else record_forms(
        person, reviews, view["open_options"], view["all_options"], form or {}, problems,
        today, whole=whole)
    page = {**shown, **view, "reviews": reviews,
            "label_html": Markup('<span class="person-name">{}</span>').format(label),
            "problems": problems, "word": word, "printing": printing, "record_forms": forms,
            "print_lang": print_lang, "print_link": _print_link(label, print_lang),
            "printed_by": g.user.name, "printed_on": today}
    if printing or problems or whole:
        body = render_template("person.html", **page)
    else:  # the usual first view: the page's frame once per language, account and day
        body = _page_from_shell(person, page, (at, since, reason, lang))
    if problems and status == 200:
        status = 400
    return (body, status) if status != 200 else body


def _page_from_shell(person: str, page: dict[str, Any], view_key: tuple) -> Markup:
    """The person page of ``page`` (the names person.html uses) without rendering it whole:
    its frame (base.html and person.html, the same for every person of one account,
    language, day and confirmation) is rendered once with holes (see
    :mod:`lacgraph.web.holes`); the top of the page (name, dates form) is kept with the
    person's view; the rest was written out already."""
    P = programme()
    head = P.remember(("page head", person, *view_key),
                      lambda: Markup(render_template("_person_head.html", **page)))
    recorded = request.args.get("recorded")
    names = ("label", "head", "top", "record_forms", "bottom")

    def frame() -> str:
        return render_template("person.html", **page | {name: hole(name) for name in names}
                               | {"other_lang_url": hole("other_lang_url"),
                                  "csrf_token": lambda: hole("csrf_token")})

    text = P.remember(("page frame", language(), g.user.name, g.user.role, recorded,
                       page["printed_on"]), frame)
    return fill(text, {name: page[name] for name in names if name != "head"} | {
        "head": head, "other_lang_url": switch_url(request, language()),
        "csrf_token": csrf_token()})


def record_forms(person: str, reviews: list, open_options: Markup, all_options: Markup,
                 form: dict, problems: list[dict[str, str]], today: np.datetime64, *,
                 whole: bool = False) -> Markup:
    """The forms that record a change on ``person``'s page. A form sent back with its
    mistakes (or a choice among namesakes) is rendered whole, as is any with ``whole``;
    otherwise the forms are rendered once per language and day with holes for the values
    of the person and the request (see :mod:`lacgraph.web.holes`), and filled in: the
    same text, at a fraction of the cost of a person's first view."""
    values: dict[str, Any] = {
        "urls": {"review": url_for("record.review", person=person),
                 "add": url_for("record.add", person=person),
                 "end": url_for("record.end", person=person),
                 "correct": url_for("record.correct", person=person),
                 "finder": url_for("finder.results_json", person=person)},
        "version": person_version(person), "csrf_token": csrf_token(),
        "form_token": new_form_token(),
        "reviews_text": ", ".join(uk_date(d) for d in reviews),
        "open_options": open_options, "all_options": all_options}
    fixed = {"reviews": bool(reviews), "form": form, "problems": problems, "today": today,
             "word": word, "kinds": list(KIND_WORDS), "kind_words": KIND_WORDS,
             "circle_words": CIRCLE_WORDS}
    if whole or form or problems or g.get("finder_choices"):
        return Markup(render_template(
            "_record_forms.html", **fixed, **values | {
                "csrf_token": lambda: values["csrf_token"],
                "form_token": lambda: values["form_token"]}))

    def render() -> str:
        holes = {k: hole(k) for k in values} | {
            "urls": {k: hole(f"url_{k}") for k in values["urls"]},
            "csrf_token": lambda: hole("csrf_token"),
            "form_token": lambda: hole("form_token")}
        return render_template("_record_forms.html", **fixed, **holes)

    text = programme().remember(("record forms", language(), today, bool(reviews)), render)
    flat = {k: v for k, v in values.items() if k != "urls"}
    return fill(text, flat | {f"url_{k}": v for k, v in values["urls"].items()})


def person_language(row: pd.Series) -> str | None:
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


def _page_view(person: str, at: Any, since: Any, shown: dict[str, Any]) -> dict[str, Any]:
    """What the person page shows at ``at`` (and since ``since``), computed and written out
    once per language: the parts that are the same for every request (picture, what
    changed, who is in the circle, timeline, ideas, household) as HTML, and the choices of
    the record forms. ``shown`` holds the names the templates use for the person and the
    dates."""
    P = programme()
    first = P.first_view(person)
    changes: pd.DataFrame | list[dict] | None
    timeline: pd.DataFrame | list[dict]
    circle: pd.DataFrame | dict[str, Any]
    if first is not None:  # sliced from the data version's index: the same answers
        changes = None if since is None else first.change_records(since, at)
        circle = first.circle_columns(at) or {c: [] for c in circle_verbs.CIRCLE_COLUMNS}
        timeline = first.timeline_records()
        own_ties = first.choices()
    else:
        own = _own_network(person)
        changes = None if since is None else circle_verbs.changes(own, person, since, at)
        circle = circle_verbs.circle_table(own.store, person, at)
        timeline = circle_verbs.timeline(own, person)
        own_ties = _own_ties_text(own, person)
    sentences = [] if changes is None else change_sentences(changes, P.label)
    open_ties, all_ties = _choices(own_ties, at)
    data = {"circle": circle_rows(circle, P.label), "sentences": sentences,
            "timeline": timeline_rows(timeline), "word": word, "names_list": names_list}
    return {"top": Markup(render_template("_person_top.html", **shown, **data)),
            "bottom": Markup(render_template("_person_bottom.html", **shown, **data)),
            "open_options": _options(open_ties), "all_options": _options(all_ties)}


def _options(choices: list[dict]) -> Markup:
    """``<option>`` elements of form choices (values and texts escaped).

    Examples
    --------
    >>> str(_options([{"value": '["a", "friend"]', "text": "<b>Al</b>, friend"}]))
    '<option value="[&#34;a&#34;, &#34;friend&#34;]">&lt;b&gt;Al&lt;/b&gt;, friend</option>'
    """
    return Markup("").join(Markup('<option value="{}">{}</option>').format(c["value"], c["text"])
                           for c in choices)


def circle_rows(frame: pd.DataFrame | dict[str, Any], label_of: Any) -> list[dict[str, Any]]:
    """The rows of the "who is in the circle" table, in the words of the page (from the
    circle table or its columns).

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["jo"], "label": ["Jo"], "kind": ["friend;member"],
    ...     "category": ["natural"], "circle": [2], "since": ["2024-08-17"],
    ...     "reciprocal": [True], "brokered_by": ["c1"]})
    >>> circle_rows(frame, {"c1": "Dafydd"}.get)  # doctest: +NORMALIZE_WHITESPACE
    [{'circle': 2, 'name': 'Jo', 'category': 'natural',
      'connection': 'friend, member of a group (natural)', 'since': '17 August 2024',
      'reciprocal': 'yes', 'introduced_by': 'Dafydd'}]
    """
    return [{"circle": int(circle), "name": str(label or node), "category": str(category),
             "connection": _("%(kinds)s (%(category)s)", kinds=", ".join(
                 KIND_WORDS.get(k, k) for k in str(kind).split(";")), category=word(category)),
             "since": format_long_date(start), "reciprocal": _("yes") if mutual else _("no"),
             "introduced_by": ", ".join(label_of(c) for c in str(brokers or "").split(";")
                                        if c) or "\u2013"}
            for node, label, kind, category, circle, start, mutual, brokers in zip(
                frame["id"], frame["label"], frame["kind"], frame["category"],
                frame["circle"], frame["since"], frame["reciprocal"], frame["brokered_by"],
                strict=True)]


def timeline_rows(frame: pd.DataFrame | list[dict]) -> list[dict[str, Any]]:
    """The timeline table's rows (from the frame or its rows as dicts), dates written out
    ("17 August 2024").

    Examples
    --------
    >>> frame = pd.DataFrame({"date": ["2024-08-17"], "size": [1], "natural": [1],
    ...     "community": [0], "paid": [0], "added": [1], "ended": [0]})
    >>> timeline_rows(frame)[0]["date"]
    '17 August 2024'
    """
    rows = (frame.astype(object).to_dict("records") if isinstance(frame, pd.DataFrame)
            else [dict(row) for row in frame])
    for row in rows:
        row["date"] = format_long_date(row["date"])
    return rows


def _own_ties_text(own: DatedNetwork, person: str) -> list[tuple[str, dict[str, Any]]]:
    """The person's own connections (all dates) as ``(alter, row as text)``."""
    ties = ties_to_text(own.tables.ties)
    # the person's own ties (a store without a person index hands over the whole network)
    ties = ties[(ties["kind"] != HOUSEHOLD) & ((ties["source"] == person)
                                              | (ties["target"] == person))]
    alters = np.where(ties["source"] == person, ties["target"], ties["source"])
    return list(zip(alters, ties.to_dict("records"), strict=True))


def _choices(own_ties: list[tuple[str, dict[str, Any]]], at: Any
             ) -> tuple[list[dict], list[dict]]:
    """The person's connections as form choices: those open at ``at``, and all of them."""
    P = programme()
    out = []
    for alter, row in own_ties:
        kind, start, end = row["kind"], row["start"], row["end"]
        values = {"name": P.label(alter), "kind": KIND_WORDS.get(kind, kind),
                  "start": format_long_date(start), "end": format_long_date(end)}
        text = (_("%(name)s, %(kind)s, from %(start)s to %(end)s", **values) if end
                else _("%(name)s, %(kind)s, from %(start)s", **values))
        out.append({"value": json.dumps([alter, kind, start, tie_version(row)]), "text": text,
                    "open": not end or end > format_date(at)})
    out.sort(key=lambda c: (c["text"], c["value"]))  # same name twice: by id, kind, start
    return [c for c in out if c["open"]], out


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
        return circle_data(_own_network(person), person, at, since=since)
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
        document = circle_page.circle_html(_own_network(person), person, at, since=since)
    response = Response(document, mimetype="text/html")
    response.headers["X-Lacgraph-Embed"] = "1"
    return response


@bp.get("/people/<person>/circle.csv")
@requires("coordinator")
def circle_csv(person: str) -> Response:
    """Download the circle as CSV (formula-safe, ids as text)."""
    row = _own_person(person)
    at, since, _reason = _window(row)
    own = _own_network(person)
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


def _slug(row: pd.Series) -> str:
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
    frame = circle_verbs.circle_table(_own_network(person).store, person, at)
    audit("view.person-api", person, f"at={format_date(at)}")
    return jsonify({"person": person, "at": format_date(at),
                    "alters": frame.astype(object).where(frame.notna(), None)
                    .to_dict("records")})


# -- "Ideas to talk about" and the household (templates/_ideas.html, _family.html) -------
# The person page includes both templates; they ask for their data through these two
# helpers, so the page view needs no change. The page checks the caseload and writes the
# audit row before it renders them.


def ideas_for(person: str, at: Any) -> list[dict[str, object]]:
    """The groups to suggest to ``person`` at ``at``, as the page shows them.

    Worked out for the person's whole caseload at once (the same answer as one person at a
    time, :func:`lacgraph.analysis.suggestions.suggest_each`) and kept per coordinator and date: the
    first view of each other person on the caseload then costs nothing more.
    """
    from lacgraph.analysis.suggestions import idea_reason, page_ideas, suggest_each

    P = programme()
    coordinator = str(P.people.at[person, "coordinator"] or "")
    caseload = P.caseloads.get(coordinator)
    people = list(caseload.index) if caseload is not None and person in caseload.index \
        else [person]

    def each() -> dict[str, list[dict[str, object]]]:
        found = suggest_each(P.G.snapshot(at), P.G.tables, people)
        return {who: page_ideas(frame) for who, frame in found.items()}

    key = ("ideas of caseload", coordinator, at) if len(people) > 1 else ("ideas", person, at)
    name = str(P.people.at[person, "label"] or person)
    return [{**idea, "reason": idea_reason(idea, name)}  # in the page's language
            for idea in P.remember(key, each)[person]]


def household_for(person: str, at: Any) -> dict[str, object] | None:
    """The household section of ``person``'s page at ``at`` (None when they live alone)."""
    from lacgraph.analysis.families import page_household

    P = programme()

    def section() -> dict[str, object] | None:
        first = P.first_view(person)
        return page_household(P.G.store, person, at) if first is None else first.household(at)

    return P.remember(("family", person, at), section)


@bp.app_context_processor
def ideas_and_household() -> dict[str, Any]:
    return {"ideas_for": ideas_for, "household_for": household_for}


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
