"""Which language a page speaks, and the account preference that remembers it.

The language of a request is, in order: the ``lang`` query (the language link on every
page; remembered for the rest of the session), the session's choice, the account's saved
preference (:class:`LanguagePreferences`, set on the "Language" page), and for someone not
logged in the browser's ``Accept-Language``; English otherwise. Welsh pages are the same
pages, with every sentence from the Welsh catalogue (:mod:`lacgraph.i18n`).
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from flask import Request
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from lacgraph.audit.appfile import AppFile
from lacgraph.i18n import DEFAULT, LANGUAGES, check_language, language, other_language, translations

PREFERENCES_SCHEMA = """
CREATE TABLE IF NOT EXISTS language_preferences (
    name TEXT PRIMARY KEY,
    language TEXT NOT NULL
);
"""


class LanguagePreferences:
    """Each account's preferred language, in the app database file."""

    def __init__(self, file: AppFile):
        self.file = file
        file.create(PREFERENCES_SCHEMA)

    def get(self, name: str) -> str | None:
        """The language account ``name`` chose, or ``None``."""
        rows = self.file.run("SELECT language FROM language_preferences WHERE name = ?",
                             (name,))
        return rows[0][0] if rows else None

    def set(self, name: str, lang: str) -> None:
        """Remember ``lang`` for account ``name``."""
        self.file.run("INSERT INTO language_preferences (name, language) VALUES (?, ?) "
                      "ON CONFLICT(name) DO UPDATE SET language = excluded.language",
                      (name, check_language(lang)))


def query_language(request: Request) -> str | None:
    """The language the ``lang`` query asks for, or ``None`` (an unknown one is ignored)."""
    asked = request.args.get("lang")
    try:
        return check_language(asked) if asked else None
    except ValueError:
        return None


def browser_language(request: Request) -> str:
    """The best of our languages for the browser's ``Accept-Language`` (English if none)."""
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT


def switch_url(request: Request, lang: str) -> str:
    """This page in the other language: the same path and query, ``lang`` set."""
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    query.append(("lang", other_language(lang)))
    return f"{request.path}?{urlencode(query)}"


@pass_context
def template_gettext(context: Context, message: str, **variables: Any) -> str:
    """``_()`` and ``gettext()`` in templates: Jinja's new-style gettext (the message in the
    page's language, escaped unless plain text, always a format string), with each message
    without variables kept once written. A page calls it about a hundred times, and
    Jinja's own costs about eight microseconds a call.

    Examples
    --------
    >>> from jinja2 import Environment
    >>> env = Environment(autoescape=True)
    >>> env.globals["_"] = template_gettext
    >>> env.from_string('{{ _("%(name)s & 100%%", name="<Jo>") }}').render()
    '&lt;Jo&gt; & 100%'
    """
    autoescape = context.eval_ctx.autoescape
    if not variables:
        return _kept(language(), autoescape, message)
    text = translations(language()).gettext(message)
    return (Markup(text) if autoescape else text) % variables


@functools.lru_cache(maxsize=4096)
def _kept(lang: str, autoescape: bool, message: str) -> str:
    text = translations(lang).gettext(message)
    return (Markup(text) if autoescape else text) % {}
