"""What every blueprint shares: the programme being served, the app database, the audit
log, role checks, the one error shape and CSV downloads.

Blueprints import these from here, never from :mod:`lacgraph.web.app` (the factory imports
the blueprints, so the arrows run one way: app -> blueprints -> context).
"""

from __future__ import annotations

import functools
import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
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

from lacgraph.analysis.first_view import FirstViewIndex, PersonFirstView
from lacgraph.analysis.person_view import PersonView
from lacgraph.errors import QueryError, StoreError
from lacgraph.i18n import N_, _
from lacgraph.network import Network
from lacgraph.output import to_csv
from lacgraph.stores import MemoryStore, Store
from lacgraph.web.appdb import AppDB, User

if TYPE_CHECKING:
    from lacgraph.dated import DatedNetwork

HOME = {"coordinator": "coordinator.caseload", "evaluator": "evaluator.growth_page",
        "manager": "manager.neighbourhoods", "admin": "admin.users"}
"""Each role's first page."""



class BoundedCache:
    """A thread-safe least-recently-used cache of at most ``size`` results.

    A value is computed outside the cache's lock (one computation per key at a time), so a
    slow computation (one evaluator's growth window) never blocks answers already cached
    or other keys.

    Examples
    --------
    >>> cache = BoundedCache(2)
    >>> [cache.get(k, lambda k=k: k * 10) for k in (1, 2, 1, 3)]
    [10, 20, 10, 30]
    >>> sorted(cache.keys())  # 2 was the least recently used
    [1, 3]
    """

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def keys(self) -> list[Hashable]:
        """The keys held, least recently used first."""
        with self._lock:
            return list(self._values)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value for ``key``, computed by ``compute()`` when not held."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            lock = self._computing.setdefault(key, threading.Lock())
        with lock:  # waits only for the same key's computation
            with self._lock:
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key]
            try:
                value = compute()
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            with self._lock:
                self._values[key] = value
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
            return value


METRICS_KEPT = 8
"""Dates whose whole-programme measures stay cached."""

RESULTS_KEPT = 16
"""Other results (e.g. growth windows, reports) that stay cached."""

VIEWS_KEPT = 2048
"""One-person answers (a person's page or picture at a date) that stay cached."""

BY_DATE_KEPT = 240
"""Small per-date tables (e.g. counts per neighbourhood at a month end) that stay cached:
twenty years of month ends."""


