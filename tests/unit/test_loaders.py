"""The tabular loaders: real files in tmp_path, every problem named where it is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

import lacgraph.loaders as loaders
from lacgraph.errors import InputError, Problem
from lacgraph.loaders import parse_tables, read_folder, read_source, read_workbook, write_folder
from lacgraph.model import NODE_TYPES, TIE_KINDS, kind_fits
from lacgraph.tables import Tables

NODES_HEADER = "id,type,label,neighbourhood,supported,introduced_on,coordinator"
TIES_HEADER = "source,target,kind,start,end,circle,reciprocal,brokered_by"

# A small valid programme: Sam is supported by coordinator Lee and goes to the choir.
GOOD_NODES = [
    "sam,person,Sam,Townhill,true,2024-01-10,lee",
    "ann,person,Ann,Townhill,,,",
    "choir,group,Choir,Townhill,,,",
    "lee,coordinator,Lee,,,,",
    "gp,service,Surgery,,,,",
]
GOOD_TIES = [
    "sam,ann,friend,2024-02-01,,1,yes,lee",
    "sam,choir,member,2024-03-01,2024-09-01,,,",
    "sam,lee,coordinator,2024-01-10,,,,",
    "sam,gp,service,2023-05-01,,,,",
]


def write_csv(folder: Path, name: str, header: str, rows: list[str], *, bom: bool = False,
              newline: str = "\n") -> Path:
    text = newline.join([header, *rows]) + newline
    (folder / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return folder / name


def make_folder(folder: Path, nodes: list[str] | None = None, ties: list[str] | None = None,
                **kwargs: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder, "nodes.csv", NODES_HEADER, GOOD_NODES if nodes is None else nodes, **kwargs)
    write_csv(folder, "ties.csv", TIES_HEADER, GOOD_TIES if ties is None else ties, **kwargs)
    return folder


def problems_of(folder: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        read_folder(folder)
    return caught.value.problems


def only_problem(folder: Path) -> Problem:
    problems = problems_of(folder)
    assert len(problems) == 1, problems
    return problems[0]


# ------------------------------------------------------------------ the public surface


def test_public_names():
    assert sorted(loaders.__all__) == [
        "parse_tables", "read_folder", "read_source", "read_workbook", "write_folder",
    ]


# ------------------------------------------------------------------ good input


def test_good_folder_gives_canonical_tables(tmp_path):
    T = read_folder(make_folder(tmp_path))
    assert T.nodes["id"].tolist() == ["sam", "ann", "choir", "lee", "gp"]
    assert T.nodes["supported"].tolist() == [True, False, False, False, False]
    assert T.nodes.loc[0, "introduced_on"] == pd.Timestamp("2024-01-10")
    assert T.nodes["introduced_on"].dtype == "datetime64[s]"
    assert T.ties["circle"].tolist() == [1, 3, 4, 4]  # given, then defaults by kind
    assert T.ties["reciprocal"].tolist() == [True, False, False, False]  # "yes" is true
    assert pd.isna(T.ties.loc[0, "end"]) and T.ties.loc[1, "end"] == pd.Timestamp("2024-09-01")
    assert T.ties["brokered_by"].tolist() == ["lee", "", "", ""]


@pytest.mark.parametrize("bom", [False, True])
def test_bom_and_no_bom_read_the_same(tmp_path, bom):
    T = read_folder(make_folder(tmp_path, bom=bom))
    assert list(T.nodes.columns[:2]) == ["id", "type"]
    assert T.nodes["id"].tolist()[0] == "sam"


def test_crlf_line_endings(tmp_path):
    T = read_folder(make_folder(tmp_path, newline="\r\n"))
    assert T.nodes["label"].tolist()[0] == "Sam"
    assert len(T.ties) == 4


def test_strings_survive_exactly(tmp_path):
    nodes = [
        "007,person,Nan,NULL,,,",
        "None,person, padded ,N/A,,,",
        " 42 ,group,null,nan,,,",
    ]
    ties = ["007,None,friend,2024-01-01,,,,", "None, 42 ,member,2024-01-01,,,,"]
    T = read_folder(make_folder(tmp_path, nodes, ties))
    assert T.nodes["id"].tolist() == ["007", "None", " 42 "]
    assert T.nodes["label"].tolist() == ["Nan", " padded ", "null"]
    assert T.nodes["neighbourhood"].tolist() == ["NULL", "N/A", "nan"]
    assert T.ties["target"].tolist() == ["None", " 42 "]


def test_flags_accept_yes_no_one_zero_any_case(tmp_path):
    nodes = [f"p{i},person,,,{flag},," for i, flag in
             enumerate(["TRUE", "Yes", "1", "false", "NO", "0", ""])]
    T = read_folder(make_folder(tmp_path, nodes, []))
    assert T.nodes["supported"].tolist() == [True, True, True, False, False, False, False]


def test_extra_columns_kept_as_text_and_optional_columns_default(tmp_path):
    (tmp_path / "nodes.csv").write_text("id,type,age,notes\np1,person,056,x\np2,person,,\n")
    (tmp_path / "ties.csv").write_text("source,target,kind,start,weight\np1,p2,friend,2024-01-01,1.50\n")
    T = read_folder(tmp_path)
    assert T.nodes["age"].tolist() == ["056", ""]
    assert T.nodes["label"].tolist() == ["", ""]
    assert T.ties["weight"].tolist() == ["1.50"]
    assert int(T.ties.loc[0, "circle"]) == 2


def test_blank_rows_are_skipped_but_lines_still_count(tmp_path):
    nodes = ["p1,person,,,,,", "", ",,,,,,", "p2,persn,,,,,"]
    p = only_problem(make_folder(tmp_path, nodes, []))
    assert (p.file, p.line, p.column, p.value) == ("nodes.csv", 5, "type", "persn")


def test_line_numbers_follow_line_breaks_inside_quoted_cells(tmp_path):
    nodes = ['p1,person,,"Sam\nSmith\nJr",,,', "p2,persn,,,,,"]  # a multi-line neighbourhood
    p = only_problem(make_folder(tmp_path, nodes, []))
    assert (p.line, p.column, p.value) == (5, "type", "persn")


def test_egor32_loads_with_extra_columns(egor32):
    T = read_source(egor32)
    assert len(T.nodes) == 416
    assert len(T.ties) == 1440
    assert {"sex", "age"} <= set(T.nodes.columns)
    ego1 = T.nodes.set_index("id").loc["ego1"]
    assert (ego1["sex"], ego1["age"]) == ("m", "56 - 65")
    assert T.nodes["age"].map(type).eq(str).all()


# ------------------------------------------------------------------ file-level problems


def test_missing_files_are_named(tmp_path):
    problems = problems_of(tmp_path)
    assert [(p.file, p.line) for p in problems] == [("nodes.csv", 0), ("ties.csv", 0)]
    assert all("no such file" in p.reason for p in problems)


def test_empty_file(tmp_path):
    make_folder(tmp_path)
    (tmp_path / "ties.csv").write_bytes(b"")
    p = only_problem(tmp_path)
    assert (p.file, p.line) == ("ties.csv", 0)
    assert "empty" in p.reason


def test_invalid_utf8_names_file_and_line(tmp_path):
    make_folder(tmp_path)
    (tmp_path / "nodes.csv").write_bytes(
        (NODES_HEADER + "\nsam,person,Sam,,,,\nzoe,person,Zo").encode() + b"\xe9\n"
    )
    p = only_problem(tmp_path)
    assert (p.file, p.line) == ("nodes.csv", 3)
    assert "UTF-8" in p.reason


def test_missing_required_columns(tmp_path):
    (tmp_path / "nodes.csv").write_text("id,label\np1,Sam\n")
    (tmp_path / "ties.csv").write_text("source,target,kind\n")
    problems = problems_of(tmp_path)
    assert [(p.file, p.line, p.column) for p in problems] == [
        ("nodes.csv", 1, "type"), ("ties.csv", 1, "start"),
    ]
    assert "found columns: id, label" in problems[0].reason


def test_row_with_too_many_fields(tmp_path):
    make_folder(tmp_path, [*GOOD_NODES, "x,person,X,,,,,extra"])
    p = only_problem(tmp_path)
    assert (p.file, p.line) == ("nodes.csv", 7)
    assert "expected 7" in p.reason


def test_repeated_header(tmp_path):
    (tmp_path / "nodes.csv").write_text("id,type,id\np1,person,x\n")
    (tmp_path / "ties.csv").write_text(TIES_HEADER + "\n")
    p = only_problem(tmp_path)
    assert (p.file, p.line, p.column) == ("nodes.csv", 1, "id")


def test_read_source_rejects_other_paths(tmp_path):
    other = tmp_path / "data.json"
    other.write_text("{}")
    with pytest.raises(InputError, match="expected a folder with nodes.csv and ties.csv"):
        read_source(other)
    with pytest.raises(InputError, match="no such file or folder"):
        read_source(tmp_path / "nowhere")


# ------------------------------------------------------------------ row problems, one each


ROW_CASES = [
    # (nodes, ties, file, line, column, value, words in reason)
    ([*GOOD_NODES, ",person,,,,,"], None, "nodes.csv", 7, "id", "", "empty id"),
    ([*GOOD_NODES, "ann,group,,,,,"], None, "nodes.csv", 7, "id", "ann", "first on line 3"),
    ([*GOOD_NODES, "bob,Person,,,,,"], None, "nodes.csv", 7, "type", "Person",
     "person, group, service, coordinator, family"),
    ([*GOOD_NODES, "bob,person,,,maybe,,"], None, "nodes.csv", 7, "supported", "maybe",
     "true or false"),
    ([*GOOD_NODES, "bob,person,,,,2024-02-30,"], None, "nodes.csv", 7, "introduced_on",
     "2024-02-30", "real calendar date"),
    ([*GOOD_NODES, "bob,person,,,,10/01/2024,"], None, "nodes.csv", 7, "introduced_on",
     "10/01/2024", "YYYY-MM-DD"),
    ([*GOOD_NODES, "bob,person,,,,,ann"], None, "nodes.csv", 7, "coordinator", "ann",
     "is a person node; expected the id of a coordinator"),
    ([*GOOD_NODES, "bob,person,,,,,kim"], None, "nodes.csv", 7, "coordinator", "kim",
     "no node has this id"),
    (None, [*GOOD_TIES, "sam,ann,cousin,2024-01-01,,,,"], "ties.csv", 6, "kind", "cousin",
     "family, friend, neighbour, peer, member, volunteer, service, coordinator, household"),
    (None, [*GOOD_TIES, ",ann,friend,2024-01-01,,,,"], "ties.csv", 6, "source", "",
     "empty id"),
    (None, [*GOOD_TIES, "sam,,friend,2024-01-01,,,,"], "ties.csv", 6, "target", "",
     "empty id"),
    (None, [*GOOD_TIES, "sam,zoe,friend,2024-01-01,,,,"], "ties.csv", 6, "target", "zoe",
     "no node has this id"),
    (None, [*GOOD_TIES, "SAM,ann,friend,2024-01-01,,,,"], "ties.csv", 6, "source", "SAM",
     "no node has this id"),
    (None, [*GOOD_TIES, "ann,ann,friend,2024-01-01,,,,"], "ties.csv", 6, "target", "ann",
     "itself"),
    (None, [*GOOD_TIES, "sam,ann,family,,,,,"], "ties.csv", 6, "start", "", "missing date"),
    (None, [*GOOD_TIES, "sam,ann,family,2024-1-5,,,,"], "ties.csv", 6, "start", "2024-1-5",
     "YYYY-MM-DD"),
    (None, [*GOOD_TIES, "sam,ann,family,2023-02-29,,,,"], "ties.csv", 6, "start",
     "2023-02-29", "real calendar date"),
    (None, [*GOOD_TIES, "sam,ann,family,2024-01-01,2024-13-01,,,"], "ties.csv", 6, "end",
     "2024-13-01", "real calendar date"),
    (None, [*GOOD_TIES, "sam,ann,family,2024-01-01,2024-01-01,,,"], "ties.csv", 6, "end",
     "2024-01-01", "not after start"),
    (None, [*GOOD_TIES, "sam,ann,family,2024-01-01,2023-12-31,,,"], "ties.csv", 6, "end",
     "2023-12-31", "later than start"),
    (None, [*GOOD_TIES, "sam,ann,family,2024-01-01,,5,,"], "ties.csv", 6, "circle", "5",
     "integer 1-4"),
    (None, [*GOOD_TIES, "sam,ann,family,2024-01-01,,2.0,,"], "ties.csv", 6, "circle", "2.0",
     "integer 1-4"),
    (None, [*GOOD_TIES, "sam,ann,family,2024-01-01,,,sometimes,"], "ties.csv", 6,
     "reciprocal", "sometimes", "true or false"),
    (None, [*GOOD_TIES, "sam,ann,family,2024-01-01,,,,gp"], "ties.csv", 6, "brokered_by",
     "gp", "is a service node; expected the id of a coordinator"),
    (None, [*GOOD_TIES, "sam,ann,family,2024-01-01,,,,kim"], "ties.csv", 6, "brokered_by",
     "kim", "no node has this id; expected the id of a coordinator"),
    (None, [*GOOD_TIES, "sam,ann,member,2024-01-01,,,,"], "ties.csv", 6, "kind", "member",
     "a member tie joins person-group, not person-person"),
    (None, [*GOOD_TIES, "choir,sam,friend,2024-01-01,,,,"], "ties.csv", 6, "kind", "friend",
     "a friend tie joins person-person, not group-person"),
    (None, [*GOOD_TIES, "ann,sam,friend,2024-02-01,,,,"], "ties.csv", 6,
     "source,target,kind,start", "ann,sam,friend,2024-02-01", "first on line 2"),
]


@pytest.mark.parametrize(("nodes", "ties", "file", "line", "column", "value", "words"), ROW_CASES)
def test_each_row_problem_is_named(tmp_path, nodes, ties, file, line, column, value, words):
    p = only_problem(make_folder(tmp_path, nodes, ties))
    assert (p.file, p.line, p.column, p.value) == (file, line, column, value)
    assert words in p.reason


def _every_hash_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation finds ids by hash, then compares them as text: make every value's hash
    the same, so that each lookup meets other ids with its hash."""
    import lacgraph.loaders.validate as validate
    monkeypatch.setattr(validate, "text_hashes",
                        lambda values: np.zeros(len(values), dtype=np.uint64))


