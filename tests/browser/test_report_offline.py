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


def test_prints_with_page_breaks_and_the_team_banner_on_every_page(browser, reports):
    page, _ = open_offline(browser, reports["team"])
    try:
        page.emulate_media(media="print")
        style = page.evaluate("""() => {
            const banner = getComputedStyle(document.querySelector('[data-team-copy]'));
            const section = getComputedStyle(document.querySelector('section.page'));
            const contents = getComputedStyle(document.querySelector('nav.contents'));
            return [banner.position, section.breakBefore, contents.display]; }""")
        # a position: fixed element is repeated on every printed page by Chromium
        assert style == ["fixed", "page", "none"]
    finally:
        page.close()


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


def test_cli_pdf(tmp_path):
    data = write_folder(programme(400, seed=3), tmp_path / "data")
    done = run("report", str(data), "-o", str(tmp_path / "r.html"), "--pdf",
               str(tmp_path / "r.pdf"), "--no-suppress")
    assert "Printed it to" in done.stderr and "NOT suppressed" in done.stderr
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"
    assert pdf_pages(tmp_path / "r.pdf") >= 6
