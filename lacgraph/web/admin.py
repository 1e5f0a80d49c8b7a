"""Admins' pages: accounts (list, add, remove), data loads, the audit log.

Admins manage who may see what; they do not see anyone's circle of support. A data load is
an upload of ``nodes.csv`` and ``ties.csv``: validated exactly as ``lacgraph load`` does
(all or nothing, every bad row reported with file, line, column and reason), written to the
store in one step, and served from the next request on. The uploaded files are kept only in
a private temporary folder for the time of the load.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for

from lacgraph.audit.appfile import utcnow
from lacgraph.audit.log import AUDIT_COLUMNS
from lacgraph.errors import InputError, KeyMismatch, NotFound, QueryError
from lacgraph.stores.guard import AuditNote, Guard
from lacgraph.tables import Tables
from lacgraph.web.accounts import ROLES
from lacgraph.web.context import audit, db, programme, requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@requires("admin")
def users(error: str = "", status: int = 200, done: str = "") -> Any:
    """Every account, and the form to add one."""
    if request.method == "GET":
        audit("view.users")
    return render_template("users.html", accounts=db().users(), roles=ROLES, error=error,
                           neighbourhoods=programme().neighbourhoods,
                           sessions=db().session_count(), done=done), status


@bp.post("/users")
@requires("admin")
def add_user() -> Any:
    """Add an account (CSRF-protected form)."""
    from lacgraph.web.accounts import normalise_name

    form = request.form
    name = normalise_name(form.get("name", ""))
    role = form.get("role", "")
    coordinator = form.get("coordinator", "").strip()
    teams = [t.strip() for t in form.getlist("team") if t.strip()]
    P = programme()
    try:
        db().add_user(name, role, form.get("password", ""), coordinator=coordinator,
                      teams=teams, coordinators=P.coordinators,
                      neighbourhoods=P.neighbourhoods)
    except InputError as err:
        return users(error="; ".join(f"{p.column}: {p.reason}" for p in err.problems),
                     status=400)
    audit("user.add", name, grants(role, coordinator, teams))
    return redirect(url_for("admin.users"))


def grants(role: str, coordinator: str, teams: list[str] | tuple[str, ...]) -> str:
    """What an account may see, for the audit log.

    Examples
    --------
    >>> grants("manager", "", ["North", "South"])
    'role=manager teams=North;South'
    """
    text = f"role={role}"
    if role == "coordinator":
        text += f" coordinator={coordinator}"
    if role == "manager":
        text += f" teams={';'.join(teams)}"
    return text


@bp.post("/users/<name>/password")
@requires("admin")
def reset_password(name: str) -> Any:
    """Give an account a new password (and end its sessions)."""
    try:
        db().set_password(name, request.form.get("password", ""))
    except NotFound:
        return users(error="No such account.", status=404)
    except InputError as err:
        return users(error="; ".join(f"{p.column}: {p.reason}" for p in err.problems),
                     status=400)
    audit("user.password-reset", name)
    return users(done=f"New password set for {name}; their sessions were ended.")


@bp.post("/users/<name>/logout")
@requires("admin")
def end_sessions(name: str) -> Any:
    """End every session of an account (e.g. a lost laptop)."""
    try:
        ended = db().end_sessions_of(name)
    except NotFound:
        return users(error="No such account.", status=404)
    audit("user.logout", name, f"sessions={ended}")
    return users(done=f"Ended {ended} session(s) of {name}.")


@bp.post("/users/<name>/remove")
@requires("admin")
def remove_user(name: str) -> Any:
    """Remove an account and end its sessions (an admin cannot remove their own)."""
    if name == g.user.name:
        return users(error="You cannot remove your own account.", status=400)
    try:
        db().remove_user(name)
    except NotFound:
        return users(error="No such account.", status=404)
    audit("user.remove", name)
    return redirect(url_for("admin.users"))


@bp.get("/loads")
@requires("admin")
def loads(report: str = "", loaded: str = "", status: int = 200) -> Any:
    """What the running app holds (counts by node type and tie kind, last date), and the
    upload form."""
    if request.method == "GET":
        audit("view.loads")
    P = programme()
    tables = P.G.tables
    types = tables.nodes["type"].value_counts().to_dict()
    kinds = tables.ties["kind"].value_counts().to_dict()
    return render_template(
        "loads.html", kept=_where_kept(P.store), last_date=P.last_date,
        node_types=[(TYPE_WORDS.get(t, t), int(n)) for t, n in sorted(types.items())],
        tie_kinds=[(KIND_HEADINGS.get(k, k), int(n)) for k, n in sorted(kinds.items())],
        neighbourhoods=len(P.neighbourhoods), report=report, loaded=loaded), status


TYPE_WORDS = {"person": "People", "group": "Groups", "service": "Services",
              "coordinator": "Coordinators", "family": "Households"}
"""The loads page's words for each node type."""

