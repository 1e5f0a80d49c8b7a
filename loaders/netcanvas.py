"""Network Canvas interviews -> a dated lacgraph network (``lacgraph import-nc``).

Every interview names the ego's alters and the ties among them *on the interview's date*
(the date part of ``sessionFinish``, else ``sessionStart``, else ``sessionExported``).
Network Canvas gives each interview new UUIDs; only the ego id (``networkCanvasCaseID``
unless the mapping says otherwise) links the interviews of one person. So, per ego, the
interviews are sorted by date and:

* an alter is the same node in two interviews when its identity variable (mapping) has the
  same value, else when its normalised name (``name`` or ``label``: Unicode NFKC, case and
  spacing ignored) and node type are the same; two alters of one interview with the same
  name are matched in their order. Alters of different egos are different nodes unless an
  identity variable says otherwise (an identity equal to an ego's id *is* that ego);
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
from pathlib import Path

import numpy as np
import pandas as pd

from lacgraph.errors import InputError, Problem
from lacgraph.loaders.files import write_folder
from lacgraph.loaders.netcanvas_build import build_tables
from lacgraph.loaders.netcanvas_files import Interviews, list_export, read_csv_files
from lacgraph.loaders.netcanvas_graphml import read_graphml_files
from lacgraph.loaders.netcanvas_mapping import Mapping, read_mapping
from lacgraph.loaders.validate import validate
from lacgraph.tables import Tables

__all__ = ["import_netcanvas", "read_interviews", "read_netcanvas"]


def read_interviews(path: str | Path) -> Interviews:
    """Read an export's interviews: its CSV files, or its GraphML files when it has no CSV.

    Network Canvas exports both by default; they hold the same interviews, so the CSV
    files are read when there are any (their column names are the documented ones).
    """
    files = list_export(path)
    names = [f.name.lower() for f in files]
    if any(n.endswith("_ego.csv") for n in names):
        return read_csv_files(files)
    if any(n.endswith(".graphml") for n in names):
        return read_graphml_files(files)
    raise InputError([Problem(str(path), 0, "", "", "no Network Canvas files (*_ego.csv with "
                              "*_attributeList_*.csv and *_edgeList_*.csv, or *.graphml); "
                              "expected a Network Canvas export folder or .zip")])


def read_netcanvas(path: str | Path, mapping: str | Path | Mapping | None = None) -> Tables:
    """Read a Network Canvas export (folder or .zip) as validated lacgraph tables.

    Parameters
    ----------
    path
        The export: a folder or a .zip of CSV files or of GraphML files.
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
    rules = mapping if isinstance(mapping, Mapping) else read_mapping(mapping)
    interviews = read_interviews(path)
    nodes, ties, node_from, tie_from = build_tables(interviews, rules)
    return _validated(nodes, ties, node_from, tie_from)


def import_netcanvas(path: str | Path, output: str | Path,
                     mapping: str | Path | Mapping | None = None) -> Tables:
    """Import a Network Canvas export and write ``nodes.csv`` and ``ties.csv`` to ``output``.

    Nothing is written unless the whole import is valid; the two files are written to a
    temporary folder beside ``output`` and then moved into place.

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
    tables = read_netcanvas(path, mapping)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-nc-", dir=output.parent))
    try:
        write_folder(tables, staging)
        for name in ("nodes.csv", "ties.csv"):
            (staging / name).replace(output / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return tables


def _validated(nodes: pd.DataFrame, ties: pd.DataFrame, node_from: pd.DataFrame,
               tie_from: pd.DataFrame) -> Tables:
    """Validate as ``nodes.csv``/``ties.csv`` would be; name each problem's source row."""
    node_lines = np.arange(2, len(nodes) + 2, dtype=np.int64)
    tie_lines = np.arange(2, len(ties) + 2, dtype=np.int64)
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
