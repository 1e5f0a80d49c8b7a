"""The ``lacgraph`` command line.

Every verb has ``--help``. A user's mistake (bad input, unknown id, bad date) prints a
report and exits with status 1 (2 for a wrong option), never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from lacgraph.errors import InputError, LacgraphError
from lacgraph.output import FORMATS, write_table

DATE = click.DateTime(formats=["%Y-%m-%d"])


class LacgraphGroup(click.Group):
    """A click group that turns lacgraph's errors into a report and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as err:
            click.echo(err.report(limit=None), err=True)
            click.echo("Nothing was loaded: fix the rows above and run the command again.",
                       err=True)
            sys.exit(1)
        except LacgraphError as err:
            click.echo(f"Error: {err}", err=True)
            sys.exit(1)
        except ValueError as err:  # e.g. a format that needs an output file
            click.echo(f"Error: {err}", err=True)
            sys.exit(2)


@click.group(cls=LacgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lacgraph")
def cli() -> None:
    """Relationship network analysis for Local Area Coordination programmes.

    SOURCE is a data folder (nodes.csv + ties.csv), an .xlsx workbook with sheets
    'nodes' and 'ties', or a store file written by 'lacgraph load'.
    """


def _source_argument(f: Any) -> Any:
    return click.argument("source", type=click.Path(path_type=str))(f)


def _format_options(f: Any) -> Any:
    f = click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                     help="Write to this file instead of standard output.")(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv",
                     show_default=True, help="Output format.")(f)
    return f


def _emit(frame: Any, fmt: str, output: Path | None) -> None:
    text = write_table(frame, fmt, output)
    if text is not None:
        click.echo(text, nl=False)
    else:
        click.echo(f"Wrote {len(frame)} rows to {output}", err=True)


def _day(value: Any) -> str | None:
    return None if value is None else value.date().isoformat()


@cli.command()
@_source_argument
@click.option("--store", "store_path", required=True, type=click.Path(dir_okay=False),
              help="The store file to create or update (one SQLite file).")
def load(source: str, store_path: str) -> None:
    """Validate SOURCE and load it into a store file, all or nothing.

    Loading the same data again changes nothing; a rejected load leaves the store as it was.
    """
    from lacgraph.loaders import read_source
    from lacgraph.stores import MemoryStore

    with _spinner(f"Reading {source}"):
        tables = read_source(source)
    total = len(tables.nodes) + len(tables.ties)
    with MemoryStore(store_path) as store, tqdm(total=total, unit="row", desc="Loading",
                                                 disable=None) as bar:
        summary = store.write(tables, progress=bar.update)
    click.echo(
        f"Loaded {source} into {store_path}: "
        f"nodes {summary.nodes_added} added, {summary.nodes_changed} changed, "
        f"{summary.nodes_unchanged} unchanged; "
        f"ties {summary.ties_added} added, {summary.ties_changed} changed, "
        f"{summary.ties_unchanged} unchanged."
    )


@cli.command()
@_source_argument
@click.option("--at", type=DATE, help="The date to measure at [default: the data's last date].")
@click.option("--at-risk-below", type=click.IntRange(min=1), default=3, show_default=True,
              help="At risk: fewer natural + community alters than this.")
@_format_options
def metrics(source: str, at: Any, at_risk_below: int, fmt: str, output: Path | None) -> None:
    """Every person's ego-network measures at a date, one row per person."""
    import lacgraph

    with lacgraph.open(source) as G, _spinner("Measuring"):
        frame = G.metrics(at=_day(at), at_risk_below=at_risk_below)
    _emit(frame, fmt, output)


@cli.command()
@_source_argument
@click.argument("person")
@click.option("--at", type=DATE, help="The date to look at [default: the data's last date].")
@_format_options
def circle(source: str, person: str, at: Any, fmt: str, output: Path | None) -> None:
    """One person's circle of support at a date: alters with category and circle."""
    import lacgraph

    with lacgraph.open(source) as G:
        frame = G.circle(person, at=_day(at))
    _emit(frame, fmt, output)


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


class _spinner:
    """A one-line 'doing X...' note on standard error for steps without a row count."""

    def __init__(self, what: str):
        self.what = what

    def __enter__(self) -> None:
        if sys.stderr.isatty():
            click.echo(f"{self.what}...", err=True)

    def __exit__(self, *exc: object) -> None:
        return None


def main() -> None:
    """Entry point of the ``lacgraph`` console script."""
    cli(prog_name="lacgraph")
