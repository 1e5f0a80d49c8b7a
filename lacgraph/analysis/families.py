"""Whole-family views: who lives with a person, and the network the household shares.

DESIGN.md "Families": the household of p at t is p and every person with an active
``household`` tie at t to a ``family`` node to which p has an active ``household`` tie at t
(just p when p has none). The family's network is the union of the members' alters at t,
excluding the members themselves and family nodes; each alter's category and circle are
the closest over all the members' active ties to it; ``size``, ``natural``, ``community``
and ``paid`` count those alters.

Examples
--------
>>> from lacgraph.tables import Tables
>>> T = Tables.from_records(
...     nodes=[{"id": "sam", "type": "person", "label": "Sam"},
...            {"id": "jo", "type": "person", "label": "Jo"},
...            {"id": "gp", "type": "service", "label": "Surgery"},
...            {"id": "f1", "type": "family", "label": "Sam and Jo's home"}],
...     ties=[{"source": "sam", "target": "f1", "kind": "household", "start": "2020-01-01"},
...           {"source": "jo", "target": "f1", "kind": "household", "start": "2020-01-01"},
...           {"source": "sam", "target": "jo", "kind": "family", "start": "2020-01-01"},
...           {"source": "jo", "target": "gp", "kind": "service", "start": "2021-01-01"}])
>>> F = family(T, "sam", "2024-01-01")
>>> F.members["id"].tolist(), F.counts()
(['jo', 'sam'], {'size': 1, 'natural': 0, 'community': 0, 'paid': 1})
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lacgraph.errors import NotFound, QueryError
from lacgraph.model import CATEGORIES, HOUSEHOLD, KIND_CATEGORY
from lacgraph.stores.base import Store
from lacgraph.tables import DateLike, Tables, active_mask, format_date, parse_day

MEMBER_COLUMNS: tuple[str, ...] = ("id", "label", "neighbourhood", "supported")
"""The columns of :attr:`Family.members`."""

ALTER_COLUMNS: tuple[str, ...] = (
    "id", "label", "type", "kind", "category", "circle", "known_by",
)
"""The columns of :attr:`Family.alters`: ``known_by`` lists the members tied to the alter."""

KIND_RANK = {kind: CATEGORIES.index(category) for kind, category in KIND_CATEGORY.items()}


@dataclass(frozen=True)
class Family:
    """The household of one person at one date, and the network its members share."""

    person: str
    at: np.datetime64
    members: pd.DataFrame
    """One row per household member (the person included), sorted by id."""
    alters: pd.DataFrame
    """One row per alter of the family's network (:data:`ALTER_COLUMNS`), by circle, label."""
    links: pd.DataFrame
    """Distinct pairs of alters joined by an active tie (``source``, ``target``)."""

    def counts(self) -> dict[str, int]:
        """Return ``size``, ``natural``, ``community``, ``paid`` of the family's network.

        Examples
        --------
        >>> from lacgraph.tables import Tables
        >>> T = Tables.from_records(nodes=[{"id": "a", "type": "person"}], ties=[])
        >>> family(T, "a", "2024-01-01").counts()
        {'size': 0, 'natural': 0, 'community': 0, 'paid': 0}
        """
        by = self.alters["category"].value_counts()
        return {"size": len(self.alters), **{c: int(by.get(c, 0)) for c in CATEGORIES}}

    def summary(self) -> pd.DataFrame:
        """Return one row: ``id``, ``at``, ``members`` (how many) and the counts.

        Examples
        --------
        >>> from lacgraph.tables import Tables
        >>> T = Tables.from_records(nodes=[{"id": "a", "type": "person"}], ties=[])
        >>> family(T, "a", "2024-01-01").summary().to_dict("records")
        [{'id': 'a', 'at': '2024-01-01', 'members': 1, 'size': 0, 'natural': 0, 'community': 0, 'paid': 0}]
        """
        return pd.DataFrame([{"id": self.person, "at": format_date(self.at),
                              "members": len(self.members), **self.counts()}])

    def table(self) -> pd.DataFrame:
        """Return members then alters in one table, with ``role`` ``household`` or ``network``.

        Examples
        --------
        >>> from lacgraph.tables import Tables
        >>> T = Tables.from_records(nodes=[{"id": "a", "type": "person", "label": "A"}], ties=[])
        >>> family(T, "a", "2024-01-01").table()[["role", "id", "label"]].to_dict("records")
        [{'role': 'household', 'id': 'a', 'label': 'A'}]
        """
        members = self.members.assign(role="household", type="person", kind="", category="",
                                      circle=pd.NA, known_by="")
        alters = self.alters.assign(role="network")
        columns = ["role", *ALTER_COLUMNS]
        frame = pd.concat([members[columns], alters[columns]], ignore_index=True)
        frame["circle"] = frame["circle"].astype("Int64")
        return frame


