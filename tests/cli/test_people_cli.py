"""``lacgraph people --search`` and finding the person for ``circle`` by name; a terminal
gets a readable table, a pipe gets CSV; dates before the data are named as such."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.cli.test_circle_cli import folder, run, table  # noqa: F401  (fixture)

LACGRAPH = str(Path(sys.executable).parent / "lacgraph")


def test_search_by_part_of_a_name_or_an_id(folder):  # noqa: F811
    result = run("people", str(folder), "--search", "PRICE")
    assert result.exit_code == 0, result.output
    frame = table(result.stdout)
    assert frame["id"].tolist() == ["jo"] and frame["label"].tolist() == ["Jo Price"]
    assert table(run("people", str(folder), "--search", "sa").stdout)["id"].tolist() == ["sam"]
    everyone = table(run("people", str(folder), "--search", "o", "--all-types").stdout)
    assert set(everyone["id"]) == {"jo", "al", "choir", "c1"}  # "Al <b>Morgan</b>" too
    result = run("people", str(folder), "--search", "nobody")
    assert result.exit_code == 0 and "No one matches 'nobody'" in result.stderr


def test_circle_takes_a_unique_name_and_suggests_close_matches(folder):  # noqa: F811
    by_name = run("circle", str(folder), "sam evans", "--at", "2024-06-01")
    by_id = run("circle", str(folder), "sam", "--at", "2024-06-01")
    assert by_name.exit_code == 0 and by_name.stdout == by_id.stdout
    result = invoke(folder, "circle", "samm")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "Did you mean: sam (Sam Evans)" in result.stderr
    result = invoke(folder, "circle", "Jo Pryce")
    assert "Did you mean: jo (Jo Price)" in result.stderr


def test_a_date_before_the_data_is_named(folder):  # noqa: F811
    result = invoke(folder, "circle", "sam", "--at", "2020-05-01")
    assert result.returncode != 0
    assert "--at 2020-05-01 is outside the data: no data before 2023-01-01" in result.stderr
    result = invoke(folder, "circle", "sam", "--since", "2019-01-01")
    assert "no data before 2023-01-01" in result.stderr


def invoke(folder, *args: str) -> subprocess.CompletedProcess:  # noqa: F811
    return subprocess.run([LACGRAPH, args[0], str(folder), *args[1:]], capture_output=True,
                          text=True)


def test_a_terminal_gets_a_table_and_a_pipe_gets_csv(folder):  # noqa: F811
    piped = invoke(folder, "circle", "sam", "--at", "2024-06-01")
    assert piped.stdout.startswith("id,label,type,kind")
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "200"}
    done = subprocess.run([LACGRAPH, "circle", str(folder), "sam", "--at", "2024-06-01"],
                          stdout=follower, stderr=subprocess.PIPE, env=env, timeout=60)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    assert done.returncode == 0, done.stderr
    lines = out.decode().replace("\r\n", "\n").splitlines()
    assert lines[0].split() == ["id", "label", "type", "kind", "category", "circle", "since",
                                "reciprocal", "brokered_by"]
    assert "," not in lines[0]
    assert any(line.startswith("al ") and "Al <b>Morgan</b>" in line for line in lines)
    forced = subprocess.run([LACGRAPH, "circle", str(folder), "sam", "--format", "csv"],
                            stdout=subprocess.PIPE, text=True)
    assert forced.stdout.startswith("id,label")
