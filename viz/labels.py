"""Placing labels around points so that no two overlap, measured as matplotlib draws them.

Each label tries a list of places around its point (outwards first, then the sides, then
further out with a thin leader line, then the diagonals and inwards) and takes the first
whose text extent, padded a little, touches no label already placed, no fixed text and no
marker. A label is laid out by matplotlib once; its extent at every place follows by
arithmetic (:func:`candidate_boxes`, equal to ``Text.get_window_extent`` to float
rounding), and the place it takes is measured by matplotlib again. :func:`label_overlaps`
checks a finished figure, drawn, with matplotlib's extents of every text (it is what the
tests use).

Examples
--------
>>> from lacgraph.viz.circle import new_figure
>>> fig = new_figure(4, 3)
>>> ax = fig.subplots()
>>> a = ax.text(0.5, 0.5, "same place", gid="alter-label-0")
>>> b = ax.text(0.5, 0.5, "same place", gid="alter-label-1")
>>> label_overlaps(fig)
[('alter-label-0', 'alter-label-1')]
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

PAD = 3.0
"""Pixels kept clear around every placed label and fixed text."""


def candidates(angle: float) -> list[tuple[float, float, str, str, bool]]:
    """Label offsets (points), alignments and whether a leader line is needed, best first.

    Outwards beside the node first, then the four sides, then further out along the radius
    (with a thin leader line), then the diagonals and inwards.
    """
    c, s = np.cos(angle), np.sin(angle)
    d = 8.0
    out = [(d * c, d * s, *_align(c, s), False)]
    out += [(d, 0, "left", "center", False), (-d, 0, "right", "center", False),
            (0, d, "center", "bottom", False), (0, -d, "center", "top", False)]
    for k in (2.4, 3.8, 5.2):
        out.append((k * d * c, k * d * s, *_align(c, s), True))
    out += [(d, d, "left", "bottom", False), (-d, d, "right", "bottom", False),
            (d, -d, "left", "top", False), (-d, -d, "right", "top", False)]
    for k in (1.0, 2.4):
        out.append((-k * d * c, -k * d * s, *_align(-c, -s), k > 1))
    for k in (2.4, 3.8):
        for sx, sy in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)):
            out.append((k * d * sx, k * d * sy, *_align(sx, sy), True))
    return out


def _align(cx: float, sy: float) -> tuple[str, str]:
    """A label's alignment on the side (``cx``, ``sy``) of its node: the end facing it."""
    return ("left" if cx > 0.35 else "right" if cx < -0.35 else "center",
            "bottom" if sy > 0.35 else "top" if sy < -0.35 else "center")


def _text_box(text: Text, renderer: object) -> Bbox:
    """The extent of a text alone (an annotation's leader line left out)."""
    if isinstance(text, Annotation):
        text.update_positions(renderer)
    return Text.get_window_extent(text, renderer)


def _padded(box: Bbox, pixels: float = PAD) -> Bbox:
    return Bbox.from_extents(box.x0 - pixels, box.y0 - pixels, box.x1 + pixels, box.y1 + pixels)


_SHARE = {"left": 0.0, "center": 0.5, "right": 1.0, "bottom": 0.0, "top": 1.0}
"""How much of an unrotated text's width (height) lies before (below) its anchor."""


