"""Recording a change on a person's page: add, end, correct or withdraw a connection, and
mark a review held today.

Every change is checked with the rules of a load (:func:`loaders.validate.parse_tables`:
the same kinds, dates, circles and endpoint types), written through the store in one
transaction (:meth:`lacgraph.stores.base.Store.record_change`, so the store file, and every
CLI answer that opens it, sees it at once), audited with the values before and after, and
served from the next request on. A coordinator may write only for their own caseload (any
other id answers 404, as the page does). A problem re-shows the page with an error summary
linking to the field, never a bare 400 page.

Reviews are data about the person, so they live in the store with them: the person's
``reviews`` attribute holds the review dates (``;``-joined ISO dates). They travel with
the person (exports, subject access) and go with them on erasure, and "what changed
since the previous review" reads them on the page and in the CLI.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import numpy as np
import pandas as pd
from flask import Blueprint, g, redirect, request, url_for

from lacgraph.analysis.names import normalise_name
from lacgraph.analysis.wording import review_dates
from lacgraph.errors import InputError, NotFound, QueryError, StoreError
from lacgraph.loaders.validate import parse_tables
from lacgraph.model import TIE_KINDS
from lacgraph.network import Network
from lacgraph.tables import (
    Tables,
    format_date,
    format_long_date,
    nodes_to_text,
    parse_user_date,
    ties_to_text,
)
from lacgraph.web import finder
from lacgraph.web.context import audit, programme, replace_programme, requires
from lacgraph.web.coordinator import _own_person, render_person

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

    def __init__(self, problems: list[dict[str, str]]):
        super().__init__("; ".join(p["message"] for p in problems))
        self.problems = problems


def tie_value(alter: str, kind: str, start: str) -> str:
    """The value of a connection in a form's choice list (read back by :func:`_chosen`).

    Examples
    --------
    >>> tie_value("g|1", "member", "2024-01-01")
    '["g|1", "member", "2024-01-01"]'
    """
    return json.dumps([alter, kind, start])


def _date(form: str, field: str, problems: list[dict[str, str]], *, required: bool) -> str:
    text = request.form.get(field, "").strip()
    if not text:
        if required:
            problems.append({"field": f"{form}-{field}", "message": "Enter a date, for example "
                             "31/12/2024"})
        return ""
    try:
        day = parse_user_date(text)
    except QueryError:
        problems.append({"field": f"{form}-{field}", "message":
                         f"Enter a real date as 31/12/2024 or 2024-12-31 (not “{text}”)"})
        return ""
    today = np.datetime64("today", "D")
    if day > today:
        problems.append({"field": f"{form}-{field}", "message": "The date must be today or "
                         f"in the past (today is {format_long_date(today)})"})
        return ""
    if day < FIRST_DAY:
        problems.append({"field": f"{form}-{field}", "message": "The date must be in 1900 or "
                         "later"})
        return ""
    return format_date(day)


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
    """The person's connection picked in the form's ``tie`` field."""
    try:
        alter, kind, start = json.loads(request.form.get("tie", ""))
    except (ValueError, TypeError):
        problems.append({"field": f"{form}-tie", "message": "Choose a connection"})
        return None
    ties = _own_ties(person)
    if not (ties["alter"] == alter).any():
        raise NotFound(f"{person} has no connection to {alter}")  # 404, as another's person
    match = ties[(ties["alter"] == alter) & (ties["kind"] == kind) & (ties["start"] == start)]
    if match.empty:
        problems.append({"field": f"{form}-tie", "message": "That connection is no longer "
                         "recorded; reload the page"})
        return None
    return match.iloc[0]


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
        problems.append({"field": f"{form}-find", "message": "Give an existing person, "
                         "group or service, or a new one, not both"})
        return "", pd.DataFrame()
    if existing:
        if finder.chosen(person, existing) is not None:
            return existing, pd.DataFrame()
        problems.append({"field": f"{form}-find", "message": "Choose a person, group or "
                         "service from the list"})
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
                f"One matches “{typed}”: choose it to confirm" if len(found) == 1
                else f"{len(found)} match “{typed}”: choose one")})
        else:
            problems.append({"field": f"{form}-find", "message": (
                f"Nobody on your caseload or in this circle, and no group or service, "
                f"matches “{typed}”. Check the spelling, or add them as someone new")})
        return "", pd.DataFrame()
    if not name:
        problems.append({"field": f"{form}-find", "message": "Give an existing person, "
                         "group or service, or the name of a new one"})
        return "", pd.DataFrame()
    if kind not in NEW_TYPES:
        problems.append({"field": f"{form}-new_type", "message": "Choose person, group or "
                         "service for the new one"})
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
                             "message": _plain(p.reason)} for p in err.problems]) from err
    new = checked.nodes["id"].isin(nodes.get("id", pd.Series(dtype=object)))
    return Tables(checked.nodes[new.to_numpy()].reset_index(drop=True), checked.ties)


def _plain(reason: str) -> str:
    """A validation reason in words for the form ("unknown tie kind; expected ..." → ...)."""
    text = reason.replace("tie kind", "kind of connection").replace("a tie", "a connection")
    return text[0].upper() + text[1:]


def _save(person: str, action: str, tables: Tables, remove: list, before: Any,
          after: Any) -> Any:
    P = programme()
    try:
        P.store.record_change(tables, remove)
    except (NotFound, StoreError) as err:
        raise FormProblems([{"field": f"{action}-tie", "message": str(err)}]) from err
    replace_programme(Network(P.store))
    audit(f"record.{action}", person, json.dumps({"before": before, "after": after},
                                                 ensure_ascii=False, default=str))
    return redirect(url_for("coordinator.person_page", person=person, recorded=action)
                    + "#recorded")


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
            problems.append({"field": "add-kind", "message": "Choose the kind of connection"})
        start = _date("add", "start", problems, required=True)
        if problems:
            raise FormProblems(problems)
        me = g.user.coordinator if request.form.get("introduced") == "yes" else ""
        ties = _tie(person, other, kind, start, "", request.form.get("circle", ""),
                    request.form.get("reciprocal") == "yes", me)
        own = _own_ties(person)
        if ((own["alter"] == other) & (own["kind"] == kind) & (own["start"] == start)).any():
            raise FormProblems([{"field": "add-start", "message": "This connection is already "
                                 "recorded from that date"}])
        tables = _validate(person, "add", new_nodes, ties, other)
        return _save(person, "add", tables, [], None, {
            **_row(ties_to_text(tables.ties)), **({"new": _row(new_nodes)} if len(new_nodes)
                                                  else {})})
    except FormProblems as err:
        return render_person(person, row, form={"name": "add", **request.form},
                             problems=err.problems, status=400)


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
        return _save(person, "end", tables, [], before, after)
    except FormProblems as err:
        return render_person(person, row, form={"name": "end", **request.form},
                             problems=err.problems, status=400)


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
            return _save(person, "withdraw", Tables.from_records([], []), [key], before, None)
        kind = request.form.get("kind") or before["kind"]
        start = _date("fix", "start", problems, required=False) or before["start"]
        day = (_date("fix", "end", problems, required=False)
               if request.form.get("end", "").strip() else before["end"])
        circle = request.form.get("circle") or before["circle"]
        if problems:
            raise FormProblems(problems)
        after = {**before, "kind": kind, "start": start, "end": day, "circle": circle}
        tables = _validate(person, "fix", pd.DataFrame(), pd.DataFrame([after]),
                           str(tie["alter"]))
        return _save(person, "correct", tables, [key], before, after)
    except FormProblems as err:
        return render_person(person, row, form={"name": "fix", **request.form},
                             problems=err.problems, status=400)


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
    return _save(person, "review", tables, [], {"reviews": before}, {"reviews": after})
