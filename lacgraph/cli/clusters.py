"""The manager's verbs: clusters, neighbourhoods, assets, communities.

``--export`` marks an output for use beyond the team: every count is suppressed
(DESIGN.md's rule) and nobody is listed (see :mod:`lacgraph.readwrite.clusters_export`).
"""

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
    source_argument,
    spinner,
)

EXPORT_HELP = ("For use beyond the team: every count suppressed (0 stays 0, 1-7 become *, "
               "others round to the nearest 5), nobody listed.")
PICTURE = OutputFile()


def _at_option(f: Any) -> Any:
    return click.option("--at", type=DATE,
                        help="The date to look at [default: the data's last date].")(f)


def _at_risk_option(f: Any) -> Any:
    return click.option("--at-risk-below", type=click.IntRange(min=1), default=3,
                        show_default=True,
                        help="At risk: fewer natural + community alters than this.")(f)


def _export_options(f: Any) -> Any:
    f = click.option("--suppress-up-to", type=click.IntRange(min=1), default=7,
                     show_default=True,
                     help="With --export: counts from 1 to this become *.")(f)
    return f


def _ward_option(f: Any) -> Any:
    return click.option("--neighbourhood", "wards", multiple=True, metavar="NAME",
                        help="Only this neighbourhood (repeat for several).")(f)


def _picture_suffix(path: Path | None) -> None:
    if path is not None and path.suffix.lower() not in (".png", ".svg"):
        raise click.BadParameter(f"{path}: expected a .png or .svg file", param_hint="--picture")


@cli.command()
@source_argument
@_at_option
@click.option("--people", is_flag=True,
              help="List isolated and at-risk people (neighbourhood, coordinator, cluster) "
                   "instead of clusters.")
@_at_risk_option
@_ward_option
@click.option("--export", is_flag=True, help=EXPORT_HELP + " Clusters become a size profile.")
@_export_options
@click.option("--picture", type=PICTURE,
              help="Also draw the isolated clusters as small multiples (.png or .svg).")
@format_options
def clusters(source: str, at: Any, people: bool, at_risk_below: int, wards: tuple[str, ...],
             export: bool,
             suppress_up_to: int, picture: Path | None, fmt: str, output: Path | None) -> None:
    """Isolated clusters at a date: people joined by natural ties, none in a community group.

    One row per cluster (cluster, size, members, neighbourhoods, supported,
    with_paid_ties), largest first, then by smallest member id.
    """
    import lacgraph
    from lacgraph.analysis import clusters as manager
    from lacgraph.errors import QueryError
    from lacgraph.readwrite.clusters_export import PEOPLE_NOT_FOR_EXPORT, for_export

    _picture_suffix(picture)
    if export and people:
        raise QueryError(PEOPLE_NOT_FOR_EXPORT)
    if export and picture:
        raise click.UsageError("The cluster picture shows individual people: it is for the "
                               "team only and cannot be drawn with --export.")
    with lacgraph.open(source) as G, spinner("Finding isolated clusters"):
        if people:
            frame = manager.isolated_people(G, day(at), at_risk_below=at_risk_below)
        else:
            frame = manager.isolated_clusters(G, day(at))
        frame = manager.select_neighbourhoods(G, frame, wards)
        if not people:
            if export:
                frame = for_export(frame, "clusters", up_to=suppress_up_to)
        if picture is not None:
            from lacgraph.viz.clusters import draw_clusters

            draw_clusters(G, day(at), picture, neighbourhoods=wards)
            click.echo(f"Drew the isolated clusters in {picture}", err=True)
    emit(frame, fmt, output)


@cli.command()
@source_argument
@_at_option
@click.option("--from", "since", type=DATE,
              help="Add the change in every count since this date.")
@_at_risk_option
@_ward_option
@click.option("--export", is_flag=True, help=EXPORT_HELP)
@_export_options
@click.option("--picture", type=PICTURE,
              help="Also draw isolated and at-risk people per neighbourhood at four dates "
                   "from --from (default: a year before --at) to --at (.png or .svg).")
