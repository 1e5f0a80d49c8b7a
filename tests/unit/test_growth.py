"""Growth and retention, checked against plain-Python calculations written here.

The reference below never calls lacgraph.analysis.growth: it walks the tie records one by one
(active-at-t rule, natural + community kinds), ranks the changes by hand for the
Wilcoxon test (exact distribution, full sign-flip enumeration or normal approximation,
as scipy's defaults choose) and counts retained ties directly.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import statistics

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lacgraph.analysis.growth import (
    GROUP_COUNTS,
    PEOPLE_COLUMNS,
    SUMMARY_KEYS,
    add_months,
    growth,
    wave_summary,
    waves,
)
from lacgraph.network import Network
from lacgraph.privacy import suppress
from lacgraph.synthetic import programme
from lacgraph.tables import Tables, nodes_to_text, ties_to_text
from tests.conftest import random_network

CLOSE = {"family", "friend", "neighbour", "peer", "member", "volunteer"}
WARDS = ("Castle", "Mayhill", "Sketty")


# -- the independent reference ---------------------------------------------------------
def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def records(T: Tables) -> list[dict]:
    return ties_to_text(T.ties).to_dict("records")


def active(tie: dict, at: dt.date) -> bool:
    return day(tie["start"]) <= at and (tie["end"] == "" or at < day(tie["end"]))


def close_alters(ties: list[dict], person: str, at: dt.date) -> int:
    alters = set()
    for t in ties:
        if t["kind"] in CLOSE and active(t, at) and person in (t["source"], t["target"]):
            other = t["target"] if t["source"] == person else t["source"]
            if other != person:
                alters.add(other)
    return len(alters)


def plus_months(d: dt.date, months: int) -> dt.date:
    return (pd.Timestamp(d) + pd.DateOffset(months=months)).date()


def average_ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def rank_sum_plus(changes: list[float]) -> tuple[float, list[float]]:
    nonzero = [c for c in changes if c != 0]
    ranks = average_ranks([abs(c) for c in nonzero])
    return sum(r for r, c in zip(ranks, nonzero, strict=True) if c > 0), nonzero


def normal_z(changes: list[float]) -> float:
    r_plus, nonzero = rank_sum_plus(changes)
    m = len(nonzero)
    counts: dict[float, int] = {}
    for c in nonzero:
        counts[abs(c)] = counts.get(abs(c), 0) + 1
    var = m * (m + 1) * (2 * m + 1) / 24 - sum(t**3 - t for t in counts.values()) / 48
    return (r_plus - m * (m + 1) / 4) / math.sqrt(var)


def wilcoxon_p(changes: list[float]) -> float:
    """scipy.stats.wilcoxon's default p, worked out from first principles."""
    n = len(changes)
    r_plus, nonzero = rank_sum_plus(changes)
    m = len(nonzero)
    ties = len({abs(c) for c in nonzero}) < m
    if n <= 50 and not ties and m == n:  # exact null distribution of T+ (ranks 1..m)
        ways = [1]
        for k in range(1, m + 1):
            ways = [(ways[s] if s < len(ways) else 0) + (ways[s - k] if s >= k else 0)
                    for s in range(len(ways) + k)]
        total = 2**m
        upper = sum(ways[int(math.floor(r_plus)):]) / total
        lower = sum(ways[: int(math.ceil(r_plus)) + 1]) / total
        return min(1.0, 2 * min(upper, lower))
    if n <= 13:  # every sign flip of every change (what a full permutation test does)
        null = []
        for signs in itertools.product((1, -1), repeat=n):
            null.append(rank_sum_plus([s * c for s, c in zip(signs, changes, strict=True)])[0])
        eps = 1e-9
        upper = sum(x >= r_plus - eps for x in null) / len(null)
        lower = sum(x <= r_plus + eps for x in null) / len(null)
        return min(1.0, 2 * min(upper, lower))
    return math.erfc(abs(normal_z(changes)) / math.sqrt(2))


