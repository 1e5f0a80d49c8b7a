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

import io
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

import numpy as np
import pandas as pd

from lacgraph.errors import InputError, Problem
from lacgraph.loaders.netcanvas_csv import parse_csv, strip_formula_quote

__all__ = ["Interviews", "ExportFile", "list_export", "merge_interviews", "plain_type",
           "read_csv_files", "read_export", "strip_formula_quote"]

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
_EXPECTED = "expected a Network Canvas export"
MAX_EXPORT_BYTES = 2 * 1024**3
"""The largest export a .zip may unpack to (CSV and GraphML files together)."""


def _wanted(name: str) -> bool:
    return name.lower().endswith((".csv", ".graphml"))


def plain_type(name: str) -> str:
    """Return a node or edge type name as Network Canvas writes it in file names."""
    return re.sub(r"\W", "", name)


@dataclass(frozen=True)
class ExportFile:
    """One file of an export: its name as shown in problems, and where its bytes are.

    ``data`` holds the bytes themselves; else they are read, as a stream and only when
    needed, from ``path`` (a file of an export folder) or from ``member`` of the .zip
    ``path``. ``size`` is the number of bytes.
    """

    name: str
    data: bytes | None = None
    path: Path | None = None
    member: str | None = None
    size: int = -1

    def open(self) -> IO[bytes]:
        """A binary stream of the file's bytes (close it when done)."""
        if self.data is not None:
            return io.BytesIO(self.data)
        if self.path is None:
            raise ValueError(f"{self.name}: no bytes and no path")
        if self.member is None:
            return self.path.open("rb")
        with zipfile.ZipFile(self.path) as archive:  # the member keeps the file open
            return archive.open(self.member)

    def read(self) -> bytes:
        """The file's bytes, all of them (for small files)."""
        if self.data is not None:
            return self.data
        with self.open() as stream:
            return stream.read()

    @property
    def length(self) -> int:
        """The number of bytes."""
        return len(self.data) if self.data is not None else self.size


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
    notices: tuple[Problem, ...] = ()


SESSION = "networkCanvasSessionID"