@format_options
def neighbourhoods(source: str, at: Any, since: Any, at_risk_below: int,
                   wards: tuple[str, ...], export: bool,
                   suppress_up_to: int, picture: Path | None, fmt: str,
                   output: Path | None) -> None:
    """Per neighbourhood: people, isolated, at risk, isolated clusters, groups, caseload."""
    import numpy as np

    import lacgraph
    from lacgraph.analysis import clusters as manager
    from lacgraph.readwrite.clusters_export import for_export

    _picture_suffix(picture)
    with lacgraph.open(source) as G, spinner("Counting neighbourhoods"):
        frame = manager.neighbourhoods(G, day(at), since=day(since), at_risk_below=at_risk_below)
        frame = manager.select_neighbourhoods(G, frame, wards)
        if export:
            frame = for_export(frame, "neighbourhoods", up_to=suppress_up_to)
        if picture is not None:
            from lacgraph.viz.clusters import plot_neighbourhoods, timeline_dates

            end = G.resolve_date(day(at))
            start = G.resolve_date(day(since)) if since else end - np.timedelta64(365, "D")
            plot_neighbourhoods(G, timeline_dates(start, end), picture, export=export,
                                neighbourhoods=wards,
                                up_to=suppress_up_to, at_risk_below=at_risk_below)
            click.echo(f"Drew the neighbourhoods in {picture}", err=True)
    emit(frame, fmt, output)


@cli.command()
@source_argument
@_at_option
@click.option("--gaps", is_flag=True,
              help="List the neighbourhoods with isolated people and no active group instead.")
@_at_risk_option
@_ward_option
@click.option("--export", is_flag=True, help=EXPORT_HELP)
@_export_options
@format_options
def assets(source: str, at: Any, gaps: bool, at_risk_below: int, wards: tuple[str, ...],
           export: bool,
           suppress_up_to: int, fmt: str, output: Path | None) -> None:
    """Community assets: groups that connect at-risk people or hold the community together.

    Per active group: members, otherwise_at_risk (members who would be at risk without it),
    only_connection, cut_point (an articulation point of the people-plus-groups graph),
    splits_into, people_cut_off, bridge_ties. With --gaps: the neighbourhoods with isolated
    people and no active group.
    """
    import lacgraph
    from lacgraph.analysis import clusters as manager
    from lacgraph.analysis.communities import community_assets
    from lacgraph.readwrite.clusters_export import for_export

    with lacgraph.open(source) as G, spinner("Finding community assets"):
        if gaps:
            frame = manager.community_gaps(G, day(at), at_risk_below=at_risk_below)
        else:
            frame = community_assets(G, day(at), at_risk_below=at_risk_below)
        frame = manager.select_neighbourhoods(G, frame, wards)
    if export:
        frame = for_export(frame, "gaps" if gaps else "assets", up_to=suppress_up_to)
    emit(frame, fmt, output)


@cli.command()
@source_argument
@_at_option
@click.option("--resolution", type=click.FloatRange(min=0, min_open=True), default=1.0,
              show_default=True, help="Leiden resolution: higher gives smaller communities.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Random seed: one seed always gives the same communities.")
@_at_risk_option
@click.option("--export", is_flag=True, help=EXPORT_HELP)
@_export_options
@format_options
def communities(source: str, at: Any, resolution: float, seed: int, at_risk_below: int,
                export: bool, suppress_up_to: int, fmt: str, output: Path | None) -> None:
    """Communities of the natural + community graph (Leiden, modularity), largest first."""
    import lacgraph
    from lacgraph.analysis.communities import communities as leiden_communities
    from lacgraph.readwrite.clusters_export import for_export

    with lacgraph.open(source) as G, spinner("Finding communities"):
        frame = leiden_communities(G, day(at), resolution=resolution, seed=seed,
                                   at_risk_below=at_risk_below)
    if export:
        frame = for_export(frame, "communities", up_to=suppress_up_to)
    emit(frame, fmt, output)
