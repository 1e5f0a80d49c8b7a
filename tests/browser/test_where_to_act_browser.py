"""The manager's "where to act" page in Chromium: hostile names stay text, the inline SVG
pictures draw under the page's Content-Security-Policy, and nothing else is fetched."""

from __future__ import annotations

import re

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
    # GOV.UK date inputs (day, month, year boxes), not the browser's mm/dd/yyyy box
    assert page.locator("input[type=date], input[type=month]").count() == 0
    for name, day in (("since", ("1", "1", "2024")), ("at", ("31", "5", "2024"))):
        for part, value in zip(("Day", "Month", "Year"), day, strict=True):
            page.get_by_role("group", name="Start date" if name == "since" else "End date"
                             ).get_by_label(part).fill(value)
    page.click("form.inline button")
    page.wait_for_load_state("load")
    assert "from 31 January 2024 to 31 May 2024" in page.inner_text("main")
    # a mistake shows on the form with focus-able summary, keeping what was typed
    page.get_by_role("group", name="End date").get_by_label("Month").fill("")
    page.click("form.inline button")
    page.wait_for_load_state("load")
    assert page.title().startswith("Error:")
    assert "End date must include a month" in page.inner_text(".error-summary")
    assert page.get_by_role("group", name="End date").get_by_label("Day").input_value() == "31"
    page.get_by_role("group", name="End date").get_by_label("Month").fill("5")
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
    # issue 25 item 9: the manager's navigation leads here, and the page opens with the
    # neighbourhoods to act in first, each with its reasons and who to reach first
    assert page.locator("nav >> text=Where to act").count() == 1
    headings = page.locator("main h2").all_inner_texts()
    assert headings[0] == "Where to act first"
    first = page.locator("ol.ranked > li.ward").first
    assert HOSTILE_WARD in first.locator("h3").inner_text()
    assert "No community group is active here." in first.inner_text()
    assert first.locator("p.reach").is_visible()
    # issue 25 item 7: each sparkline's text alternative carries its values, and its first
    # and last values are written beside it; supported people are squares, not only blue
    label = page.locator("svg.spark").first.get_attribute("aria-label")
    assert re.search(r"at each month end from 31 January 2024 to 31 May 2024: [\d*, ]+",
                     label), label
    cell = page.locator("td.spark-cell").first
    ends = cell.locator(".spark-end").all_inner_texts()
    assert len(ends) == 2 and all(e.strip() for e in ends)
    thumbnails = page.locator("svg.cluster")
    for k in range(thumbnails.count()):
        thumb = thumbnails.nth(k)
        described = thumb.get_attribute("aria-label")
        assert "supported by a coordinator" in described
        assert thumb.locator("rect").count() == (0 if "none supported" in described
                                                 else int(re.search(r"(\d+) supported",
                                                                    described).group(1)))
    assert page.locator("svg.cluster").count() >= 1
    people = page.inner_text("#people ~ table")
    assert HOSTILE[4] in people and HOSTILE[0] in people  # p2 and her coordinator c1
    # the report is an attachment: the browser downloads it rather than showing it
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report for the council",
                         exact=False).click()
    assert download.value.suggested_filename.startswith("lacgraph-report-")