KIND_HEADINGS = {"family": "Family", "friend": "Friends", "neighbour": "Neighbours",
                 "peer": "Peers", "member": "Members of a group", "volunteer": "Volunteers",
                 "service": "Services", "coordinator": "Coordinators",
                 "household": "Living together"}
"""The loads page's words for each kind of connection."""


def _where_kept(store: object) -> dict[str, str]:
    """Where the data are kept, in words (one whole sentence each) and the file's path."""
    path = getattr(store, "path", None)
    if type(store).__name__ == "Neo4jStore":
        return {"sentence": "The data are kept in a Neo4j database.", "path": ""}
    if path:
        return {"sentence": "The data are kept in this file:", "path": str(path)}
    return {"sentence": "The data are held in memory only: a load is lost when the server "
                        "restarts.", "path": ""}


@bp.post("/loads")
@requires("admin")
def load() -> Any:
    """Validate an update (``nodes.csv`` + ``ties.csv``, or one ``.xlsx`` workbook) merged
    with the data already loaded, as a whole load would be, and write it to the store.

    The files stream to a private temporary folder (werkzeug spools file parts to disk)
    and are deleted after the load. Columns an update lacks keep their stored values.
    """
    import shutil
    import tempfile
    from pathlib import Path

    from lacgraph.loaders.files import folder_cells
    from lacgraph.loaders.update import merge_update
    from lacgraph.loaders.workbook import workbook_cells
    from lacgraph.network import Network
    from lacgraph.rights.erasure import screen
    from lacgraph.web.context import replace_programme

    workbook = request.files.get("workbook")
    files = {name: request.files.get(name) for name in ("nodes", "ties")}
    use_book = bool(workbook and workbook.filename)
    if not use_book and not all(f and f.filename for f in files.values()):
        return loads(report="Choose both files (nodes.csv and ties.csv), or one .xlsx "
                            "workbook with the sheets nodes and ties.", status=400)
    folder = Path(tempfile.mkdtemp(prefix="lacgraph-load-"))  # mode 700
    P = programme()
    try:
        if use_book:
            assert workbook is not None
            workbook.save(folder / "upload.xlsx")
            cells = workbook_cells(folder / "upload.xlsx", book_name="workbook")
        else:
            for name, upload in files.items():
                assert upload is not None
                upload.save(folder / f"{name}.csv")
            cells = folder_cells(folder)
        merge_update(P.G.tables, cells)  # the problems of the files, before writing
    except InputError as err:
        audit("data.load-rejected", "", f"problems={len(err.problems)}")
        return loads(report=err.report(limit=50) + "\nNothing was loaded.", status=400)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    store = P.store
    key = _key()

    def merged(current: Tables) -> Tables:
        """The update merged with the data as stored now (inside the store's write
        transaction: a coordinator's change committed meanwhile is kept, never undone),
        checked against the tombstones there."""
        tables, _ = screen(merge_update(current, cells), store.tombstones(), key)
        return tables

    note = AuditNote(secrets.token_hex(8), utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                     g.user.name, g.user.role, "data.load", "", "")
    note = replace(note, detail=f"change={note.id}")
    try:
        if key is not None:
            store.check_key(key.fingerprint())
        summary = store.update(merged, guard=Guard(audit=note))
    except (InputError, QueryError, KeyMismatch) as err:
        audit("data.load-rejected", "", "erased ids" if not isinstance(err, InputError)
              or any("erased" in p.reason for p in err.problems)
              else f"problems={len(err.problems)}")
        report = err.report(limit=50) if isinstance(err, InputError) else str(err)
        return loads(report=report + "\nNothing was loaded.", status=400)
    replace_programme(Network(store))
    text = (f"nodes {summary.nodes_added} added, {summary.nodes_changed} changed, "
            f"{summary.nodes_unchanged} unchanged; ties {summary.ties_added} added, "
            f"{summary.ties_changed} changed, {summary.ties_unchanged} unchanged")
    db().audit(g.user.name, g.user.role, "data.load", "", f"{text}; change={note.id}",
               request.remote_addr or "")  # on disk; then the store forgets its copy
    store.audit_delivered([note.id])
    return loads(loaded=f"Loaded: {text}.")


