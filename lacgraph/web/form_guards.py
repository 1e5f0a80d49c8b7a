"""What a person's record forms carry against stale and repeated sending: the page's
one-time form token and the version of the person's row the page showed (checked by
:mod:`lacgraph.web.record` when a form comes back)."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict

import pandas as pd
from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf

from lacgraph.stores.guard import node_version
from lacgraph.tables import node_text
from lacgraph.web.context import programme

SIGNED_KEPT = 4096
"""How many sessions' signed CSRF tokens are kept (least recently used first out)."""

_signed: OrderedDict[tuple[str, str], str] = OrderedDict()
_signed_lock = threading.Lock()


def csrf_token() -> str:
    """The session's CSRF token, as flask-wtf's ``generate_csrf`` signs it, signed once per
    session and kept. Tokens never expire on their own (``WTF_CSRF_TIME_LIMIT=None``: a
    token lives as long as its session's secret), so a kept token is as valid as a new one;
    signing it again on every page cost a compression of the payload each time (up to
    half a millisecond per page). Reading the secret from the session never changes it.
    """
    secret = session.get("csrf_token")
    key = (str(current_app.secret_key), str(secret))
    if secret is not None:
        with _signed_lock:
            token = _signed.get(key)
            if token is not None:
                _signed.move_to_end(key)
                g.csrf_token = token  # what generate_csrf gives for the rest of the request
                return token
    token = generate_csrf()
    key = (str(current_app.secret_key), str(session.get("csrf_token")))
    with _signed_lock:
        _signed[key] = token
        while len(_signed) > SIGNED_KEPT:
            _signed.popitem(last=False)
    return token


def new_form_token() -> str:
    """The one-time token of the forms on one page (the same for every form of that page:
    the first change sent from it uses it up; the page after the change has a new one)."""
    token = g.get("lacgraph_form_token")
    if token is None:
        token = g.lacgraph_form_token = secrets.token_urlsafe(18)
    return token


def person_version(person: str, row: pd.Series | None = None) -> str:
    """The version of ``person``'s row as the page shows it (carried by the review form);
    ``row``: that row of this data version's nodes, when the caller has it already."""
    P = programme()
    if row is None and person not in P.nodes.index:
        return ""
    return P.remember(("node version", person), lambda: node_version(node_text(
        P.nodes.loc[person] if row is None else row)))