def reference(T: Tables, windows: dict[str, tuple[dt.date, dt.date]], last: dt.date) -> dict:
    """Per-person rows and cohort summary for people -> (baseline, followup)."""
    ties = records(T)
    rows = {}
    for person, (b, f) in windows.items():
        mine = [t for t in ties if t["kind"] in CLOSE and person in (t["source"], t["target"])]
        formed = [t for t in mine if b < day(t["start"]) <= f]
        rows[person] = {
            "from": close_alters(ties, person, b), "to": close_alters(ties, person, f),
            "formed": len(formed),
            "ended": sum(1 for t in mine if t["end"] and b < day(t["end"]) <= f),
            "still": sum(1 for t in formed if t["end"] == "" or f < day(t["end"])),
        }
    new = {}
    for i, t in enumerate(ties):
        for person in {t["source"], t["target"]} & set(windows):
            b, f = windows[person]
            if t["kind"] in CLOSE and b < day(t["start"]) <= f:
                new[i] = t
    due = [t for t in new.values() if day(t["start"]) + dt.timedelta(days=182) <= last]
    lasted = [t for t in due if active(t, day(t["start"]) + dt.timedelta(days=182))]
    changes = [float(r["to"] - r["from"]) for r in rows.values()]
    n = len(changes)
    any_change = any(changes)
    return {
        "rows": rows,
        "summary": {
            "n": n,
            "mean_change": statistics.mean(changes) if n else None,
            "median_change": statistics.median(changes) if n else None,
            "share_grew": sum(c > 0 for c in changes) / n if n else None,
            "share_same": sum(c == 0 for c in changes) / n if n else None,
            "share_shrank": sum(c < 0 for c in changes) / n if n else None,
            "wilcoxon_p": wilcoxon_p(changes) if any_change else None,
            "effect_r": normal_z(changes) / math.sqrt(n) if any_change else None,
            "retention": len(lasted) / len(due) if due else None,
            "retention_n": len(due),
        },
    }


def assert_summary(got: dict, want: dict) -> None:
    for key, value in want.items():
        if value is None:
            assert got[key] is None, key
        else:
            assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key


def assert_rows(g, want_rows: dict) -> None:
    people = g.people.set_index("id")
    assert sorted(people.index) == sorted(want_rows)
    for person, want in want_rows.items():
        row = people.loc[person]
        got = (row["natural_community_from"], row["natural_community_to"], row["change"],
               row["ties_formed"], row["ties_ended"], row["ties_still_active"])
        assert got == (want["from"], want["to"], want["to"] - want["from"], want["formed"],
                       want["ended"], want["still"]), person


# -- hand-built cohort -------------------------------------------------------------------
def hand_built() -> Tables:
    node = {"type": "person", "supported": True, "neighbourhood": "Castle", "coordinator": "lac"}
    return Tables.from_records(
        nodes=[
            {"id": "lac", "type": "coordinator"},
            {"id": "choir", "type": "group"},
            {"id": "gp", "type": "service"},
            {**node, "id": "ann", "introduced_on": "2024-01-01"},   # no ties at baseline
            {**node, "id": "dev", "introduced_on": "2023-06-01", "neighbourhood": "Mayhill"},
            {**node, "id": "gus", "introduced_on": "2023-12-01"},
            {**node, "id": "fay", "introduced_on": "2024-02-01"},   # after t0: not in cohort
            {**node, "id": "hal", "introduced_on": ""},             # never introduced
            {"id": "bob", "type": "person"},
            {"id": "eve", "type": "person"},
        ],
        ties=[
            {"source": "ann", "target": "lac", "kind": "coordinator", "start": "2024-01-01"},
            {"source": "ann", "target": "gp", "kind": "service", "start": "2024-02-01"},
            {"source": "ann", "target": "bob", "kind": "friend", "start": "2024-02-01"},
            # ends on the follow-up date: no longer active then
            {"source": "ann", "target": "choir", "kind": "member", "start": "2024-03-01",
             "end": "2024-06-30"},
            # joins two cohort members: one new tie for retention
            {"source": "ann", "target": "gus", "kind": "peer", "start": "2024-04-01"},
            {"source": "dev", "target": "eve", "kind": "friend", "start": "2023-01-01",
             "end": "2024-03-01"},
            {"source": "dev", "target": "eve", "kind": "neighbour", "start": "2023-01-01"},
            {"source": "gus", "target": "choir", "kind": "member", "start": "2023-01-01",
             "end": "2024-02-01"},
            {"source": "fay", "target": "bob", "kind": "friend", "start": "2024-03-01"},
        ],
    )


