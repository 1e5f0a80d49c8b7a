"""Connection suggestions: groups a person's friends and neighbours already belong to.

DESIGN.md "Connection suggestions", for person p at t:

* candidates are the ``group`` nodes with at least one active community tie
  (``member``/``volunteer``) at t to which p has no active community tie;
* ``friends_in_group``: p's natural alters at t (distinct) with an active community tie to
  the group; ``same_neighbourhood``: the group's neighbourhood is non-empty and p's;
  ``members``: distinct people with an active community tie to the group at t;
* ``retention``: of the community ties to the group of people other than p that started
  after t - 730 days and whose 182nd day (start + 182) is on or before t, the share active
  on that day; ``retention_n`` is how many such ties (retention empty when 0);
* a candidate is suggested when ``friends_in_group >= 1`` or ``same_neighbourhood``,
  ranked by friends (desc), same neighbourhood (true first), retention (desc, empty
  last), members (desc), group id (asc).

Everything is computed for many people at once on the projected :class:`Snapshot`: the
people's CSR rows, then their friends' rows, are gathered with numpy (two hops, no loop
per person), neighbourhood candidates come from one pandas join, and retention from one
pass over the community ties of the last two years. So :func:`suggest_all` gives the top
suggestion of every at-risk supported person of a 200k-person programme in about a
second, and :func:`suggest` (the same calculation for one person) touches only a few rows
besides that pass.

Examples
--------
>>> from lacgraph.analysis.snapshot import project
>>> from lacgraph.tables import Tables
>>> T = Tables.from_records(
...     nodes=[{"id": "sam", "type": "person", "label": "Sam", "neighbourhood": "Town"},
...            {"id": "jo", "type": "person", "label": "Jo"},
...            {"id": "choir", "type": "group", "label": "Choir"}],
...     ties=[{"source": "sam", "target": "jo", "kind": "friend", "start": "2024-01-01"},
...           {"source": "jo", "target": "choir", "kind": "member", "start": "2024-01-01"}])
>>> S = project(T, "2024-09-01")
>>> suggest(S, T, "sam")[["group", "friends_in_group", "members", "reason"]].to_dict("records")
[{'group': 'choir', 'friends_in_group': 1, 'members': 1, 'reason': "1 of Sam's friends and family goes; the 1 person who joined in the last two years stayed at least six months"}]
"""

from __future__ import annotations

import threading
import weakref

import numpy as np
import pandas as pd

from lacgraph.analysis.snapshot import COMMUNITY, NATURAL, Snapshot
from lacgraph.errors import NotFound, QueryError
from lacgraph.model import AT_RISK_THRESHOLD, KIND_CATEGORY
from lacgraph.tables import Tables, to_day_numbers

SUGGESTION_COLUMNS: tuple[str, ...] = (
    "group", "label", "neighbourhood", "friends_in_group", "same_neighbourhood", "members",
    "retention", "retention_n", "reason",
)
"""The columns of :func:`suggest`, in order."""

ALL_COLUMNS: tuple[str, ...] = ("id", "person_label", "coordinator", *SUGGESTION_COLUMNS)
"""The columns of :func:`suggest_all`: the person, then their top suggestion."""

RETENTION_WINDOW = 730
"""Joiners counted for retention started after t minus this many days."""
RETENTION_DAY = 182
"""A joiner stayed when the tie is still active this many days after its start."""

COMMUNITY_KINDS: tuple[str, ...] = tuple(k for k, c in KIND_CATEGORY.items() if c == "community")


