"""Issue 28: the check that no small count can be worked out from the published figures.

:mod:`lacgraph.differencing` reads a published summary as linear constraints; these tests
hold its reading of a share to :func:`lacgraph.disclosure.share` itself (every part and
whole the text allows, and no other), hold its pinning to a brute-force search, and show
that a summary whose neighbourhoods' rounded counts pin one of them by subtraction is
published with a further figure withheld, after which the search finds two or more sizes.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lacgraph.differencing import Readings, read_share
from lacgraph.disclosure import WITHHELD, disclose, disclose_summary, reader_rule, share
from lacgraph.privacy import suppress

RULE = reader_rule()


def allowed(r: Readings, assignment: dict[int, int]) -> bool:
    """Whether the readings allow ``assignment`` of their unknowns, some 0/1 unknowns free."""
    free = [i for i in range(len(r.truth)) if i not in assignment]
    for bits in itertools.product((0, 1), repeat=len(free)):
        x = np.zeros(len(r.truth))
        for i, v in assignment.items():
            x[i] = v
        for i, v in zip(free, bits, strict=True):
            x[i] = v
        if not all(r.lower[i] <= x[i] <= r.upper[i] for i in range(len(x))):
            continue
        if all(low - 1e-9 <= sum(c * x[i] for i, c in e.items()) <= high + 1e-9
               for e, low, high, _f in r.rows):
            return True
    return False


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.integers(20, 140), st.integers(1590, 1720)), st.data())
def test_a_share_is_read_as_exactly_the_parts_and_wholes_it_allows(whole, data):
    """For every whole with the same published count, the reading allows a part exactly
    when :func:`share` would have written the same text."""
    part = data.draw(st.one_of(st.integers(0, 9), st.integers(0, whole),
                               st.integers(max(0, whole - 9), whole)))
    text = share(part, whole)
    r = Readings()
    p, w = r.unknown(0, None, truth=part), r.unknown(0, None, truth=whole)
    read_share(r, RULE, text, p, w, big=4 * whole)
    for other in range(max(20, whole - 6), whole + 7):
        if suppress(other) != suppress(whole):
            continue  # the whole's own count is published beside its shares
        for k in {*range(0, 10), *range(max(0, other - 9), other + 1),
                  *range(part - 3, part + 4)}:
            if 0 <= k <= other:
                assert allowed(r, {p: k, w: other}) == (share(k, other) == text), (
                    text, k, other)


def sizes(row: dict[str, Any], most: int) -> list[int]:
    """Every size the published count of ``row`` allows, reading ``*`` as 1-7 first."""
    shown = row["n"]
    if shown == 0:
        return [0]
    if shown == WITHHELD:
        return list(range(1, most + 1))
    return [n for n in range(shown - 2, shown + 3) if suppress(n) == shown]


def solve(published: dict[str, Any], split: str) -> dict[str, set[int]]:
    """Brute force: each group's sizes consistent with the cohort's and every group's counts
    (``*`` read as 1-7, or as any size if that reading is impossible)."""
    rows = published["by"][split]
    total = sizes(published, 10**4)
    for most in (7, max(total)):
        each = [sizes(r, most) for r in rows]
        found: dict[str, set[int]] = {r[split]: set() for r in rows}
        for combo in itertools.product(*each):
            if sum(combo) in total:
                for r, n in zip(rows, combo, strict=True):
                    found[r[split]].add(n)
        if all(found.values()):
            return found
    return found


def leaky() -> dict[str, Any]:
    """A cohort of 42 (shown 40): neighbourhoods of 13 (15), 28 (30) and 1 (*): 40 + 2 - 28
    + 2 - 1 = 13 is the only size of 13-17 the others leave."""
    return {"n": 42, "mean_change": 1.0,
            "by": {"ward": [{"ward": "Ash", "n": 13, "mean_change": 1.0},
                            {"ward": "Bay", "n": 28, "mean_change": 1.0},
                            {"ward": "Cwm", "n": 1, "mean_change": 1.0}]}}


def test_a_neighbourhood_pinned_by_subtraction_is_protected():
    exact = leaky()
    rowwise = {**disclose(exact), "by": {"ward": [
        {"ward": r["ward"], **disclose(r)} for r in exact["by"]["ward"]]}}
    assert solve(rowwise, "ward")["Ash"] == {13}  # each figure alone: the leak
    published = disclose_summary(exact)
    assert len(solve(published, "ward")["Ash"]) >= 2
    assert published["n"] == 40 and published["by"]["ward"][0]["n"] == 15  # kept
    assert sum(r["n"] == WITHHELD for r in published["by"]["ward"]) == 2  # one more withheld


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 45), min_size=2, max_size=4))
def test_no_published_split_leaves_a_small_group_one_size(groups):
    exact = {"n": sum(groups), "by": {"ward": [
        {"ward": f"W{i}", "n": n} for i, n in enumerate(groups)]}}
    published = disclose_summary(exact)
    solved = solve(published, "ward")
    for row, n in zip(exact["by"]["ward"], groups, strict=True):
        if 0 < n < 20 and suppress(n) != n:
            assert solved[row["ward"]] != {n}, (groups, published)


def test_nothing_is_withheld_when_nothing_can_be_worked_out():
    exact = {"n": 60, "by": {"ward": [{"ward": "Ash", "n": 30}, {"ward": "Bay", "n": 30}]}}
    published = disclose_summary(exact)
    assert [r["n"] for r in published["by"]["ward"]] == [30, 30]