def household(tables: Tables, person: str, at: DateLike) -> list[str]:
    """Return the ids of the household of ``person`` at ``at`` (the person included), sorted.

    Ties of ``tables`` may be every tie or only the active ones; they are filtered to ``at``.

    Examples
    --------
    >>> from lacgraph.tables import Tables
    >>> T = Tables.from_records(
    ...     nodes=[{"id": "a", "type": "person"}, {"id": "b", "type": "person"},
    ...            {"id": "h", "type": "family"}],
    ...     ties=[{"source": "a", "target": "h", "kind": "household", "start": "2024-01-01"},
    ...           {"source": "h", "target": "b", "kind": "household", "start": "2024-02-01"}])
    >>> household(T, "a", "2024-01-15"), household(T, "a", "2024-02-01")
    (['a'], ['a', 'b'])
    """
    _check_person(tables, person)
    return _household(tables, person, parse_day(at))


def _check_person(tables: Tables, person: str) -> None:
    types = tables.nodes["type"].to_numpy(dtype=object)[
        (tables.nodes["id"].to_numpy(dtype=object) == person)]
    if len(types) == 0:
        raise NotFound(f"No person with id {person!r} in this network.")
    if types[0] != "person":
        raise QueryError(f"{person!r} is a {types[0]}, not a person: a household is "
                         "a group of people")


def _active(ties: pd.DataFrame, day: np.datetime64) -> pd.DataFrame:
    return ties[active_mask(ties, day)]


def _household(tables: Tables, person: str, day: np.datetime64) -> list[str]:
    ties = tables.ties
    lives = _active(ties[ties["kind"].to_numpy(dtype=object) == HOUSEHOLD], day)
    types = tables.nodes.set_index("id")["type"]
    src, dst = lives["source"].to_numpy(dtype=object), lives["target"].to_numpy(dtype=object)
    src_type = types.reindex(src).to_numpy(dtype=object)
    # (person, family) for every active household tie, whichever way it was written
    who = np.where(src_type == "family", dst, src)
    home = np.where(src_type == "family", src, dst)
    is_family = types.reindex(home).to_numpy(dtype=object) == "family"
    is_person = types.reindex(who).to_numpy(dtype=object) == "person"
    who, home = who[is_family & is_person], home[is_family & is_person]
    homes = set(home[who == person])
    members = set(who[pd.Series(home, dtype=object).isin(homes).to_numpy()]) | {person}
    return sorted(members)


def household_tables(store: Store, person: str, at: DateLike) -> Tables:
    """Return what :func:`family` needs about ``person``'s household, read by ego lookups.

    The union of the store's ego networks (:meth:`~lacgraph.stores.base.Store.ego`) of the
    person, of their family nodes (whose ego holds every active household tie to them) and
    of the other members: every active tie of every member, and the ties among each
    member's alters. So one household costs a few indexed lookups, not a pass over the
    programme. :func:`family` on these tables gives the same members and alters as on the
    whole programme; its ``links`` are the ties among alters who share a member.

    Examples
    --------
    >>> from lacgraph.stores import MemoryStore
    >>> store = MemoryStore()
    >>> _ = store.write(Tables.from_records(
    ...     nodes=[{"id": i, "type": "person"} for i in ("a", "b", "c", "d")]
    ...           + [{"id": "h", "type": "family"}],
    ...     ties=[{"source": "a", "target": "h", "kind": "household", "start": "2024-01-01"},
    ...           {"source": "b", "target": "h", "kind": "household", "start": "2024-01-01"},
    ...           {"source": "b", "target": "c", "kind": "friend", "start": "2024-01-01"},
    ...           {"source": "c", "target": "d", "kind": "friend", "start": "2024-01-01"}]))
    >>> family(household_tables(store, "a", "2024-02-01"), "a", "2024-02-01").counts()
    {'size': 1, 'natural': 1, 'community': 0, 'paid': 0}
    """
    day = parse_day(at)
    parts = [store.ego(person, day)]
    _check_person(parts[0], person)
    homes = [h for h in _other_ends(parts[0], person, HOUSEHOLD)
             if h in set(parts[0].nodes.loc[parts[0].nodes["type"] == "family", "id"])]
    parts += [store.ego(h, day) for h in homes]
    members = _household(_union(parts), person, day)
    parts += [store.ego(m, day) for m in members if m != person]
    return _union(parts)