@pytest.mark.parametrize(("nodes", "ties"), [case[:2] for case in ROW_CASES])
def test_the_same_problems_when_every_id_hashes_alike(tmp_path, monkeypatch, nodes, ties):
    folder = make_folder(tmp_path, nodes, ties)
    expected = problems_of(folder)
    _every_hash_alike(monkeypatch)
    assert problems_of(folder) == expected


def test_the_same_tables_and_repeats_when_every_id_hashes_alike(tmp_path, monkeypatch):
    good = make_folder(tmp_path / "good")
    expected = read_folder(good)
    nodes = [*GOOD_NODES, "ann,person,,,,,", "sam,group,,,,,", "ann,group,,,,,"]
    repeats = make_folder(tmp_path / "repeats", nodes, GOOD_TIES)
    expected_repeats = problems_of(repeats)
    assert [p.line for p in expected_repeats] == [7, 8, 9]
    _every_hash_alike(monkeypatch)
    assert_frame_equal(read_folder(good).nodes, expected.nodes)
    assert_frame_equal(read_folder(good).ties, expected.ties)
    assert problems_of(repeats) == expected_repeats


def test_same_pair_and_kind_with_another_start_is_not_a_duplicate(tmp_path):
    T = read_folder(make_folder(tmp_path, None, [*GOOD_TIES, "ann,sam,friend,2025-02-01,,,,"]))
    assert len(T.ties) == 5


