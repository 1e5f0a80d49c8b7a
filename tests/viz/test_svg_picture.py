"""The web picture (plain SVG): labels never overlap, even in a crowded circle."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET

import pytest

from lacgraph.viz.layout import circle_data
from lacgraph.viz.svg import FONT, NODE, _box_at, circle_svg, label_size, overlaps
from tests.viz.helpers import MIXES, crowded

SVG = "{http://www.w3.org/2000/svg}"


def drawn_labels(svg: str) -> list[tuple[list[str], tuple[float, float, float, float]]]:
    """Each alter label of a drawn picture: its lines and its box, measured from the SVG's
    own text positions with the placer's size estimate."""
    out = []
    for text in ET.fromstring(svg).iter(f"{SVG}text"):
        if text.get("class") != "label":
            continue
        spans = list(text.iter(f"{SVG}tspan"))
        lines = [span.text or "" for span in spans]
        width, height = label_size(lines)
        x, top = float(spans[0].get("x")), float(spans[0].get("y")) - 0.85 * FONT * 1.15
        anchor = text.get("text-anchor", "start")
        left = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
        out.append((lines, (left, top, left + width, top + height)))
    return out


def pairs_overlapping(boxes: list[tuple[float, float, float, float]]) -> list[tuple[int, int]]:
    return [(i, j) for i, j in itertools.combinations(range(len(boxes)), 2)
            if overlaps(boxes[i], boxes[j], margin=0)]


@pytest.mark.parametrize("mix", list(MIXES))
@pytest.mark.parametrize("seed", [0, 1])
def test_forty_alters_no_two_labels_overlap(mix, seed):
    data = circle_data(crowded(40, seed, MIXES[mix]), "sam", "2024-06-01")
    labels = drawn_labels(circle_svg(data))
    assert len(labels) == 40
    boxes = [box for _, box in labels]
    assert pairs_overlapping(boxes) == []
    # nor does a label cover a node (the markers' centres, with the marker's size)
    alters = data.alters
    for x, y in zip(alters["x"] * 62.0, -alters["y"] * 62.0, strict=True):
        for box in boxes:
            nearest = (min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3]))
            assert math.dist((x, y), nearest) >= NODE


@pytest.mark.parametrize("mix", ["mixed", "all friends in circle 2"])
def test_the_crowd_is_real_labels_beside_their_nodes_would_overlap(mix):
    """Without the placer (every label right beside its node, as before) these circles
    have overlapping labels: the test above is a real check."""
    data = circle_data(crowded(40, 0, MIXES[mix]), "sam", "2024-06-01")
    labels = drawn_labels(circle_svg(data))
    naive = []
    for (lines, _), x, y, angle in zip(labels, data.alters["x"] * 62.0, -data.alters["y"] * 62.0,
                                       data.alters["angle"], strict=True):
        cos, sin = math.cos(angle), -math.sin(angle)
        naive.append(_box_at(x + cos * (NODE + 4), y + sin * (NODE + 4), cos, sin,
                             *label_size(lines)))
    assert len(pairs_overlapping(naive)) > 5


def test_moved_labels_get_a_leader_line_and_names_stay_text():
    data = circle_data(crowded(40, 0, [("friend", 2)]), "sam", "2024-06-01")
    data.alters.loc[0, "shown"] = "<script>alert(1)</script>"
    svg = circle_svg(data)
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.find(f"{SVG}title") is not None
    assert root.find(f"{SVG}desc") is not None
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert any(line.get("class") == "leader" for line in root.iter(f"{SVG}line"))
