"""The circle-of-support picture: layout rules, no overlapping labels, names as data."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from matplotlib.text import Text

from lacgraph.network import Network
from lacgraph.privacy import Pseudonymiser
from lacgraph.tables import Tables
from lacgraph.viz.circle import (
    CATEGORY_COLOURS,
    SECTORS,
    circle_data,
    draw_circle,
    label_overlaps,
    ring_radii,
)
from lacgraph.viz.labels import node_boxes, place_stranded
from tests.viz.helpers import MIXES, crowded


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("mix", list(MIXES))
@pytest.mark.parametrize("seed", [0, 1])
def test_forty_alters_no_label_overlaps(mix, seed):
    G = crowded(40, seed, MIXES[mix])
    fig = draw_circle(G, "sam", at="2024-06-01")
    labels = [t for t in fig.axes[0].texts if (t.get_gid() or "").startswith("alter-label-")]
    assert len(labels) == 40
    assert label_overlaps(fig) == []


def test_label_overlaps_detects_a_real_overlap():
    """The checker itself can fail: move one label onto another and it says so."""
    fig = draw_circle(crowded(10, 3), "sam", at="2024-06-01")
    labels = [t for t in fig.axes[0].texts if (t.get_gid() or "").startswith("alter-label-")]
    labels[1].xy = labels[0].xy
    labels[1].xyann = labels[0].xyann
    labels[1].set_ha(labels[0].get_ha())
    labels[1].set_va(labels[0].get_va())
    assert ("alter-label-0", "alter-label-1") in label_overlaps(fig)


def test_a_stranded_label_goes_further_out_clear_of_everything():
    """A label left where no place was free (here: on its own marker, over the labels next
    to it) is moved out along its radius with a leader line, clear of every label, marker
    and fixed text; the others stay where they are."""
    G = crowded(12, 3)
    data = circle_data(G, "sam", at="2024-06-01")
    fig = draw_circle(G, "sam", at="2024-06-01")
    ax = fig.axes[0]
    labels = [t for t in ax.texts if (t.get_gid() or "").startswith("alter-label-")]
    labels[1].xyann = (0, 0)
    labels[1].set_ha("center")
    labels[1].set_va("center")
    fixed = [t for t in [*ax.texts, *fig.texts] if (t.get_gid() or "").startswith("fixed-")]
    xy = np.vstack([np.zeros((1, 2)), data.alters[["x", "y"]].to_numpy(float)])
    nodes = node_boxes(fig, ax, xy, 8.5) + [fig.legends[0].get_window_extent()]
    renderer = fig.canvas.get_renderer()
    assert Text.get_window_extent(labels[1], renderer).overlaps(nodes[2])  # on its marker
    others = [(t.xyann, t.get_ha(), t.get_va()) for t in labels if t is not labels[1]]
    moved = place_stranded(fig, labels, fixed, nodes, data.alters["angle"].to_numpy(float))
    assert moved == 1
    assert labels[1].arrow_patch.get_visible()
    box = Text.get_window_extent(labels[1], renderer)  # the text, not its leader line
    assert not any(box.overlaps(node) for node in nodes)
    assert [(t.xyann, t.get_ha(), t.get_va()) for t in labels if t is not labels[1]] == others
    assert label_overlaps(fig) == []


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_alter_on_the_ring_of_its_circle(seed):
    G = crowded(40, seed)
    data = circle_data(G, "sam", at="2024-06-01")
    alters = data.alters
    radii = alters.attrs["radii"]
    distance = np.hypot(alters["x"], alters["y"])
    expected = alters["circle"].map(radii)
    np.testing.assert_allclose(distance, expected, rtol=0, atol=1e-9)
    # rings keep their order: intimacy innermost, exchange outermost
    assert [radii[r] for r in (1, 2, 3, 4)] == sorted(radii.values())
    # the drawn markers sit exactly there too
    fig = draw_circle(G, "sam", at="2024-06-01")
    drawn = np.vstack([c.get_offsets() for c in fig.axes[0].collections
                       if len(c.get_offsets()) == 1])
    for x, y in zip(alters["x"], alters["y"], strict=True):
        assert np.min(np.hypot(drawn[:, 0] - x, drawn[:, 1] - y)) < 1e-9


def test_sectors_hold_their_alters_and_do_not_overlap():
    data = circle_data(crowded(40, 4), "sam", at="2024-06-01")
    sectors = data.alters.attrs["sectors"]
    spans = [sectors[s] for s in SECTORS]
    assert spans[0][0] == pytest.approx(np.pi / 2)
    for (_start, end), (nxt, _) in zip(spans, spans[1:], strict=False):
        assert end == pytest.approx(nxt)  # contiguous, clockwise, no overlap
    assert spans[-1][1] == pytest.approx(np.pi / 2 - 2 * np.pi)
    for _, row in data.alters.iterrows():
        start, end = sectors[row["sector"]]
        assert end < row["angle"] < start


def test_ring_radii_widen_only_when_crowded():
    assert ring_radii({}) == {1: 1.3, 2: 2.2, 3: 3.1, 4: 4.0}
    wide = ring_radii({2: 60})
    assert wide[2] == pytest.approx(60 * 0.6 / (2 * np.pi))
    assert wide[1] == 1.3 and wide[3] == pytest.approx(wide[2] + 0.9)


def test_headline_counts_and_was(tmp_path):
    G = crowded(9, 5, start="2024-03-01")
    data = circle_data(G, "sam", at="2024-06-01", since="2024-01-10")
    counts = data.alters["category"].value_counts()
    assert data.headline == (
        f"9 people and groups: {counts.get('natural', 0)} natural, "
        f"{counts.get('community', 0)} community, {counts.get('paid', 0)} paid"
        " \u2014 was 0 on 10 January 2024")
    assert set(data.alters["status"]) == {"new"}


def test_new_and_gone_are_marked():
    nodes = [{"id": "sam", "type": "person", "label": "Sam"},
             {"id": "jo", "type": "person", "label": "Jo"},
             {"id": "al", "type": "person", "label": "Al"}]
    ties = [{"source": "sam", "target": "jo", "kind": "friend", "start": "2023-01-01",
             "end": "2024-03-01"},
            {"source": "sam", "target": "al", "kind": "friend", "start": "2024-02-01"}]
    G = Network.from_tables(Tables.from_records(nodes, ties))
    fig = draw_circle(G, "sam", at="2024-06-01", since="2024-01-01")
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert "Al\n(new)" in texts and "Jo\n(gone)" in texts
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "new since 1 January 2024" in legend and "gone since 1 January 2024" in legend
    assert fig._suptitle.get_text() == "Sam's circle of support on 1 June 2024"
    headline = [t.get_text() for t in fig.texts if t.get_gid() == "fixed-headline"]
    assert headline == ["1 person or group: 1 natural, 0 community, 0 paid \u2014 was 1 on "
                        "1 January 2024"]


def test_person_without_alters_gets_a_clear_picture(tmp_path):
    G = Network.from_tables(Tables.from_records(
        [{"id": "sam", "type": "person", "label": "Sam"}], []))
    path = tmp_path / "alone.png"
    fig = draw_circle(G, "sam", at="2024-06-01")
    words = " ".join(t.get_text() for t in [*fig.texts, *fig.axes[0].texts])
    assert "No one in this circle of support yet" in words
    draw_circle(G, "sam", at="2024-06-01", path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_okabe_ito_palette():
    assert CATEGORY_COLOURS == {"natural": "#0072B2", "community": "#009E73",
                                "paid": "#E69F00"}


HOSTILE = ["<script>alert(1)</script>", "$\\frac{1}{0}$ $unbalanced", "a & b \"quoted\" 'single'",
           "</svg><svg onload=alert(1)>", "Siân Llŷr 😀", "{{ 7*7 }}"]


def test_labels_are_data_in_svg_and_png(tmp_path):
    nodes = [{"id": "sam", "type": "person", "label": "Sam"}]
    nodes += [{"id": f"h{i}", "type": "person", "label": lab} for i, lab in enumerate(HOSTILE)]
    ties = [{"source": "sam", "target": f"h{i}", "kind": "friend", "start": "2024-01-01"}
            for i in range(len(HOSTILE))]
    G = Network.from_tables(Tables.from_records(nodes, ties))
    fig = draw_circle(G, "sam", at="2024-06-01")
    shown = {"".join(t.get_text().split()) for t in fig.axes[0].texts}
    # drawn as written, only wrapped (mathtext is off: "$...$" is not read as maths)
    assert {"".join(h.split()) for h in HOSTILE} <= shown
    svg = tmp_path / "c.svg"
    draw_circle(G, "sam", at="2024-06-01", path=svg)
    text = svg.read_text(encoding="utf-8")
    assert "<script" not in text
    assert "&lt;script&gt;alert(1)&lt;/sc" in text  # escaped (and wrapped after 20)
    assert "<svg onload" not in text
    draw_circle(G, "sam", at="2024-06-01", path=tmp_path / "c.png")  # mathtext would raise


def test_pseudonymised_pictures_hold_no_name_or_id(tmp_path):
    G = crowded(12, 6)
    key = Pseudonymiser(b"team key")
    svg = tmp_path / "p.svg"
    draw_circle(G, "sam", at="2024-06-01", path=svg, pseudonymiser=key)
    text = svg.read_text(encoding="utf-8")
    nodes = G.tables.nodes
    for node_id, label in zip(nodes["id"], nodes["label"], strict=True):
        assert label not in text
        assert f">{node_id}<" not in text and f"{node_id}\n" not in text
        assert key(node_id) in text
    # a different key gives different pseudonyms; the same key the same ones
    other = tmp_path / "q.svg"
    draw_circle(G, "sam", at="2024-06-01", path=other, pseudonymiser=Pseudonymiser(b"other"))
    again = tmp_path / "r.svg"
    draw_circle(G, "sam", at="2024-06-01", path=again, pseudonymiser=key)
    assert key("a00") not in other.read_text(encoding="utf-8")
    assert again.read_text(encoding="utf-8") == text


def test_wrong_picture_suffix(tmp_path):
    from lacgraph.errors import QueryError

    with pytest.raises(QueryError, match="png or .svg"):
        draw_circle(crowded(2, 0), "sam", at="2024-06-01", path=tmp_path / "c.jpg")


def test_kept_alter_with_a_new_or_ended_tie_is_noted():
    nodes = [{"id": "sam", "type": "person", "label": "Sam"},
             {"id": "jo", "type": "person", "label": "Jo"},
             {"id": "gp", "type": "service", "label": "GP"}]
    ties = [{"source": "sam", "target": "jo", "kind": "neighbour", "start": "2023-01-01"},
            {"source": "sam", "target": "jo", "kind": "friend", "start": "2024-02-01"},
            {"source": "sam", "target": "gp", "kind": "service", "start": "2023-01-01"},
            {"source": "sam", "target": "gp", "kind": "service", "start": "2022-01-01",
             "end": "2024-03-01"}]
    G = Network.from_tables(Tables.from_records(nodes, ties))
    fig = draw_circle(G, "sam", at="2024-06-01", since="2024-01-01")
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert "Jo\n(+ friend)" in texts and "GP\n(\u2212 service)" in texts
    unchanged = draw_circle(G, "sam", at="2024-06-01", since="2024-04-01")
    assert {"Jo", "GP"} <= {t.get_text() for t in unchanged.axes[0].texts}


def test_timeline_plot_marks_the_introduction_and_runs_to_the_last_date():
    import matplotlib.dates as mdates
    import pandas as pd

    from lacgraph.viz.circle import draw_timeline

    table = pd.DataFrame({"date": ["2010-01-01", "2024-03-01", "2024-05-01"],
                          "size": [1, 2, 3], "natural": [1, 1, 2], "community": [0, 1, 1],
                          "paid": [0, 0, 0]})
    fig = draw_timeline(table, introduced="2024-02-01", until="2024-12-31")
    ax = fig.axes[0]
    left, _ = ax.get_xlim()
    assert mdates.num2date(left).year == 2022  # two years before the introduction, not 2010
    line = [ln for ln in ax.lines if ln.get_label() == "all alters"][0]
    assert mdates.date2num(pd.Timestamp("2024-12-31")) == pytest.approx(
        mdates.date2num(line.get_xdata()[-1]))
    assert any(t.get_text() == "introduced to LAC" for t in ax.texts)


def test_headline_agrees_with_the_measures():
    """The picture's counts are the engine's measures (closest category per alter)."""
    from lacgraph.synthetic import programme

    G = Network.from_tables(programme(600, seed=4))
    metrics = G.metrics(at="2024-06-30").set_index("id")
    supported = G.tables.nodes.loc[G.tables.nodes["supported"], "id"].tolist()[:15]
    for person in supported:
        data = circle_data(G, person, at="2024-06-30")
        m = metrics.loc[person]
        if m["size"] == 0:
            assert data.headline == "No one in this circle of support yet"
            continue
        noun = "person or group" if m["size"] == 1 else "people and groups"
        assert data.headline == (f"{m['size']} {noun}: {m['natural']} natural, "
                                 f"{m['community']} community, {m['paid']} paid")
        for ring in (1, 2, 3, 4):
            assert int((data.alters["circle"] == ring).sum()) == m[f"circle{ring}"]


# Machado, Oliveira & Fernandes (2009) simulation matrices, severity 1.0 (linear RGB)
CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}


def _lab(hex_colour: str, matrix=None) -> np.ndarray:
    rgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    if matrix is not None:
        lin = np.clip(np.array(matrix) @ lin, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", [None, *CVD])
def test_category_colours_stay_apart_for_colour_blind_readers(vision):
    """Every pair of category colours differs by at least 15 CIE76 units, with normal
    vision and under simulated protanopia, deuteranopia and tritanopia (the closest pair is
    blue/green under tritanopia, about 17; there the sector and the shape, person or group,
    tell natural and community apart as well)."""
    matrix = CVD.get(vision) if vision else None
    labs = {k: _lab(c, matrix) for k, c in CATEGORY_COLOURS.items()}
    names = list(labs)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            assert np.linalg.norm(labs[names[i]] - labs[names[j]]) >= 15, (vision, names[i],
                                                                         names[j])


KIND_POOL = [("family", 1), ("family", 2), ("friend", 1), ("friend", 2), ("friend", 3),
             ("neighbour", 3), ("peer", 2), ("member", 3), ("volunteer", 2), ("service", 4),
             ("service", 3), ("coordinator", 4)]


@settings(max_examples=12, deadline=None)
# found by Hypothesis (issue 25): a crowded services sector at the largest figure size, where
# a label once fell back onto the sector name "services & coordinator"
@example(n=39, seed=521, kinds=[("service", 4), ("family", 1), ("service", 3), ("member", 3),
                                ("friend", 1)])
# a similar case seen earlier, its mix of kinds not kept: here the crowded circles' own mix
@example(n=37, seed=37, kinds=None)
@given(n=st.integers(0, 40), seed=st.integers(0, 10_000),
       kinds=st.lists(st.sampled_from(KIND_POOL), min_size=1, max_size=5, unique=True))
def test_layout_and_labels_on_random_circles(n, seed, kinds):
    G = crowded(n, seed, kinds)
    data = circle_data(G, "sam", at="2024-06-01")
    alters = data.alters
    radii = alters.attrs["radii"]
    assert len(alters) == n
    np.testing.assert_allclose(np.hypot(alters["x"], alters["y"]),
                               alters["circle"].map(radii), atol=1e-9)
    positions = {(round(x, 9), round(y, 9)) for x, y in zip(alters["x"], alters["y"],
                                                             strict=True)}
    assert len(positions) == n  # no two alters drawn on top of each other
    fig = draw_circle(G, "sam", at="2024-06-01")
    assert label_overlaps(fig) == []
