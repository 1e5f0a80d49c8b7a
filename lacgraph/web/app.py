"""The app factory: :func:`create_app` wires accounts, sessions, CSRF, headers and the pages.

Every route is closed unless a view says which roles may use it (:func:`requires`); every
person-level object is checked again inside the view (a coordinator's caseload, a manager's
team). Errors become a friendly page, or ``{"error": {"status": ..., "message": ...}}`` under
``/api/``, never a traceback.
"""

from __future__ import annotations

import logging
import secrets
import threading
from typing import Any

from flask import Flask, Response, abort, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from lacgraph import i18n
from lacgraph.audit.outbox import deliver
from lacgraph.errors import InputError, LacgraphError, NotFound, QueryError
from lacgraph.network import Network
from lacgraph.privacy import KEY_VARIABLE, Pseudonymiser
from lacgraph.tables import format_date
from lacgraph.viz import html as circle_page
from lacgraph.viz.svg import circle_key
from lacgraph.web import (
    admin,
    auth,
    coordinator,
    duplicates,
    evaluator,
    finder,
    manager,
    record,
    settings,
)
from lacgraph.web.appdb import AppDB
from lacgraph.web.context import (
    HOME,
    MESSAGES,
    Programme,
    audit,
    error_response,
    wait_for_audit,
)
from lacgraph.web.dates import date_parts, typed_parts, uk_date
from lacgraph.web.form_guards import csrf_token
from lacgraph.web.kept import keep
from lacgraph.web.language import browser_language, query_language, switch_url, template_gettext
from lacgraph.web.security import add_headers
from lacgraph.web.sessions import ServerSessionInterface

log = logging.getLogger("lacgraph.web")


FORM_LIMIT = 64 * 1024
"""The largest body any request but an admin's data upload may send (bytes)."""

UPLOAD_LIMIT_MB = 200
"""The default limit of an admin's data upload (megabytes; ``--max-upload-mb``)."""

UPLOAD_FORM_MEMORY = 1024 * 1024
"""The text-field limit of an upload form (werkzeug streams its file parts to temporary
files; its parser also checks each 64 KB chunk it buffers against this, so it must be
larger than a chunk)."""

UPLOAD_ENDPOINTS = frozenset({"admin.load"})
"""The views that take data files (admins only): they get the upload limit."""


