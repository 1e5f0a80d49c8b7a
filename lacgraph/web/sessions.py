"""Server-side sessions: the cookie holds only a random token; the data lives in the app DB.

So logging out, removing an account or rotating the id at login truly ends the old session
(a copied cookie opens nothing afterwards), which a signed-cookie session cannot promise.
Before login there is no server row at all (anyone may ask for the login page as often as
they like): the cookie then carries the CSRF token signed with the app's key
(``itsdangerous``), and the server-side session is issued only at login. A cookie that is
neither a well-formed token nor a valid signed value is treated as no session.
The cookie is ``HttpOnly``, ``SameSite=Lax``, and ``Secure`` whenever the request came over
HTTPS (directly, or through a trusted proxy when the app runs with ``behind_proxy``).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.datastructures import CallbackDict

from lacgraph.web.appdb import AppDB

COOKIE = "lacgraph_session"
IDLE = timedelta(minutes=30)
LIFETIME = timedelta(hours=10)
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
"""What a server session token looks like (``secrets.token_urlsafe(32)``)."""
SALT = "lacgraph-before-login"


class ServerSession(CallbackDict, SessionMixin):
    """The session's data, with its token (None until first saved)."""

    def __init__(self, data: dict | None = None, token: str | None = None):
        def changed(_: Any) -> None:
            self.modified = True

        super().__init__(data or {}, changed)
        self.token = token
        self.signed = False
        self.modified = False
        self.rotate = False

    def regenerate(self) -> None:
        """Give the session a new token when the response is sent (at login)."""
        self.rotate = True
        self.modified = True


class ServerSessionInterface(SessionInterface):
    """Flask session interface over :class:`~lacgraph.web.appdb.AppDB`."""

    def __init__(self, db: AppDB):
        self.db = db

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        value = request.cookies.get(COOKIE) or ""
        if TOKEN.fullmatch(value):
            data = self.db.session(value, IDLE, LIFETIME)
            if data is not None:
                return ServerSession(data, token=value)
        elif value:
            try:
                data = _signer(app).loads(value, max_age=int(LIFETIME.total_seconds()))
            except (BadData, UnicodeError, ValueError):
                data = None
            if isinstance(data, dict) and "user" not in data:
                session = ServerSession(data)
                session.signed = True
                return session
        return ServerSession()

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        secure = bool(app.config.get("SESSION_COOKIE_SECURE")) or _is_https()
        if not session or "user" not in session:
            if session.token:
                self.db.end_session(session.token)
                session.token = None
            if not session:
                if session.signed or request_has_cookie():
                    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax",
                                           secure=secure)
                return
            if session.modified or not session.signed:  # before login: signed, not stored
                response.set_cookie(COOKIE, _signer(app).dumps(dict(session)), httponly=True,
                                    samesite="Lax", secure=secure, path="/")
                response.vary.add("Cookie")
            return
        if not session.modified and session.token:
            return
        if session.token and session.rotate:
            self.db.end_session(session.token)
            session.token = None
        if session.token:
            self.db.save_session(session.token, dict(session))
            return
        self.db.purge_sessions(IDLE, LIFETIME)
        session.token = self.db.new_session(dict(session))
        response.set_cookie(COOKIE, session.token, httponly=True, samesite="Lax", secure=secure,
                            path="/")
        response.vary.add("Cookie")


def _signer(app: Flask) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app.secret_key, salt=SALT)  # type: ignore[arg-type]


def request_has_cookie() -> bool:
    """Whether the current request sent a session cookie (to clear a bad one)."""
    from flask import request

    return COOKIE in request.cookies


def _is_https() -> bool:
    from flask import request

    return request.is_secure
