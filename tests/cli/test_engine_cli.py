"""The engine's verbs through the installed ``lacgraph`` command, as a user runs them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import lacgraph
from lacgraph.analysis.measures import MEASURE_COLUMNS
from lacgraph.loaders import write_folder
from lacgraph.synthetic import programme

LACGRAPH = str(Path(sys.executable).with_name("lacgraph"))


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([LACGRAPH, *args], capture_output=True, text=True, timeout=300)
    if check and done.returncode != 0:
        raise AssertionError(f"lacgraph {' '.join(args)} failed:\n{done.stderr}")
    return done


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return write_folder(programme(400, seed=5), tmp_path_factory.mktemp("programme") / "data")


def test_every_verb_has_help():
    for verb in ("load", "metrics", "circle", "demo"):
        out = run(verb, "--help").stdout
        assert "Usage: lacgraph " + verb in out


def test_metrics_csv_columns_and_cells(data):
    out = run("metrics", str(data), "--at", "2024-06-01").stdout
    lines = out.splitlines()
    assert lines[0] == ",".join(MEASURE_COLUMNS)
    table = pd.read_csv(data / "nodes.csv", dtype=str, keep_default_na=False)
    assert len(lines) - 1 == (table["type"] == "person").sum()
    frame = pd.read_csv(pd.io.common.StringIO(out), dtype=str, keep_default_na=False)
    assert set(frame["isolated"]) <= {"true", "false"}
    expected = lacgraph.open(data).metrics(at="2024-06-01")
    small = expected["size"] < 2
    assert (frame.loc[small.to_numpy(), "density"] == "").all()  # empty cell, not nan
    got = frame.loc[~small.to_numpy(), "density"].astype(float).to_numpy()
    np.testing.assert_allclose(got, expected.loc[~small, "density"].to_numpy(), atol=1e-12)


def test_metrics_json_and_xlsx(data, tmp_path):
    records = json.loads(run("metrics", str(data), "--at", "2024-06-01",
                             "--format", "json").stdout)
    assert list(records[0]) == list(MEASURE_COLUMNS)
    assert any(r["density"] is None for r in records)
    book = tmp_path / "m.xlsx"
    run("metrics", str(data), "--at", "2024-06-01", "--format", "xlsx", "--output", str(book))
    sheet = openpyxl.load_workbook(book).active
    assert [c.value for c in sheet[1]] == list(MEASURE_COLUMNS)
    assert sheet.max_row - 1 == len(records)
    assert all(isinstance(sheet.cell(row=r, column=1).value, str) for r in range(2, 20))


def test_load_is_idempotent_and_store_answers_like_the_folder(data, tmp_path):
    store = tmp_path / "p.sqlite"
    first = run("load", str(data), "--store", str(store)).stdout
    assert "unchanged" in first and " 0 added" not in first.split(";")[0]
    again = run("load", str(data), "--store", str(store)).stdout
    assert "nodes 0 added, 0 changed" in again and "ties 0 added, 0 changed" in again
    from_store = run("metrics", str(store), "--at", "2024-06-01").stdout
    from_folder = run("metrics", str(data), "--at", "2024-06-01").stdout
    assert from_store == from_folder


def test_rejected_load_changes_nothing_and_reports_every_row(data, tmp_path):
    store = tmp_path / "p.sqlite"
    run("load", str(data), "--store", str(store))
    before = run("metrics", str(store), "--at", "2024-06-01").stdout
    bad = tmp_path / "bad"
    shutil.copytree(data, bad)
    ties = (bad / "ties.csv").read_text(encoding="utf-8").splitlines()
    ties[3] = ties[3].replace(ties[3].split(",")[2], "cousin", 1)
    ties.append("p000000,nobody,friend,2024-01-01,,,,")
    ties.append("p000000,p000001,friend,2024-02-30,,,,")
    (bad / "ties.csv").write_text("\n".join(ties) + "\n", encoding="utf-8")
    done = run("load", str(bad), "--store", str(store), check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "ties.csv line 4, column kind: 'cousin'" in done.stderr
    assert f"ties.csv line {len(ties) - 1}, column target: 'nobody'" in done.stderr
    assert f"ties.csv line {len(ties)}, column start: '2024-02-30'" in done.stderr
    assert run("metrics", str(store), "--at", "2024-06-01").stdout == before


@pytest.mark.parametrize("args, message", [
    (["metrics", "no/such/folder"], "no such data folder"),
    (["metrics", "{data}", "--at", "2024-31-01"], "Invalid value for '--at'"),
    (["circle", "{data}", "nobody-here"], "nobody-here"),
    (["metrics", "{data}", "--format", "xlsx"], "needs --output"),
])
def test_user_mistakes_never_show_a_traceback(data, args, message):
    done = run(*[a.format(data=data) for a in args], check=False)
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_circle_verb(data):
    G = lacgraph.open(data)
    M = G.metrics(at="2024-06-01")
    person = M.sort_values("size").iloc[-1]["id"]
    out = run("circle", str(data), person, "--at", "2024-06-01").stdout
    frame = pd.read_csv(pd.io.common.StringIO(out), dtype=str, keep_default_na=False)
    assert len(frame) == M.set_index("id").loc[person, "size"]
    assert set(frame["category"]) <= {"natural", "community", "paid"}
    assert set(frame["circle"]) <= {"1", "2", "3", "4"}


def test_demo_writes_a_report(tmp_path):
    done = run("demo", "--out", str(tmp_path / "report"), "--people", "300")
    assert f"Report written to {(tmp_path / 'report').resolve()}" in done.stdout
    metrics = pd.read_csv(tmp_path / "report" / "metrics.csv", dtype=str, keep_default_na=False)
    assert list(metrics.columns) == list(MEASURE_COLUMNS)
    pictures = list((tmp_path / "report").glob("circle-*.png"))
    assert pictures and all(p.stat().st_size > 10_000 for p in pictures)
    council = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert council.startswith("<!doctype html>") and 'data-key="cohort.n"' in council
