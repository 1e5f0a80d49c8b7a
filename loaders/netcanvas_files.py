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

import codecs
import csv
import io
import operator
import os
import re
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

import numpy as np
import pandas as pd

from lacgraph.errors import InputError, Problem
from lacgraph.loaders.validate import check_header as _check_header

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
_FORMULA_QUOTE = r"^'(?=[=+\-@\t\r])"
_EXPECTED = "expected a Network Canvas export"
MAX_EXPORT_BYTES = 2 * 1024**3
"""The largest export a .zip may unpack to (CSV and GraphML files together)."""


def _wanted(name: str) -> bool:
    return name.lower().endswith((".csv", ".graphml"))


def plain_type(name: str) -> str:
    """Return a node or edge type name as Network Canvas writes it in file names."""
    return re.sub(r"\W", "", name)


def strip_formula_quote(text: str) -> str:
    """Take off a ``'`` that protects a leading ``= + - @`` from spreadsheets."""
    return re.sub(_FORMULA_QUOTE, "", text)


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
    file larger than :data:`COLUMNAR_BYTES` is read as a stream, twice: the ``csv`` module
    checks it row by row keeping only each row's line, then pandas' C reader reads the
    kept columns (see :func:`_parse_large_csv`), so memory grows with the cells kept,
    not with every cell as a Python string in a row list.

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
            header, kept, rows, lines = _parse_csv(
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

COLUMNAR_BYTES = 1 << 20
"""CSV files larger than this are read column-wise, as streams (:func:`_parse_large_csv`)."""


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
                                 columns=list(names), dtype=object)
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


def _parse_csv(file: ExportFile, uses: Callable[[str], bool] | None = None
               ) -> tuple[list[str], list[str], list[list[str]] | pd.DataFrame, Sequence[int]]:
    """Return one file's header, the columns kept, the rows (their cells, as text; a table
    for a large file) and each row's first line. Only the columns ``uses`` accepts are
    kept (all when None): a wide file costs time and memory in proportion to what is
    kept."""
    if file.length > COLUMNAR_BYTES:
        return _parse_large_csv(file, uses)
    return _parse_small_csv(file, uses)


def _read_header(reader: Iterator[list[str]], file: ExportFile, uses: Callable[[str], bool] | None
                 ) -> tuple[list[str], list[int]]:
    """The header (formula quotes taken off, checked) and the positions of the columns kept."""
    header = next(reader, None)
    if not header:
        raise InputError([Problem(file.name, 0, "", "",
                                  "the file is empty; expected a header line")])
    header = [strip_formula_quote(c) for c in header]
    _check_header(header, file.name)
    return header, [i for i, c in enumerate(header) if uses is None or uses(c)]


def _ragged(file: ExportFile, line: int, fields: int, expected: int) -> Problem:
    return Problem(file.name, line, "", "", f"{fields} fields; expected {expected} as in "
                   "the header")


def _parse_small_csv(file: ExportFile, uses: Callable[[str], bool] | None = None
                     ) -> tuple[list[str], list[str], list[list[str]], list[int]]:
    """:func:`_parse_csv` for a small file: read whole, a list of cells per row."""
    # decoded as it is parsed: no copy of the whole file as text
    stream = io.TextIOWrapper(io.BytesIO(file.read()), encoding="utf-8-sig", newline="")
    reader = csv.reader(stream)
    try:
        header, keep = _read_header(reader, file, uses)
        pick = operator.itemgetter(*keep) if 0 < len(keep) < len(header) else None
        rows, lines, problems = [], [], []
        line = reader.line_num
        for row in reader:
            first, line = line + 1, reader.line_num
            if not any(row):
                continue  # a blank line
            if len(row) != len(header):
                problems.append(_ragged(file, first, len(row), len(header)))
                continue
            if pick is not None:
                row = list(pick(row)) if len(keep) > 1 else [pick(row)]
            if any(cell[:1] == "'" for cell in row):
                row = [strip_formula_quote(cell) for cell in row]
            rows.append(row)
            lines.append(first)
    except csv.Error as err:
        raise InputError([Problem(file.name, reader.line_num, "", "",
                                  f"not a readable CSV file ({err})")]) from None
    except UnicodeDecodeError:
        raise _not_utf8(file) from None
    if problems:
        raise InputError(problems)
    kept = header if pick is None else [header[i] for i in keep]
    return header, kept, rows, lines


