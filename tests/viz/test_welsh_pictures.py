"""The circle pictures in Welsh (issue 26): the static picture (PNG/SVG export), the
household picture and the web SVG say everything in the current language: title, headline,
rings, sectors, "(new)"/"(gone)" and the key; the key stays inside the picture in both
languages (Welsh words are longer) and no label overlaps another."""

from __future__ import annotations

import pytest

from lacgraph.i18n import use_language
from lacgraph.network import Network
from lacgraph.viz.circle import draw_circle, label_overlaps
from lacgraph.viz.family import draw_family
from lacgraph.viz.layout import circle_data
from lacgraph.viz.svg import circle_key, circle_svg
from tests.english_left import english_left
from tests.web.test_person_welsh import welsh_tables


@pytest.fixture(scope="module")
def G():
    return Network.from_tables(welsh_tables())


def _texts(fig) -> list[str]:
    texts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        texts += [t.get_text() for t in ax.texts]
    for legend in fig.legends:
        texts += [t.get_text() for t in legend.get_texts()]
    return texts


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_key_stays_inside_the_picture(G, lang):
    with use_language(lang):
        fig = draw_circle(G, "p20", at="2024-10-01", since="2024-01-01")
    renderer = fig.canvas.get_renderer()
    box = fig.legends[0].get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width, (lang, box, fig.bbox)
    assert label_overlaps(fig) == []


def test_the_static_picture_in_welsh(G):
    with use_language("cy"):
        fig = draw_circle(G, "p20", at="2024-10-01", since="2024-01-01")
        family = draw_family(G.family("p20", at="2024-10-01"))
    texts = _texts(fig)
    assert texts[0] == "Cylch cefnogaeth Siân Llewellyn-Hughes ar 1 Hydref 2024"
    assert "ffrindiau a chymdogion" in texts and "newydd ers 1 Ionawr 2024" in texts
    assert any(t.endswith("(newydd)") for t in texts)
    assert any(t.endswith("(wedi mynd)") for t in texts)
    assert english_left("\n".join(texts)) == []
    family_texts = _texts(family)
    assert family_texts[0] == "Aelwyd Siân Llewellyn-Hughes a'i chylch cefnogaeth ar 1 Hydref 2024"
    assert english_left("\n".join(family_texts)) == []
    assert label_overlaps(family) == []


def test_the_web_picture_and_its_key_in_welsh(G):
    with use_language("cy"):
        svg = circle_svg(circle_data(G, "p20", at="2024-10-01", since="2024-01-01"))
        key = circle_key(since=True, household=True)
    assert "<title id=\"circle-title\">Cylch cefnogaeth Siân Llewellyn-Hughes ar 1 Hydref 2024" in svg
    assert english_left(svg) == []
    assert english_left("\n".join(text for _icon, text in key)) == []
    assert key[0][1] == "Glas: cysylltiad naturiol (teulu, ffrindiau, cymdogion)"
    # and English stays English
    assert circle_key()[0][1] == "Blue: a natural connection (family, friends, neighbours)"
    with use_language("en"):
        assert "Circle of support of Siân" in circle_svg(circle_data(G, "p20", at="2024-10-01"))
