"""The parts of a person's page: worked out once per person view, written into frames.

A person's first view is the one a coordinator waits for. Its parts (the top of the page,
the picture and who is in the circle, the timeline, the ideas, the household, the record
forms) are the same for every person but for a few values: a name, some dates, some
addresses, a count, the rows of a table. Each part's template is rendered once per
language and *shape* (which of its optional passages show) with a hole for each of those
values (:mod:`lacgraph.web.holes`), kept, and filled in for each person by :func:`framed`;
the rows of the tables are written by their own small templates. ``whole=True`` renders
every template with the values themselves: the same text (``tests/web/
test_person_page_frame.py`` compares both for many people, in English and Welsh).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from flask import g, render_template, request, url_for
from markupsafe import Markup, escape

from lacgraph.analysis import circle as circle_verbs
from lacgraph.analysis.wording import (
    CIRCLE_WORDS,
    KIND_WORDS,
    change_sentences,
    names_list,
)
from lacgraph.i18n import _, language, ngettext
from lacgraph.model import HOUSEHOLD
from lacgraph.stores.guard import tie_version
from lacgraph.tables import format_date, format_long_date, ties_to_text
from lacgraph.web.context import programme
from lacgraph.web.dates import uk_date
from lacgraph.web.form_guards import csrf_token, new_form_token, person_version
from lacgraph.web.holes import fill, hole
from lacgraph.web.language import switch_url
from lacgraph.web.words import word

if TYPE_CHECKING:
    from lacgraph.dated import DatedNetwork


def framed(template: str, values: Mapping[str, Any], context: Mapping[str, Any],
           shape: tuple, *, whole: bool = False) -> Markup:
    """``template`` rendered with ``context`` and ``values``.

    ``values`` are what differs from person to person; the template only prints them or
    tests whether they are empty, never reads into them. ``context`` and ``shape`` are the
    same for every person the text is kept for: ``shape`` names whatever in ``context``
    steers the template (with the language and which values are empty, it is the key the
    frame is kept under). Unless ``whole``, the template is rendered once per key with a
    hole for each value that is not empty, and the holes are filled (values escaped unless
    markup, as the template prints them)."""
    if whole:
        return Markup(render_template(template, **context, **values))
    empty = tuple(name for name, value in values.items() if not value)

    def frame() -> str:
        return render_template(template, **context, **{
            name: hole(name) if value else value for name, value in values.items()})

    text = programme().remember(("frame", template, language(), shape, empty), frame)
    return fill(text, {name: value for name, value in values.items() if value})


def table_rows(template: str, name: str, items: Sequence[Mapping[str, Any]], *,
               whole: bool = False) -> Markup:
    """The rows of a table: ``template`` (one row, whose values it finds under ``name`` and
    only prints) for each of ``items``, one per line. Unless ``whole``, the row is
    rendered once per language with holes and filled for each item."""
    if whole or not items:
        return Markup("\n").join(Markup(render_template(template, **{name: item}))
                                 for item in items)
    keys = tuple(items[0])
    text = programme().remember(("row frame", template, language(), keys), lambda: (
        render_template(template, **{name: {key: hole(key) for key in keys}})))
    return Markup("\n").join(fill(text, item) for item in items)


def own_network(person: str) -> DatedNetwork:
    """A network of ``person``'s own connections at every date (fast one-person answers)."""
    return programme().person_network(person)


def page_query(at: Any, since: Any) -> dict[str, Any]:
    """The query of a person's page (and of its picture, download and print links) at
    ``at``, since ``since`` (``None``: not given).

    Examples
    --------
    >>> page_query(np.datetime64("2024-12-31"), None)
    {'at': '2024-12-31'}
    """
    return {"at": format_date(at)} | ({} if since is None else {"since": format_date(since)})


