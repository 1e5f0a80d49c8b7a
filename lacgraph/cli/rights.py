"""Data subjects' rights: ``lacgraph erase`` and ``lacgraph export-person``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from lacgraph.cli.base import OutputFile, bolt_options, bolt_uri_callback, cli, source_argument

APP_DB_HELP = ("The web app's database (audit log) [default: the one beside the store, "
               "if there is one; none is created].")


def _audit_log(app_db: str | None, source: str) -> Any:
    """The audit log in the app database given, or in the one beside ``source`` if it
    exists (never created)."""
    from lacgraph.audit.appfile import default_app_db
    from lacgraph.audit.log import AuditLog
    from lacgraph.uri import is_uri

    if app_db:
        if not Path(app_db).is_file():
            raise click.BadParameter(f"{app_db}: no such file", param_hint="--app-db")
        return AuditLog(app_db)
    if is_uri(source):
        return None
    path = default_app_db(source)
    return AuditLog(path) if path.is_file() else None


@cli.command()
@click.argument("store_path", metavar="STORE", type=click.Path(path_type=str),
                callback=bolt_uri_callback)
@click.argument("person", required=False)
@bolt_options
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--app-db", type=click.Path(dir_okay=False), help=APP_DB_HELP)
@click.option("--finish", is_flag=True,
              help="Only empty the store file's write-ahead log and rebuild it (after an "
                   "erasure said old copies remain while another program had it open).")
def erase(store_path: str, person: str | None, yes: bool, app_db: str | None,
          finish: bool) -> None:
    """Erase PERSON from STORE (right to erasure): node, connections, references.

    In one transaction: the node, every tie touching it, and every reference to it
    (coordinator, introduced by). Audit rows about them keep only a keyed pseudonym, and
    the erasure itself is audited. A keyed tombstone makes later loads that still
    contain the id fail, naming it (load with --skip-erased to leave it out). Needs the
    pseudonym key in LACGRAPH_PSEUDONYM_KEY. STORE is a store file or a bolt:// URI.
    """
    from lacgraph.privacy import Pseudonymiser
    from lacgraph.rights.erasure import erase as erase_person
    from lacgraph.stores import open_store
    from lacgraph.uri import is_uri

    path = Path(store_path)
    if not is_uri(store_path) and (not path.is_file() or path.suffix.lower() == ".xlsx"):
        raise click.UsageError(f"{store_path}: expected a store file made by 'lacgraph load' "
                               "or a bolt:// URI (a data folder or workbook is your own "
                               "file: remove the person there).")
    if finish:
        with open_store(store_path) as store:
            remaining = store.finish_erasure()
        if remaining:
            raise click.ClickException(f"Not finished: {remaining}")
        click.echo(f"Nothing of an erased person remains in {store_path}.")
        return
    if not person:
        raise click.UsageError("Give the id of the person to erase (or --finish).")
    key = Pseudonymiser.from_environment()
    audit_log = _audit_log(app_db, store_path)
    with open_store(store_path) as store:
        store.waiting = lambda message: click.echo(message, err=True)
        nodes = store.read().nodes
        match = nodes[nodes["id"] == person]
        if match.empty:
            from lacgraph.errors import NotFound

            raise NotFound(f"No node with id {person!r} in {store_path}")
        label = match["label"].iloc[0]
        if not yes:
            click.confirm(f"Erase {person!r}{f' ({label})' if label else ''} from "
                          f"{store_path}: their record, every connection and every reference "
                          "to them? This cannot be undone.", abort=True, err=True)
        report = erase_person(store, person, key, audit_log=audit_log)
    if audit_log is not None:
        audit_log.close()
    e = report.erasure
    click.echo(f"Erased {person!r}: {e.ties_removed} connection(s) removed, "
               f"{e.references_cleared} reference(s) cleared, {report.audit_rows} audit "
               f"row(s) now show only the pseudonym {report.pseudonym}.")
    if audit_log is None:
        click.echo("No app database found beside the store: no audit rows to pseudonymise "
                   "(give --app-db FILE if it lives elsewhere).", err=True)
    click.echo("Later loads that still contain this id are refused (--skip-erased leaves it "
               "out): remove them from your source files too.", err=True)
    if e.remaining:
        raise click.ClickException(f"Not finished: {e.remaining}")


@cli.command("export-person")
@source_argument
@click.argument("person")
@click.option("--output", "-o", required=True, type=OutputFile(),
              help="The JSON file to write; a readable FILE.html is written beside it (a "
                   "missing folder is created).")
@click.option("--app-db", type=click.Path(dir_okay=False), help=APP_DB_HELP)
@click.option("--lang", type=click.Choice(["en", "cy"]), default=None,
              help="The language of the readable FILE.html: en (English) or cy (Cymraeg). "
                   "Default: the person's own (their 'language' attribute), else English.")
def export_person(source: str, person: str, output: Path, app_db: str | None,
                  lang: str | None) -> None:
    """Everything held about PERSON (subject access request), as JSON and HTML.

    Their record with every attribute, every connection past and present (dates, kind,
    circle, the other person or group), who introduced them, their measures at the
    data's last date, and every audit entry about them (who viewed or downloaded what).
    """
    import json

    from lacgraph.network import open_source
    from lacgraph.rights.subject import person_record, record_html

    audit_log = _audit_log(app_db, source)
    rows = audit_log.audit_about(person) if audit_log is not None else []
    with open_source(source) as store:
        record = person_record(store, person, rows)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    html = output.with_suffix(".html")
    html.write_text(record_html(record, lang), encoding="utf-8")
    if audit_log is not None:
        audit_log.audit("cli", "cli", "export.person", person, f"file={output.name}")
        audit_log.close()
    click.echo(f"Wrote everything held about {person!r} to {output} and {html} "
               f"({len(record['ties'])} connection(s), {len(rows)} audit row(s)).", err=True)
