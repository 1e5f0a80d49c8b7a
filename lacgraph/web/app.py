"""The app factory: :func:`create_app` wires accounts, sessions, CSRF, headers and the pages.

Every route is closed unless a view says which roles may use it (:func:`requires`); every
person-level object is checked again inside the view (a coordinator's caseload, a manager's
team). Errors become a friendly page, or ``{"error": {"status": ..., "message": ...}}`` under
``/api/``, never a traceback.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import Flask, Response, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from lacgraph.errors import InputError, LacgraphError, NotFound, QueryError
from lacgraph.network import Network
from lacgraph.privacy import KEY_VARIABLE, Pseudonymiser
from lacgraph.tables import format_date, format_long_date
from lacgraph.web import admin, auth, coordinator, evaluator, manager, record
from lacgraph.web.appdb import AppDB
from lacgraph.web.context import HOME, MESSAGES, Programme, error_response
from lacgraph.web.security import add_headers
from lacgraph.web.sessions import ServerSessionInterface

log = logging.getLogger("lacgraph.web")


def create_app(G: Network, app_db: AppDB | str, *, pseudonymiser: Pseudonymiser | None = None,
               behind_proxy: bool = False, manager_names: str = "team",
               secret_key: bytes | None = None) -> Flask:
    """Return the web app over network ``G`` with accounts in ``app_db``.

    Parameters
    ----------
    G : Network
        The programme (read once at start-up; restart the app after a load).
    app_db : AppDB or path
        Accounts, sessions and the audit log.
    pseudonymiser : Pseudonymiser, optional
        For evaluators' tables; default from ``LACGRAPH_PSEUDONYM_KEY``, else a random key
        for this process (pseudonyms then change when the server restarts; the page says so).
    behind_proxy : bool
        Trust one reverse proxy's ``X-Forwarded-*`` headers (so ``Secure`` cookies and HSTS
        follow the client's HTTPS).
    manager_names : {"team", "none"}
        Whether managers see isolated people's names in their own team's neighbourhoods.

    Examples
    --------
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "a", "type": "person"}], ties=[]))
    >>> app = create_app(G, ":memory:")
    >>> app.test_client().get("/login").status_code
    200
    """
    if manager_names not in ("team", "none"):
        raise QueryError(f"manager_names={manager_names!r}: expected 'team' or 'none'")
    db = app_db if isinstance(app_db, AppDB) else AppDB(app_db)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_bytes(32),
        WTF_CSRF_TIME_LIMIT=None,  # tied to the server-side session instead
        WTF_CSRF_SSL_STRICT=True,
        MAX_CONTENT_LENGTH=512 * 1024 * 1024,  # data uploads (admins); forms are capped
        MAX_FORM_MEMORY_SIZE=64 * 1024,
        MANAGER_NAMES=manager_names,
        TEMPLATES_AUTO_RELOAD=False,
    )
    if behind_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.session_interface = ServerSessionInterface(db)
    CSRFProtect(app)
    app.extensions["lacgraph.db"] = db
    app.extensions["lacgraph.programme"] = Programme(G)
    if pseudonymiser is None:
        try:
            pseudonymiser = Pseudonymiser.from_environment()
            app.config["PSEUDONYMS_STABLE"] = True
        except QueryError:
            pseudonymiser = Pseudonymiser(secrets.token_bytes(32))
            app.config["PSEUDONYMS_STABLE"] = False
            log.warning("%s is not set: evaluators' pseudonyms change when the server "
                        "restarts", KEY_VARIABLE)
    else:
        app.config["PSEUDONYMS_STABLE"] = True
    app.extensions["lacgraph.pseudonymiser"] = pseudonymiser

    for module in (auth, coordinator, record, evaluator, manager, admin):
        app.register_blueprint(module.bp)

    @app.before_request
    def load_user() -> None:
        from flask import session

        name = session.get("user")
        g.user = db.user(name) if name else None
        if name and g.user is None:  # account removed while logged in
            session.clear()

    @app.after_request
    def headers(response: Response) -> Response:
        return add_headers(response, https=request.is_secure)

    @app.context_processor
    def globals_() -> dict[str, Any]:
        return {"user": g.get("user"), "format_date": format_date,
                "long_date": format_long_date}

    @app.get("/")
    def index() -> ResponseReturnValue:
        if g.user is None:
            return redirect(url_for("auth.login"))
        return redirect(url_for(HOME[g.user.role]))

    @app.get("/healthz")
    def healthz() -> Response:
        return Response("ok\n", mimetype="text/plain")

    _register_errors(app)
    return app


def _register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf(err: CSRFError) -> tuple[Any, int]:
        return error_response(400, "This form has expired or did not come from this site. "
                                   "Go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http(err: HTTPException) -> tuple[Any, int]:
        status = err.code or 500
        return error_response(status, MESSAGES.get(status) or err.description)

    @app.errorhandler(NotFound)
    def not_found(err: NotFound) -> tuple[Any, int]:
        return error_response(404)

    @app.errorhandler(InputError)
    def bad_input(err: InputError) -> tuple[Any, int]:
        return error_response(400, err.report(limit=20))

    @app.errorhandler(LacgraphError)
    def lacgraph_error(err: LacgraphError) -> tuple[Any, int]:
        return error_response(400, str(err))

    @app.errorhandler(Exception)
    def crash(err: Exception) -> tuple[Any, int]:
        log.exception("Unhandled error on %s", request.path)
        return error_response(500)

