"""Two alters of one interview with the same id: one clear problem, never a traceback
(issue 24). ``lacgraph import-nc`` is run as installed, as a user runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "netcanvas"
LACGRAPH = str(Path(sys.executable).with_name("lacgraph"))
PERSON = "P001_s1a-0001_attributeList_Person.csv"


def import_nc(export: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LACGRAPH, "import-nc", str(export), "-o", str(out)],
                          capture_output=True, text=True, timeout=300)


def refused(done: subprocess.CompletedProcess[str], out: Path) -> list[str]:
    """The problems of a refused import (exit code 1, as other input errors)."""
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stdout + done.stderr
    assert not out.exists()
    lines = done.stderr.splitlines()
    assert lines[0] == "1 problem in the input:"
    assert lines[-1] == "Nothing was loaded: fix the row above and run the command again."
    return [line.strip() for line in lines if line.startswith("  ")]


def test_a_repeated_uuid_in_a_csv_export_is_one_clear_problem(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(DATA / "fresco_csv", export)
    person = export / PERSON
    lines = person.read_text(encoding="utf-8").splitlines()
    # Jo's row (line 2) again as line 4, with a nodeID of its own
    person.write_text("\n".join([*lines, "4," + lines[1].split(",", 1)[1]]) + "\n",
                      encoding="utf-8")
    out = tmp_path / "out"
    problems = refused(import_nc(export, out), out)
    assert problems == [
        f"{PERSON} line 4, column networkCanvasUUID: 'n1a1': the alter at {PERSON} line 2 "
        "in the same interview has this networkCanvasUUID too; expected each alter of an "
        "interview to have its own networkCanvasUUID"]


def test_a_repeated_node_id_across_types_in_a_csv_export_names_both_files(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(DATA / "interviewer_csv", export)
    venue = export / "P001_s1a-0001_attributeList_Venue.csv"
    # the Venue's nodeID 3 becomes 1, Jo's nodeID in the Person file
    venue.write_text(venue.read_text(encoding="utf-8").replace("\n3,", "\n1,"),
                     encoding="utf-8")
    out = tmp_path / "out"
    problems = refused(import_nc(export, out), out)
    assert problems == [
        "P001_s1a-0001_attributeList_Venue.csv line 2, column nodeID: '1': the alter at "
        f"{PERSON} line 2 in the same interview has this nodeID too; expected each alter of "
        "an interview to have its own nodeID"]


def test_a_repeated_uuid_in_a_graphml_export_names_both_nodes(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(DATA / "fresco_graphml", export)
    graphml = export / "P001_s1a-0001.graphml"
    text = graphml.read_text(encoding="utf-8")
    # one line per element, so the problem's lines tell the nodes apart; the Venue
    # (node 3, in no edge) given Jo's (node 1's) networkCanvasUUID
    text = text.replace("<node ", "\n<node ").replace(
        '<data key="networkCanvasUUID">n1a3</data>', '<data key="networkCanvasUUID">n1a1</data>')
    graphml.write_text(text, encoding="utf-8")
    first = text[:text.index('<node id="1">')].count("\n") + 1
    second = text[:text.index('<node id="3">')].count("\n") + 1
    out = tmp_path / "out"
    problems = refused(import_nc(export, out), out)
    name = "P001_s1a-0001.graphml"
    assert problems == [
        f"{name} line {second}, column networkCanvasUUID: 'n1a1': <node id=\"3\">: the alter "
        f"at {name} line {first} (<node id=\"1\">) in the same interview has this "
        "networkCanvasUUID too; expected each alter of an interview to have its own "
        "networkCanvasUUID"]