def merge_interviews(csv_part: Interviews, graphml_part: Interviews) -> Interviews:
    """Every interview of an export that holds CSV and GraphML files.

    An interview (same ``networkCanvasSessionID``, else the same ego UUID) found in both is
    read from the CSV files; one found only in GraphML is read from GraphML, with a
    notice naming it, so no session of the export is left out.
    """
    def sessions(egos: pd.DataFrame) -> pd.Series:
        session = egos[SESSION].astype(str) if SESSION in egos else pd.Series(
            "", index=egos.index, dtype=object)
        return session.where(session.ne(""), "#" + egos[EGO_UUID].astype(str))

    in_csv = set(sessions(csv_part.egos))
    graphml_sessions = sessions(graphml_part.egos)
    extra = ~graphml_sessions.isin(in_csv)
    if not extra.any():
        return csv_part
    egos = graphml_part.egos[extra.to_numpy()]
    uuids = set(egos[EGO_UUID])
    alters = graphml_part.alters[graphml_part.alters[EGO_UUID].isin(uuids)]
    edges = graphml_part.edges[graphml_part.edges[EGO_UUID].isin(uuids)]
    notices = tuple(Problem(str(row["@file"]), int(row["@line"]), SESSION,
                            str(row.get(SESSION, "")),
                            "this interview has no CSV files in the export; read from GraphML")
                    for _, row in egos.iterrows())

    def joined(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
        out = pd.concat([a, b], ignore_index=True, sort=False)
        text = [c for c in out.columns if c != "@line"]
        out[text] = out[text].fillna("").astype(object)
        out["@line"] = out["@line"].astype(np.int64)
        return out

    columns = {key: set(value) for key, value in csv_part.columns.items()}
    for key, value in graphml_part.columns.items():
        columns.setdefault(key, set()).update(value)
    return Interviews(joined(csv_part.egos, egos), joined(csv_part.alters, alters),
                      joined(csv_part.edges, edges), kind="csv+graphml", columns=columns,
                      notices=(*csv_part.notices, *graphml_part.notices, *notices))


def list_export(path: str | Path, *, limit: int = MAX_EXPORT_BYTES) -> list[ExportFile]:
    """Return the CSV and GraphML files of an export folder or .zip (any depth), by name.

    The files of :func:`read_export`, without its notices.

    Examples
    --------
    >>> list_export("no/such/export")
    Traceback (most recent call last):
    ...
    lacgraph.errors.InputError: 1 problem in the input:
      export: 'no/such/export': no such folder or .zip; expected a Network Canvas export
    """
    return read_export(path, limit=limit)[0]


def read_export(path: str | Path, *, limit: int = MAX_EXPORT_BYTES
                ) -> tuple[list[ExportFile], list[Problem]]:
    """Return the CSV and GraphML files of an export folder or .zip, and notices.

    Other files (a protocol, media) are not read. In a folder, a symbolic link that leads
    out of the folder is not followed (a notice names it). A .zip is read member by member
    and refused, in one line naming the member, when it is damaged, encrypted, or its
    members unpack to more than ``limit`` bytes (whatever sizes the .zip claims).

    Examples
    --------
    >>> read_export("no/such/export")
    Traceback (most recent call last):
    ...
    lacgraph.errors.InputError: 1 problem in the input:
      export: 'no/such/export': no such folder or .zip; expected a Network Canvas export
    """
    path = Path(path)
    expected = "expected a Network Canvas export"
    if path.is_dir():
        return _read_folder(path, limit)
    if path.is_file() and zipfile.is_zipfile(path):
        return _read_zip(path, limit), []
    if path.is_file() and path.suffix.lower() == ".zip":
        raise InputError([Problem(path.name, 0, "", "", "not a readable .zip file (damaged or "
                                  f"cut short); {expected} as Network Canvas saved it")])
    what = "not a folder or .zip" if path.exists() else "no such folder or .zip"
    raise InputError([Problem("export", 0, "", str(path), f"{what}; {expected}")])


def _read_folder(path: Path, limit: int) -> tuple[list[ExportFile], list[Problem]]:
    root = path.resolve()
    files, notices, total = [], [], 0
    for folder, dirs, names in os.walk(path, followlinks=False):
        here = Path(folder)
        for name in sorted(dirs + names):
            entry = here / name
            if not entry.is_symlink():
                continue
            target = entry.resolve()
            if not target.is_relative_to(root):
                notices.append(Problem(str(entry.relative_to(path)), 0, "", str(target),
                                       "a link leading out of the export folder; not followed"))
        for name in names:
            entry = here / name
            if not _wanted(name) or entry.is_symlink() and not entry.resolve().is_relative_to(
                    root):
                continue
            if not entry.is_file():
                continue
            total += entry.stat().st_size
            if total > limit:
                raise InputError([Problem(path.name, 0, "", f"more than {limit} bytes",
                                          "the CSV and GraphML files are larger than an "
                                          f"import reads; {_EXPECTED}")])
            files.append(ExportFile(str(entry.relative_to(path)), path=entry,
                                    size=entry.stat().st_size))
    return sorted(files, key=lambda f: f.name), notices


def _read_zip(path: Path, limit: int) -> list[ExportFile]:
    files: list[ExportFile] = []
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise InputError([Problem(path.name, 0, "", "", f"not a readable .zip file ({err}); "
                                  f"{_EXPECTED} as Network Canvas saved it")]) from None
    with archive:
        members = [info for info in archive.infolist()
                   if not info.is_dir() and _wanted(info.filename)
                   and PurePosixPath(info.filename).parts[:1] != ("__MACOSX",)]
        claimed = sum(info.file_size for info in members)
        if claimed > limit:
            raise InputError([Problem(path.name, 0, "", f"{claimed} bytes",
                                      f"the CSV and GraphML files would unpack to more "
                                      f"than {limit} bytes; {_EXPECTED}")])
        total = 0
        for info in members:
            name = f"{path.name}/{info.filename}"
            if info.flag_bits & 0x1:
                raise InputError([Problem(name, 0, "", "", "this file in the .zip is encrypted "
                                          "(password-protected); export the study again "
                                          "without a password")])
            size = 0  # every member is read through once (sizes and checksum checked)
            try:
                with archive.open(info) as member:
                    while chunk := member.read(1 << 20):
                        size += len(chunk)
                        total += len(chunk)
                        if total > limit:
                            raise InputError([Problem(name, 0, "", f"more than {limit} bytes",
                                                      "the .zip unpacks to more than it "
                                                      f"claims and than an import reads; "
                                                      f"{_EXPECTED}")])
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
                    RuntimeError) as err:
                reason = str(err) or type(err).__name__
                raise InputError([Problem(name, 0, "", "", f"this file in the .zip is damaged "
                                          f"or its sizes are wrong ({reason}); {_EXPECTED} "
                                          "as Network Canvas saved it")]) from None
            if size != info.file_size:
                raise InputError([Problem(name, 0, "", f"{size} bytes",
                                          f"the .zip says {info.file_size} bytes; a .zip "
                                          f"whose sizes are wrong is damaged; {_EXPECTED}")])
            files.append(ExportFile(name, path=path, member=info.filename, size=size))
    return sorted(files, key=lambda f: f.name)


