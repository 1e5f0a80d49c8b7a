"""An account's own settings: the language its pages speak ("Language / Iaith")."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from lacgraph.i18n import LANGUAGES, NAMES, _, set_language
from lacgraph.web.context import HOME, audit, db, requires

bp = Blueprint("settings", __name__)

ROLES = ("coordinator", "evaluator", "manager", "admin")


@bp.route("/account/language", methods=["GET", "POST"])
@requires(*ROLES)
def language() -> Any:
    """Show and save the account's language; its pages speak it from then on."""
    if request.method == "GET":
        return render_template("language.html", languages=LANGUAGES, names=NAMES,
                               chosen=db().languages.get(g.user.name) or g.lang)
    chosen = request.form.get("language", "")
    if chosen not in LANGUAGES:
        problems = [{"field": "language-en",
                     "message": _("Choose the language your pages should use")}]
        return render_template("language.html", languages=LANGUAGES, names=NAMES,
                               chosen=None, problems=problems), 400
    db().languages.set(g.user.name, chosen)
    session["lang"] = chosen
    g.lang = chosen
    set_language(chosen)
    audit("account.language", g.user.name, chosen)
    return redirect(url_for(HOME[g.user.role]))
