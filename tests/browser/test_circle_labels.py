"""Every name by its own dot: 60 random crowded circles drawn by Chromium (issue 25, item 1).

Each picture is the web page's SVG (:func:`lacgraph.viz.svg.circle_svg`) of a random
circle of 10-40 people and groups with long names, half of them with people new and gone
since an earlier date. Chromium draws it; the test reads back what was drawn (the real
extent of every text and every marker, ``getBBox``) and checks, for every label:

* the nearest marker to it is its own, or a leader line joins it to its own marker
  (one end on the label, the other nearer its marker than any other);
* it overlaps no marker and no other text (labels, sector names, ring numbers, the name
  at the centre);
* it lies inside the picture (its ``viewBox``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lacgraph.viz.layout import circle_data
from lacgraph.viz.svg import circle_svg
from tests.viz.helpers import MIXES, crowded

READ = """() => {
  const svg = document.querySelector('svg');
  const box = e => { const b = e.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  return {
    view: svg.getAttribute('viewBox').split(' ').map(Number),
    marks: [...svg.querySelectorAll('.mark')].map(e => [e.dataset.mark, box(e)]),
    labels: [...svg.querySelectorAll('text.label')].map(e => [e.dataset.for, box(e)]),
    texts: [...svg.querySelectorAll('text:not(.label)')].map(e => box(e)),
    leaders: [...svg.querySelectorAll('line.leader')].map(e => [e.dataset.for,
      ['x1', 'y1', 'x2', 'y2'].map(a => Number(e.getAttribute(a)))]),
  };
}"""


def circles() -> list[tuple[str, object]]:
    rng = np.random.default_rng(25)
    out = []
    for i in range(60):
        n = int(rng.integers(10, 41))
        mix = list(MIXES)[int(rng.integers(len(MIXES)))]
        churn = i % 2 == 1
        G = crowded(n, seed=1000 + i, kinds=MIXES[mix], churn=churn)
        data = circle_data(G, "sam", "2024-12-31", since="2024-03-01" if churn else None)
        out.append((f"circle {i}: {n} {mix}{' with churn' if churn else ''}", data))
    return out


def _overlap(a, b, slack: float = 0.5) -> bool:
    return (a[0] < b[2] - slack and b[0] < a[2] - slack
            and a[1] < b[3] - slack and b[1] < a[3] - slack)


def _distance(box, point) -> float:
    nx = min(max(point[0], box[0]), box[2])
    ny = min(max(point[1], box[1]), box[3])
    return math.hypot(point[0] - nx, point[1] - ny)


def problems_in(drawn: dict) -> list[str]:
    marks: dict[str, list[float]] = {}
    for key, b in drawn["marks"]:  # a new person's halo and dot are one mark
        m = marks.setdefault(key, list(b))
        marks[key] = [min(m[0], b[0]), min(m[1], b[1]), max(m[2], b[2]), max(m[3], b[3])]
    centres = {k: ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for k, b in marks.items()}
    leaders = dict(drawn["leaders"])
    x, y, w, h = drawn["view"]
    found = []
    for n, (key, box) in enumerate(drawn["labels"]):
        if key in leaders:
            x1, y1, x2, y2 = leaders[key]
            nearest = min(centres, key=lambda k: math.dist(centres[k], (x1, y1)))
            if nearest != key:
                found.append(f"label {key}: its leader starts nearest mark {nearest}")
            if _distance(box, (x2, y2)) > 1.5:
                found.append(f"label {key}: its leader ends away from it")
        else:
            nearest = min(centres, key=lambda k: _distance(box, centres[k]))
            if nearest != key:
                found.append(f"label {key}: nearest mark is {nearest}, without a leader")
        for k, mark in marks.items():
            if _overlap(box, mark):
                found.append(f"label {key} overlaps mark {k}")
        for other_key, other in drawn["labels"][n + 1:]:
            if _overlap(box, other):
                found.append(f"label {key} overlaps label {other_key}")
        for other in drawn["texts"]:
            if _overlap(box, other):
                found.append(f"label {key} overlaps a fixed text at {other}")
        if not (x <= box[0] and y <= box[1] and box[2] <= x + w and box[3] <= y + h):
            found.append(f"label {key} lies outside the picture")
    return found


def test_sixty_crowded_circles_every_label_by_its_own_mark(browser):
    page = browser.new_page()
    failures: dict[str, list[str]] = {}
    labels = leaders = 0
    for name, data in circles():
        page.set_content(f"<!doctype html><html><body>{circle_svg(data)}</body></html>")
        drawn = page.evaluate(READ)
        assert len(drawn["labels"]) == len(data.alters), name
        labels += len(drawn["labels"])
        leaders += len(drawn["leaders"])
        if found := problems_in(drawn):
            failures[name] = found
    page.close()
    print(f"\n{labels} labels in 60 circles, {leaders} with a leader line")
    assert failures == {}
    assert leaders > 0  # the crowds are real: some labels had to move away


@pytest.mark.parametrize("broken", ["swap", "overlap", "outside"])
def test_the_check_sees_a_wrong_picture(browser, broken):
    """The checks above catch a label moved next to another mark, onto another label,
    or out of the picture."""
    data = circle_data(crowded(12, seed=3, kinds=MIXES["mixed"]), "sam", "2024-12-31")
    svg = circle_svg(data)
    page = browser.new_page()
    page.set_content(f"<!doctype html><html><body>{svg}</body></html>")
    page.evaluate("""(broken) => {
      const labels = [...document.querySelectorAll('text.label')];
      const free = labels.filter(l => !document.querySelector(
        `line.leader[data-for="${l.dataset.for}"]`));
      const [a, b] = free;
      const shift = (el, dx, dy) => el.querySelectorAll('tspan').forEach(t => {
        t.setAttribute('x', Number(t.getAttribute('x')) + dx);
        t.setAttribute('y', Number(t.getAttribute('y')) + dy); });
      const ta = a.getBBox(), tb = b.getBBox();
      if (broken === 'swap') {  // each label where the other was
        shift(a, tb.x - ta.x, tb.y - ta.y); shift(b, ta.x - tb.x, ta.y - tb.y);
      } else if (broken === 'overlap') {
        shift(a, tb.x - ta.x + 3, tb.y - ta.y + 3);
      } else { shift(a, 5000, 0); }
    }""", broken)
    found = problems_in(page.evaluate(READ))
    page.close()
    assert found, broken
