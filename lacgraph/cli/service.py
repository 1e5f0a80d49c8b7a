"""Running lacgraph for years: ``lacgraph upgrade``, ``backup``, ``restore`` and ``key new``."""

from __future__ import annotations

import click

from lacgraph.cli.base import cli


def _store_file(path: str) -> str:
    from lacgraph.uri import is_uri

    if is_uri(path):
        raise click.UsageError(f"{path}: expected a store file made by 'lacgraph load' (a Neo4j "
                               "database has its own backups: neo4j-admin database dump).")
    return path


@cli.command()
@click.argument("store_path", metavar="STORE", type=click.Path(dir_okay=False, path_type=str))
def upgrade(store_path: str) -> None:
    """Bring STORE (a store file) to this lacgraph's schema version.

    Every step needed, in order, in one transaction: if anything fails the file is left
    exactly as it was. Safe to run again (nothing to do the second time). Stop a running
    'lacgraph serve' of STORE first, and make a backup ('lacgraph backup STORE --output
    DIR') before upgrading.
    """
    from importlib.metadata import version

    from lacgraph.stores import _sqlite

    before, after = _sqlite.upgrade(_store_file(store_path),
                                    lacgraph_version=version("lacgraph"))
    if before == after:
        click.echo(f"{store_path} is already at schema version {after}: nothing to do.")
    else:
        click.echo(f"Upgraded {store_path} from schema version {before} to {after}.")
