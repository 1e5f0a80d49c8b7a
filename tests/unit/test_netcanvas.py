"""import-nc: Network Canvas exports (both exporter generations, CSV and GraphML) -> dated ties."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from lacgraph.errors import InputError
from lacgraph.loaders import read_folder
from lacgraph.loaders.netcanvas import import_netcanvas, read_interviews, read_netcanvas
from lacgraph.loaders.netcanvas_build import ring_of
from lacgraph.loaders.netcanvas_mapping import CircleLayout
from lacgraph.network import Network

DATA = Path(__file__).resolve().parents[1] / "data" / "netcanvas"
GENERATIONS = ["fresco_csv", "interviewer_csv", "fresco_graphml", "interviewer_graphml"]
MAPPING = DATA / "mapping.toml"


def problems(path: Path | str, mapping: Path | str | None = None) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_netcanvas(path, mapping)
    return [str(p) for p in caught.value.problems]


def copy_export(tmp_path: Path, name: str = "fresco_csv") -> Path:
    return Path(shutil.copytree(DATA / name, tmp_path / name))


def tie_rows(tables) -> list[tuple[str, str, str, str, str]]:
    text = tables.to_text()[1]
    return sorted(text[["source", "target", "kind", "start", "end"]].itertuples(index=False,
                                                                                 name=None))


# ------------------------------------------------------------------ formats and generations


@pytest.mark.parametrize("generation", GENERATIONS)
def test_every_generation_gives_the_hand_written_network(generation):
    imported = read_netcanvas(DATA / generation)
    expected = read_folder(DATA / "expected_default")
    assert_frame_equal(imported.nodes, expected.nodes)
    assert_frame_equal(imported.ties, expected.ties)


@pytest.mark.parametrize("generation", GENERATIONS)
def test_every_generation_agrees_with_a_mapping(generation):
    reference = read_netcanvas(DATA / "fresco_csv", MAPPING)
    imported = read_netcanvas(DATA / generation, MAPPING)
    assert_frame_equal(imported.nodes, reference.nodes)
    assert_frame_equal(imported.ties, reference.ties)


def test_measures_equal_those_of_the_hand_written_folder():
    imported = Network.from_tables(read_netcanvas(DATA / "interviewer_graphml"))
    written = Network.from_tables(read_folder(DATA / "expected_default"))
    for at in ("2024-01-10", "2024-01-12", "2024-07-09", "2024-07-10", "2024-07-15", "2025-01-01"):
        assert_frame_equal(imported.metrics(at=at), written.metrics(at=at))


def test_a_zip_of_the_export_reads_the_same(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in sorted((DATA / "fresco_csv").iterdir()):
            out.write(file, f"LAC networks/{file.name}")  # Network Canvas zips into a folder
        out.writestr("__MACOSX/._junk", b"\x00\x01")
    assert_frame_equal(read_netcanvas(archive).ties, read_netcanvas(DATA / "fresco_csv").ties)


def test_csv_is_read_when_the_export_has_both_csv_and_graphml(tmp_path):
    both = copy_export(tmp_path)
    for file in (DATA / "fresco_graphml").iterdir():
        shutil.copy(file, both / file.name)
    assert read_interviews(both).kind == "csv"
    assert read_interviews(DATA / "fresco_graphml").kind == "graphml"


# ------------------------------------------------------------------ quirks


def test_quirks_are_read_as_network_canvas_means_them():
    interviews = read_interviews(DATA / "fresco_csv")
    names = set(interviews.alters["name"])
    assert "@Ali" in names and "'@Ali" not in names  # the formula quote is taken off
    people = interviews.alters[interviews.alters["@type"] == "Person"]
    assert set(people["notes"]) == {"ENCRYPTED"}  # kept as text, unused unless mapped
    old = read_interviews(DATA / "interviewer_csv")
    assert "null" in old.alters.columns  # a column literally named null is just a column
    close = interviews.edges[interviews.edges["@type"] == "close"]
    assert close["edgeID"].tolist() == ["2"]  # edgeID continues across edge types
    first = interviews.alters.groupby("networkCanvasEgoUUID")["nodeID"].min()
    assert set(first) == {"1"}  # nodeID restarts in every interview


def test_the_unfinished_interview_is_dated_by_its_start():
    tables = read_netcanvas(DATA / "fresco_graphml")
    cat = tables.to_text()[1].query("target == 'P002/4'")
    assert cat["start"].tolist() == ["2024-07-15"]  # sessionStart; no sessionFinish


def test_alters_match_by_normalised_name_within_one_person_only():
    nodes = read_netcanvas(DATA / "fresco_csv").nodes.set_index("id")
    # "Jo Bloggs" then "jo  BLOGGS": one node, labelled as in the latest interview
    assert (nodes["label"].str.casefold().str.startswith("jo ")).sum() == 1
    assert nodes.loc["P001/1", "label"] == "jo  BLOGGS"


# ------------------------------------------------------------------ mapping


def test_the_mapping_sets_types_kinds_circles_and_ego_attributes():
    tables = read_netcanvas(DATA / "fresco_csv", MAPPING)
    nodes = tables.nodes.set_index("id")
    assert nodes.loc["P001/3", "type"] == "group"
    assert nodes.loc["P001", "neighbourhood"] == "Townhill"
    assert nodes.loc["P002", "coordinator"] == "lac1"
    assert nodes.loc["lac1", "type"] == "coordinator"
    ties = tables.to_text()[1].set_index(["source", "target", "kind"])
    assert ties.loc[("P001", "P001/3", "member"), "circle"] == "3"  # a group: member
    assert ties.loc[("P001", "P001/2", "neighbour"), "circle"] == "2"  # relationship_neighbour
    assert ties.loc[("P001", "P001/4", "family"), "start"] == "2024-07-10"  # family_member
    # Bob is friend and neighbour: two ties, each with its kind's circle
    assert {k for (s, t, k) in ties.index if (s, t) == ("P002", "P002/2")} == {"friend",
                                                                              "neighbour"}
    assert ties.loc[("P002/1", "P002/3", "family"), "end"] == "2024-07-15"  # edges.close
    # Jo moved from circle 1 to 2: the tie keeps circle 1 and records both answers
    jo = ties.loc[("P001", "P001/1", "friend")]
    assert (jo["circle"], jo["circle_by_interview"]) == ("1", "2024-01-10:1;2024-07-10:2")


def test_concentric_rings_as_network_canvas_draws_them():
    skewed = CircleLayout("c", rings=4, skewed=True)
    even = CircleLayout("c", rings=4, skewed=False)
    # skewed radii 0.166, 0.310, 0.428, 0.5 from the centre; even 0.125, 0.25, 0.375, 0.5
    x = np.full(5, 0.5)
    y = 0.5 + np.array([0.0, 0.15, 0.2, 0.4, 0.49])
    assert ring_of(x, y, skewed).tolist() == [1, 1, 2, 3, 4]
    assert ring_of(x, y, even).tolist() == [1, 2, 2, 4, 4]
    three = CircleLayout("c", rings=3, skewed=False, ring_circles=(1, 3, 4))
    assert ring_of(np.array([0.5, 0.5]), np.array([0.5, 0.99]), three).tolist() == [1, 4]


def test_an_identity_variable_joins_alters_across_people(tmp_path):
    export = copy_export(tmp_path, "interviewer_csv")
    for file in export.glob("*_attributeList_Person.csv"):
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
        frame["roster"] = frame["name"].str.split().str[0].str.lower()
        frame.loc[frame["name"] == "Ann Jones", "roster"] = "P001"  # Ann is interviewee P001
        frame.to_csv(file, index=False)
    mapping = tmp_path / "m.toml"
    mapping.write_text('[nodes.Person]\nidentity = "roster"\n', encoding="utf-8")
    tables = read_netcanvas(export, mapping)
    ids = set(tables.nodes["id"])
    assert {"jo", "sam", "priya", "bob", "@ali", "cat", "dan"} <= ids and "P002/1" not in ids
    rows = tie_rows(tables)
    # "jo" and "jo" are one node; P002 names P001 (Ann) in both interviews
    assert ("P002", "P001", "friend", "2024-01-12", "") in rows
    assert ("P001", "jo", "friend", "2024-01-10", "") in rows


# ------------------------------------------------------------------ errors


def test_bad_mapping_settings_are_all_reported(tmp_path):
    mapping = tmp_path / "bad.toml"
    mapping.write_text('[ego]\nid = "case"\nsupported = "yes"\n[nodes.Persn]\ntype = "human"\n'
                       'colour = "red"\n[edges.knows]\nkind = "cousin"\n', encoding="utf-8")
    found = problems(DATA / "fresco_csv", mapping)
    assert len(found) == 4
    assert any("ego.supported" in p for p in found)
    assert any("nodes.Persn.type" in p and "unknown node type" in p for p in found)
    assert any("nodes.Persn.colour" in p and "unknown setting" in p for p in found)
    assert any("edges.knows.kind" in p and "'cousin'" in p for p in found)


def test_mapping_names_that_the_export_lacks_are_reported(tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text('[ego]\nid = "participant"\n[nodes.Persn]\ntype = "person"\n',
                       encoding="utf-8")
    found = problems(DATA / "fresco_csv", mapping)
    assert len(found) == 2
    assert any("'participant'" in p and "found: networkCanvasEgoUUID" in p for p in found)
    assert any("no node type 'Persn'" in p and "found: Person, Venue" in p for p in found)
    mapping.write_text('[nodes.Person]\ncircle = "closeness"\n', encoding="utf-8")
    found = problems(DATA / "fresco_csv", mapping)
    assert len(found) == 1
    assert "no variable 'closeness' for node type Person" in found[0]


def test_encrypted_variables_cannot_be_mapped(tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text('[nodes.Person]\nlabel = "notes"\n', encoding="utf-8")
    found = problems(DATA / "fresco_csv", mapping)
    assert len(found) == 11  # every Person row of every interview
    assert found[0].startswith("P001_s1a-0001_attributeList_Person.csv line 2, column notes: "
                               "'ENCRYPTED': this variable was encrypted")


def test_row_problems_name_the_network_canvas_file_and_line(tmp_path):
    export = copy_export(tmp_path)
    ego = export / "P002_s2b-0004_ego.csv"
    ego.write_text(ego.read_text().replace("2024-07-15T09:30:00.000Z", "soon").replace(
        "2024-08-01T12:00:00.000Z", ""), encoding="utf-8")
    edges = export / "P001_s1a-0001_edgeList_knows.csv"
    edges.write_bytes(edges.read_bytes().replace(b",n1a2\r\n", b",n9z9\r\n"))
    person = export / "P001_s1b-0002_attributeList_Person.csv"
    person.write_text(person.read_text().replace("e1b-0002,n1b2", "e1b-9999,n1b2"),
                      encoding="utf-8")
    found = problems(export)
    assert len(found) == 4, found
    assert any(p.startswith("P002_s2b-0004_ego.csv line 2") and "no interview date" in p
               for p in found)
    assert any(p.startswith("P001_s1a-0001_edgeList_knows.csv line 2, column "
                            "networkCanvasTargetUUID: 'n9z9'") for p in found)
    # Priya's row names an interview that is not in the export; the edge to her then
    # has no target in its interview
    assert any(p.startswith("P001_s1b-0002_attributeList_Person.csv line 3") for p in found)
    assert any(p.startswith("P001_s1b-0002_edgeList_knows.csv line 2") for p in found)


def test_two_interviews_of_one_person_on_one_day_are_refused(tmp_path):
    export = copy_export(tmp_path)
    ego = export / "P001_s1b-0002_ego.csv"
    ego.write_text(ego.read_text().replace("2024-07-10T", "2024-01-10T"), encoding="utf-8")
    found = problems(export)
    assert any("2 interviews of P001 on 2024-01-10" in p for p in found)


def test_graphml_problems_name_the_element(tmp_path):
    export = copy_export(tmp_path, "interviewer_graphml")
    path = export / "LAC_networks_unified.graphml"
    path.write_text(path.read_text().replace('<data key="networkCanvasType">Venue</data>', "", 1),
                    encoding="utf-8")
    found = problems(export)
    assert len(found) == 1
    assert found[0].startswith("LAC_networks_unified.graphml line ")
    assert '<node id="3"> has no networkCanvasType' in found[0]
    path.write_text("<graphml><graph>", encoding="utf-8")
    assert "not readable GraphML" in problems(export)[0]


def test_graphml_entities_are_refused(tmp_path):
    export = tmp_path / "x"
    export.mkdir()
    (export / "bomb.graphml").write_text(
        '<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaaaaaa">]><graphml>&a;</graphml>',
        encoding="utf-8")
    assert "not readable GraphML" in problems(export)[0]


def test_validation_problems_point_back_to_the_interview(tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text('[nodes.Venue]\ntype = "group"\n[edges.knows]\nkind = "neighbour"\n'
                       '[nodes.Person]\nkind = "member"\n', encoding="utf-8")
    found = problems(DATA / "fresco_csv", mapping)
    assert any("nodes.Person.kind" in p and "cannot join" in p for p in found)


def test_nothing_is_written_when_anything_is_wrong(tmp_path):
    export = copy_export(tmp_path)
    (export / "P001_s1a-0001_ego.csv").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(InputError):
        import_netcanvas(export, out)
    assert not out.exists()
    good = import_netcanvas(DATA / "fresco_csv", out)
    assert sorted(p.name for p in out.iterdir()) == ["matches.csv", "nodes.csv", "reviews.csv",
                                                     "ties.csv"]
    assert_frame_equal(read_folder(out).ties, good.tables.ties)
    assert not list(tmp_path.glob(".import-nc-*"))


def test_the_readme_mapping_example_works():
    import re
    import tomllib

    from lacgraph.loaders.netcanvas_mapping import parse_mapping

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The mapping file", 1)[1]
    block = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    mapping = parse_mapping(tomllib.loads(block), "README.md")
    assert_frame_equal(read_netcanvas(DATA / "fresco_csv", mapping).ties,
                       read_netcanvas(DATA / "fresco_csv", MAPPING).ties)


def test_an_interview_naming_nobody_ends_every_tie(tmp_path):
    export = copy_export(tmp_path)
    prefix = export / "P002_s2c-0005"
    # Network Canvas writes header-only files without a type when an interview has no nodes
    Path(f"{prefix}_ego.csv").write_bytes(
        b"networkCanvasEgoUUID,networkCanvasCaseID,networkCanvasSessionID,"
        b"networkCanvasProtocolName,sessionStart,sessionFinish,sessionExported,APP_VERSION,"
        b"COMMIT_HASH,ward,coordinator\r\ne2c-0005,P002,s2c-0005,LAC networks,"
        b"2025-01-20T10:00:00.000Z,2025-01-20T10:20:00.000Z,2025-02-01T09:00:00.000Z,3.0.0,"
        b"a1b2c3d,Mayhill,lac1\r\n")
    Path(f"{prefix}_attributeList.csv").write_bytes(
        b"nodeID,networkCanvasEgoUUID,networkCanvasUUID\r\n")
    Path(f"{prefix}_edgeList.csv").write_bytes(
        b"edgeID,from,to,networkCanvasEgoUUID,networkCanvasUUID,networkCanvasSourceUUID,"
        b"networkCanvasTargetUUID\r\n")
    rows = tie_rows(read_netcanvas(export))
    p002 = [r for r in rows if r[0].startswith("P002")]
    assert {r[4] for r in p002 if r[3] != ""} <= {"2024-07-15", "2025-01-20"}
    assert not any(r[4] == "" for r in p002)  # nobody is named any more
    assert ("P002", "P002/1", "friend", "2024-01-12", "2025-01-20") in rows
    assert ("P002/1", "P002/2", "friend", "2024-01-12", "2025-01-20") in rows


def test_the_oldest_exporters_id_column_is_read_as_node_and_edge_ids(tmp_path):
    export = copy_export(tmp_path, "interviewer_csv")
    for file in export.glob("*_*List_*.csv"):
        data = file.read_bytes()
        file.write_bytes(data.replace(b"nodeID,", b"id,", 1).replace(b"edgeID,", b"id,", 1))
    assert_frame_equal(read_netcanvas(export).ties, read_netcanvas(DATA / "interviewer_csv").ties)
    interviews = read_interviews(export)
    assert "nodeID" in interviews.alters.columns and "edgeID" in interviews.edges.columns


def test_edges_without_uuid_columns_use_from_and_to_within_their_interview(tmp_path):
    export = copy_export(tmp_path, "interviewer_csv")
    for file in export.glob("*_edgeList_*.csv"):
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
        frame.drop(columns=["networkCanvasSourceUUID", "networkCanvasTargetUUID"]).to_csv(
            file, index=False)
    # from/to are nodeID values, which restart at 1 in every interview
    assert_frame_equal(read_netcanvas(export).ties, read_netcanvas(DATA / "interviewer_csv").ties)


def test_ego_values_that_differ_between_interviews_are_not_chosen_silently(tmp_path):
    export = copy_export(tmp_path)
    ego = export / "P001_s1b-0002_ego.csv"
    ego.write_bytes(ego.read_bytes().replace(b",Townhill,", b",Castle,"))
    mapping = tmp_path / "m.toml"
    mapping.write_text('[ego.copy]\nneighbourhood = "ward"\n', encoding="utf-8")
    found = problems(export, mapping)
    assert found == ["P001_s1b-0002_ego.csv line 2, column ward: 'Castle / Townhill': P001's "
                     "interviews give different values (ego.copy.neighbourhood); expected one "
                     "value: correct the export or leave it out of the mapping"]


def test_encrypted_names_cannot_match_repeat_interviews(tmp_path):
    export = copy_export(tmp_path, "interviewer_csv")
    for file in export.glob("P002_*_attributeList_Person.csv"):
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
        frame.assign(name="ENCRYPTED").to_csv(file, index=False)
    found = problems(export)
    assert len(found) == 7  # every Person row of P002's two interviews
    assert "give an identity variable in the mapping" in found[0]
    single = copy_export(tmp_path / "one", "interviewer_csv")
    for file in single.glob("P002_s2b-0004_*"):
        file.unlink()  # one interview: nothing to match, the alters stay unnamed
    person = single / "P002_s2a-0003_attributeList_Person.csv"
    frame = pd.read_csv(person, dtype=str, keep_default_na=False)
    frame.assign(name="ENCRYPTED").to_csv(person, index=False)
    nodes = read_netcanvas(single).nodes
    assert set(nodes.loc[nodes["id"].str.startswith("P002/"), "label"]) == {""}


def test_categorical_options_that_are_not_kinds_must_be_mapped(tmp_path):
    export = copy_export(tmp_path)
    for file in export.glob("*_attributeList_Person.csv"):
        data = file.read_bytes()
        file.write_bytes(data.replace(b"relationship_family", b"relationship_parent", 1))
    mapping = tmp_path / "m.toml"
    mapping.write_text('[nodes.Person]\nkind_from = "relationship"\n', encoding="utf-8")
    found = problems(export, mapping)
    assert len(found) == 1 and "option 'parent' of relationship is not a tie kind" in found[0]
    assert found[0].startswith("P001_s1b-0002_attributeList_Person.csv line 3")  # Priya
    mapping.write_text('[nodes.Person]\nkind_from = "relationship"\n'
                       '[nodes.Person.kind_values]\nparent = "family"\n', encoding="utf-8")
    ties = read_netcanvas(export, mapping).to_text()[1]
    assert ties.query("source == 'P001' and target == 'P001/4'")["kind"].tolist() == ["family"]


def test_a_zip_that_would_unpack_too_large_is_refused(tmp_path):
    from lacgraph.loaders.netcanvas_files import list_export

    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.writestr("a_ego.csv", "x" * 5000)
        out.writestr("protocol.netcanvas", "not read")
    assert [f.name for f in list_export(archive)] == ["big.zip/a_ego.csv"]
    with pytest.raises(InputError, match="would unpack to more than 1000 bytes"):
        list_export(archive, limit=1000)


def test_an_export_without_edges_or_alters_still_imports(tmp_path):
    export = copy_export(tmp_path)
    for file in export.glob("*_edgeList_*.csv"):
        file.unlink()
    rows = tie_rows(read_netcanvas(export))
    assert len(rows) == 9 and all(r[0] in ("P001", "P002") for r in rows)
    for file in export.glob("*_attributeList_*.csv"):
        file.unlink()
    tables = read_netcanvas(export)
    assert tables.nodes["id"].tolist() == ["P001", "P002"] and tables.ties.empty
