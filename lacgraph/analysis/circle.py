"""One person's circle of support over time: who is in it, what changed, the journey.

A coordinator sits with Sam and asks "who is in your life now, and what has changed since
we last met?". :meth:`lacgraph.network.Network.circle` answers the first half (the alters
at a date); this module answers the rest:

* :func:`changes` -- the ties of the person that were *added* (started) or *ended* between
  two dates, one row per tie;
* :func:`compare` -- one row per alter present at either date, with its ``status``
  (``new``, ``kept``, ``gone``) and the kinds of ties added and ended in between: the
  table ``lacgraph circle --since`` prints;
* :func:`timeline` -- the size of the person's network by category at every date one of
  their ties started or ended.

Windows are half-open like the "active at t" rule: a tie was *added* between ``since`` and
``at`` when ``since < start <= at``, and *ended* when ``since < end <= at`` (``end`` is the
first day it is no longer active, so a tie ending on ``at`` is no longer there at ``at``).
Household ties are left out everywhere (they record who lives together, not a relationship).

Examples
--------
>>> from lacgraph.network import Network
>>> from lacgraph.tables import Tables
>>> G = Network.from_tables(Tables.from_records(
...     nodes=[{"id": i, "type": "person", "label": i.title()} for i in ("sam", "jo", "al")],
...     ties=[{"source": "sam", "target": "jo", "kind": "friend", "start": "2024-01-01",
...            "end": "2024-05-01"},
...           {"source": "al", "target": "sam", "kind": "neighbour", "start": "2024-03-01"}]))
>>> changes(G, "sam", since="2024-02-01", at="2024-06-01")[["change", "id", "kind"]].to_dict("records")
[{'change': 'added', 'id': 'al', 'kind': 'neighbour'}, {'change': 'ended', 'id': 'jo', 'kind': 'friend'}]
>>> compare(G, "sam", since="2024-02-01", at="2024-06-01")[["id", "status"]].to_dict("records")
[{'id': 'al', 'status': 'new'}, {'id': 'jo', 'status': 'gone'}]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from lacgraph.dated import DatedNetwork
from lacgraph.errors import QueryError
from lacgraph.i18n import _, ngettext
from lacgraph.model import CATEGORIES, HOUSEHOLD, KIND_CATEGORY
from lacgraph.stores.base import Store
from lacgraph.tables import (
    DateLike,
    distinct_sorted,
    format_date,
    format_long_date,
    to_date,
    to_day_numbers,
)

CIRCLE_COLUMNS: tuple[str, ...] = (
    "id", "label", "type", "kind", "category", "circle", "since", "reciprocal", "brokered_by",
)
"""The columns of :func:`circle_table` (and :meth:`lacgraph.network.Network.circle`), in order."""

CHANGE_COLUMNS: tuple[str, ...] = (
    "change", "id", "label", "type", "kind", "category", "circle", "start", "end",
    "reciprocal", "brokered_by",
)
"""The columns of :func:`changes`, in order."""

COMPARE_EXTRA: tuple[str, ...] = ("status", "added", "ended")
"""The columns :func:`compare` adds to :data:`CIRCLE_COLUMNS`."""

TIMELINE_COLUMNS: tuple[str, ...] = (
    "date", "size", "natural", "community", "paid", "added", "ended",
)
"""The columns of :func:`timeline`, in order."""

CHANGE_ORDER = {"added": 0, "came and went": 1, "ended": 2}


def circle_table(store: Store, person: str, at: DateLike) -> pd.DataFrame:
    """Return ``person``'s alters at ``at``: who, which kinds, category, circle, since when.

    One row per alter (several ties between the pair count once): ``kind`` lists the
    active kinds joined by ``;``, ``category`` and ``circle`` are the closest over
    them, ``since`` is the earliest start, ``reciprocal`` whether any is reciprocal,
    ``brokered_by`` the coordinators who brokered any. Sorted by circle, then label.
    Columns :data:`CIRCLE_COLUMNS`. Reads only :meth:`~lacgraph.stores.base.Store.ego`.

    Examples
    --------
    >>> from lacgraph.stores import MemoryStore
    >>> from lacgraph.tables import Tables
    >>> store = MemoryStore()
    >>> _ = store.write(Tables.from_records(
    ...     nodes=[{"id": "sam", "type": "person"}, {"id": "choir", "type": "group"}],
    ...     ties=[{"source": "sam", "target": "choir", "kind": "member",
    ...            "start": "2024-03-01"}]))
    >>> circle_table(store, "sam", "2024-04-01")[["id", "kind", "since"]].to_dict("records")
    [{'id': 'choir', 'kind': 'member', 'since': '2024-03-01'}]
    """
    ego = store.ego(person, to_date(at))
    ties = ego.ties
    kinds = ties["kind"].to_numpy(dtype=object)
    src, dst = ties["source"].to_numpy(dtype=object), ties["target"].to_numpy(dtype=object)
    own = np.flatnonzero((kinds != HOUSEHOLD) & ((src == person) | (dst == person)))
    nodes = ego.nodes
    return circle_of({
        "alter": np.where(src[own] == person, dst[own], src[own]), "kind": kinds[own],
        "circle": ties["circle"].to_numpy()[own], "start": ties["start"].to_numpy()[own],
        "reciprocal": ties["reciprocal"].to_numpy(bool)[own],
        "brokered_by": ties["brokered_by"].to_numpy(dtype=object)[own]},
        dict(zip(nodes["id"], nodes["label"], strict=True)),
        dict(zip(nodes["id"], nodes["type"], strict=True)))


def circle_of(own: dict[str, np.ndarray], label: Mapping[object, object],
              kind_of: Mapping[object, object]) -> pd.DataFrame:
    """:func:`circle_table` from the person's ties active at the date (household left out):
    arrays ``alter``, ``kind``, ``circle``, ``start``, ``reciprocal``, ``brokered_by``, and
    each alter's ``label`` and type (``kind_of``). Shared by the store's ego lookup and the
    first-view index (:mod:`lacgraph.analysis.first_view`), so both give the same table."""
    columns = circle_columns(own, label, kind_of)
    if columns is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CIRCLE_COLUMNS})
    return pd.DataFrame(columns, columns=list(CIRCLE_COLUMNS))


def circle_columns(own: dict[str, np.ndarray], label: Mapping[object, object],
                   kind_of: Mapping[object, object]) -> dict[str, Any] | None:
    """The columns of :func:`circle_of` (None when there is no alter), without the frame."""
    if not len(own["alter"]):
        return None
    # one person's few ties: gathered per alter in plain Python (pandas' groupby costs
    # more than the work here)
    alters: dict[object, dict] = {}
    for alter, kind, circle, start, mutual, brokers in zip(
            own["alter"], own["kind"], own["circle"], own["start"], own["reciprocal"],
            own["brokered_by"], strict=True):
        row = alters.setdefault(alter, {"kind": set(), "rank": len(CATEGORIES),
                                        "circle": int(circle), "since": start,
                                        "reciprocal": False, "brokered_by": set()})
        row["kind"].add(kind)
        row["rank"] = min(row["rank"], CATEGORIES.index(KIND_CATEGORY[kind]))
        row["circle"] = min(row["circle"], int(circle))
        row["since"] = min(row["since"], start)
        row["reciprocal"] = row["reciprocal"] or bool(mutual)
        if brokers:
            row["brokered_by"].add(brokers)
    order = sorted(alters, key=lambda a: (alters[a]["circle"], label[a], a))
    return {
        "id": order,
        "label": [label[a] for a in order],
        "type": [kind_of[a] for a in order],
        "kind": [";".join(sorted(alters[a]["kind"])) for a in order],
        "category": [CATEGORIES[alters[a]["rank"]] for a in order],
        "circle": np.array([alters[a]["circle"] for a in order], dtype=np.int64),
        "since": [format_date(alters[a]["since"]) for a in order],
        "reciprocal": np.array([alters[a]["reciprocal"] for a in order], dtype=bool),
        "brokered_by": [";".join(sorted(alters[a]["brokered_by"])) for a in order],
    }


def person_ties(G: DatedNetwork, person: str) -> pd.DataFrame:
    """Return every tie of ``person`` (all dates, households left out) with an ``alter`` column.

    Raises :class:`~lacgraph.errors.NotFound` when ``person`` is not a node.

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "a", "type": "person"}, {"id": "b", "type": "person"}],
    ...     ties=[{"source": "b", "target": "a", "kind": "friend", "start": "2024-01-01"}]))
    >>> person_ties(G, "a")[["alter", "kind"]].to_dict("records")
    [{'alter': 'b', 'kind': 'friend'}]
    """
    G.node(person)  # NotFound for an unknown id
    ties = G.tables.ties
    mine = ties[((ties["source"] == person) | (ties["target"] == person))
                & (ties["kind"] != HOUSEHOLD)].copy()
    mine["alter"] = np.where(mine["source"] == person, mine["target"], mine["source"])
    return mine.reset_index(drop=True)


def _window(G: DatedNetwork, since: DateLike, at: DateLike | None) -> tuple[np.datetime64, np.datetime64]:
    day = G.resolve_date(at)
    before = G.resolve_date(since)
    if before >= day:
        raise QueryError(
            f"--since {format_date(before)} must be before --at {format_date(day)}: "
            "changes are counted from the earlier date to the later one")
    return before, day


def _own_ties(G: DatedNetwork, person: str) -> dict[str, np.ndarray]:
    """``person``'s ties at every date (households left out) as plain arrays, in the
    tables' order, with an ``alter`` array: what :func:`changes` and :func:`timeline`
    read, without building frames (a page view asks for one person's few ties)."""
    G.node(person)  # NotFound for an unknown id
    ties = G.tables.ties
    src = ties["source"].to_numpy(dtype=object)
    dst = ties["target"].to_numpy(dtype=object)
    kind = ties["kind"].to_numpy(dtype=object)
    mine = np.flatnonzero(((src == person) | (dst == person)) & (kind != HOUSEHOLD))
    out = {c: ties[c].to_numpy()[mine]
           for c in ("kind", "start", "end", "circle", "reciprocal", "brokered_by")}
    out["alter"] = np.where(src[mine] == person, dst[mine], src[mine])
    return out


def _labels_and_types(G: DatedNetwork, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    nodes = G.tables.nodes
    position = pd.Index(nodes["id"]).get_indexer(ids)
    labels = nodes["label"].to_numpy(dtype=object)
    types = nodes["type"].to_numpy(dtype=object)
    found = position >= 0
    return (np.where(found, labels[position], np.nan).astype(object),
            np.where(found, types[position], np.nan).astype(object))


def changes(G: DatedNetwork, person: str, since: DateLike, at: DateLike | None = None) -> pd.DataFrame:
    """Return the ties of ``person`` added or ended between ``since`` and ``at``.

    One row per tie (columns :data:`CHANGE_COLUMNS`): ``change`` is ``added`` (started in
    the window, still there at ``at``), ``ended`` (there at ``since``, gone by ``at``) or
    ``came and went`` (started and ended inside the window). ``start``/``end`` are ISO dates
    (``end`` empty when still active). Sorted by change, date, label.

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "sam", "type": "person"}, {"id": "choir", "type": "group"}],
    ...     ties=[{"source": "sam", "target": "choir", "kind": "member",
    ...            "start": "2024-03-01", "end": "2024-04-01"}]))
    >>> changes(G, "sam", "2024-01-01", "2024-06-01")[["change", "id", "end"]].to_dict("records")
    [{'change': 'came and went', 'id': 'choir', 'end': '2024-04-01'}]
    """
    before, day = _window(G, since, at)
    return changes_of(_own_ties(G, person), lambda ids: _labels_and_types(G, ids), before, day)


def changes_of(ties: dict[str, np.ndarray],
               labels_and_types: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
               before: np.datetime64, day: np.datetime64) -> pd.DataFrame:
    """:func:`changes` from the person's own ties at every date (:func:`_own_ties`'s arrays)
    and a lookup of the alters' labels and types (shared with the first-view index)."""
    rows = change_records(ties, labels_and_types, before, day)
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CHANGE_COLUMNS})
    table = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    table["circle"] = table["circle"].astype(np.int64)
    return table


