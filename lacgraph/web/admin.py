"""Admins' pages: accounts (list, add, remove), data loads, the audit log.

Admins manage who may see what; they do not see anyone's circle of support. A data load is
an upload of ``nodes.csv`` and ``ties.csv``: validated exactly as ``lacgraph load`` does
(all or nothing, every bad row reported with file, line, column and reason), written to the
store in one step, and served from the next request on. The uploaded files are kept only in
a private temporary folder for the time of the load.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for

from lacgraph.errors import InputError, NotFound
from lacgraph.tables import format_date
from lacgraph.web.appdb import AUDIT_COLUMNS, ROLES
from lacgraph.web.context import audit, db, programme, requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@requires("admin")
def users(error: str = "", status: int = 200) -> Any:
    """Every account, and the form to add one."""
    return render_template("users.html", accounts=db().users(), roles=ROLES, error=error,
                           neighbourhoods=programme().neighbourhoods,
                           sessions=db().session_count()), status


@bp.post("/users")
@requires("admin")
def add_user() -> Any:
    """Add an account (CSRF-protected form)."""
    form = request.form
    name = form.get("name", "").strip()
    try:
        db().add_user(name, form.get("role", ""), form.get("password", ""),
                      coordinator=form.get("coordinator", "").strip(),
                      teams=[t.strip() for t in form.getlist("team") if t.strip()])
    except InputError as err:
        return users(error="; ".join(f"{p.column}: {p.reason}" for p in err.problems),
                     status=400)
    audit("user.add", name, f"role={form.get('role', '')}")
    return redirect(url_for("admin.users"))


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
    P = programme()
    tables = P.G.tables
    store = P.G.store
    return render_template(
        "loads.html", store=repr(store), last_date=format_date(P.last_date),
        node_types=tables.nodes["type"].value_counts().sort_index().to_dict(),
        tie_kinds=tables.ties["kind"].value_counts().sort_index().to_dict(),
        neighbourhoods=len(P.neighbourhoods), report=report, loaded=loaded), status


@bp.post("/loads")
@requires("admin")
def load() -> Any:
    """Validate the uploaded ``nodes.csv`` and ``ties.csv`` and write them to the store."""
    import shutil
    import tempfile
    from pathlib import Path

    from lacgraph.loaders import read_folder
    from lacgraph.network import Network
    from lacgraph.web.context import replace_programme

    files = {name: request.files.get(name) for name in ("nodes", "ties")}
    if not all(f and f.filename for f in files.values()):
        return loads(report="Choose both files: nodes.csv and ties.csv.", status=400)
    folder = Path(tempfile.mkdtemp(prefix="lacgraph-load-"))  # mode 700
    try:
        for name, upload in files.items():
            assert upload is not None  # both files were checked above
            upload.save(folder / f"{name}.csv")
        try:
            tables = read_folder(folder)
        except InputError as err:
            audit("data.load-rejected", "", f"problems={len(err.problems)}")
            return loads(report=err.report(limit=50) + "\nNothing was loaded.", status=400)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    P = programme()
    store = P.G.store
    summary = store.write(tables)
    replace_programme(Network(store))
    text = (f"nodes {summary.nodes_added} added, {summary.nodes_changed} changed, "
            f"{summary.nodes_unchanged} unchanged; ties {summary.ties_added} added, "
            f"{summary.ties_changed} changed, {summary.ties_unchanged} unchanged")
    audit("data.load", "", text)
    return loads(loaded=f"Loaded: {text}.")


@bp.get("/audit")
@requires("admin")
def audit_page() -> str:
    """The latest 500 audit lines, newest first."""
    rows = db().audit_log(user=request.args.get("user") or None, limit=500)
    audit("view.audit")
    return render_template("audit.html", rows=list(reversed(rows)), columns=AUDIT_COLUMNS)
