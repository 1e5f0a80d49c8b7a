"""The report's tables by group: by neighbourhood, by coordinator and by starting size.

Each row's numbers are :class:`~lacgraph.report.cells.Cell` objects made by the report's
:class:`~lacgraph.report.cells.Numbers`, under the same rules as the rest of the report
(see :mod:`lacgraph.report.content`, which calls :func:`groups` and :func:`bands`): in a
copy leaving the team every figure is the published one of
:func:`lacgraph.disclosure.disclose_summary`, so no group's small count can be worked out
from the others, and coordinators are numbered, never named.

Examples
--------
>>> from lacgraph.report.cells import Numbers
>>> people = pd.DataFrame({"natural_community_from": [0, 0, 1, 4], "change": [2, 0, 1, -1]})
>>> [(row["name"], row["n"].text) for row in bands(Numbers(suppressed=False), people)]
[('Started isolated (no family, friends or groups)', '2'), ('Started with 1 or 2', '1'),
 ('Started with 3 or more', '1')]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from lacgraph.analysis.cohort import statistics
from lacgraph.disclosure import disclose_summary
from lacgraph.i18n import N_, _
from lacgraph.report.cells import Numbers

if TYPE_CHECKING:
    from lacgraph.dated import DatedNetwork


def groups(G: DatedNetwork, N: Numbers, by: dict[str, Any], published: dict[str, Any]
           ) -> dict[str, list[dict[str, Any]]]:
    """The same statistics by neighbourhood and by coordinator (exact summary, then the rule).

    ``by`` is the growth summary's ``by`` (exact), ``published`` the summary as it leaves
    the team (:func:`lacgraph.disclosure.disclose_summary`; read only when ``N`` is
    suppressed). Returns the rows of each table, keyed ``"neighbourhood"`` and
    ``"coordinator"``.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    labels = G.tables.nodes.set_index("id")["label"]
    for column in ("neighbourhood", "coordinator"):
        rows = []
        for number, s in enumerate(by[column], start=1):
            value = s[column]
            n = s["n"]
            hide = N.small(n) or n == 0
            key = f"by.{column}.{value}"
            name = value or _("(none)")
            if column == "coordinator" and N.suppressed:  # numbered, never named
                key, name = (f"by.coordinator.{number}",
                             _("Coordinator %(number)s", number=number))
            elif column == "coordinator" and value in labels.index and labels[value]:
                name = f"{labels[value]} ({value})"
            if N.suppressed:  # as published: the rule, and no group worked out from others
                rows.append(_published_group(N, key, name, published["by"][column][number - 1]))
                continue
            grew = round(s["share_grew"] * n) if s["share_grew"] is not None else 0
            shifted = round(s["share_shifted"] * n) if s["share_shifted"] is not None else 0
            due = s["retention_n"]
            lasted = round(s["retention"] * due) if s["retention"] is not None else 0
            row = {
                "name": name,
                "n": N.count(f"{key}.n", n),
                "not_yet_due": N.count(f"{key}.not_yet_due", s["not_yet_due"]),
                "mean_change": N.stat(f"{key}.mean_change", s["mean_change"], "signed",
                                      withheld=hide),
                "share_grew": (N.stat(f"{key}.share_grew", None) if hide
                               else N.share(f"{key}.share_grew", grew, n)),
                "wilcoxon_p": N.stat(f"{key}.wilcoxon_p", s["wilcoxon_p"], "p", withheld=hide),
                "effect_r": N.stat(f"{key}.effect_r", s["effect_r"], "r", withheld=hide),
                "mean_paid_change": N.stat(f"{key}.mean_paid_change", s["mean_paid_change"],
                                           "signed", withheld=hide),
                "share_shifted": (N.stat(f"{key}.share_shifted", None) if hide
                                  else N.share(f"{key}.share_shifted", shifted, n)),
                "retention": (N.stat(f"{key}.retention", None)
                              if hide or N.small(due) or not due
                              else N.share(f"{key}.retention", lasted, due)),
            }
            rows.append(row)
        out[column] = rows
    return out


def _published_group(N: Numbers, key: str, name: str, shown: dict[str, Any]
                     ) -> dict[str, Any]:
    """A neighbourhood's or coordinator's row as published
    (:func:`lacgraph.disclosure.disclose_summary`)."""
    row: dict[str, Any] = {"name": name}
    for column in ("n", "not_yet_due", "mean_change", "share_grew", "wilcoxon_p", "effect_r",
                   "mean_paid_change", "share_shifted", "retention"):
        row[column] = N.published(f"{key}.{column}", shown.get(column))
    return row


BANDS: tuple[tuple[str, int, int | None], ...] = (
    (N_("Started isolated (no family, friends or groups)"), 0, 0),
    (N_("Started with 1 or 2"), 1, 2),
    (N_("Started with 3 or more"), 3, None),
)
"""Baseline size bands (natural + community connections at the start)."""


def bands(N: Numbers, people: pd.DataFrame) -> list[dict[str, Any]]:
    """Change by baseline size band: people who started isolated, and the others.

    ``people`` is :attr:`lacgraph.analysis.growth.Growth.people`; one row per band of
    :data:`BANDS`, in order.

    People introduced because they were isolated tend to look less isolated later anyway
    (regression to the mean): read the isolated band's change with that in mind.
    """
    rows: list[dict[str, Any]] = []
    start = people["natural_community_from"].to_numpy()
    no_ties = pd.DataFrame({"tie": [], "due": [], "lasted": []})
    exact_rows, all_changes = [], []
    for _label, low, high in BANDS:
        mask = (start >= low) & (start <= (high if high is not None else np.inf))
        changes = people.loc[mask, "change"].to_numpy()
        all_changes.append(changes)
        exact_rows.append({"band": _label, **{
            k: v for k, v in statistics(changes, 0, no_ties).items()
            if k in ("n", "mean_change", "median_change", "share_grew", "share_same",
                     "share_shrank")}})
    shown_rows = exact_rows
    if N.suppressed:  # the bands split the people followed up: none worked out from others
        everyone = {k: v for k, v in statistics(people["change"].to_numpy(), 0,
                                                no_ties).items()
                    if k in ("n", "share_grew", "share_same", "share_shrank")}
        shown_rows = disclose_summary({**everyone, "by": {"band": exact_rows}})["by"]["band"]
    for number, ((label, _low, _high), changes, exact, shown) in enumerate(
            zip(BANDS, all_changes, exact_rows, shown_rows, strict=True), start=1):
        hide = N.small(len(changes)) or not len(changes)
        key = f"band.{number}"
        row: dict[str, Any] = {"name": _(label), "n": (
            N.published(f"{key}.n", shown["n"]) if N.suppressed
            else N.count(f"{key}.n", len(changes)))}
        for column, kind in (("mean_change", "signed"), ("median_change", "signed"),
                             ("share_grew", "share"), ("share_shrank", "share")):
            if N.suppressed:
                row[column] = N.published(f"{key}.{column}", shown.get(column))
            elif column.startswith("share") and len(changes):
                part = int((changes > 0).sum() if column == "share_grew"
                           else (changes < 0).sum())
                row[column] = N.share(f"{key}.{column}", part, len(changes))
            else:
                row[column] = N.stat(f"{key}.{column}", exact.get(column), kind,
                                     withheld=hide)
        rows.append(row)
    return rows
