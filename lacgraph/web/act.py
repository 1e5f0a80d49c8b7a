"""Where to act first: the manager's team's neighbourhoods, most in need first.

For each of the team's neighbourhoods with isolated people (or no active community group):
why it is on the list, in whole plain sentences (ready for translation); how many isolated
people no coordinator supports yet (those to reach first); and the community groups nearby
that could serve it. Groups come from the suggestion rules
(:func:`lacgraph.analysis.suggestions.group_retention`): a group meeting in the
neighbourhood, or in a neighbouring one — a neighbourhood whose groups people living here
already go to (the data hold no map, so the programme's own connections say which places
are near) — whose new members stay: at least half of those who joined in the last two
years were still there six months on. Every count is the team's own (exact).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from lacgraph.analysis import clusters
from lacgraph.analysis.suggestions import COMMUNITY_KINDS, group_retention
from lacgraph.dated import DatedNetwork
from lacgraph.i18n import _, ngettext
from lacgraph.web.dates import uk_date

GOOD_RETENTION = 0.5
"""The share of a group's recent joiners who must have stayed six months to suggest it."""
GROUPS_PER_WARD = 3


def _isolated(count: int, date: str) -> str:
    return ngettext("%(num)d person is isolated here on %(date)s.",
                    "%(num)d people are isolated here on %(date)s.", count, date=date)


def _reasons(row: dict, gap: bool, first: str, last: str) -> list[str]:
    """Why a neighbourhood is on the list: one whole sentence each."""
    iso = row["isolated"]
    out = []
    if gap:
        out.append(_("No community group is active here."))
    out.append(_isolated(int(iso["last"]), last))
    change = int(iso["change"])
    if change > 0:
        out.append(ngettext("That is %(num)d more than on %(date)s.",
                            "That is %(num)d more than on %(date)s.", change, date=first))
    elif change < 0:
        out.append(ngettext("That is %(num)d fewer than on %(date)s.",
                            "That is %(num)d fewer than on %(date)s.", -change, date=first))
    clusters_now = int(row["isolated_clusters"]["last"])
    if clusters_now > 0:
        out.append(ngettext("%(num)d isolated cluster: people who know only each other.",
                            "%(num)d isolated clusters: people who know only each other.",
                            clusters_now))
    at_risk = int(row["at_risk"]["last"])
    if at_risk > 0:
        out.append(ngettext("%(num)d person in all is at risk: fewer than three family, "
                            "friends, neighbours or groups.",
                            "%(num)d people in all are at risk: fewer than three family, "
                            "friends, neighbours or groups.", at_risk))
    return out


def _reach_first(count: int) -> str:
    if count == 0:
        return _("Every isolated person here already has a coordinator.")
    return ngettext("Reach first: %(num)d isolated person who has no coordinator yet.",
                    "Reach first: %(num)d isolated people who have no coordinator yet.", count)


def _goers(G: DatedNetwork, at: Any) -> pd.DataFrame:
    """People with an active community tie to a group at ``at``: (ward, group, people)."""
    ties = G.store.snapshot(at).ties
    ties = ties[ties["kind"].isin(COMMUNITY_KINDS).to_numpy()]
    nodes = G.tables.nodes.set_index("id")
    src, dst = ties["source"].to_numpy(dtype=object), ties["target"].to_numpy(dtype=object)
    src_type = nodes["type"].reindex(src).to_numpy(dtype=object)
    person = np.where(src_type == "person", src, dst)
    group = np.where(src_type == "person", dst, src)
    ward = nodes["neighbourhood"].reindex(person).to_numpy(dtype=object)
    frame = pd.DataFrame({"ward": ward, "group": group, "person": person})
    frame = frame[frame["ward"].notna() & (frame["ward"] != "")]
    return (frame.drop_duplicates().groupby(["ward", "group"]).size()
            .rename("people").reset_index())


def _groups_for(ward: str, groups: pd.DataFrame, goers: pd.DataFrame) -> list[dict]:
    """The groups that could serve ``ward``: meeting there, or where its people already go,
    with good retention; those meeting there first, then as the suggestions rank them."""
    from_here = goers[goers["ward"] == ward]
    near = set(groups.loc[groups["group"].isin(from_here["group"]), "neighbourhood"])
    going = dict(zip(from_here["group"], from_here["people"], strict=True))
    good = groups[(groups["retention"] >= GOOD_RETENTION) & (groups["retention_n"] > 0)]
    here = good[good["neighbourhood"] == ward]
    nearby = good[good["neighbourhood"].isin(near - {ward, ""})]
    out = []
    for record in pd.concat([here, nearby]).head(GROUPS_PER_WARD).to_dict("records"):
        place = record["neighbourhood"]
        if place == ward:
            where = _("It meets here.")
        else:
            count = int(going.get(record["group"], 0))
            where = (ngettext("It meets in %(place)s; %(num)d person from %(ward)s already "
                              "goes.", "It meets in %(place)s; %(num)d people from %(ward)s "
                              "already go.", count, place=place, ward=ward) if count
                     else _("It meets in %(place)s, where people from %(ward)s go to other "
                            "groups.", place=place, ward=ward))
        stayed, joined = int(record["stayed"]), int(record["retention_n"])
        kept = (ngettext("%(stayed)d of the %(num)d person who joined in the last two years "
                         "stayed at least six months.",
                         "%(stayed)d of the %(num)d people who joined in the last two years "
                         "stayed at least six months.", joined, stayed=stayed) if joined > 1
                else _("The 1 person who joined in the last two years stayed at least six "
                       "months."))
        out.append({"label": str(record["label"] or record["group"]), "where": where,
                    "kept": kept, "members": int(record["members"])})
    return out


def ranked_wards(G: DatedNetwork, rows: list[dict], first: Any, last: Any) -> list[dict]:
    """The team's neighbourhoods to act in, most in need first (see the module docstring).

    ``rows`` are the where-to-act page's neighbourhood rows (the team's own are exact);
    ``first`` and ``last`` the first and last month ends shown. A neighbourhood is listed
    when it has isolated people or no active group; ranked by no active group first, then
    isolated people without a coordinator, isolated people, their rise, and name.
    """
    people = clusters.isolated_people(G, last)
    people = people[people["isolated"]]
    unsupported = people[~people["supported"].astype(bool)].groupby("neighbourhood").size()
    groups = group_retention(G.snapshot(last), G.tables)
    goers = _goers(G, last)
    first_text, last_text = uk_date(first), uk_date(last)
    out = []
    for row in rows:
        if not row["own"]:
            continue
        isolated = int(row["series"]["isolated"]["last"])
        if not isolated and not row["gap"]:
            continue
        reach = int(unsupported.get(row["name"], 0))
        out.append({
            "name": row["name"], "gap": row["gap"],
            "reasons": _reasons(row["series"], row["gap"], first_text, last_text),
            "reach": reach, "reach_first": _reach_first(reach),
            "groups": _groups_for(row["name"], groups, goers),
            "_rank": (not row["gap"], -reach, -isolated,
                      -int(row["series"]["isolated"]["change"]), row["name"]),
        })
    out.sort(key=lambda w: w["_rank"])
    for w in out:
        del w["_rank"]
    return out