def page_view(person: str, at: Any, since: Any, reason: str, row: Mapping[str, Any], *,
              whole: bool = False) -> dict[str, Any]:
    """What the person page shows at ``at`` (and since ``since``, ``reason`` saying why that
    date) that is the same for every request of one language: the top, the picture and who
    is in the circle, and the timeline, ideas and household as HTML; the choices of the
    record forms. ``row`` is the person's row."""
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
        own = own_network(person)
        changes = None if since is None else circle_verbs.changes(own, person, since, at)
        circle = circle_verbs.circle_table(own.store, person, at)
        timeline = circle_verbs.timeline(own, person)
        own_ties = _own_ties_text(own, person)
    sentences = [] if changes is None else change_sentences(changes, P.label)
    open_ties, all_ties = _choices(own_ties, at)
    label = str(row["label"] or person)
    lang = language()
    query = page_query(at, since)
    rows = circle_rows(circle, P.label)
    family = household_for(person, at)
    top = framed("_person_top.html", {
        "label": label, "at_text": uk_date(at), "since_text": uk_date(since),
        "url_picture": url_for("coordinator.circle_svg", person=person, **query,
                               language=lang),
        "url_csv": url_for("coordinator.circle_csv", person=person, **query),
        "url_interactive": url_for("coordinator.circle_html", person=person, **query,
                                   language=lang),
        "sentences": Markup("".join(f"<li>{escape(s)}</li>" for s in sentences)),
        "circle_count": len(rows),
        "circle_table": framed("_circle_table.html", {"rows": table_rows(
            "_circle_row.html", "a", rows, whole=whole)}, {}, (), whole=whole)},
        {"since_state": "none" if since is None else reason}, ("none" if since is None
                                                                else reason,), whole=whole)
    bottom = framed("_person_bottom.html", {
        "timeline_table": framed("_timeline_table.html", {"rows": table_rows(
            "_timeline_row.html", "t", timeline_rows(timeline), whole=whole)}, {}, (),
            whole=whole),
        "ideas": ideas_part(ideas_for(person, at, row), label, whole=whole),
        "family": Markup("") if family is None else family_part(
            family, label, uk_date(at), url_for("coordinator.family_svg", person=person,
                                                at=format_date(at), language=lang),
            whole=whole)},
        {}, (), whole=whole)
    return {"top": top, "bottom": bottom,
            **_option_lists(open_ties, all_ties)}


def ideas_part(ideas: list[dict[str, Any]], label: str, *, whole: bool = False) -> Markup:
    """The "Ideas to talk about" section of ``label``'s page (``ideas``: :func:`ideas_for`)."""
    items = [{"name": idea["name"],
              "where": f" ({idea['neighbourhood']})" if idea["neighbourhood"] else "",
              # the catalogue's words as the template printed them: markup (numbers only)
              "members": Markup(ngettext("%(num)d person goes.", "%(num)d people go.",
                                         int(idea["members"]))),
              "reason": idea["reason"]} for idea in ideas]
    return framed("_ideas.html", {"label": label, "ideas": table_rows(
        "_idea_item.html", "i", items, whole=whole)}, {}, (), whole=whole)


def family_part(family: Mapping[str, Any], label: str, at_text: str, url_family: str, *,
                whole: bool = False) -> Markup:
    """The household section of ``label``'s page (``family``: :func:`household_for`)."""
    counts = family["counts"]
    rows = [{"circle": a["circle"], "name": a["name"], "category": a["category"],
             "category_word": word(a["category"]), "known_by": ", ".join(a["known_by"])}
            for a in family["alters"]]
    return framed("_family.html", {
        "label": label, "others": names_list(family["others"]),
        "together": Markup(ngettext(  # the catalogue's words, numbers only: markup
            "Together they know %(num)d person or group: %(natural)d natural, %(community)d "
            "community, %(paid)d paid.", "Together they know %(num)d people and groups: "
            "%(natural)d natural, %(community)d community, %(paid)d paid.", counts["size"],
            natural=counts["natural"], community=counts["community"], paid=counts["paid"])),
        "at_text": at_text, "url_family": url_family,
        "rows": table_rows("_family_row.html", "a", rows, whole=whole)}, {}, (), whole=whole)


def head_values(person: str, row: Mapping[str, Any], page: Mapping[str, Any]
                ) -> dict[str, Any]:
    """What the top of the person page (``_person_head.html``: their name, what is known
    of them, its links) prints, for the person page ``page`` (the names person.html uses)."""
    reviews, label = page["reviews"], page["label"]
    return {
        "label": label,
        "label_html": Markup(f'<span class="person-name">{escape(label)}</span>'),
        "neighbourhood": row.get("neighbourhood") or "",
        "introduced_text": uk_date(row.get("introduced_on")),
        "last_review_text": uk_date(reviews[-1]) if reviews else "",
        "url_page": url_for("coordinator.person_page", person=person, **page["query"])
        if page["printing"] else "",
        "url_print": url_for("coordinator.print_page", person=person, **page["query"])
        if page["print_lang"] else "",
        "print_link": page["print_link"]}


