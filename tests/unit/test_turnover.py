"""Change between waves (kept, new, lost, jaccard, turnover, new_tied_to_old): a two-wave
network worked out by hand, and a plain per-person reference on a synthetic programme."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lacgraph.analysis.growth import growth
from lacgraph.analysis.turnover import TURNOVER_COLUMNS, turnover
from lacgraph.model import KIND_CATEGORY
from lacgraph.network import Network
from lacgraph.synthetic import programme
from lacgraph.tables import Tables

BASE, FOLLOW = "2024-01-10", "2024-07-10"


def two_waves() -> Tables:
    people = [{"id": p, "type": "person", "supported": True, "introduced_on": "2024-01-01"}
              for p in ("p", "q", "r")]
    others = [{"id": i, "type": "person"} for i in ("a", "b", "c", "d", "e", "x")]
    nodes = [*people, *others, {"id": "g", "type": "group"}, {"id": "s", "type": "service"}]

    def tie(source, target, kind, start, end=None):
        return {"source": source, "target": target, "kind": kind, "start": start, "end": end}

    ties = [
        tie("p", "a", "friend", "2024-01-01"),                 # kept
        tie("p", "a", "neighbour", "2024-01-01"),              # the same alter again
        tie("p", "b", "family", "2024-01-01", "2024-05-01"),   # lost
        tie("p", "g", "member", "2024-01-01"),                 # kept (community)
        tie("p", "c", "neighbour", "2024-06-01"),              # new
        tie("p", "d", "friend", "2024-06-01"),                 # new
        tie("p", "s", "service", "2024-01-01"),                # paid: not counted
        tie("p", "e", "friend", "2024-03-01", "2024-04-01"),   # came and went between waves
        tie("c", "a", "friend", "2024-06-15"),                 # new-kept, active at follow-up
        tie("c", "g", "member", "2024-06-01", "2024-07-01"),   # new-kept, ended before it
        tie("d", "g", "member", "2024-07-11"),                 # new-kept, starts after it
        tie("d", "c", "friend", "2024-06-01"),                 # new-new: not a (new, kept) pair
        tie("a", "b", "friend", "2024-01-01"),                 # kept-lost: not either
        tie("r", "x", "friend", "2023-12-01"),                 # r keeps x, nothing else
    ]
    return Tables.from_records(nodes, ties)


def test_the_hand_computed_two_wave_example():
    got = turnover(two_waves(), ["p", "q", "r"], [BASE] * 3, [FOLLOW] * 3).set_index("id")
    # p: kept {a, g}, new {c, d}, lost {b}; pairs (c,a) (c,g) (d,a) (d,g): only (c,a) tied
    assert got.loc["p"].to_dict() == {"kept": 2, "new": 2, "lost": 1, "jaccard": 0.4,
                                      "turnover": 0.6, "new_tied_to_old": 0.25}
    q = got.loc["q"]  # nobody at either end: the shares are empty, not 0
    assert (q["kept"], q["new"], q["lost"]) == (0, 0, 0)
    assert math.isnan(q["jaccard"]) and math.isnan(q["turnover"])
    assert math.isnan(q["new_tied_to_old"])
    r = got.loc["r"]  # kept one, no new alter: no (new, kept) pair
    assert (r["jaccard"], r["turnover"]) == (1.0, 0.0) and math.isnan(r["new_tied_to_old"])


def test_growth_rows_and_summary_carry_the_change_measures():
    g = growth(Network.from_tables(two_waves()), start=BASE, end=FOLLOW)
    rows = g.people.set_index("id")
    assert list(g.people.columns[-len(TURNOVER_COLUMNS):]) == list(TURNOVER_COLUMNS)
    assert rows.loc["p", ["kept", "new", "lost"]].tolist() == [2, 2, 1]
    assert rows.loc["p", "change"] == 1  # 4 - 3: kept + new - (kept + lost)
    s = g.summary()
    assert s["mean_jaccard"] == pytest.approx((0.4 + 1.0) / 2)  # q has no value
    assert s["mean_turnover"] == pytest.approx((0.6 + 0.0) / 2)
    assert s["mean_new_tied_to_old"] == pytest.approx(0.25)
    small = g.summary(suppress_small=True)["by"]["neighbourhood"][0]
    assert small["mean_jaccard"] is None  # a group of 3 shows no statistics


def reference(T: Tables, person: str, base: str, follow: str) -> dict[str, float]:
    """One person at a time, with sets: the definitions as written."""
    ties = T.to_text()[1]
    close = ties[ties["kind"].map(KIND_CATEGORY).isin(["natural", "community"])]

    def active(frame: pd.DataFrame, day: str) -> pd.DataFrame:
        return frame[(frame["start"] <= day) & ((frame["end"] == "") | (day < frame["end"]))]

    def alters(day: str) -> set[str]:
        mine = active(close, day)
        return (set(mine.loc[mine["source"] == person, "target"])
                | set(mine.loc[mine["target"] == person, "source"]))

    before, after = alters(base), alters(follow)
    kept, new, lost = before & after, after - before, before - after
    total = len(kept) + len(new) + len(lost)
    at_f = active(ties[ties["kind"] != "household"], follow)
    joined = {frozenset(p) for p in zip(at_f["source"], at_f["target"], strict=True)}
    pairs = [(n, k) for n in new for k in kept]
    tied = sum(frozenset(p) in joined for p in pairs)
    return {"kept": len(kept), "new": len(new), "lost": len(lost),
            "jaccard": len(kept) / total if total else np.nan,
            "turnover": (len(new) + len(lost)) / total if total else np.nan,
            "new_tied_to_old": tied / len(pairs) if pairs else np.nan}


@pytest.mark.parametrize("seed", [3, 11])
def test_whole_tables_agree_with_a_per_person_reference(seed):
    T = programme(150, seed=seed)
    people = T.nodes.loc[T.nodes["supported"].to_numpy(bool), "id"].tolist()[:40]
    base, follow = "2023-06-30", "2024-06-30"
    got = turnover(T, people, [base] * len(people), [follow] * len(people))
    want = pd.DataFrame([{"id": p, **reference(T, p, base, follow)} for p in people])
    assert want["new"].sum() > 0 and want["kept"].sum() > 0  # the example exercises both
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
