"""import-nc on a real-shaped study (examples/netcanvas-study): self-ties, UK dates, two
protocols, mixed CSV/GraphML, spelling variants and the review file (issue 24, items 1-5)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from lacgraph.errors import InputError
from lacgraph.loaders import read_folder
from lacgraph.loaders.netcanvas import import_netcanvas, read_netcanvas, read_study
from lacgraph.loaders.netcanvas_mapping import parse_mapping, read_mapping
from lacgraph.loaders.netcanvas_match import name_key

ROOT = Path(__file__).resolve().parents[2]
STUDY = ROOT / "examples" / "netcanvas-study"
EXPORT = STUDY / "export"
MAPPING = STUDY / "mapping.toml"
DATA = Path(__file__).resolve().parents[1] / "data" / "netcanvas"
A, B = "LAC networks", "Community connections"


@pytest.fixture(scope="module")
def study():
    return read_study(EXPORT, MAPPING)


def ties_of(tables) -> pd.DataFrame:
    return tables.to_text()[1]


def labels(tables) -> dict[str, str]:
    nodes = tables.to_text()[0]
    return dict(zip(nodes["id"], nodes["label"], strict=True))


def test_the_committed_export_is_what_the_script_writes(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_export", STUDY / "make_export.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUT", tmp_path / "export")
    module.main()
    written = sorted(p.relative_to(tmp_path / "export") for p in (tmp_path / "export").rglob("*")
                     if p.is_file())
    committed = sorted(p.relative_to(EXPORT) for p in EXPORT.rglob("*") if p.is_file())
    assert written == committed
    for name in written:
        assert (tmp_path / "export" / name).read_bytes() == (EXPORT / name).read_bytes(), name


# ------------------------------------------------------------------ item 1: self-ties


def test_every_self_tie_is_left_out_and_listed_in_one_run(study):
    loops = [n for n in study.notices if "from a node to itself" in n.reason]
    where = sorted((n.file, n.line) for n in loops)
    assert where == [
        ("Community_connections/P001_b1-0001_edgeList_knows.csv", 2),
        ("LAC_networks/P001_a1-0001_edgeList_knows.csv", 3),
        ("LAC_networks/P001_a1-0002_edgeList_knows.csv", 3),
        ("LAC_networks/P003_a3-0002.graphml", 18),
    ]
    ties = ties_of(study.tables)
    assert not (ties["source"] == ties["target"]).any()
    # the rest of those interviews is imported: Jo-Sam from the first file with a self-tie
    assert ((ties["source"] == f"{A}:P001/1") & (ties["target"] == f"{A}:P001/2")).any()


def test_a_self_tie_from_an_identity_equal_to_the_ego_is_left_out(tmp_path):
    export = Path(shutil.copytree(DATA / "fresco_csv", tmp_path / "x"))
    people = export / "P001_s1a-0001_attributeList_Person.csv"
    people.write_text(people.read_text().replace("notes\n", "roster\n", 1).replace(
        ",ENCRYPTED\n", ",r\n").replace("Sam Patel,false,false,true,false,0.5,0.8,r",
                                        "Sam Patel,false,false,true,false,0.5,0.8,P001"),
        encoding="utf-8")
    for other in export.glob("P00*_attributeList_Person.csv"):
        if other != people:
            text = other.read_text()
            lines = text.splitlines()
            lines[0] = lines[0].replace("notes", "roster")
            other.write_text("\n".join(line.replace("ENCRYPTED", f"r{i}")
                                       for i, line in enumerate(lines)) + "\n",
                             encoding="utf-8")
    mapping = parse_mapping({"nodes": {"Person": {"identity": "roster"}}}, "m.toml")
    done = read_study(export, mapping)
    found = [n for n in done.notices if "is the interviewee" in n.reason]
    assert [(n.file, n.line) for n in found] == [("P001_s1a-0001_attributeList_Person.csv", 3)]


# ------------------------------------------------------------------ item 2: UK dates


def test_interview_dates_are_uk_local_dates(study):
    reviews = study.reviews
    p2 = reviews[reviews["person"] == f"{A}:P002"]["date"].tolist()
    assert p2 == ["2024-01-12", "2024-07-10"]  # 2024-07-09T23:30Z is 00:30 BST on 10 July
    ties = ties_of(study.tables)
    lunch = ties[ties["target"] == f"{A}:P002/5"]
    assert lunch["start"].tolist() == ["2024-07-10"]


def test_the_time_zone_is_set_in_the_mapping(tmp_path):
    utc = tmp_path / "utc.toml"
    utc.write_text(MAPPING.read_text().replace('"Europe/London"', '"UTC"'), encoding="utf-8")
    reviews = read_study(EXPORT, utc).reviews
    assert "2024-07-09" in reviews[reviews["person"] == f"{A}:P002"]["date"].tolist()
    with pytest.raises(InputError) as caught:
        parse_mapping({"study": {"time_zone": "Mars/Olympus"}}, "m.toml")
    assert "study.time_zone" in str(caught.value) and "Mars/Olympus" in str(caught.value)


def test_interviews_are_told_apart_by_their_local_date(tmp_path):
    export = Path(shutil.copytree(DATA / "fresco_csv", tmp_path / "x"))
    ego = export / "P001_s1b-0002_ego.csv"
    original = ego.read_text()
    assert "2024-07-10T10:00:00.000Z" in original
    # 23:30 UTC on 9 July is 10 July in the UK: the same network as before
    ego.write_text(original.replace("2024-07-10T10:00:00.000Z", "2024-07-09T23:30:00.000Z"),
                   encoding="utf-8")
    assert_frame_equal(read_netcanvas(export).ties, read_netcanvas(DATA / "fresco_csv").ties)
    # 23:30 UTC on 10 January is still 10 January (GMT): two interviews on one UK day
    ego.write_text(original.replace("2024-07-10T10:00:00.000Z", "2024-01-10T23:30:00.000Z"),
                   encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_netcanvas(export)
    assert "2 interviews of P001 on 2024-01-10" in str(caught.value)


# ------------------------------------------------------------------ item 3: protocols


def test_the_same_case_id_in_two_protocols_is_two_people(study):
    people = study.tables.nodes.query("supported")["id"].tolist()
    assert sorted(people) == [f"{B}:P001", f"{A}:P001", f"{A}:P002", f"{A}:P003"]
    assert any("2 protocols in the export" in n.reason for n in study.notices)
    ties = ties_of(study.tables)
    alex = ties[ties["target"] == f"{B}:P001/1"]
    assert sorted(alex["source"]) == [f"{B}:P001", f"{B}:P001/3"]  # the ego and Chris
    assert not ties["source"].str.startswith(f"{A}:").eq(ties["target"].str.startswith(
        f"{B}:")).all()  # no tie crosses the two studies


def test_studies_that_share_cases_make_one_person(tmp_path):
    shared = parse_mapping({"nodes": {"Person": {"kind_from": "relationship"},
                                      "Venue": {"type": "group"}},
                            "study": {"shared_cases": True}}, "shared.toml")
    done = read_study(EXPORT, shared)
    assert "P001" in done.tables.nodes["id"].tolist()
    assert not any("protocols" in n.reason for n in done.notices)
    p1 = done.reviews[done.reviews["person"] == "P001"]["date"].tolist()
    assert p1 == ["2024-01-10", "2024-01-18", "2024-07-10", "2024-07-18"]


# ------------------------------------------------------------------ item 4: mixed formats


def test_a_session_only_in_graphml_is_imported_and_named(study):
    reviews = study.reviews
    assert reviews[reviews["person"] == f"{A}:P003"]["date"].tolist() == ["2024-01-15",
                                                                          "2024-07-16"]
    tom = [k for k, v in labels(study.tables).items() if v == "Tom Hughes"]
    assert tom == [f"{A}:P003/3"]
    read_from = [n for n in study.notices if "read from GraphML" in n.reason]
    assert [(n.file, n.value) for n in read_from] == [("LAC_networks/P003_a3-0002.graphml",
                                                       "a3-0002")]


def test_csv_and_graphml_of_the_same_sessions_read_once(tmp_path):
    both = Path(shutil.copytree(DATA / "fresco_csv", tmp_path / "both"))
    for file in (DATA / "fresco_graphml").iterdir():
        shutil.copy(file, both / file.name)
    done = read_study(both)
    assert done.notices == []
    assert_frame_equal(done.tables.ties, read_netcanvas(DATA / "fresco_csv").ties)


def test_mixing_nine_csv_sessions_and_one_graphml_session_imports_ten(tmp_path):
    export = Path(shutil.copytree(DATA / "fresco_csv", tmp_path / "mixed"))
    for file in export.glob("P002_s2b-0004_*"):
        file.unlink()
    shutil.copy(DATA / "fresco_graphml" / "P002_s2b-0004.graphml", export)
    done = read_study(export)
    assert len(done.reviews) == 4
    assert_frame_equal(done.tables.ties, read_netcanvas(DATA / "fresco_csv").ties)


# ------------------------------------------------------------------ item 5: the same person


def test_name_keys_join_spelling_variants():
    keys = name_key(pd.Series(["O'Brien", "O’Brien", "Siân Llŷr", "Sian Llyr", "Zoë", "Zoe",
                               "Anne‐Marie", "anne-marie", " Jo \t BLOGGS ", "jo bloggs",
                               "Catherine", "Kathryn"]))
    pairs = keys.to_numpy().reshape(-1, 2)
    assert [a == b for a, b in pairs] == [True, True, True, True, True, False]


def test_spelling_variants_are_one_person_and_counted(study):
    names = labels(study.tables)
    assert names[f"{A}:P002/1"] == "Mary O’Brien"  # the latest spelling labels the node
    assert names[f"{A}:P002/2"] == "Zoe Evans"
    assert names[f"{A}:P001/3"] == "Sian Llyr"
    ties = ties_of(study.tables)
    mary = ties[(ties["source"] == f"{A}:P002") & (ties["target"] == f"{A}:P002/1")]
    assert mary[["start", "end"]].values.tolist() == [["2024-01-12", ""]]  # no end, no restart
    m = study.matching
    assert (m.exact, m.by_key, m.by_decision, m.awaiting) == (5, 3, 0, 1)


def test_names_that_differ_beyond_the_key_are_put_to_review_not_merged(study):
    rows = study.matching.matches
    assert rows.to_dict("records") == [
        {"ego": f"{A}:P002", "wave": 2, "name": "Kathryn Jones",
         "earlier_name": "Catherine Jones", "score": 78.6, "decision": ""}]
    names = labels(study.tables)
    assert {"Kathryn Jones", "Catherine Jones"} <= set(names.values())


def test_the_review_file_round_trip(tmp_path):
    out = tmp_path / "study"
    first = import_netcanvas(EXPORT, out, MAPPING)
    written = pd.read_csv(out / "matches.csv", dtype=str, keep_default_na=False)
    assert written["decision"].tolist() == [""]
    assert first.matching.awaiting == 1
    written["decision"] = ["same"]
    decided = tmp_path / "decided.csv"
    written.to_csv(decided, index=False)
    again = import_netcanvas(EXPORT, out, MAPPING, decided)
    m = again.matching
    assert (m.exact, m.by_key, m.by_decision, m.awaiting) == (5, 3, 1, 0)
    ties = ties_of(again.tables)
    jones = ties[(ties["source"] == f"{A}:P002") & (ties["kind"] == "neighbour")]
    assert jones[["target", "start", "end"]].values.tolist() == [[f"{A}:P002/3", "2024-01-12",
                                                                  ""]]
    assert labels(again.tables)[f"{A}:P002/3"] == "Kathryn Jones"
    kept = pd.read_csv(out / "matches.csv", dtype=str, keep_default_na=False)
    assert kept["decision"].tolist() == ["same"]  # the decision stays in the review file
    written["decision"] = ["different"]
    written.to_csv(decided, index=False)
    apart = import_netcanvas(EXPORT, out, MAPPING, decided)
    assert apart.matching.awaiting == 0 and apart.matching.by_decision == 0
    assert_frame_equal(apart.tables.ties, first.tables.ties)


def test_bad_decisions_are_reported_by_line(tmp_path):
    decided = tmp_path / "matches.csv"
    decided.write_text("ego,wave,name,earlier_name,score,decision\n"
                       f"{A}:P002,2,Kathryn Jones,Catherine Jones,78.6,maybe\n"
                       f"{A}:P002,2,Kathryn Jones,Nobody,78.6,same\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_study(EXPORT, MAPPING, decided)
    assert [str(p) for p in caught.value.problems] == [
        "matches.csv line 2, column decision: 'maybe': expected same, different or empty "
        "(not decided yet)"]
    decided.write_text("ego,wave,name,earlier_name,score,decision\n"
                       f"{A}:P002,2,Kathryn Jones,Nobody,78.6,same\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_study(EXPORT, MAPPING, decided)
    assert "matches.csv line 2" in str(caught.value) and "no such candidate" in str(caught.value)


def test_an_identity_variable_still_decides_when_the_mapping_names_one():
    mapping = read_mapping(DATA / "mapping.toml")
    assert mapping.node("Person").identity is None  # the name key is the default ...
    rules = parse_mapping({"nodes": {"Person": {"identity": "name"}}}, "m.toml")
    done = read_study(EXPORT, rules)
    assert done.matching.matches.empty  # ... an identity variable replaces it


# ------------------------------------------------------------------ outputs


def test_the_output_folder_loads_with_its_extra_files(tmp_path):
    out = tmp_path / "study"
    done = import_netcanvas(EXPORT, out, MAPPING)
    assert sorted(p.name for p in out.iterdir()) == ["matches.csv", "nodes.csv", "reviews.csv",
                                                     "ties.csv"]
    assert_frame_equal(read_folder(out).ties, done.tables.ties)
    reviews = pd.read_csv(out / "reviews.csv", dtype=str)
    assert list(reviews.columns) == ["person", "date"] and len(reviews) == 8
    assert set(reviews["person"]) == set(done.tables.nodes.query("supported")["id"])


def test_names_whose_key_hashes_meet_are_numbered_by_their_keys(monkeypatch):
    """key_codes keeps a hash per name key and compares the keys where hashes meet: with
    every hash the same, the numbering is the same, and no two keys are joined."""
    import lacgraph.loaders.netcanvas_match as match
    names = np.array(["Zoë", "Ann", "zoe", " ", "O'Brien", "O’Brien", "Siân Llŷr", "ann",
                      "", "Sian Llyr", "Bob"], dtype=object)
    expected = match.key_codes(names)
    assert expected[0].tolist() == [0, 1, 0, 2, 3, 3, 4, 1, 2, 4, 5]
    monkeypatch.setattr(match, "hash", lambda key: 7, raising=False)
    codes, empty = match.key_codes(names)
    assert codes.tolist() == expected[0].tolist()
    assert empty.tolist() == expected[1].tolist()
