"""Recording a change on a person's page: add, end, correct or withdraw a connection, and
mark a review held today.

Every change is checked with the rules of a load (:func:`loaders.validate.parse_tables`:
the same kinds, dates, circles and endpoint types), written through the store in one
transaction (:meth:`lacgraph.stores.base.Store.record_change`, so the store file, and every
CLI answer that opens it, sees it at once), audited with the values before and after, and
served from the next request on. A coordinator may write only for their own caseload (any
other id answers 404, as the page does). A problem re-shows the page with an error summary
linking to the field, never a bare 400 page.

Writes know what they change (issue 23): every form carries a one-time token (issued with
the page) and the version of what it edits (each connection's choice carries its row's
version, the review form the person's). The store checks both, the tombstones of the ids
written and keeps the audit row, all inside the one transaction that writes
(:class:`lacgraph.stores.guard.Guard`): a row built here is stored only when the store
holds exactly the version it was built from. A change whose basis moved on answers 409
with the connection as it is now; a form sent twice answers 409 and changes nothing.

Reviews are data about the person, so they live in the store with them: the person's
``reviews`` attribute holds the review dates (``;``-joined ISO dates). They travel with
the person (exports, subject access) and go with them on erasure, and "what changed
since the previous review" reads them on the page and in the CLI.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from flask import Blueprint, current_app, g, redirect, request, url_for

from lacgraph.analysis.names import normalise_name
from lacgraph.analysis.wording import KIND_WORDS, review_dates
from lacgraph.audit.appfile import utcnow
from lacgraph.errors import (
    AlreadySubmitted,
    ErasedId,
    InputError,
    NotFound,
    StaleWrite,
    StoreError,
)
from lacgraph.i18n import N_, _, ngettext, use_language
from lacgraph.loaders.validate import parse_tables
from lacgraph.model import TIE_KINDS
from lacgraph.network import Network
from lacgraph.rights.erasure import tombstone
from lacgraph.stores.guard import ABSENT, ANY, AuditNote, Guard, tie_version
from lacgraph.tables import (
    Tables,
    format_date,
    format_long_date,
    nodes_to_text,
    ties_to_text,
)
from lacgraph.web import finder
from lacgraph.web.context import audit, db, programme, replace_programme, requires
from lacgraph.web.coordinator import _own_person, render_person
from lacgraph.web.dates import first_wrong_part, read_date_input
from lacgraph.web.form_guards import person_version

bp = Blueprint("record", __name__)

NEW_TYPES = ("person", "group", "service")
COLUMN_FIELD = {"target": "find", "source": "find", "kind": "kind", "start": "start",
                "end": "end", "circle": "circle", "label": "new_name", "type": "new_type",
                "brokered_by": "introduced", "reciprocal": "reciprocal"}
"""Which form field a problem in a validated column belongs to."""
FIRST_DAY = np.datetime64("1900-01-01", "D")
"""The earliest date a form takes (the latest is today)."""


class FormProblems(Exception):
    """Problems with a form, each ``{"field": element id, "message": text}``."""

    def __init__(self, problems: list[dict[str, str]], status: int = 400):
        super().__init__("; ".join(p["message"] for p in problems))
        self.problems = problems
        self.status = status


def tie_value(alter: str, kind: str, start: str, version: str = "") -> str:
    """The value of a connection in a form's choice list (read back by :func:`_chosen`):
    the connection and the version of its row when the page was written.

    Examples
    --------
    >>> tie_value("g|1", "member", "2024-01-01", "9f2c")
    '["g|1", "member", "2024-01-01", "9f2c"]'
    """
    return json.dumps([alter, kind, start, version])


DATE_LABELS = {"start": "The start date", "end": "The end date"}
"""How the mistakes in a form's date start ("The start date must be a real date")."""

