"""Messages in the user's terms (issue 27, Progress and messages): a short password or a
missing folder is not "fix the rows above"; the audit shows no ``'-`` for a page seen before
login; a wide workbook loads without pandas warnings; a Windows-1252 CSV says what to do in
Excel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from lacgraph.audit import AuditLog
from lacgraph.cli import cli

LACGRAPH = str(Path(sys.executable).with_name("lacgraph"))


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_a_short_password_is_not_about_rows(tmp_path: Path) -> None:
    done = run("users", "add", "ann", "--role", "admin", "--password-stdin", "--app-db",
               str(tmp_path / "app.sqlite"), input="short\n")
    assert done.exit_code == 1
    assert "expected at least 12 characters" in done.output
    assert "rows above" not in done.output and "Nothing was loaded" not in done.output
    assert done.output.rstrip().endswith(
        "Nothing was changed: correct what is named above and run the command again.")


def test_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    done = run("metrics", str(tmp_path / "missing"))
    assert done.exit_code == 1
    assert "no such data folder" in done.output and "rows above" not in done.output
    assert len(done.output.strip().splitlines()) == 1


def test_a_windows_1252_csv_says_how_to_save_it_from_excel(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "nodes.csv").write_bytes("id,type,label\np1,person,Renée\n".encode("cp1252"))
    (folder / "ties.csv").write_text("source,target,kind,start\n", encoding="utf-8")
    done = run("metrics", str(folder))
    assert done.exit_code == 1
    assert "nodes.csv line 2: 'Renée': the file is not saved as UTF-8" in done.output
    assert "'é' in Windows-1252" in done.output and '"CSV UTF-8 (Comma delimited)' in done.output
    assert "\\xe9" not in done.output
    assert "Nothing was loaded: fix the row above" in done.output


def test_audit_shows_an_empty_actor_as_empty(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "app.sqlite")
    log.audit("-", "-", "http.404", "/people/p9", "")
    log.audit("ann", "admin", "view.accounts", "", "")
    log.close()
    done = run("audit", "--app-db", str(tmp_path / "app.sqlite"), "--format", "csv")
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert "'-" not in done.output
    assert lines[1].split(",")[2:5] == ["", "", "http.404"]
    assert lines[2].split(",")[2:5] == ["ann", "admin", "view.accounts"]


def test_a_wide_workbook_loads_without_pandas_warnings(tmp_path: Path) -> None:
    nodes = pd.DataFrame({"id": [f"p{i}" for i in range(40)], "type": "person"})
    nodes = pd.concat([nodes, pd.DataFrame({f"x{c}": [str(c)] * 40 for c in range(150)})],
                      axis=1)
    ties = pd.DataFrame({"source": ["p0"], "target": ["p1"], "kind": ["friend"],
                         "start": ["2024-01-01"]})
    book = tmp_path / "wide.xlsx"
    with pd.ExcelWriter(book) as writer:
        nodes.to_excel(writer, sheet_name="nodes", index=False)
        ties.to_excel(writer, sheet_name="ties", index=False)
    done = subprocess.run([LACGRAPH, "load", str(book), "--store", str(tmp_path / "s.sqlite")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr
    assert "nodes 40 added" in done.stdout + done.stderr


def test_long_steps_say_what_they_do_at_a_terminal(tmp_path: Path) -> None:
    """At a terminal (a pseudo-terminal made by script(1)), the report and its PDF each
    say what is happening before the seconds they take."""
    import shlex
    import shutil

    from lacgraph.stores import MemoryStore
    from lacgraph.synthetic import programme

    script = shutil.which("script")
    assert script, "script(1) (util-linux) is needed to give the command a terminal"
    with MemoryStore(tmp_path / "p.sqlite") as store:
        store.write(programme(300, seed=5))
    command = " ".join(shlex.quote(a) for a in (
        LACGRAPH, "report", str(tmp_path / "p.sqlite"), "-o", str(tmp_path / "r.html"),
        "--pdf", str(tmp_path / "r.pdf")))
    done = subprocess.run([script, "-qec", command, "/dev/null"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout
    said = done.stdout.replace("\r", "")
    assert said.index("Writing the report...") < said.index("Wrote the report to")
    assert said.index("Printing the PDF with Chromium") < said.index("Printed it to")
