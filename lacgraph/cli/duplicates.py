"""Duplicates, for admins: ``lacgraph find-duplicates`` and ``lacgraph merge``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from lacgraph.cli.base import bolt_options, bolt_uri_callback, cli, emit, format_options
from lacgraph.cli.rights import APP_DB_HELP, _audit_log


def _store_argument(f: Any) -> Any:
    return click.argument("store_path", metavar="STORE", type=click.Path(path_type=str),
                          callback=bolt_uri_callback)(f)


def _check_store(store_path: str) -> None:
    from lacgraph.uri import is_uri

    path = Path(store_path)
    if not is_uri(store_path) and (not path.is_file() or path.suffix.lower() == ".xlsx"):
        raise click.UsageError(f"{store_path}: expected a store file made by 'lacgraph load' "
                               "or a bolt:// URI.")


@cli.command("find-duplicates")
@_store_argument
@bolt_options
@format_options
def find_duplicates(store_path: str, fmt: str | None, output: Path | None) -> None:
    """List people, groups and services that may be recorded twice in STORE.

    Candidates have one type and the same name (accents, apostrophes and case aside) and
    either the same neighbourhood or someone connected to both. Merge a real pair with
    'lacgraph merge STORE KEEP DROP'.
    """
    from lacgraph.analysis.duplicates import find_duplicates as candidates
    from lacgraph.stores import open_store

    _check_store(store_path)
    with open_store(store_path) as store:
        frame = candidates(store.read())
    emit(frame, fmt, output)
    click.echo(f"{len(frame)} possible duplicate pair(s).", err=True)


@cli.command()
@_store_argument
@click.argument("keep")
@click.argument("drop")
@bolt_options
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--app-db", type=click.Path(dir_okay=False), help=APP_DB_HELP)
def merge(store_path: str, keep: str, drop: str, yes: bool, app_db: str | None) -> None:
    """Merge node DROP into node KEEP in STORE, in one transaction.

    DROP's connections move to KEEP (one already held by KEEP is kept once), references
    to DROP (coordinator, introduced by) point at KEEP, KEEP's details are kept unless
    empty (then DROP's), and DROP is removed. The store keeps "DROP merged into KEEP", so
    a later load holding DROP is refused, naming KEEP. The merge is audited.
    """
    from lacgraph.analysis.duplicates import merge_in_store
    from lacgraph.stores import open_store

    _check_store(store_path)
    audit_log = _audit_log(app_db, store_path)
    with open_store(store_path) as store:
        if not yes:
            click.confirm(f"Merge {drop!r} into {keep!r} in {store_path}? {drop!r} is "
                          "removed.", abort=True, err=True)
        summary = merge_in_store(store, keep, drop)
    if audit_log is not None:
        audit_log.audit("cli", "cli", "data.merge", keep, f"dropped={drop}")
        audit_log.close()
    click.echo(f"Merged {drop!r} into {keep!r}: {summary.ties_added} connection(s) moved to "
               f"{keep!r}, {summary.nodes_changed} record(s) updated; {drop!r} removed "
               f"(a later load holding {drop!r} is refused).")