def _row_entries(S: Snapshot, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the CSR entries of ``rows``: for each, its position in ``rows`` and in the CSR."""
    first, last = S.indptr[rows], S.indptr[rows + 1]
    lengths = last - first
    owner = np.repeat(np.arange(len(rows)), lengths)
    offset = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return owner, np.repeat(first, lengths) + offset


class _Programme:
    """What every suggestion needs at one snapshot (arrays by node index).

    Only the group nodes' rows of the snapshot are read here (members per group); the
    people asked about and their friends are read in :meth:`candidates`, so one person's
    suggestions touch a few rows, not the whole graph.
    """

    def __init__(self, S: Snapshot, tables: Tables):
        self.S = S
        self.n = n = S.n_nodes
        self.person = S.node_type == "person"
        self.group = group = S.node_type == "group"
        groups = np.flatnonzero(group)
        owner, entry = _row_entries(S, groups)
        joined = (S.category[entry] == COMMUNITY) & self.person[S.indices[entry]]
        self.members = np.zeros(n, dtype=np.int64)
        self.members[groups] = np.bincount(owner[joined], minlength=len(groups))
        self.neighbourhood = S.nodes["neighbourhood"].to_numpy(dtype=object)
        self.label = S.nodes["label"].to_numpy(dtype=object)
        self.group_rank = np.zeros(n, dtype=np.int64)
        self.group_rank[groups[np.argsort(S.ids[groups].astype(str), kind="stable")]] = \
            np.arange(len(groups))
        self._retention(tables.ties)

    def _retention(self, ties: pd.DataFrame) -> None:
        """Joiners of every group in the retention window, and each person's own share."""
        t = int(self.S.at.astype(np.int64))
        start = to_day_numbers(ties["start"])
        window = ((start > t - RETENTION_WINDOW) & (start + RETENTION_DAY <= t)
                  & ties["kind"].isin(COMMUNITY_KINDS).to_numpy())
        ties, start = ties[window], start[window]
        day = start + RETENTION_DAY
        kept = ((start <= day) & (day < to_day_numbers(ties["end"]))).astype(np.int64)
        # one end of a community tie is a group: look ids up among the groups only
        groups = np.flatnonzero(self.group)
        where = pd.Index(self.S.ids[groups])
        src, dst = ties["source"].to_numpy(dtype=object), ties["target"].to_numpy(dtype=object)
        at_dst = where.get_indexer(dst)
        at_src = where.get_indexer(src)
        grp_at = np.where(at_dst >= 0, at_dst, at_src)
        ok = grp_at >= 0
        grp = groups[grp_at[ok]]
        who = np.where(at_dst >= 0, src, dst)[ok]
        kept = kept[ok]
        self.joiners = np.bincount(grp, minlength=self.n)
        self.stayed = np.bincount(grp, weights=kept, minlength=self.n).astype(np.int64)
        own = pd.DataFrame({"who": who, "g": grp, "kept": kept})
        self.own = own.groupby(["who", "g"], sort=False)["kept"].agg(
            own_joiners="size", own_stayed="sum").reset_index()

    def position(self, person: str) -> int:
        """Return the node index of ``person``; NotFound / QueryError when it is not one."""
        found = np.flatnonzero(self.S.ids == person)
        if len(found) == 0:
            raise NotFound(f"No person with id {person!r} in this network.")
        where = found[0]
        if not self.person[where]:
            raise QueryError(f"{person!r} is a {self.S.node_type[where]}, not a person: "
                             "suggestions are made for people")
        return int(where)

    def candidates(self, people: np.ndarray) -> pd.DataFrame:
        """Return every suggested group of each of ``people`` (node indices), ranked.

        One row per (person, group): ``who`` (position in ``people``), ``g`` (node index)
        and the numbers of the definition; sorted by ``who`` then rank.
        """
        n, S = self.n, self.S
        # the people's own rows: their natural alters, and the groups they already go to
        owner, entry = _row_entries(S, people)
        alter, category = S.indices[entry], S.category[entry]
        natural = (category == NATURAL) & self.person[alter]
        goes = (category == COMMUNITY) & self.group[alter]
        joined_keys = np.unique(people[owner[goes]] * n + alter[goes])
        friend_of, friend = owner[natural], alter[natural]
        # the friends' rows: the groups each friend goes to (pairs are distinct per row)
        via, entry = _row_entries(S, friend)
        in_group = (S.category[entry] == COMMUNITY) & self.group[S.indices[entry]]
        keys, counts = np.unique(friend_of[via[in_group]] * n + S.indices[entry[in_group]],
                                 return_counts=True)
        pairs = pd.DataFrame({"who": keys // n, "g": keys % n, "friends_in_group": counts})
        active = np.flatnonzero(self.members > 0)
        place = pd.DataFrame({"g": active, "nb": self.neighbourhood[active]})
        place = place[place["nb"] != ""]
        mine = pd.DataFrame({"who": np.arange(len(people)), "nb": self.neighbourhood[people]})
        nearby = mine[mine["nb"] != ""].merge(place, on="nb")[["who", "g"]]
        pairs = pairs.merge(nearby, on=["who", "g"], how="outer")
        pairs["friends_in_group"] = pairs["friends_in_group"].fillna(0).astype(np.int64)
        who = pairs["who"].to_numpy(np.int64)
        g = pairs["g"].to_numpy(np.int64)
        p = people[who]
        key = p * n + g
        keep = _lookup(joined_keys, np.ones(len(joined_keys), np.int64), key) == 0
        pairs, who, g, p, key = pairs[keep], who[keep], g[keep], p[keep], key[keep]
        nb = self.neighbourhood
        same = (nb[g] != "") & (nb[g] == nb[p])
        own = pd.DataFrame({"who": S.ids[p], "g": g}).merge(self.own, how="left",
                                                            on=["who", "g"])
        joiners = self.joiners[g] - own["own_joiners"].fillna(0).to_numpy(np.int64)
        stayed = self.stayed[g] - own["own_stayed"].fillna(0).to_numpy(np.int64)
        with np.errstate(divide="ignore", invalid="ignore"):
            retention = np.where(joiners > 0, stayed / joiners, np.nan)
        friends = pairs["friends_in_group"].to_numpy(np.int64)
        members = self.members[g].astype(np.int64)
        order = np.lexsort((self.group_rank[g], -members,
                            np.where(np.isnan(retention), np.inf, -retention),
                            ~same, -friends, who))
        out = pd.DataFrame({
            "who": who[order], "g": g[order], "friends_in_group": friends[order],
            "same_neighbourhood": same[order], "members": members[order],
            "retention": retention[order], "retention_n": joiners[order].astype(np.int64),
            "stayed": stayed[order].astype(np.int64),
        })
        return out.reset_index(drop=True)

    def table(self, found: pd.DataFrame, people: np.ndarray) -> pd.DataFrame:
        """Return ``found`` (from :meth:`candidates`) in :data:`SUGGESTION_COLUMNS`."""
        g = found["g"].to_numpy(np.int64)
        out = pd.DataFrame({
            "group": self.S.ids[g].astype(object),
            "label": self.label[g],
            "neighbourhood": self.neighbourhood[g],
            "friends_in_group": found["friends_in_group"].to_numpy(np.int64),
            "same_neighbourhood": found["same_neighbourhood"].to_numpy(bool),
            "members": found["members"].to_numpy(np.int64),
            "retention": found["retention"].to_numpy(np.float64),
            "retention_n": found["retention_n"].to_numpy(np.int64),
        })
        for column in ("group", "label", "neighbourhood"):
            out[column] = out[column].astype(object)  # text stays object, as in the other verbs
        who = people[found["who"].to_numpy(np.int64)]
        out["reason"] = reasons(out, self.label[who], self.neighbourhood[g],
                                found["stayed"].to_numpy(np.int64))
        return out


_LAST: list[tuple[weakref.ref, weakref.ref, _Programme]] = []
_LOCK = threading.Lock()


def _programme(S: Snapshot, tables: Tables) -> _Programme:
    """Return the :class:`_Programme` of ``(S, tables)``, reusing the last one built.

    A coordinator's page asks for one person after another at the same date: the pass
    over the ties for retention is made once per snapshot, not once per person.
    """
    with _LOCK:
        if _LAST and _LAST[0][0]() is S and _LAST[0][1]() is tables:
            return _LAST[0][2]
    built = _Programme(S, tables)
    with _LOCK:
        _LAST[:] = [(weakref.ref(S), weakref.ref(tables), built)]
    return built


GROUP_COLUMNS: tuple[str, ...] = ("group", "label", "neighbourhood", "members", "retention",
                                  "retention_n", "stayed")
"""The columns of :func:`group_retention`."""


def group_retention(S: Snapshot, tables: Tables) -> pd.DataFrame:
    """Every group with active members at the snapshot's date, with the suggestion rules'
    numbers: ``members`` (people with an active community tie), and ``retention`` — of the
    people who joined in the last two years early enough to tell, the share still there
    six months on (``retention_n`` joiners, ``stayed`` of them; retention empty when none).

    Sorted as suggestions are ranked: retention (desc, empty last), members (desc), id.

    Examples
    --------
    >>> from lacgraph.analysis.snapshot import project
    >>> T = Tables.from_records(
    ...     nodes=[{"id": "jo", "type": "person"}, {"id": "al", "type": "person"},
    ...            {"id": "choir", "type": "group", "label": "Choir"}],
    ...     ties=[{"source": "jo", "target": "choir", "kind": "member", "start": "2024-01-01"},
    ...           {"source": "al", "target": "choir", "kind": "member", "start": "2024-01-01",
    ...            "end": "2024-02-01"}])
    >>> group_retention(project(T, "2024-09-01"), T)[["group", "members", "retention_n", "stayed"]].to_dict("records")
    [{'group': 'choir', 'members': 1, 'retention_n': 2, 'stayed': 1}]
    """
    P = _programme(S, tables)
    g = np.flatnonzero(P.group & (P.members > 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        retention = np.where(P.joiners[g] > 0, P.stayed[g] / P.joiners[g], np.nan)
    order = np.lexsort((P.group_rank[g], -P.members[g],
                        np.where(np.isnan(retention), np.inf, -retention)))
    g, retention = g[order], retention[order]
    return pd.DataFrame({
        "group": S.ids[g].astype(object), "label": P.label[g].astype(object),
        "neighbourhood": P.neighbourhood[g].astype(object),
        "members": P.members[g].astype(np.int64), "retention": retention,
        "retention_n": P.joiners[g].astype(np.int64), "stayed": P.stayed[g].astype(np.int64),
    }, columns=list(GROUP_COLUMNS))


def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Return ``values`` at ``query`` in the sorted unique ``keys``, 0 where absent."""
    if len(keys) == 0:
        return np.zeros(len(query), dtype=values.dtype)
    spot = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return np.where(keys[spot] == query, values[spot], 0)


def _possessive(labels: np.ndarray) -> pd.Series:
    names = pd.Series(labels, dtype=object).fillna("").astype(str)
    return names.where(names == "", names + "'s").where(names != "", "their")


def reasons(found: pd.DataFrame, person_labels: np.ndarray, places: np.ndarray,
            stayed: np.ndarray) -> pd.Series:
    """Return one plain sentence per suggestion, built from its numbers (vectorised).

    Parameters
    ----------
    found : DataFrame
        ``friends_in_group``, ``same_neighbourhood``, ``retention_n`` per suggestion.
    person_labels : array of str
        The label of the person each suggestion is for ("" reads as "their").
    places : array of str
        Each group's neighbourhood.
    stayed : array of int
        How many of the ``retention_n`` joiners stayed at least six months.

    Examples
    --------
    >>> found = pd.DataFrame({"friends_in_group": [2, 0, 1], "same_neighbourhood": [False, True, True],
    ...                       "retention_n": [10, 0, 3]})
    >>> reasons(found, np.array(["Sam", "Sam", ""]), np.array(["", "Townhill", "Bay"]),
    ...         np.array([9, 0, 0])).tolist()  # doctest: +NORMALIZE_WHITESPACE
    ["2 of Sam's friends and family go; 9 of 10 people who joined in the last two years stayed at least six months",
     "It meets in Townhill, Sam's neighbourhood; no one joined in the last two years early enough to tell whether people stay",
     '1 of their friends and family goes; it meets in Bay, their neighbourhood; none of the 3 people who joined in the last two years stayed six months']
    """
    whose = _possessive(person_labels)
    friends = found["friends_in_group"].astype(np.int64).reset_index(drop=True)
    joiners = found["retention_n"].astype(np.int64).reset_index(drop=True)
    stayed_s = pd.Series(stayed, dtype=np.int64)
    same = found["same_neighbourhood"].astype(bool).reset_index(drop=True)
    place = pd.Series(places, dtype=object).fillna("").astype(str)
    verb = pd.Series(np.where(friends == 1, "goes", "go"), dtype=object)
    friend_part = (friends.astype(str) + " of " + whose + " friends and family " + verb).where(friends > 0, "")
    place_part = ("it meets in " + place + ", " + whose + " neighbourhood").where(same, "")
    joined = " who joined in the last two years"
    one = np.where(stayed_s > 0, "the 1 person" + joined + " stayed at least six months",
                   "the 1 person" + joined + " did not stay six months")
    none = "none of the " + joiners.astype(str) + " people" + joined + " stayed six months"
    many = (stayed_s.astype(str) + " of " + joiners.astype(str) + " people" + joined
            + " stayed at least six months")
    empty = "no one joined in the last two years early enough to tell whether people stay"
    stay_part = pd.Series(np.select(
        [joiners == 0, joiners == 1, stayed_s == 0], [empty, one, none], many), dtype=object)
    sentence = pd.Series("", index=friends.index, dtype=object)
    for part in (friend_part, place_part, stay_part):
        sentence = sentence + part.where(part == "", part + "; ")
    return _capitalise(sentence.str.removesuffix("; "))


def _capitalise(text: pd.Series) -> pd.Series:
    return (text.str[:1].str.upper() + text.str[1:]).astype(object)


def suggest(S: Snapshot, tables: Tables, person: str, *, limit: int | None = 5) -> pd.DataFrame:
    """Return the groups suggested to ``person`` at the snapshot's date, best first.

    Parameters
    ----------
    S : Snapshot
        The network at t (:func:`lacgraph.analysis.snapshot.project`); t is ``S.at``.
    tables : Tables
        The programme's ties at every date (retention looks back two years).
    person : str
        The person's id.
    limit : int or None, default 5
        At most this many suggestions (None: all).

    Returns
    -------
    pandas.DataFrame
        :data:`SUGGESTION_COLUMNS` in rank order; ``retention`` is NaN when
        ``retention_n`` is 0. Raises :class:`~lacgraph.errors.NotFound` for an unknown id.

    Examples
    --------
    >>> from lacgraph.analysis.snapshot import project
    >>> T = Tables.from_records(
    ...     nodes=[{"id": "sam", "type": "person", "neighbourhood": "Bay"},
    ...            {"id": "al", "type": "person"},
    ...            {"id": "walk", "type": "group", "neighbourhood": "Bay"}],
    ...     ties=[{"source": "al", "target": "walk", "kind": "volunteer", "start": "2023-01-01"}])
    >>> suggest(project(T, "2024-01-01"), T, "sam")[["group", "same_neighbourhood"]].to_dict("records")
    [{'group': 'walk', 'same_neighbourhood': True}]
    """
    P = _programme(S, tables)
    people = np.array([P.position(person)], dtype=np.int64)
    found = P.candidates(people)
    if limit is not None:
        found = found.head(max(int(limit), 0))
    return P.table(found, people)[list(SUGGESTION_COLUMNS)]


def suggest_each(S: Snapshot, tables: Tables, people: list[str], *,
                 limit: int | None = 5) -> dict[str, pd.DataFrame]:
    """Return :func:`suggest` of each of ``people``, computed for all of them at once.

    The same calculation as :func:`suggest` (each person's candidates depend on their own
    rows only), made in one vectorised pass: e.g. a coordinator's whole caseload costs
    about what one person does.

    Examples
    --------
    >>> from lacgraph.analysis.snapshot import project
    >>> T = Tables.from_records(
    ...     nodes=[{"id": "sam", "type": "person", "neighbourhood": "Bay"},
    ...            {"id": "al", "type": "person"},
    ...            {"id": "walk", "type": "group", "neighbourhood": "Bay"}],
    ...     ties=[{"source": "al", "target": "walk", "kind": "volunteer", "start": "2023-01-01"}])
    >>> found = suggest_each(project(T, "2024-01-01"), T, ["sam", "al"])
    >>> found["sam"]["group"].tolist(), found["al"]["group"].tolist()
    (['walk'], [])
    """
    P = _programme(S, tables)
    positions = np.array([P.position(person) for person in people], dtype=np.int64)
    found = P.candidates(positions)
    who = found["who"].to_numpy(np.int64)
    if limit is not None:  # the head of each person's ranking (rows are by person, rank)
        first = np.searchsorted(who, who)
        keep = np.arange(len(who)) - first < max(int(limit), 0)
        found, who = found[keep].reset_index(drop=True), who[keep]
    table = P.table(found, positions)[list(SUGGESTION_COLUMNS)]
    bounds = np.searchsorted(who, np.arange(len(people) + 1))
    return {person: table.iloc[bounds[k]:bounds[k + 1]].reset_index(drop=True)
            for k, person in enumerate(people)}


def suggest_all(S: Snapshot, tables: Tables, *,
                at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
    """Return the top suggestion of every at-risk supported person at the snapshot's date.

    At risk as in the measures: fewer than ``at_risk_below`` natural + community alters.
    Everyone at risk has a row, sorted by id; a person with nothing to suggest has empty
    suggestion columns and a reason saying so.

    Examples
    --------
    >>> from lacgraph.analysis.snapshot import project
    >>> T = Tables.from_records(
    ...     nodes=[{"id": "sam", "type": "person", "supported": True, "neighbourhood": "Bay"},
    ...            {"id": "al", "type": "person", "supported": True},
    ...            {"id": "walk", "type": "group", "neighbourhood": "Bay"}],
    ...     ties=[{"source": "al", "target": "walk", "kind": "member", "start": "2023-01-01"}])
    >>> suggest_all(project(T, "2024-01-01"), T)[["id", "group"]].to_dict("records")
    [{'id': 'al', 'group': ''}, {'id': 'sam', 'group': 'walk'}]
    """
    P = _programme(S, tables)
    supported = S.nodes["supported"].to_numpy(bool)
    close = np.bincount(S.rows()[S.category <= COMMUNITY], minlength=S.n_nodes)
    people = np.flatnonzero(P.person & supported & (close < at_risk_below))
    people = people[np.argsort(S.ids[people].astype(str), kind="stable")].astype(np.int64)
    found = P.candidates(people)
    who = found["who"].to_numpy(np.int64)
    top = found[np.r_[True, who[1:] != who[:-1]] if len(who) else np.zeros(0, bool)]
    best = P.table(top, people)
    at = top["who"].to_numpy(np.int64)
    table = pd.DataFrame({
        "id": pd.Series(S.ids[people], dtype=object),
        "person_label": pd.Series(P.label[people], dtype=object),
        "coordinator": pd.Series(S.nodes["coordinator"].to_numpy(dtype=object)[people],
                                 dtype=object),
    })
    empty = {"group": "", "label": "", "neighbourhood": "", "friends_in_group": 0,
             "same_neighbourhood": False, "members": 0, "retention": np.nan,
             "retention_n": 0}
    for column, blank in empty.items():
        kind = object if isinstance(blank, str) else type(blank)
        values = np.full(len(people), blank, dtype=kind)
        values[at] = best[column].to_numpy(dtype=kind)
        table[column] = pd.Series(values, dtype=kind)
    whose = _possessive(P.label[people])
    reason = _capitalise("nothing to suggest yet: no other group that " + whose
                         + " friends and family go to or that meets in " + whose + " neighbourhood")
    reason.iloc[at] = best["reason"].to_numpy()
    table["reason"] = reason.to_numpy(dtype=object)
    return table[list(ALL_COLUMNS)]


def page_ideas(found: pd.DataFrame) -> list[dict[str, object]]:
    """Return suggestions (from :func:`suggest`) as a page shows them, best first.

    Each item has ``group`` (id), ``name`` (label, or id when none), ``neighbourhood``,
    ``members`` and ``reason`` (in English), and the numbers the reason is made of
    (``friends``, ``same``, ``joiners``, ``stayed``: see :func:`idea_reason`, which says it
    in the page's language): plain values for a template, which escapes them.

    Examples
    --------
    >>> found = pd.DataFrame({"group": ["g1"], "label": [""], "neighbourhood": ["Bay"],
    ...                       "members": [4], "reason": ["It meets in Bay"]})
    >>> page_ideas(found)  # doctest: +NORMALIZE_WHITESPACE
    [{'group': 'g1', 'name': 'g1', 'neighbourhood': 'Bay', 'members': 4,
      'reason': 'It meets in Bay', 'friends': 0, 'same': False, 'joiners': 0, 'stayed': 0}]
    """
    n = len(found)
    friends = found.get("friends_in_group", pd.Series(np.zeros(n, np.int64)))
    same = found.get("same_neighbourhood", pd.Series(np.zeros(n, bool)))
    joiners = found.get("retention_n", pd.Series(np.zeros(n, np.int64)))
    retention = found.get("retention", pd.Series(np.full(n, np.nan)))
    return [{"group": str(group), "name": str(label) or str(group), "neighbourhood": str(place),
             "members": int(members), "reason": str(reason), "friends": int(friend),
             "same": bool(near), "joiners": int(joined),
             "stayed": 0 if not joined or pd.isna(kept) else int(round(float(kept) * joined))}
            for group, label, place, members, reason, friend, near, joined, kept in zip(
                found["group"], found["label"], found["neighbourhood"], found["members"],
                found["reason"], friends, same, joiners, retention, strict=True)]


def idea_reason(idea: dict[str, object], name: str) -> str:
    """Why a group is suggested to ``name``, in the current language: one clause per
    reason (friends and family who go, the neighbourhood, whether joiners stay), each one
    catalogue message, joined by semicolons; the same words as :func:`reasons` in English.

    Examples
    --------
    >>> idea = {"friends": 1, "same": True, "neighbourhood": "Bay", "joiners": 1, "stayed": 1}
    >>> idea_reason(idea, "Sam")  # doctest: +NORMALIZE_WHITESPACE
    "1 of Sam's friends and family goes; it meets in Bay, Sam's neighbourhood; the 1 person
     who joined in the last two years stayed at least six months"
    """
    from lacgraph.i18n import _, ngettext

    friends, joiners, stayed = (int(str(idea.get(k) or 0)) for k in ("friends", "joiners",
                                                                       "stayed"))
    parts = []
    if friends > 0:
        parts.append(ngettext("%(num)d of %(name)s's friends and family goes",
                              "%(num)d of %(name)s's friends and family go", friends,
                              name=name))
    if idea.get("same"):
        parts.append(_("it meets in %(place)s, %(name)s's neighbourhood",
                       place=str(idea.get("neighbourhood") or ""), name=name))
    if joiners == 0:
        parts.append(_("no one joined in the last two years early enough to tell whether "
                       "people stay"))
    elif joiners == 1:
        parts.append(_("the 1 person who joined in the last two years stayed at least six "
                       "months") if stayed > 0 else
                     _("the 1 person who joined in the last two years did not stay six months"))
    elif stayed == 0:
        parts.append(_("none of the %(joiners)d people who joined in the last two years "
                       "stayed six months", joiners=joiners))
    else:
        parts.append(_("%(stayed)d of %(joiners)d people who joined in the last two years "
                       "stayed at least six months", stayed=stayed, joiners=joiners))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]
