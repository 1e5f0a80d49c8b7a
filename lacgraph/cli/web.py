"""The web app's verbs: serve, users (add, list, remove), audit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from lacgraph.cli.base import cli, emit, format_options, source_argument

APP_DB_HELP = ("The app database (accounts, sessions, audit log) [default: beside SOURCE, "
               "e.g. programme.app.sqlite next to programme.sqlite].")


def _app_db_path(app_db: str | None, source: str | None, *, existing: bool = False) -> Path:
    """The app database named, or the one beside ``source``; with ``existing`` it must be
    there already (reading the accounts or the audit log never creates one)."""
    from lacgraph.audit.appfile import default_app_db
    from lacgraph.uri import is_uri

    if app_db:
        path = Path(app_db)
    elif source and is_uri(source):
        raise click.UsageError(f"Give --app-db FILE: {source} is a graph database, with no "
                               "folder to keep the app database beside.")
    elif source:
        path = default_app_db(source)
    else:
        raise click.UsageError("Give --app-db FILE (or --source SOURCE to use the file beside "
                               "it).")
    if existing and not path.is_file():
        raise click.UsageError(f"No app database at {path}: add the first account with "
                               "'lacgraph users add', or give --app-db FILE.")
    return path


@cli.command()
@source_argument
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep 127.0.0.1 unless a TLS proxy is in front).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--app-db", type=click.Path(dir_okay=False), help=APP_DB_HELP)
@click.option("--behind-proxy", is_flag=True,
              help="Trust one reverse proxy's X-Forwarded-* headers (HTTPS → Secure cookies).")
@click.option("--manager-names", type=click.Choice(["team", "none"]), default="team",
              show_default=True,
              help="Whether managers see isolated people's names in their own neighbourhoods.")
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
@click.option("--max-upload-mb", type=click.IntRange(1, 10_000), default=200, show_default=True,
              help="Largest data upload an admin may send (every other request: 64 KB).")
def serve(source: str, host: str, port: int, app_db: str | None, behind_proxy: bool,
          manager_names: str, threads: int, max_upload_mb: int) -> None:
    """Serve the web app for coordinators, evaluators, managers and admins.

    Add accounts first with 'lacgraph users add'. Pseudonyms for evaluators use the key in
    LACGRAPH_PSEUDONYM_KEY.
    """
    import waitress

    import lacgraph
    from lacgraph.web import AppDB, create_app
    from lacgraph.web.context import settle_memory

    path = _app_db_path(app_db, source)
    G = lacgraph.open(source)
    db = AppDB(path)
    if not db.users():
        click.echo(f"Warning: {path} has no accounts yet; add one with "
                   f"'lacgraph users add NAME --role admin --app-db {path} --password-stdin'.",
                   err=True)
    app = create_app(G, db, behind_proxy=behind_proxy, manager_names=manager_names,
                     max_upload_mb=max_upload_mb)
    # the audit head, outside the app database (journald under systemd): at start and every
    # HEAD_EVERY rows, so rewriting the log and its head together can be found later
    from lacgraph.audit.log import HEAD_EVERY

    db.log.head_every = HEAD_EVERY
    db.log.announce_head()
    try:
        server = waitress.create_server(
            app, host=host, port=port, threads=threads, ident="lacgraph",
            clear_untrusted_proxy_headers=not behind_proxy,
            max_request_body_size=max_upload_mb * 1024 * 1024 + 1024 * 1024)
    except OSError as err:
        raise click.ClickException(
            f"Cannot listen on {host}:{port}: {err.strerror or err} (is another server "
            "running there? choose another --port)") from None
    click.echo(f"Serving {source} on http://{host}:{port}/ (accounts in {path}); "
               "Ctrl+C stops. After a load, replace or erase the app switches to the new "
               "data at the next request.", err=True)
    settle_memory()  # the programme is indexed: keep it out of garbage collections
    try:
        server.run()
    finally:
        server.close()


@cli.group()
def users() -> None:
    """Accounts of the web app: add, list, remove, passwd, logout."""


def existing_app_db_options(f: Any) -> Any:
    """``--app-db`` (an existing file, or LACGRAPH_APP_DB) and ``--source`` (the app
    database beside a store), for the commands that manage an existing app database."""
    f = click.option("--source", help="Use the app database beside this store file or "
                     "folder.")(f)
    return click.option("--app-db", type=click.Path(dir_okay=False, exists=True),
                        envvar="LACGRAPH_APP_DB",
                        help="The app database file [env LACGRAPH_APP_DB].")(f)


@users.command("add")
@click.argument("name")
@click.option("--role", required=True,
              type=click.Choice(["coordinator", "evaluator", "manager", "admin"]))
@click.option("--coordinator", "coordinator_id", default="",
              help="Coordinators: their coordinator node id (decides their caseload).")
@click.option("--team", "teams", multiple=True,
              help="Managers: a neighbourhood of their team (repeat for several).")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Read the password from standard input (never from the command line).")
@click.option("--app-db", type=click.Path(dir_okay=False), envvar="LACGRAPH_APP_DB",
              help="The app database file [env LACGRAPH_APP_DB].")
@click.option("--source", help="The programme (store file, data folder or workbook): the "
              "--coordinator id and --team neighbourhoods are checked against it, and the "
              "app database beside it is used unless --app-db is given.")
def users_add(name: str, role: str, coordinator_id: str, teams: tuple[str, ...],
              password_stdin: bool, app_db: str | None, source: str | None) -> None:
    """Add an account NAME with a role; the password is read from standard input.

    NAME: 1-64 letters, digits, '.', '_', '@' or '-' (compared without case). Coordinator
    and manager accounts need --source, to check their coordinator id or team.
    """
    from lacgraph.web import AppDB
    from lacgraph.web.accounts import normalise_name
    from lacgraph.web.admin import grants

    password = sys.stdin.readline().rstrip("\r\n")
    path = _app_db_path(app_db, source)
    coordinators = neighbourhoods = None
    if role in ("coordinator", "manager") and (coordinator_id or teams):
        if not source:
            raise click.UsageError(f"A {role} account needs --source SOURCE (the programme), "
                                   "so that its coordinator id or team can be checked.")
        coordinators, neighbourhoods = _known_ids(source)
    db = AppDB(path)
    db.add_user(name, role, password, coordinator=coordinator_id, teams=teams,
                coordinators=coordinators, neighbourhoods=neighbourhoods)
    name = normalise_name(name)
    db.audit("cli", "cli", "user.add", name, grants(role, coordinator_id, teams))
    db.close()
    click.echo(f"Added {role} account {name!r} to {path}.")


def _known_ids(source: str) -> tuple[list[str], list[str]]:
    """The coordinator ids and neighbourhoods of the programme at ``source``."""
    import lacgraph

    nodes = lacgraph.open(source).tables.nodes
    coordinators = sorted(nodes.loc[nodes["type"] == "coordinator", "id"])
    people = nodes[nodes["type"] == "person"]
    return coordinators, sorted(n for n in people["neighbourhood"].unique() if n)


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Read the new password from standard input (never from the command line).")
@existing_app_db_options
def users_passwd(name: str, password_stdin: bool, app_db: str | None,
                 source: str | None) -> None:
    """Set a new password for NAME (read from standard input) and end their sessions."""
    from lacgraph.web import AppDB

    password = sys.stdin.readline().rstrip("\r\n")
    db = AppDB(_app_db_path(app_db, source))
    db.set_password(name, password)
    db.audit("cli", "cli", "user.password-reset", name)
    click.echo(f"New password set for {name!r}; their sessions were ended.")


@users.command("logout")
@click.argument("name")
@existing_app_db_options
def users_logout(name: str, app_db: str | None, source: str | None) -> None:
    """End every session of NAME (their next click asks them to log in)."""
    from lacgraph.web import AppDB

    db = AppDB(_app_db_path(app_db, source))
    ended = db.end_sessions_of(name)
    db.audit("cli", "cli", "user.logout", name, f"sessions={ended}")
    click.echo(f"Ended {ended} session(s) of {name!r}.")


@users.command("list")
@existing_app_db_options
@format_options
def users_list(app_db: str | None, source: str | None, fmt: str, output: Path | None) -> None:
    """List the accounts (never their password hashes)."""
    import pandas as pd

    from lacgraph.web import AppDB

    db = AppDB(_app_db_path(app_db, source, existing=True))
    frame = pd.DataFrame([{"name": u.name, "role": u.role, "coordinator": u.coordinator,
                           "teams": ";".join(u.teams)} for u in db.users()],
                         columns=["name", "role", "coordinator", "teams"])
    emit(frame, fmt, output)


@users.command("remove")
@click.argument("name")
@existing_app_db_options
def users_remove(name: str, app_db: str | None, source: str | None) -> None:
    """Remove an account and end its sessions."""
    from lacgraph.web import AppDB

    db = AppDB(_app_db_path(app_db, source, existing=True))
    db.remove_user(name)
    db.audit("cli", "cli", "user.remove", name)
    click.echo(f"Removed account {name!r}.")


def _recover(source: str, log: Any) -> None:
    """Write the audit rows the store ``source`` kept with changes and the log lacks (a
    server killed between the two), saying which."""
    from lacgraph.audit.outbox import deliver
    from lacgraph.stores import open_store

    with open_store(source) as store:
        recovered = deliver(store, log)
    for note in recovered:
        click.echo(f"A change was stored without its audit row (the server stopped in "
                   f"between): {note.action} {note.target} at {note.at} by {note.user}; "
                   "its row is written now.", err=True)


@cli.command()
@existing_app_db_options
@click.option("--user", help="Only this account's lines.")
@click.option("--action", help="Only these actions (e.g. 'login.*', 'view.person').")
@click.option("--since", help="Only lines at or after this UTC time (e.g. 2024-05-01).")
@click.option("--limit", type=click.IntRange(min=1), help="Only the latest N lines.")
@click.option("--verify", is_flag=True,
              help="Check the log's hash chain instead: report the first row changed, "
                   "inserted or deleted (exit status 1 if any).")
@click.option("--head", "show_head", is_flag=True,
              help="Print the log's head (SEQ:HASH of its newest row) instead: keep it "
                   "outside this server (a ticket, the system journal) to check the log "
                   "against later with --verify --expect-head.")
@click.option("--expect-head", metavar="SEQ:HASH",
              help="With --verify: also check that the head kept outside (as --head or "
                   "the server's journal printed it) is still a row of the log with that "
                   "hash, so rewriting the log and its head together is found too.")
@format_options
def audit(app_db: str | None, source: str | None, user: str | None, action: str | None,
          since: str | None, limit: int | None, verify: bool, show_head: bool,
          expect_head: str | None, fmt: str, output: Path | None) -> None:
    """Show the web app's audit log: who saw or downloaded what, and every login (UTC).

    Control characters in any field (e.g. a login name with terminal escapes) are printed
    escaped, as \\x1b or \\u202e.
    """
    import pandas as pd

    from lacgraph.audit.log import (
        AUDIT_COLUMNS,
        AuditLog,
        escape_controls,
        format_head,
        parse_head,
    )

    expected = None
    if expect_head is not None:
        if not verify:
            raise click.UsageError("--expect-head checks the log: give --verify too.")
        try:
            expected = parse_head(expect_head)
        except ValueError as err:
            raise click.BadParameter(str(err), param_hint="--expect-head") from None
    db = AuditLog(_app_db_path(app_db, source, existing=True))
    if show_head:
        head = db.head()
        click.echo("The audit log is empty: no head yet." if head is None else format_head(head))
        return
    if verify:
        from lacgraph.uri import is_uri

        if source and (is_uri(source) or (Path(source).is_file()
                                          and Path(source).suffix.lower() != ".xlsx")):
            _recover(source, db)  # changes the store kept an audit row for, the log lacks
        checked, _ = db.verify_audit()
        broken, problem = db.audit_problem_at()
        if broken is None and expected is not None:
            outside = db.check_head(expected)
            if outside:
                click.echo(f"Audit log does not match the head kept outside it: {outside} "
                           "(the log and its head were edited together).", err=True)
                sys.exit(1)
        if broken is None:
            anchored = "" if expected is None else "; the head kept outside it is in it"
            click.echo(f"Audit log intact: {checked} rows, hash chain unbroken{anchored}.")
            for seq, at, span in db.sealed():  # the boundary of the salted digests
                click.echo(f"Rows {span} were written before personal digests existed; they "
                           f"were sealed (given their digests, the chain recomputed over "
                           f"them) at row seq={seq}, {at}: heads kept outside before then "
                           "no longer match.")
            return
        click.echo(f"Audit log broken at row seq={broken}: {problem} (rows from there on "
                   "cannot be trusted).", err=True)
        sys.exit(1)
    rows = db.audit_log(user=user, action=action, since=since, limit=limit)
    frame = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
    for column in AUDIT_COLUMNS[1:]:
        frame[column] = frame[column].map(lambda v: escape_controls(str(v)))
    for column in ("user", "role"):  # "-": nobody logged in (a page before login): empty,
        frame[column] = frame[column].mask(frame[column].eq("-"), "")  # not "'-" in CSV
    emit(frame, fmt, output)


