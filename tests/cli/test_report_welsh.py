"""``lacgraph report --lang cy|both``: the council report in Welsh, with the same numbers.

Both languages are made from the same data by the installed ``lacgraph`` (``--lang both``
writes ``report.html`` and ``report.cy.html`` in one command). Every figure (each
``data-key`` and its value, and every number a reader sees) must be the same in both, and no
English sentence of the catalogue may be left in the Welsh one's visible text, text
alternatives of charts included.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from lacgraph.i18n import long_date
from lacgraph.loaders import write_folder
from tests.cli.test_growth_cli import run
from tests.cli.test_report_cli import report_values, tiny_programme
from tests.english_left import english_left, numbers, visible_text


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return write_folder(tiny_programme(), tmp_path_factory.mktemp("welsh") / "data")


@pytest.fixture(scope="module", params=["suppressed", "team"])
def both(request, data, tmp_path_factory) -> tuple[str, str]:
    out = tmp_path_factory.mktemp("both") / "report.html"
    extra = ["--no-suppress", "--from", "2024-03-01", "--to", "2024-06-30"] \
        if request.param == "team" else []
    done = run("report", str(data), "--output", str(out), "--lang", "both", *extra)
    assert f"Wrote the report in English to {out}" in done.stderr
    assert f"Wrote the report in Welsh to {out.with_name('report.cy.html')}" in done.stderr
    return (out.read_text(encoding="utf-8"),
            out.with_name("report.cy.html").read_text(encoding="utf-8"))


def test_welsh_report_has_welsh_html_lang_and_months(both):
    english, welsh = both
    assert '<html lang="en-GB">' in english and '<html lang="cy">' in welsh
    assert "Cydlynu Ardal Leol: adroddiad rhwydweithiau personol" in welsh
    # month names from Babel's Welsh data, never English ones
    assert re.search(r"\b(Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|"
                     r"Hydref|Tachwedd|Rhagfyr) 20\d\d\b", visible_text(welsh))
    assert not re.search(r"\b(January|February|March|April|June|July|August|September|"
                         r"October|November|December)\b", visible_text(welsh))
    assert 'content: "Tudalen " counter(page) " o " counter(pages)' in welsh


def test_same_numbers_in_both_languages(both, tmp_path):
    english, welsh = both
    (tmp_path / "en.html").write_text(english, encoding="utf-8")
    (tmp_path / "cy.html").write_text(welsh, encoding="utf-8")
    keyed = report_values(tmp_path / "en.html")
    assert len(keyed) > 100
    welsh_keyed = report_values(tmp_path / "cy.html")
    assert welsh_keyed.keys() == keyed.keys()
    differ = {k for k in keyed if welsh_keyed[k] != keyed[k]}
    assert differ <= {"glance.first_introduction", "glance.last_date"}  # dates in words
    for key in differ:  # the same day, written in Welsh
        day = dt.datetime.strptime(keyed[key], "%d %B %Y").date()
        assert welsh_keyed[key] == long_date(day, "cy")
    shown_en, shown_cy = Counter(numbers(english)), Counter(numbers(welsh))
    assert shown_en - shown_cy == Counter(), "numbers of the English report missing in Welsh"


def test_no_english_sentence_left_in_the_welsh_report(both):
    english, welsh = both
    assert english_left(welsh) == []
    # the comparison finds English where it is: the English report is full of it
    assert len(english_left(english)) > 50


def test_lang_cy_alone_and_a_bad_language(data, tmp_path):
    out = tmp_path / "cy.html"
    run("report", str(data), "--output", str(out), "--lang", "cy")
    assert '<html lang="cy">' in out.read_text(encoding="utf-8")
    assert not (tmp_path / "cy.cy.html").exists()
    done = run("report", str(data), "--output", str(tmp_path / "x.html"), "--lang", "fr",
               check=False)
    assert done.returncode == 2 and "'fr' is not one of 'en', 'cy', 'both'" in done.stderr
    assert "Traceback" not in done.stderr


def test_welsh_pdf_is_printed_tagged(data, tmp_path):
    from pypdf import PdfReader

    done = run("report", str(data), "-o", str(tmp_path / "r.html"), "--pdf",
               str(tmp_path / "r.pdf"), "--lang", "both")
    assert done.stderr.count("Printed it to") == 2
    for name, page_word in (("r.pdf", "Page"), ("r.cy.pdf", "Tudalen")):
        reader = PdfReader(tmp_path / name)
        assert "/StructTreeRoot" in reader.trailer["/Root"], f"{name} is not tagged"
        pages = [page.extract_text() for page in reader.pages]
        for number, text in enumerate(pages, start=1):
            assert f"{page_word} {number} {'of' if page_word == 'Page' else 'o'} " \
                   f"{len(pages)}" in text
    welsh = " ".join(page.extract_text() for page in PdfReader(tmp_path / "r.cy.pdf").pages)
    assert "Yr hyn a ganfuom" in welsh and "Dulliau" in welsh
