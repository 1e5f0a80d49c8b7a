"""What every blueprint shares: the programme being served, the app database, the audit
log, role checks, the one error shape and CSV downloads.

Blueprints import these from here, never from :mod:`lacgraph.web.app` (the factory imports
the blueprints, so the arrows run one way: app -> blueprints -> context).
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from flask import (
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from lacgraph.errors import QueryError
from lacgraph.network import Network
from lacgraph.output import to_csv
from lacgraph.person_view import PersonView
from lacgraph.stores import MemoryStore
from lacgraph.web.appdb import AppDB, User

if TYPE_CHECKING:
    from lacgraph.dated import DatedNetwork

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
        self._views: OrderedDict[tuple, Any] = OrderedDict()  # see remember()
        self._views_lock = threading.Lock()

    VIEWS = 2048
    """How many one-person answers :meth:`remember` keeps (least recently used dropped)."""

    def remember(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """Return ``compute()``, kept under ``key`` for later calls (e.g. a person's page at
        a date). The data cannot change under it: a recorded change or a load replaces the
        whole :class:`Programme` (see :func:`replace_programme`), and the cache with it."""
        with self._views_lock:
            if key in self._views:
                self._views.move_to_end(key)
                return self._views[key]
        value = compute()
        with self._views_lock:
            self._views[key] = value
            while len(self._views) > self.VIEWS:
                self._views.popitem(last=False)
        return value

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

    def person_network(self, person: str) -> DatedNetwork:
        """``person``'s own ties at every date (and the nodes at their ends) over the
        programme's store: enough for one-person questions such as the circle, the timeline
        or the changes since a date, and much faster than the whole programme. The whole
        network when the store has no person index (e.g. Neo4j)."""
        store = self.G.store
        if isinstance(store, MemoryStore):
            return PersonView(store, person)
        return self.G

    def label(self, node_id: str) -> str:
        """A node's display name (its id when it has no label)."""
        if node_id in self.nodes.index:
            return str(self.nodes.at[node_id, "label"] or node_id)
        return node_id



# -- helpers for views -------------------------------------------------------------------------
def db() -> AppDB:
    """The app database of the current app."""
    return current_app.extensions["lacgraph.db"]


def programme() -> Programme:
    """The indexed network of the current app."""
    return current_app.extensions["lacgraph.programme"]


def replace_programme(G: Network) -> Programme:
    """Index a freshly loaded network and serve it from the next request on."""
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
}


def error_response(status: int, message: str | None = None) -> tuple[Any, int]:
    """The one error shape: JSON under ``/api/``, else the friendly page."""
    message = message or MESSAGES.get(status, "Something went wrong.")
    if request.path.startswith("/api/"):
        return jsonify({"error": {"status": status, "message": message}}), status
    return render_template("error.html", status=status, message=message), status



# -- downloads ---------------------------------------------------------------------------------
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_csv(frame: pd.DataFrame) -> str:
    """CSV for a browser download: text cells that a spreadsheet would run as a formula
    get a leading ``'`` (OWASP's CSV-injection advice); numbers are left alone.

    Examples
    --------
    >>> print(safe_csv(pd.DataFrame({"label": ["=HYPERLINK(1)", "Ann"], "change": [-1, 2]})),
    ...       end="")
    label,change
    '=HYPERLINK(1),-1
    Ann,2
    """
    out = frame.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])):
            out[col] = [("'" + v) if isinstance(v, str) and v.startswith(FORMULA_START) else v
                        for v in out[col]]
    return to_csv(out)


def csv_download(frame: pd.DataFrame, filename: str) -> Response:
    """A CSV attachment (see :func:`safe_csv`)."""
    return Response(safe_csv(frame), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})

