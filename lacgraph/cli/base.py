"""The ``lacgraph`` command group and what every verb shares.

Every verb has ``--help``. A user's mistake (bad input, unknown id, bad date) prints a
report and exits with status 1 (2 for a wrong option), never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

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
            click.echo(after_problems(err), err=True)
            sys.exit(1)
        except LacgraphError as err:
            click.echo(f"Error: {err}", err=True)
            sys.exit(1)
        except ValueError as err:  # e.g. a format that needs an output file
            click.echo(f"Error: {err}", err=True)
            sys.exit(2)


def after_problems(err: InputError) -> str:
    """The line after an input report: about rows of files only when the problems are.

    Examples
    --------
    >>> from lacgraph.errors import Problem
    >>> after_problems(InputError([Problem("ties.csv", 3, "kind", "cousin", "unknown")]))
    'Nothing was loaded: fix the row above and run the command again.'
    >>> after_problems(InputError([Problem("users", 0, "password", "(hidden)", "short")]))
    'Nothing was changed: correct what is named above and run the command again.'
    """
    problems = err.problems
    if problems and all("." in p.file and p.line for p in problems):
        rows = "row" if len(problems) == 1 else "rows"
        return f"Nothing was loaded: fix the {rows} above and run the command again."
    if problems and all("." in p.file for p in problems):
        return "Nothing was loaded: fix the files above and run the command again."
    return "Nothing was changed: correct what is named above and run the command again."


@click.group(cls=LacgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lacgraph")
def cli() -> None:
    """Relationship network analysis for Local Area Coordination programmes.

    SOURCE is a data folder (nodes.csv + ties.csv), an .xlsx workbook with sheets
    'nodes' and 'ties', or a store file written by 'lacgraph load'.
    """


def _login(key: str) -> Any:
    def remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        from lacgraph.uri import BOLT_LOGIN

        BOLT_LOGIN.set({**BOLT_LOGIN.get(), key: value})
        return value
    return remember


def _source(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """For a Bolt URI without NEO4J_PASSWORD, ask for the password (never an argument)."""
    from lacgraph.uri import BOLT_LOGIN, is_uri

    if not value or not is_uri(value):
        return value
    password = None
    if "NEO4J_PASSWORD" not in os.environ and sys.stdin.isatty():
        password = click.prompt("Password for the graph database (empty: none)",
                                default="", hide_input=True, show_default=False, err=True)
    BOLT_LOGIN.set({**BOLT_LOGIN.get(), "password": password or None})
    return value


bolt_uri_callback = _source
"""Use as the callback of an option that may name a Bolt URI (asks for its password)."""


def bolt_options(f: Any) -> Any:
    """``--user`` and ``--database`` for a ``bolt://`` or ``neo4j://`` source or store."""
    f = click.option("--database", expose_value=False, callback=_login("database"),
                     help="Neo4j database for a bolt:// or neo4j:// URI [default: the "
                          "server's].")(f)
    f = click.option("--user", expose_value=False, callback=_login("user"),
                     help="Neo4j user for a bolt:// or neo4j:// URI [default: neo4j]; the "
                          "password comes from NEO4J_PASSWORD or a prompt.")(f)
    return f


def source_argument(f: Any) -> Any:
    f = click.argument("source", type=click.Path(path_type=str), callback=_source)(f)
    return bolt_options(f)


class OutputFile(click.Path):
    """A file lacgraph writes: its folder is created when missing (one behaviour for every
    ``-o``/``--output``, ``--png``, ``--svg``, ``--html``, ``--timeline``, ``--picture``)."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        path = super().convert(value, param, ctx)
        folder = Path(os.fsdecode(path)).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            self.fail(f"cannot create the folder {folder}: {err.strerror or err}", param, ctx)
        return path


def _remember_raw(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta["lacgraph.raw"] = value
    return value


def raw_option(f: Any) -> Any:
    """``--raw``: exact CSV values for programs (the default is formula-safe for people)."""
    return click.option("--raw", is_flag=True, expose_value=False, callback=_remember_raw,
                        help="CSV with exact values, for programs. By default text cells a "
                             "spreadsheet would run as a formula (= + - @ ...) get a "
                             "leading '.")(f)


def raw_csv() -> bool:
    """Whether the running command was given ``--raw``."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get("lacgraph.raw"))


def format_options(f: Any) -> Any:
    f = raw_option(f)
    f = click.option("--output", "-o", type=OutputFile(),
                     help="Write to this file instead of standard output (a missing folder "
                          "is created).")(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                     help="Output format [default: a readable table on a terminal, "
                          "csv when piped or written to a file].")(f)
    return f


def emit(frame: Any, fmt: str | None, output: Path | None) -> None:
    """Write ``frame``: as ``fmt``, or (no ``--format``) a table on a terminal, else CSV."""
    if fmt is None and output is None and sys.stdout.isatty():
        click.echo(terminal_table(frame))
        return
    text = write_table(frame, fmt or "csv", output, raw=raw_csv())
    if text is not None:
        click.echo(text, nl=False)
    else:
        click.echo(f"Wrote {len(frame)} rows to {output}", err=True)


def terminal_table(frame: Any) -> str:
    """``frame`` as aligned columns for a person at a terminal (control characters in
    names shown as ``?``, so a name cannot move the cursor or change colours).

    Examples
    --------
    >>> import pandas as pd
    >>> print(terminal_table(pd.DataFrame({"id": ["p1"], "label": ["Mary\x1b[31m"],
    ...                                    "size": [12]})))
    id  label      size
    p1  Mary?[31m    12
    """
    import re

    import pandas as pd

    if len(frame) == 0:
        return "(no rows)"
    columns = []
    for name in frame.columns:
        values = frame[name]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        cells = [re.sub(r"[\x00-\x1f\x7f-\x9f]", "?", "" if pd.isna(v) else str(v))
                 for v in values.astype(object)]
        width = max(len(str(name)), *(len(c) for c in cells))
        pad = str.rjust if numeric else str.ljust
        columns.append([pad(str(name), width), *(pad(c, width) for c in cells)])
    return "\n".join("  ".join(row).rstrip() for row in zip(*columns, strict=True))


def day(value: Any) -> str | None:
    return None if value is None else value.date().isoformat()


class spinner:
    """A one-line 'doing X...' note on standard error for steps without a row count."""

    def __init__(self, what: str):
        self.what = what

    def __enter__(self) -> None:
        if sys.stderr.isatty():
            click.echo(f"{self.what}...", err=True)

    def __exit__(self, *exc: object) -> None:
        return None