@bp.get("/rights")
@requires("admin")
def rights(error: str = "", done: str = "", remaining: str = "", status: int = 200) -> Any:
    """Subject access and erasure: the two forms."""
    if request.method == "GET":
        audit("view.rights")
    return render_template("rights.html", error=error, done=done, remaining=remaining), status


@bp.get("/rights/export")
@requires("admin")
def export_person() -> Any:
    """Everything held about one person, as a printable page or JSON (audited)."""
    import json

    from flask import Response

    from lacgraph.rights.subject import person_record, record_html

    person = request.args.get("person", "").strip()
    P = programme()
    try:
        record = person_record(P.G.store, person, db().audit_about(person))
    except NotFound:
        return rights(error=f"No one has the id {person!r}.", status=404)
    fmt = request.args.get("format", "html")
    audit("export.person", person, f"format={fmt}")
    if fmt == "json":
        return Response(json.dumps(record, indent=2, ensure_ascii=False),
                        mimetype="application/json", headers={
                            "Content-Disposition": 'attachment; filename="person.json"'})
    # a file to keep or send to the person (it prints as one page; its own styles)
    return Response(record_html(record), mimetype="text/html", headers={
        "Content-Disposition": 'attachment; filename="person.html"'})


@bp.post("/rights/erase")
@requires("admin")
def erase_person() -> Any:
    """Erase one person from the live store (CSRF-protected, confirmed, audited)."""
    from lacgraph.rights.erasure import erase

    person = request.form.get("person", "").strip()
    if request.form.get("confirm") != "yes":
        return rights(error="Tick the box to confirm the erasure.", status=400)
    key = _key()
    if key is None:
        return rights(error="Erasure needs the pseudonym key: start the server with "
                            "LACGRAPH_PSEUDONYM_KEY set.", status=400)
    try:
        report = erase(programme().store, person, key, audit_log=db(), user=g.user.name,
                       role=g.user.role)
    except NotFound:
        return rights(error=f"No one has the id {person!r}.", status=404)
    e = report.erasure
    return rights(done=f"Erased: {e.ties_removed} connection(s) removed, "
                       f"{e.references_cleared} mention(s) cleared, {report.audit_rows} audit "
                       f"entries now show only {report.pseudonym}.", remaining=e.remaining)


def _key() -> Any:
    """The pseudonym key (tombstones, audit pseudonyms), or None when it is not set."""
    import os

    from lacgraph.privacy import KEY_VARIABLE, Pseudonymiser

    return Pseudonymiser.from_environment() if os.environ.get(KEY_VARIABLE) else None


@bp.get("/audit")
@requires("admin")
def audit_page() -> str:
    """The latest 500 audit lines, newest first."""
    rows = db().audit_log(user=request.args.get("user") or None, limit=500)
    audit("view.audit")
    return render_template("audit.html", rows=list(reversed(rows)), columns=AUDIT_COLUMNS)
