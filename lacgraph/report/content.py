"""Every number of the council report, from the functions the CLI verbs use.

Nothing is measured here: growth and service dependency come from
:func:`lacgraph.analysis.growth.growth` (``lacgraph growth``), the cohort by wave from
:func:`lacgraph.analysis.growth.waves`, neighbourhood counts from
:func:`lacgraph.analysis.clusters.neighbourhoods` (``lacgraph neighbourhoods``), groups and gaps
from :func:`lacgraph.analysis.communities.community_assets` / :func:`~lacgraph.analysis.clusters.community_gaps`
(``lacgraph assets``) and isolated clusters from :func:`lacgraph.analysis.clusters.isolated_clusters`
(``lacgraph clusters``). This module chooses which numbers the report shows and applies
DESIGN.md's rule for exports beyond the team (on unless the team asks for its own copy):

* every count of people (or of ties, clusters, groups) goes through
  :func:`lacgraph.privacy.suppress`: 0 stays 0, 1-7 become ``*``, others round to 5;
  manager tables through :func:`lacgraph.readwrite.clusters_export.for_export`, as ``--export`` does;
* every growth figure is the one rule of :mod:`lacgraph.disclosure` (the CLI's suppressed
  summary and the evaluator pages use it too): shares and means from the exact values to a
  whole percent / one decimal, bands for shares with 1-7 on either side, p as bands, and
  ``*`` for the statistics of a group (the cohort, a neighbourhood, a coordinator's caseload,
  a wave, a baseline band) of fewer than 20 people, which also gets no chart;
* the window and the reporting date are month ends (each date taken back to the month end
  on or before it, and the report says so); coordinators are numbered, never named.

Each number is a :class:`Cell` with a stable ``key`` (the template writes it as
``data-key``) so tests can read the report back and compare it with the CLI.

Examples
--------
>>> from lacgraph.network import Network
>>> from lacgraph.synthetic import programme
>>> G = Network.from_tables(programme(400, seed=3))
>>> R = report_content(G, months=6)
>>> from lacgraph.privacy import suppress
>>> R.suppressed, R.cells["cohort.n"].value == suppress(R.growth.summary()["n"])
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from lacgraph.analysis import clusters as manager
from lacgraph.analysis.communities import community_assets
from lacgraph.analysis.growth import RETENTION_DAYS, growth, waves
from lacgraph.disclosure import (
    MIN_GROUP,
    WITHHELD,
    disclose_summary,
    month_end_on_or_before,
    reading,
)
from lacgraph.i18n import _, language, use_language
from lacgraph.model import AT_RISK_THRESHOLD
from lacgraph.readwrite.clusters_export import cluster_profile, for_export
from lacgraph.report.cells import Cell, Numbers
from lacgraph.report.tables import bands, groups
from lacgraph.tables import DateLike, format_date, format_long_date, to_date

if TYPE_CHECKING:
    from lacgraph.analysis.growth import Growth
    from lacgraph.dated import DatedNetwork

WAVES: tuple[int, ...] = (0, 6, 12)
"""Months since introduction at which the cohort's alters are averaged."""

CURVE_DAYS: tuple[int, ...] = (0, 91, RETENTION_DAYS, 273, 365, 547, 730)
"""Days since a new tie started at which the retention table is read."""

TIMELINE_MONTHS = 12
"""With a personal window, the neighbourhood timeline covers this many month ends."""

WARD_COUNTS: tuple[str, ...] = ("isolated", "at_risk", "isolated_clusters")
"""The neighbourhood counts followed month by month."""

ASSETS_SHOWN = 10
"""How many community groups the report lists (those connecting most at-risk people)."""

# -- the report --------------------------------------------------------------------------
@dataclass
class ReportContent:
    """Everything the template shows (see the module docstring)."""

    suppressed: bool
    cells: dict[str, Cell]
    growth: Growth
    window: dict[str, Any]
    lang: str = "en"
    glance: dict[str, Any] = field(default_factory=dict)
    cohort: dict[str, Any] = field(default_factory=dict)
    change: dict[str, Any] = field(default_factory=dict)
    shift: dict[str, Any] = field(default_factory=dict)
    retention: dict[str, Any] = field(default_factory=dict)
    wave_rows: list[dict[str, Any]] = field(default_factory=list)
    by: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    timeline: dict[str, Any] = field(default_factory=dict)
    assets: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)
    cluster_sizes: list[dict[str, Any]] = field(default_factory=list)
    quality: dict[str, Any] = field(default_factory=dict)
    method: dict[str, Any] = field(default_factory=dict)
    published: dict[str, Any] = field(default_factory=dict)
    findings: dict[str, Any] = field(default_factory=dict)
    bands: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)


