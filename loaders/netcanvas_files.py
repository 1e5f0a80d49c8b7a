"""Read a Network Canvas export (folder or .zip) into three all-text tables of interviews.

Network Canvas (Interviewer, Server, Fresco; the ``network-exporters`` code) writes, per
interview (session), files named ``<caseId>_<sessionId>_...``:

``*_ego.csv``
    one row: ``networkCanvasEgoUUID, networkCanvasCaseID, networkCanvasSessionID,
    networkCanvasProtocolName, sessionStart, sessionFinish, sessionExported`` (Fresco adds
    ``APP_VERSION, COMMIT_HASH``), then the ego's variables. With "unify networks" one
    file holds many interviews, one row each.
``*_attributeList_<NodeType>.csv``
    ``nodeID, networkCanvasEgoUUID, networkCanvasUUID``, then the node variables
    (``nodeID`` restarts at 1 in every interview; the oldest exporter called it ``id``).
``*_edgeList_<EdgeType>.csv``
    ``edgeID, from, to, networkCanvasEgoUUID, networkCanvasUUID, networkCanvasSourceUUID,
    networkCanvasTargetUUID``, then the edge variables (``edgeID`` continues across the
    edge types of an interview; ``from``/``to`` are ``nodeID`` values).
``*.graphml``
    the same interview as GraphML (read by :mod:`lacgraph.loaders.netcanvas_graphml`).

Variables are exported by name: a categorical variable as one ``true``/``false`` column per
option (``name_option``), a layout (sociogram position) as ``name_x``/``name_y``, an
encrypted variable as the text ``ENCRYPTED``; a variable missing from the codebook may
appear under a column literally named ``null``. Type names in file names have every
non-word character removed (``Close Friend`` -> ``CloseFriend``); lacgraph compares type
names that way everywhere. Cells are read as text exactly as written, except that a
leading ``'`` put before ``= + - @`` (formula protection, added by newer exporters and by
spreadsheets) is taken off.

Examples
--------
>>> plain_type("Close Friend"), strip_formula_quote("'=A1"), strip_formula_quote("'tis")
('CloseFriend', '=A1', "'tis")
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from lacgraph.errors import InputError, Problem
from lacgraph.loaders.files import _BAD_LINE, _check_header, _csv_lines, _header_cells

__all__ = ["Interviews", "ExportFile", "list_export", "plain_type", "read_csv_files",
           "strip_formula_quote"]

EGO_UUID = "networkCanvasEgoUUID"
NODE_UUID = "networkCanvasUUID"
SOURCE_UUID = "networkCanvasSourceUUID"
TARGET_UUID = "networkCanvasTargetUUID"
ENCRYPTED = "ENCRYPTED"
META = ("@file", "@line", "@where", "@type")
"""Columns lacgraph adds: where a row came from (file, line, GraphML element) and its type."""

_EGO = re.compile(r"_ego\.csv$", re.IGNORECASE)
_NODES = re.compile(r"_attributeList(?:_(?P<type>[^/]*))?\.csv$", re.IGNORECASE)
_EDGES = re.compile(r"_edgeList(?:_(?P<type>[^/]*))?\.csv$", re.IGNORECASE)
_FORMULA_QUOTE = r"^'(?=[=+\-@\t\r])"


def plain_type(name: str) -> str:
    """Return a node or edge type name as Network Canvas writes it in file names."""
    return re.sub(r"\W", "", name)


def strip_formula_quote(text: str) -> str:
    """Take off a ``'`` that protects a leading ``= + - @`` from spreadsheets."""
    return re.sub(_FORMULA_QUOTE, "", text)