def change_records(ties: dict[str, np.ndarray],
                   labels_and_types: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
                   before: np.datetime64, day: np.datetime64) -> list[dict[str, Any]]:
    """The rows of :func:`changes_of` as dicts, in its order, without building the frame."""
    start = to_day_numbers(ties["start"])
    end = to_day_numbers(ties["end"])
    lo, hi = before.astype(np.int64), day.astype(np.int64)
    added = (start > lo) & (start <= hi)
    ended = (end > lo) & (end <= hi)
    chosen = np.flatnonzero(added | ended)
    if not len(chosen):
        return []
    label, kind_of = labels_and_types(ties["alter"][chosen])
    rows = []
    for n, i in enumerate(chosen):
        change = ("came and went" if added[i] and ended[i] else "added" if added[i]
                  else "ended")
        kind = ties["kind"][i]
        rows.append((CHANGE_ORDER[change], end[i] if change == "ended" else start[i],
                     label[n], ties["alter"][i], kind, {
                         "change": change, "id": ties["alter"][i], "label": label[n],
                         "type": kind_of[n], "kind": kind, "category": KIND_CATEGORY[kind],
                         "circle": ties["circle"][i], "start": format_date(ties["start"][i]),
                         "end": format_date(ties["end"][i]),
                         "reciprocal": ties["reciprocal"][i],
                         "brokered_by": ties["brokered_by"][i]}))
    rows.sort(key=lambda r: r[:5])  # stable: equal keys keep the tables' order
    return [r[5] for r in rows]