def month_ends(start: np.datetime64, end: np.datetime64) -> list[np.datetime64]:
    """Return the last days of the months from ``start`` to ``end`` (both included).

    Examples
    --------
    >>> [str(d) for d in month_ends(np.datetime64("2024-01-15"), np.datetime64("2024-04-30"))]
    ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']
    """
    a, b = to_date(start), to_date(end)
    months = np.arange(a.astype("datetime64[M]"), b.astype("datetime64[M]") + 1)
    days = (months + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    return [d for d in days if a <= d <= b]


def timeline_dates(window: dict[str, Any], as_of: np.datetime64) -> list[np.datetime64]:
    """Return the month ends the neighbourhood timeline covers.

    A fixed window: every month end from ``--from`` to ``--to``. A personal window: the
    last :data:`TIMELINE_MONTHS` month ends on or before the data's last date.

    Examples
    --------
    >>> [str(d) for d in timeline_dates({"kind": "fixed", "from": "2024-01-01",
    ...                                  "to": "2024-03-15"}, np.datetime64("2024-12-31"))]
    ['2024-01-31', '2024-02-29']
    >>> len(timeline_dates({"kind": "personal", "months": 6}, np.datetime64("2024-12-31")))
    12
    """
    if window["kind"] == "fixed":
        return month_ends(to_date(window["from"]), to_date(window["to"]))
    end = to_date(as_of)
    start = (end.astype("datetime64[M]") - TIMELINE_MONTHS).astype("datetime64[D]")
    return month_ends(start, end)[-TIMELINE_MONTHS:]


def describe_window(window: dict[str, Any]) -> str:
    """The growth window in words.

    Examples
    --------
    >>> describe_window({"kind": "personal", "months": 6})
    "from each person's introduction to 6 months later"
    >>> describe_window({"kind": "fixed", "from": "2024-01-01", "to": "2024-06-30"})
    'from 1 January 2024 to 30 June 2024'
    """
    if window["kind"] == "fixed":
        return _("from %(start)s to %(end)s", start=format_long_date(window["from"]),
                 end=format_long_date(window["to"]))
    return _("from each person's introduction to %(months)s months later",
             months=window["months"])


def report_content(G: DatedNetwork, *, months: int | None = None,
                   start: DateLike | None = None, end: DateLike | None = None,
                   as_of: DateLike | None = None, suppress_small: bool = True,
                   at_risk_below: int = AT_RISK_THRESHOLD,
                   lang: str | None = None) -> ReportContent:
    """Work out the report's numbers (see the module docstring), worded in ``lang``.

    Parameters
    ----------
    G : DatedNetwork
    months, start, end, as_of
        The growth window, as for ``lacgraph growth``; neither gives ``months=6``.
    suppress_small : bool, default True
        Apply the small-number rule (off only for the team's own copy).
    at_risk_below : int, default 3
        At risk: fewer natural + community alters than this.
    lang : {"en", "cy"}, optional
        The language of the report's words (dates, readings, notes, band names); default
        the current language. The numbers are the same in every language.

    Returns
    -------
    ReportContent
    """
    with use_language(lang):
        return _report_content(G, months=months, start=start, end=end, as_of=as_of,
                               suppress_small=suppress_small, at_risk_below=at_risk_below)


def _report_content(G: DatedNetwork, *, months: int | None, start: DateLike | None,
                    end: DateLike | None, as_of: DateLike | None, suppress_small: bool,
                    at_risk_below: int) -> ReportContent:
    if months is None and start is None and end is None:
        months = 6
    notes: list[str] = []
    if suppress_small:  # windows and reporting dates beyond the team are month ends
        given = as_of
        start, end, as_of = (_month_end(d, notes) for d in (
            start, end, as_of if as_of is not None else G.resolve_date(None)))
        if given is None and end is not None and as_of is not None and end > as_of:
            as_of = None  # a window past the data ends at the data's last date, as before
    result = growth(G, start=start, end=end, months=months, as_of=as_of,
                    at_risk_below=at_risk_below)
    last = to_date(result.as_of)
    N = Numbers(suppress_small)
    R = ReportContent(suppressed=suppress_small, cells=N.cells, growth=result,
                      window=result.window, notes=notes, lang=language())
    summary = result.summary()
    R.published = disclose_summary(summary) if suppress_small else summary
    wave_table = waves(G, WAVES, as_of=result.as_of, at_risk_below=at_risk_below)
    now = manager.neighbourhoods(G, last, at_risk_below=at_risk_below)
    R.frames.update(growth_people=result.people, waves=wave_table, neighbourhoods=now)

    _glance(G, R, N, now, last)
    _cohort(R, N, summary)
    _change(R, N, summary)
    _shift(R, N, summary)
    _retention(R, N, summary)
    _waves(R, N, wave_table)
    R.by = groups(G, N, summary["by"], R.published)
    _timeline(G, R, N, last, at_risk_below)
    _assets_and_gaps(G, R, N, last, at_risk_below)
    _quality(G, R, N)
    R.bands = bands(N, R.growth.people)
    _findings(R, N, summary)
    R.method = {"at_risk_below": at_risk_below, "retention_days": RETENTION_DAYS,
                "up_to": N.up_to, "base": N.base, "waves": WAVES,
                "timeline_months": TIMELINE_MONTHS, "assets_shown": ASSETS_SHOWN,
                "min_group": MIN_GROUP if suppress_small else 1}
    return R


def _glance(G: DatedNetwork, R: ReportContent, N: Numbers, now: pd.DataFrame,
            last: np.datetime64) -> None:
    nodes = G.tables.nodes
    introduced = nodes.loc[nodes["supported"].to_numpy(bool), "introduced_on"].dropna()
    first = format_date(introduced.min()) if len(introduced) else ""
    coordinators = int((nodes["type"] == "coordinator").sum())
    wards = [w for w in now["neighbourhood"] if w != manager.NO_NEIGHBOURHOOD]
    R.glance = {
        "people": N.count("glance.people", int(now["people"].sum())),
        "supported": N.count("glance.supported", int(now["supported"].sum())),
        # staff, not people supported: shown exactly, like the number of neighbourhoods
        "coordinators": N._add("glance.coordinators", coordinators, f"{coordinators:,}"),
        "neighbourhoods": N._add("glance.neighbourhoods", len(wards), f"{len(wards):,}"),
        "groups": N.count("glance.groups", int(now["groups"].sum())),
        "isolated": N.count("glance.isolated", int(now["isolated"].sum())),
        "at_risk": N.count("glance.at_risk", int(now["at_risk"].sum())),
        "first_introduction": N.text("glance.first_introduction", format_long_date(first)),
        "last_date": N.text("glance.last_date", format_long_date(last)),
        "window": describe_window(R.window),
    }


def _cohort(R: ReportContent, N: Numbers, s: dict[str, Any]) -> None:
    R.cohort = {
        "n": N.count("cohort.n", s["n"]),
        "not_yet_due": N.count("cohort.not_yet_due", s["not_yet_due"]),
        "small": N.small(s["n"]) or s["n"] == 0,
        "window": R.window,
    }


def _change(R: ReportContent, N: Numbers, s: dict[str, Any]) -> None:
    changes = R.growth.people["change"].to_numpy()
    n = len(changes)
    hide = N.small(n) or n == 0
    counts = {"grew": int((changes > 0).sum()), "same": int((changes == 0).sum()),
              "shrank": int((changes < 0).sum())}
    def fig(name: str, kind: str) -> Cell:
        return _fig(N, R, f"growth.{name}", name, s, kind, hide)

    R.change = {
        "mean": fig("mean_change", "signed"),
        "low": fig("mean_change_low", "signed"),
        "high": fig("mean_change_high", "signed"),
        "median": fig("median_change", "signed"),
        "p": fig("wilcoxon_p", "p"),
        "r": fig("effect_r", "r"),
        "hide": hide,
    }
    R.change["p_reading"] = reading("wilcoxon_p", _published(N, R, "wilcoxon_p", s))
    R.change["r_reading"] = reading("effect_r", _published(N, R, "effect_r", s))
    for name, k in counts.items():
        if hide:
            R.change[name] = N.count(f"growth.{name}", None)
            R.change[f"share_{name}"] = (N.published(f"growth.share_{name}", WITHHELD)
                                         if N.suppressed and n else
                                         N.stat(f"growth.share_{name}", None))
        else:
            R.change[name] = N.count(f"growth.{name}", k)
            R.change[f"share_{name}"] = N.share(f"growth.share_{name}", k, n)


def _shift(R: ReportContent, N: Numbers, s: dict[str, Any]) -> None:
    from lacgraph.viz.growth import shift_quadrants

    n = len(R.growth.people)
    hide = N.small(n) or n == 0
    quadrants = shift_quadrants(R.growth)
    def fig(name: str, kind: str) -> Cell:
        return _fig(N, R, f"shift.{name}", name, s, kind, hide)

    R.shift = {
        "mean": fig("mean_paid_change", "signed"),
        "median": fig("median_paid_change", "signed"),
        "p": fig("wilcoxon_p_paid", "p"),
        "r": fig("effect_r_paid", "r"),
        "p_reading": reading("wilcoxon_p_paid", _published(N, R, "wilcoxon_p_paid", s)),
        "r_reading": reading("effect_r_paid", _published(N, R, "effect_r_paid", s)),
        "shifted": N.count("shift.shifted", None if hide else quadrants["shifted"]),
        "share_shifted": (fig("share_shifted", "share") if hide
                          else N.share("shift.share_shifted", quadrants["shifted"], n)),
        "quadrants": {k: N.count(f"shift.quadrant.{k}", None if hide else v)
                      for k, v in quadrants.items()},
        "hide": hide,
    }


def _retention(R: ReportContent, N: Numbers, s: dict[str, Any]) -> None:
    due = s["retention_n"]
    lasted = round(s["retention"] * due) if s["retention"] is not None else 0
    cohort_small = N.small(s["n"])
    hide = N.small(due) or due == 0 or cohort_small
    R.retention = {
        "n": N.count("retention.n", due),
        "lasted": N.count("retention.lasted", None if hide else lasted),
        "share": (N.stat("retention.share", None, withheld=due > 0) if hide
                  else N.share("retention.share", lasted, due)),
        "hide": hide,
        "rows": [],
    }
    curve = R.growth.retention_curve(CURVE_DAYS)
    for row in curve.itertuples(index=False):
        small = N.small(row.observed) or row.observed == 0 or cohort_small
        R.retention["rows"].append({
            "days": row.days,
            "observed": N.count(f"retention.curve.{row.days}.observed", row.observed),
            "active": N.count(f"retention.curve.{row.days}.active",
                              None if small else row.active),
            "share": (N.stat(f"retention.curve.{row.days}.share", None,
                             withheld=row.observed > 0) if small
                      else N.share(f"retention.curve.{row.days}.share", row.active,
                                   row.observed)),
        })
    R.frames["retention_curve"] = R.growth.retention_curve(range(0, 731, 7))


def _waves(R: ReportContent, N: Numbers, table: pd.DataFrame) -> None:
    from lacgraph.viz.growth import category_means

    for row in category_means(table).itertuples(index=False):
        hide = N.small(row.n)
        R.wave_rows.append({
            "wave": row.wave,
            "n": N.count(f"waves.{row.wave}.n", row.n),
            **{c: N.stat(f"waves.{row.wave}.{c}", getattr(row, c), withheld=hide)
               for c in ("natural", "community", "paid")},
        })


def _published(N: Numbers, R: ReportContent, name: str, s: dict[str, Any]) -> Any:
    """A cohort figure as published in this copy (for plain readings)."""
    return R.published.get(name) if N.suppressed else s.get(name)


def _fig(N: Numbers, R: ReportContent, key: str, name: str, s: dict[str, Any], kind: str,
         hide: bool) -> Cell:
    """A cohort statistic: in a copy leaving the team, the summary's figure through the one
    disclosure rule (as ``lacgraph growth --summary`` prints it); else exact."""
    if N.suppressed:
        return N.published(key, R.published.get(name))
    return N.stat(key, s.get(name), kind, withheld=hide)


def _month_end(day: DateLike | None, notes: list[str]) -> str | None:
    """``day`` taken back to the month end on or before it (noted when it moves)."""
    if day is None:
        return None
    given = format_date(to_date(day))
    end = str(month_end_on_or_before(given))
    if end != given:
        notes.append(_("%(given)s is taken back to the month end %(end)s: figures leaving "
                       "the team use month ends.", given=format_long_date(given),
                       end=format_long_date(end)))
    return end


NEW_FIGURES: tuple[str, ...] = (
    "mode", "n_observed", "n_missing", "n_left", "follow_up_rate", "baseline_observed_mean",
    "baseline_missing_mean", "mean_change_assumed", "mean_change_missing_zero", "icc",
    "icc_paid", "mean_paid_change_low", "mean_paid_change_high", "retention_km",
    "retention_km_low", "retention_km_high")
"""Attrition, clustering and survival figures, shown when the summary has them."""


def _findings(R: ReportContent, N: Numbers, s: dict[str, Any]) -> None:
    """Page 1: the findings in words with their numbers, each figure as published."""
    F: dict[str, Any] = {}
    for name in NEW_FIGURES:
        if name in s and s[name] is not None:
            value = R.published.get(name) if N.suppressed else s[name]
            if name == "mode":
                F[name] = value
            elif N.suppressed:
                F[name] = N.published(f"findings.{name}", value)
            else:
                kind = ("share" if name in ("follow_up_rate", "retention_km",
                                            "retention_km_low", "retention_km_high")
                        else "fixed")
                F[name] = N.stat(f"findings.{name}", value, kind)
    partners = {"n_observed": "follow_up_rate", "baseline_missing_mean": "baseline_observed_mean",
                "mean_change_assumed": "mean_change_missing_zero"}
    for shown, needed in partners.items():  # a sentence with one figure has the other too
        if shown in F and needed not in F:
            F[needed] = N.stat(f"findings.{needed}", None)
    F["icc_reading"] = reading("icc", _published(N, R, "icc", s))
    R.findings = F


def _timeline(G: DatedNetwork, R: ReportContent, N: Numbers, last: np.datetime64,
              at_risk_below: int) -> None:
    dates = timeline_dates(R.window, last)
    tables = {}
    for d in dates:
        table = manager.neighbourhoods(G, d, at_risk_below=at_risk_below)
        if N.suppressed:
            table = for_export(table, "neighbourhoods", up_to=N.up_to)
        tables[d] = table.set_index("neighbourhood")
    wards = sorted(set().union(*(t.index for t in tables.values()))) if tables else []
    rows = []
    for ward in wards:
        row: dict[str, Any] = {"name": ward, "series": {}}
        for column in WARD_COUNTS:
            cells = []
            for d in dates:
                value = (tables[d][column].get(ward, 0) if ward in tables[d].index else 0)
                cells.append(N.count(f"ward.{ward}.{column}.{format_date(d)}", value,
                                     shown=True))
            first, final = cells[0].value, cells[-1].value
            change = ("*" if "*" in (first, final) else int(final) - int(first))
            row["series"][column] = {
                "cells": cells,
                "change": N._add(f"ward.{ward}.{column}.change", change,
                                 "*" if change == "*" else "0" if change == 0
                                 else f"{change:+,}".replace("-", "\u2212")),
            }
        rows.append(row)
    R.timeline = {"dates": dates, "labels": [format_long_date(d) for d in dates],
                  "rows": rows, "counts": WARD_COUNTS}


def _rows(N: Numbers, frame: pd.DataFrame, prefix: str, key_column: str,
          columns: Iterable[str]) -> list[dict[str, Any]]:
    out = []
    for record in frame.to_dict("records"):
        ident = record[key_column]
        row: dict[str, Any] = {"record": record}
        for column in columns:
            row[column] = N.count(f"{prefix}.{ident}.{column}", record[column],
                                  shown=N.suppressed)
        out.append(row)
    return out


def _assets_and_gaps(G: DatedNetwork, R: ReportContent, N: Numbers, last: np.datetime64,
                     at_risk_below: int) -> None:
    assets = community_assets(G, last, at_risk_below=at_risk_below)
    assets = assets[assets["otherwise_at_risk"] > 0].head(ASSETS_SHOWN)
    gaps = manager.community_gaps(G, last, at_risk_below=at_risk_below)
    sizes = cluster_profile(manager.isolated_clusters(G, last))
    if N.suppressed:
        assets = for_export(assets, "assets", up_to=N.up_to)
        gaps = for_export(gaps, "gaps", up_to=N.up_to)
        sizes = for_export(manager.isolated_clusters(G, last), "clusters", up_to=N.up_to)
    R.assets = _rows(N, assets, "asset", "id",
                     ("members", "otherwise_at_risk", "only_connection"))
    R.gaps = _rows(N, gaps, "gap", "neighbourhood",
                   ("people", "isolated", "at_risk", "isolated_clusters"))
    R.cluster_sizes = _rows(N, sizes, "clusters.size", "size",
                            ("clusters", "supported", "with_paid_ties"))


def _quality(G: DatedNetwork, R: ReportContent, N: Numbers) -> None:
    nodes, ties = G.tables.nodes, G.tables.ties
    people = nodes["type"] == "person"
    supported = people & nodes["supported"].to_numpy(bool)
    R.quality = {
        "no_introduction": N.count("quality.supported_without_introduction",
                                   int((supported & nodes["introduced_on"].isna()).sum())),
        "no_coordinator": N.count("quality.supported_without_coordinator",
                                  int((supported & (nodes["coordinator"] == "")).sum())),
        "no_neighbourhood": N.count("quality.people_without_neighbourhood",
                                    int((people & (nodes["neighbourhood"] == "")).sum())),
        "ties_without_date": N.count("quality.ties_without_date",
                                     int(ties["start"].isna().sum())),
        "ties": N.count("quality.ties", len(ties)),
    }