def test_every_repeat_of_a_duplicate_is_reported(tmp_path):
    nodes = [*GOOD_NODES, "ann,person,,,,,", "ann,group,,,,,"]
    ties = [*GOOD_TIES, "ann,sam,friend,2024-02-01,,,,", "sam,ann,friend,2024-02-01,,,,"]
    problems = problems_of(make_folder(tmp_path, nodes, ties))
    assert [(p.file, p.line) for p in problems] == [
        ("nodes.csv", 7), ("nodes.csv", 8), ("ties.csv", 6), ("ties.csv", 7),
    ]
    assert all("first on line" in p.reason for p in problems)


def test_many_problems_collected_in_one_raise(tmp_path):
    nodes = [*GOOD_NODES, ",person,,,,,", "bob,robot,,,perhaps,2024-99-01,gp"]
    ties = [
        *GOOD_TIES,
        "sam,zoe,cousin,2024-01-01,,9,,",
        "ann,ann,friend,someday,,,,",
        "sam,ann,friend,2024-05-01,2024-04-01,,,ann",
    ]
    with pytest.raises(InputError) as caught:
        read_folder(make_folder(tmp_path, nodes, ties))
    got = [(p.file, p.line, p.column) for p in caught.value.problems]
    assert got == [
        ("nodes.csv", 7, "id"),
        ("nodes.csv", 8, "coordinator"),
        ("nodes.csv", 8, "introduced_on"),
        ("nodes.csv", 8, "supported"),
        ("nodes.csv", 8, "type"),
        ("ties.csv", 6, "circle"),
        ("ties.csv", 6, "kind"),
        ("ties.csv", 6, "target"),
        ("ties.csv", 7, "start"),
        ("ties.csv", 7, "target"),
        ("ties.csv", 8, "brokered_by"),
        ("ties.csv", 8, "end"),
    ]
    assert str(caught.value).startswith("12 problems in the input:")


