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
from lacgraph.i18n import N_, _, ngettext
from lacgraph.stores.guard import AuditNote, Guard
from lacgraph.tables import Tables
from lacgraph.web.accounts import ROLES, problems_text
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
        return users(error=problems_text(err), status=400)
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
        return users(error=_("No such account."), status=404)
    except InputError as err:
        return users(error=problems_text(err), status=400)
    audit("user.password-reset", name)
    return users(done=_("New password set for %(name)s; their sessions were ended.",
                        name=name))


@bp.post("/users/<name>/logout")
@requires("admin")
def end_sessions(name: str) -> Any:
    """End every session of an account (e.g. a lost laptop)."""
    try:
        ended = db().end_sessions_of(name)
    except NotFound:
        return users(error=_("No such account."), status=404)
    audit("user.logout", name, f"sessions={ended}")
    return users(done=ngettext("Ended %(num)d session of %(name)s.",
                               "Ended %(num)d sessions of %(name)s.", ended, name=name))


@bp.post("/users/<name>/remove")
@requires("admin")
def remove_user(name: str) -> Any:
    """Remove an account and end its sessions (an admin cannot remove their own)."""
    if name == g.user.name:
        return users(error=_("You cannot remove your own account."), status=400)
    try:
        db().remove_user(name)
    except NotFound:
        return users(error=_("No such account."), status=404)
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
        node_types=[(_(TYPE_WORDS[t]) if t in TYPE_WORDS else t, int(n))
                    for t, n in sorted(types.items())],
        tie_kinds=[(_(KIND_HEADINGS[k]) if k in KIND_HEADINGS else k, int(n))
                   for k, n in sorted(kinds.items())],
        neighbourhoods=len(P.neighbourhoods), report=report, loaded=loaded), status


TYPE_WORDS = {"person": N_("People"), "group": N_("Groups"), "service": N_("Services"),
              "coordinator": N_("Coordinators"), "family": N_("Households")}
"""The loads page's words for each node type."""

KIND_HEADINGS = {"family": N_("Family"), "friend": N_("Friends"), "neighbour": N_("Neighbours"),
                 "peer": N_("Peers"), "member": N_("Members of a group"),
                 "volunteer": N_("Volunteers"), "service": N_("Services"),
                 "coordinator": N_("Coordinators"), "household": N_("Living together")}
"""The loads page's words for each kind of connection."""


def _where_kept(store: object) -> dict[str, str]:
    """Where the data are kept, in words (one whole sentence each, in the page's language)
    and the file's path."""
    path = getattr(store, "path", None)
    if type(store).__name__ == "Neo4jStore":
        return {"sentence": _("The data are kept in a Neo4j database."), "path": ""}
    if path:
        return {"sentence": _("The data are kept in this file:"), "path": str(path)}
    return {"sentence": _("The data are held in memory only: a load is lost when the server "
                          "restarts."), "path": ""}


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
    from lacgraph.rights.erasure import load_check
    from lacgraph.web.context import replace_programme

    workbook = request.files.get("workbook")
    files = {name: request.files.get(name) for name in ("nodes", "ties")}
    use_book = bool(workbook and workbook.filename)
    if not use_book and not all(f and f.filename for f in files.values()):
        return loads(report=_("Choose both files (nodes.csv and ties.csv), or one .xlsx "
                              "workbook with the sheets nodes and ties."), status=400)
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
        return loads(report=load_report(err) + "\n" + _("Nothing was loaded."), status=400)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    store = P.store
    # the key's fingerprint, the tombstones and the merged ids, checked by the store in
    # the same transaction as the write (as 'lacgraph load' does): a key change, erasure
    # or merge committed while the upload runs is seen, never undone
    check = load_check(_key())[0]

    def merged(current: Tables) -> Tables:
        """The update merged with the data as stored now (inside the store's write
        transaction: a coordinator's change committed meanwhile is kept, never undone)."""
        return merge_update(current, cells)

    note = AuditNote(secrets.token_hex(8), utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                     g.user.name, g.user.role, "data.load", "", "")
    note = replace(note, detail=f"change={note.id}")
    try:
        summary = store.update(merged, guard=Guard(audit=note), check=check)
    except (InputError, QueryError, KeyMismatch) as err:
        audit("data.load-rejected", "", _rejected(err))
        report = load_report(err) if isinstance(err, InputError) else str(err)
        return loads(report=report + "\n" + _("Nothing was loaded."), status=400)
    replace_programme(Network(store))
    text = (f"nodes {summary.nodes_added} added, {summary.nodes_changed} changed, "
            f"{summary.nodes_unchanged} unchanged; ties {summary.ties_added} added, "
            f"{summary.ties_changed} changed, {summary.ties_unchanged} unchanged")
    db().audit(g.user.name, g.user.role, "data.load", "", f"{text}; change={note.id}",
               request.remote_addr or "")  # on disk; then the store forgets its copy
    store.audit_delivered([note.id])
    return loads(loaded=_(
        "Loaded: nodes %(nodes_added)d added, %(nodes_changed)d changed, %(nodes_unchanged)d "
        "unchanged; ties %(ties_added)d added, %(ties_changed)d changed, %(ties_unchanged)d "
        "unchanged.", nodes_added=summary.nodes_added, nodes_changed=summary.nodes_changed,
        nodes_unchanged=summary.nodes_unchanged, ties_added=summary.ties_added,
        ties_changed=summary.ties_changed, ties_unchanged=summary.ties_unchanged))