class Programme:
    """What the views need from the network, indexed once per data version (thread-safe).

    ``store`` is the live store (loads and erasures go there); ``G`` answers every view
    from one fixed copy of the data read at ``version``, so a page never mixes old and new
    data. :func:`programme` switches to a new Programme when the store's version changes.
    """

    def __init__(self, G: Network):
        self.store: Store = G.store
        self.version = store_version(self.store)
        if isinstance(self.store, MemoryStore) and self.store.path is not None:
            G = Network(self.store.frozen())  # one consistent copy for this version
        self.G = G
        nodes = G.tables.nodes
        self.nodes = nodes.set_index("id", drop=False).rename_axis(None)
        people = nodes[nodes["type"] == "person"]
        self.people = people.set_index("id", drop=False).rename_axis(None)
        self.caseloads = {c: frame.set_index("id", drop=False).rename_axis(None) for c, frame in
                          people[people["coordinator"] != ""].groupby("coordinator")}
        self.neighbourhoods = sorted(n for n in people["neighbourhood"].unique() if n)
        self.coordinators = sorted(nodes.loc[nodes["type"] == "coordinator", "id"])
        try:
            self.last_date = G.last_date
        except QueryError:
            self.last_date = np.datetime64("today", "D").astype("datetime64[s]")
        ties = G.tables.ties
        first = ties["start"].min() if len(ties) else pd.NaT
        self.first_date = (self.last_date if pd.isna(first)
                           else np.datetime64(first, "D").astype("datetime64[s]"))
        self._metrics = BoundedCache(METRICS_KEPT)
        self.results = BoundedCache(RESULTS_KEPT)  # e.g. growth per window
        self.by_date = BoundedCache(BY_DATE_KEPT)  # small tables per date
        self.draw_lock = threading.Lock()  # matplotlib is not thread-safe
        self._views = BoundedCache(VIEWS_KEPT)  # see remember()
        self._first_views: FirstViewIndex | None = None  # see first_view()
        self._first_views_lock = threading.Lock()
        self._labels: dict[str, object] | None = None  # see label()

    def remember(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """Return ``compute()``, kept under ``key`` for later calls (e.g. a person's page at
        a date). The data cannot change under it: a recorded change or a load gives a new
        :class:`Programme` (see :func:`programme`), and the cache goes with the old one."""
        return self._views.get(key, compute)

    def caseload_rows(self, coordinator: str) -> dict[str, dict[str, Any]]:
        """The rows of ``coordinator``'s caseload as dicts by id (read many times per page,
        where each read of a pandas row costs microseconds), made at once for the whole
        caseload and kept for this data version. Read them, never change them."""
        frame = self.caseloads.get(coordinator)
        if frame is None:
            return {}
        return self.remember(("caseload rows", coordinator), lambda: frame.to_dict("index"))

    def day(self, value: str | None) -> np.datetime64:
        """A date from a query string (empty = the data's last date): ``YYYY-MM-DD`` or
        ``31/12/2024``, from the data's first date to the end of its last month; anything
        else → 400 saying so (so the caches see a bounded set of dates)."""
        from lacgraph.tables import format_long_date, parse_user_date

        if not value:
            return self.last_date
        if len(value) > 20:
            raise QueryError(_("That is not a date: expected YYYY-MM-DD or DD/MM/YYYY."))
        day = parse_user_date(value).astype("datetime64[s]")
        # up to the end of the data's last month (its reporting date)
        last = ((self.last_date.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
                ).astype("datetime64[s]")
        if not self.first_date <= day <= last:
            raise QueryError(_("%(date)s is outside the data: expected a date from %(first)s "
                               "to %(last)s.", date=format_long_date(day),
                               first=format_long_date(self.first_date),
                               last=format_long_date(last)))
        return day

    def metrics(self, at: np.datetime64) -> pd.DataFrame:
        """Every person's measures at ``at`` (the latest few dates are kept)."""
        return self._metrics.get(at, lambda: self.G.metrics(at=at))

    def person_network(self, person: str) -> DatedNetwork:
        """``person``'s own ties at every date (and the nodes at their ends) over the
        programme's store: enough for one-person questions such as the circle, the timeline
        or the changes since a date, and much faster than the whole programme. The whole
        network when the store has no person index (e.g. Neo4j)."""
        store = self.G.store
        if isinstance(store, MemoryStore):
            return PersonView(store, person)
        return self.G

    def first_view(self, person: str) -> PersonFirstView | None:
        """``person``'s answers for their page and picture, sliced from an index of this
        data version's ties (:mod:`lacgraph.analysis.first_view`), built at the first call
        and shared by every thread; a recorded change or a load gives a new Programme and
        so a new index. None when the store has no person index (e.g. Neo4j: the pages
        then ask the store)."""
        if not isinstance(self.G.store, MemoryStore):
            return None
        index = self._first_views
        if index is None:
            with self._first_views_lock:
                index = self._first_views
                if index is None:
                    tables = self.G.tables
                    index = self._first_views = FirstViewIndex(tables.nodes, tables.ties)
        return self.remember(("first view", person), lambda: index.person(person))

    def label(self, node_id: str) -> str:
        """A node's display name (its id when it has no label)."""
        labels = self._labels
        if labels is None:  # a plain dict: a frame lookup costs a hundred times more
            labels = self._labels = dict(zip(self.nodes.index.tolist(),
                                             self.nodes["label"].tolist(), strict=True))
        if node_id in labels:
            return str(labels[node_id] or node_id)
        return node_id



# -- helpers for views -------------------------------------------------------------------------
def db() -> AppDB:
    """The app database of the current app."""
    return current_app.extensions["lacgraph.db"]


_SWITCH = threading.Lock()


def store_version(store: Store) -> str | None:
    """The store's data version, or None for a store that has none."""
    try:
        return store.data_version()
    except StoreError:
        return None


def programme() -> Programme:
    """The indexed network of the current app, the same one for a whole request.

    At the first call of each request the store's data version is checked: after a load,
    replace or erasure by any process the app switches to the new data as a whole.
    """
    pinned = g.get("lacgraph_programme")
    if pinned is not None:
        return pinned
    P: Programme = current_app.extensions["lacgraph.programme"]
    if P.version is not None and store_version(P.store) != P.version:
        with _SWITCH:
            P = current_app.extensions["lacgraph.programme"]
            if store_version(P.store) != P.version:
                P = Programme(Network(P.store))
                current_app.extensions["lacgraph.programme"] = P
                _resettle()
    g.lacgraph_programme = P
    return P


def replace_programme(G: Network) -> Programme:
    """Index a freshly loaded network and serve it from the next request on."""
    P = Programme(G)
    current_app.extensions["lacgraph.programme"] = P
    g.lacgraph_programme = P
    _resettle()
    return P


def settle_memory() -> None:
    """Collect garbage once, then keep every object alive now out of later collections.

    A programme holds arrays of millions of references (ids, ties, indexes); Python's
    full collection walks them all and holds every request thread meanwhile (about 0.3 s
    at 200,000 people, a few times a minute under load). A server calls this once the
    programme is indexed (``lacgraph serve``); when it switches to new data the old
    programme is released and the new one settled the same way. (Objects kept out are
    still freed when nothing refers to them.)
    """
    gc.collect()
    gc.freeze()


def _resettle() -> None:
    """After a switch to new data, in a server that settled its memory: let the old
    programme be collected, then settle the new one."""
    if gc.get_freeze_count():
        gc.unfreeze()
        settle_memory()


def audit(action: str, target: str = "", detail: str = "") -> None:
    """Append to the audit log as the current user.

    The line is queued at once and the request's answer waits until it is on disk
    (:func:`wait_for_audit`, run after every request), so the page is written meanwhile.
    """
    user: User | None = g.get("user")
    wait = db().audit_later(user.name if user else "-", user.role if user else "-", action,
                            target, detail, request.remote_addr or "")
    g.setdefault("audit_waits", []).append(wait)


def wait_for_audit() -> None:
    """Wait until every audit line of the current request is on disk (raises if one could
    not be written: then the answer is an error, never the page without its audit line)."""
    waits = g.pop("audit_waits", [])
    for wait in waits:
        wait()


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
    400: N_("The request was not understood."),
    401: N_("Please log in."),
    403: N_("Your account cannot open this page."),
    404: N_("There is nothing here (or nothing you may see)."),
    405: N_("That action is not allowed here."),
    413: N_("That request is too large."),
    429: N_("Too many attempts. Please wait and try again."),
    500: N_("Something went wrong on our side. The problem has been logged."),
}
"""Each error status's page heading (translated where it is shown)."""


def error_response(status: int, message: str | None = None) -> tuple[Any, int]:
    """The one error shape: JSON under ``/api/``, else the friendly page."""
    message = _(message or MESSAGES.get(status) or N_("Something went wrong."))
    if request.path.startswith("/api/"):
        return jsonify({"error": {"status": status, "message": message}}), status
    return render_template("error.html", status=status, message=message), status



# -- downloads ---------------------------------------------------------------------------------
def safe_csv(frame: pd.DataFrame) -> str:
    """CSV for a browser download, formula-safe by the one shared rule
    (:func:`lacgraph.output.formula_safe`: text cells a spreadsheet would run as a formula
    get a leading ``'``); numbers are left alone.

    Examples
    --------
    >>> print(safe_csv(pd.DataFrame({"label": ["=HYPERLINK(1)", " \uff1d1", "Ann"],
    ...                              "change": [-1, 2, 3]})), end="")
    label,change
    '=HYPERLINK(1),-1
    ' \uff1d1,2
    Ann,3
    """
    return to_csv(frame)


def csv_download(frame: pd.DataFrame, filename: str) -> Response:
    """A CSV attachment (see :func:`safe_csv`)."""
    return Response(safe_csv(frame), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


def growth_window() -> dict[str, Any]:
    """The growth window from the query string: ``from``+``to``, or ``months`` (default 6)."""
    P = programme()
    start, end = request.args.get("from", ""), request.args.get("to", "")
    months = request.args.get("months", "")
    if start or end:
        if not (start and end):
            raise QueryError("Give both 'from' and 'to' dates, or 'months'.")
        return {"start": P.day(start), "end": P.day(end)}
    try:
        n = int(months or 6)
    except ValueError as err:
        raise QueryError(f"months={months!r}: expected a whole number of months") from err
    if not 1 <= n <= 120:
        raise QueryError(f"months={n}: expected 1 to 120")
    return {"months": n}