def test_parse_tables_counts_lines_from_first_line():
    nodes = pd.DataFrame({"id": ["a", "b"], "type": ["person", "thing"]})
    ties = pd.DataFrame(columns=["source", "target", "kind", "start"])
    with pytest.raises(InputError) as caught:
        parse_tables(nodes, ties, nodes_file="people.csv", first_line=10)
    assert [(p.file, p.line, p.column) for p in caught.value.problems] == [
        ("people.csv", 11, "type"),
    ]


def test_parse_tables_treats_missing_cells_as_empty():
    nodes = pd.DataFrame({"id": ["a", "b"], "type": ["person", "person"], "label": [None, np.nan]})
    ties = pd.DataFrame({"source": ["a"], "target": ["b"], "kind": ["friend"],
                         "start": ["2024-01-01"], "end": [None]})
    T = parse_tables(nodes, ties)
    assert T.nodes["label"].tolist() == ["", ""]
    assert pd.isna(T.ties.loc[0, "end"])


# ------------------------------------------------------------------ workbooks


def build_workbook(path: Path, nodes: list[list[object]], ties: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "nodes"
    for row in nodes:
        sheet.append(row)
    ties_sheet = book.create_sheet("ties")
    for row in ties:
        ties_sheet.append(row)
    book.save(path)
    return path


NODE_ROW = ["id", "type", "label", "neighbourhood", "supported", "introduced_on", "coordinator",
            "age"]
TIE_ROW = ["source", "target", "kind", "start", "end", "circle", "reciprocal", "brokered_by"]


def test_workbook_with_numeric_ids_and_date_cells(tmp_path):
    book = build_workbook(tmp_path / "book.xlsx", [
        NODE_ROW,
        [7, "person", "Sam", None, True, dt.date(2024, 1, 10), 900, 56.0],
        ["007", "person", "Ann", None, False, None, None, 41.5],
        [900, "coordinator", "Lee", None, None, None, None, None],
    ], [
        TIE_ROW,
        [7, "007", "friend", dt.datetime(2024, 2, 1), dt.datetime(2024, 8, 1), 1, "yes", 900],
        [7, 900, "coordinator", "2024-01-10", None, None, None, None],
    ])
    T = read_workbook(book)
    assert T.nodes["id"].tolist() == ["7", "007", "900"]
    assert T.nodes["coordinator"].tolist() == ["900", "", ""]
    assert T.nodes["supported"].tolist() == [True, False, False]
    assert T.nodes["age"].tolist() == ["56", "41.5", ""]
    assert T.nodes.loc[0, "introduced_on"] == pd.Timestamp("2024-01-10")
    assert T.ties["source"].tolist() == ["7", "7"]
    assert T.ties["target"].tolist() == ["007", "900"]
    assert T.ties.loc[0, "start"] == pd.Timestamp("2024-02-01")
    assert T.ties.loc[0, "end"] == pd.Timestamp("2024-08-01")
    assert T.ties["circle"].tolist() == [1, 4]
    assert_frame_equal(read_source(book).ties, T.ties)


def test_workbook_problems_name_sheet_and_row(tmp_path):
    book = build_workbook(tmp_path / "book.xlsx", [
        NODE_ROW,
        [1, "person"],
        [],  # an empty spreadsheet row still counts
        [2, "person"],
    ], [
        TIE_ROW,
        [1, 2, "friend", dt.date(2024, 1, 1)],
        [1, 3, "friend", dt.date(2024, 1, 1)],
        [1, 2, "friend", "2024-01-01"],
    ])
    with pytest.raises(InputError) as caught:
        read_workbook(book)
    got = [(p.file, p.line, p.column, p.value) for p in caught.value.problems]
    assert got == [
        ("book.xlsx[ties]", 3, "target", "3"),
        ("book.xlsx[ties]", 4, "source,target,kind,start", "1,2,friend,2024-01-01"),
    ]


def test_workbook_missing_sheet_and_bad_file(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "people"
    book.save(tmp_path / "book.xlsx")
    with pytest.raises(InputError) as caught:
        read_workbook(tmp_path / "book.xlsx")
    assert [(p.file, p.line) for p in caught.value.problems] == [
        ("book.xlsx[nodes]", 0), ("book.xlsx[ties]", 0),
    ]
    assert "sheets: people" in caught.value.problems[0].reason
    (tmp_path / "bad.xlsx").write_text("not a zip")
    with pytest.raises(InputError, match="cannot be opened as a workbook"):
        read_source(tmp_path / "bad.xlsx")


# ------------------------------------------------------------------ round trips


def test_round_trip_write_then_read_equals(tmp_path):
    T = read_folder(make_folder(tmp_path / "in"))
    again = read_folder(write_folder(T, tmp_path / "out"))
    assert_frame_equal(again.nodes, T.nodes)
    assert_frame_equal(again.ties, T.ties)


def test_round_trip_of_awkward_text(tmp_path):
    T = Tables.from_records(
        nodes=[
            {"id": "007", "type": "person", "label": ' "Quoted", with comma ', "notes": "a\nb"},
            {"id": "NULL", "type": "person", "label": "Nan", "notes": "None"},
        ],
        ties=[{"source": "007", "target": "NULL", "kind": "peer", "start": "2020-02-29"}],
    )
    again = read_folder(write_folder(T, tmp_path))
    assert_frame_equal(again.nodes, T.nodes)
    assert_frame_equal(again.ties, T.ties)


TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc"), include_characters=" ,\"'\n\r\t"),
    max_size=8,
)
NAME = st.text(  # ids and labels hold no control character (tab, LF and CR included)
    alphabet=st.characters(exclude_categories=("Cs", "Cc"), include_characters=" ,\"'"),
    max_size=8,
)