class _Watched(io.RawIOBase):
    """A binary stream that notes whether a NUL or a ``'`` went through it."""

    def __init__(self, raw: Any) -> None:
        super().__init__()
        self.raw, self.nul, self.quote = raw, False, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n: int = self.raw.readinto(buffer)
        if n:
            chunk = memoryview(buffer)[:n].tobytes()
            self.nul = self.nul or b"\0" in chunk
            self.quote = self.quote or b"'" in chunk
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


def _parse_large_csv(file: ExportFile, uses: Callable[[str], bool] | None = None
                     ) -> tuple[list[str], list[str], pd.DataFrame, Sequence[int]]:
    """:func:`_parse_csv` for a large file: two streaming passes, no file held in memory.

    First the ``csv`` module reads every row, as for a small file (the same header,
    ragged-row, blank-line, CSV and UTF-8 problems), keeping only each row's first line.
    Then pandas' C reader reads only the kept columns, as text, into a table; it shares
    one string among equal cells nearby, and holds no list per row. The two readers split
    records alike; should the counts differ, or the file hold a NUL (which the C reader
    would cut a cell at), the file is read as a small one, so nothing is read differently.
    """
    watched = _Watched(file.open())
    with io.TextIOWrapper(io.BufferedReader(watched, 1 << 16), encoding="utf-8-sig",
                          newline="") as stream:
        reader = csv.reader(stream)
        lines = array("q")
        blank: list[int] = []
        problems: list[Problem] = []
        records = 0
        try:
            header, keep = _read_header(reader, file, uses)
            width = len(header)
            line = reader.line_num
            for row in reader:
                first, line = line + 1, reader.line_num
                records += 1
                if not any(row):
                    blank.append(records - 1)  # a blank line
                elif len(row) != width:
                    problems.append(_ragged(file, first, len(row), width))
                else:
                    lines.append(first)
        except csv.Error as err:
            raise InputError([Problem(file.name, reader.line_num, "", "",
                                      f"not a readable CSV file ({err})")]) from None
        except UnicodeDecodeError:
            raise _not_utf8(file) from None
    if problems:
        raise InputError(problems)
    if watched.nul:
        return _parse_small_csv(file, uses)
    with file.open() as raw:
        frame = pd.read_csv(raw, engine="c", dtype=object, na_filter=False,
                            keep_default_na=False, skip_blank_lines=False,
                            encoding="utf-8-sig", usecols=keep if len(keep) < width else None)
    if len(frame) != records or frame.shape[1] != len(keep):
        return _parse_small_csv(file, uses)
    if blank:
        frame = frame.drop(index=blank).reset_index(drop=True)
    frame = frame.set_axis([str(i) for i in range(frame.shape[1])], axis=1)
    if watched.quote:
        for column in frame.columns:
            cells = frame[column]
            quoted = cells.str.startswith("'").to_numpy(bool)
            if quoted.any():
                frame.loc[quoted, column] = cells[quoted].str.replace(
                    _FORMULA_QUOTE, "", regex=True)
    return header, [header[i] for i in keep], frame, lines


def _not_utf8(file: ExportFile) -> InputError:
    """The problem of a file that is not UTF-8: the line and the bytes at fault."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with file.open() as stream:
        while True:
            chunk = stream.read(1 << 20)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as err:
                data = err.object
                line += data.count(b"\n", 0, err.start)
                return InputError([Problem(file.name, line, "",
                                           repr(data[err.start:err.end])[2:-1],
                                           "not valid UTF-8 text")])
            if not chunk:
                break
            line += chunk.count(b"\n")
    return InputError([Problem(file.name, 0, "", "", "not valid UTF-8 text")])
