"""What a growth figure may look like once it leaves the team: one function for every output.

DESIGN.md, "Exports beyond the team" (revised), implemented once here and used by the
evaluator pages, the CLI's suppressed output and the council report, so they show the same
numbers:

* counts: 0 stays 0, 1-7 become ``"*"``, others round to the nearest 5
  (:func:`lacgraph.privacy.suppress`);
* shares and means are worked out from the **exact** values, then shown as a whole percent
  (``"42%"``) or to one decimal; a figure is withheld (``"*"``) when the exact group it
  describes has fewer than :data:`MIN_GROUP` (20) people; a share of a group shown as fewer
  than :data:`WHOLE_PERCENT_FROM` (100) is shown as a 10-point band (``"50–60%"``), since
  whole percents of such a group, read together, often give its exact size away;
* a share whose numerator or complement is 1-7 is shown only as a band in steps of 10
  (``"under 40%"``, ``"over 60%"``) that every numerator of 1-7 would also satisfy, for
  every group size the shown (rounded) count allows, so the band says nothing the rounded
  count does not;
* p-values as bands (``"< 0.001"``, ``"< 0.01"``, ``"< 0.05"``, ``"≥ 0.05"``); effect sizes,
  intervals and intra-cluster correlations to one decimal;
* windows and reporting dates are month ends (:func:`month_end_on_or_before`);
* a summary's groups (:func:`disclose_summary`) are checked together: while the published
  figures, combined (counts add up, shares tie parts to groups), leave a hidden small count
  only one possible value, a further figure is withheld (:mod:`lacgraph.differencing`).

:func:`disclose` takes one exact summary row (the keys of
:meth:`lacgraph.analysis.growth.Growth.summary`, with or without the attrition, clustering
and survival columns) and returns only what may be shown: keys it does not know are left
out, never passed through. :func:`disclose_summary` does the same for a whole summary with
its groups; :func:`text` writes a published value in words for a page.

Examples
--------
>>> row = {"n": 223, "not_yet_due": 4, "mean_change": 1.2345, "median_change": 2.0,
...        "share_shifted": 17 / 223, "share_grew": 216 / 223, "wilcoxon_p": 0.0004,
...        "effect_r": 0.4567}
>>> out = disclose(row)
>>> out["n"], out["not_yet_due"], out["mean_change"], out["median_change"]
(225, '*', 1.2, 2.0)
>>> out["share_shifted"], out["share_grew"], out["wilcoxon_p"], out["effect_r"]
('8%', 'over 90%', '< 0.001', 0.5)
>>> disclose({"n": 30, "share_grew": 20 / 30})["share_grew"]
'60–70%'
>>> disclose({"n": 19, "mean_change": 1.0, "share_grew": 0.5})
{'n': 20, 'mean_change': '*', 'share_grew': '*'}
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from lacgraph.differencing import Rule, protect
from lacgraph.i18n import N_, _
from lacgraph.privacy import ROUND_TO, SUPPRESS_UP_TO, suppress

MIN_GROUP = 20
"""The smallest exact group that gets statistics, shares, plots, curves or rows."""

WHOLE_PERCENT_FROM = 100
"""A share is shown to a whole percent when its group's shown count is at least this; below
it, as a 10-point band ("50–60%"). Whole percents of a group of 20-99 often give away its
exact size (tests/unit/test_disclosure_attack.py measures how), and exact sizes of the big
groups of a split give the small group's size by subtraction."""

WITHHELD = "*"
"""The one symbol for a figure that is withheld (small numbers)."""

COUNTS: tuple[str, ...] = ("n", "not_yet_due", "n_observed", "n_missing", "n_left",
                           "n_missing_baseline", "retention_n", "retention_km_n", "introduced",
                           "due")
"""Counts of people or ties: suppressed and rounded."""

# share -> (count of its denominator); the numerator is share x exact denominator
SHARES: dict[str, str] = {
    "share_grew": "stat", "share_same": "stat", "share_shrank": "stat",
    "share_shifted": "stat", "follow_up_rate": "n", "retention": "retention_n",
}
"""Shares with a numerator: whole percent, or a band when the numerator or complement is 1-7."""

SURVIVAL: tuple[str, ...] = ("retention_km", "retention_km_low", "retention_km_high")
"""Kaplan-Meier estimates (no numerator): whole percent of the new ties' group."""

