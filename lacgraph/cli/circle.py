"""The coordinator's verb: ``lacgraph circle SOURCE ID --at DATE [--since DATE]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from lacgraph.cli.base import (
    DATE,
    OutputFile,
    cli,
    day,
    emit,
    format_options,
    raw_csv,
    source_argument,
)

FILE = OutputFile()


@cli.command()
@source_argument
@click.argument("person")
@click.option("--at", type=DATE, help="The date to look at [default: the data's last date].")
@click.option("--since", type=DATE,
              help="An earlier date: show who is new and who has gone since then.")
@format_options
@click.option("--svg", type=FILE, help="Also draw the circle as an SVG file.")
@click.option("--png", type=FILE, help="Also draw the circle as a PNG file.")
@click.option("--html", "html_path", type=FILE,
              help="Also write the interactive circle as one offline HTML page.")
@click.option("--timeline", "timeline_path", type=FILE,
              help="Also write the size of the network at each date a tie started or ended "
                   "(a .csv/.json/.xlsx table, or a .png/.svg step plot).")
@click.option("--pseudonymise", is_flag=True,
              help="Replace names and ids by keyed pseudonyms (key: LACGRAPH_PSEUDONYM_KEY), "
                   "for tables and pictures that leave the team.")
def circle(source: str, person: str, at: Any, since: Any, fmt: str | None, output: Path | None,
           svg: Path | None, png: Path | None, html_path: Path | None,
           timeline_path: Path | None, pseudonymise: bool) -> None:
    """One person's circle of support at a date: alters with category and circle.

    PERSON is an id or a name (when only one person has it); an unknown one gets the
    closest matches suggested.

    The table has one row per alter: id, label, type, kind(s), category (natural /
    community / paid), circle (1 intimacy .. 4 exchange), since, reciprocal, brokered_by.
    With --since it also lists the alters who have gone, and adds the columns status
    (new / kept / gone), added and ended (the kinds of ties added or ended in between).
    """
    import lacgraph
    from lacgraph.analysis.circle import compare, timeline
    from lacgraph.errors import QueryError
    from lacgraph.output import write_table
    from lacgraph.privacy import Pseudonymiser

    for path, suffixes in ((svg, (".svg",)), (png, (".png",)), (html_path, (".html", ".htm")),
                           (timeline_path, (".csv", ".json", ".xlsx", ".png", ".svg"))):
        if path is not None and path.suffix.lower() not in suffixes:
            raise QueryError(f"{path}: expected a file ending in {' or '.join(suffixes)}")
    pseudonymiser = Pseudonymiser.from_environment() if pseudonymise else None
    from lacgraph.analysis.lookup import check_in_range, resolve

    with lacgraph.open(source) as G:
        at_day, since_day = day(at), day(since)
        person = resolve(G.tables.nodes, person)
        check_in_range(G.tables, None if at_day is None else G.resolve_date(at_day), "--at")
        check_in_range(G.tables, None if since_day is None else G.resolve_date(since_day),
                       "--since")
        if since_day is not None:
            frame = compare(G, person, since=since_day, at=at_day)
        else:
            frame = G.circle(person, at=at_day)
        if pseudonymiser is not None:
            frame = pseudonymiser.frame(frame, columns=("id", "brokered_by"), drop=("label",))
        if svg is not None or png is not None:
            from lacgraph.viz.circle import draw_circle

            for path in (p for p in (svg, png) if p is not None):
                draw_circle(G, person, at=at_day, path=path, since=since_day,
                            pseudonymiser=pseudonymiser)
                click.echo(f"Wrote {path}", err=True)
        if html_path is not None:
            from lacgraph.viz.html import write_circle_html

            write_circle_html(G, person, html_path, at=at_day, since=since_day,
                              pseudonymiser=pseudonymiser)
            click.echo(f"Wrote {html_path}", err=True)
        if timeline_path is not None:
            table = timeline(G, person)
            suffix = timeline_path.suffix.lower()
            if suffix in (".png", ".svg"):
                from lacgraph.viz.circle import draw_timeline

                node = G.node(person)
                name = "" if pseudonymiser else f"{node['label'] or person}: "
                draw_timeline(table, timeline_path, title=f"{name}alters at each change",
                              introduced=node["introduced_on"], until=G.last_date)
            else:
                write_table(table, suffix.lstrip("."), timeline_path, raw=raw_csv())
            click.echo(f"Wrote {timeline_path}", err=True)
    emit(frame, fmt, output)