def page_from_frame(person: str, row: Mapping[str, Any], page: dict[str, Any]) -> Markup:
    """The person page of ``page`` (the names person.html uses; no mistakes to show, not
    printed) without rendering it whole: its frame (base.html and person.html, the same for
    every person of one account, language, day and confirmation) is rendered once with
    holes and filled with the person's parts: the top of the page (:func:`head_values`, a
    frame of its own), the view and the record forms."""
    P = programme()
    at, since, reason = page["at"], page["since"], page["since_reason"]
    chosen = since if reason == "chosen" else None
    head = framed("_person_head.html", head_values(person, row, page), {
        "at": at, "since": since, "since_reason": reason, "problems": [], "printing": False,
        "print_lang": page["print_lang"]}, (at, chosen, reason == "chosen", page["print_lang"]))
    names = ("label", "top", "record_forms", "bottom")

    def frame() -> str:
        return render_template("person.html", **page | {name: hole(name) for name in names}
                               | {"head": hole("head"), "other_lang_url": hole("other_lang_url"),
                                  "csrf_token": lambda: hole("csrf_token")})

    text = P.remember(("page frame", language(), g.user.name, g.user.role,
                       request.args.get("recorded"), page["printed_on"]), frame)
    return fill(text, {name: page[name] for name in names} | {
        "head": head, "other_lang_url": switch_url(request, language()),
        "csrf_token": csrf_token()})


def record_forms(person: str, reviews: list, open_options: Markup, all_options: Markup,
                 form: dict, problems: list[dict[str, str]], today: np.datetime64, *,
                 whole: bool = False, row: Mapping[str, Any] | None = None) -> Markup:
    """The forms that record a change on ``person``'s page (``row``: their row, when the
    caller has it). A form sent back with its
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
        "version": person_version(person, row), "csrf_token": csrf_token(),
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


def _option_lists(open_ties: list[dict], all_ties: list[dict]) -> dict[str, Markup]:
    """``open_options`` and ``all_options``: :func:`_options` of both lists, each option
    written once (the open connections are among all of them)."""
    written = {id(c): _options([c]) for c in all_ties}
    return {"open_options": Markup("".join(written[id(c)] for c in open_ties)),
            "all_options": Markup("".join(written.values()))}


def _options(choices: list[dict]) -> Markup:
    """``<option>`` elements of form choices (values and texts escaped).

    Examples
    --------
    >>> str(_options([{"value": '["a", "friend"]', "text": "<b>Al</b>, friend"}]))
    '<option value="[&#34;a&#34;, &#34;friend&#34;]">&lt;b&gt;Al&lt;/b&gt;, friend</option>'
    """
    return Markup("".join(f'<option value="{escape(c["value"])}">{escape(c["text"])}</option>'
                          for c in choices))


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
    day = format_date(at)
    for alter, row in own_ties:
        kind, start, end = row["kind"], row["start"], row["end"]
        values = {"name": P.label(alter), "kind": KIND_WORDS.get(kind, kind),
                  "start": format_long_date(start), "end": format_long_date(end)}
        text = (_("%(name)s, %(kind)s, from %(start)s to %(end)s", **values) if end
                else _("%(name)s, %(kind)s, from %(start)s", **values))
        out.append({"value": json.dumps([alter, kind, start, tie_version(row)]), "text": text,
                    "open": not end or end > day})
    out.sort(key=lambda c: (c["text"], c["value"]))  # same name twice: by id, kind, start
    return [c for c in out if c["open"]], out


def ideas_for(person: str, at: Any, row: Mapping[str, Any] | None = None
              ) -> list[dict[str, object]]:
    """The groups to suggest to ``person`` at ``at``, as the page shows them (``row``: the
    person's row, when the caller has it).

    Worked out for the person's whole caseload at once (the same answer as one person at a
    time, :func:`lacgraph.analysis.suggestions.suggest_each`) and kept per coordinator and date: the
    first view of each other person on the caseload then costs nothing more.
    """
    from lacgraph.analysis.suggestions import idea_reason, page_ideas, suggest_each

    P = programme()
    row = P.people.loc[person] if row is None else row
    coordinator = str(row["coordinator"] or "")
    caseload = P.caseloads.get(coordinator)
    whole = caseload is not None and person in caseload.index

    def each() -> dict[str, list[dict[str, object]]]:
        people = list(caseload.index) if caseload is not None and whole else [person]
        found = suggest_each(P.G.snapshot(at), P.G.tables, people)
        return {who: page_ideas(frame) for who, frame in found.items()}

    key = ("ideas of caseload", coordinator, at) if whole else ("ideas", person, at)
    name = str(row["label"] or person)
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