def read_csv_files(files: list[ExportFile],
                   uses: Callable[[str], bool] | None = None) -> Interviews:
    """Read the ego, attribute-list and edge-list CSV files of an export.

    Only the columns ``uses`` accepts are kept (all when None; every column's name is kept
    in ``columns``). Every cell stays the text it is: no type guessing, no missing-value
    words. Each file is parsed with the standard ``csv`` module, its rows checked against
    the header, and one table per part is built at the end: an export has a few small files
    per interview, and one pandas parse per file would cost more than the whole import. A
    large file is read as a stream, column-wise (see :mod:`lacgraph.loaders.netcanvas_csv`),
    so memory grows with the cells kept, not with every cell as a Python string in a row
    list.

    Raises
    ------
    InputError
        Every unreadable file, missing column, bad header or ragged row, all at once.
    """
    problems: list[Problem] = []
    parts: dict[str, list[_Parsed]] = {"egos": [], "alters": [], "edges": []}
    columns: dict[tuple[str, str], set[str]] = {}
    for file in files:
        base = PurePosixPath(file.name).name
        required: tuple[str, ...]
        if _EGO.search(base):
            part, nc_type, required = "egos", "", (EGO_UUID,)
        elif match := _NODES.search(base):
            part, nc_type, required = "alters", match["type"] or "", (EGO_UUID, NODE_UUID)
        elif match := _EDGES.search(base):
            part, nc_type, required = "edges", match["type"] or "", (EGO_UUID,)
        else:
            continue
        try:
            header, kept, rows, lines = parse_csv(
                file, _edge_uses(uses) if part == "edges" and uses is not None else uses)
        except InputError as err:
            problems += err.problems
            continue
        found = ", ".join(header) or "none"
        missing = [c for c in required if c not in header]
        if part == "edges":
            has_uuid = SOURCE_UUID in header and TARGET_UUID in header
            has_ids = "from" in header and "to" in header
            if not (has_uuid or has_ids):
                missing.append(f"{SOURCE_UUID} and {TARGET_UUID} (or from and to)")
        for column in missing:
            problems.append(Problem(file.name, 1, column, "",
                                    f"missing column {column!r} of a Network Canvas "
                                    f"{part[:-1]} file; found columns: {found}"))
        if missing:
            continue
        if len(lines) and part != "egos" and not nc_type:
            problems.append(Problem(file.name, 0, "", base, "no node or edge type in the file "
                                    "name; expected *_attributeList_<Type>.csv or "
                                    "*_edgeList_<Type>.csv"))
            continue
        old_id = "nodeID" if part == "alters" else "edgeID"
        if old_id not in header and "id" in header:  # the oldest exporter
            header = [old_id if c == "id" else c for c in header]
            kept = [old_id if c == "id" else c for c in kept]
        columns.setdefault((part, plain_type(nc_type)), set()).update(header)
        parts[part].append((file.name, kept, rows, lines, plain_type(nc_type)))
    if problems:
        raise InputError(problems)
    return Interviews(_table(parts["egos"]), _table(parts["alters"]), _table(parts["edges"]),
                      kind="csv", columns=columns)


_EDGE_IDS = frozenset(("edgeID", "id", NODE_UUID))
"""An edge's own id and UUID: one of each per edge and nothing reads them (the builder joins
edges to nodes by ``from``/``to`` and the source and target UUIDs), so they are skipped."""


def _edge_uses(uses: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda column: column not in _EDGE_IDS and uses(column)


_Parsed = tuple[str, list[str], list[list[str]] | pd.DataFrame, Sequence[int], str]
"""A parsed file: its name, the columns kept, its rows (or a table), each row's first line,
and its node or edge type."""

def _table(files: list[_Parsed]) -> pd.DataFrame:
    """One text table from many parsed files (columns a file lacks are empty).

    Built whole, never a column at a time, so a file with many columns costs time in
    proportion to its cells (formula quotes are taken off while parsing). Small files with
    one header become one table; a file read column-wise is a table already.
    """
    if not files:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in META})
    by_header: dict[tuple[tuple[str, ...], int], list[int]] = {}
    for i, (_, header, block, _, _) in enumerate(files):
        alone = i if isinstance(block, pd.DataFrame) else -1
        by_header.setdefault((tuple(header), alone), []).append(i)
    frames = []
    for (names, alone), members in by_header.items():
        block = files[alone][2]
        if isinstance(block, pd.DataFrame):
            frame = block.set_axis(list(names), axis=1)
        else:
            frame = pd.DataFrame([row for i in members for row in files[i][2]],
                                 columns=list(names), dtype=str)
        counts = [len(files[i][3]) for i in members]
        extra = pd.DataFrame({
            "@file": np.repeat(np.array([files[i][0] for i in members], dtype=object), counts),
            "@line": np.concatenate([np.asarray(files[i][3], dtype=np.int64)
                                     for i in members]),
            "@type": np.repeat(np.array([files[i][4] for i in members], dtype=object), counts),
            "@where": np.full(len(frame), "", dtype=object)}, index=frame.index)
        frames.append(pd.concat([frame, extra], axis=1))
    if len(frames) == 1:
        return frames[0]
    out = pd.concat(frames, ignore_index=True, sort=False)
    missing = [c for c in out.columns if c != "@line" and out[c].isna().any()]
    if missing:
        out = pd.concat([out.drop(columns=missing),
                         out[missing].fillna("").astype(object)], axis=1)[out.columns]
    return out