def candidate_boxes(label: Annotation, renderer: object,
                    places: list[tuple[float, float, str, str, bool]]) -> np.ndarray:
    """The text extents ``label`` would have at each of ``places``, without moving it.

    Returns an ``(n, 4)`` array of ``x0, y0, x1, y1`` display pixels, what
    ``Text.get_window_extent`` reports for each place (to float rounding). The text is laid
    out once: an unrotated text's extent has the same width and height wherever it is and
    however it is aligned. Its anchor is the annotated point plus the offset (matplotlib's
    own transform, applied to all places at once), and the alignment shifts the box by 0, a
    half or all of its width (height) -- as ``Text._get_layout`` does for ``left``/``center``
    /``right`` (``bottom``/``center``/``top``).

    Examples
    --------
    >>> from lacgraph.viz.circle import new_figure
    >>> fig = new_figure(4, 3)
    >>> label = fig.subplots().annotate("Jo", (0.5, 0.5), xytext=(0, 0),
    ...                                 textcoords="offset points")
    >>> renderer = fig.canvas.get_renderer()
    >>> boxes = candidate_boxes(label, renderer, [(8, 0, "left", "center", False),
    ...                                          (0, -8, "center", "top", False)])
    >>> label.xyann, label.get_ha(), label.get_va()  # left as it was
    ((0, 0), 'left', 'baseline')
    >>> label.xyann = (0, -8)
    >>> _ = label.set(ha="center", va="top")
    >>> real = Text.get_window_extent(label, renderer).extents
    >>> bool(np.allclose(boxes[1], real, rtol=0, atol=1e-6))
    True
    """
    if label.get_rotation() != 0:
        raise ValueError("candidate_boxes measures unrotated labels only")
    ha, va = label.get_ha(), label.get_va()
    label.set_ha("left")
    label.set_va("bottom")
    label.update_positions(renderer)  # the offset transform from the annotated point
    size = Text.get_window_extent(label, renderer).size
    label.set_ha(ha)
    label.set_va(va)
    offsets = np.array([(dx, dy) for dx, dy, *_ in places], dtype=float).reshape(-1, 2)
    anchors = label.get_transform().transform(offsets)
    share = np.array([(_SHARE[h], _SHARE[v]) for _, _, h, v, _ in places]).reshape(-1, 2)
    return np.hstack([anchors - share * size, anchors + (1.0 - share) * size])


