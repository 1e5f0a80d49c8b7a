"""Ideas to talk about: ``lacgraph suggest`` (groups to suggest) and ``lacgraph family``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from lacgraph.cli.base import DATE, cli, day, emit, format_options, source_argument

FILE = click.Path(dir_okay=False, path_type=Path)


@cli.command()
@source_argument
@click.argument("person", required=False)
@click.option("--at", type=DATE, help="The date to look at [default: the data's last date].")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True,
              help="At most this many suggestions for one person.")
@click.option("--all", "everyone", is_flag=True,
              help="The top suggestion of every at-risk supported person instead of one "
                   "person's list.")
@click.option("--at-risk-below", type=click.IntRange(min=1), default=3, show_default=True,
              help="With --all: at risk means fewer natural + community connections than this.")
@format_options
def suggest(source: str, person: str | None, at: Any, limit: int, everyone: bool,
            at_risk_below: int, fmt: str, output: Path | None) -> None:
    """Groups to suggest to PERSON: where their friends go, or in their neighbourhood.

    One row per group, best first: group, label, neighbourhood, friends_in_group,
    same_neighbourhood, members, retention (share of people who joined in the last two
    years and stayed at least six months; empty when no one joined), retention_n and a
    plain reason. Ranked by friends in the group, same neighbourhood, retention, members.

    With --all (and no PERSON): one row per at-risk supported person with their top
    suggestion, for a manager planning the week.
    """
    import lacgraph
    from lacgraph.errors import QueryError

    if everyone == (person is not None):
        raise QueryError("give either a person's id or --all (the top suggestion of every "
                         "at-risk supported person), not both or neither")
    with lacgraph.open(source) as G:
        if person is None:
            frame = G.suggest_all(at=day(at), at_risk_below=at_risk_below)
        else:
            frame = G.suggest(person, at=day(at), limit=limit)
    emit(frame, fmt, output)


@cli.command()
@source_argument
@click.argument("person")
@click.option("--at", type=DATE, help="The date to look at [default: the data's last date].")
@click.option("--counts", is_flag=True,
              help="Print one row of counts (members, size, natural, community, paid) "
                   "instead of the people and groups.")
@format_options
@click.option("--svg", type=FILE, help="Also draw the family's circle as an SVG file.")
@click.option("--png", type=FILE, help="Also draw the family's circle as a PNG file.")
def family(source: str, person: str, at: Any, counts: bool, fmt: str, output: Path | None,
           svg: Path | None, png: Path | None) -> None:
    """The household PERSON lives in, and the family's network of people and groups.

    The table lists the household members (role 'household') and then every connection
    of any member (role 'network'), once each, with the closest category and circle over
    all the members' connections and known_by (the members who know them).
    """
    import lacgraph
    from lacgraph.errors import QueryError

    for path, suffix in ((svg, ".svg"), (png, ".png")):
        if path is not None and path.suffix.lower() != suffix:
            raise QueryError(f"{path}: expected a file ending in {suffix}")
    with lacgraph.open(source) as G:
        F = G.family(person, at=day(at))
    for path in (p for p in (svg, png) if p is not None):
        from lacgraph.viz.family import draw_family

        draw_family(F, path)
        click.echo(f"Wrote {path}", err=True)
    emit(F.summary() if counts else F.table(), fmt, output)