DATE_MESSAGES = (
    N_("Enter the start date"), N_("The start date must include a day"),
    N_("The start date must include a month"), N_("The start date must include a year"),
    N_("The start date must include a day and month"),
    N_("The start date must include a day and year"),
    N_("The start date must include a month and year"),
    N_("The start date must be a real date"),
    N_("The start date must be between the years 1900 and 2100"),
    N_("Enter the end date"), N_("The end date must include a day"),
    N_("The end date must include a month"), N_("The end date must include a year"),
    N_("The end date must include a day and month"),
    N_("The end date must include a day and year"),
    N_("The end date must include a month and year"),
    N_("The end date must be a real date"),
    N_("The end date must be between the years 1900 and 2100"),
    N_("Year must include 4 numbers"),
)
"""Every mistake :func:`read_date_input` can find in a form's dates, each one whole
sentence in the catalogue (a Welsh label mutates after "i", so it is never glued in)."""


def _date(form: str, field: str, problems: list[dict[str, str]], *, required: bool) -> str:
    """The date typed in the GOV.UK date boxes ``field-day``, ``field-month`` and
    ``field-year`` (or sent as one field ``field``: 31/12/2024 or 2024-12-31) as ISO
    text, or ``""`` when none was given or it is wrong (the mistake is added to
    ``problems`` against the boxes ``form-field``, its summary link on the wrong box)."""
    at = f"{form}-{field}"
    with use_language("en"):  # the mistake in English: a whole sentence of DATE_MESSAGES
        day, message = read_date_input(request.form, field, label=DATE_LABELS[field],
                                       required=required)
    if message:
        problems.append({"field": at, "anchor": f"{at}-{first_wrong_part(request.form, field)}",
                         "message": _(message) if message in DATE_MESSAGES else message})
        return ""
    if day is None:
        return ""
    when = np.datetime64(day, "D")
    today = np.datetime64("today", "D")
    if when > today:
        problems.append({"field": at, "anchor": f"{at}-day", "message": _(
            "The date must be today or in the past (today is %(today)s)",
            today=format_long_date(today))})
        return ""
    if when < FIRST_DAY:
        problems.append({"field": at, "anchor": f"{at}-year", "message": _(
            "The date must be in 1900 or later")})
        return ""
    return format_date(when)


def _own_ties(person: str) -> pd.DataFrame:
    """The person's own ties (every date), with the other end as ``alter``.

    :meth:`Programme.person_network` is the whole programme on a store without a person
    index (Neo4j), so the ties are kept to those touching ``person`` here, on every store.
    """
    tables = programme().person_network(person).tables
    ties = tables.ties
    ties = ties_to_text(ties[(ties["source"] == person) | (ties["target"] == person)]
                        .reset_index(drop=True))
    ties["alter"] = np.where(ties["source"] == person, ties["target"], ties["source"])
    return ties


def _chosen(person: str, form: str, problems: list[dict[str, str]]) -> pd.Series | None:
    """The person's connection picked in the form's ``tie`` field, as stored when the page
    was written (:class:`Stale` when it changed since: the version it carries differs)."""
    try:
        alter, kind, start, *version = json.loads(request.form.get("tie", ""))
    except (ValueError, TypeError):
        problems.append({"field": f"{form}-tie", "message": _("Choose a connection")})
        return None
    ties = _own_ties(person)
    if not (ties["alter"] == alter).any():
        raise NotFound(f"{person} has no connection to {alter}")  # 404, as another's person
    match = ties[(ties["alter"] == alter) & (ties["kind"] == kind) & (ties["start"] == start)]
    key = (person, str(alter), str(kind), str(start))
    if match.empty:
        raise Stale(form, StaleWrite("removed", {"ties": {key: None}, "nodes": {}}))
    row = match.iloc[0]
    if not version or version[0] != tie_version(row.drop("alter").to_dict()):
        raise Stale(form, StaleWrite("changed", {"ties": {key: row.drop("alter").to_dict()},
                                                 "nodes": {}}))
    return row