def test_hand_built_fixed_window():
    G = Network.from_tables(hand_built())
    g = growth(G, start="2024-01-01", end="2024-06-30", as_of="2024-09-01")
    assert list(g.people.columns) == list(PEOPLE_COLUMNS)
    rows = g.people.set_index("id")
    # ann: 0 -> bob, gus (choir ended on the follow-up date); formed bob, choir, gus
    assert rows.loc["ann", ["natural_community_from", "natural_community_to", "change",
                            "ties_formed", "ties_ended", "ties_still_active"]].tolist() == [
        0, 2, 2, 3, 1, 2]
    # ann's paid alters: lac (a coordinator: not counted) at t0, then also gp
    assert rows.loc["ann", "paid_from"] == 0 and rows.loc["ann", "paid_to"] == 1
    # dev: eve by two ties, one ends -> still one alter
    assert rows.loc["dev", ["natural_community_from", "natural_community_to"]].tolist() == [1, 1]
    assert rows.loc["dev", "ties_ended"] == 1
    # gus: choir -> ann
    assert rows.loc["gus", ["natural_community_from", "natural_community_to", "change"]
                    ].tolist() == [1, 1, 0]
    assert sorted(rows.index) == ["ann", "dev", "gus"]
    s = g.summary()
    assert (s["n"], s["not_yet_due"], s["mean_change"], s["median_change"]) == (3, 0, 2 / 3, 0)
    assert (s["share_grew"], s["share_same"], s["share_shrank"]) == (1 / 3, 2 / 3, 0)
    # one non-zero change (+2) among three: sign flips give p = 1; Z = 1, r = 1/sqrt(3)
    assert s["wilcoxon_p"] == pytest.approx(1.0)
    assert s["effect_r"] == pytest.approx(1 / math.sqrt(3))
    # new ties: ann-bob (182nd day 2024-08-01, active), ann-choir (2024-08-30, ended),
    # ann-gus (2024-09-30: after as_of, not counted)
    assert (s["retention"], s["retention_n"]) == (0.5, 2)
    assert [r["neighbourhood"] for r in s["by"]["neighbourhood"]] == ["Castle", "Mayhill"]
    castle = s["by"]["neighbourhood"][0]
    assert (castle["n"], castle["retention_n"], castle["mean_change"]) == (2, 2, 1.0)


def test_hand_built_personal_window():
    T = hand_built()
    G = Network.from_tables(T)
    g = growth(G, months=5, as_of="2024-07-15")
    # ann 2024-01-01 -> 2024-06-01, dev 2023-06-01 -> 2023-11-01, gus 2023-12-01 ->
    # 2024-05-01, fay 2024-02-01 -> 2024-07-01; all due; hal has no introduction
    assert g.not_yet_due == 0
    windows = {p: (day(b), day(f)) for p, b, f in g.people[["id", "baseline", "followup"]]
               .itertuples(index=False)}
    assert windows == {"ann": (day("2024-01-01"), day("2024-06-01")),
                       "dev": (day("2023-06-01"), day("2023-11-01")),
                       "gus": (day("2023-12-01"), day("2024-05-01")),
                       "fay": (day("2024-02-01"), day("2024-07-01"))}
    want = reference(T, windows, day("2024-07-15"))
    assert_rows(g, want["rows"])
    assert_summary(g.summary(), want["summary"])
    # a month later fay is not yet due
    g = growth(G, months=6, as_of="2024-07-15")
    assert g.not_yet_due == 1 and "fay" not in set(g.people["id"])
    assert g.summary()["not_yet_due"] == 1


def test_every_change_zero_gives_no_p():
    T = Tables.from_records(
        nodes=[{"id": "a", "type": "person", "supported": True, "introduced_on": "2024-01-01"},
               {"id": "b", "type": "person"}],
        ties=[{"source": "a", "target": "b", "kind": "friend", "start": "2023-01-01"}])
    s = growth(Network.from_tables(T), start="2024-01-01", end="2024-06-01").summary()
    assert (s["n"], s["wilcoxon_p"], s["effect_r"], s["share_same"]) == (1, None, None, 1.0)
    assert (s["retention"], s["retention_n"]) == (None, 0)


