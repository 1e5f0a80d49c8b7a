"""Data in and out: ``lacgraph import-nc`` (Network Canvas) and ``lacgraph export`` (Gephi, R)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from lacgraph.cli.base import DATE, cli, day, source_argument, spinner

FORMATS = ("graphml", "gexf", "egor")


@cli.command("import-nc")
@click.argument("export", type=click.Path(path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write nodes.csv, ties.csv, reviews.csv (each interview's date) "
                   "and matches.csv (names to review) into (created if needed).")
@click.option("--mapping", type=click.Path(dir_okay=False, path_type=Path),
              help="A TOML file saying how Network Canvas types and variables become "
                   "lacgraph nodes and ties [default: egos are supported people, every alter "
                   "a person joined by a friend tie].")
@click.option("--matches", type=click.Path(dir_okay=False, path_type=Path),
              help="A matches.csv from an earlier import, with same or different written in "
                   "its decision column: names marked same become one person.")
def import_nc(export: Path, output: Path, mapping: Path | None, matches: Path | None) -> None:
    """Turn a Network Canvas export (folder or .zip, CSV and/or GraphML) into a data folder.

    Repeat interviews of the same person (same networkCanvasCaseID) become dated ties:
    a tie starts at the first interview that names it and ends at the first later
    interview that does not. Rows left out (an edge from a node to itself) are listed;
    names that may be the same person are written to matches.csv for review, never
    merged silently. Nothing is written if anything is wrong.
    """
    from lacgraph.loaders.netcanvas import import_netcanvas

    with spinner(f"Reading {export}"):
        study = import_netcanvas(export, output, mapping, matches)
    tables, matching = study.tables, study.matching
    people = int(tables.nodes["supported"].sum())
    click.echo(f"Imported {export} into {output}: {len(tables.nodes)} nodes "
               f"({people} interviewed people, {len(study.reviews)} interviews), "
               f"{len(tables.ties)} ties.")
    click.echo(f"Alters named again in a later interview: {matching.exact} matched exactly, "
               f"{matching.by_key} by name key (spelling differs), {matching.by_decision} by "
               f"a decision in matches.csv; {matching.awaiting} possible matches await review "
               f"in {output / 'matches.csv'}.")
    if study.notices:
        click.echo(f"{len(study.notices)} notices (nothing below stopped the import):")
        for notice in study.notices:
            click.echo(f"  {notice}")


@cli.command("export")
@source_argument
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="graphml: the network at --at (networkx, igraph, Gephi); gexf: the dated "
                   "network for Gephi's timeline; egor: egos.csv, alters.csv and aaties.csv "
                   "of the supported people at --at for R's egor::threefiles_to_egor.")
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path),
              help="The file to write (a folder for egor).")
@click.option("--at", type=DATE, help="The date of the network [default: the data's last date].")
@click.option("--pseudonymise", is_flag=True,
              help="Replace ids by keyed pseudonyms (key from LACGRAPH_PSEUDONYM_KEY) and "
                   "leave out names and any extra columns.")
@click.option("--suppress", is_flag=True,
              help="Replace a neighbourhood or coordinator shared by 1-7 exported people by *.")
def export(source: str, fmt: str, output: Path, at: Any, pseudonymise: bool,
           suppress: bool) -> None:
    """Write SOURCE for Gephi (GraphML, dynamic GEXF) or R's egor (three CSV files)."""
    import lacgraph
    from lacgraph.privacy import Pseudonymiser
    from lacgraph.readwrite.interchange import export as write

    pseudonymiser = Pseudonymiser.from_environment() if pseudonymise else None
    with lacgraph.open(source) as G, spinner(f"Writing {fmt}"):
        when = None if fmt == "gexf" else G.resolve_date(day(at))
        path = write(G.tables, fmt, output, when, pseudonymiser=pseudonymiser,
                     suppress=suppress)
    what = "the dated network" if fmt == "gexf" else f"the network at {when}"
    click.echo(f"Wrote {what} as {fmt} to {path}")
