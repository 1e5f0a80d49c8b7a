"""Server-side sessions: the cookie holds only a random token; the data lives in the app DB.

So logging out, removing an account or rotating the id at login truly ends the old session
(a copied cookie opens nothing afterwards), which a signed-cookie session cannot promise.
The cookie is ``HttpOnly``, ``SameSite=Lax``, and ``Secure`` whenever the request came over
HTTPS (directly, or through a trusted proxy when the app runs with ``behind_proxy``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from lacgraph.web.appdb import AppDB

COOKIE = "lacgraph_session"
IDLE = timedelta(minutes=30)
LIFETIME = timedelta(hours=10)


class ServerSession(CallbackDict, SessionMixin):
    """The session's data, with its token (None until first saved)."""

    def __init__(self, data: dict | None = None, token: str | None = None):
        def changed(_: Any) -> None:
            self.modified = True

        super().__init__(data or {}, changed)
        self.token = token
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
        token = request.cookies.get(COOKIE)
        if token and len(token) < 100:
            data = self.db.session(token, IDLE, LIFETIME)
            if data is not None:
                return ServerSession(data, token)
        return ServerSession()

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        secure = bool(app.config.get("SESSION_COOKIE_SECURE")) or _is_https()
        if not session:
            if session.token:
                self.db.end_session(session.token)
                response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax",
                                       secure=secure)
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


def _is_https() -> bool:
    from flask import request

    return request.is_secure
