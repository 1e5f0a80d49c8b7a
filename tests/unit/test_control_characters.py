"""Control characters: refused in ids and labels at load and import, tab/LF/CR kept in other
values; GraphML and GEXF never hold what XML 1.0 forbids, and CR survives a round trip
(issue 24, item 7)."""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pytest

from lacgraph.errors import InputError
from lacgraph.loaders import read_folder
from lacgraph.loaders.netcanvas import read_netcanvas
from lacgraph.readwrite.exports import write_graphml
from lacgraph.readwrite.gexf import write_gexf
from lacgraph.tables import Tables

DATA = Path(__file__).resolve().parents[1] / "data" / "netcanvas"


def folder(tmp_path: Path, nodes: str, ties: str = "source,target,kind,start\n") -> Path:
    (tmp_path / "nodes.csv").write_text(nodes, encoding="utf-8", newline="")
    (tmp_path / "ties.csv").write_text(ties, encoding="utf-8", newline="")
    return tmp_path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_folder(path)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("char", ["\x00", "\x07", "\t", "\n", "\r", "\x1b", "\x7f", "\x85"])
def test_a_control_character_in_an_id_or_label_is_refused_naming_the_cell(tmp_path, char):
    found = problems(folder(tmp_path, f'id,type,label\n"a{char}",person,Ann\n'
                                      f'b,person,"Bo{char}b"\n',
                            f'source,target,kind,start\n"a{char}",b,friend,2024-01-01\n'))
    assert f"nodes.csv line 2, column id: {'a' + char!r}: a control character" in found[0]
    assert any(p.startswith("nodes.csv line ") and f"column label: {'Bo' + char + 'b'!r}" in p
               for p in found)  # line 3, or 4 after a line break in the id above
    assert any(p.startswith("ties.csv line 2, column source") for p in found)


def test_other_values_keep_tab_lf_and_cr_and_refuse_the_rest(tmp_path):
    ok = folder(tmp_path, 'id,type,neighbourhood,notes\na,person,"Elm\rRow","one\ttwo\nthree"\n')
    nodes = read_folder(ok).nodes.set_index("id")
    assert nodes.loc["a", "neighbourhood"] == "Elm\rRow"
    assert nodes.loc["a", "notes"] == "one\ttwo\nthree"
    for char in ("\x00", "\x0b", "\x0c", "\x1f", "\x80", "\x9f"):
        bad = folder(tmp_path, f'id,type,notes\na,person,"x{char}y"\n')
        assert problems(bad) == [f"nodes.csv line 2, column notes: {'x' + char + 'y'!r}: a "
                                 "control character in a value (tab, LF and CR are fine); "
                                 "expected printable text"]


def test_a_nul_in_a_network_canvas_name_is_refused_naming_the_interview_cell(tmp_path):
    export = Path(shutil.copytree(DATA / "fresco_csv", tmp_path / "export"))
    people = export / "P002_s2b-0004_attributeList_Person.csv"
    people.write_text(people.read_text().replace("Cat", "Ca\x00t", 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_netcanvas(export)
    found = [str(p) for p in caught.value.problems]
    assert len(found) == 1
    assert found[0].startswith("P002_s2b-0004_attributeList_Person.csv line ")
    assert "column label: 'Ca\\x00t Morgan': a control character in an id or label" in found[0]


def carriage_return_network() -> Tables:
    return Tables.from_records(
        nodes=[{"id": "a", "type": "person", "label": "Ann", "neighbourhood": "Elm\rRow"},
               {"id": "b", "type": "person", "label": "Bob", "neighbourhood": "Oak\r\nHill"}],
        ties=[{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"}])


def test_cr_survives_a_graphml_round_trip_in_networkx_and_igraph(tmp_path):
    path = write_graphml(carriage_return_network(), tmp_path / "n.graphml", "2024-02-01")
    G = nx.read_graphml(path)
    assert G.nodes["a"]["neighbourhood"] == "Elm\rRow"
    assert G.nodes["b"]["neighbourhood"] == "Oak\r\nHill"
    igraph = pytest.importorskip("igraph")
    g = igraph.Graph.Read_GraphML(str(path))
    assert sorted(g.vs["neighbourhood"]) == ["Elm\rRow", "Oak\r\nHill"]


def test_cr_survives_a_gexf_round_trip(tmp_path):
    path = write_gexf(carriage_return_network(), tmp_path / "n.gexf")
    G = nx.read_gexf(path)
    assert G.nodes["a"]["neighbourhood"] == "Elm\rRow"
    assert G.nodes["b"]["neighbourhood"] == "Oak\r\nHill"


@pytest.mark.parametrize("write", ["graphml", "gexf"])
def test_no_file_is_written_with_a_character_xml_forbids(tmp_path, write):
    T = Tables.from_records(nodes=[{"id": "a", "type": "person", "label": "A\x00nn"},
                                   {"id": "b", "type": "person", "label": "Bob\ufffe"}],
                            ties=[])
    path = tmp_path / f"n.{write}"
    with pytest.raises(InputError) as caught:
        if write == "graphml":
            write_graphml(T, path, "2024-02-01")
        else:
            write_gexf(T, path)
    assert [str(p) for p in caught.value.problems] == [
        "nodes: 'a': column label holds U+0000, which XML 1.0 cannot hold; expected "
        "printable text",
        "nodes: 'b': column label holds U+FFFE, which XML 1.0 cannot hold; expected "
        "printable text"]
    assert not path.exists()
