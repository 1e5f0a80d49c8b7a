"""User mistakes give one line, never a traceback; no side effects (issue 12, item 10)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lacgraph.cli import cli
from lacgraph.loaders import write_folder
from lacgraph.synthetic import programme

LACGRAPH = str(Path(sys.executable).with_name("lacgraph"))


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return write_folder(programme(60, seed=3), tmp_path_factory.mktemp("p") / "data")


def test_serve_on_a_port_in_use_is_one_line(data, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([LACGRAPH, "serve", str(data), "--port", str(port),
                               "--app-db", str(tmp_path / "app.sqlite")],
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    error = [line for line in done.stderr.splitlines() if line.startswith("Error")]
    assert error == [f"Error: Cannot listen on 127.0.0.1:{port}: Address already in use "
                     "(is another server running there? choose another --port)"]


@pytest.mark.parametrize("verb", [["audit"], ["users", "list"], ["users", "remove", "x"]])
def test_reading_accounts_or_the_audit_log_creates_no_app_database(data, verb):
    result = CliRunner().invoke(cli, [*verb, "--source", str(data)])
    assert result.exit_code == 2
    assert "No app database at" in result.output
    assert not data.with_name("data.app.sqlite").exists()


def test_every_output_in_a_missing_folder_is_created(data, tmp_path):
    import lacgraph

    with lacgraph.open(data) as G:
        person = G.metrics().sort_values("size")["id"].iloc[-1]
    out = tmp_path / "a" / "b"
    result = CliRunner().invoke(cli, [
        "circle", str(data), person, "-o", str(out / "t.csv"), "--png", str(out / "p" / "c.png"),
        "--svg", str(out / "s" / "c.svg"), "--html", str(out / "h" / "c.html"),
        "--timeline", str(out / "t" / "t.csv")])
    assert result.exit_code == 0, result.output
    for name in ("t.csv", "p/c.png", "s/c.svg", "h/c.html", "t/t.csv"):
        assert (out / name).stat().st_size > 0, name
    result = CliRunner().invoke(cli, ["clusters", str(data), "--picture",
                                      str(tmp_path / "x" / "y.png")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x" / "y.png").exists()


def test_an_output_folder_that_cannot_be_made_is_one_line(data, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = CliRunner().invoke(cli, ["metrics", str(data), "-o", str(blocker / "m.csv")])
    assert result.exit_code == 2
    assert "cannot create the folder" in result.output
    assert "Traceback" not in result.output