MEANS: dict[str, str] = {
    "mean_change": "stat", "median_change": "stat", "mean_change_low": "stat",
    "mean_change_high": "stat", "effect_r": "stat", "icc": "stat",
    "mean_paid_change": "stat", "median_paid_change": "stat",
    "mean_paid_change_low": "stat", "mean_paid_change_high": "stat",
    "effect_r_paid": "stat", "icc_paid": "stat",
    "mean_change_assumed": "n", "mean_change_missing_zero": "n",
    "baseline_observed_mean": "n_observed", "baseline_missing_mean": "missing",
    "natural": "n", "community": "n", "paid": "n",
}
"""Means, medians, intervals, r and ICC: one decimal; the group each describes."""

P_VALUES: dict[str, str] = {"wilcoxon_p": "stat", "wilcoxon_p_paid": "stat"}
"""p-values: shown as bands."""

WORDS: tuple[str, ...] = ("mode", "follow_up_days", "window", "as_of", "wave", "baseline_wave",
                          "view")
"""Words and dates that pass through as they are (a window's dates are month ends)."""

LABELS: dict[str, str] = {
    "mode": N_("How follow-up was measured"),
    "n": N_("People due for follow-up"),
    "not_yet_due": N_("People not yet due"),
    "n_observed": N_("People followed up"),
    "n_missing": N_("People missing at follow-up"),
    "n_left": N_("People whose support ended before follow-up"),
    "n_missing_baseline": N_("People with no starting review"),
    "follow_up_rate": N_("Followed up"),
    "baseline_observed_mean": N_("Connections at the start: people followed up (average)"),
    "baseline_missing_mean": N_("Connections at the start: people not followed up (average)"),
    "mean_change": N_("Average change in family, friends and groups"),
    "mean_change_low": N_("Lowest likely average change (95%)"),
    "mean_change_high": N_("Highest likely average change (95%)"),
    "median_change": N_("Middle change"),
    "share_grew": N_("Grew"),
    "share_same": N_("Stayed the same"),
    "share_shrank": N_("Shrank"),
    "wilcoxon_p": N_("Chance of a change this large if nothing changed"),
    "effect_r": N_("Size of the change (r, −1 to 1)"),
    "icc": N_("How alike one coordinator's people are (ICC)"),
    "mean_change_assumed": N_("Average change if records are assumed current"),
    "mean_change_missing_zero": N_("Average change if people not followed up had no change"),
    "mean_paid_change": N_("Average change in services"),
    "mean_paid_change_low": N_("Lowest likely average change in services (95%)"),
    "mean_paid_change_high": N_("Highest likely average change in services (95%)"),
    "median_paid_change": N_("Middle change in services"),
    "share_shifted": N_("Fewer services and more family, friends and groups"),
    "wilcoxon_p_paid": N_("Chance of a change in services this large if nothing changed"),
    "effect_r_paid": N_("Size of the change in services (r, −1 to 1)"),
    "icc_paid": N_("How alike one coordinator's people are in services (ICC)"),
    "retention_km": N_("New connections still going after 182 days (survival estimate)"),
    "retention_km_low": N_("Lowest likely share still going after 182 days (95%)"),
    "retention_km_high": N_("Highest likely share still going after 182 days (95%)"),
    "retention": N_("Share of connections old enough that lasted 182 days"),
    "retention_n": N_("New connections old enough to tell"),
}
"""Plain headings for each published figure, in the order pages show them (marked for the
catalogue: :func:`label` gives one in the current language)."""


def label(key: str) -> str:
    """The plain heading of a published figure in the current language.

    Examples
    --------
    >>> label("share_grew")
    'Grew'
    """
    return _(LABELS[key])


# -- single values -------------------------------------------------------------------------
def count(n: int | float | None, *, up_to: int = SUPPRESS_UP_TO, base: int = ROUND_TO
          ) -> int | str | None:
    """A count as it may be shown: 0 stays 0, 1-7 become ``"*"``, others round to 5.

    Examples
    --------
    >>> [count(v) for v in (0, 1, 7, 8, 22, 23, None)]
    [0, '*', '*', 10, 20, 25, None]
    """
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return None
    return suppress(int(n), up_to=up_to, base=base)


