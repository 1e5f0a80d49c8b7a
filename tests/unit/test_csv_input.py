"""CSV input: any line ending, and problems at the physical line in every case (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lacgraph.errors import InputError
from lacgraph.loaders import read_folder

TIES = "source,target,kind,start\np1,p2,friend,2024-01-01\n"


def folder(tmp_path: Path, nodes: str, ties: str = TIES, end: str = "\n") -> Path:
    (tmp_path / "nodes.csv").write_bytes(nodes.replace("\n", end).encode())
    (tmp_path / "ties.csv").write_bytes(ties.replace("\n", end).encode())
    return tmp_path


def lines(path: Path) -> list[tuple[str, int, str]]:
    with pytest.raises(InputError) as caught:
        read_folder(path)
    return [(p.file, p.line, p.reason) for p in caught.value.problems]


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_every_line_ending_loads_the_same(tmp_path, end):
    nodes = 'id,type,neighbourhood\np1,person,"Elm\nRow"\np2,person,Oak\n'
    T = read_folder(folder(tmp_path, nodes, end=end))
    assert T.nodes["id"].tolist() == ["p1", "p2"]
    assert T.nodes["neighbourhood"].tolist() == [f"Elm{end}Row", "Oak"]
    assert len(T.ties) == 1


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_too_many_fields_after_a_multi_line_cell_is_on_its_physical_line(tmp_path, end):
    nodes = 'id,type,label\np1,person,"A\nB"\np2,person,B,extra\np3,person,C\n'
    assert lines(folder(tmp_path, nodes, end=end)) == [
        ("nodes.csv", 4, "4 fields; expected 3 as in the header")]


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_too_many_fields_on_a_last_line_without_a_line_break(tmp_path, end):
    nodes = 'id,type,label\np1,person,"A\nB"\np2,person,B\np3,person,C,x'
    assert lines(folder(tmp_path, nodes, end=end)) == [
        ("nodes.csv", 5, "4 fields; expected 3 as in the header")]
    nodes = 'id,type,label\np1,person,A\np3,person,C,x'
    assert lines(folder(tmp_path, nodes, end=end)) == [
        ("nodes.csv", 3, "4 fields; expected 3 as in the header")]


@pytest.mark.parametrize("end", ["\n", "\r"])
def test_row_problems_after_a_multi_line_cell_name_the_physical_line(tmp_path, end):
    nodes = 'id,type,neighbourhood\np1,person,"A\n\nB"\np2,alien,B\n'
    got = lines(folder(tmp_path, nodes, end=end))
    assert [(f, n) for f, n, _ in got] == [("nodes.csv", 5)]


def test_cr_only_files_in_the_cli_load_without_a_traceback(tmp_path):
    from click.testing import CliRunner

    from lacgraph.cli import cli

    data = folder(tmp_path / "d" if (tmp_path / "d").mkdir() is None else tmp_path,
                  "id,type\np1,person\np2,person\n", end="\r")
    result = CliRunner().invoke(cli, ["load", str(data), "--store", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 0, result.output
    assert "nodes 2 added" in result.output