@pytest.mark.parametrize("text,months,want", [
    ("2024-01-31", 1, "2024-02-29"), ("2023-01-31", 1, "2023-02-28"),
    ("2024-08-31", 1, "2024-09-30"), ("2024-12-15", 2, "2025-02-15"),
    ("2024-02-29", 12, "2025-02-28"), ("2024-05-31", 6, "2024-11-30"),
])
def test_add_months_clips_to_month_end(text, months, want):
    assert str(add_months([text], months)[0]) == want
    assert plus_months(day(text), months) == day(want)


def test_bad_windows_are_clear_errors():
    from lacgraph.errors import QueryError

    G = Network.from_tables(hand_built())
    for kwargs in ({}, {"start": "2024-01-01"}, {"start": "2024-06-01", "end": "2024-01-01"},
                   {"start": "2024-01-01", "end": "2024-06-01", "months": 6}, {"months": 0},
                   {"start": "2024-01-01", "end": "2024-06-01", "as_of": "2024-05-01"}):
        with pytest.raises(QueryError):
            growth(G, **kwargs)
    with pytest.raises(QueryError, match="not a node attribute"):
        growth(G, months=6).summary(by="shoe_size")


# -- random cohorts ----------------------------------------------------------------------
def supported_network(seed: int) -> Tables:
    T = random_network(seed, n_people=30, n_ties=170, at="2024-01-01")
    rng = np.random.default_rng(seed + 1000)
    nodes = nodes_to_text(T.nodes).to_dict("records")
    coordinators = [n["id"] for n in nodes if n["type"] == "coordinator"]
    for node in nodes:
        if node["type"] == "person" and rng.random() < 0.7:
            node["supported"] = "true"
            node["introduced_on"] = (str(np.datetime64("2023-01-01") + rng.integers(0, 480))
                                     if rng.random() < 0.9 else "")
            node["neighbourhood"] = WARDS[rng.integers(len(WARDS))]
            node["coordinator"] = coordinators[rng.integers(len(coordinators))]
    return Tables.from_records(nodes, records(T))


@pytest.mark.parametrize("seed", range(6))
def test_random_fixed_window_against_reference(seed):
    T = supported_network(seed)
    G = Network.from_tables(T)
    t0, t1, last = "2023-06-01", "2024-01-01", "2024-06-01"
    g = growth(G, start=t0, end=t1, as_of=last)
    nodes = T.nodes
    cohort = nodes[nodes["supported"] & (nodes["introduced_on"] <= pd.Timestamp(t0))]["id"]
    want = reference(T, {p: (day(t0), day(t1)) for p in cohort}, day(last))
    assert_rows(g, want["rows"])
    assert_summary(g.summary(), want["summary"])
    # every measure at both ends is the whole-snapshot measure; paid_from/paid_to count
    # the paid alters other than coordinators (DESIGN.md, "Service dependency")
    for end, at in (("from", t0), ("to", t1)):
        M = G.metrics(at).set_index("id").loc[g.people["id"]]
        for m in M.columns:
            pd.testing.assert_series_equal(
                g.people[f"{m}_{end}"].reset_index(drop=True),
                (M[m] if m != "paid" else paid_other_than_coordinators(T, M.index, at)
                 ).reset_index(drop=True), check_names=False)


def paid_other_than_coordinators(T: Tables, people: pd.Index, at: str) -> pd.Series:
    """Paid alters that are not coordinator nodes nor joined only by coordinator ties, from
    the active ties row by row (no network code)."""
    day_ = pd.Timestamp(at)
    types = dict(zip(T.nodes["id"], T.nodes["type"], strict=True))
    counts = {}
    for p in people:
        kinds: dict[str, set[str]] = {}
        for row in T.ties.itertuples():
            if row.kind == "household" or not (row.start <= day_ and (
                    pd.isna(row.end) or day_ < row.end)):
                continue
            if p in (row.source, row.target):
                other = row.target if row.source == p else row.source
                kinds.setdefault(other, set()).add(row.kind)
        counts[p] = sum(1 for a, ks in kinds.items()
                        if ks <= {"service", "coordinator"} and "service" in ks
                        and types[a] != "coordinator")
    return pd.Series(counts, dtype="int64")


