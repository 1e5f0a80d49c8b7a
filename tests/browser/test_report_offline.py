"""The council report in Debian's Chromium: opens offline, asks for nothing, prints to PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lacgraph.loaders import write_folder
from lacgraph.network import Network
from lacgraph.report.content import report_content
from lacgraph.report.render import TEAM_COPY, write_html
from lacgraph.synthetic import programme
from tests.cli.test_growth_cli import run


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("report")
    G = Network.from_tables(programme(800, seed=6))
    return {
        "suppressed": write_html(report_content(G, months=6), folder / "report.html"),
        "team": write_html(report_content(G, months=6, suppress_small=False),
                           folder / "team.html"),
    }


def open_offline(browser, path: Path) -> tuple[object, list[str]]:
    """Open ``path`` recording every request; anything but the file itself is refused."""
    requests: list[str] = []
    page = browser.new_page()

    def only_the_file(route) -> None:
        if route.request.url == path.resolve().as_uri():
            route.continue_()
        else:
            route.abort()

    page.route("**/*", only_the_file)
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page, requests


@pytest.mark.parametrize("which", ["suppressed", "team"])
def test_opens_offline_with_no_outside_request(browser, reports, which):
    path = reports[which]
    page, requests = open_offline(browser, path)
    try:
        assert requests == [path.resolve().as_uri()]
        assert page.locator("script").count() == 0
        assert page.locator("link[rel=stylesheet], img[src], iframe, object").count() == 0
        assert page.locator("svg.chart").count() >= 4
        assert page.locator("h1").inner_text().startswith("Local Area Coordination")
        # the charts and sparklines really are drawn
        box = page.locator("svg.chart").first.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 150
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//", html)
        banner = page.locator("[data-team-copy]")
        if which == "team":
            assert banner.inner_text() == TEAM_COPY
        else:
            assert banner.count() == 0
    finally:
        page.close()


def test_prints_with_page_breaks(browser, reports):
    page, _ = open_offline(browser, reports["team"])
    try:
        page.emulate_media(media="print")
        style = page.evaluate("""() => [
            getComputedStyle(document.querySelector('section.page')).breakBefore,
            getComputedStyle(document.querySelector('nav.contents')).display,
            [...document.styleSheets[0].cssRules].filter(r => r instanceof CSSPageRule)
                .map(r => r.cssText).join(' ')]""")
        assert style[:2] == ["page", "none"]
        assert f'@top-center {{ content: "{TEAM_COPY}"' in style[2]
    finally:
        page.close()


def pdf_text(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.mark.parametrize("team", [False, True])
def test_cli_pdf(tmp_path, team):
    data = write_folder(programme(400, seed=3), tmp_path / "data")
    done = run("report", str(data), "-o", str(tmp_path / "r.html"), "--pdf",
               str(tmp_path / "r.pdf"), *(["--no-suppress"] if team else []))
    assert "Printed it to" in done.stderr
    assert ("NOT suppressed" in done.stderr) == team
    pdf = tmp_path / "r.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    pages = pdf_text(pdf)
    assert len(pages) >= 6
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        # the team copy says so on every printed page; the circulated copy nowhere
        assert ("Team copy \u2014 not for circulation" in text) == team
    assert "Methods" in pages[-1] or "Methods" in pages[-2]
