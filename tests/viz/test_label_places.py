"""A label goes beside its node where the search that tried every place with arrays put it
(kept below as the reference): for every label of many random, crowded pictures, the
product's one-at-a-time search (:func:`lacgraph.viz.svg._beside`, used by
:func:`~lacgraph.viz.svg.place_labels`) gives the same box, or none, for the same labels
placed before it. The rest of the placement (further out, with a leader line) is the
product's own in both."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lacgraph.viz.svg as svg
from lacgraph.viz.svg import CLEAR, MARGIN, Box, _places, place_labels

# --- the reference: every place beside the node tried at once, with arrays ---------------


def reference_beside(x: float, y: float, cos: float, sin: float, width: float,
                     height: float, obstacles: list[Box], centres: list[tuple[float, float]],
                     own: int) -> Box | None:
    """:func:`lacgraph.viz.svg._beside` as the array placement found it: every place beside
    the node (the first places of :func:`_places`) tested against every obstacle (given
    as ``_beside`` takes them: right and bottom already plus :data:`MARGIN`) and every
    marker's centre at once, then the first that fits."""
    boxes, leader = _places(x, y, cos, sin, width, height)
    part = boxes[~leader]
    o = np.array(obstacles, dtype=float).reshape(-1, 4)
    free = ~((part[:, None, 0] < o[None, :, 2]) & (o[None, :, 0] < part[:, None, 2] + MARGIN)
             & (part[:, None, 1] < o[None, :, 3])
             & (o[None, :, 1] < part[:, None, 3] + MARGIN)).any(axis=1)
    points = np.array(centres, dtype=float).reshape(-1, 2)
    nx = np.clip(points[None, :, 0], part[:, None, 0], part[:, None, 2])
    ny = np.clip(points[None, :, 1], part[:, None, 1], part[:, None, 3])
    distance = np.hypot(points[None, :, 0] - nx, points[None, :, 1] - ny)
    mine = distance[:, own].copy()
    distance[:, own] = np.inf
    nearest_other = (distance.min(axis=1) if distance.shape[1] > 1
                     else np.full(len(part), np.inf))
    found = np.flatnonzero(free & (mine + CLEAR <= nearest_other))
    return tuple(float(v) for v in part[found[0]]) if len(found) else None  # type: ignore[return-value]


# --- the comparison ------------------------------------------------------------------------


def random_picture(rng: np.random.Generator, count: int) -> tuple:
    """Anchors, label sizes, markers and fixed boxes like a crowded circle picture's: nodes
    on four rings (some on the same spot), long and short names of one to three lines."""
    rings = rng.choice([70.0, 130.0, 190.0, 250.0], size=count)
    angles = rng.uniform(0, 2 * math.pi, size=count)
    same = rng.random(count) < 0.15  # some nodes on another's spot
    for k in np.flatnonzero(same)[1:]:
        rings[k], angles[k] = rings[k - 1], angles[k - 1]
    xs, ys = rings * np.cos(angles), -rings * np.sin(angles)
    anchors = [(float(x), float(y), float(a)) for x, y, a in zip(xs, ys, angles, strict=True)]
    sizes = [(float(rng.uniform(20, 160)), float(13.8 * rng.integers(1, 4)))
             for _ in range(count)]
    markers = [(0.0, 0.0, 13.0)] + [(x, y, float(rng.choice([9.0, 11.4, 13.0, 16.6])))
                                    for x, y, _ in anchors]
    fixed = [(-40.0, 18.0, 40.0, 38.0)] + [(-6.0, -r - 6, 6.0, -r + 6)
                                            for r in (70.0, 130.0, 190.0, 250.0)]
    return anchors, sizes, markers, fixed


@pytest.mark.parametrize("seed", range(12))
def test_labels_go_where_the_array_search_put_them(seed, monkeypatch):
    product = svg._beside
    found = {"beside": 0, "further out": 0}

    def both(*args):
        placed = product(*args)
        assert placed == reference_beside(*args), args
        found["beside" if placed is not None else "further out"] += 1
        return placed

    monkeypatch.setattr(svg, "_beside", both)
    rng = np.random.default_rng(seed)
    leaders = 0
    for count in (0, 1, 3, 8, 15, 25, 40, 60):
        placed = place_labels(*random_picture(rng, count))
        assert len(placed) == count
        leaders += sum(leader for _, leader in placed)
    # both answers were compared: labels placed beside their node, and crowded ones not
    assert found["beside"] and found["further out"] and leaders