def _other(form: str, problems: list[dict[str, str]]) -> tuple[str, pd.DataFrame]:
    """The other end of a new connection: one chosen from the finder (``existing``, an id
    the autocomplete or the list of matches filled in), one found by the words typed
    (``find``: used only when exactly one node in scope has that name), or a new person,
    group or service (returned as a one-row text frame to add).

    Only nodes in the coordinator's scope are ever found (:func:`finder.in_scope`), and any
    id outside it is answered as one that does not exist: nobody can learn from the answer
    whether a name or an id is someone else's.
    """
    person = str(request.view_args["person"]) if request.view_args else ""
    existing = next((v.strip() for v in request.form.getlist("existing") if v.strip()), "")
    typed = request.form.get("find", "").strip()
    name = request.form.get("new_name", "").strip()
    kind = request.form.get("new_type", "")
    if (existing or typed) and name:
        problems.append({"field": f"{form}-find", "message": _(
            "Give an existing person, group or service, or a new one, not both")})
        return "", pd.DataFrame()
    if existing:
        if finder.chosen(person, existing) is not None:
            return existing, pd.DataFrame()
        problems.append({"field": f"{form}-find", "message": _(
            "Choose a person, group or service from the list")})
        return "", pd.DataFrame()
    if typed:
        found = finder.find(person, typed)
        audit("record.find", person, f"results={len(found)}")
        exact = [f for f in found if normalise_name(f["name"]) == normalise_name(typed)]
        if len(found) == 1 and len(exact) == 1:
            return exact[0]["id"], pd.DataFrame()
        if found:
            g.finder_choices = found
            problems.append({"field": f"{form}-choice", "message": (
                _("One matches “%(typed)s”: choose it to confirm", typed=typed)
                if len(found) == 1 else ngettext("%(num)d match “%(typed)s”: choose one",
                                                 "%(num)d match “%(typed)s”: choose one",
                                                 len(found), typed=typed))})
        else:
            problems.append({"field": f"{form}-find", "message": _(
                "Nobody on your caseload or in this circle, and no group or service, "
                "matches “%(typed)s”. Check the spelling, or add them as someone new",
                typed=typed)})
        return "", pd.DataFrame()
    if not name:
        problems.append({"field": f"{form}-find", "message": _(
            "Give an existing person, group or service, or the name of a new one")})
        return "", pd.DataFrame()
    if kind not in NEW_TYPES:
        problems.append({"field": f"{form}-new_type", "message": _(
            "Choose person, group or service for the new one")})
        return "", pd.DataFrame()
    new_id = f"new-{secrets.token_hex(5)}"
    return new_id, pd.DataFrame([{"id": new_id, "type": kind, "label": name}])


def _validate(person: str, form: str, nodes: pd.DataFrame, ties: pd.DataFrame,
              other: str) -> Tables:
    """Check a change with the load rules; problems are reported against the form's fields."""
    P = programme()
    ids = {person, other, *[b for b in ties["brokered_by"] if b]} - set(nodes.get("id", []))
    ids = {i for i in ids if i in P.nodes.index}
    ids |= {c for c in P.nodes.loc[list(ids), "coordinator"] if c in P.nodes.index}
    known = nodes_to_text(P.nodes.loc[sorted(ids)]
                          .reset_index(drop=True))
    all_nodes = pd.concat([known, nodes], ignore_index=True).fillna("")
    try:
        checked = parse_tables(all_nodes, ties, nodes_file="the form", ties_file="the form")
    except InputError as err:
        raise FormProblems([{"field": f"{form}-{COLUMN_FIELD.get(p.column, 'find')}",
                             "message": _form_reason(p.column, p.reason, ties)}
                            for p in err.problems]) from err
    new = checked.nodes["id"].isin(nodes.get("id", pd.Series(dtype=object)))
    return Tables(checked.nodes[new.to_numpy()].reset_index(drop=True), checked.ties)


def _form_reason(column: str, reason: str, ties: pd.DataFrame) -> str:
    """A validation problem of a form in the words of the page, one whole sentence (the
    two a form can meet, known by the values, whatever the language of ``reason``; any
    other in :func:`_plain` words)."""
    start = str(ties["start"].iat[0]) if len(ties) else ""
    end = str(ties["end"].iat[0]) if len(ties) and "end" in ties else ""
    if column == "end" and start and end and end <= start:
        return _("The end date must be after the start date (%(start)s)",
                 start=format_long_date(start) or start)
    kind = str(ties["kind"].iat[0]) if len(ties) else ""
    if column == "kind" and kind in TIE_KINDS:  # a known kind between the wrong two
        return _("A connection of this kind (%(kind)s) cannot join these two: choose "
                 "another kind of connection, or check whether it is a person, a group or "
                 "a service", kind=KIND_WORDS.get(kind, kind))
    return _plain(reason)


