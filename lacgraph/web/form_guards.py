"""What a person's record forms carry against stale and repeated sending: the page's
one-time form token and the version of the person's row the page showed (checked by
:mod:`lacgraph.web.record` when a form comes back)."""

from __future__ import annotations

import secrets

from flask import g

from lacgraph.stores.guard import node_version
from lacgraph.tables import node_text
from lacgraph.web.context import programme


def new_form_token() -> str:
    """The one-time token of the forms on one page (the same for every form of that page:
    the first change sent from it uses it up; the page after the change has a new one)."""
    token = g.get("lacgraph_form_token")
    if token is None:
        token = g.lacgraph_form_token = secrets.token_urlsafe(18)
    return token


def person_version(person: str) -> str:
    """The version of ``person``'s row as the page shows it (carried by the review form)."""
    P = programme()
    if person not in P.nodes.index:
        return ""
    return P.remember(("node version", person),
                      lambda: node_version(node_text(P.nodes.loc[person])))