def create_app(G: Network, app_db: AppDB | str, *, pseudonymiser: Pseudonymiser | None = None,
               behind_proxy: bool = False, manager_names: str = "team",
               secret_key: bytes | None = None, max_upload_mb: int = UPLOAD_LIMIT_MB) -> Flask:
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
    secret_key : bytes, optional
        The key signing forms; default the one kept in ``app_db`` (so a restart or a second
        process keeps open forms valid).
    max_upload_mb : int
        The largest data upload an admin may send; every other request body is limited to
        :data:`FORM_LIMIT` (and refused with 413 before it is read).

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
        SECRET_KEY=secret_key or db.secret_key(),
        WTF_CSRF_TIME_LIMIT=None,  # tied to the session instead
        WTF_CSRF_SSL_STRICT=True,  # over HTTPS the Referer must be this host
        MAX_CONTENT_LENGTH=FORM_LIMIT,  # raised for admins' data uploads only
        MAX_FORM_MEMORY_SIZE=FORM_LIMIT,  # text fields; file parts stream to temporary files
        UPLOAD_LIMIT=max_upload_mb * 1024 * 1024,
        MANAGER_NAMES=manager_names,
        TEMPLATES_AUTO_RELOAD=False,
    )
    if behind_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.session_interface = ServerSessionInterface(db)
    app.extensions["lacgraph.db"] = db
    recovered = deliver(G.store, db)  # changes whose audit row a killed server did not write
    if recovered:
        log.warning("%d change(s) were stored without their audit row (the server stopped "
                    "in between); their audit rows are written now: %s", len(recovered),
                    ", ".join(f"{n.action} {n.target} at {n.at}" for n in recovered))
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

    app.jinja_env.globals["date_parts"] = date_parts  # the date input macro's boxes
    app.jinja_env.globals["typed_parts"] = typed_parts  # … as typed in a form sent back
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: i18n.translations(i18n.language()).gettext(message),
        ngettext=lambda singular, plural, num: i18n.translations(i18n.language()).ngettext(
            singular, plural, num),
        newstyle=True)
    # the same new-style gettext, faster (see template_gettext): ``_`` and ``{% trans %}``
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"] = template_gettext
    app.jinja_env.filters["uk_date"] = uk_date
    app.jinja_env.globals["circle_key"] = circle_key  # the key under circle pictures
    app.jinja_env.globals["keep"] = keep  # a macro's text written once (see web.kept)
    for module in (auth, coordinator, record, finder, evaluator, manager, admin, duplicates,
                   settings):
        app.register_blueprint(module.bp)
    # the interactive view's libraries, loaded in the background while the app starts
    threading.Thread(target=circle_page.prepare, name="lacgraph-prepare", daemon=True).start()

    @app.before_request
    def load_user() -> None:
        from flask import session

        name = session.get("user")
        g.user = db.user(name) if name else None
        if name and g.user is None:  # account removed while logged in
            session.clear()

    @app.before_request
    def choose_language() -> None:
        """The page's language: the ``lang`` query (kept for the session), the session's
        choice, the account's preference, then (logged out) the browser's."""
        from flask import session

        asked = query_language(request)
        if asked is not None and session.get("lang") != asked:
            session["lang"] = asked
        lang = asked or session.get("lang")
        if lang is None and g.user is not None:
            lang = db.languages.get(g.user.name)
        if lang is None:
            lang = browser_language(request)
        g.lang = lang
        g.lang_token = i18n.set_language(lang)

    @app.teardown_request
    def forget_language(_error: BaseException | None) -> None:
        """Put the language back after the request (a thread, or a test calling the app in
        its own thread, must not keep the last request's language)."""
        token = g.pop("lang_token", None)
        if token is not None:
            i18n.reset_language(token)

    @app.before_request
    def limit_body() -> None:
        """Refuse a body over its limit from its Content-Length, before reading it (and
        before the CSRF check reads the form); a body without a length is cut off at the
        limit while it is read."""
        user = g.get("user")
        upload = (request.endpoint in UPLOAD_ENDPOINTS and user is not None
                  and user.role == "admin")
        limit = app.config["UPLOAD_LIMIT"] if upload else FORM_LIMIT
        request.max_content_length = limit
        if upload:  # werkzeug checks each parsed chunk (64 KB) against this limit too
            request.max_form_memory_size = UPLOAD_FORM_MEMORY
        if request.content_length is not None and request.content_length > limit:
            abort(413)

    @app.before_request
    def same_origin() -> None:
        """A state-changing request must come from a page of this host: a browser's
        ``Origin`` (when sent) must be this scheme and host; the CSRF check then also
        wants the ``Referer`` over HTTPS (``Referrer-Policy: same-origin`` sends it)."""
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{request.host}":
            raise CSRFError("The request came from another site.")

    CSRFProtect(app)
    app.jinja_env.globals["csrf_token"] = csrf_token  # signed once per session (form_guards)

    @app.after_request
    def headers(response: Response) -> Response:
        return add_headers(response, https=request.is_secure)

    @app.after_request
    def audited(response: Response) -> Response:
        wait_for_audit()  # every audit line of this request is on disk before it answers
        return response

    @app.context_processor
    def globals_() -> dict[str, Any]:
        lang = g.get("lang", i18n.DEFAULT)
        other = i18n.other_language(lang)
        return {"user": g.get("user"), "format_date": format_date,
                "long_date": uk_date, "lang": lang, "other_lang": other,
                "other_lang_name": i18n.NAMES[other],
                "other_lang_url": switch_url(request, lang)}

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
        return error_response(400, i18n.N_(
            "This form has expired or did not come from this site. "
            "Go back, reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http(err: HTTPException) -> tuple[Any, int]:
        status = err.code or 500
        if status in (403, 404) and g.get("user") is not None:
            audit(f"denied.{status}", request.path, request.method)
        return error_response(status, MESSAGES.get(status) or err.description)

    @app.errorhandler(NotFound)
    def not_found(err: NotFound) -> tuple[Any, int]:
        if g.get("user") is not None:
            audit("denied.404", request.path, request.method)
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