def _plain(reason: str) -> str:
    """A validation reason in words for the form ("unknown tie kind; expected ..." → ...)."""
    text = reason.replace("tie kind", "kind of connection").replace("a tie", "a connection")
    return text[0].upper() + text[1:]


class Stale(Exception):
    """A change refused because what it edits changed since the page was written."""

    def __init__(self, form: str, err: StaleWrite):
        super().__init__(str(err))
        self.form, self.err = form, err


def _guard(person: str, action: str, ties: dict, nodes: dict, written: set[str],
           detail: str) -> Guard:
    """The guard of a change: the form's token, the versions it is based on, the
    tombstones of the ids it writes and its audit row (kept with the change)."""
    token = request.form.get("form_token", "")
    if not token:
        raise FormProblems([{"field": f"{action}-tie", "message": _(
            "This form is from an older page: reload the page and try again")}])
    key = current_app.extensions["lacgraph.pseudonymiser"]
    stable = current_app.config.get("PSEUDONYMS_STABLE")
    marks = frozenset(tombstone(key, i) for i in written if i) if stable else frozenset()
    note = AuditNote(secrets.token_hex(8), utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                     g.user.name, g.user.role, f"record.{action}", person, detail)
    return Guard(ties=ties, nodes=nodes, token=token, tombstones=marks, audit=note)


def _save(person: str, action: str, tables: Tables, remove: list, before: Any,
          after: Any, *, ties: dict | None = None, nodes: dict | None = None,
          form: str = "") -> Any:
    P = programme()
    written = {person, *tables.nodes["id"], *tables.ties["source"], *tables.ties["target"]}
    detail = {"before": before, "after": after}
    guard = _guard(person, action, dict(ties or {}), {person: ANY, **(nodes or {})},
                   written, "")
    detail["change"] = guard.audit.id if guard.audit else ""
    text = json.dumps(detail, ensure_ascii=False, default=str)
    guard = replace(guard, audit=replace(guard.audit, detail=text) if guard.audit else None)
    try:
        P.store.record_change(tables, remove, guard=guard)
    except StaleWrite as err:
        raise Stale(form or action, err) from err
    except (NotFound, StoreError) as err:  # AlreadySubmitted and ErasedId too
        raise FormProblems([{"field": f"{form or action}-tie", "message": _store_problem(err)}],
                           status=409 if isinstance(err, AlreadySubmitted | ErasedId)
                           else 400) from err
    replace_programme(Network(P.store))
    db().audit(g.user.name, g.user.role, f"record.{action}", person, text,
               request.remote_addr or "")  # on disk before the answer; then the store
    P.store.audit_delivered([guard.audit.id] if guard.audit else [])  # forgets its copy
    return redirect(url_for("coordinator.person_page", person=person, recorded=action)
                    + "#recorded")


def _store_problem(err: Exception) -> str:
    """What a refusal of the store means for the form, in the page's language (a form sent
    twice, an erased person); any other store error as it is said."""
    if isinstance(err, AlreadySubmitted):
        return _("This form was already sent; the change was recorded once and not again")
    if isinstance(err, ErasedId):
        return _("This person was erased; nothing was recorded")
    return str(err)