@pytest.mark.parametrize("seed", range(6))
def test_random_personal_window_against_reference(seed):
    T = supported_network(seed)
    G = Network.from_tables(T)
    last = day("2024-03-20")
    g = growth(G, months=6, as_of=str(last))
    nodes = T.nodes[T.nodes["supported"] & T.nodes["introduced_on"].notna()]
    windows, pending = {}, 0
    for person, intro in zip(nodes["id"], nodes["introduced_on"], strict=True):
        b = intro.date()
        f = plus_months(b, 6)
        if f > last:
            pending += 1
        else:
            windows[person] = (b, f)
    want = reference(T, windows, last)
    assert g.not_yet_due == pending > 0
    assert_rows(g, want["rows"])
    assert_summary(g.summary(), want["summary"])
    for person, (b, f) in list(windows.items())[:5]:
        row = g.people.set_index("id").loc[person]
        for end, at in (("from", b), ("to", f)):
            M = G.metrics(str(at)).set_index("id").loc[person]
            assert row[f"size_{end}"] == M["size"]
            assert row[f"components_{end}"] == M["components"]
            assert (np.isnan(M["constraint"]) and np.isnan(row[f"constraint_{end}"])) or (
                row[f"constraint_{end}"] == pytest.approx(M["constraint"]))


@pytest.mark.parametrize("seed", range(4))
def test_group_summaries_against_reference_and_suppression(seed):
    T = supported_network(seed)
    G = Network.from_tables(T)
    last = day("2024-03-20")
    g = growth(G, months=3, as_of=str(last))
    s = g.summary(by="coordinator")
    hidden = g.summary(suppress_small=True)
    nodes = T.nodes[T.nodes["supported"] & T.nodes["introduced_on"].notna()]
    for ward in WARDS:
        members = nodes[nodes["neighbourhood"] == ward]
        windows = {p: (i.date(), plus_months(i.date(), 3))
                   for p, i in zip(members["id"], members["introduced_on"], strict=True)}
        due = {p: w for p, w in windows.items() if w[1] <= last}
        want = reference(T, due, last)
        row = next(r for r in s["by"]["neighbourhood"] if r["neighbourhood"] == ward)
        assert row["not_yet_due"] == len(windows) - len(due)
        assert_summary(row, want["summary"])
        shown = next(r for r in hidden["by"]["neighbourhood"] if r["neighbourhood"] == ward)
        for key in ("n", "not_yet_due", "retention_n"):
            assert shown[key] == suppress(row[key]), key
        if shown["n"] == "*":
            assert all(shown[k] is None for k in SUMMARY_KEYS if k not in GROUP_COUNTS)
    assert {r["coordinator"] for r in s["by"]["coordinator"]} == set(nodes["coordinator"])
    assert sum(r["n"] for r in s["by"]["coordinator"]) == s["n"]


def test_suppression_rule_on_every_group_count():
    # a programme big enough for counts above, below and at the thresholds
    G = Network.from_tables(programme(1500, seed=4))
    seen = set()
    for as_of in (None, "2030-01-01"):  # the second: everyone due, not_yet_due 0
        g = growth(G, months=6, as_of=as_of)
        s, plain = g.summary(suppress_small=True), g.summary()
        for col, rows in s["by"].items():
            for shown, exact in zip(rows, plain["by"][col], strict=True):
                for key in ("n", "not_yet_due", "retention_n"):
                    want = 0 if exact[key] == 0 else "*" if exact[key] <= 7 else (
                        5 * round(exact[key] / 5))
                    assert shown[key] == want
                    seen.add("zero" if want == 0 else "star" if want == "*" else "rounded")
                if shown["n"] != "*":  # shown: every statistic as the team's own copy has it
                    for key in set(SUMMARY_KEYS) - set(GROUP_COUNTS):
                        withheld = (key == "retention" and shown["retention_n"] == "*") or (
                            key.startswith("retention_km") and shown["retention_km_n"] == "*")
                        assert shown[key] == (None if withheld else exact[key]), key
                        seen.add("statistics")
    assert seen == {"zero", "star", "rounded", "statistics"}


