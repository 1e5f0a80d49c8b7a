"""Running lacgraph for years: ``lacgraph upgrade``, ``backup``, ``restore`` and ``key new``."""

from __future__ import annotations

from pathlib import Path

import click

from lacgraph.cli.base import cli


def _store_file(path: str) -> str:
    from lacgraph.uri import is_uri

    if is_uri(path):
        raise click.UsageError(f"{path}: expected a store file made by 'lacgraph load' (a Neo4j "
                               "database is backed up with neo4j-admin database dump, and "
                               "has one schema version so far: nothing to upgrade).")
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


def _app_db_for(store_path: str, app_db: str | None) -> Path:
    from lacgraph.audit import default_app_db

    return Path(app_db) if app_db else default_app_db(store_path)


@cli.command()
@click.argument("store_path", metavar="STORE", type=click.Path(dir_okay=False, path_type=str))
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="A new (or empty) folder for this backup.")
@click.option("--app-db", type=click.Path(dir_okay=False),
              help="The web app's database [default: the one beside STORE, if there is one].")
def backup(store_path: str, output: Path, app_db: str | None) -> None:
    """Copy STORE and its app database into a new folder, while a server may run.

    SQLite's online backup copies each database as it was at one moment (a running
    'lacgraph serve' goes on writing); manifest.json records the schema version, the data
    version, the counts and the SHA-256 of each file, which 'lacgraph restore' checks.
    The folder holds the same personal data as the store: keep it as safe (it is made
    readable by its owner only).
    """
    import time
    from importlib.metadata import version

    from lacgraph.cli.base import spinner
    from lacgraph.stores.backup import backup as make_backup

    path = _app_db_for(_store_file(store_path), app_db)
    if app_db and not path.is_file():
        raise click.BadParameter(f"{app_db}: no such file", param_hint="--app-db")
    began = time.perf_counter()
    with spinner(f"Backing up {store_path}"):
        manifest = make_backup(store_path, path if path.is_file() else None, output,
                               lacgraph_version=version("lacgraph"))
    s, a = manifest["store"], manifest["app_db"]
    click.echo(f"Backed up {store_path} (schema version {s['schema_version']}, data version "
               f"{s['data_version']}: {s['nodes']} nodes, {s['ties']} ties, "
               f"{s['tombstones']} erasure tombstone(s)) to {output} in "
               f"{time.perf_counter() - began:.1f} s.")
    if a is None:
        click.echo(f"No app database beside {store_path}: only the store was backed up "
                   "(give --app-db FILE if it lives elsewhere).", err=True)
    else:
        click.echo(f"With its app database {path}: {a['users']} account(s), "
                   f"{a['audit_rows']} audit row(s).")


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--store", "store_path", required=True, type=click.Path(dir_okay=False),
              help="The store file to restore into (replaced; created if missing).")
@click.option("--app-db", type=click.Path(dir_okay=False),
              help="The web app's database [default: the one beside --store]. Kept if it "
                   "exists (its accounts and audit log are newer); restored if missing.")
@click.option("--yes", is_flag=True, help="Do not ask before replacing an existing store.")
def restore(folder: Path, store_path: str, app_db: str | None, yes: bool) -> None:
    """Restore a backup FOLDER (made by 'lacgraph backup') into --store.

    Checks every file against the manifest first (SHA-256, counts, data version) and
    refuses a mismatch. People erased after the backup was made are erased again (known
    from the tombstones of the store being replaced and the erasures in the audit log;
    needs LACGRAPH_PSEUDONYM_KEY), and duplicates merged after it are merged again (known
    from the store's merges and the audit log), and it says so. A store of an older schema
    version is upgraded.
    """
    import os

    from lacgraph.privacy import KEY_VARIABLE, Pseudonymiser
    from lacgraph.rights.restore import restore as restore_backup
    from lacgraph.stores.backup import check_backup

    _store_file(store_path)
    manifest, problems = check_backup(folder)
    if problems:
        raise click.ClickException(f"The backup {folder} does not match its manifest; nothing "
                                   "was restored:\n  " + "\n  ".join(problems))
    s = manifest["store"]
    click.echo(f"Checked {folder}: every file matches its manifest (backup of "
               f"{manifest['created']}, data version {s['data_version']}, {s['nodes']} nodes, "
               f"{s['ties']} ties).")
    if Path(store_path).exists() and not yes:
        click.confirm(f"Replace the data in {store_path} with this backup?", abort=True,
                      err=True)
    key = Pseudonymiser(os.environ[KEY_VARIABLE]) if os.environ.get(KEY_VARIABLE) else None
    report = restore_backup(folder, store_path, app_db=_app_db_for(store_path, app_db),
                            key=key)
    if report.upgraded_from is not None:
        click.echo(f"Upgraded the restored store from schema version {report.upgraded_from}.")
    if report.merges:
        click.echo(f"Merged again {len(report.merges)} duplicate(s) merged after this backup "
                   "was made (" + ", ".join(f"{d!r} into {k!r}" for d, k in report.merges)
                   + "), so loads holding them stay refused.")
    if report.reapplied or report.tombstones_added:
        click.echo(f"Erased again {len(report.reapplied)} person(s) erased after this backup "
                   f"was made ({', '.join(report.reapplied) or 'none'}); "
                   f"{report.tombstones_added} further tombstone(s) kept, so loads of erased "
                   "ids stay refused.")
    app = _app_db_for(store_path, app_db)
    click.echo({"kept": f"Kept the app database {app} (its accounts and audit log are newer "
                        "than the backup's).",
                "restored": f"Restored the app database {app} from the backup.",
                "none": "The backup has no app database and there is none beside the store."
                }[report.app_db])
    click.echo(f"Restored {folder} into {store_path}.")


@cli.group()
def key() -> None:
    """The pseudonym key (LACGRAPH_PSEUDONYM_KEY)."""


@key.command("new")
def key_new() -> None:
    """Print a new random pseudonym key (and, on standard error, how to keep it).

    The key makes every pseudonym (evaluator pages, --pseudonymise) and every erasure
    tombstone. Make it once per programme and keep it for as long as the data.
    """
    import secrets

    click.echo(secrets.token_urlsafe(32))
    click.echo(KEEP_KEY, err=True)


KEEP_KEY = """\
That is a new pseudonym key (256 random bits). Keep it:
  - where the service reads it: LACGRAPH_PSEUDONYM_KEY=<key> in /etc/lacgraph/lacgraph.env
    (owner root, mode 600; deploy/README.md), and in the shell of whoever runs lacgraph
    commands on the data (erase, export with --pseudonymise);
  - a second copy offline, in the council's password safe: not in the backup folders,
    which would then hold the data and the key together.
Make it once and keep it for as long as the data: another key gives other pseudonyms, and
erasure tombstones made with a lost key can no longer stop an erased person coming back in
a later load or a restored backup."""
