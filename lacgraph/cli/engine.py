"""The engine's verbs: load, metrics, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from lacgraph.cli.base import (
    DATE,
    bolt_uri_callback,
    cli,
    day,
    emit,
    format_options,
    source_argument,
    spinner,
)


@cli.command()
@source_argument
@click.option("--store", "store_path", required=True, type=click.Path(dir_okay=False),
              callback=bolt_uri_callback,
              help="The store file to create or update (one SQLite file), or a bolt:// or "
                   "neo4j:// URI.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Rows per write batch [default: 10000 for a file; 2000 on Neo4j, 40 on "
                   "other Bolt servers].")
@click.option("--replace", is_flag=True,
              help="Make the store hold exactly SOURCE: people, groups and connections no "
                   "longer in SOURCE are removed (all or nothing; the summary counts them).")
@click.option("--skip-erased", is_flag=True,
              help="Leave out people erased from the store (with 'lacgraph erase') instead "
                   "of refusing the load.")
def load(source: str, store_path: str, batch_size: int | None, replace: bool,
         skip_erased: bool) -> None:
    """Validate SOURCE and load it into a store file or graph database.

    Loading the same data again changes nothing; a rejected load leaves the store as it
    was. By default a load adds and updates; with --replace it also removes what SOURCE
    no longer holds. A running 'lacgraph serve' switches to the new data within seconds.
    """
    import os

    from tqdm import tqdm

    from lacgraph.loaders import read_source
    from lacgraph.privacy import KEY_VARIABLE, Pseudonymiser
    from lacgraph.rights.erasure import load_check
    from lacgraph.stores import open_store

    with spinner(f"Reading {source}"):
        tables = read_source(source)
    options = {} if batch_size is None else {"batch_size": batch_size}
    with open_store(store_path, **options) as store:
        store.waiting = lambda message: click.echo(message, err=True)
        key = Pseudonymiser.from_environment() if os.environ.get(KEY_VARIABLE) else None
        # the key the store's tombstones were made with (or refused) and the tombstones,
        # checked by the store inside its write transaction, not before it
        check, skipped = load_check(key, skip=skip_erased)
        total = len(tables.nodes) + len(tables.ties)
        with tqdm(total=total, unit="row", desc="Loading", disable=None) as bar:
            if replace:
                summary = store.replace(tables, progress=bar.update, check=check)
            else:
                summary = store.write(tables, progress=bar.update, check=check)
    removed = (f"; removed {summary.nodes_removed} node(s) and {summary.ties_removed} tie(s) "
               f"no longer in {source}" if replace else "")
    click.echo(
        f"Loaded {source} into {store_path}: "
        f"nodes {summary.nodes_added} added, {summary.nodes_changed} changed, "
        f"{summary.nodes_unchanged} unchanged; "
        f"ties {summary.ties_added} added, {summary.ties_changed} changed, "
        f"{summary.ties_unchanged} unchanged{removed}."
    )
    if skipped:
        click.echo(f"Left out {len(skipped)} erased id(s): {', '.join(skipped)}.", err=True)


@cli.command()
@source_argument
@click.option("--at", type=DATE, help="The date to measure at [default: the data's last date].")
@click.option("--at-risk-below", type=click.IntRange(min=1), default=3, show_default=True,
              help="At risk: fewer natural + community alters than this.")
@format_options
def metrics(source: str, at: Any, at_risk_below: int, fmt: str, output: Path | None) -> None:
    """Every person's ego-network measures at a date, one row per person."""
    import lacgraph

    with lacgraph.open(source) as G, spinner("Measuring"):
        frame = G.metrics(at=day(at), at_risk_below=at_risk_below)
    emit(frame, fmt, output)


@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("lacgraph-report"), show_default=True,
              help="Folder for the report (data, store, tables, pictures).")
@click.option("--people", type=click.IntRange(min=50), default=None,
              help="Size of the synthetic programme [default: the demo size].")
@click.option("--seed", type=int, default=1, show_default=True)
def demo(out_dir: Path, people: int | None, seed: int) -> None:
    """Generate the bundled synthetic LAC programme, measure it and write a report."""
    from lacgraph.demo import run_demo

    report = run_demo(out_dir, people=people, seed=seed, progress=True)
    click.echo(report.summary())


