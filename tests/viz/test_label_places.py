"""The circle picture's labels are placed as the placement that tried every place with
arrays did (kept below as the reference): the same box and leader line for every label of
many random, crowded pictures. The product tries the places beside a node one at a time
and stops at the first that fits (see :func:`lacgraph.viz.svg.place_labels`)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lacgraph.viz.svg import CLEAR, MARGIN, NODE, STEP, TRIES, Box, _box_at, place_labels

# --- the reference: every place of a label tried at once, with arrays --------------------

_SIDES = np.array([(1, 0), (-1, 0), (0, -1), (0, 1), (0.7071, -0.7071), (-0.7071, -0.7071),
                   (0.7071, 0.7071), (-0.7071, 0.7071)], dtype=float)


def _boxes_at(tx: np.ndarray, ty: np.ndarray, dx: np.ndarray, dy: np.ndarray,
              width: float, height: float) -> np.ndarray:
    """:func:`_box_at` for many anchor points and sides at once (rows x0, y0, x1, y1)."""
    left = np.where(dx > 0.3, tx, np.where(dx < -0.3, tx - width, tx - width / 2))
    top = np.where(dy > 0.3, ty, np.where(dy < -0.3, ty - height, ty - height / 2))
    return np.stack([left, top, left + width, top + height], axis=1)


def _places(x: float, y: float, cos: float, sin: float, width: float, height: float
            ) -> tuple[np.ndarray, np.ndarray]:
    """A label's candidate boxes, best first, and whether each needs a leader line.

    Beside the node first (outwards, then the other sides in order of how close they are
    to outwards), then out along the radius with a leader line, then out to the sides."""
    order = np.argsort(-(_SIDES @ np.array([cos, sin])), kind="stable")
    sides = np.vstack([[cos, sin], _SIDES[order]])
    near = np.repeat([NODE + 4, NODE + 9], len(sides))
    near_sides = np.tile(sides, (2, 1))
    steps = NODE + 4 + STEP * np.arange(1, TRIES + 1)
    radial = steps[:2]
    wide = np.repeat(steps[2:], len(sides))
    distance = np.concatenate([near, radial, wide])
    direction = np.vstack([near_sides, np.tile(sides[:1], (2, 1)),
                           np.tile(sides, (len(steps) - 2, 1))])
    boxes = _boxes_at(x + direction[:, 0] * distance, y + direction[:, 1] * distance,
                      direction[:, 0], direction[:, 1], width, height)
    leader = np.arange(len(distance)) >= len(near)
    return boxes, leader


def _box_distance(boxes: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Distance from each box (rows) to each point (columns): 0 inside the box."""
    nx = np.clip(points[None, :, 0], boxes[:, None, 0], boxes[:, None, 2])
    ny = np.clip(points[None, :, 1], boxes[:, None, 1], boxes[:, None, 3])
    return np.hypot(points[None, :, 0] - nx, points[None, :, 1] - ny)


def _hits(boxes: np.ndarray, others: np.ndarray, margin: float = MARGIN) -> np.ndarray:
    """Whether each box comes within ``margin`` of any of ``others``."""
    if not len(others):
        return np.zeros(len(boxes), dtype=bool)
    a, b = boxes[:, None, :], others[None, :, :]
    return ((a[..., 0] < b[..., 2] + margin) & (b[..., 0] < a[..., 2] + margin)
            & (a[..., 1] < b[..., 3] + margin) & (b[..., 1] < a[..., 3] + margin)).any(axis=1)


def _leader_blocked(x: float, y: float, ends: np.ndarray, markers: np.ndarray,
                    own: int) -> np.ndarray:
    """Whether the leader line from (x, y) to each end passes over a marker not its own."""
    if len(markers) <= 1:
        return np.zeros(len(ends), dtype=bool)
    others = np.delete(markers, own, axis=0)
    centres = (others[:, :2] + others[:, 2:]) / 2
    reach = (others[:, 2] - others[:, 0]) / 2 + MARGIN
    d = ends - np.array([x, y])  # (n, 2)
    length = np.maximum((d ** 2).sum(axis=1), 1e-9)
    t = np.clip(((centres[None, :, :] - np.array([x, y])) * d[:, None, :]).sum(axis=2)
                / length[:, None], 0.0, 1.0)
    nearest = np.array([x, y]) + t[..., None] * d[:, None, :]
    return (np.hypot(*(nearest - centres[None, :, :]).transpose(2, 0, 1)) < reach).any(axis=1)


