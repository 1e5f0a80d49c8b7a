"""Network Canvas interviews -> a dated lacgraph network (``lacgraph import-nc``).

Every interview names the ego's alters and the ties among them *on the interview's date*:
the local date (Europe/London unless the mapping's ``[study] time_zone`` says otherwise)
of ``sessionFinish``, else ``sessionStart``, else ``sessionExported``. Network Canvas gives
each interview new UUIDs; only the ego id (``networkCanvasCaseID`` unless the mapping says
otherwise) links the interviews of one person, within one protocol (an export of several
protocols names people ``<protocol>:<case id>`` unless ``[study] shared_cases = true``).
So, per ego, the interviews are sorted by date and:

* an alter is the same node in two interviews when its identity variable (mapping) has the
  same value, else when its name key (``name`` or ``label``; see
  :mod:`lacgraph.loaders.netcanvas_match`) and node type are the same; two alters of one
  interview with the same name are matched in their order. Names that differ beyond the
  key are scored and put to a person (``matches.csv``), never merged silently. Alters of
  different egos are different nodes unless an identity variable says otherwise (an
  identity equal to an ego's id *is* that ego);
* an edge from a node to itself (a sociogram artefact) is left out with a notice naming
  its file and line; the import goes on;
* a tie starts on the date of the first interview that names it and ends on the date of
  the first later interview that does not (open while the last interview names it); a tie
  named again later starts again. Ego-alter and alter-alter ties alike. Two egos reporting
  the same tie give it the union of their dates;
* the ego is a supported person introduced on the date of their first interview, so
  ``lacgraph growth DIR --from ROUND1 --to ROUND2`` measures growth and retention between
  interview rounds;
* a tie keeps the circle of the interview that first named it; when later interviews put
  it in another circle, ``circle_by_interview`` lists every interview's circle
  (``2024-01-10:2;2024-07-10:1``), so no answer is dropped without trace.

The result is checked by lacgraph's own validator before anything is written; a problem
is reported against the Network Canvas file and line (or GraphML element) it came from.

Examples
--------
>>> read_netcanvas("no/such/export")
Traceback (most recent call last):
...
lacgraph.errors.InputError: 1 problem in the input:
  export: 'no/such/export': no such folder or .zip; expected a Network Canvas export
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from lacgraph.errors import InputError, Problem
from lacgraph.loaders.files import write_folder
from lacgraph.loaders.memory import give_back_large_blocks
from lacgraph.loaders.netcanvas_build import build_tables
from lacgraph.loaders.netcanvas_files import (
    Interviews,
    merge_interviews,
    read_csv_files,
    read_export,
)
from lacgraph.loaders.netcanvas_graphml import read_graphml_files
from lacgraph.loaders.netcanvas_mapping import Mapping, read_mapping
from lacgraph.loaders.netcanvas_match import Matching, read_decisions, write_matches
from lacgraph.loaders.validate import validate
from lacgraph.output import csv_text
from lacgraph.tables import Tables

__all__ = ["OUTPUT_FILES", "StudyImport", "import_netcanvas", "read_interviews",
           "read_netcanvas", "read_study"]


def read_interviews(path: str | Path, mapping: Mapping | None = None) -> Interviews:
    """Read an export's interviews from its CSV files and its GraphML files.

    Network Canvas can export both; an interview (session) found in both is read from the
    CSV files (their column names are the documented ones), and an interview found only
    in GraphML is read from GraphML, so every session of the export is read. With a
    mapping, CSV columns it does not use are skipped as they are read.
    """
    uses = mapping.uses if mapping is not None else None
    files, notices = read_export(path)
    names = [f.name.lower() for f in files]
    has_csv = any(n.endswith("_ego.csv") for n in names)
    has_graphml = any(n.endswith(".graphml") for n in names)
    found = None
    if has_csv and has_graphml:
        found = merge_interviews(read_csv_files(files, uses), read_graphml_files(files))
    elif has_csv:
        found = read_csv_files(files, uses)
    elif has_graphml:
        found = read_graphml_files(files)
    if found is not None:
        return replace(found, notices=(*notices, *found.notices))
    raise InputError([Problem(str(path), 0, "", "", "no Network Canvas files (*_ego.csv with "
                              "*_attributeList_*.csv and *_edgeList_*.csv, or *.graphml); "
                              "expected a Network Canvas export folder or .zip")])


@dataclass(frozen=True)
class StudyImport:
    """A Network Canvas study as lacgraph reads it.

    ``tables``: the validated network; ``notices``: every row left out, and why (file and
    line), and anything else the evaluator should know; ``matching``: alters matched
    across each person's interviews and the candidates awaiting review
    (:mod:`lacgraph.loaders.netcanvas_match`); ``reviews``: ``person,date`` for every
    interview (each a date the person's network was observed).
    """

    tables: Tables
    notices: list[Problem]
    matching: Matching
    reviews: pd.DataFrame


def read_study(path: str | Path, mapping: str | Path | Mapping | None = None,
               matches: str | Path | pd.DataFrame | None = None) -> StudyImport:
    """Read a Network Canvas export (folder or .zip) with its notices and matching.

    Parameters
    ----------
    path
        The export: a folder or a .zip of CSV files, GraphML files, or both.
    mapping
        A mapping file (TOML), a :class:`~lacgraph.loaders.netcanvas_mapping.Mapping`,
        or None for the defaults (see :mod:`lacgraph.loaders.netcanvas_mapping`).
    matches
        A review file (``matches.csv``) with a person's decisions, or None.

    Raises
    ------
    InputError
        Every problem with the export, the mapping or the decisions, all at once.

    Examples
    --------
    >>> read_study("no/such/export").tables
    Traceback (most recent call last):
    ...
    lacgraph.errors.InputError: 1 problem in the input:
      export: 'no/such/export': no such folder or .zip; expected a Network Canvas export
    """
    give_back_large_blocks()  # freed working arrays do not stay with the process
    rules = mapping if isinstance(mapping, Mapping) else read_mapping(mapping)
    decisions = matches if isinstance(matches, pd.DataFrame) or matches is None \
        else read_decisions(matches)
    held = [read_interviews(path, rules)]
    notices = [*held[0].notices]
    # handed over, not kept here: the builder lets the export's cells go once it has the
    # alters and edges it needs (memory, issue 24)
    built = build_tables(held.pop(), rules, decisions)
    tables = _validated(built.nodes, built.ties, built.node_from, built.tie_from)
    return StudyImport(tables, sorted([*notices, *built.notices]), built.matching,
                       built.reviews)


def read_netcanvas(path: str | Path, mapping: str | Path | Mapping | None = None) -> Tables:
    """Read a Network Canvas export (folder or .zip) as validated lacgraph tables.

    The tables of :func:`read_study` (which also gives the notices and the matching).

    Parameters
    ----------
    path
        The export: a folder or a .zip of CSV files, GraphML files, or both.
    mapping
        A mapping file (TOML), a :class:`~lacgraph.loaders.netcanvas_mapping.Mapping`,
        or None for the defaults (see :mod:`lacgraph.loaders.netcanvas_mapping`).

    Returns
    -------
    Tables
        The dated network (see the module docstring), exactly what ``nodes.csv`` and
        ``ties.csv`` would load as.

    Raises
    ------
    InputError
        Every problem with the export or the mapping, each named by file and line (or
        GraphML element), all at once.

    Examples
    --------
    >>> read_netcanvas("no/such/export", mapping="no/such/map.toml")
    Traceback (most recent call last):
    ...
    lacgraph.errors.InputError: 1 problem in the input:
      map.toml: 'no/such/map.toml': no such mapping file
    """
    return read_study(path, mapping).tables


OUTPUT_FILES = ("nodes.csv", "ties.csv", "reviews.csv", "matches.csv")
"""What an import writes: the network, each interview's date, the review file."""


def import_netcanvas(path: str | Path, output: str | Path,
                     mapping: str | Path | Mapping | None = None,
                     matches: str | Path | pd.DataFrame | None = None) -> StudyImport:
    """Import a Network Canvas export into ``output``: see :data:`OUTPUT_FILES`.

    ``reviews.csv`` (``person,date``) lists every interview's date; ``matches.csv`` the
    candidate matches of alters across interviews with their decisions (see
    :mod:`lacgraph.loaders.netcanvas_match`). Nothing is written unless the whole import
    is valid; the files are written to a temporary folder beside ``output`` and then moved
    into place.

    Examples
    --------
    >>> import tempfile
    >>> out = tempfile.mkdtemp()
    >>> import_netcanvas("no/such/export", out)
    Traceback (most recent call last):
    ...
    lacgraph.errors.InputError: 1 problem in the input:
      export: 'no/such/export': no such folder or .zip; expected a Network Canvas export
    >>> import os; os.listdir(out)
    []
    """
    study = read_study(path, mapping, matches)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-nc-", dir=output.parent))
    try:
        write_folder(study.tables, staging)
        (staging / "reviews.csv").write_text(csv_text(study.reviews), encoding="utf-8")
        write_matches(study.matching.matches, staging / "matches.csv")
        for name in OUTPUT_FILES:
            (staging / name).replace(output / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return study


def _validated(nodes: pd.DataFrame, ties: pd.DataFrame, node_from: pd.DataFrame,
               tie_from: pd.DataFrame) -> Tables:
    """Validate as ``nodes.csv``/``ties.csv`` would be; name each problem's source row."""
    lines = np.int32 if max(len(nodes), len(ties)) < 1 << 30 else np.int64
    node_lines = np.arange(2, len(nodes) + 2, dtype=lines)
    tie_lines = np.arange(2, len(ties) + 2, dtype=lines)
    try:
        return validate(nodes, ties, "nodes.csv", "ties.csv", node_lines, tie_lines)
    except InputError as err:
        problems = []
        for problem in err.problems:
            origin = node_from if problem.file == "nodes.csv" else tie_from
            row = problem.line - 2
            if 0 <= row < len(origin):
                what = "node" if problem.file == "nodes.csv" else "tie"
                problems.append(Problem(
                    str(origin["@file"].iat[row]), int(origin["@line"].iat[row]),
                    problem.column, problem.value,
                    f"{problem.reason} (the lacgraph {what} made from this row: "
                    f"{problem.file} line {problem.line})"))
            else:
                problems.append(problem)
        raise InputError(problems) from None