@dataclass(frozen=True)
class ExportFile:
    """One file of an export: its name as shown in problems, and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Interviews:
    """All interviews of an export as text tables (see :data:`META` for the added columns).

    ``egos`` has one row per interview, ``alters`` one per node, ``edges`` one per edge.
    ``columns`` tells which variables each (part, type) has: the tables are padded with
    ``""`` where a type lacks a column, and a missing variable must not look empty.
    """

    egos: pd.DataFrame
    alters: pd.DataFrame
    edges: pd.DataFrame
    kind: str
    columns: dict[tuple[str, str], set[str]]


def list_export(path: str | Path) -> list[ExportFile]:
    """Return every file of an export folder or .zip (any depth), sorted by name.

    Examples
    --------
    >>> list_export("no/such/export")
    Traceback (most recent call last):
    ...
    lacgraph.errors.InputError: 1 problem in the input:
      export: 'no/such/export': no such folder or .zip; expected a Network Canvas export
    """
    path = Path(path)
    expected = "expected a Network Canvas export"
    if path.is_dir():
        return sorted((ExportFile(str(p.relative_to(path)), p.read_bytes())
                       for p in path.rglob("*") if p.is_file()), key=lambda f: f.name)
    if path.is_file() and zipfile.is_zipfile(path):
        files = []
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir() or PurePosixPath(info.filename).parts[:1] == ("__MACOSX",):
                    continue
                files.append(ExportFile(f"{path.name}/{info.filename}", archive.read(info)))
        return sorted(files, key=lambda f: f.name)
    what = "not a folder or .zip" if path.exists() else "no such folder or .zip"
    raise InputError([Problem("export", 0, "", str(path), f"{what}; {expected}")])


def read_csv_files(files: list[ExportFile]) -> Interviews:
    """Read the ego, attribute-list and edge-list CSV files of an export.

    Raises
    ------
    InputError
        Every unreadable file, missing column or bad header, all at once.
    """
    problems: list[Problem] = []
    parts: dict[str, list[pd.DataFrame]] = {"egos": [], "alters": [], "edges": []}
    columns: dict[tuple[str, str], set[str]] = {}
    for file in files:
        base = PurePosixPath(file.name).name
        if _EGO.search(base):
            part, nc_type, required = "egos", "", (EGO_UUID,)
        elif match := _NODES.search(base):
            part, nc_type, required = "alters", match["type"] or "", (EGO_UUID, NODE_UUID)
        elif match := _EDGES.search(base):
            part, nc_type, required = "edges", match["type"] or "", (EGO_UUID,)
        else:
            continue
        try:
            frame = _read_csv(file)
        except InputError as err:
            problems += err.problems
            continue
        found = ", ".join(c for c in frame.columns if c not in META) or "none"
        missing = [c for c in required if c not in frame.columns]
        if part == "edges":
            has_uuid = SOURCE_UUID in frame.columns and TARGET_UUID in frame.columns
            has_ids = "from" in frame.columns and "to" in frame.columns
            if not (has_uuid or has_ids):
                missing.append(f"{SOURCE_UUID} and {TARGET_UUID} (or from and to)")
        for column in missing:
            problems.append(Problem(file.name, 1, column, "",
                                    f"missing column {column!r} of a Network Canvas "
                                    f"{part[:-1]} file; found columns: {found}"))
        if missing:
            continue
        if len(frame) and part != "egos" and not nc_type:
            problems.append(Problem(file.name, 0, "", base, "no node or edge type in the file "
                                    "name; expected *_attributeList_<Type>.csv or "
                                    "*_edgeList_<Type>.csv"))
            continue
        frame["@type"] = plain_type(nc_type)
        old_id = "nodeID" if part == "alters" else "edgeID"
        if old_id not in frame.columns and "id" in frame.columns:  # the oldest exporter
            frame = frame.rename(columns={"id": old_id})
        parts[part].append(frame)
        columns.setdefault((part, plain_type(nc_type)), set()).update(frame.columns)
    if problems:
        raise InputError(problems)
    return Interviews(*(_concat(parts[p]) for p in ("egos", "alters", "edges")), kind="csv",
                      columns=columns)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in META})
    out = pd.concat(frames, ignore_index=True, sort=False)
    text = [c for c in out.columns if c != "@line"]
    out[text] = out[text].fillna("")
    return out


def _short_rows(data: bytes, name: str) -> list[Problem]:
    """Rows with fewer cells than the header (pandas would pad them silently)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    header = next(reader, [])
    problems = []
    line = reader.line_num
    for row in reader:
        first, line = line + 1, reader.line_num
        if row and len(row) < len(header):
            problems.append(Problem(name, first, "", "", f"{len(row)} fields; expected "
                                    f"{len(header)} as in the header"))
    return problems


def _read_csv(file: ExportFile) -> pd.DataFrame:
    """Return one CSV file as text with ``@file``, ``@line`` and ``@where`` columns."""
    data = file.data
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise InputError([Problem(file.name, line, "", repr(data[err.start:err.end])[2:-1],
                                  "not valid UTF-8 text")]) from None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                                na_filter=False, encoding="utf-8-sig", on_bad_lines="warn",
                                skip_blank_lines=False)
        except pd.errors.EmptyDataError:
            raise InputError([Problem(file.name, 0, "", "",
                                      "the file is empty; expected a header line")]) from None
        except pd.errors.ParserError as err:
            raise InputError([Problem(file.name, 0, "", "",
                                      f"not a readable CSV file ({err})")]) from None
    bad = [Problem(file.name, int(line), "", "", f"{saw} fields; expected {want} as in the "
                   "header")
           for warning in caught if issubclass(warning.category, pd.errors.ParserWarning)
           for line, want, saw in _BAD_LINE.findall(str(warning.message))]
    bad += _short_rows(data, file.name)
    if bad:
        raise InputError(sorted(set(bad)))
    _check_header(_header_cells(data), file.name)
    lines = _csv_lines(frame, data)
    frame = frame.astype(object)
    blank = frame.eq("").all(axis=1).to_numpy() if len(frame.columns) else None
    if blank is not None and blank.any():
        frame, lines = frame.loc[~blank].reset_index(drop=True), lines[~blank]
    for column in frame.columns:
        frame[column] = frame[column].str.replace(_FORMULA_QUOTE, "", regex=True)
    frame.columns = [strip_formula_quote(str(c)) for c in frame.columns]
    frame["@file"] = file.name
    frame["@line"] = lines
    frame["@where"] = ""
    return frame
