"""Which language a page speaks, and the account preference that remembers it.

The language of a request is, in order: the ``lang`` query (the language link on every
page; remembered for the rest of the session), the session's choice, the account's saved
preference (:class:`LanguagePreferences`, set on the "Language" page), and for someone not
logged in the browser's ``Accept-Language``; English otherwise. Welsh pages are the same
pages, with every sentence from the Welsh catalogue (:mod:`lacgraph.i18n`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Request

from lacgraph.audit.appfile import AppFile
from lacgraph.i18n import DEFAULT, LANGUAGES, check_language, other_language

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