def compare(G: DatedNetwork, person: str, since: DateLike, at: DateLike | None = None) -> pd.DataFrame:
    """Return the alters at ``since`` or ``at``, each with what changed in between.

    Columns: :data:`CIRCLE_COLUMNS` (describing the alter at ``at``, or at
    ``since`` for an alter who is gone), then ``status`` (``new``: an alter at ``at`` but not
    at ``since``; ``kept``: at both; ``gone``: at ``since`` only), ``added`` and ``ended`` (the
    kinds of ties added / ended in the window, ``;``-joined; a tie that came and went is in
    both). Sorted: alters at ``at`` by circle and label, then the gone ones.

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "sam", "type": "person"}, {"id": "jo", "type": "person"}],
    ...     ties=[{"source": "sam", "target": "jo", "kind": "neighbour", "start": "2023-01-01"},
    ...           {"source": "sam", "target": "jo", "kind": "friend", "start": "2024-03-01"}]))
    >>> compare(G, "sam", "2024-01-01", "2024-06-01")[["id", "kind", "status", "added"]].to_dict("records")
    [{'id': 'jo', 'kind': 'friend;neighbour', 'status': 'kept', 'added': 'friend'}]
    """
    before, day = _window(G, since, at)
    return compare_of(circle_table(G.store, person, day), circle_table(G.store, person, before),
                      changes(G, person, before, day))


