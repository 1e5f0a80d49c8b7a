"""Issue 28 (finding 2, 3): the one disclosure rule for everything leaving the team, on
hand-worked cases, including summary rows with the attrition, clustering and survival
columns (DESIGN.md, "Exports beyond the team", revised)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lacgraph.disclosure import (
    LABELS,
    count,
    disclose,
    disclose_summary,
    is_month_end,
    month_end_on_or_before,
    one_decimal,
    p_band,
    share,
    shown,
    text,
)


def test_counts_follow_the_nhs_rule():
    assert [count(n) for n in (0, 1, 5, 7, 8, 12, 13, 17, 18, 223)] == [
        0, "*", "*", "*", 10, 10, 15, 15, 20, 225]


def test_true_percentages_from_exact_counts():
    # finding 2: 97.6% lasted used to read 100% (shares of rounded counts)
    assert share(41 * 2 - 2, 82) == "over 90%"  # 80/82: complement 2 -> a band
    assert share(40, 41 * 1) == "over 80%"      # 40/41: complement 1; 41 shows 40 -> >= 38
    assert share(160, 164) == "over 90%"        # 97.6% exactly, complement 4
    assert share(83, 100) == "83%"              # Elmham grew 83%, not 88%
    assert share(25, 30) == "over 70%"          # 5 did not: a band
    assert share(20, 30) == "60\u201370%"       # a group shown under 100: a 10-point band
    assert share(60, 98) == "61%"               # 98 is shown as 100: whole percents
    assert share(17, 223) == "8%"               # no longer 17/223 to full precision
    assert share(112, 223) == "50%"             # 50.2% -> 50
    assert share(50, 200) == "25%"


def test_bands_hold_for_every_numerator_and_every_size_the_count_allows():
    # shown n = 20 allows 18..22; with n >= 20 (else withheld) numerators 1..7 give at most
    # 7/20 = 35%, so "under 40%"; complement 1..7 gives at least 65%, so "over 60%"
    for whole in (20, 21, 22):
        assert {share(k, whole) for k in range(1, 8)} == {"under 40%"}
        assert {share(whole - k, whole) for k in range(1, 8)} == {"over 60%"}
    # shown n = 100 allows 98..102: 7/98 = 7.1% -> "under 10%"
    for whole in range(98, 103):
        assert {share(k, whole) for k in range(1, 8)} == {"under 10%"}
    assert share(0, 30) == "0%" and share(30, 30) == "100%"  # 0 stays 0


@given(whole=st.integers(20, 97), part=st.integers(0, 97))
def test_ten_point_bands_are_true_and_tell_only_the_rounded_count(whole, part):
    part = min(part, whole)
    shown = share(part, whole)
    if "\u2013" in shown:
        low, high = (int(x) for x in shown[:-1].split("\u2013"))
        assert high == low + 10 and low <= 100 * part / whole < high


@given(whole=st.integers(20, 2000), k=st.integers(1, 7))
def test_a_band_is_true_for_the_value_it_hides(whole, k):
    low = share(k, whole)
    high = share(whole - k, whole)
    assert low.startswith("under ") and high.startswith("over ")
    assert k / whole < int(low[6:-1]) / 100
    assert (whole - k) / whole > int(high[5:-1]) / 100
    # the band depends only on the shown count: every size it allows gives the same band
    same = [w for w in range(max(20, whole - 2), whole + 3) if count(w) == count(whole)]
    assert {share(j, w) for w in same for j in range(1, 8)} == {low}


def test_groups_under_twenty_get_no_figures():
    row = {"n": 19, "not_yet_due": 0, "mean_change": 1.0, "median_change": 1.0,
           "share_grew": 10 / 19, "wilcoxon_p": 0.01, "effect_r": 0.5,
           "mean_change_low": 0.2, "mean_change_high": 1.8, "retention": 0.9,
           "retention_n": 40}
    out = disclose(row)
    assert out["n"] == 20  # the count itself is shown rounded
    assert all(out[k] == "*" for k in ("mean_change", "median_change", "share_grew",
                                       "wilcoxon_p", "effect_r", "mean_change_low",
                                       "mean_change_high", "retention"))
    # finding 3: a group of 2 shown as * used to give both changes through its interval
    two = disclose({"n": 2, "mean_change_low": -3.0, "mean_change_high": 5.0,
                    "effect_r_paid": -1.0})
    assert two == {"n": "*", "mean_change_low": "*", "mean_change_high": "*",
                   "effect_r_paid": "*"}


def test_means_one_decimal_p_as_bands():
    assert one_decimal(1.25) == 1.3 and one_decimal(-1.25) == -1.3 and one_decimal(0.04) == 0.0
    assert [p_band(p) for p in (1.62e-06, 0.005, 0.049, 0.05, 0.7)] == [
        "< 0.001", "< 0.01", "< 0.05", "\u2265 0.05", "\u2265 0.05"]


def test_observed_mode_columns_each_against_their_own_group():
    row = {"mode": "observed", "n": 120, "not_yet_due": 9, "n_observed": 90, "n_missing": 25,
           "n_left": 5, "follow_up_rate": 0.75, "baseline_observed_mean": 2.345,
           "baseline_missing_mean": 1.06, "mean_change": 1.44, "mean_change_low": 0.61,
           "mean_change_high": 2.27, "icc": 0.0812, "mean_change_assumed": 1.111,
           "mean_change_missing_zero": 1.08, "mean_paid_change": -0.333,
           "median_paid_change": -1.0, "share_shifted": 0.2, "wilcoxon_p_paid": 0.0023,
           "effect_r_paid": -0.276, "mean_paid_change_low": -0.61,
           "mean_paid_change_high": -0.05, "icc_paid": None, "retention_km": 0.8123,
           "retention_km_low": 0.7, "retention_km_high": 0.9, "retention": 0.976,
           "retention_n": 82, "a_new_number": 17 / 223}
    out = disclose(row)
    assert out == {
        "mode": "observed", "n": 120, "not_yet_due": 10, "n_observed": 90, "n_missing": 25,
        "n_left": "*", "follow_up_rate": "75%", "baseline_observed_mean": 2.3,
        "baseline_missing_mean": 1.1, "mean_change": 1.4, "mean_change_low": 0.6,
        "mean_change_high": 2.3, "icc": 0.1, "mean_change_assumed": 1.1,
        "mean_change_missing_zero": 1.1, "mean_paid_change": -0.3,
        "median_paid_change": -1.0, "share_shifted": "20\u201330%", "wilcoxon_p_paid": "< 0.01",
        "effect_r_paid": -0.3, "mean_paid_change_low": -0.6, "mean_paid_change_high": -0.1,
        "icc_paid": None, "retention_km": "81%", "retention_km_low": "70%",
        "retention_km_high": "90%", "retention": "over 90%", "retention_n": 80}
    # an unknown figure is never passed through
    assert "a_new_number" not in out


def test_follow_up_rate_band_and_few_observed():
    row = {"n": 40, "n_observed": 35, "n_missing": 5, "n_left": 0, "follow_up_rate": 35 / 40,
           "mean_change": 1.0, "baseline_missing_mean": 0.4}
    out = disclose(row)
    assert out["follow_up_rate"] == "over 80%"  # 5 missing: complement 1-7
    assert out["baseline_missing_mean"] == "*"  # 5 not followed up: under 20
    few = disclose({"n": 60, "n_observed": 15, "n_missing": 45, "follow_up_rate": 0.25,
                    "mean_change": 1.0, "share_grew": 0.6})
    assert few["follow_up_rate"] == "20\u201330%"  # the rate describes the 60 due ...
    assert few["mean_change"] == "*" and few["share_grew"] == "*"  # ... the change, 15


def test_summary_with_groups_and_waves():
    s = disclose_summary({"window": {"kind": "personal", "months": 6}, "as_of": "2024-12-31",
                          "n": 50, "mean_change": 0.96,
                          "by": {"coordinator": [{"coordinator": "c1", "n": 1,
                                                  "effect_r_paid": -1.0}]},
                          "waves": [{"wave": 6, "baseline_wave": 0, "n": 21,
                                     "mean_change": 0.55}]})
    assert s["mean_change"] == 1.0 and s["as_of"] == "2024-12-31"
    assert s["by"]["coordinator"] == [{"coordinator": "c1", "n": "*", "effect_r_paid": "*"}]
    assert s["waves"] == [{"wave": 6, "baseline_wave": 0, "n": 20, "mean_change": 0.6}]


def test_words_for_pages():
    assert text(2.0) == "2" and text(-1.5) == "\u22121.5" and text(None) == "\u2014"
    rows = shown({"wilcoxon_p_paid": "< 0.001", "median_change": 2.0})
    assert rows[0] == ("median_change", "Middle change", "2")
    assert all("_" not in label for label in LABELS.values())


@pytest.mark.parametrize(("day", "end"), [("2024-03-01", "2024-02-29"),
                                          ("2024-03-31", "2024-03-31"),
                                          ("2025-01-15", "2024-12-31")])
def test_month_ends(day, end):
    assert month_end_on_or_before(day) == dt.date.fromisoformat(end)
    assert is_month_end(end) and (day == end or not is_month_end(day))
