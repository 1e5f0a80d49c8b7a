"""The evaluator's verb: ``lacgraph growth`` (windows, summary, waves, plots)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from lacgraph.cli.base import DATE, cli, day, emit, format_options, source_argument, spinner


def _wave_list(ctx: click.Context, param: click.Parameter, value: str | None
               ) -> tuple[int, ...] | None:
    if value is None:
        return None
    try:
        months = tuple(int(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r}: expected months since introduction separated "
                                 "by commas, such as 0,6,12") from None
    if any(m < 0 for m in months):
        raise click.BadParameter(f"{value!r}: months cannot be negative")
    return months


@cli.command()
@source_argument
@click.option("--from", "start", type=DATE, help="Fixed window: baseline date (the cohort is "
              "every supported person introduced on or before it).")
@click.option("--to", "end", type=DATE, help="Fixed window: follow-up date.")
@click.option("--months", type=click.IntRange(min=1),
              help="Personal window: from each person's introduction to N months later.")
@click.option("--as-of", type=DATE,
              help="The data's last date [default: the largest start or end date present].")
@click.option("--follow-up-days", "follow_up_days", type=click.IntRange(min=0), default=45,
              show_default=True,
              help="Observed follow-up: a review within this many days of the target date "
                   "counts as the follow-up (and, for --from, as the baseline).")
@click.option("--mode", type=click.Choice(["observed", "assumed"]),
              help="observed: follow-up from reviews (the default when the data holds a "
                   "review); assumed: records assumed current (the only mode without "
                   "reviews).")
@click.option("--unbalanced", is_flag=True,
              help="With --waves: every person at every wave they have reached (later waves "
                   "hold fewer people) instead of the same people at every wave.")
@click.option("--summary", is_flag=True,
              help="Print the cohort summary as JSON (overall, by neighbourhood, by "
                   "coordinator, by --by) instead of one row per person.")
@click.option("--by", "by", multiple=True, metavar="COLUMN",
              help="Also split the summary by this node attribute (repeatable).")
@click.option("--waves", callback=_wave_list, metavar="0,6,12",
              help="Measures at these months after introduction, one row per person per "
                   "wave (with --summary: each wave against the first).")
@click.option("--pseudonymise", is_flag=True,
              help="Replace ids by keyed pseudonyms (key from LACGRAPH_PSEUDONYM_KEY).")
@click.option("--suppress/--no-suppress", "suppress_small", default=True, show_default=True,
              help="The summary as it may leave the team (counts: 0 stays, 1-7 become *, "
                   "others round to 5; shares and means from exact values to whole percent "
                   "/ one decimal, bands for 1-7 on either side; p as bands; groups under 20 "
                   "withheld; dates taken back to month ends). Turn off only for the team's "
                   "own view.")
@click.option("--plots", "plots", type=click.Path(file_okay=False, path_type=Path),
              help="Also write change.png, waves.png, categories.png, retention.png and "
                   "shift.png to this folder.")
@format_options
def growth(source: str, start: Any, end: Any, months: int | None, as_of: Any,
           follow_up_days: int, mode: str | None, unbalanced: bool, summary: bool,
           by: tuple[str, ...], waves: tuple[int, ...] | None, pseudonymise: bool,
           suppress_small: bool, plots: Path | None, fmt: str, output: Path | None) -> None:
    """Did supported people's networks grow, and did the new ties last?

    Fixed window: --from DATE --to DATE. Personal window: --months N (people whose
    follow-up is after the data's last date are left out and counted as not yet due).
    Prints one row per person (change in natural + community alters, ties formed and
    ended, every measure at both ends), or with --summary the cohort summary as JSON.
    When the data holds review dates, follow-up is observed (a review within
    --follow-up-days of the target date); people without one are counted as missing or
    left, never carried forward. Without reviews the records are assumed current. The
    mode is named in every output.
    """
    windowed = start is not None or end is not None or months is not None
    if not windowed and waves is None:
        raise click.UsageError("Give a window (--from DATE --to DATE, or --months N), "
                               "or --waves.")
    if summary and fmt == "xlsx":
        raise click.UsageError("The summary is JSON: leave out --format xlsx.")

    import lacgraph
    from lacgraph.analysis.growth import growth as measure_growth
    from lacgraph.analysis.growth import wave_summary
    from lacgraph.analysis.growth import waves as measure_waves
    from lacgraph.privacy import Pseudonymiser

    pseudonymiser = Pseudonymiser.from_environment() if pseudonymise else None
    leaves_team = summary and suppress_small

    with lacgraph.open(source) as G, spinner("Measuring growth"):
        if leaves_team:  # windows and reporting dates beyond the team are month ends
            start, end, as_of = _month_ends(G, start, end, as_of)
        result = (measure_growth(G, start=day(start), end=day(end), months=months,
                                 as_of=day(as_of), mode=mode, follow_up_days=follow_up_days)
                  if windowed else None)
        wave_table = (measure_waves(G, waves, as_of=day(as_of), balanced=not unbalanced)
                      if waves is not None else None)
        if plots is not None:
            _plots(G, result, wave_table, plots)

    if summary:
        report: dict[str, Any] = {}
        if result is not None:
            report = result.summary(by=list(by))
            if pseudonymiser is not None:
                for row in report["by"].get("coordinator", []):
                    row["coordinator"] = pseudonymiser(row["coordinator"]) if row[
                        "coordinator"] else ""
        if wave_table is not None:
            # each wave's n counts the whole cohort (not a group split): shown as it is
            report["waves"] = wave_summary(wave_table)
        if leaves_team:  # the one rule of lacgraph.disclosure, as the web and the report
            from lacgraph.disclosure import disclose_summary

            report = disclose_summary(report)
        text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
        if output is None:
            click.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
            click.echo(f"Wrote the summary to {output}", err=True)
        return

    # with --waves the long table is the output; otherwise one row per person
    if wave_table is not None:
        frame = wave_table
    else:
        assert result is not None  # no --waves: a window was given (checked above)
        frame = result.people
    if pseudonymiser is not None:
        frame = pseudonymiser.frame(frame, columns=("id", "coordinator"))
    if result is not None and result.not_yet_due:
        click.echo(f"{result.not_yet_due} supported people not yet due (follow-up after "
                   f"{result.as_of}) are left out.", err=True)
    if result is not None:
        click.echo(_mode_note(result), err=True)
    emit(frame, fmt, output)


def _mode_note(result: Any) -> str:
    """Say how follow-up was measured and who is not in the rows."""
    if result.mode == "assumed":
        return ("Mode: records assumed current (no review dates in the data): every "
                "person's network at follow-up is taken as recorded.")
    counts = result.members["status"].value_counts()
    return (f"Mode: observed (follow-up from a review within {result.follow_up_days} days "
            f"of the target date): {counts.get('observed', 0)} followed up; left out: "
            f"{counts.get('missing', 0)} missing at follow-up, {counts.get('left', 0)} "
            f"left the programme, {counts.get('missing_baseline', 0)} without a baseline.")


def _plots(G: Any, result: Any, wave_table: Any, folder: Path) -> None:
    import matplotlib.pyplot as plt

    from lacgraph.viz.growth import (
        plot_categories,
        plot_change,
        plot_retention,
        plot_shift,
        plot_waves,
    )

    folder.mkdir(parents=True, exist_ok=True)
    table = wave_table if wave_table is not None else G
    figures = [plot_waves(table, folder / "waves.png"),
               plot_categories(table, folder / "categories.png")]
    if result is not None:
        figures.append(plot_change(result, folder / "change.png"))
        figures.append(plot_retention(result, folder / "retention.png"))
        figures.append(plot_shift(result, folder / "shift.png"))
    for fig in figures:
        plt.close(fig)
    click.echo(f"Wrote {len(figures)} plots to {folder}", err=True)


def _month_ends(G: Any, start: Any, end: Any, as_of: Any) -> tuple[Any, Any, Any]:
    """The window and reporting date as they may leave the team: each date taken back to the
    month end on or before it (said on stderr, never silently)."""
    import datetime as dt

    from lacgraph.disclosure import month_end_on_or_before
    from lacgraph.tables import format_long_date

    last = as_of if as_of is not None else G.last_date
    out: list[Any] = []
    for name, value in (("--from", start), ("--to", end), ("--as-of", last)):
        if value is None:
            out.append(None)
            continue
        given = str(value)[:10]
        snapped = month_end_on_or_before(given)
        if str(snapped) != given:
            click.echo(f"{name} {format_long_date(given)} is taken back to the month end "
                       f"{format_long_date(snapped)} (output beyond the team uses month ends).",
                       err=True)
        out.append(dt.datetime.combine(snapped, dt.time()))
    if as_of is None and out[1] is not None and out[1] > out[2]:
        out[2] = None  # a window past the data ends at the data's last date, as before
    return out[0], out[1], out[2]
