"""Finding people: ``lacgraph people SOURCE --search TEXT``."""

from __future__ import annotations

from pathlib import Path

import click

from lacgraph.cli.base import cli, emit, format_options, source_argument


@cli.command()
@source_argument
@click.option("--search", "text", default="", help="Part of a name or an id (any case).")
@click.option("--all-types", is_flag=True,
              help="Also find groups, services and coordinators, not only people.")
@format_options
def people(source: str, text: str, all_types: bool, fmt: str | None,
           output: Path | None) -> None:
    """People whose name or id contains TEXT: id, name, type, neighbourhood, coordinator,
    introduction date. Without --search, everyone."""
    import lacgraph
    from lacgraph.analysis.lookup import search
    from lacgraph.model import NODE_TYPES

    with lacgraph.open(source) as G:
        types = tuple(NODE_TYPES) if all_types else ("person",)
        frame = search(G.tables.nodes, text, types=types)
    if frame.empty:
        click.echo(f"No one matches {text!r}.", err=True)
    emit(frame, fmt, output)
