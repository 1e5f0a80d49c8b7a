"""Finding the other end of a new connection by part of its name, never by an id.

A coordinator adding a connection to a person may pick an existing *person* only from their
own caseload or from the people already in that person's circle (joined by a tie at any
date); groups and services are found by name anywhere in the programme. Names are compared
by :func:`lacgraph.analysis.names.normalise_name` and match on any part ("Art Group" finds
"Coeddale Art Group"). Each result carries its type and neighbourhood, so namesakes are
told apart. Nobody outside that scope is ever a result, so the answer for a name is the
same whether or not someone of that name is supported elsewhere in the programme.

Two ways in, one answer: without JavaScript the add form is posted with the words typed and
the page comes back with what matches as a list to choose from (:mod:`.record`); with it,
``GET /people/<person>/find.json?q=`` feeds the autocomplete of ``static/finder.js``
(a combobox and listbox, results announced in a live region). Searches are audited as a
search and its result count, never the words typed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from flask import Blueprint, g, jsonify, request

from lacgraph.analysis.names import normalise_name, normalised_names
from lacgraph.i18n import _, ngettext
from lacgraph.web.context import audit, programme, requires
from lacgraph.web.coordinator import _own_person
from lacgraph.web.words import word

bp = Blueprint("finder", __name__)

FOUND_TYPES = ("group", "service")
"""Types found anywhere in the programme (people only in scope)."""
MOST = 20
"""Results shown at most (ask for more of the name to narrow them)."""


def in_scope(person: str) -> pd.DataFrame:
    """The nodes a coordinator may connect ``person`` to: their caseload, the people in
    ``person``'s circle (at any date), and every group and service. Columns ``id``,
    ``label``, ``type``, ``neighbourhood``; ``person`` itself left out."""
    P = programme()
    nodes = P.nodes
    caseload = P.caseloads.get(g.user.coordinator)
    ids: set[str] = set(caseload.index) if caseload is not None else set()
    ties = P.person_network(person).tables.ties
    mine = ties[(ties["source"] == person) | (ties["target"] == person)]
    alters = set(np.where(mine["source"] == person, mine["target"], mine["source"]))
    people = nodes[nodes["type"].eq("person")]
    ids |= alters & set(people.index)
    ids.discard(person)
    chosen = nodes.index.isin(sorted(ids)) | nodes["type"].isin(FOUND_TYPES)
    found = nodes.loc[chosen, ["id", "label", "type", "neighbourhood"]]
    return found.fillna("").astype(str).reset_index(drop=True)


def find(person: str, text: str) -> list[dict[str, str]]:
    """The nodes in scope (see :func:`in_scope`) whose name contains ``text``, exact names
    first, then by name, type, neighbourhood and id; at most :data:`MOST`. Each is
    ``{"id", "name", "type", "neighbourhood", "text", "chosen"}`` where ``text`` tells
    namesakes apart ("Coeddale Art Group, group in Coeddale") and ``chosen`` is what is
    announced when it is picked (both in the current language)."""
    needle = normalise_name(text)
    if not needle:
        return []
    nodes = in_scope(person)
    names = normalised_names(nodes["label"])
    hits = nodes[names.str.contains(needle, regex=False).to_numpy()].copy()
    hits["exact"] = names[hits.index] != needle
    hits = hits.sort_values(["exact", "label", "type", "neighbourhood", "id"], kind="stable")
    return [describe(row) for row in hits.head(MOST).to_dict("records")]


def describe(row: dict[str, Any]) -> dict[str, str]:
    """A node as a finder result.

    Examples
    --------
    >>> describe({"id": "g7", "label": "Art Group", "type": "group",
    ...           "neighbourhood": "Coeddale"})["text"]
    'Art Group, group in Coeddale'
    >>> describe({"id": "p9", "label": "", "type": "person", "neighbourhood": ""})["text"]
    'p9, person'
    """
    name = str(row["label"] or row["id"])
    kind = str(row["type"])
    where = str(row["neighbourhood"] or "")
    text = (_("%(name)s, %(type)s in %(place)s", name=name, type=word(kind), place=where)
            if where else _("%(name)s, %(type)s", name=name, type=word(kind)))
    return {"id": str(row["id"]), "name": name, "type": kind, "neighbourhood": where,
            "text": text, "chosen": _("%(choice)s chosen", choice=text)}


def chosen(person: str, node: str) -> dict[str, str] | None:
    """The result for id ``node`` if it is in scope for ``person``, else None (an id out of
    scope and an id that does not exist get the same answer)."""
    nodes = in_scope(person)
    hit = nodes[nodes["id"] == node]
    return describe(hit.iloc[0].to_dict()) if len(hit) else None


@bp.get("/people/<person>/find.json")
@requires("coordinator")
def results_json(person: str) -> Any:
    """The autocomplete's results (:func:`find`), as JSON, with what the page announces in
    the current language when something matches: ``status`` (how many matches),
    ``label`` (the list's name)."""
    _own_person(person)
    text = request.args.get("q", "").strip()[:100]
    found = find(person, text) if text else []
    audit("record.find", person, f"results={len(found)}")
    body: dict[str, Any] = {"results": found}
    if found:  # "none" and the list's name are on the page too (base.html's finder words)
        body["status"] = ngettext("%(num)d match available", "%(num)d matches available",
                                  len(found))
        body["label"] = _("Matches")
    return jsonify(body)
