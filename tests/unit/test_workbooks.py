"""Workbooks are read exactly: every row, and never a value changed silently (issue 12)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from lacgraph.errors import InputError
from lacgraph.loaders import read_workbook

NODES = ["id", "type", "label"]
TIES = ["source", "target", "kind", "start"]


def book(path: Path, nodes: list[list], ties: list[list]) -> Path:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "nodes"
    for row in nodes:
        sheet.append(row)
    sheet = wb.create_sheet("ties")
    for row in ties:
        sheet.append(row)
    wb.save(path)
    return path


def people(n: int) -> list[list]:
    return [NODES] + [[f"p{i}", "person", f"Person {i}"] for i in range(n)]


def problems(path: Path) -> list[tuple[str, int, str, str]]:
    with pytest.raises(InputError) as caught:
        read_workbook(path)
    return [(p.file, p.line, p.column, p.reason) for p in caught.value.problems]


def test_a_stale_dimension_tag_does_not_hide_rows(tmp_path):
    ties = [TIES] + [[f"p{i}", f"p{i + 1}", "friend", "2024-01-01"] for i in range(8)]
    path = book(tmp_path / "b.xlsx", people(9), ties)
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(stale, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*" ?/>',
                                  b'<dimension ref="A1:D3"/>', data)
                assert n == 1
            out.writestr(item, data)
    assert len(read_workbook(stale).ties) == 8


def test_merged_cells_are_rejected_with_the_range(tmp_path):
    path = book(tmp_path / "b.xlsx", people(4),
                [TIES, ["p0", "p1", "friend", "2024-01-01"], [None, "p2", "friend", "2024-01-01"],
                 [None, "p3", "friend", "2024-01-01"]])
    wb = openpyxl.load_workbook(path)
    wb["ties"].merge_cells("A2:A4")
    wb.save(path)
    got = problems(path)
    assert got[0][:2] == ("b.xlsx[ties]", 2)
    assert "ties!A2:A4: merged cells" in got[0][3]


def test_a_formula_without_a_saved_value_is_rejected(tmp_path):
    path = book(tmp_path / "b.xlsx", people(2) + [["p9", "person", '=CONCAT("S","am")']],
                [TIES, ["p0", "p1", "friend", "2024-01-01"]])
    got = problems(path)  # openpyxl saves formulas without a cached value
    assert got == [("b.xlsx[nodes]", 4, "label",
                    "nodes!C4: a formula with no saved value; expected a value (open and save "
                    "the workbook in Excel, or paste the values)")]


def test_a_formula_with_a_saved_value_is_read(tmp_path):
    path = book(tmp_path / "b.xlsx", people(2), [TIES, ["p0", "p1", "friend", "2024-01-01"]])
    # write the cached value by hand, as Excel does
    fixed = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(fixed, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<c r="C2"[^>]*>.*?</c>',
                                  b'<c r="C2" t="str"><f>"Sa"&amp;"m"</f><v>Sam</v></c>', data)
                assert n == 1, data
            out.writestr(item, data)
    assert read_workbook(fixed).nodes["label"].tolist()[0] == "Sam"


def test_an_empty_column_name_above_data_is_rejected(tmp_path):
    nodes = [NODES + [None, "age"], ["p0", "person", "A", "secret", 40], ["p1", "person", "B"]]
    got = problems(book(tmp_path / "b.xlsx", nodes, [TIES]))
    assert got == [("b.xlsx[nodes]", 1, "", "nodes!D1: empty column name above cells that hold "
                    "data; expected a column name")]


def test_numbers_in_id_columns(tmp_path):
    nodes = [NODES, ["007", "person", "Sam"], [8.0, "person", "Ann"],
             [1234567890123456789, "person", "Big"], [2.5, "person", "Half"]]
    ties = [TIES, [7, 8, "friend", "2024-01-01"]]
    got = problems(book(tmp_path / "b.xlsx", nodes, ties))
    assert ("b.xlsx[nodes]", 4, "id") == got[0][:3]
    assert got[0][3].startswith("nodes!A4: a number too long to be exact in Excel")
    assert got[1][:3] == ("b.xlsx[nodes]", 5, "id")
    assert got[1][3].startswith("nodes!A5: a number that is not whole in an id column")
    assert len(got) == 2  # 8.0 became "8" quietly: it is exact


def test_a_reference_that_lost_its_leading_zeros_gets_a_hint(tmp_path):
    nodes = [NODES, ["007", "person", "Sam"], [8.0, "person", "Ann"]]
    ties = [TIES, [7, 8, "friend", "2024-01-01"]]
    got = problems(book(tmp_path / "b.xlsx", nodes, ties))
    assert len(got) == 1 and got[0][:3] == ("b.xlsx[ties]", 2, "source")
    assert "it matches '007' with its leading zeros: stored as a number in Excel? " \
           "format the column as Text" in got[0][3]
    ok = book(tmp_path / "ok.xlsx", nodes, [TIES, ["007", 8, "friend", "2024-01-01"]])
    assert read_workbook(ok).ties[["source", "target"]].values.tolist() == [["007", "8"]]


def test_a_date_with_a_time_is_never_cut(tmp_path):
    nodes = [NODES + ["seen"], ["p0", "person", "A", dt.datetime(2024, 3, 1, 9, 15)],
             ["p1", "person", "B", None]]
    ties = [TIES, ["p0", "p1", "friend", dt.datetime(2024, 1, 1, 13, 30)]]
    got = problems(book(tmp_path / "b.xlsx", nodes, ties))
    assert got == [("b.xlsx[ties]", 2, "start", "ties!D2: a date with a time of day; expected "
                    "a date only (the time would be lost)")]
    ties[1][3] = dt.datetime(2024, 1, 1)
    T = read_workbook(book(tmp_path / "ok.xlsx", nodes, ties))
    assert T.nodes["seen"].tolist() == ["2024-03-01 09:15:00", ""]  # kept whole


def test_workbook_errors_are_one_line_each_in_the_cli(tmp_path):
    from click.testing import CliRunner

    from lacgraph.cli import cli

    path = book(tmp_path / "b.xlsx", [NODES, [2.5, "person", "x"]], [TIES])
    result = CliRunner().invoke(cli, ["load", str(path), "--store", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 1
    assert "nodes!A2: a number that is not whole" in result.output
    assert "Traceback" not in result.output
    shutil.rmtree(tmp_path, ignore_errors=True)