def overlap_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Which boxes of ``a`` overlap which of ``b`` (``x0, y0, x1, y1`` rows), as
    ``Bbox.overlaps`` decides: edges that touch overlap, a flipped box is read straightened.

    Examples
    --------
    >>> a = np.array([[0, 0, 10, 10]])
    >>> overlap_matrix(a, np.array([[10, 5, 20, 6], [10.5, 0, 20, 10], [5, 5, 0, 0]])).tolist()
    [[True, False, True]]
    """
    a, b = np.asarray(a, dtype=float).reshape(-1, 4), np.asarray(b, dtype=float).reshape(-1, 4)
    a = np.hstack([np.minimum(a[:, :2], a[:, 2:]), np.maximum(a[:, :2], a[:, 2:])])
    b = np.hstack([np.minimum(b[:, :2], b[:, 2:]), np.maximum(b[:, :2], b[:, 2:])])
    p, q = a[:, None, :], b[None, :, :]
    return ((p[..., 0] <= q[..., 2]) & (q[..., 0] <= p[..., 2])
            & (p[..., 1] <= q[..., 3]) & (q[..., 1] <= p[..., 3]))


def place_labels(fig: Figure, labels: list[Annotation], fixed: list[Text],
                  nodes: list[Bbox], angles: np.ndarray, renderer: object = None) -> int:
    """Place ``labels`` greedily; return how many could not be placed without overlap.

    Each label's places are measured at once (:func:`candidate_boxes`); the label is moved
    to the first free one, and its extent there, measured by matplotlib, is what later
    labels must keep clear of (:func:`overlap_matrix`). ``renderer`` (default the canvas's)
    may be one kept from an earlier size of the same figure: a text's size depends on the
    dpi, not on the canvas, and matplotlib caches text metrics per renderer, so a figure
    that grows to make room re-measures no text.
    """
    if renderer is None or getattr(renderer, "dpi", None) != fig.dpi:
        renderer = fig.canvas.get_renderer()
    taken = [_padded(_text_box(t, renderer)).extents for t in fixed]
    taken += [b.extents for b in nodes]
    failures = 0
    for label, angle in zip(labels, angles, strict=True):
        places = candidates(float(angle))
        boxes = candidate_boxes(label, renderer, places)
        boxes[:, :2] -= PAD
        boxes[:, 2:] += PAD
        free = np.flatnonzero(~overlap_matrix(boxes, np.array(taken)).any(axis=1))
        if len(free):
            _move(label, *places[free[0]])
            chosen = _padded(Text.get_window_extent(label, renderer))
        else:
            failures += 1
            _move(label, *places[0])
            chosen = Text.get_window_extent(label, renderer)
        taken.append(chosen.extents)
    return failures


def place_stranded(fig: Figure, labels: list[Annotation], fixed: list[Text],
                   nodes: list[Bbox], angles: np.ndarray, renderer: object = None) -> int:
    """Move every label that :func:`place_labels` could not place without overlap further
    out along its radius, joined to its node by a leader line, to the first place that
    touches nothing; return how many moved.

    The labels are checked in the order :func:`place_labels` placed them, against the same
    obstacles (fixed texts -- the sector names among them --, markers, the labels before
    it); one that touches any is moved clear of those and of the labels after it. Beyond
    every obstacle there is always room, so afterwards no label overlaps another label, a
    fixed text or a marker. It is the last resort, when the figure cannot grow.
    """
    if renderer is None or getattr(renderer, "dpi", None) != fig.dpi:
        renderer = fig.canvas.get_renderer()
    taken = [_padded(_text_box(t, renderer)).extents for t in fixed]
    taken += [b.extents for b in nodes]
    now = [_padded(Text.get_window_extent(label, renderer)).extents for label in labels]
    moved = 0
    for k, (label, angle) in enumerate(zip(labels, angles, strict=True)):
        box = now[k]
        if overlap_matrix(box, np.array(taken)).any():
            # clear of the labels after it too, where they are: they stay
            obstacles = np.array(taken + now[k + 1:])
            places = _further_out(label, float(angle), obstacles, renderer, fig.dpi)
            boxes = candidate_boxes(label, renderer, places)
            boxes[:, :2] -= PAD
            boxes[:, 2:] += PAD
            free = np.flatnonzero(~overlap_matrix(boxes, obstacles).any(axis=1))
            _move(label, *places[int(free[0])])  # the last place is always free
            box = _padded(Text.get_window_extent(label, renderer)).extents
            moved += 1
        taken.append(box)
    return moved


def _further_out(label: Annotation, angle: float, taken: np.ndarray, renderer: object,
                 dpi: float) -> list[tuple[float, float, str, str, bool]]:
    """Places along the radius through ``label``'s node, a step apart, beyond the last of
    :func:`candidates` and out to one beyond every box of ``taken`` (display pixels), with a
    leader line."""
    c, s = np.cos(angle), np.sin(angle)
    _move(label, 0.0, 0.0, "left", "bottom", False)
    label.update_positions(renderer)
    node = Text.get_window_extent(label, renderer).p0  # the anchor, at no offset: the node
    corners = np.vstack([taken[:, [0, 1]], taken[:, [0, 3]], taken[:, [2, 1]],
                         taken[:, [2, 3]]])
    size = Text.get_window_extent(label, renderer).size
    # pixels: past the farthest corner by the label's own diagonal (and the padding)
    reach = float(np.hypot(*(corners - node).T).max() + np.hypot(*size) + 4 * PAD)
    points = reach * 72.0 / dpi + 8.0
    steps = np.append(np.arange(5.2 * 8.0 + 12.0, points, 12.0), points)
    return [(k * c, k * s, *_align(c, s), True) for k in steps]


def _move(label: Annotation, dx: float, dy: float, ha: str, va: str, leader: bool) -> None:
    label.xyann = (dx, dy)
    label.set_ha(ha)
    label.set_va(va)
    label.arrow_patch.set_visible(leader)


def node_boxes(fig: Figure, ax: Axes, xy: np.ndarray, points: float) -> list[Bbox]:
    pixels = points * fig.dpi / 72.0
    centres = ax.transData.transform(xy) if len(xy) else np.zeros((0, 2))
    return [Bbox.from_extents(x - pixels, y - pixels, x + pixels, y + pixels) for x, y in centres]


def label_overlaps(fig: Figure) -> list[tuple[str, str]]:
    """Return the pairs of picture texts whose extents overlap (an empty list is the goal).

    Checks every alter label (``gid`` ``alter-label-N``) against every other label and
    against the fixed texts in the rings (the person's name, ring numbers, sector names).

    Examples
    --------
    >>> from lacgraph.viz.circle import new_figure
    >>> fig = new_figure(4, 3)
    >>> _ = fig.subplots().text(0.5, 0.5, "alone", gid="alter-label-0")
    >>> label_overlaps(fig)
    []
    """
    fig.canvas.draw()  # measure the picture exactly as it is drawn
    renderer = fig.canvas.get_renderer()
    texts = [t for t in [*fig.texts, *(t for ax in fig.axes for t in ax.texts)]
             if (t.get_gid() or "").startswith(("alter-label-", "fixed-"))]
    boxes = np.array([_text_box(t, renderer).extents for t in texts]).reshape(-1, 4)
    fixed = np.array([t.get_gid().startswith("fixed-") for t in texts], dtype=bool)
    pairs = np.triu(overlap_matrix(boxes, boxes), k=1) & ~(fixed[:, None] & fixed[None, :])
    return [(texts[i].get_gid(), texts[j].get_gid()) for i, j in np.argwhere(pairs)]