def _smallest_possible(group: int, up_to: int, base: int) -> int:
    """The smallest exact group size that the shown (rounded) count of ``group`` allows."""
    shown = suppress(group, up_to=up_to, base=base)
    if shown in (0, WITHHELD):
        return max(group, MIN_GROUP)
    return max(MIN_GROUP, int(shown) - base // 2)


def share(part: int, whole: int, *, up_to: int = SUPPRESS_UP_TO, base: int = ROUND_TO,
          min_group: int = MIN_GROUP, whole_from: int = WHOLE_PERCENT_FROM) -> str | None:
    """``part / whole`` as it may be shown: a whole percent from the exact counts, a band when
    ``part`` or ``whole - part`` is 1-7, ``"*"`` when ``whole`` is under ``min_group``, a
    10-point band when the shown count of ``whole`` is under ``whole_from``.

    The 1-7 band is the narrowest step of 10 that every numerator of 1 to ``up_to``
    satisfies over every ``whole`` the rounded count allows (so it tells nothing more than
    that count). A 10-point band runs from its first figure up to, not including, its last
    (``"50–60%"``: at least 50%, under 60%); 0% and 100% are shown as they are.

    Examples
    --------
    >>> share(40, 223), share(0, 50), share(50, 50), share(3, 19)
    ('18%', '0%', '100%', '*')
    >>> share(3, 100), share(97, 100), share(7, 20), share(15, 20), share(None, 30)
    ('under 10%', 'over 90%', 'under 40%', 'over 60%', None)
    >>> share(20, 30), share(15, 30), share(83, 100)
    ('60–70%', '50–60%', '83%')
    """
    if part is None or whole is None:
        return None
    part, whole = int(part), int(whole)
    if whole < min_group:
        return WITHHELD
    smallest = _smallest_possible(whole, up_to, base)
    top = 100 * up_to / smallest  # the largest share a numerator of 1..up_to can be
    if 0 < part <= up_to:
        return f"under {(math.floor(top / 10) + 1) * 10}%"
    if 0 < whole - part <= up_to:
        return f"over {(math.ceil((100 - top) / 10) - 1) * 10}%"
    if part in (0, whole) or int(suppress(whole, up_to=up_to, base=base)) >= whole_from:
        return f"{_half_up(100 * part / whole, 0):.0f}%"
    low = math.floor(10 * part / whole) * 10
    return f"{low}\u2013{low + 10}%"


def percent(value: float | None) -> str | None:
    """A proportion (not a count share, e.g. a survival estimate) as a whole percent.

    Examples
    --------
    >>> percent(0.9761), percent(None)
    ('98%', None)
    """
    if _missing(value):
        return None
    return f"{_half_up(100 * float(value), 0):.0f}%"  # type: ignore[arg-type]


def one_decimal(value: float | None) -> float | None:
    """A mean, median, interval end, r or ICC to one decimal (half away from zero).

    Examples
    --------
    >>> one_decimal(1.25), one_decimal(-0.05), one_decimal(None)
    (1.3, -0.1, None)
    """
    if _missing(value):
        return None
    out = _half_up(float(value), 1)  # type: ignore[arg-type]
    return 0.0 if out == 0 else out


def p_band(p: float | None) -> str | None:
    """A p-value as a band.

    Examples
    --------
    >>> [p_band(v) for v in (0.0004, 0.004, 0.04, 0.2, None)]
    ['< 0.001', '< 0.01', '< 0.05', '≥ 0.05', None]
    """
    if _missing(p):
        return None
    for limit in (0.001, 0.01, 0.05):
        if float(p) < limit:  # type: ignore[arg-type]
            return f"< {limit:g}"
    return "\u2265 0.05"


def month_end_on_or_before(day: Any) -> dt.date:
    """The last day of the month of ``day`` when ``day`` is that day, else of the month before.

    Windows and reporting dates that leave the team are month ends, so no figure can be
    stepped a day at a time.

    Examples
    --------
    >>> month_end_on_or_before("2024-03-15"), month_end_on_or_before("2024-03-31")
    (datetime.date(2024, 2, 29), datetime.date(2024, 3, 31))
    """
    d = np.datetime64(str(day)[:10], "D")
    following = (d + 1).astype("datetime64[M]") != d.astype("datetime64[M]")
    end = d if following else d.astype("datetime64[M]").astype("datetime64[D]") - 1
    return dt.date.fromisoformat(str(end))


def is_month_end(day: Any) -> bool:
    """Whether ``day`` is the last day of its month.

    Examples
    --------
    >>> is_month_end("2024-02-29"), is_month_end("2024-02-28")
    (True, False)
    """
    return month_end_on_or_before(day).isoformat() == str(day)[:10]


def _half_up(value: float, digits: int) -> float:
    scale = 10 ** digits
    return math.copysign(math.floor(abs(value) * scale + 0.5 + 1e-9) / scale, value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# -- a summary row -------------------------------------------------------------------------
def _groups(row: Mapping[str, Any]) -> dict[str, int | None]:
    n = None if _missing(row.get("n")) else int(row["n"])
    observed = row.get("n_observed")
    stat = n if observed is None or _missing(observed) else int(observed)
    missing = None
    if not _missing(row.get("n_missing")):
        missing = int(row["n_missing"]) + int(row.get("n_left") or 0)
    return {"n": n, "stat": stat,
            "n_observed": None if observed is None or _missing(observed) else int(observed),
            "missing": missing,
            "retention_n": None if _missing(row.get("retention_n"))
            else int(row["retention_n"])}


def disclose(row: Mapping[str, Any], *, up_to: int = SUPPRESS_UP_TO, base: int = ROUND_TO,
             min_group: int = MIN_GROUP) -> dict[str, Any]:
    """Return one exact summary row as it may leave the team (see the module docstring).

    Counts become ints or ``"*"``; shares text (``"42%"``, ``"over 80%"``, ``"*"``); means,
    medians, intervals, r and ICC floats to one decimal or ``"*"``; p-values bands or
    ``"*"``; ``None`` stays ``None`` (not applicable, e.g. no test when nothing changed).
    A figure is ``"*"`` when its exact group (the people followed up for the change
    statistics, everyone due for the sensitivity means, the new ties for retention) is
    under ``min_group``. Keys not listed in this module are left out.

    Examples
    --------
    >>> disclose({"n": 40, "n_observed": 30, "n_missing": 6, "n_left": 4,
    ...           "follow_up_rate": 0.75, "baseline_missing_mean": 1.0, "icc": 0.123,
    ...           "mean_change_low": -0.04, "retention_km": 0.9761, "retention_n": 12})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'n': 40, 'n_observed': 30, 'n_missing': '*', 'n_left': '*', 'follow_up_rate': '70–80%',
     'baseline_missing_mean': '*', 'icc': 0.1, 'mean_change_low': 0.0,
     'retention_km': '*', 'retention_n': 10}
    """
    groups = _groups(row)
    out: dict[str, Any] = {}

    def small(group: str) -> bool:
        size = groups.get(group)
        return size is None or size < min_group

    for key, value in row.items():
        if key in WORDS:
            out[key] = value
        elif key in COUNTS:
            out[key] = count(value, up_to=up_to, base=base)
        elif key in SHARES:
            group = SHARES[key]
            size = groups[group]
            if _missing(value):
                out[key] = None
            elif small(group) or (key != "follow_up_rate" and small("stat")):
                out[key] = WITHHELD
            else:
                assert size is not None  # not small
                out[key] = share(round(float(value) * size), size,
                                 up_to=up_to, base=base, min_group=min_group)
        elif key in SURVIVAL:
            ties_small = groups["retention_n"] is not None and small("retention_n")
            out[key] = (None if _missing(value) else WITHHELD
                        if small("stat") or ties_small else percent(value))
        elif key in MEANS:
            out[key] = (None if _missing(value) else WITHHELD if small(MEANS[key])
                        else one_decimal(value))
        elif key in P_VALUES:
            out[key] = (None if _missing(value) else WITHHELD if small(P_VALUES[key])
                        else p_band(value))
    return out


def disclose_summary(summary: Mapping[str, Any], **rule: Any) -> dict[str, Any]:
    """A whole growth summary (cohort, ``by`` groups, ``waves``) through :func:`disclose`.

    Each group row keeps its group's value (a neighbourhood's name, or a coordinator's id,
    which the caller pseudonymises or drops: nobody is named beyond the team).

    Examples
    --------
    >>> s = disclose_summary({"window": {"months": 6}, "n": 45, "mean_change": 1.26,
    ...                       "by": {"ward": [{"ward": "Elm", "n": 3, "mean_change": 4.0}]}})
    >>> s["n"], s["mean_change"], s["by"]["ward"]
    (45, 1.3, [{'ward': 'Elm', 'n': '*', 'mean_change': '*'}])
    """
    out = disclose({k: v for k, v in summary.items() if k not in ("by", "waves")}, **rule)
    if "by" in summary:
        out["by"] = {group: [{group: r[group], **disclose(r, **rule)} for r in rows]
                     for group, rows in summary["by"].items()}
        protect(summary, out, reader_rule(**rule))
    if "waves" in summary:
        out["waves"] = [disclose(w, **rule) for w in summary["waves"]]
    return out


def reader_rule(*, up_to: int = SUPPRESS_UP_TO, base: int = ROUND_TO,
                min_group: int = MIN_GROUP) -> Rule:
    """The rule's numbers as :mod:`lacgraph.differencing` reads a published summary.

    Examples
    --------
    >>> reader_rule().band_up_to  # a group of 97 is shown as 95: bands; 98 is shown as 100
    97
    """
    band_up_to = next(d for d in range(WHOLE_PERCENT_FROM, 0, -1)
                      if suppress(d, up_to=up_to, base=base) in (0, WITHHELD)
                      or int(suppress(d, up_to=up_to, base=base)) < WHOLE_PERCENT_FROM)
    return Rule(up_to=up_to, base=base, min_group=min_group, band_up_to=band_up_to,
                withheld=WITHHELD)


# -- words ---------------------------------------------------------------------------------
def text(value: Any) -> str:
    """A published value in words for a page: minus signs, no trailing ``.0`` noise.

    Examples
    --------
    >>> [text(v) for v in (1.6, -0.4, 2.0, 0.0, 45, "*", "under 40%", None)]
    ['1.6', '−0.4', '2', '0', '45', '*', 'under 40%', '—']
    """
    if value is None:
        return "\u2014"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        written = f"{value:.1f}".removesuffix(".0")
        return "0" if written in ("-0", "0") else written.replace("-", "\u2212")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, str) and value.startswith(("under ", "over ")):
        bound = value.split(" ", 1)[1]  # a band of a share ("under 40%"): words translated
        return (_("under %(share)s", share=bound) if value.startswith("under ")
                else _("over %(share)s", share=bound))
    return str(value)


def shown(row: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """The published figures of a row as ``(key, heading, text)`` in :data:`LABELS` order.

    Figures the row does not have are simply absent (a summary without the attrition
    columns shows no attrition line).

    Examples
    --------
    >>> shown({"mean_change": 1.6, "n": 45, "icc": None})
    [('n', 'People due for follow-up', '45'), ('mean_change', 'Average change in family, friends and groups', '1.6')]
    """
    return [(k, label(k), text(row[k])) for k in LABELS
            if k in row and row[k] is not None]


def reading(key: str, value: Any) -> str | None:
    """A published test or effect size read in plain words (``None`` for other figures).

    Examples
    --------
    >>> reading("wilcoxon_p", "< 0.001")
    'A change this large would be very unlikely if networks had not really changed.'
    >>> reading("effect_r_paid", -0.3)
    'A moderate change in services (fewer).'
    >>> reading("icc", 0.1)
    "About 10% of the differences between people's changes lie between coordinators' caseloads."
    """
    if value is None or value == WITHHELD:
        return None
    services = key.endswith("_paid")
    if key.startswith("wilcoxon_p"):
        if value == "\u2265 0.05":
            return (_("A change like this could well happen by chance: no sure change in "
                      "services.") if services else
                    _("A change like this could well happen by chance: no sure change in "
                      "networks."))
        if value == "< 0.001":
            return (_("A change this large would be very unlikely if services had not "
                      "really changed.") if services else
                    _("A change this large would be very unlikely if networks had not "
                      "really changed."))
        return (_("A change this large would be unlikely if services had not really "
                  "changed.") if services else
                _("A change this large would be unlikely if networks had not really "
                  "changed."))
    if key.startswith("effect_r"):
        size, up = abs(float(value)), float(value) > 0
        band = ("none" if size < 0.1 else "small" if size < 0.3
                else "moderate" if size < 0.5 else "large")
        return _(EFFECT_WORDS[(band, services, up if band != "none" else None)])
    if key.startswith("icc"):
        return _("About %(share)s%% of the differences between people's changes lie between "
                 "coordinators' caseloads.", share=round(100 * float(value)))
    return None


EFFECT_WORDS: dict[tuple[str, bool, bool | None], str] = {
    ("none", False, None): N_("No real change in networks."),
    ("none", True, None): N_("No real change in services."),
    ("small", False, True): N_("A small change in networks (growth)."),
    ("small", False, False): N_("A small change in networks (shrinking)."),
    ("moderate", False, True): N_("A moderate change in networks (growth)."),
    ("moderate", False, False): N_("A moderate change in networks (shrinking)."),
    ("large", False, True): N_("A large change in networks (growth)."),
    ("large", False, False): N_("A large change in networks (shrinking)."),
    ("small", True, True): N_("A small change in services (more)."),
    ("small", True, False): N_("A small change in services (fewer)."),
    ("moderate", True, True): N_("A moderate change in services (more)."),
    ("moderate", True, False): N_("A moderate change in services (fewer)."),
    ("large", True, True): N_("A large change in services (more)."),
    ("large", True, False): N_("A large change in services (fewer)."),
}
"""The plain reading of an effect size r: (size band, of services?, positive?) -> sentence."""