@st.composite
def valid_tables(draw: st.DrawFn) -> Tables:
    ids = draw(st.lists(NAME.filter(lambda s: s != ""), min_size=1, max_size=8, unique=True))
    types = [draw(st.sampled_from(NODE_TYPES)) for _ in ids]
    coordinators = [i for i, t in zip(ids, types, strict=True) if t == "coordinator"]
    maybe_coordinator = st.sampled_from(["", *coordinators])
    nodes = [
        {
            "id": i, "type": t, "label": draw(NAME), "neighbourhood": draw(TEXT),
            "supported": draw(st.sampled_from(["", "true", "false", "Yes", "0"])),
            "introduced_on": draw(st.one_of(st.just(""), st.dates(  # years 1900-2100
                min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)).map(str))),
            "coordinator": draw(maybe_coordinator), "notes": draw(TEXT),
        }
        for i, t in zip(ids, types, strict=True)
    ]
    ties, keys = [], set()
    for _ in range(draw(st.integers(0, 10))):
        a, b = draw(st.integers(0, len(ids) - 1)), draw(st.integers(0, len(ids) - 1))
        kinds = [k for k in TIE_KINDS if kind_fits(k, types[a], types[b])]
        if a == b or not kinds:
            continue
        kind = draw(st.sampled_from(kinds))
        # an end up to 5,000 days later stays in 1900-2100
        start = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2086, 1, 1)))
        key = (frozenset((ids[a], ids[b])), kind, start)
        if key in keys:
            continue
        keys.add(key)
        days = draw(st.one_of(st.none(), st.integers(1, 5000)))
        ties.append({
            "source": ids[a], "target": ids[b], "kind": kind, "start": str(start),
            "end": "" if days is None else str(start + dt.timedelta(days=days)),
            "circle": draw(st.sampled_from(["", "1", "2", "3", "4"])),
            "reciprocal": draw(st.sampled_from(["", "TRUE", "no", "1"])),
            "brokered_by": draw(maybe_coordinator), "weight": draw(TEXT),
        })
    tie_frame = pd.DataFrame(ties, columns=[*TIE_ROW, "weight"], dtype=object)
    return parse_tables(pd.DataFrame(nodes, dtype=object), tie_frame)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(T=valid_tables())
def test_random_valid_tables_round_trip(tmp_path, T):
    again = read_folder(write_folder(T, tmp_path))
    assert_frame_equal(again.nodes, T.nodes)
    assert_frame_equal(again.ties, T.ties)
