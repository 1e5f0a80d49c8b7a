"""The council report: ``lacgraph report`` (one self-contained HTML file, optionally a PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from lacgraph.cli.base import DATE, cli, day, source_argument, spinner

HTML_FILE = click.Path(dir_okay=False, path_type=Path)


@cli.command()
@source_argument
@click.option("--months", type=click.IntRange(min=1),
              help="Personal window: from each person's introduction to N months later "
                   "[default: 6 when no --from/--to].")
@click.option("--from", "start", type=DATE, help="Fixed window: baseline date.")
@click.option("--to", "end", type=DATE, help="Fixed window: follow-up date.")
@click.option("--as-of", type=DATE,
              help="The data's last date [default: the largest start or end date present].")
@click.option("--output", "-o", type=HTML_FILE, required=True,
              help="Write the report to this .html file.")
@click.option("--pdf", type=HTML_FILE,
              help="Also print it to this PDF with headless Chromium (/usr/bin/chromium).")
@click.option("--suppress/--no-suppress", "suppress_small", default=True, show_default=True,
              help="Small-number suppression (0 stays, 1-7 become *, others round to 5; "
                   "groups of 1-7 get no statistics). --no-suppress makes the team's own "
                   "copy, marked on every page as not for circulation.")
@click.option("--at-risk-below", type=click.IntRange(min=1), default=3, show_default=True,
              help="At risk: fewer natural + community alters than this.")
@click.option("--lang", type=click.Choice(["en", "cy", "both"], case_sensitive=False),
              default="en", show_default=True,
              help="The report's language: English, Welsh (Cymraeg), or both: the English "
                   "report at --output (and --pdf) and the Welsh one beside it with .cy "
                   "before the suffix (report.cy.html, report.cy.pdf).")
def report(source: str, months: int | None, start: Any, end: Any, as_of: Any, output: Path,
           pdf: Path | None, suppress_small: bool, at_risk_below: int, lang: str) -> None:
    """The report a council reads: growth, less reliance on services, where to act.

    One HTML file with everything inside it (charts, styles; no script, nothing fetched),
    readable on screen and printable: the programme at a glance, the cohort, growth in
    natural + community connections (Wilcoxon test, effect size, 95% interval), the shift
    from services to community, whether new connections lasted, the same by neighbourhood
    and coordinator, isolation month by month, where to act, data quality and methods.
    """
    if output.suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter(f"{output}: expected an .html file", param_hint="--output")
    if pdf is not None and pdf.suffix.lower() != ".pdf":
        raise click.BadParameter(f"{pdf}: expected a .pdf file", param_hint="--pdf")
    if months is not None and (start is not None or end is not None):
        raise click.UsageError("Give either --months N or --from DATE --to DATE, not both.")

    import lacgraph
    from lacgraph.report.content import report_content
    from lacgraph.report.render import (
        ChromiumUnavailable,
        chromium_problem,
        print_pdf,
        write_html,
    )

    lang = lang.lower()
    languages = ("en", "cy") if lang == "both" else (lang,)
    outputs = {code: (output, pdf) if lang != "both" or code == "en"
               else (welsh_path(output), welsh_path(pdf) if pdf is not None else None)
               for code in languages}
    with lacgraph.open(source) as G, spinner("Writing the report"):
        contents = {code: report_content(G, months=months, start=day(start), end=day(end),
                                         as_of=day(as_of), suppress_small=suppress_small,
                                         at_risk_below=at_risk_below, lang=code)
                    for code in languages}
        for code, content in contents.items():
            write_html(content, outputs[code][0])
    notes = contents["en" if "en" in contents else languages[0]].notes
    for note in notes:  # dates taken back to month ends: said, never silent
        click.echo(note, err=True)
    for code in languages:
        click.echo(f"Wrote the report{LANGUAGE_WORDS[lang][code]} to {outputs[code][0]}"
                   + ("" if suppress_small else " (team copy: small numbers NOT suppressed)"),
                   err=True)
    if pdf is not None:
        problem = chromium_problem()
        if problem:
            click.echo(f"Error: {problem}", err=True)
            raise SystemExit(1)
        for code in languages:
            html_path, pdf_path = outputs[code]
            assert pdf_path is not None  # --pdf was given, so every language has one
            try:
                with spinner("Printing the PDF with Chromium (a few seconds)"):
                    print_pdf(html_path, pdf_path)
            except ChromiumUnavailable as err:
                click.echo(f"Error: {err}", err=True)
                raise SystemExit(1) from None
            click.echo(f"Printed it to {pdf_path}", err=True)


LANGUAGE_WORDS = {"en": {"en": ""}, "cy": {"cy": " in Welsh"},
                  "both": {"en": " in English", "cy": " in Welsh"}}
"""How ``Wrote the report ... to`` names the language (nothing for a plain English run)."""


def welsh_path(path: Path) -> Path:
    """Where ``--lang both`` writes the Welsh copy of ``path``: ``.cy`` before the suffix.

    Examples
    --------
    >>> welsh_path(Path("out/report.html")).as_posix(), welsh_path(Path("r.pdf")).as_posix()
    ('out/report.cy.html', 'r.cy.pdf')
    """
    return path.with_name(f"{path.stem}.cy{path.suffix}")
