"""The one-person verbs read plain arrays now (a page view's first answer); they give the
same tables as the frame-based versions they replaced (kept below as the reference), on
crowded circles with people new and gone, at windows that touch the boundary dates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lacgraph.analysis import circle
from lacgraph.analysis.person_view import PersonView
from lacgraph.model import KIND_CATEGORY
from lacgraph.tables import format_date, to_day_numbers
from tests.viz.helpers import MIXES, crowded


def reference_changes(G, person, since, at):
    before, day = circle._window(G, since, at)
    ties = circle.person_ties(G, person)
    start = to_day_numbers(ties["start"])
    end = to_day_numbers(ties["end"])
    lo, hi = before.astype(np.int64), day.astype(np.int64)
    added = (start > lo) & (start <= hi)
    ended = (end > lo) & (end <= hi)
    chosen = ties[added | ended].copy()
    if chosen.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in circle.CHANGE_COLUMNS})
    a, e = added[added | ended], ended[added | ended]
    chosen["change"] = np.select([a & e, a], ["came and went", "added"], "ended")
    chosen["id"] = chosen["alter"]
    chosen["category"] = chosen["kind"].map(KIND_CATEGORY)
    chosen["circle"] = chosen["circle"].astype(np.int64)
    when = np.where(chosen["change"] == "ended", chosen["end"], chosen["start"])
    chosen["start"] = chosen["start"].map(format_date)
    chosen["end"] = chosen["end"].map(format_date)
    nodes = G.tables.nodes.set_index("id")
    chosen["label"] = nodes["label"].reindex(chosen["id"]).to_numpy()
    chosen["type"] = nodes["type"].reindex(chosen["id"]).to_numpy()
    chosen["_order"] = chosen["change"].map(circle.CHANGE_ORDER)
    chosen["_when"] = when
    chosen = chosen.sort_values(["_order", "_when", "label", "id", "kind"], kind="stable")
    return chosen[list(circle.CHANGE_COLUMNS)].reset_index(drop=True)


WINDOWS = [("2023-12-31", "2024-01-01"), ("2024-01-01", "2024-06-01"),
           ("2024-03-01", "2024-12-31"), ("2024-04-01", "2024-06-01"),
           ("2024-05-31", "2024-06-01")]


@pytest.mark.parametrize("seed", range(6))
def test_changes_compare_and_timeline_as_before(seed):
    mix = list(MIXES)[seed % len(MIXES)]
    G = crowded(12 + 5 * seed, seed=seed, kinds=MIXES[mix], churn=True)
    for network in (G, PersonView(G.store, "sam")):
        for since, at in WINDOWS:
            new = circle.changes(network, "sam", since, at)
            old = reference_changes(network, "sam", since, at)
            pd.testing.assert_frame_equal(new, old, check_dtype=False)
            table = circle.compare(network, "sam", since, at)
            assert list(table.columns) == [*circle.CIRCLE_COLUMNS, *circle.COMPARE_EXTRA]
            for _, row in table.iterrows():
                mine = old[old["id"] == row["id"]]
                added = mine[mine["change"].isin(["added", "came and went"])]["kind"]
                ended = mine[mine["change"].isin(["ended", "came and went"])]["kind"]
                assert row["added"] == ";".join(sorted(set(added)))
                assert row["ended"] == ";".join(sorted(set(ended)))
        line = circle.timeline(network, "sam")
        assert line["added"].sum() == len(circle.person_ties(network, "sam"))
    assert circle.timeline(G, "sam").equals(circle.timeline(PersonView(G.store, "sam"), "sam"))