# -- waves -------------------------------------------------------------------------------
def test_waves_long_format_against_reference():
    T = supported_network(3)
    G = Network.from_tables(T)
    last = day("2024-03-20")
    W = waves(G, (0, 3, 9), as_of=str(last), balanced=False)
    ties = records(T)
    nodes = T.nodes[T.nodes["supported"] & T.nodes["introduced_on"].notna()]
    want = []
    for person, intro in sorted(zip(nodes["id"], nodes["introduced_on"], strict=True)):
        for m in (0, 3, 9):
            at = plus_months(intro.date(), m)
            if at <= last:
                want.append((person, m, str(at), close_alters(ties, person, at)))
    assert list(W[["id", "wave", "date", "natural_community"]].itertuples(index=False,
                                                                         name=None)) == want
    summary = wave_summary(W)
    assert [w["wave"] for w in summary] == [3, 9]
    for w in summary:
        base = {p: c for p, m, _, c in want if m == 0}
        changes = [float(c - base[p]) for p, m, _, c in want if m == w["wave"]]
        assert w["n"] == len(changes)
        assert w["mean_change"] == pytest.approx(statistics.mean(changes))
        assert w["wilcoxon_p"] == pytest.approx(wilcoxon_p(changes))


def test_wilcoxon_reference_branches_agree_with_the_summary():
    # exact (no ties, no zeros), sign flips (zeros, n <= 13), normal approximation (n > 50)
    from lacgraph.analysis.growth import _statistics

    no_ties = pd.DataFrame({"tie": [], "due": [], "lasted": []})
    for changes in ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -11], [1, 1, 0, -2, 3, 0, 2],
                    [3, 1, -1, 2, 0, 1, 4, 2, -2, 1, 0, 1] * 5):
        got = _statistics(np.array(changes), 0, no_ties)
        assert got["wilcoxon_p"] == pytest.approx(wilcoxon_p([float(c) for c in changes]))
        assert got["effect_r"] == pytest.approx(normal_z(changes) / math.sqrt(len(changes)))


@settings(max_examples=60, deadline=None)
@given(changes=st.lists(st.integers(-4, 6), max_size=70), seed=st.integers(0, 2**32 - 1))
def test_a_remembered_wilcoxon_is_scipys_answer_in_any_order(changes, seed):
    """Small samples' tests are remembered by their sorted values: the answer for the same
    values in another order is scipy's own, to the last bit."""
    from scipy import stats

    from lacgraph.analysis.cohort import wilcoxon_effect

    x = np.array(changes, dtype=float)
    shuffled = np.random.default_rng(seed).permutation(x)
    first, again = wilcoxon_effect(x), wilcoxon_effect(shuffled)
    assert first == again
    if not x.any():
        assert first == (None, None)
        return
    z = stats.wilcoxon(shuffled, method="asymptotic", alternative="greater").zstatistic
    assert again == (float(stats.wilcoxon(shuffled).pvalue), float(z) / math.sqrt(len(x)))


# -- the demo programme ------------------------------------------------------------------
def test_demo_programme_shows_growth():
    G = Network.from_tables(programme(3000, seed=1))
    s = growth(G, months=6).summary()
    assert s["n"] > 100 and s["mean_change"] > 0 and s["wilcoxon_p"] < 0.05
    assert s["effect_r"] > 0 and 0 < s["retention"] <= 1


def test_demo_report_has_the_growth_summary_and_plots(tmp_path):
    import json

    from lacgraph.demo import run_demo

    report = run_demo(tmp_path, people=600, seed=3)
    summary = json.loads((tmp_path / "growth-summary.json").read_text(encoding="utf-8"))
    assert all(key in summary for key in SUMMARY_KEYS) and summary["waves"]
    assert summary["mean_change"] > 0
    for name in ("growth-change.png", "growth-waves.png", "growth-retention.png"):
        assert (tmp_path / name).stat().st_size > 1000
        assert name in (tmp_path / "README.txt").read_text(encoding="utf-8")
    assert report.headline["supported people 6 months after introduction"] == summary["n"]


