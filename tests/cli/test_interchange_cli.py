"""lacgraph import-nc and lacgraph export, run as a user runs them."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from lacgraph.cli import cli
from lacgraph.loaders import read_folder

DATA = Path(__file__).resolve().parents[1] / "data" / "netcanvas"


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A Network Canvas study imported with the fixture mapping."""
    out = tmp_path / "study"
    result = run("import-nc", str(DATA / "interviewer_graphml"), "--output", str(out),
                 "--mapping", str(DATA / "mapping.toml"))
    assert result.exit_code == 0, result.output
    assert "13 nodes" not in result.output and "2 interviewed people" in result.output
    return out


def test_import_without_a_mapping_from_a_zip(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in (DATA / "fresco_csv").iterdir():
            out.write(file, file.name)
    result = run("import-nc", str(archive), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "11 nodes (2 interviewed people, 4 interviews), 13 ties" in result.output
    assert read_folder(tmp_path / "out").ties.equals(read_folder(DATA / "expected_default").ties)


def test_growth_between_interview_rounds(study):
    result = run("growth", str(study), "--from", "2024-01-12", "--to", "2024-07-15")
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(pd.io.common.StringIO(result.stdout), dtype=str).set_index("id")
    # P001: Sam (neighbour) ended, Priya (family) formed: still 3; P002: Ali ended, Cat and
    # Dan formed: 3 -> 4
    assert rows.loc["P001", ["change", "ties_formed", "ties_ended"]].tolist() == ["0", "1", "1"]
    assert rows.loc["P002", ["change", "ties_formed", "ties_ended"]].tolist() == ["1", "2", "1"]
    summary = json.loads(run("growth", str(study), "--from", "2024-01-12", "--to", "2024-07-15",
                             "--summary", "--no-suppress").stdout)
    assert (summary["n"], summary["mean_change"], summary["share_grew"]) == (2, 0.5, 0.5)
    # retention is asked 182 days after each new tie; with --as-of a year on it is due
    summary = json.loads(run("growth", str(study), "--from", "2024-01-12", "--to", "2024-07-15",
                             "--summary", "--no-suppress", "--as-of", "2025-07-15").stdout)
    assert (summary["retention"], summary["retention_n"]) == (1.0, 3)


def test_import_errors_are_one_report_and_nothing_is_written(tmp_path):
    export = Path(shutil.copytree(DATA / "fresco_csv", tmp_path / "export"))
    person = export / "P002_s2a-0003_attributeList_Person.csv"
    person.write_bytes(person.read_bytes().replace(b"e2a-0003,n2a2", b"e2a-0003"))
    mapping = tmp_path / "m.toml"
    mapping.write_text('[nodes.Person]\nkind = "cousin"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = run("import-nc", str(export), "-o", str(out), "--mapping", str(mapping))
    assert result.exit_code == 1
    assert "m.toml column nodes.Person.kind: 'cousin': unknown tie kind" in result.output
    assert "Traceback" not in result.output and not out.exists()
    result = run("import-nc", str(export), "-o", str(out))
    assert result.exit_code == 1
    assert "P002_s2a-0003_attributeList_Person.csv line 3: '': 10 fields; expected 11" in \
        result.output
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "egor"])
def test_export_each_format(study, tmp_path, fmt):
    out = tmp_path / f"net.{fmt}"
    result = run("export", str(study), "--format", fmt, "--output", str(out), "--at",
                 "2024-07-15")
    assert result.exit_code == 0, result.output
    if fmt == "graphml":
        assert "at 2024-07-15" in result.output
        assert set(nx.read_graphml(out)["P002"]) == {"P002/1", "P002/2", "P002/4", "P002/5"}
    elif fmt == "gexf":
        assert nx.read_gexf(out).graph["mode"] == "dynamic"
    else:
        assert sorted(p.name for p in out.iterdir()) == ["aaties.csv", "alters.csv", "egos.csv"]


def test_export_pseudonymised_and_suppressed(study, tmp_path):
    out = tmp_path / "egor"
    result = run("export", str(study), "--format", "egor", "-o", str(out), "--pseudonymise",
                 "--suppress", env={"LACGRAPH_PSEUDONYM_KEY": "a long team secret"})
    assert result.exit_code == 0, result.output
    text = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    for secret in ("P001", "Priya", "Townhill", "lac1"):
        assert secret not in text
    egos = pd.read_csv(out / "egos.csv", dtype=str, keep_default_na=False)
    assert egos["egoID"].str.startswith("P-").all() and set(egos["neighbourhood"]) == {"*"}
    result = run("export", str(study), "--format", "egor", "-o", str(out), "--pseudonymise",
                 env={"LACGRAPH_PSEUDONYM_KEY": ""})
    assert result.exit_code == 1 and "LACGRAPH_PSEUDONYM_KEY" in result.output


def test_help_for_both_verbs():
    for verb in ("import-nc", "export"):
        result = run(verb, "--help")
        assert result.exit_code == 0 and "Usage" in result.output


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "netcanvas-study"


def test_import_lists_every_notice_and_the_matching_counts(tmp_path):
    out = tmp_path / "study"
    result = run("import-nc", str(EXAMPLE / "export"), "-o", str(out), "--mapping",
                 str(EXAMPLE / "mapping.toml"))
    assert result.exit_code == 0, result.output
    assert "5 matched exactly, 3 by name key" in result.output
    assert "1 possible matches await review" in result.output
    assert result.output.count("an edge from a node to itself") == 4
    assert "read from GraphML" in result.output and "2 protocols in the export" in result.output


def test_bad_decisions_are_a_report_not_a_traceback(tmp_path):
    decided = tmp_path / "matches.csv"
    decided.write_text("ego,wave,name,earlier_name,score,decision\n"
                       "LAC networks:P002,2,Kathryn Jones,Catherine Jones,78.6,yes\n",
                       encoding="utf-8")
    out = tmp_path / "study"
    result = run("import-nc", str(EXAMPLE / "export"), "-o", str(out), "--mapping",
                 str(EXAMPLE / "mapping.toml"), "--matches", str(decided))
    assert result.exit_code == 1
    assert "matches.csv line 2, column decision: 'yes'" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_a_damaged_zip_is_one_line_not_a_traceback(tmp_path):
    archive = tmp_path / "export.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    result = run("import-nc", str(archive), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "export.zip: '': not a readable .zip file" in result.output
    assert "Traceback" not in result.output