def _stale(person: str, row: Mapping[str, Any], err: Stale) -> Any:
    """409: the page as it is now, saying what changed since the form was opened."""
    P = replace_programme(Network(programme().store))
    label = P.label(person)
    time = _last_change_time(person)
    parts = []
    for (_person, alter, kind, start), now in err.err.current.get("ties", {}).items():
        values = {"name": label, "other": P.label(alter), "time": time,
                  "kind": KIND_WORDS.get(kind, kind), "start": format_long_date(start)}
        if now is None:
            parts.append(_(
                "%(name)s’s connection to %(other)s (%(kind)s, from %(start)s) was removed "
                "by someone else at %(time)s; it is no longer recorded", **values) if time
                else _("%(name)s’s connection to %(other)s (%(kind)s, from %(start)s) was "
                       "removed by someone else; it is no longer recorded", **values))
        else:
            now_values = {"kind": KIND_WORDS.get(now["kind"], now["kind"]),
                          "start": format_long_date(now["start"]),
                          "end": format_long_date(now["end"]) if now.get("end") else ""}
            values["shown"] = (_("%(kind)s, from %(start)s to %(end)s", **now_values)
                               if now_values["end"]
                               else _("%(kind)s, from %(start)s", **now_values))
            parts.append(_(
                "%(name)s’s connection to %(other)s was changed by someone else at "
                "%(time)s — here it is now: %(shown)s", **values) if time
                else _("%(name)s’s connection to %(other)s was changed by someone else — "
                       "here it is now: %(shown)s", **values))
    if not parts:
        parts.append(_("%(name)s’s record was changed by someone else at %(time)s — here it "
                       "is now", name=label, time=time) if time
                     else _("%(name)s’s record was changed by someone else — here it is now",
                            name=label))
    message = _("%(what)s. Nothing was changed: check it and try again if needed.",
                what="; ".join(parts))
    field = "end-tie" if err.form == "end" else "fix-tie" if err.form == "fix" else \
        "add-existing"
    if person not in P.nodes.index:
        return render_person_gone()
    return render_person(person, P.nodes.loc[person], form={"name": err.form},
                         problems=[{"field": field, "message": message}], status=409)


def render_person_gone() -> Any:
    from lacgraph.web.context import error_response

    return error_response(409, N_("This person is no longer recorded: nothing was changed."))


def _last_change_time(person: str) -> str:
    """"10:42" (London time) of the latest recorded change to ``person``, or ""."""
    rows = [r for r in db().audit_about(person) if str(r[4]).startswith(("record.", "data."))]
    if not rows:
        return ""
    try:
        moment = dt.datetime.fromisoformat(str(rows[-1][1]).replace("Z", "+00:00"))
    except ValueError:
        return ""
    return moment.astimezone(ZoneInfo("Europe/London")).strftime("%H:%M")


def _row(frame: pd.DataFrame) -> dict:
    return {k: str(v) for k, v in frame.iloc[0].items() if k != "alter"}


def _tie(person: str, other: str, kind: str, start: str, end: str, circle: str,
         reciprocal: bool, brokered_by: str) -> pd.DataFrame:
    return pd.DataFrame([{"source": person, "target": other, "kind": kind, "start": start,
                          "end": end, "circle": circle, "reciprocal": "true" if reciprocal
                          else "false", "brokered_by": brokered_by}])


@bp.post("/people/<person>/connections/add")
@requires("coordinator")
def add(person: str) -> Any:
    """Add a connection to an existing or a new person, group or service."""
    row = _own_person(person)
    problems: list[dict[str, str]] = []
    try:
        other, new_nodes = _other("add", problems)
        kind = request.form.get("kind", "")
        if kind not in TIE_KINDS:
            problems.append({"field": "add-kind", "message": _("Choose the kind of connection")})
        start = _date("add", "start", problems, required=True)
        if problems:
            raise FormProblems(problems)
        me = g.user.coordinator if request.form.get("introduced") == "yes" else ""
        ties = _tie(person, other, kind, start, "", request.form.get("circle", ""),
                    request.form.get("reciprocal") == "yes", me)
        own = _own_ties(person)
        if ((own["alter"] == other) & (own["kind"] == kind) & (own["start"] == start)).any():
            raise FormProblems([{"field": "add-start", "message": _(
                "This connection is already recorded from that date")}])
        tables = _validate(person, "add", new_nodes, ties, other)
        nodes = {other: ABSENT if len(new_nodes) else ANY}
        return _save(person, "add", tables, [], None, {
            **_row(ties_to_text(tables.ties)), **({"new": _row(new_nodes)} if len(new_nodes)
                                                  else {})},
            ties={(person, other, kind, start): ABSENT}, nodes=nodes)
    except Stale as err:
        return _stale(person, row, err)
    except FormProblems as err:
        return render_person(person, row, form={"name": "add", **request.form},
                             problems=err.problems, status=err.status)


