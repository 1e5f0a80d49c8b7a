"""The family picture: the household at the centre, every alter on its closest ring."""

from __future__ import annotations

import numpy as np
import pytest

from lacgraph.analysis.families import family
from lacgraph.viz.family import draw_family, family_data, label_overlaps
from tests.viz.helpers import crowded


def household_of_three(n: int, seed: int):
    """Sam's crowded circle, plus a home shared with Jo and Al; Jo also knows Sam's alters."""
    T = crowded(n, seed).tables
    nodes = T.nodes.to_dict("records") + [
        {"id": "jo", "type": "person", "label": "Jo <i>Price</i>"},
        {"id": "al", "type": "person", "label": "Al Morgan-Llewellyn"},
        {"id": "home", "type": "family", "label": "Home"}]
    ties = T.ties.to_dict("records")
    for who in ("sam", "jo", "al"):
        ties.append({"source": who, "target": "home", "kind": "household",
                     "start": np.datetime64("2020-01-01")})
    ties.append({"source": "jo", "target": "sam", "kind": "family", "start": np.datetime64(
        "2020-01-01")})
    return type(T).from_records(nodes, ties)


@pytest.mark.parametrize("seed", [0, 1])
def test_crowded_family_no_label_overlaps(seed):
    F = family(household_of_three(30, seed), "sam", "2024-06-01")
    fig = draw_family(F)
    centre = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "fixed-person"]
    assert centre == ["Al Morgan-Llewellyn\nJo <i>Price</i>\nSamantha Jones"]
    assert label_overlaps(fig) == []


def test_every_alter_on_its_closest_ring_and_members_not_alters():
    F = family(household_of_three(12, 2), "sam", "2024-06-01")
    data, _, names = family_data(F)
    assert names == ("Al Morgan-Llewellyn", "Jo <i>Price</i>", "Samantha Jones")
    assert not set(data.alters["id"]) & {"sam", "jo", "al", "home"}
    radii = data.alters.attrs["radii"]
    for _, row in data.alters.iterrows():
        assert np.hypot(row["x"], row["y"]) == pytest.approx(radii[row["circle"]])
    assert set(radii) == {1, 2, 3, 4}


def test_names_are_data_in_svg(tmp_path):
    F = family(household_of_three(3, 0), "sam", "2024-06-01")
    path = tmp_path / "home.svg"
    draw_family(F, path)
    svg = path.read_text()
    assert "Jo &lt;i&gt;Price&lt;/i&gt;" in svg and "<i>" not in svg