@pytest.mark.parametrize("batch_ties", [2_000_000, 10])
def test_measures_at_own_dates_equal_whole_snapshot_measures(monkeypatch, batch_ties):
    import lacgraph.analysis.timeline as timeline_module
    from lacgraph.analysis.growth import measures_at

    monkeypatch.setattr(timeline_module, "_BATCH_TIES", batch_ties)  # one batch, or many
    T = random_network(11, n_people=30, n_ties=200, at="2024-01-01")
    G = Network.from_tables(T)
    rng = np.random.default_rng(5)
    people = T.nodes.loc[T.nodes["type"] == "person", "id"].to_numpy(object)
    who = rng.choice(people, 60)
    dates = [str(np.datetime64("2023-06-01") + int(x)) for x in rng.integers(0, 400, 60)]
    dates[:5] = ["2024-01-01"] * 5  # ties start and end on this day
    got = measures_at(G, who, dates)
    want = pd.concat([G.metrics(d).set_index("id").loc[[p]] for p, d in zip(who, dates,
                                                                          strict=True)])
    pd.testing.assert_frame_equal(got, want.reset_index(drop=True), check_dtype=True)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), months=st.integers(1, 12))
def test_relabelling_ids_changes_nothing(seed, months):
    T = supported_network(seed)
    nodes, ties = nodes_to_text(T.nodes), ties_to_text(T.ties)
    rename = {i: f"x{len(nodes) - k:03d}" for k, i in enumerate(nodes["id"])}
    nodes["id"] = nodes["id"].map(rename)
    nodes["coordinator"] = nodes["coordinator"].map(lambda c: rename.get(c, c))
    for col in ("source", "target", "brokered_by"):
        ties[col] = ties[col].map(lambda v: rename.get(v, v))
    U = Tables.from_records(nodes.to_dict("records"), ties.to_dict("records"))
    a = growth(Network.from_tables(T), months=months, as_of="2024-03-20")
    b = growth(Network.from_tables(U), months=months, as_of="2024-03-20")
    sa, sb = a.summary(), b.summary()
    assert sb["by"]["neighbourhood"] == sa["by"]["neighbourhood"]
    for key in SUMMARY_KEYS:
        assert (sa[key] is None and sb[key] is None) or sa[key] == pytest.approx(sb[key])
    assert sa["share_grew"] is None or (
        sa["share_grew"] + sa["share_same"] + sa["share_shrank"] == pytest.approx(1.0))
    # ids stay object dtype (as lacgraph keeps them); pandas 3 infers "str" when mapping an
    # empty column, which would be the test's own doing, not growth's
    left = a.people.assign(id=a.people["id"].map(rename).astype(object)).sort_values("id")
    pd.testing.assert_frame_equal(left.reset_index(drop=True), b.people.reset_index(drop=True))


def test_plots_take_their_format_from_the_suffix(tmp_path):
    import matplotlib.pyplot as plt

    from lacgraph.viz.growth import plot_change, plot_retention, plot_waves, wave_means

    G = Network.from_tables(programme(400, seed=5))
    g = growth(G, months=6)
    W = waves(G, (0, 6, 12))
    for fig in (plot_change(g, tmp_path / "c.svg"), plot_waves(W, tmp_path / "w.svg"),
                plot_retention(g, tmp_path / "r.png")):
        plt.close(fig)
    assert b"<svg" in (tmp_path / "c.svg").read_bytes()[:2000]
    assert b"<svg" in (tmp_path / "w.svg").read_bytes()[:2000]
    assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"
    # the wave means and their 95% t intervals, by hand for wave 0
    x = W.loc[W["wave"] == 0, "natural_community"].to_numpy(float)
    from scipy.stats import t

    sd = math.sqrt(sum((v - x.mean()) ** 2 for v in x) / (len(x) - 1))
    half = t.ppf(0.975, len(x) - 1) * sd / math.sqrt(len(x))
    row = wave_means(W).iloc[0]
    assert row["mean"] == pytest.approx(statistics.mean(x))
    assert (row["low"], row["high"]) == pytest.approx((x.mean() - half, x.mean() + half))