def _other_ends(tables: Tables, node: str, kind: str) -> list[str]:
    ties = tables.ties[tables.ties["kind"].to_numpy(dtype=object) == kind]
    src, dst = ties["source"].to_numpy(dtype=object), ties["target"].to_numpy(dtype=object)
    return sorted(set(dst[src == node]) | set(src[dst == node]))


def _union(parts: list[Tables]) -> Tables:
    nodes = pd.concat([p.nodes for p in parts], ignore_index=True).drop_duplicates("id")
    ties = pd.concat([p.ties for p in parts], ignore_index=True)
    ties = ties.drop_duplicates(["source", "target", "kind", "start"])
    return Tables(nodes.reset_index(drop=True), ties.reset_index(drop=True))


def family(tables: Tables, person: str, at: DateLike) -> Family:
    """Return the household of ``person`` at ``at`` and the family's network.

    Parameters
    ----------
    tables : Tables
        Nodes and ties (every tie, or only the ties active at ``at``).
    person : str
        A person's id; :class:`~lacgraph.errors.NotFound` when there is none.
    at : date-like
        The date to look at.

    Returns
    -------
    Family

    Examples
    --------
    >>> from lacgraph.tables import Tables
    >>> T = Tables.from_records(
    ...     nodes=[{"id": i, "type": "person"} for i in ("a", "b", "c")]
    ...           + [{"id": "h", "type": "family"}, {"id": "g", "type": "group"}],
    ...     ties=[{"source": "a", "target": "h", "kind": "household", "start": "2024-01-01"},
    ...           {"source": "b", "target": "h", "kind": "household", "start": "2024-01-01"},
    ...           {"source": "a", "target": "c", "kind": "neighbour", "start": "2024-01-01"},
    ...           {"source": "b", "target": "c", "kind": "friend", "start": "2024-01-01",
    ...            "circle": 1},
    ...           {"source": "b", "target": "g", "kind": "member", "start": "2024-01-01"}])
    >>> F = family(T, "a", "2024-03-01")
    >>> F.alters[["id", "kind", "category", "circle", "known_by"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'id': 'c', 'kind': 'friend;neighbour', 'category': 'natural', 'circle': 1, 'known_by': 'a;b'},
     {'id': 'g', 'kind': 'member', 'category': 'community', 'circle': 3, 'known_by': 'b'}]
    """
    _check_person(tables, person)
    day = parse_day(at)
    members = _household(tables, person, day)
    ties = tables.ties
    touches = ties["source"].isin(members).to_numpy() | ties["target"].isin(members).to_numpy()
    ties = _active(ties[touches], day)
    ties = ties[ties["kind"].to_numpy(dtype=object) != HOUSEHOLD]
    src, dst = ties["source"].to_numpy(dtype=object), ties["target"].to_numpy(dtype=object)
    in_src = ties["source"].isin(members).to_numpy()
    in_dst = ties["target"].isin(members).to_numpy()
    # every active tie from a member to someone else, seen from the member's side
    mine = pd.DataFrame({
        "member": np.concatenate([src[in_src], dst[in_dst]]),
        "alter": np.concatenate([dst[in_src], src[in_dst]]),
        "kind": np.concatenate([ties["kind"].to_numpy(dtype=object)[in_src],
                                ties["kind"].to_numpy(dtype=object)[in_dst]]),
        "circle": np.concatenate([ties["circle"].to_numpy(np.int64)[in_src],
                                  ties["circle"].to_numpy(np.int64)[in_dst]]),
    })
    needed = set(mine["alter"]) | set(members)
    nodes = tables.nodes[tables.nodes["id"].isin(needed).to_numpy()].set_index("id")
    alter_type = nodes["type"].reindex(mine["alter"]).to_numpy(dtype=object)
    mine = mine[~mine["alter"].isin(members).to_numpy() & (alter_type != "family")]
    mine = mine.assign(rank=mine["kind"].map(KIND_RANK))
    grouped = mine.groupby("alter", sort=True)
    alters = pd.DataFrame({
        "kind": grouped["kind"].agg(lambda k: ";".join(sorted(set(k)))),
        "category": grouped["rank"].min().map(lambda r: CATEGORIES[r]),
        "circle": grouped["circle"].min().astype(np.int64),
        "known_by": grouped["member"].agg(lambda m: ";".join(sorted(set(m)))),
    }).rename_axis("id").reset_index()
    if alters.empty:
        alters = pd.DataFrame({c: pd.Series(dtype=np.int64 if c == "circle" else object)
                               for c in ALTER_COLUMNS})
    alters["label"] = nodes["label"].reindex(alters["id"]).to_numpy(dtype=object)
    alters["type"] = nodes["type"].reindex(alters["id"]).to_numpy(dtype=object)
    alters = alters.sort_values(["circle", "label", "id"], kind="stable")
    alters = alters[list(ALTER_COLUMNS)].reset_index(drop=True)

    known = set(alters["id"])
    links = tables.ties
    links = links[links["source"].isin(known).to_numpy() & links["target"].isin(known).to_numpy()]
    links = _active(links, day)
    links = links[links["kind"].to_numpy(dtype=object) != HOUSEHOLD]
    pairs = np.sort(np.column_stack([links["source"].to_numpy(dtype=object),
                                     links["target"].to_numpy(dtype=object)]).astype(str), axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    links = pd.DataFrame(pairs, columns=["source", "target"]).drop_duplicates()
    people = nodes.reindex(members)
    member_table = pd.DataFrame({
        "id": np.array(members, dtype=object),
        "label": people["label"].to_numpy(dtype=object),
        "neighbourhood": people["neighbourhood"].to_numpy(dtype=object),
        "supported": people["supported"].to_numpy(bool),
    })
    return Family(person=person, at=day, members=member_table, alters=alters,
                  links=links.astype(object).reset_index(drop=True))


def page_family(F: Family) -> dict[str, object] | None:
    """Return what a person page shows about the household, or None when they live alone.

    ``others`` are the other members' names; ``counts`` the family network's counts;
    ``alters`` one dict per person or group (``name``, ``category``, ``circle`` and
    ``known_by``, the names of the members who know them). Plain values for a template.

    Examples
    --------
    >>> from lacgraph.tables import Tables
    >>> T = Tables.from_records(
    ...     nodes=[{"id": "sam", "type": "person", "label": "Sam"},
    ...            {"id": "jo", "type": "person", "label": "Jo"},
    ...            {"id": "h", "type": "family"}, {"id": "gp", "type": "service"}],
    ...     ties=[{"source": "sam", "target": "h", "kind": "household", "start": "2024-01-01"},
    ...           {"source": "jo", "target": "h", "kind": "household", "start": "2024-01-01"},
    ...           {"source": "jo", "target": "gp", "kind": "service", "start": "2024-01-01"}])
    >>> section = page_family(family(T, "sam", "2024-02-01"))
    >>> section["others"], section["alters"]
    (['Jo'], [{'name': 'gp', 'category': 'paid', 'circle': 4, 'known_by': ['Jo']}])
    >>> page_family(family(T, "sam", "2023-12-31")) is None
    True
    """
    if len(F.members) < 2:
        return None
    names = {str(i): str(label) or str(i) for i, label in zip(F.members["id"],
                                                             F.members["label"], strict=True)}
    alters = [{"name": str(label) or str(i), "category": str(category), "circle": int(circle),
               "known_by": [names[m] for m in str(known).split(";") if m]}
              for i, label, category, circle, known in zip(
                  F.alters["id"], F.alters["label"], F.alters["category"], F.alters["circle"],
                  F.alters["known_by"], strict=True)]
    return {"others": [names[m] for m in names if m != F.person], "counts": F.counts(),
            "alters": alters}


def page_household(store: Store, person: str, at: DateLike) -> dict[str, object] | None:
    """Return :func:`page_family` of ``person``'s household at ``at``, read from ``store``.

    The same as ``page_family(family(household_tables(store, person, at), person, at))``,
    but the family's network is only worked out when someone lives with the person (most
    people's pages have no household section, and then cost one ego lookup).

    Examples
    --------
    >>> from lacgraph.stores import MemoryStore
    >>> store = MemoryStore()
    >>> _ = store.write(Tables.from_records(
    ...     nodes=[{"id": "sam", "type": "person", "label": "Sam"},
    ...            {"id": "jo", "type": "person", "label": "Jo"},
    ...            {"id": "al", "type": "person"}, {"id": "h", "type": "family"}],
    ...     ties=[{"source": "sam", "target": "h", "kind": "household", "start": "2024-01-01"},
    ...           {"source": "jo", "target": "h", "kind": "household", "start": "2024-01-01"}]))
    >>> page_household(store, "sam", "2024-02-01")["others"], page_household(store, "al", "2024-02-01")
    (['Jo'], None)
    """
    day = parse_day(at)
    ego = store.ego(person, day)  # every active household tie of the person is in it
    _check_person(ego, person)
    families = set(ego.nodes.loc[ego.nodes["type"] == "family", "id"])
    if not any(h in families for h in _other_ends(ego, person, HOUSEHOLD)):
        return None  # no home at ``at``: the household is the person alone
    tables = household_tables(store, person, day)
    if len(_household(tables, person, day)) < 2:
        return None
    return page_family(family(tables, person, day))
