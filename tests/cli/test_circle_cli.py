"""``lacgraph circle``: tables, --since, pictures, pseudonyms and mistakes, end to end."""

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
    nodes = [{"id": "sam", "type": "person", "label": "Sam Evans", "supported": "true"},
             {"id": "jo", "type": "person", "label": "Jo Price"},
             {"id": "al", "type": "person", "label": "Al <b>Morgan</b>"},
             {"id": "choir", "type": "group", "label": "Castle Choir"},
             {"id": "c1", "type": "coordinator", "label": "Lowri Coordinator"}]
    ties = [{"source": "sam", "target": "jo", "kind": "friend", "start": "2023-01-01",
             "end": "2024-04-01"},
            {"source": "sam", "target": "al", "kind": "neighbour", "start": "2024-03-01",
             "brokered_by": "c1", "reciprocal": "true"},
            {"source": "sam", "target": "choir", "kind": "member", "start": "2023-06-01"},
            {"source": "sam", "target": "c1", "kind": "coordinator", "start": "2023-01-01"},
            {"source": "al", "target": "choir", "kind": "member", "start": "2024-03-05"}]
    path = tmp_path / "data"
    write_folder(Tables.from_records(nodes, ties), path)
    return path


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def table(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_alters_at_a_date(folder):
    result = run("circle", str(folder), "sam", "--at", "2024-06-01")
    assert result.exit_code == 0, result.output
    frame = table(result.stdout)
    assert list(frame.columns) == ["id", "label", "type", "kind", "category", "circle",
                                   "since", "reciprocal", "brokered_by"]
    assert frame["id"].tolist() == ["al", "choir", "c1"]  # circle 3 by label, then circle 4
    al = frame.iloc[0]
    assert (al["label"], al["category"], al["reciprocal"], al["brokered_by"]) == (
        "Al <b>Morgan</b>", "natural", "true", "c1")


def test_since_adds_status_and_gone_alters(folder):
    result = run("circle", str(folder), "sam", "--at", "2024-06-01", "--since", "2024-01-01")
    assert result.exit_code == 0, result.output
    frame = table(result.stdout)
    assert list(frame.columns)[-3:] == ["status", "added", "ended"]
    got = dict(zip(frame["id"], zip(frame["status"], frame["added"], frame["ended"],
                                    strict=True), strict=True))
    assert got == {"al": ("new", "neighbour", ""), "choir": ("kept", "", ""),
                   "c1": ("kept", "", ""), "jo": ("gone", "", "friend")}
    as_json = json.loads(run("circle", str(folder), "sam", "--at", "2024-06-01", "--since",
                             "2024-01-01", "--format", "json").stdout)
    assert [r["status"] for r in as_json] == ["new", "kept", "kept", "gone"]


def test_pictures_and_timeline(folder, tmp_path):
    out = {s: tmp_path / f"sam.{s}" for s in ("svg", "png", "html")}
    timeline = tmp_path / "timeline.csv"
    result = run("circle", str(folder), "sam", "--at", "2024-06-01", "--since", "2024-01-01",
                 "--svg", str(out["svg"]), "--png", str(out["png"]), "--html", str(out["html"]),
                 "--timeline", str(timeline))
    assert result.exit_code == 0, result.output
    assert table(result.stdout)["id"].tolist() == ["al", "choir", "c1", "jo"]  # stdout: the table
    assert out["png"].read_bytes()[:4] == b"\x89PNG"
    svg = out["svg"].read_text(encoding="utf-8")
    assert "Sam Evans" in svg and "&lt;b&gt;Morgan&lt;/b&gt;" in svg
    assert "was 3 on 1 January 2024" in svg
    page = out["html"].read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<b>Morgan" not in page
    steps = table(timeline.read_text(encoding="utf-8"))
    assert steps["date"].tolist() == ["2023-01-01", "2023-06-01", "2024-03-01", "2024-04-01"]
    assert steps["size"].tolist() == ["2", "3", "4", "3"]
    plot = tmp_path / "timeline.png"
    assert run("circle", str(folder), "sam", "--timeline", str(plot)).exit_code == 0
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_pseudonymise_needs_a_key(folder):
    result = run("circle", str(folder), "sam", "--pseudonymise",
                 env={"LACGRAPH_PSEUDONYM_KEY": ""})
    assert result.exit_code == 1
    assert "LACGRAPH_PSEUDONYM_KEY" in result.stderr and "Traceback" not in result.output


def test_pseudonymised_outputs_hold_no_names_or_ids(folder, tmp_path):
    svg, page = tmp_path / "p.svg", tmp_path / "p.html"
    env = {"LACGRAPH_PSEUDONYM_KEY": "a long team secret"}
    result = run("circle", str(folder), "sam", "--at", "2024-06-01", "--since", "2024-01-01",
                 "--pseudonymise", "--svg", str(svg), "--html", str(page), env=env)
    assert result.exit_code == 0, result.output
    frame = table(result.stdout)
    assert "label" not in frame.columns
    assert all(v.startswith("P-") for v in frame["id"])
    assert frame.loc[frame["status"] == "new", "brokered_by"].iloc[0].startswith("P-")
    svg_text = svg.read_text(encoding="utf-8")
    for secret in ("Sam Evans", "Jo Price", "Morgan", "Castle Choir", "Lowri"):
        assert secret not in result.stdout and secret not in svg_text
        assert secret not in page.read_text(encoding="utf-8")
    again = run("circle", str(folder), "sam", "--at", "2024-06-01", "--pseudonymise", env=env)
    other = run("circle", str(folder), "sam", "--at", "2024-06-01", "--pseudonymise",
                env={"LACGRAPH_PSEUDONYM_KEY": "another secret"})
    assert set(table(again.stdout)["id"]) <= set(frame["id"])
    assert not set(table(other.stdout)["id"]) & set(frame["id"])


@pytest.mark.parametrize(("args", "message"), [
    (["nobody"], "nobody"),
    (["sam", "--at", "2024-01-01", "--since", "2024-06-01"], "must be before"),
    (["sam", "--png", "sam.jpg"], "expected a file ending in .png"),
    (["sam", "--timeline", "t.txt"], "expected a file ending in"),
])
def test_mistakes_are_reported_without_traceback(folder, args, message):
    result = run("circle", str(folder), *args)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output


def test_circle_left_the_engine_module():
    from lacgraph.cli import engine

    assert not hasattr(engine, "circle")
