"""The subject-access export in Welsh: chosen with --lang, or the person's own language."""

from __future__ import annotations

import re

from click.testing import CliRunner

from lacgraph.cli import cli
from lacgraph.loaders import write_folder
from lacgraph.tables import Tables


def programme(language: str) -> Tables:
    nodes = [{"id": "c1", "type": "coordinator", "label": "Dafydd"},
             {"id": "ann", "type": "person", "label": "Ann", "coordinator": "c1",
              "supported": True, "introduced_on": "2024-01-01", "language": language},
             {"id": "bob", "type": "person", "label": "Bob"}]
    ties = [{"source": "ann", "target": "bob", "kind": "friend", "start": "2024-02-01",
             "end": "2024-08-01", "brokered_by": "c1"}]
    return Tables.from_records(nodes, ties)


def export(tmp_path, language: str, *extra: str) -> str:
    data = tmp_path / f"data-{language or 'none'}"
    write_folder(programme(language), data)
    out = tmp_path / f"sar-{language or 'none'}-{'-'.join(extra) or 'default'}" / "ann.json"
    result = CliRunner().invoke(cli, ["export-person", str(data), "ann", "--output", str(out),
                                      *extra])
    assert result.exit_code == 0, result.output
    return out.with_suffix(".html").read_text(encoding="utf-8")


def test_welsh_export_when_asked(tmp_path):
    html = export(tmp_path, "", "--lang", "cy")
    assert '<html lang="cy">' in html
    assert "Gwybodaeth a gedwir am Ann" in html and "Cysylltiadau" in html
    assert "1 Chwefror 2024" in html and "1 Awst 2024" in html
    assert "ffrind (naturiol)" in html
    assert not re.search(r"\b(Connections|Information held|February|August)\b", html)


def test_the_persons_own_language_is_the_default(tmp_path):
    assert '<html lang="cy">' in export(tmp_path, "cy")
    assert '<html lang="en-GB">' in export(tmp_path, "en")
    assert '<html lang="en-GB">' in export(tmp_path, "cy", "--lang", "en")
    assert "Information held about Ann" in export(tmp_path, "")


def test_an_unknown_language_is_refused_at_load_naming_the_cell(tmp_path):
    data = tmp_path / "data"
    write_folder(programme("Welsh"), data)
    result = CliRunner().invoke(cli, ["load", str(data), "--store", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 1
    assert "nodes.csv line 3, column language: 'Welsh': unknown language" in result.output
    assert "expected cy (Cymraeg) or en (English), or empty" in result.output