@bp.post("/people/<person>/connections/end")
@requires("coordinator")
def end(person: str) -> Any:
    """End a connection on a date."""
    row = _own_person(person)
    problems: list[dict[str, str]] = []
    try:
        tie = _chosen(person, "end", problems)
        day = _date("end", "end", problems, required=True)
        if problems or tie is None:
            raise FormProblems(problems)
        before = tie.drop("alter").to_dict()
        after = {**before, "end": day}
        ties = pd.DataFrame([after])
        tables = _validate(person, "end", pd.DataFrame(), ties, str(tie["alter"]))
        return _save(person, "end", tables, [], before, after, ties=_based_on(tie))
    except Stale as err:
        return _stale(person, row, err)
    except FormProblems as err:
        return render_person(person, row, form={"name": "end", **request.form},
                             problems=err.problems, status=err.status)


@bp.post("/people/<person>/connections/correct")
@requires("coordinator")
def correct(person: str) -> Any:
    """Correct a connection recorded wrongly, or withdraw one recorded by mistake."""
    row = _own_person(person)
    problems: list[dict[str, str]] = []
    try:
        tie = _chosen(person, "fix", problems)
        if tie is None:
            raise FormProblems(problems)
        before = tie.drop("alter").to_dict()
        key = (str(tie["source"]), str(tie["target"]), str(tie["kind"]), str(tie["start"]))
        if request.form.get("action") == "withdraw":
            return _save(person, "withdraw", Tables.from_records([], []), [key], before, None,
                         ties=_based_on(tie), form="fix")
        kind = request.form.get("kind") or before["kind"]
        start = _date("fix", "start", problems, required=False) or before["start"]
        day = _date("fix", "end", problems, required=False) or before["end"]
        circle = request.form.get("circle") or before["circle"]
        if problems:
            raise FormProblems(problems)
        after = {**before, "kind": kind, "start": start, "end": day, "circle": circle}
        tables = _validate(person, "fix", pd.DataFrame(), pd.DataFrame([after]),
                           str(tie["alter"]))
        moved = (person, str(tie["alter"]), kind, start)
        based = _based_on(tie) | ({} if moved[2:] == key[2:] else {moved: ABSENT})
        return _save(person, "correct", tables, [key], before, after, ties=based, form="fix")
    except Stale as err:
        return _stale(person, row, err)
    except FormProblems as err:
        return render_person(person, row, form={"name": "fix", **request.form},
                             problems=err.problems, status=err.status)


@bp.post("/people/<person>/review")
@requires("coordinator")
def review(person: str) -> Any:
    """Record that a review with the person was held today."""
    row = _own_person(person)
    today = np.datetime64("today", "D")
    dates = review_dates(row.get("reviews", ""))
    before = ";".join(format_date(d) for d in dates)
    after = ";".join(format_date(d) for d in sorted({*dates, today}))
    nodes = programme().nodes
    ids = [person, *[c for c in [row["coordinator"]] if c in nodes.index]]
    rows = nodes_to_text(nodes.loc[ids].reset_index(drop=True))
    rows["reviews"] = [after, *[str(v) for v in rows["reviews"].iloc[1:]]] \
        if "reviews" in rows else [after, *[""] * (len(rows) - 1)]
    checked = parse_tables(rows, pd.DataFrame(columns=["source", "target", "kind", "start"]))
    tables = Tables(checked.nodes.iloc[:1].reset_index(drop=True), checked.ties)
    seen = request.form.get("version", "")
    try:
        if seen != person_version(person):  # the row built here is the one the form saw
            raise Stale("review", StaleWrite("changed", {"ties": {}, "nodes": {
                person: nodes_to_text(nodes.loc[[person]]).iloc[0].to_dict()}}))
        return _save(person, "review", tables, [], {"reviews": before}, {"reviews": after},
                     nodes={person: seen})
    except Stale as err:
        return _stale(person, row, err)
    except FormProblems as err:
        return render_person(person, row, form={"name": "review"}, problems=err.problems,
                             status=err.status)


def _based_on(tie: pd.Series) -> dict:
    """The guard's versions for a change to ``tie`` (a row of :func:`_own_ties`)."""
    row = tie.drop("alter").to_dict()
    key = (str(row["source"]), str(row["target"]), str(row["kind"]), str(row["start"]))
    return {key: tie_version(row)}
