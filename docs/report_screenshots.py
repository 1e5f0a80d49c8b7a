"""Take the README's screenshots of the council report (``lacgraph report``) on the demo data.

Writes the demo programme's report (3,000 invented people, the same as ``make demo``,
small numbers suppressed) and photographs its pages in Debian's Chromium, offline:
``docs/report-1-glance.png`` ... ``docs/report-6-act.png``.

Usage::

    python docs/report_screenshots.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from lacgraph.network import Network
from lacgraph.report.content import report_content
from lacgraph.report.render import CHROMIUM, CHROMIUM_ARGS, write_html
from lacgraph.synthetic import programme

HERE = Path(__file__).resolve().parent

PAGES = (
    ("report-1-glance.png", ["header.cover", "#glance", "#cohort"]),
    ("report-2-growth.png", ["#growth"]),
    ("report-3-shift.png", ["#shift"]),
    ("report-4-retention.png", ["#retention", "#by-neighbourhood"]),
    ("report-5-isolation.png", ["#isolation"]),
    ("report-6-act.png", ["#act", "#quality"]),
)


def main() -> None:
    G = Network.from_tables(programme(3000, seed=1))
    folder = Path(tempfile.mkdtemp(prefix="lacgraph-report-"))
    html = write_html(report_content(G, months=6), folder / "report.html")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        page = browser.new_page(viewport={"width": 1000, "height": 1200})
        page.route("**/*", lambda route: route.continue_()
                   if route.request.url == html.resolve().as_uri() else route.abort())
        page.goto(html.resolve().as_uri())
        for name, selectors in PAGES:
            boxes = [page.locator(s).first.bounding_box() for s in selectors]
            top = min(b["y"] for b in boxes if b)
            bottom = max(b["y"] + b["height"] for b in boxes if b)
            page.screenshot(path=str(HERE / name), full_page=True,
                            clip={"x": 0, "y": top - 10, "width": 1000,
                                  "height": min(bottom - top + 20, 2600)})
            print(f"wrote docs/{name}")
        browser.close()


if __name__ == "__main__":
    main()
