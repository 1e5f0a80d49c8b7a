"""The label placement's arithmetic boxes are matplotlib's own extents.

:func:`lacgraph.viz.labels.candidate_boxes` measures a label once and computes where its
text would be at every candidate place; these tests move real labels to random places
and alignments and compare with ``Text.get_window_extent``. :func:`overlap_matrix`
(used by the placement and by :func:`label_overlaps`) is checked against
``Bbox.overlaps`` on random boxes with many touching edges.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from lacgraph.viz.circle import FONT_SIZE, draw_circle, new_figure
from lacgraph.viz.labels import _move, candidate_boxes, candidates, label_overlaps, overlap_matrix
from tests.viz.helpers import crowded

ALIGNMENTS = [(h, v) for h in ("left", "center", "right") for v in ("bottom", "center", "top")]
WORDS = st.text(st.characters(codec="latin-1", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
                min_size=0, max_size=24)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@settings(max_examples=25, deadline=None)
@given(lines=st.lists(WORDS, min_size=1, max_size=3), seed=st.integers(0, 2**32 - 1),
       inches=st.floats(2.0, 18.0), dpi=st.sampled_from([72, 100, 150]),
       size=st.sampled_from([FONT_SIZE, 9, 11.5]))
def test_candidate_boxes_are_matplotlibs_extents(lines, seed, inches, dpi, size):
    rng = np.random.default_rng(seed)
    fig = new_figure(inches, inches + 1.0)
    fig.set_dpi(dpi)
    ax = fig.subplots()
    ax.set_xlim(-5, 5)
    ax.set_ylim(-5, 5)
    point = tuple(rng.uniform(-5, 5, 2))
    label = ax.annotate("\n".join(lines), point, xytext=(0, 0), textcoords="offset points",
                        fontsize=size, linespacing=1.05, parse_math=False,
                        arrowprops={"arrowstyle": "-", "shrinkB": 7.5},
                        bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"})
    renderer = fig.canvas.get_renderer()
    places = candidates(float(rng.uniform(-np.pi, np.pi)))
    places += [(*rng.uniform(-60, 60, 2), *ALIGNMENTS[rng.integers(len(ALIGNMENTS))],
                bool(rng.integers(2))) for _ in range(30)]
    boxes = candidate_boxes(label, renderer, places)
    assert boxes.shape == (len(places), 4)
    for place, box in zip(places, boxes, strict=True):
        _move(label, *place)
        label.update_positions(renderer)
        real = Text.get_window_extent(label, renderer).extents
        np.testing.assert_allclose(box, real, rtol=0, atol=1e-6)


def test_candidate_boxes_follow_the_figure_size():
    """After the figure grows, the same label's boxes are measured afresh (new places)."""
    fig = new_figure(4, 4)
    ax = fig.subplots()
    label = ax.annotate("Margaret Llewellyn-Price\n(+ friend)", (0.3, 0.7), xytext=(0, 0),
                        textcoords="offset points", arrowprops={"arrowstyle": "-"})
    places = candidates(1.0)
    small = candidate_boxes(label, fig.canvas.get_renderer(), places)
    fig.set_size_inches(8, 8)
    ax.apply_aspect()
    renderer = fig.canvas.get_renderer()
    large = candidate_boxes(label, renderer, places)
    assert not np.allclose(small, large)
    _move(label, *places[7])
    label.update_positions(renderer)
    np.testing.assert_allclose(large[7], Text.get_window_extent(label, renderer).extents,
                               rtol=0, atol=1e-6)


def test_a_renderer_kept_from_a_smaller_figure_measures_texts_the_same():
    """What lets the picture keep one renderer while it grows: extents depend on the dpi."""
    fig = draw_circle(crowded(30, 2), "sam", at="2024-06-01")
    kept = fig.canvas.get_renderer()
    texts = [*fig.texts, *fig.axes[0].texts, *fig.legends[0].get_texts()]
    for inches in (7.3, 12.0, 17.5):
        fig.set_size_inches(inches, inches + 1.0)
        fresh = fig.canvas.get_renderer()
        assert fresh is not kept
        for t in texts:
            np.testing.assert_array_equal(Text.get_window_extent(t, kept).extents,
                                          Text.get_window_extent(t, fresh).extents)
        np.testing.assert_array_equal(fig.legends[0].get_window_extent(kept).extents,
                                      fig.legends[0].get_window_extent(fresh).extents)


@pytest.mark.parametrize("seed", range(5))
def test_overlap_matrix_is_bbox_overlaps(seed):
    rng = np.random.default_rng(seed)
    # small integer coordinates: many boxes share an edge or a corner exactly
    a = rng.integers(0, 12, (60, 4)).astype(float)
    b = rng.integers(0, 12, (50, 4)).astype(float)
    expected = np.array([[Bbox.from_extents(*p).overlaps(Bbox.from_extents(*q)) for q in b]
                         for p in a])
    assert expected.any() and not expected.all()
    np.testing.assert_array_equal(overlap_matrix(a, b), expected)
    assert overlap_matrix(a, np.zeros((0, 4))).shape == (60, 0)


def test_label_overlaps_is_every_pair_bbox_overlaps_finds():
    """The vectorised checker lists exactly the pairs ``Bbox.overlaps`` finds, in order."""
    fig = draw_circle(crowded(25, 7), "sam", at="2024-06-01")
    texts = [t for t in fig.axes[0].texts if (t.get_gid() or "").startswith("alter-label-")]
    for k in range(0, 12, 2):  # stack pairs of labels on each other
        texts[k + 1].xy, texts[k + 1].xyann = texts[k].xy, texts[k].xyann
        texts[k + 1].set_ha(texts[k].get_ha())
        texts[k + 1].set_va(texts[k].get_va())
    found = label_overlaps(fig)
    renderer = fig.canvas.get_renderer()
    every = [t for t in [*fig.texts, *fig.axes[0].texts]
             if (t.get_gid() or "").startswith(("alter-label-", "fixed-"))]
    for t in every:
        if hasattr(t, "update_positions"):
            t.update_positions(renderer)
    boxes = [Text.get_window_extent(t, renderer) for t in every]
    expected = [(every[i].get_gid(), every[j].get_gid())
                for i in range(len(every)) for j in range(i + 1, len(every))
                if not (every[i].get_gid().startswith("fixed-")
                        and every[j].get_gid().startswith("fixed-"))
                and boxes[i].overlaps(boxes[j])]
    assert len(found) >= 6
    assert found == expected