def _rejected(err: Exception) -> str:
    """Why an upload was refused, for the audit log (never a name or an id).

    Examples
    --------
    >>> _rejected(KeyMismatch("another key"))
    'pseudonym key mismatch'
    """
    if isinstance(err, KeyMismatch):
        return "pseudonym key mismatch"
    if not isinstance(err, InputError) or any("erased" in p.reason for p in err.problems):
        return "erased ids"
    return f"problems={len(err.problems)}"


def load_report(err: InputError, limit: int = 50) -> str:
    """:meth:`InputError.report` in the page's language: how many problems, then where each
    is (file, line, column) and its value; the reason is the loaders' own, already written
    in the request's language when they checked the upload (:mod:`lacgraph.loaders`).

    Examples
    --------
    >>> from lacgraph.errors import Problem
    >>> print(load_report(InputError([Problem("ties.csv", 3, "kind", "cousin", "unknown")])))
    1 problem in the input:
      ties.csv line 3, column kind: 'cousin': unknown
    """
    n = len(err.problems)
    lines = [ngettext("%(num)d problem in the input:", "%(num)d problems in the input:", n)]
    for p in err.problems[:limit]:
        values = {"file": p.file, "line": p.line, "column": p.column, "value": repr(p.value),
                  "reason": p.reason}
        if p.line and p.column:
            text = _("%(file)s line %(line)d, column %(column)s: %(value)s: %(reason)s",
                     **values)
        elif p.line:
            text = _("%(file)s line %(line)d: %(value)s: %(reason)s", **values)
        elif p.column:
            text = _("%(file)s column %(column)s: %(value)s: %(reason)s", **values)
        else:
            text = _("%(file)s: %(value)s: %(reason)s", **values)
        lines.append("  " + text)
    if n > limit:
        lines.append("  " + ngettext("... and %(num)d more", "... and %(num)d more", n - limit))
    return "\n".join(lines)


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
        return rights(error=_("No one has the id %(id)s.", id=repr(person)), status=404)
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
        return rights(error=_("Tick the box to confirm the erasure."), status=400)
    key = _key()
    if key is None:
        return rights(error=_("Erasure needs the pseudonym key: start the server with "
                              "LACGRAPH_PSEUDONYM_KEY set."), status=400)
    try:
        report = erase(programme().store, person, key, audit_log=db(), user=g.user.name,
                       role=g.user.role)
    except NotFound:
        return rights(error=_("No one has the id %(id)s.", id=repr(person)), status=404)
    e = report.erasure
    return rights(done=_("Erased: %(ties)s removed, %(mentions)s cleared, %(entries)s now "
                         "show only %(pseudonym)s.",
                         ties=ngettext("%(num)d connection", "%(num)d connections",
                                       e.ties_removed),
                         mentions=ngettext("%(num)d mention", "%(num)d mentions",
                                           e.references_cleared),
                         entries=ngettext("%(num)d audit entry", "%(num)d audit entries",
                                          report.audit_rows),
                         pseudonym=report.pseudonym), remaining=e.remaining)


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
    return render_template("audit.html", rows=list(reversed(rows)),
                           columns=[_(AUDIT_HEADINGS.get(c, c)) for c in AUDIT_COLUMNS])


AUDIT_HEADINGS = {"seq": N_("Number"), "at": N_("When"), "user": N_("Account"),
                  "role": N_("Role"), "action": N_("Action"), "target": N_("About"),
                  "detail": N_("Detail"), "address": N_("Network address")}
"""The audit log's columns as the page heads them (the log's own names stay in its CSV)."""
