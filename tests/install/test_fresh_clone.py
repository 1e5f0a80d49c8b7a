"""A fresh clone, ``make demo``, then ``lacgraph report --pdf``: the PDF is printed with
Debian's Chromium and nothing else installed (playwright is in the run lock)."""

from __future__ import annotations

import os
import shlex
import subprocess

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.slow


def lacgraph(clone, *args, check=True):
    done = subprocess.run([str(clone.bin / "lacgraph"), *args], cwd=clone.root,
                          env=clone.env(), capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_make_demo_says_what_it_installs(fresh_clone):
    assert "Installing lacgraph and the " in fresh_clone.demo_output
    assert "requirements-run.lock" in fresh_clone.demo_output
    assert (fresh_clone.root / "lacgraph-report" / "programme.sqlite").is_file()


def test_pdf_after_make_demo(fresh_clone, tmp_path):
    pdf = tmp_path / "report.pdf"
    done = lacgraph(fresh_clone, "report", "lacgraph-report/programme.sqlite",
                    "-o", str(tmp_path / "report.html"), "--pdf", str(pdf))
    assert f"Printed it to {pdf}" in done.stderr
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 2
    assert "personal networks" in reader.pages[0].extract_text().lower()


def test_missing_playwright_names_the_one_command_that_installs_it(fresh_clone, tmp_path):
    """A venv made before playwright was a dependency (then `git pull`): the error names
    one command; running exactly that command makes --pdf work."""
    uv = [str(fresh_clone.bin / "uv"), "pip", "uninstall", "--python",
          str(fresh_clone.bin / "python"), "playwright"]
    subprocess.run(uv, check=True, capture_output=True, env=fresh_clone.env())
    os.utime(fresh_clone.root / "requirements-run.lock")  # as a pull bringing it would
    try:
        pdf = tmp_path / "r.pdf"
        args = ("report", "lacgraph-report/programme.sqlite", "-o", str(tmp_path / "r.html"),
                "--pdf", str(pdf))
        done = lacgraph(fresh_clone, *args, check=False)
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        line = done.stderr.strip().splitlines()[-1]
        assert "playwright is not installed" in line
        command = line.split("Install it with: ", 1)[1]
        assert command == f"cd {shlex.quote(str(fresh_clone.root))} && make install"
        env = {**fresh_clone.env(), "UV_OFFLINE": "1"}
        installed = subprocess.run(["bash", "-c", command], env=env, capture_output=True,
                                   text=True, timeout=300)
        assert installed.returncode == 0, installed.stdout + installed.stderr
        lacgraph(fresh_clone, *args)
        assert len(PdfReader(pdf).pages) >= 2
    finally:  # leave the clone as make demo made it, for the other tests
        subprocess.run(["make", "install"], cwd=fresh_clone.root, capture_output=True,
                       env={**fresh_clone.env(), "UV_OFFLINE": "1"})
