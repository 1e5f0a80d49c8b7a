"""deploy/ for council IT (issue 27, Running as a service): the systemd units pass
``systemd-analyze verify``, every lacgraph command in them and in deploy/README.md is a real
command with real options, and ``lacgraph key new`` prints a fresh key and how to keep it.
(The nginx site is run by tests/browser/test_tls_proxy.py, from deploy/ itself.)"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from lacgraph.cli import cli

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = ["lacgraph.service", "lacgraph-backup.service", "lacgraph-backup.timer"]
INSTALLED = "/opt/lacgraph/.venv/bin/lacgraph"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed here")
def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """Verified as installed, but with this checkout's lacgraph where the unit says
    /opt/lacgraph (verify checks that the command exists and is executable)."""
    here = str(Path(sys.executable).with_name("lacgraph"))
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(INSTALLED, here), encoding="utf-8")
    done = subprocess.run([SYSTEMD_ANALYZE, "verify", *UNITS], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # warnings too (an unknown key, a typo)


def test_verify_would_see_a_broken_unit(tmp_path: Path) -> None:
    if SYSTEMD_ANALYZE is None:
        pytest.skip("systemd-analyze is not installed here")
    text = (DEPLOY / "lacgraph.service").read_text(encoding="utf-8")
    (tmp_path / "lacgraph.service").write_text(text.replace("Type=exec", "Type=exce"))
    done = subprocess.run([SYSTEMD_ANALYZE, "verify", "lacgraph.service"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert "Failed to parse service type" in done.stderr


def lacgraph_commands(text: str) -> list[list[str]]:
    """Every ``lacgraph ...`` command of a unit's ``ExecStart=`` or a README's ``sh``
    blocks, as argv after the program name (``\\`` continuations joined, ``# comments``
    dropped, a ``"$(date ...)"`` folder standing as ``DIR``)."""
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines() if blocks else [
        line.removeprefix("ExecStart=") for line in text.splitlines()
        if line.startswith("ExecStart=")]
    found = []
    for line in lines:
        for match in re.finditer(r"(?:^|\S*/bin/)lacgraph (?=[a-z])(.*)", line):
            rest = re.sub(r'"[^"]*\$\([^)]*\)[^"]*"', "DIR", match.group(1))
            rest = rest.split(" #")[0].split("'")[0].strip()
            found.append(shlex.split(rest.replace("<", "").replace(">", "")))
    return found


def parses(argv: list[str]) -> None:
    """Find the verb and parse its arguments and options with click (nothing runs). A
    path that must exist (the server's /srv/lacgraph files) is the only error allowed."""
    command: click.Command = cli
    args = list(argv)
    while isinstance(command, click.Group):
        sub = command.get_command(click.Context(command), args[0]) if args else None
        assert sub is not None, f"lacgraph {' '.join(argv)}: no such command"
        command, args = sub, args[1:]
    try:
        command.make_context(command.name or "", args)
    except click.BadParameter as err:
        assert "does not exist" in str(err), f"lacgraph {' '.join(argv)}: {err}"


@pytest.mark.parametrize("name", ["lacgraph.service", "lacgraph-backup.service", "README.md"])
def test_every_lacgraph_command_in_deploy_is_a_real_one(name: str, tmp_path: Path,
                                                        monkeypatch) -> None:
    commands = lacgraph_commands((DEPLOY / name).read_text(encoding="utf-8"))
    assert commands, name
    monkeypatch.chdir(tmp_path)
    for argv in commands:
        parses(argv)


def test_the_service_serves_behind_the_proxy_on_the_port_nginx_uses() -> None:
    unit = (DEPLOY / "lacgraph.service").read_text(encoding="utf-8")
    site = (DEPLOY / "nginx-lacgraph.conf").read_text(encoding="utf-8")
    exec_start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    argv = shlex.split(exec_start.removeprefix("ExecStart="))
    assert argv[:2] == [INSTALLED, "serve"]
    assert "--behind-proxy" in argv and argv[argv.index("--host") + 1] == "127.0.0.1"
    port = argv[argv.index("--port") + 1]
    assert site.count(f"proxy_pass http://127.0.0.1:{port};") == 2
    upload = argv[argv.index("--max-upload-mb") + 1]
    assert f"client_max_body_size {upload}m;" in site


def test_key_new_prints_a_new_random_key_and_how_to_keep_it() -> None:
    first, second = (CliRunner().invoke(cli, ["key", "new"]) for _ in range(2))
    assert first.exit_code == 0
    key = first.stdout.strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", key)
    assert key != second.stdout.strip()
    assert "LACGRAPH_PSEUDONYM_KEY" in first.stderr and "password safe" in first.stderr
    assert key not in first.stderr
