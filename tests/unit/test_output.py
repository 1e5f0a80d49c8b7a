"""The one formula-safe rule and lacgraph's own CSV round trip."""

from __future__ import annotations

import io
import tempfile

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lacgraph.loaders import read_folder, write_folder
from lacgraph.output import csv_text, formula_safe, read_csv_text, to_csv
from lacgraph.tables import Tables


@pytest.mark.parametrize("text", [
    "=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\rx", " =1+1", "\u3000=1", "\u200b=1",
    "\uff1d1+1", "\uff0b1", "\uff201", "\ufe661", "   \uff0d1",
])
def test_cells_that_start_a_formula_get_a_quote(text):
    assert formula_safe(text) == "'" + text


@pytest.mark.parametrize("text, safe", [
    ("x\n=1+1", "'x\n'=1+1"),
    ("x\r\n =1+1\nok", "'x\r\n' =1+1\nok"),
    ("x\r@y", "'x\r'@y"),
    ("\r=1", "'\r'=1"),
    ("=a\n+b", "'=a\n'+b"),
])
def test_every_later_line_that_starts_a_formula_gets_a_quote(text, safe):
    assert formula_safe(text) == safe


@pytest.mark.parametrize("text", ["Ann", "", "a=b", "x\ny", "O'Neil", "Zoë", "1+1", "name@x"])
def test_harmless_text_is_unchanged(text):
    assert formula_safe(text) == text


def test_to_csv_touches_text_cells_only():
    frame = pd.DataFrame({"id": ["=a", "b"], "change": [-1, 2], "share": [-0.5, 1.0],
                          "flag": [True, False], "mixed": [-3, "-3"]})
    back = read_csv_text(to_csv(frame))
    assert back["id"].tolist() == ["'=a", "b"]
    assert back["change"].tolist() == ["-1", "2"]
    assert back["share"].tolist() == ["-0.5", "1.0"]
    assert back["mixed"].tolist() == ["-3", "'-3"]  # the number stays, the text is guarded
    assert read_csv_text(to_csv(frame, raw=True))["id"].tolist() == ["=a", "b"]


def test_a_lone_carriage_return_is_quoted():
    assert csv_text(pd.DataFrame({"a": ["x\ry"], "b": ["z"]})) == 'a,b\n"x\ry",z\n'
    assert pd.read_csv(io.StringIO(csv_text(pd.DataFrame({"a": ["x\ry"]}))), dtype=str)[
        "a"].tolist() == ["x\ry"]


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


name = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)  # no control chars
notes = st.text(st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\t\n\r"),
                max_size=12)


@settings(max_examples=100, deadline=None)
@example(ids=["a,b", "c"], labels=['x"y', " ", "=1", ""], notes=["x\ry", "\r", "\t", ""])
@given(ids=st.lists(name.filter(lambda s: s.strip() == s and s != ""), min_size=1,
                    max_size=4, unique=True), labels=st.lists(name, min_size=4, max_size=4),
       notes=st.lists(notes, min_size=4, max_size=4))
def test_any_label_and_id_round_trips_through_lacgraphs_files(ids, labels, notes):
    nodes = [{"id": i, "type": "person", "label": label, "notes": note}
             for i, label, note in zip(ids, labels, notes, strict=False)]
    ties = ([{"source": ids[0], "target": ids[1], "kind": "friend", "start": "2024-01-01"}]
            if len(ids) > 1 else [])
    T = Tables.from_records(nodes, ties)
    with tempfile.TemporaryDirectory() as folder:
        back = read_folder(write_folder(T, folder))
    assert back.nodes["id"].tolist() == ids
    assert back.nodes["label"].tolist() == [n["label"] for n in nodes]
    assert back.nodes["notes"].tolist() == [n["notes"] for n in nodes]
    assert back.ties["source"].tolist() == [t["source"] for t in ties]


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(text, min_size=1, max_size=5))
def test_any_text_round_trips_through_to_csv_raw(cells):
    frame = pd.DataFrame({"id": cells, "n": range(len(cells))})
    assert read_csv_text(to_csv(frame, raw=True))["id"].tolist() == cells


def test_web_downloads_use_the_same_rule():
    from lacgraph.web.context import safe_csv

    frame = pd.DataFrame({"label": [" =1+1", "\uff1d1+1", "x\n=1+1", "Ann"], "n": [-1, 2, 3, 4]})
    back = read_csv_text(safe_csv(frame))
    assert back["label"].tolist() == ["' =1+1", "'\uff1d1+1", "'x\n'=1+1", "Ann"]
    assert back["n"].tolist() == ["-1", "2", "3", "4"]
