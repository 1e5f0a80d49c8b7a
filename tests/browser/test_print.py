"""Print: a circle of up to 20 people and groups, with a household, on one A4 page
(issue 25, item 8), and the household's picture printed, not only its link.

The person is the demo programme's (``lacgraph demo``: the synthetic programme of
:data:`lacgraph.synthetic.DEMO_PEOPLE` people, seed 1) supported person with the largest
circle of at most 20 who lives with someone; the page is printed by Chromium to PDF and
its pages counted with pypdf.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from lacgraph.analysis.families import page_household
from lacgraph.network import Network
from lacgraph.privacy import Pseudonymiser
from lacgraph.synthetic import DEMO_PEOPLE, programme
from lacgraph.web import AppDB, create_app
from tests.browser.conftest import LiveServer, log_in, serving
from tests.web.fixtures import PASSWORD, QUICK_HASHER

LARGEST = 20


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[tuple[LiveServer, str, int]]:
    tables = programme(DEMO_PEOPLE, seed=1)
    G = Network.from_tables(tables)
    at = G.last_date
    nodes = tables.nodes
    supported = nodes[(nodes["type"] == "person") & nodes["supported"].astype(bool)]
    sizes = G.metrics(at=at).set_index("id")["size"]
    best: tuple[int, str, str] | None = None
    for person, coordinator in zip(supported["id"], supported["coordinator"], strict=True):
        size = int(sizes.get(person, 0))
        if size > LARGEST or (best is not None and size <= best[0]):
            continue
        if page_household(G.store, person, at) is None:
            continue
        best = (size, person, coordinator)
    assert best is not None, "the demo has no supported person living with someone"
    size, person, coordinator = best
    folder = tmp_path_factory.mktemp("print")
    db = AppDB(Path(folder) / "app.sqlite", hasher=QUICK_HASHER)
    db.add_user("printer", "coordinator", PASSWORD, coordinator=coordinator)
    app = create_app(G, db, pseudonymiser=Pseudonymiser(b"print key"))
    with serving(app) as base:
        yield LiveServer(base, db), person, size


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_largest_demo_circle_with_household_prints_on_one_a4_page(browser, demo, lang):
    server, person, size = demo
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = log_in(context, server, "printer")
    page.goto(server.url(f"/people/{person}?lang={lang}"))  # Welsh sentences are longer
    assert page.locator("html").get_attribute("lang") == ("cy" if lang == "cy" else "en-GB")
    assert page.locator("section.family").count() == 1
    assert page.locator("table.alters").first.locator("tbody tr").count() == size
    page.wait_for_function("""() => [...document.querySelectorAll('figure img')]
        .every(i => i.complete && i.naturalWidth > 0)""")
    page.emulate_media(media="print")
    # the household's picture prints (the picture, not only a link to it), with its key
    family = page.locator("section.family figure img")
    assert family.is_visible() and family.bounding_box()["width"] > 100
    assert page.locator("ul.key").first.is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"\n{person} ({lang}): {size} people and groups and a household: {pages} A4 page(s)")
    assert pages == 1
    context.close()
