"""The app factory: :func:`create_app` wires accounts, sessions, CSRF, headers and the pages.

Every route is closed unless a view says which roles may use it (:func:`requires`); every
person-level object is checked again inside the view (a coordinator's caseload, a manager's
team). Errors become a friendly page, or ``{"error": {"status": ..., "message": ...}}`` under
``/api/``, never a traceback.
"""

from __future__ import annotations

import functools
import logging
import secrets
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from flask import Flask, Response, abort, g, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from lacgraph.errors import InputError, LacgraphError, NotFound, QueryError
from lacgraph.network import Network
from lacgraph.privacy import KEY_VARIABLE, Pseudonymiser
from lacgraph.stores import MemoryStore
from lacgraph.tables import format_date
from lacgraph.web.appdb import AppDB, User
from lacgraph.web.egoindex import IndexedEgoStore
from lacgraph.web.security import add_headers
from lacgraph.web.sessions import ServerSessionInterface

log = logging.getLogger("lacgraph.web")

HOME = {"coordinator": "coordinator.caseload", "evaluator": "evaluator.growth_page",
        "manager": "manager.neighbourhoods", "admin": "admin.users"}
"""Each role's first page."""


class Programme:
    """What the views need from the network, indexed once at start-up (thread-safe)."""

    def __init__(self, G: Network):
        self.G = G
        nodes = G.tables.nodes
        self.nodes = nodes.set_index("id", drop=False).rename_axis(None)
        people = nodes[nodes["type"] == "person"]
        self.people = people.set_index("id", drop=False).rename_axis(None)
        self.caseloads = {c: frame.set_index("id", drop=False).rename_axis(None) for c, frame in
                          people[people["coordinator"] != ""].groupby("coordinator")}
        self.neighbourhoods = sorted(n for n in people["neighbourhood"].unique() if n)
        try:
            self.last_date = G.last_date
        except QueryError:
            self.last_date = np.datetime64("today", "D").astype("datetime64[s]")
        self._metrics: dict[np.datetime64, pd.DataFrame] = {}
        self.results: dict[tuple, Any] = {}  # e.g. growth per window, dropped with a reload
        self._lock = threading.Lock()
        self.results_lock = threading.Lock()
        self.draw_lock = threading.Lock()  # matplotlib is not thread-safe

    def day(self, value: str | None) -> np.datetime64:
        """A date from a query string (empty = the data's last date); bad → 400."""
        if not value:
            return self.last_date
        try:
            return self.G.resolve_date(value)
        except QueryError:
            raise
        except ValueError as err:
            raise QueryError(f"{value!r} is not a date: expected YYYY-MM-DD") from err

    def metrics(self, at: np.datetime64) -> pd.DataFrame:
        """Every person's measures at ``at`` (computed once per date)."""
        with self._lock:
            if at not in self._metrics:
                self._metrics[at] = self.G.metrics(at=at)
            return self._metrics[at]

    def person_network(self, person: str) -> Network:
        """A network of ``person``'s own ties at every date (and the nodes at their ends):
        enough for one-person questions such as the timeline or the changes since a date,
        and much faster than the whole programme. The whole network when the store has no
        index (e.g. Neo4j)."""
        store = self.G.store
        if isinstance(store, IndexedEgoStore):
            return Network.from_tables(store.person_tables(person))
        return self.G

    def label(self, node_id: str) -> str:
        """A node's display name (its id when it has no label)."""
        if node_id in self.nodes.index:
            return str(self.nodes.at[node_id, "label"] or node_id)
        return node_id


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
    if isinstance(G.store, MemoryStore):
        indexed = IndexedEgoStore(G.store)
        indexed.build()
        G = Network(indexed)  # a circle on every page view: index the ties once
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

    from lacgraph.web import admin, auth, coordinator, evaluator, manager

    for module in (auth, coordinator, evaluator, manager, admin):
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
        return {"user": g.get("user"), "format_date": format_date}

    @app.get("/")
    def index() -> Response:
        if g.user is None:
            return redirect(url_for("auth.login"))
        return redirect(url_for(HOME[g.user.role]))

    @app.get("/healthz")
    def healthz() -> Response:
        return Response("ok\n", mimetype="text/plain")

    _register_errors(app)
    return app


# -- helpers for views -------------------------------------------------------------------------
def db() -> AppDB:
    """The app database of the current app."""
    from flask import current_app

    return current_app.extensions["lacgraph.db"]


def programme() -> Programme:
    """The indexed network of the current app."""
    from flask import current_app

    return current_app.extensions["lacgraph.programme"]


def replace_programme(G: Network) -> Programme:
    """Index a freshly loaded network and serve it from the next request on."""
    from flask import current_app

    P = Programme(G)
    current_app.extensions["lacgraph.programme"] = P
    return P


def audit(action: str, target: str = "", detail: str = "") -> None:
    """Append to the audit log as the current user."""
    user: User | None = g.get("user")
    db().audit(user.name if user else "-", user.role if user else "-", action, target, detail,
               request.remote_addr or "")


def requires(*roles: str) -> Callable:
    """Let only logged-in users with one of ``roles`` reach a view (else 302/401, or 403)."""

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def inner(*args: Any, **kwargs: Any) -> Any:
            if g.get("user") is None:
                if request.path.startswith("/api/"):
                    abort(401)
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return inner

    return wrap


def optional_module(name: str) -> Any:
    """Import a feature module built by another issue, or None when this build lacks it."""
    import importlib

    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name and (name == err.name or name.startswith(err.name + ".")):
            return None
        raise


def unavailable(feature: str) -> tuple[str, int]:
    """The 'not available in this build' page (HTTP 501)."""
    return render_template("unavailable.html", feature=feature), 501


# -- errors ------------------------------------------------------------------------------------
MESSAGES = {
    400: "The request was not understood.",
    401: "Please log in.",
    403: "Your account cannot open this page.",
    404: "There is nothing here (or nothing you may see).",
    405: "That action is not allowed here.",
    413: "That request is too large.",
    429: "Too many attempts. Please wait and try again.",
    500: "Something went wrong on our side. The problem has been logged.",
    501: "Not available in this build.",
}


def error_response(status: int, message: str | None = None) -> tuple[Any, int]:
    """The one error shape: JSON under ``/api/``, else the friendly page."""
    message = message or MESSAGES.get(status, "Something went wrong.")
    if request.path.startswith("/api/"):
        return jsonify({"error": {"status": status, "message": message}}), status
    return render_template("error.html", status=status, message=message), status


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


# -- downloads ---------------------------------------------------------------------------------
def safe_csv(frame: pd.DataFrame) -> str:
    """CSV for a browser download, formula-safe by the one shared rule
    (:func:`lacgraph.output.formula_safe`); numbers are left alone.

    Examples
    --------
    >>> print(safe_csv(pd.DataFrame({"label": ["=HYPERLINK(1)", "Ann"], "change": [-1, 2]})),
    ...       end="")
    label,change
    '=HYPERLINK(1),-1
    Ann,2
    """
    from lacgraph.output import to_csv

    return to_csv(frame)


def csv_download(frame: pd.DataFrame, filename: str) -> Response:
    """A CSV attachment (see :func:`safe_csv`)."""
    return Response(safe_csv(frame), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
