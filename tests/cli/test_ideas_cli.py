"""``lacgraph suggest`` and ``lacgraph family`` end to end, mistakes included."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from lacgraph.cli import cli
from lacgraph.loaders import write_folder
from lacgraph.tables import Tables


@pytest.fixture
def folder(tmp_path):
    """Sam (Bay) lives with Jo; Jo's friend Al sings in the choir; the walk meets in Bay."""
    nodes = [{"id": "sam", "type": "person", "label": "Sam Evans", "supported": "true",
              "neighbourhood": "Bay"},
             {"id": "jo", "type": "person", "label": "Jo Price", "supported": "true"},
             {"id": "al", "type": "person", "label": "=Al <b>Morgan</b>"},
             {"id": "choir", "type": "group", "label": "Castle Choir", "neighbourhood": "Town"},
             {"id": "walk", "type": "group", "label": "Bay Walkers", "neighbourhood": "Bay"},
             {"id": "gp", "type": "service", "label": "Bay Surgery"},
             {"id": "home", "type": "family", "label": "Evans-Price household"}]
    ties = [{"source": "sam", "target": "al", "kind": "friend", "start": "2023-01-01"},
            {"source": "al", "target": "choir", "kind": "member", "start": "2023-06-01"},
            {"source": "jo", "target": "walk", "kind": "volunteer", "start": "2022-01-01"},
            {"source": "sam", "target": "home", "kind": "household", "start": "2020-01-01"},
            {"source": "jo", "target": "home", "kind": "household", "start": "2020-01-01"},
            {"source": "jo", "target": "gp", "kind": "service", "start": "2021-01-01"}]
    path = tmp_path / "data"
    write_folder(Tables.from_records(nodes, ties), path)
    return path


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def table(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_suggest_one_person(folder):
    result = run("suggest", str(folder), "sam", "--at", "2024-06-01")
    assert result.exit_code == 0, result.output
    frame = table(result.stdout)
    assert list(frame.columns) == ["group", "label", "neighbourhood", "friends_in_group",
                                   "same_neighbourhood", "members", "retention",
                                   "retention_n", "reason"]
    assert frame["group"].tolist() == ["choir", "walk"]
    assert frame.iloc[0]["reason"] == (
        "1 of Sam Evans's friends and family goes; the 1 person who joined in the last two years "
        "stayed at least six months")
    assert frame.iloc[1][["same_neighbourhood", "retention"]].tolist() == ["true", ""]


def test_suggest_limit_and_json(folder):
    result = run("suggest", str(folder), "sam", "--at", "2024-06-01", "--limit", "1",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["group"] for r in rows] == ["choir"] and rows[0]["retention"] == 1.0


def test_suggest_all(folder):
    result = run("suggest", str(folder), "--all", "--at", "2024-06-01")
    assert result.exit_code == 0, result.output
    frame = table(result.stdout)
    assert frame[["id", "group"]].to_dict("records") == [
        {"id": "jo", "group": ""}, {"id": "sam", "group": "choir"}]
    assert frame.iloc[0]["reason"].startswith("Nothing to suggest yet")


@pytest.mark.parametrize("args, message", [
    (("nobody",), "No person with id 'nobody'"),
    (("walk",), "'walk' is a group, not a person"),
    ((), "give either a person's id or --all"),
    (("sam", "--all"), "give either a person's id or --all"),
])
def test_suggest_mistakes_are_one_line(folder, args, message):
    result = run("suggest", str(folder), *args)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"Error: {result.stderr.strip()[7:]}"]
    assert message in result.stderr and "Traceback" not in result.output


def test_family_table_and_counts(folder):
    result = run("family", str(folder), "sam", "--at", "2024-06-01")
    assert result.exit_code == 0, result.output
    frame = table(result.stdout)
    assert frame[["role", "id", "category", "known_by"]].to_dict("records") == [
        {"role": "household", "id": "jo", "category": "", "known_by": ""},
        {"role": "household", "id": "sam", "category": "", "known_by": ""},
        {"role": "network", "id": "al", "category": "natural", "known_by": "sam"},
        {"role": "network", "id": "walk", "category": "community", "known_by": "jo"},
        {"role": "network", "id": "gp", "category": "paid", "known_by": "jo"},
    ]
    counts = table(run("family", str(folder), "sam", "--at", "2024-06-01", "--counts").stdout)
    assert counts.to_dict("records") == [{"id": "sam", "at": "2024-06-01", "members": "2",
                                          "size": "3", "natural": "1", "community": "1",
                                          "paid": "1"}]


def test_family_picture(folder, tmp_path):
    svg = tmp_path / "home.svg"
    result = run("family", str(folder), "sam", "--at", "2024-06-01", "--svg", str(svg))
    assert result.exit_code == 0, result.output
    text = svg.read_text()
    assert "Sam Evans&#39;s household" in text or "Sam Evans's household" in text
    assert "&lt;b&gt;Morgan&lt;/b&gt;" in text and "<b>" not in text


@pytest.mark.parametrize("args, message", [
    (("nobody",), "with id 'nobody'"),
    (("walk",), "'walk' is a group, not a person"),
    (("sam", "--png", "x.svg"), "expected a file ending in .png"),
])
def test_family_mistakes(folder, args, message):
    result = run("family", str(folder), *args)
    assert result.exit_code == 1 and message in result.stderr


def test_help_is_there():
    for verb in ("suggest", "family"):
        assert run(verb, "--help").exit_code == 0
