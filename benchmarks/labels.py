"""Benchmark: placing the circle picture's labels, measured once per label vs once per place.

Draws the same crowded circles of support (the picture tests' ``crowded`` circles, 40 and
60 alters, several mixes of kinds) twice each, in turns, with two placements of the labels:

* ``reference``: the placement as it was (kept below, not in the product): every candidate
  place of every label is tried by moving the label there and asking matplotlib for its
  extent (``Annotation.update_positions`` + ``Text.get_window_extent``, a layout each time);
* ``product``: :func:`lacgraph.viz.labels.place_labels`, which lays each label out once and
  computes the extents of all its places with arithmetic and one numpy overlap test, and
  keeps one renderer (so matplotlib's text-metrics cache) while the figure grows.

For each it prints the time spent placing labels and the time of the whole ``draw_circle``
(placement, building the figure and growing it until every label fits), and whether both
placements put every label in the same place with the same alignment and leader line, on a
figure of the same size. The last line is ``speedup_placement=<ratio>``.

Usage::

    python benchmarks/labels.py            # 5 mixes x 2 sizes x 2 seeds, 3 rounds
    python benchmarks/labels.py --quick    # 1 round
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import ROOT  # noqa: F401 - puts the repository root on sys.path
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

import lacgraph.viz.circle as circle
from lacgraph.viz.labels import _move, candidates
from tests.viz.helpers import MIXES, crowded


# --- the reference: the placement before it measured each label once ---------------------
def _text_box(text: Text, renderer: object) -> Bbox:
    if isinstance(text, Annotation):
        text.update_positions(renderer)
    return Text.get_window_extent(text, renderer)


def _padded(box: Bbox, pixels: float = 3.0) -> Bbox:
    return Bbox.from_extents(box.x0 - pixels, box.y0 - pixels, box.x1 + pixels, box.y1 + pixels)


def _overlaps(box: Bbox, others: list[Bbox]) -> bool:
    return any(box.overlaps(o) for o in others)


def reference_place_labels(fig: Figure, labels: list[Annotation], fixed: list[Text],
                           nodes: list[Bbox], angles: np.ndarray, _kept: object = None) -> int:
    renderer = fig.canvas.get_renderer()  # as before: the canvas's (a new one as it grows)
    taken = [_padded(_text_box(t, renderer)) for t in fixed] + nodes
    failures = 0
    for label, angle in zip(labels, angles, strict=True):
        chosen = None
        places = candidates(float(angle))
        for dx, dy, ha, va, leader in places:
            _move(label, dx, dy, ha, va, leader)
            box = _padded(_text_box(label, renderer))
            if not _overlaps(box, taken):
                chosen = box
                break
        if chosen is None:
            failures += 1
            _move(label, *places[0])
            chosen = _text_box(label, renderer)
        taken.append(chosen)
    return failures
# ------------------------------------------------------------------------------------------


def timed_draw(G, place) -> tuple[float, float, tuple]:
    """Draw ``G``'s circle with ``place`` as the label placement: (placing s, total s, result)."""
    spent = [0.0]

    def timed(*args):
        start = time.perf_counter()
        try:
            return place(*args)
        finally:
            spent[0] += time.perf_counter() - start

    product = circle.place_labels
    circle.place_labels = timed
    try:
        start = time.perf_counter()
        fig = circle.draw_circle(G, "sam", at="2024-06-01")
        total = time.perf_counter() - start
    finally:
        circle.place_labels = product
    labels = [t for t in fig.axes[0].texts if (t.get_gid() or "").startswith("alter-label-")]
    result = (tuple(fig.get_size_inches()), fig.lacgraph_failures,
              tuple((tuple(map(float, t.xyann)), t.get_ha(), t.get_va(),
                     t.arrow_patch.get_visible()) for t in labels))
    return spent[0], total, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round instead of three")
    args = parser.parse_args()
    rounds = 1 if args.quick else 3
    circles = [(mix, n, seed, crowded(n, seed, kinds)) for mix, kinds in MIXES.items()
               for n in (40, 60) for seed in (0, 1)]
    timed_draw(circles[0][3], circle.place_labels)  # load fonts and caches once
    times = {"reference": [0.0, 0.0], "product": [0.0, 0.0]}
    same = 0
    for _ in range(rounds):
        for _mix, _n, _seed, G in circles:
            # in turns, so a busy moment on a shared machine falls on both
            ref = timed_draw(G, reference_place_labels)
            new = timed_draw(G, circle.place_labels)
            for name, (placing, total, _) in (("reference", ref), ("product", new)):
                times[name][0] += placing
                times[name][1] += total
            same += ref[2] == new[2]
    drawn = rounds * len(circles)
    print(f"{len(circles)} crowded circles (40 and 60 alters) x {rounds} round(s)")
    for name, (placing, total) in times.items():
        print(f"{name:>9}: placing labels {1000 * placing / drawn:7.1f} ms per picture, "
              f"whole draw_circle {1000 * total / drawn:7.1f} ms per picture")
    print(f"same placement (every label's offset, alignment, leader; figure size): "
          f"{same}/{drawn}")
    ref_place, ref_total = times["reference"]
    new_place, new_total = times["product"]
    print(f"speedup_draw_circle={ref_total / new_total:.2f}")
    print(f"speedup_placement={ref_place / new_place:.2f}")


if __name__ == "__main__":
    main()
