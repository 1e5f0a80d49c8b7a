"""import-nc reads a large CSV file as a stream, column-wise (issue 24, item 6), and reads it
exactly as it reads a small one: the same cells, lines and problems.

Every case is read twice from a real folder (and .zip): once as a small file (the ``csv``
module, row by row) and once with the threshold lowered so the same bytes take the
large-file path (the ``csv`` module for the checks, pandas' C reader for the cells).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from lacgraph.errors import InputError
from lacgraph.loaders import netcanvas_csv
from lacgraph.loaders.netcanvas_files import list_export, read_csv_files
from lacgraph.loaders.netcanvas_mapping import Mapping

EGO = ("networkCanvasEgoUUID,networkCanvasCaseID,networkCanvasSessionID,"
       "networkCanvasProtocolName,sessionStart,sessionFinish,sessionExported\r\n"
       "e1,P1,s1,LAC,2024-01-10T09:00:00Z,2024-01-10T10:00:00Z,2024-01-11T10:00:00Z\r\n")
HEADER = b"nodeID,networkCanvasEgoUUID,networkCanvasUUID,name,notes\r\n"
EDGES = (b"edgeID,from,to,networkCanvasEgoUUID,networkCanvasUUID,networkCanvasSourceUUID,"
         b"networkCanvasTargetUUID\r\n1,1,2,e1,k1,n1,n2\r\n2,2,3,e1,k2,n2,n3\r\n")

CASES = {
    "quirks": b"\xef\xbb\xbf" + HEADER
    + b'1,e1,n1,"Smith, Jo","two\r\nlines"\r\n'  # a quoted comma and a quoted line break
    + b"\r\n"  # a blank line
    + b",,,,\r\n"  # a row of empty cells
    + b"2,e1,n2,'=A1,'tis\r\n"  # a formula quote taken off; a leading apostrophe kept
    + b"3,e1,n3,O'Brien,\"say \"\"hi\"\"\"\r\n"
    + b"4,e1,n4,Si\xc3\xa2n Ll\xc5\xb7r,\tkeeps tab\n"  # LF alone; UTF-8
    + b"5,e1,n5,Zo\xc3\xab,last line without an end",
    "ragged": HEADER + b"1,e1,n1,Jo,\r\n2,e1,n2,Sam\r\n3,e1,n3,Al,x,y\r\n",
    "not utf-8": HEADER + b"1,e1,n1,Jo,\r\n2,e1,n2,Sa\xffm,\r\n",
    "nul": HEADER + b"1,e1,n1,Jo\x00Bloggs,\r\n2,e1,n2,Sam,\r\n",
    "control": HEADER + b"1,e1,n1,Jo\x07,\r\n2,e1,n2,Sam,\x1b\r\n",
    "repeated column": b"nodeID,networkCanvasEgoUUID,name,name\r\n1,e1,Jo,Jo\r\n",
    "empty": b"",
    "unended quote": HEADER + b'1,e1,n1,"Jo,\r\n2,e1,n2,Sam,\r\n',
}


def export(tmp_path: Path, person: bytes, zipped: bool) -> Path:
    folder = tmp_path / "export"
    folder.mkdir(parents=True)
    (folder / "P1_s1_ego.csv").write_text(EGO, encoding="utf-8")
    (folder / "P1_s1_attributeList_Person.csv").write_bytes(person)
    (folder / "P1_s1_edgeList_knows.csv").write_bytes(EDGES)
    if not zipped:
        return folder
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for file in sorted(folder.iterdir()):
            out.write(file, file.name)
    return archive


def read(path: Path, uses) -> tuple[str, object]:
    try:
        found = read_csv_files(list_export(path), uses)
    except InputError as err:
        return "problems", [str(p) for p in err.problems]
    return "tables", (found.egos, found.alters, found.edges, found.columns)


@pytest.mark.parametrize("zipped", [False, True], ids=["folder", "zip"])
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("uses", [None, Mapping().uses], ids=["every column", "mapping"])
def test_a_large_file_is_read_as_a_small_one(tmp_path, monkeypatch, case, zipped, uses):
    path = export(tmp_path, CASES[case], zipped)
    large: list[str] = []
    parse = netcanvas_csv._parse_large_csv
    monkeypatch.setattr(netcanvas_csv, "_parse_large_csv",
                        lambda file, keep: large.append(file.name) or parse(file, keep))
    small = read(path, uses)
    assert not large
    monkeypatch.setattr(netcanvas_csv, "COLUMNAR_BYTES", -1)  # every file is "large"
    columnar = read(path, uses)
    assert len(large) == 3  # the ego, attribute-list and edge-list files
    assert columnar[0] == small[0]
    if small[0] == "problems":
        assert columnar[1] == small[1]
        return
    for got, expected in zip(columnar[1][:3], small[1][:3], strict=True):
        pd.testing.assert_frame_equal(got, expected)
    assert columnar[1][3] == small[1][3]


def test_the_quirks_are_read_as_network_canvas_means_them(tmp_path, monkeypatch):
    monkeypatch.setattr(netcanvas_csv, "COLUMNAR_BYTES", -1)
    found = read_csv_files(list_export(export(tmp_path, CASES["quirks"], zipped=True)))
    alters = found.alters
    assert alters["name"].tolist() == ["Smith, Jo", "=A1", "O'Brien", "Siân Llŷr", "Zoë"]
    assert alters["notes"].tolist() == ["two\r\nlines", "'tis", 'say "hi"', "\tkeeps tab",
                                        "last line without an end"]
    assert alters["@line"].tolist() == [2, 6, 7, 8, 9]
    assert list(alters.columns[:5]) == ["nodeID", "networkCanvasEgoUUID",
                                        "networkCanvasUUID", "name", "notes"]


def test_problems_name_the_line_in_a_large_file(tmp_path, monkeypatch):
    monkeypatch.setattr(netcanvas_csv, "COLUMNAR_BYTES", -1)
    with pytest.raises(InputError) as caught:
        read_csv_files(list_export(export(tmp_path, CASES["ragged"], zipped=False)))
    assert [str(p) for p in caught.value.problems] == [
        "P1_s1_attributeList_Person.csv line 3: '': 4 fields; expected 5 as in the header",
        "P1_s1_attributeList_Person.csv line 4: '': 6 fields; expected 5 as in the header"]
    with pytest.raises(InputError) as caught:
        read_csv_files(list_export(export(tmp_path / "b", CASES["not utf-8"], zipped=True)))
    assert str(caught.value.problems[0]).startswith(
        "export.zip/P1_s1_attributeList_Person.csv line 3")
    assert "not valid UTF-8" in str(caught.value.problems[0])


def test_an_edge_files_own_ids_are_not_kept(tmp_path):
    found = read_csv_files(list_export(export(tmp_path, CASES["quirks"], zipped=False)),
                           Mapping().uses)
    assert "edgeID" not in found.edges and "networkCanvasUUID" not in found.edges
    assert {"edgeID", "networkCanvasUUID"} <= found.columns[("edges", "knows")]
