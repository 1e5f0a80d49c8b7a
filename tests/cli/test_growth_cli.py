"""``lacgraph growth`` through the installed command, as an evaluator runs it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import lacgraph
from lacgraph.analysis.growth import PEOPLE_COLUMNS, SUMMARY_KEYS, growth
from lacgraph.loaders import write_folder
from lacgraph.privacy import Pseudonymiser, suppress
from lacgraph.synthetic import programme
from lacgraph.tables import Tables, nodes_to_text, ties_to_text

LACGRAPH = str(Path(sys.executable).with_name("lacgraph"))
KEY = "a test key, not a real one"


def run(*args: str, check: bool = True, env: dict | None = None
        ) -> subprocess.CompletedProcess[str]:
    import os

    done = subprocess.run([LACGRAPH, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})
    if check and done.returncode != 0:
        raise AssertionError(f"lacgraph {' '.join(args)} failed:\n{done.stderr}")
    return done


def text_csv(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    T = programme(400, seed=5)
    nodes = nodes_to_text(T.nodes)
    nodes["age_band"] = ["65+" if i % 3 == 0 else "18-64" for i in range(len(nodes))]
    T = Tables.from_records(nodes.to_dict("records"), ties_to_text(T.ties).to_dict("records"))
    return write_folder(T, tmp_path_factory.mktemp("programme") / "data")


@pytest.fixture(scope="module")
def risky(tmp_path_factory) -> Path:
    """Ids that a spreadsheet would mangle: leading zeros, formulas."""
    node = {"type": "person", "supported": "true", "introduced_on": "2024-01-01"}
    T = Tables.from_records(
        nodes=[{**node, "id": "007"}, {**node, "id": "=HYPERLINK(\"http://x\")"},
               {**node, "id": "+44123"}, {"id": "@friend", "type": "person"},
               {"id": "-pal", "type": "person"}],
        ties=[{"source": "007", "target": "@friend", "kind": "friend", "start": "2024-02-01"},
              {"source": "+44123", "target": "-pal", "kind": "friend", "start": "2024-03-01"}])
    return write_folder(T, tmp_path_factory.mktemp("risky") / "data")


def test_help():
    out = run("growth", "--help").stdout
    for option in ("--from", "--to", "--months", "--as-of", "--summary", "--by", "--waves",
                   "--pseudonymise", "--plots", "--format", "--output"):
        assert option in out


def test_rows_match_the_python_api(data):
    out = text_csv(run("growth", str(data), "--from", "2022-06-01", "--to", "2023-06-01").stdout)
    assert list(out.columns) == list(PEOPLE_COLUMNS)
    want = growth(lacgraph.open(data), start="2022-06-01", end="2023-06-01").people
    assert out["id"].tolist() == want["id"].tolist()
    assert out["change"].astype(int).tolist() == want["change"].tolist()
    assert out["ties_formed"].astype(int).tolist() == want["ties_formed"].tolist()


def test_personal_window_reports_people_not_yet_due(data):
    done = run("growth", str(data), "--months", "6")
    g = growth(lacgraph.open(data), months=6)
    assert g.not_yet_due > 0
    assert f"{g.not_yet_due} supported people not yet due" in done.stderr
    assert len(text_csv(done.stdout)) == len(g.people)


def test_summary_json_suppresses_group_counts(data):
    # issue 28: the suppressed summary is the one disclosure rule applied to the exact summary
    # at the month end on or before the data's last date (the web and the report use it too)
    from lacgraph.disclosure import disclose_summary, month_end_on_or_before

    done = run("growth", str(data), "--months", "6", "--summary", "--by", "age_band")
    s = json.loads(done.stdout)
    G = lacgraph.open(data)
    as_of = month_end_on_or_before(str(G.last_date)[:10])
    exact = growth(G, months=6, as_of=str(as_of)).summary(by="age_band")
    assert [k for k in SUMMARY_KEYS if k not in s] == []
    assert s == json.loads(json.dumps(disclose_summary(exact)))
    assert sorted(s["by"]) == ["age_band", "coordinator", "neighbourhood"]
    for col, rows in exact["by"].items():
        for shown, row in zip(s["by"][col], rows, strict=True):
            for key in ("n", "not_yet_due", "retention_n"):
                assert shown[key] == suppress(row[key])
            if row["n"] < 20:
                assert shown["mean_change"] in ("*", None)
    if str(as_of) != str(G.last_date)[:10]:
        assert "taken back to the month end" in done.stderr
    plain = json.loads(run("growth", str(data), "--months", "6", "--summary",
                           "--no-suppress").stdout)
    unrounded = growth(G, months=6).summary(by="age_band")
    assert plain["by"]["neighbourhood"] == json.loads(json.dumps(
        unrounded["by"]["neighbourhood"]))


def test_pseudonymised_rows_and_summary(data):
    env = {"LACGRAPH_PSEUDONYM_KEY": KEY}
    p = Pseudonymiser(KEY)
    out = text_csv(run("growth", str(data), "--months", "6", "--pseudonymise", env=env).stdout)
    g = growth(lacgraph.open(data), months=6)
    assert out["id"].tolist() == [p(i) for i in g.people["id"]]
    s = json.loads(run("growth", str(data), "--months", "6", "--summary", "--pseudonymise",
                       env=env).stdout)
    assert {r["coordinator"] for r in s["by"]["coordinator"]} == {
        p(r["coordinator"]) for r in g.summary()["by"]["coordinator"]}
    W = text_csv(run("growth", str(data), "--waves", "0,6", "--pseudonymise", env=env).stdout)
    assert all(i.startswith("P-") for i in W["id"]) and all(
        c.startswith("P-") for c in W["coordinator"] if c)
    missing = run("growth", str(data), "--months", "6", "--pseudonymise", check=False,
                  env={"LACGRAPH_PSEUDONYM_KEY": ""})
    assert missing.returncode == 1 and "LACGRAPH_PSEUDONYM_KEY" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_excel_keeps_ids_as_text_and_escapes_formulas(risky, tmp_path):
    path = tmp_path / "growth.xlsx"
    run("growth", str(risky), "--from", "2024-01-01", "--to", "2024-06-01", "--format", "xlsx",
        "--output", str(path))
    sheet = openpyxl.load_workbook(path).active
    ids = {cell.value: cell for (cell,) in sheet.iter_rows(min_row=2, max_col=1)}
    assert set(ids) == {"007", "=HYPERLINK(\"http://x\")", "+44123"}
    assert all(cell.data_type == "s" for cell in ids.values())
    assert ids["=HYPERLINK(\"http://x\")"].quotePrefix and ids["+44123"].quotePrefix
    assert not ids["007"].quotePrefix


def test_waves_long_format_and_summary(data):
    W = text_csv(run("growth", str(data), "--waves", "0,6,12").stdout)
    assert set(W["wave"]) == {"0", "6", "12"}
    assert not W.duplicated(["id", "wave"]).any()
    assert list(W.columns[:6]) == ["id", "neighbourhood", "coordinator", "wave", "date",
                                   "natural_community"]
    s = json.loads(run("growth", str(data), "--months", "6", "--summary", "--waves",
                       "0,6,12").stdout)
    assert [w["wave"] for w in s["waves"]] == [6, 12]
    # balanced (the default): the same people at every wave, fewer than at 6 months
    assert s["waves"][0]["n"] == s["waves"][1]["n"] < s["n"]
    assert {w["view"] for w in s["waves"]} == {"balanced"}
    u = json.loads(run("growth", str(data), "--months", "6", "--summary", "--waves",
                       "0,6,12", "--unbalanced").stdout)
    assert {w["view"] for w in u["waves"]} == {"unbalanced"}
    assert u["waves"][0]["n"] == u["n"]  # wave 6 vs 0 is the 6-month personal window
    assert u["waves"][0]["mean_change"] == pytest.approx(u["mean_change"])


def test_plots_are_written_small(data, tmp_path):
    run("growth", str(data), "--months", "6", "--waves", "0,6,12", "--plots", str(tmp_path))
    for name in ("change.png", "waves.png", "retention.png", "shift.png", "categories.png"):
        path = tmp_path / name
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size < 150_000


@pytest.mark.parametrize("args,message", [
    ((), "Give a window"),
    (("--from", "2024-01-01"), "needs both --from and --to"),
    (("--from", "2024-01-01", "--to", "2023-01-01"), "must be before"),
    (("--months", "6", "--from", "2024-01-01", "--to", "2024-06-01"), "not both"),
    (("--months", "6", "--summary", "--by", "shoe_size"), "not a node attribute"),
    (("--waves", "0,six"), "separated by commas"),
])
def test_mistakes_are_messages_not_tracebacks(data, args, message):
    done = run("growth", str(data), *args, check=False)
    assert done.returncode in (1, 2)
    assert message in done.stderr and "Traceback" not in done.stderr


def test_observed_follow_up_through_the_command(tmp_path):
    from tests.unit.test_observations import observed_network

    folder = write_folder(observed_network(), tmp_path / "data")
    s = json.loads(run("growth", str(folder), "--months", "6", "--summary", "--no-suppress",
                       "--as-of", "2025-03-01").stdout)
    assert (s["mode"], s["follow_up_days"], s["n"], s["n_observed"], s["n_missing"],
            s["n_left"]) == ("observed", 45, 6, 1, 3, 2)
    assert [k for k in SUMMARY_KEYS if k not in s] == []
    wider = json.loads(run("growth", str(folder), "--months", "6", "--summary",
                           "--no-suppress", "--as-of", "2025-03-01", "--follow-up-days",
                           "60").stdout)
    assert wider["follow_up_days"] == 60 and wider["n_observed"] == 3
    rows = run("growth", str(folder), "--months", "6", "--as-of", "2025-03-01")
    assert text_csv(rows.stdout)["mode"].tolist() == ["observed"]
    assert "Mode: observed" in rows.stderr and "3 missing at follow-up" in rows.stderr
    assumed = json.loads(run("growth", str(folder), "--months", "6", "--summary",
                             "--as-of", "2025-03-01", "--mode", "assumed").stdout)
    assert assumed["mode"] == "assumed" and assumed["n_observed"] is None
    bad = run("growth", str(folder), "--months", "6", "--follow-up-days", "-1", check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
