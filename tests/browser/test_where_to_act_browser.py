"""The manager's "where to act" page in Chromium: hostile names stay text, the inline SVG
pictures draw under the page's Content-Security-Policy, and nothing else is fetched."""

from __future__ import annotations

from tests.browser.conftest import log_in
from tests.browser.test_browser import Watch, no_script_ran
from tests.web.fixtures import HOSTILE, HOSTILE_WARD


def test_where_to_act_in_the_browser(context, live_server):
    page = log_in(context, live_server, "max")
    watch = Watch(page)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.get_by_role("link", name="Where to act", exact=False).first.click()
    page.wait_for_load_state("load")
    assert page.url.split("?")[0].endswith("/where-to-act")
    page.fill("input[name=since]", "2024-01")
    page.fill("input[name=at]", "2024-05-31")
    page.click("form.inline button")
    page.wait_for_load_state("load")
    no_script_ran(page)
    assert watch.events == []
    assert all(url.startswith(live_server.base) for url in requests), requests
    # the gap is said in words, not colour alone; the hostile ward name is text
    row = page.locator("tr.gap", has_text="no active group").first
    assert HOSTILE_WARD in row.inner_text()
    spark = page.locator("svg.spark").first.bounding_box()
    assert spark is not None and spark["width"] > 50
    assert page.locator("svg.cluster").count() >= 1
    people = page.inner_text("#people ~ table")
    assert HOSTILE[4] in people and HOSTILE[0] in people  # p2 and her coordinator c1
    # the report is an attachment: the browser downloads it rather than showing it
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report for the council",
                         exact=False).click()
    assert download.value.suggested_filename.startswith("lacgraph-report-")
