"""Plain-Python reference for connection suggestions and families (tests only).

Straight from DESIGN.md's words, with loops over tie records and ``datetime.date``: no
numpy, pandas or scipy, so the vectorised modules are checked against an independent
calculation.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping

NATURAL = {"family", "friend", "neighbour", "peer"}
COMMUNITY = {"member", "volunteer"}
PAID = {"service", "coordinator"}
RANK = {**{k: 0 for k in NATURAL}, **{k: 1 for k in COMMUNITY}, **{k: 2 for k in PAID}}
CATEGORY = ("natural", "community", "paid")


def _day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _records(rows: Iterable[Mapping[str, object]]) -> list[dict]:
    out = []
    for row in rows:
        record = dict(row)
        record["start"] = _day(str(record["start"]))
        record["end"] = _day(str(record["end"]))
        record["circle"] = int(record["circle"])  # type: ignore[call-overload]
        out.append(record)
    return out


def active_on(tie: Mapping, day: dt.date) -> bool:
    return tie["start"] <= day and (tie["end"] is None or day < tie["end"])


def suggest(nodes: list[dict], ties: list[dict], person: str, at: dt.date) -> list[dict]:
    """Every suggested group for ``person`` at ``at``, in rank order.

    ``nodes``: dicts with id, type, label, neighbourhood. ``ties``: the text rows of
    ``Tables.to_text()`` (ISO dates, "" for none).
    """
    ties = _records(ties)
    node = {n["id"]: n for n in nodes}
    active = [t for t in ties if active_on(t, at)]

    def other(tie: Mapping, me: str) -> str | None:
        if tie["source"] == me:
            return tie["target"]
        if tie["target"] == me:
            return tie["source"]
        return None

    friends = set()
    for tie in active:
        alter = other(tie, person)
        if alter is not None and tie["kind"] in NATURAL:
            friends.add(alter)
    people_in: dict[str, set[str]] = {}
    for tie in active:
        if tie["kind"] in COMMUNITY:
            for g, p in ((tie["target"], tie["source"]), (tie["source"], tie["target"])):
                if node[g]["type"] == "group":
                    people_in.setdefault(g, set()).add(p)
    rows = []
    for g in sorted(people_in):
        members = people_in[g]
        if person in members:
            continue
        in_group = len([f for f in friends if f in members])
        place = node[g]["neighbourhood"]
        same = place != "" and place == node[person]["neighbourhood"]
        if in_group < 1 and not same:
            continue
        joined = stayed = 0
        for tie in ties:
            if tie["kind"] not in COMMUNITY or g not in (tie["source"], tie["target"]):
                continue
            if person in (tie["source"], tie["target"]):
                continue
            day182 = tie["start"] + dt.timedelta(days=182)
            if tie["start"] > at - dt.timedelta(days=730) and day182 <= at:
                joined += 1
                stayed += active_on(tie, day182)
        rows.append({
            "group": g, "label": node[g]["label"], "neighbourhood": place,
            "friends_in_group": in_group, "same_neighbourhood": same, "members": len(members),
            "retention": stayed / joined if joined else math.nan, "retention_n": joined,
        })
    # rank: stable sorts from the last key to the first
    rows.sort(key=lambda r: r["group"])
    rows.sort(key=lambda r: -r["members"])
    rows.sort(key=lambda r: math.inf if math.isnan(r["retention"]) else -r["retention"])
    rows.sort(key=lambda r: not r["same_neighbourhood"])
    rows.sort(key=lambda r: -r["friends_in_group"])
    return rows


def close_alters(ties: list[dict], person: str, at: dt.date) -> int:
    """Natural + community alters of ``person`` at ``at`` (for "at risk")."""
    seen = set()
    for tie in _records(ties):
        if active_on(tie, at) and tie["kind"] in NATURAL | COMMUNITY:
            if tie["source"] == person:
                seen.add(tie["target"])
            elif tie["target"] == person:
                seen.add(tie["source"])
    return len(seen)


def household(nodes: list[dict], ties: list[dict], person: str, at: dt.date) -> list[str]:
    node = {n["id"]: n for n in nodes}
    homes = set()
    lives = []
    for tie in _records(ties):
        if tie["kind"] != "household" or not active_on(tie, at):
            continue
        for who, home in ((tie["source"], tie["target"]), (tie["target"], tie["source"])):
            if node[home]["type"] == "family" and node[who]["type"] == "person":
                lives.append((who, home))
    for who, home in lives:
        if who == person:
            homes.add(home)
    members = {person}
    for who, home in lives:
        if home in homes:
            members.add(who)
    return sorted(members)


def family(nodes: list[dict], ties: list[dict], person: str, at: dt.date) -> dict:
    """``members`` and ``alters`` ({id: (category, circle)}) and the four counts."""
    node = {n["id"]: n for n in nodes}
    members = household(nodes, ties, person, at)
    alters: dict[str, tuple[int, int]] = {}
    for tie in _records(ties):
        if tie["kind"] == "household" or not active_on(tie, at):
            continue
        for me, alter in ((tie["source"], tie["target"]), (tie["target"], tie["source"])):
            if me not in members or alter in members or node[alter]["type"] == "family":
                continue
            rank, circle = alters.get(alter, (9, 9))
            alters[alter] = (min(rank, RANK[tie["kind"]]), min(circle, tie["circle"]))
    counts = {"size": len(alters)}
    for i, name in enumerate(CATEGORY):
        counts[name] = len([a for a in alters.values() if a[0] == i])
    return {"members": members,
            "alters": {a: (CATEGORY[r], c) for a, (r, c) in alters.items()},
            "counts": counts}