def reference_place_labels(anchors: list[tuple[float, float, float]], sizes: list[tuple[float, float]],
                 markers: list[tuple[float, float, float]], fixed: list[Box],
                 own: list[int] | None = None) -> list[tuple[Box, bool]]:
    """Place labels so that each is read with its own node, and none overlaps another.

    Label ``k`` belongs to the node at ``anchors[k]`` = (x, y, angle of the node seen from
    the centre), is ``sizes[k]`` = (width, height) big, and its node is marker
    ``own[k]`` of ``markers`` (x, y, half width; default ``k + 1``: marker 0 is the
    centre). Labels are placed one by one, the inner rings first. A label goes beside its
    node when a place there touches no label already placed, no marker and no ``fixed``
    box, and is nearer its own marker than any other by :data:`CLEAR`; otherwise it goes
    further out, joined to its node by a leader line that passes over no other marker
    where such a place exists. Returns each label's box and whether it needs a leader
    line, in the order given.

    Examples
    --------
    >>> placed = place_labels([(100, 0, 0.0), (0, -100, 1.5708)], [(50, 14), (50, 14)],
    ...                       [(0, 0, 13), (100, 0, 8), (0, -100, 8)], [])
    >>> overlaps(placed[0][0], placed[1][0]), [leader for _, leader in placed]
    (False, [False, False])
    >>> two = place_labels([(100, 0, 0.0), (100, 0, 0.0)], [(50, 14), (50, 14)],
    ...                    [(0, 0, 13), (100, 0, 8), (100, 0, 8)], [])
    >>> overlaps(two[0][0], two[1][0])
    False
    """
    own = own if own is not None else [k + 1 for k in range(len(anchors))]
    marks = np.array([(mx - r, my - r, mx + r, my + r) for mx, my, r in markers],
                     dtype=float).reshape(-1, 4)
    centres = np.array([(mx, my) for mx, my, _ in markers], dtype=float).reshape(-1, 2)
    placed: list[tuple[Box, bool] | None] = [None] * len(anchors)
    taken = [tuple(b) for b in fixed]
    order = sorted(range(len(anchors)), key=lambda k: math.hypot(anchors[k][0], anchors[k][1]))
    for k in order:
        x, y, angle = anchors[k]
        cos, sin = math.cos(angle), -math.sin(angle)  # SVG's y axis points down
        boxes, leader = _places(x, y, cos, sin, *sizes[k])
        taken_now = np.array(taken, dtype=float).reshape(-1, 4)
        near = int((~leader).sum())
        choice = None
        # beside the node: free, and nearer its own marker than any other
        part = boxes[:near]
        free = ~_hits(part, taken_now) & ~_hits(part, marks)
        distance = _box_distance(part, centres)
        mine = distance[:, own[k]].copy()
        distance[:, own[k]] = np.inf
        nearest_other = (distance.min(axis=1) if distance.shape[1] > 1
                         else np.full(len(part), np.inf))
        found = np.flatnonzero(free & (mine + CLEAR <= nearest_other))
        if len(found):
            choice = int(found[0])
        else:  # further out, with a leader line over no other marker if possible
            part = boxes[near:]
            free = ~_hits(part, taken_now) & ~_hits(part, marks)
            ends = np.stack([np.clip(x, part[:, 0], part[:, 2]),
                             np.clip(y, part[:, 1], part[:, 3])], axis=1)
            clean = free & ~_leader_blocked(x, y, ends, marks, own[k])
            found = np.flatnonzero(clean) if clean.any() else np.flatnonzero(free)
            choice = near + int(found[0]) if len(found) else None
        if choice is None:  # beyond every label and marker there is always room
            reach = max(max((abs(v) for b in taken for v in b), default=0.0),
                        float(np.abs(marks).max()) if len(marks) else 0.0)
            distance_out = math.hypot(x, y) + reach + STEP
            box = _box_at(x + cos * distance_out, y + sin * distance_out, cos, sin, *sizes[k])
            placed[k] = (box, True)
        else:
            placed[k] = (tuple(float(v) for v in boxes[choice]), bool(leader[choice]))  # type: ignore[assignment]
        taken.append(placed[k][0])  # type: ignore[index]
    return [p for p in placed if p is not None]




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
def test_labels_go_where_the_array_placement_put_them(seed):
    rng = np.random.default_rng(seed)
    leaders = 0
    for count in (0, 1, 3, 8, 15, 25, 40, 60):
        picture = random_picture(rng, count)
        expected = reference_place_labels(*picture)
        assert place_labels(*picture) == expected
        leaders += sum(leader for _, leader in expected)
    assert leaders  # the crowded pictures needed leader lines: both ways were compared
