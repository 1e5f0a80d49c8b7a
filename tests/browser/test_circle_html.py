"""The interactive circle page in real headless Chromium: hostile names stay text, no network."""

from __future__ import annotations

import re
from pathlib import Path

from lacgraph.network import Network
from lacgraph.privacy import Pseudonymiser
from lacgraph.tables import Tables
from lacgraph.viz.html import _vis_assets, circle_html, write_circle_html
from tests.viz.helpers import crowded

HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2; alert(2)">',
    "\"'><svg onload=\"window.__pwned=3\">",
    "</script><script>window.__pwned = 4</script>",
    "{{ 7*7 }} {% raw %} ${7*7}",
    "Siân “Quote” 😀 &amp; \u2028 end",
    "<!-- </div> -->",
]


def hostile_network() -> Network:
    nodes = [{"id": "sam-0001", "type": "person", "label": "Sam <i>the person</i>"}]
    nodes += [{"id": f"hostile-{i:03d}", "type": "person", "label": lab} for i, lab in enumerate(HOSTILE)]
    nodes += [{"id": "coord-001", "type": "coordinator", "label": "<b onmouseover=alert(5)>Coord"}]
    ties = [{"source": "sam-0001", "target": f"hostile-{i:03d}", "kind": "friend", "start": "2024-01-01"}
            for i in range(len(HOSTILE))]
    ties += [{"source": "sam-0001", "target": "coord-001", "kind": "coordinator", "start": "2023-01-01",
              "end": "2024-03-01"},
             {"source": "hostile-000", "target": "hostile-001", "kind": "friend", "start": "2024-01-01"}]
    return Network.from_tables(Tables.from_records(nodes, ties))


def open_page(browser, path: Path):
    page = browser.new_page()
    seen = {"requests": [], "dialogs": [], "errors": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-drawn=yes]", timeout=30_000)
    return page, seen


def hover(page, node: int) -> str:
    """Hover over one node and return its popup's text (waiting for *that* node's popup)."""
    box = page.locator("#circle").bounding_box()
    page.mouse.move(box["x"] + 4, box["y"] + 4)  # an empty corner of the canvas
    page.wait_for_selector("div.vis-tooltip", state="hidden", timeout=15_000)
    x, y = page.evaluate(
        """(id) => { const n = window.lacgraphCircle.network;
                     const d = n.canvasToDOM(n.getPositions([id])[id]);
                     const r = document.getElementById("circle").getBoundingClientRect();
                     return [d.x + r.left, d.y + r.top]; }""", node)
    page.mouse.move(x, y)
    page.wait_for_function(
        """(id) => { const tip = document.querySelector("div.vis-tooltip");
                     const label = window.lacgraphCircle.nodes.get(id).label;
                     return tip && tip.style.visibility !== "hidden"
                            && tip.innerText.split("\\n")[0] === label; }""",
        arg=node, timeout=15_000)
    return page.inner_text("div.vis-tooltip")


def test_hostile_labels_never_run(browser, tmp_path):
    G = hostile_network()
    path = tmp_path / "circle.html"
    write_circle_html(G, "sam-0001", path, at="2024-06-01", since="2023-06-01")
    page, seen = open_page(browser, path)
    try:
        labels = page.evaluate("window.lacgraphCircle.nodes.get().map(n => n.label)")
        # hover every alter: the popup is where pyvis would inject markup
        tooltips = [hover(page, k) for k in range(1, len(labels))]
        injected = page.evaluate(
            "document.querySelectorAll('div.vis-tooltip *:not(br)').length")
        pwned = page.evaluate("window.__pwned")
        cells = page.eval_on_selector_all("#alters tbody td:first-child",
                                          "tds => tds.map(td => td.textContent)")
        journey = page.eval_on_selector_all(
            "#journey tbody tr", "rows => rows.map(r => r.cells[0].textContent + ' ' + "
            "r.cells[1].textContent)")
        heading = page.inner_text("h1")
        title = page.title()
        elements = page.evaluate(
            "document.querySelectorAll('body img, body svg, body iframe, body b, body i').length")
    finally:
        page.close()
    assert pwned is None
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert sorted(labels) == sorted(["Sam <i>the person</i>", *HOSTILE,
                                     "<b onmouseover=alert(5)>Coord"])
    assert sorted(cells) == sorted([*HOSTILE, "<b onmouseover=alert(5)>Coord"])
    assert heading == title == "Sam <i>the person</i>'s circle of support on 1 June 2024"
    assert elements == 0 and injected == 0
    assert journey == ["1 January 2023 1", "1 January 2024 8", "1 March 2024 7"]
    firsts = sorted(t.split("\n")[0] for t in tooltips)
    assert firsts == sorted([*HOSTILE, "<b onmouseover=alert(5)>Coord"])
    gone = [t for t in tooltips if t.startswith("<b onmouseover")][0]
    assert "gone since 1 June 2023" in gone


def test_page_is_offline(browser, tmp_path):
    G = crowded(25, 1)
    page_text = circle_html(G, "sam", at="2024-06-01")
    assert not re.search(r"<(script|link|img|iframe|source)\b[^>]*\b(src|href)\s*=", page_text,
                         flags=re.IGNORECASE)
    for cdn in ("cdnjs", "jsdelivr", "unpkg", "googleapis", "bootstrap"):
        assert cdn not in page_text.lower()
    path = tmp_path / "offline.html"
    path.write_text(page_text, encoding="utf-8")
    page, seen = open_page(browser, path)
    try:
        count = page.evaluate("window.lacgraphCircle.nodes.length")
        canvas = page.evaluate("document.querySelectorAll('#circle canvas').length")
    finally:
        page.close()
    assert count == 26 and canvas == 1
    assert seen["requests"] == [path.as_uri()] and seen["errors"] == []


def test_pseudonymised_page_holds_no_name_or_id():
    G = hostile_network()
    key = Pseudonymiser(b"team key")
    page = circle_html(G, "sam-0001", at="2024-06-01", pseudonymiser=key)
    js, css = _vis_assets()
    ours = page.replace(js, "").replace(css, "")
    nodes = G.tables.nodes
    for node_id, label in zip(nodes["id"], nodes["label"], strict=True):
        assert label not in page
        assert not re.search(rf"\b{re.escape(node_id)}\b", ours)
        if node_id != "coord-001":  # the coordinator's tie ended before 2024-06-01: not shown
            assert key(node_id) in ours
    other = circle_html(G, "sam-0001", at="2024-06-01", pseudonymiser=Pseudonymiser(b"other"))
    assert key("hostile-000") not in other
    assert circle_html(G, "sam-0001", at="2024-06-01", pseudonymiser=key) == page
