"""Every CSV the CLI writes for people is formula-safe by default; ``--raw`` is exact.

Data with hostile ids, labels and neighbourhood names goes through each verb
(metrics, circle, clusters, neighbourhoods, assets, communities, growth, audit,
users list); no text cell of the output may start a formula in a spreadsheet.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from lacgraph.cli import cli
from lacgraph.loaders import write_folder
from lacgraph.output import formula_safe
from lacgraph.tables import Tables

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+p2", " @p3", "\uff1dp4", "x\u2028=1+1", "-p6"]
# (ids hold no control character, so the multi-line id breaks its line with U+2028)


def _risky(text: str) -> bool:
    return formula_safe(text) != text


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    people = [{"id": pid, "type": "person", "label": pid, "neighbourhood": "=ward",
               "supported": True, "introduced_on": "2024-01-01", "coordinator": "-c1"}
              for pid in HOSTILE]
    nodes = people + [{"id": "@g1", "type": "group", "label": "=group", "neighbourhood": "=ward"},
                      {"id": "-c1", "type": "coordinator", "label": "+coord"}]
    ties = ([{"source": HOSTILE[0], "target": HOSTILE[1], "kind": "friend",
              "start": "2024-02-01"},
             {"source": HOSTILE[2], "target": HOSTILE[3], "kind": "friend",
              "start": "2023-02-01"},
             {"source": HOSTILE[4], "target": "@g1", "kind": "member", "start": "2024-03-01",
              "brokered_by": "-c1"},
             {"source": HOSTILE[5], "target": HOSTILE[4], "kind": "neighbour",
              "start": "2024-03-01"}]
            + [{"source": p, "target": "-c1", "kind": "coordinator", "start": "2024-01-01"}
               for p in HOSTILE])
    return write_folder(Tables.from_records(nodes, ties),
                        tmp_path_factory.mktemp("hostile") / "data")


@pytest.fixture(scope="module")
def app_db(tmp_path_factory) -> Path:
    from lacgraph.web import AppDB

    path = tmp_path_factory.mktemp("app") / "app.sqlite"
    db = AppDB(path)
    db.add_user("max", "manager", "a long enough password 1", teams=["=cmd|' /C calc'!A0"])
    db.audit("=HYPERLINK(\"http://evil\")", "", "login.failed", "@x", "\uff0bdetail")
    db.close()
    return path


def _csv(args: list[str]) -> tuple[pd.DataFrame, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = result.stdout
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False), text


def _verbs(data: Path, app_db: Path) -> dict[str, list[str]]:
    d = str(data)
    return {
        "metrics": ["metrics", d],
        "circle": ["circle", d, HOSTILE[4]],
        "clusters": ["clusters", d, "--at", "2024-02-15"],
        "clusters --people": ["clusters", d, "--people"],
        "neighbourhoods": ["neighbourhoods", d],
        "assets": ["assets", d],
        "communities": ["communities", d],
        "growth": ["growth", d, "--from", "2024-01-01", "--to", "2024-06-01"],
        "audit": ["audit", "--app-db", str(app_db)],
        "users list": ["users", "list", "--app-db", str(app_db)],
    }


def test_every_cli_csv_is_formula_safe_by_default_and_exact_with_raw(data, app_db):
    for name, args in _verbs(data, app_db).items():
        safe, _ = _csv(args)
        raw, _ = _csv([*args, "--raw"])
        cells = [v for col in safe.columns for v in safe[col]]
        raw_cells = [v for col in raw.columns for v in raw[col]]
        assert not [c for c in cells if _risky(c)], name
        # every hostile value reached the output; --raw keeps it exact
        assert any(_risky(c) for c in raw_cells), f"{name}: the test data reached no cell"
        assert [formula_safe(c) for c in raw_cells] == cells, name


def test_numbers_stay_numbers(data):
    safe, _ = _csv(["growth", str(data), "--from", "2024-01-01", "--to", "2024-06-01"])
    assert safe["change"].str.match(r"^-?\d+$").all()  # a negative number is not text
    assert not safe["change"].str.startswith("'").any()


def test_output_file_is_formula_safe_and_its_folder_is_created(data, tmp_path):
    out = tmp_path / "new" / "folder" / "m.csv"
    result = CliRunner().invoke(cli, ["metrics", str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert frame["id"].map(_risky).sum() == 0
    assert "'=HYPERLINK(\"http://x\",\"y\")" in frame["id"].tolist()