def compare_of(now: pd.DataFrame, then: pd.DataFrame, diff: pd.DataFrame | list[dict]
               ) -> pd.DataFrame:
    """:func:`compare` from the circles at ``at`` (``now``) and at ``since`` (``then``) and
    the :func:`changes` in between (or its rows as dicts, :func:`change_records`; shared
    with the first-view index)."""
    then_ids, now_ids = set(then["id"]), set(now["id"])
    now["status"] = np.array(["kept" if i in then_ids else "new" for i in now["id"]],
                             dtype=object)
    gone = then[np.array([i not in now_ids for i in then["id"]], dtype=bool)].copy()
    gone["status"] = "gone"
    table = pd.concat([now, gone], ignore_index=True) if len(gone) else now
    added: dict[object, set] = {}
    ended: dict[object, set] = {}
    triples = (zip(diff["change"], diff["id"], diff["kind"], strict=True)
               if isinstance(diff, pd.DataFrame)
               else ((row["change"], row["id"], row["kind"]) for row in diff))
    for change, alter, kind in triples:
        if change in ("added", "came and went"):
            added.setdefault(alter, set()).add(kind)
        if change in ("ended", "came and went"):
            ended.setdefault(alter, set()).add(kind)
    ids = table["id"].tolist()
    table["added"] = np.array([";".join(sorted(added.get(i, ()))) for i in ids], dtype=object)
    table["ended"] = np.array([";".join(sorted(ended.get(i, ()))) for i in ids], dtype=object)
    return table.reset_index(drop=True)


def timeline(G: DatedNetwork, person: str) -> pd.DataFrame:
    """Return the size of ``person``'s network by category at each date a tie started or ended.

    One row per such date (columns :data:`TIMELINE_COLUMNS`): the alters on that day
    (``size``, and ``natural``/``community``/``paid`` counting each alter once in its closest
    category, as the measures do), and how many ties started (``added``) and ended
    (``ended``) that day. A person who never had a tie gets an empty table.

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "sam", "type": "person"}, {"id": "jo", "type": "person"},
    ...            {"id": "gp", "type": "service"}],
    ...     ties=[{"source": "sam", "target": "gp", "kind": "service", "start": "2024-01-01"},
    ...           {"source": "sam", "target": "jo", "kind": "friend", "start": "2024-02-01",
    ...            "end": "2024-03-01"}]))
    >>> timeline(G, "sam")[["date", "size", "natural", "paid"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'date': '2024-01-01', 'size': 1, 'natural': 0, 'paid': 1},
     {'date': '2024-02-01', 'size': 2, 'natural': 1, 'paid': 1},
     {'date': '2024-03-01', 'size': 1, 'natural': 0, 'paid': 1}]
    """
    return timeline_of(_own_ties(G, person))


