"""Log in and out: CSRF-protected forms, lockout with backoff, session rotation, audit."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from lacgraph.i18n import _, ngettext
from lacgraph.web.accounts import MIN_PASSWORD
from lacgraph.web.context import HOME, audit, db

bp = Blueprint("auth", __name__)


UNSAFE_IN_NEXT = re.compile(r"[\x00-\x20\x7f-\x9f\\]")
"""Characters a browser drops or rewrites when it reads a URL (tab, CR, LF and other
controls, spaces, and ``\\`` which it reads as ``/``): a ``next`` holding any is refused,
so what is checked is what the browser will follow."""


def _safe_next(target: str | None) -> str | None:
    r"""Only a path on this site (no scheme, no host, no ``//``) may follow a login.

    Examples
    --------
    >>> _safe_next("/people/p1?at=2024-01-01"), _safe_next("//evil.example"), _safe_next("https://x")
    ('/people/p1?at=2024-01-01', None, None)
    >>> _safe_next("/\t/evil.example"), _safe_next("/\\evil.example"), _safe_next("/x\r\nSet-Cookie: a=b")
    (None, None, None)
    """
    if not target or UNSAFE_IN_NEXT.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login form; on success a fresh session id and the role's first page."""
    if request.method == "GET":
        if g.user is not None:
            return redirect(url_for(HOME[g.user.role]))
        # No server session yet: the CSRF token rides in a signed cookie until login.
        return render_template("login.html", next=_safe_next(request.args.get("next")) or "")
    name = request.form.get("name", "").strip()[:64]
    password = request.form.get("password", "")[:1024]
    target = _safe_next(request.form.get("next"))
    address = request.remote_addr or ""
    until = db().begin_attempt(name, address)  # checks the lock and counts this attempt
    if until is not None:
        audit("login.locked", name)
        wait = max(1, int((until - until.now(until.tzinfo)).total_seconds()))
        return render_template("login.html", next=target or "", error=ngettext(
            "Too many failed attempts. Try again in %(num)d second.",
            "Too many failed attempts. Try again in %(num)d seconds.", wait)), 429
    user = db().check_password(name, password)
    if user is None:
        g.user = None
        audit("login.failure", name)
        return render_template("login.html", next=target or "",
                               error=_("Wrong account name or password.")), 401
    db().clear_failures(name, address)
    lang = session.get("lang")  # the language chosen before logging in stays
    session.clear()
    if lang:
        session["lang"] = lang
    session.regenerate()  # type: ignore[attr-defined]
    session["user"] = user.name
    g.user = user
    audit("login.success", user.name)
    return redirect(target or url_for(HOME[user.role]))


@bp.post("/logout")
def logout() -> Any:
    """End the session (server side: the old cookie opens nothing afterwards)."""
    if g.user is not None:
        audit("logout", g.user.name)
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password() -> Any:
    """Any logged-in user changes their own password (the current one first); every
    session of the account ends and this one starts afresh."""
    from lacgraph.errors import InputError

    if g.user is None:
        return redirect(url_for("auth.login", next=request.path))
    if request.method == "GET":
        audit("view.account")
        return render_template("password.html")
    form = request.form
    address = request.remote_addr or ""
    until = db().begin_attempt(g.user.name, address)  # the login's limits, shared
    if until is not None:
        audit("password.locked", g.user.name)
        wait = max(1, int((until - until.now(until.tzinfo)).total_seconds()))
        return render_template("password.html", error=ngettext(
            "Too many failed attempts. Try again in %(num)d second.",
            "Too many failed attempts. Try again in %(num)d seconds.", wait)), 429
    if db().check_password(g.user.name, form.get("current", "")[:1024]) is None:
        audit("password.change-refused", g.user.name)
        return render_template("password.html", error=_("Your current password is wrong.")), 400
    db().clear_failures(g.user.name, address)
    if form.get("new", "") != form.get("again", ""):
        return render_template("password.html", error=_("The new passwords differ.")), 400
    try:
        db().set_password(g.user.name, form.get("new", "")[:1024])
    except InputError:
        return render_template("password.html", error=_(
            "The new password must have at least %(count)s characters.",
            count=MIN_PASSWORD)), 400
    audit("password.change", g.user.name)
    name = g.user.name
    session.clear()
    session.regenerate()  # type: ignore[attr-defined]
    session["user"] = name
    return render_template("password.html", done=_(
        "Your password was changed; your other sessions were ended."))