def timeline_of(ties: dict[str, np.ndarray]) -> pd.DataFrame:
    """:func:`timeline` from the person's own ties at every date (:func:`_own_ties`'s
    arrays; shared with the first-view index)."""
    columns = timeline_columns(ties)
    if columns is None:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "date" else np.int64)
                             for c in TIMELINE_COLUMNS})
    return pd.DataFrame(columns)[list(TIMELINE_COLUMNS)]


def timeline_columns(ties: dict[str, np.ndarray]) -> dict[str, Any] | None:
    """The columns of :func:`timeline_of` (``date`` a list of ISO days, the counts int64
    arrays), or None when the person never had a tie."""
    if not len(ties["kind"]):
        return None
    rank = np.array([CATEGORIES.index(KIND_CATEGORY[k]) for k in ties["kind"]], np.int64)
    which, _alters = pd.factorize(ties["alter"])
    return timeline_counts(to_day_numbers(ties["start"]), to_day_numbers(ties["end"]), rank,
                           which)


def timeline_counts(start: np.ndarray, end: np.ndarray, rank: np.ndarray, which: np.ndarray
                    ) -> dict[str, Any]:
    """:func:`timeline_columns` from the ties' day numbers (``end`` the largest int64 when
    open), each tie's category rank (an index of :data:`CATEGORIES`) and its alter's
    number (0, 1, ...; the first-view index has all of these already)."""
    never = np.iinfo(np.int64).max
    days = distinct_sorted(np.concatenate([start, end[end != never]]))
    # (date x tie): each tie's category rank on each date, or len(CATEGORIES) when inactive
    active = (start[None, :] <= days[:, None]) & (days[:, None] < end[None, :])
    ranks = np.where(active, rank[None, :], len(CATEGORIES))
    # each alter's closest category per date: the minimum over its ties
    closest = np.full((len(days), int(which.max()) + 1), len(CATEGORIES), dtype=np.int64)
    np.minimum.at(closest.T, which, ranks.T)
    counts = {
        "size": (closest < len(CATEGORIES)).sum(axis=1),
        **{c: (closest == i).sum(axis=1) for i, c in enumerate(CATEGORIES)},
        "added": (start[None, :] == days[:, None]).sum(axis=1),
        "ended": (end[None, :] == days[:, None]).sum(axis=1),
    }
    return {"date": np.datetime_as_string(days.astype("datetime64[D]")).tolist(),
            **{c: v.astype(np.int64) for c, v in counts.items()}}


def headline(alters: pd.DataFrame, before: pd.DataFrame | None = None,
             since: DateLike | None = None) -> str:
    """Return the one-line summary of a circle, e.g. ``9 people and groups: 5 natural, ...``.

    Examples
    --------
    >>> alters = pd.DataFrame({"category": ["natural", "natural", "paid"]})
    >>> headline(alters)
    '3 people and groups: 2 natural, 0 community, 1 paid'
    >>> headline(alters, alters.head(1), "2024-01-10")
    '3 people and groups: 2 natural, 0 community, 1 paid \u2014 was 1 on 10 January 2024'
    >>> headline(alters.head(0))
    'No one in this circle of support yet'
    """
    return headline_of(alters["category"].to_numpy(),
                       None if before is None else len(before), since)


def headline_of(categories: Any, before: int | None = None,
                since: DateLike | None = None) -> str:
    """:func:`headline` from the alters' categories and how many there were ``since``, in
    the current language (one catalogue message, plural forms from Babel).

    Examples
    --------
    >>> headline_of(["paid"], 3, "2024-01-10")
    '1 person or group: 0 natural, 0 community, 1 paid \u2014 was 3 on 10 January 2024'
    """
    if len(categories) == 0:
        text = _("No one in this circle of support yet")
    else:
        counts = Counter(categories)
        text = ngettext("%(num)d person or group: %(natural)d natural, %(community)d "
                        "community, %(paid)d paid",
                        "%(num)d people and groups: %(natural)d natural, %(community)d "
                        "community, %(paid)d paid", len(categories),
                        **{c: int(counts.get(c, 0)) for c in CATEGORIES})
    if before is not None and since is not None:
        text = _("%(headline)s \u2014 was %(before)d on %(date)s", headline=text,
                 before=before, date=format_long_date(since))
    return text
