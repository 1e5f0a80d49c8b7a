"""What every person's first page view needs, indexed once per data version.

A coordinator opens a person's page once per visit, so the first view is the one they
wait for. Worked out with frames (:mod:`lacgraph.analysis.circle` over a store's ego
lookups, :mod:`lacgraph.analysis.families`), one page costs tens of small pandas steps;
:class:`FirstViewIndex` instead holds every tie once as plain arrays, grouped by endpoint
(CSR: ``tie_rows[offsets[c]:offsets[c + 1]]`` are the ties of node ``c``), built with a
few vectorised steps per data version. A first view then only slices: the person's own
ties, their alters' ties among themselves (the picture's lines) and the household.

The answers are exactly those of the frame-based functions (the same shared cores, and
``tests/unit/test_first_view.py`` compares both for every person of synthetic
programmes at several dates): :meth:`PersonFirstView.circle_table` is
:func:`~lacgraph.analysis.circle.circle_table`, :meth:`~PersonFirstView.changes`,
:meth:`~PersonFirstView.compare` and :meth:`~PersonFirstView.timeline` those of
:mod:`~lacgraph.analysis.circle`, :meth:`~PersonFirstView.household` is
:func:`~lacgraph.analysis.families.page_household`.

Examples
--------
>>> from lacgraph.tables import Tables
>>> T = Tables.from_records(
...     [{"id": i, "type": "person", "label": i.upper()} for i in "abc"],
...     [{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"},
...      {"source": "b", "target": "c", "kind": "friend", "start": "2024-01-01"}])
>>> view = FirstViewIndex(T.nodes, T.ties).person("b")
>>> view.circle_table("2024-02-01")[["id", "label", "kind"]].to_dict("records")
[{'id': 'a', 'label': 'A', 'kind': 'friend'}, {'id': 'c', 'label': 'C', 'kind': 'friend'}]
>>> view.pairs("2024-02-01"), view.timeline()["size"].tolist()
([], [2])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from lacgraph.analysis.circle import (
    CIRCLE_COLUMNS,
    TIMELINE_COLUMNS,
    _window,
    change_records,
    changes_of,
    circle_columns,
    circle_of,
    compare_of,
    timeline_counts,
    timeline_of,
)
from lacgraph.errors import NotFound, QueryError
from lacgraph.model import CATEGORIES, HOUSEHOLD, KIND_CATEGORY
from lacgraph.tables import (
    DateLike,
    distinct_sorted,
    format_date,
    last_date,
    parse_day,
    to_date,
    to_day_numbers,
)

_OWN_COLUMNS = ("kind", "start", "end", "circle", "reciprocal", "brokered_by")
"""The tie columns a person's own ties carry (as :func:`lacgraph.analysis.circle._own_ties`)."""


def _among(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is one of ``members`` (sorted, not empty): one binary
    search each (``numpy.isin`` costs more on these few hundred integers)."""
    at = np.minimum(np.searchsorted(members, values), len(members) - 1)
    return members[at] == values


class FirstViewIndex:
    """Every tie of one data version by endpoint, with plain column arrays.

    ``nodes`` and ``ties`` are the data version's tables (as a store holds them); the
    index keeps them and never changes them.
    """

    def __init__(self, nodes: pd.DataFrame, ties: pd.DataFrame):
        self.nodes, self.ties = nodes, ties
        self.codes = pd.Index(nodes["id"])
        self.ids = nodes["id"].to_numpy(dtype=object)
        self.labels = nodes["label"].to_numpy(dtype=object)
        self.types = nodes["type"].to_numpy(dtype=object)
        self.source = self.codes.get_indexer(ties["source"])
        self.target = self.codes.get_indexer(ties["target"])
        rows = np.arange(len(ties))
        ends = np.concatenate([self.source, self.target])
        order = np.argsort(ends, kind="stable")
        self.tie_rows = np.concatenate([rows, rows])[order]
        self.offsets = np.searchsorted(ends[order], np.arange(len(nodes) + 1))
        self.start = to_day_numbers(ties["start"])
        self.end = to_day_numbers(ties["end"])
        kind = ties["kind"].to_numpy(dtype=object)
        self.household = kind == HOUSEHOLD
        # whether a node has a household tie at any date (most people have none: their
        # first view then needs no household lookup)
        self.in_household = np.zeros(len(nodes), dtype=bool)
        self.in_household[self.source[self.household]] = True
        self.in_household[self.target[self.household]] = True
        rank = {k: CATEGORIES.index(c) for k, c in KIND_CATEGORY.items()}
        self.rank = pd.Series(kind).map(rank).fillna(len(CATEGORIES)).to_numpy(np.int64)
        self.columns = {c: ties[c].to_numpy() for c in _OWN_COLUMNS}
        self.columns["kind"] = kind
        self.text_columns = {c: ties[c].to_numpy() for c in ties.columns}

    def code(self, node: object) -> int:
        """The row of ``node`` among the nodes; NotFound when it is not a node."""
        try:
            code = self.codes.get_loc(node) if isinstance(node, str) else None
        except KeyError:
            code = None
        if not isinstance(code, int | np.integer):
            raise NotFound(f"No node with id {node!r} in this network.")
        return int(code)

    def rows_of(self, codes: Any) -> np.ndarray:
        """Distinct tie rows touching any of ``codes``, ascending (the tables' order)."""
        parts = [self.tie_rows[self.offsets[c]:self.offsets[c + 1]] for c in codes]
        return distinct_sorted(np.concatenate(parts)) if parts else np.zeros(0, np.int64)

    def active(self, rows: np.ndarray, day: np.int64) -> np.ndarray:
        """The rows of ``rows`` active on ``day`` (a day number): ``start <= day < end``."""
        return rows[(self.start[rows] <= day) & (day < self.end[rows])]

    def person(self, person: str) -> PersonFirstView:
        """One person's view over the index (NotFound when ``person`` is not a node)."""
        return PersonFirstView(self, person)


class PersonFirstView:
    """One person's first-view answers, sliced from a :class:`FirstViewIndex`."""

    def __init__(self, index: FirstViewIndex, person: str):
        self.index = index
        self.person = person
        self.code = index.code(person)
        rows = index.rows_of([self.code])
        self.own_rows = rows[~index.household[rows]]
        self._circles: dict[np.datetime64, dict[str, Any] | None] = {}
        self._changes: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
        self.own_alters = np.where(index.source[self.own_rows] == self.code,
                                   index.target[self.own_rows], index.source[self.own_rows])
        self._alter_codes: dict[object, int] | None = None  # see _labels_and_types

    # -- the person's own ties ----------------------------------------------------------
    def own_ties(self, rows: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """The person's own ties (households left out, all dates unless ``rows`` picks
        some of them) as :func:`lacgraph.analysis.circle._own_ties` gives them."""
        ix = self.index
        pick = slice(None) if rows is None else rows
        own, alters = self.own_rows[pick], self.own_alters[pick]
        out = {c: ix.columns[c][own] for c in _OWN_COLUMNS}
        out["alter"] = ix.ids[alters]
        return out

    def _active_own(self, day: np.datetime64) -> np.ndarray:
        d = np.int64(day.astype(np.int64))
        ix = self.index
        return np.flatnonzero((ix.start[self.own_rows] <= d) & (d < ix.end[self.own_rows]))

    def _labels_and_types(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The labels and types of ``ids``, the person's own alters (looked up among them:
        a handful, not the whole index)."""
        if self._alter_codes is None:
            self._alter_codes = dict(zip(self.index.ids[self.own_alters].tolist(),
                                         self.own_alters.tolist(), strict=True))
        codes = np.array([self._alter_codes[i] for i in ids], dtype=np.int64)
        return self.index.labels[codes], self.index.types[codes]

    def resolve_date(self, at: DateLike | None) -> np.datetime64:
        """``at`` as a day, or the last date among the person's own ties (as
        :meth:`lacgraph.analysis.person_view.PersonView.resolve_date`)."""
        if at is None:
            rows = self.index.rows_of([self.code])
            last = last_date(self.index.ties.iloc[rows])
            return np.datetime64("today", "D") if last is None else last
        return to_date(at)

    def label(self) -> str:
        """The person's label, or their id when they have none."""
        return str(self.index.labels[self.code]) or self.person

    # -- the circle, what changed, the timeline ---------------------------------------
    def circle_table(self, at: DateLike) -> pd.DataFrame:
        """:func:`lacgraph.analysis.circle.circle_table` of the person at ``at``."""
        return circle_of(*self._circle_parts(at))

    def circle_columns(self, at: DateLike) -> dict[str, Any] | None:
        """The columns of :meth:`circle_table` (None when the circle is empty), without
        the frame; kept on this view (a page and its picture ask for the same day)."""
        day = to_date(at)
        if day not in self._circles:
            self._circles[day] = circle_columns(*self._circle_parts(day))
        return self._circles[day]

    def _circle_parts(self, at: DateLike) -> tuple[dict[str, np.ndarray], dict, dict]:
        ix = self.index
        picked = self._active_own(to_date(at))
        own = self.own_ties(picked)
        own["reciprocal"] = own["reciprocal"].astype(bool)
        codes = self.own_alters[picked]
        return (own, dict(zip(ix.ids[codes], ix.labels[codes], strict=True)),
                dict(zip(ix.ids[codes], ix.types[codes], strict=True)))

    def changes(self, since: DateLike, at: DateLike | None = None) -> pd.DataFrame:
        """:func:`lacgraph.analysis.circle.changes` of the person."""
        before, day = _window(self, since, at)  # type: ignore[arg-type]  # resolve_date only
        return changes_of(self.own_ties(), self._labels_and_types, before, day)

    def change_records(self, since: DateLike, at: DateLike | None = None
                       ) -> list[dict[str, Any]]:
        """The rows of :meth:`changes` as dicts, without building the frame; kept on this
        view (a page and its picture ask for the same window), so read them only."""
        before, day = _window(self, since, at)  # type: ignore[arg-type]  # resolve_date only
        if (before, day) not in self._changes:
            self._changes[before, day] = change_records(self.own_ties(), self._labels_and_types,
                                                        before, day)
        return self._changes[before, day]

    def compare(self, since: DateLike, at: DateLike | None = None) -> pd.DataFrame:
        """:func:`lacgraph.analysis.circle.compare` of the person."""
        columns = self.compare_columns(since, at)
        if columns is None:  # an empty circle: the frames' own types
            before, day = _window(self, since, at)  # type: ignore[arg-type]
            return compare_of(self.circle_table(day), self.circle_table(before),
                              self.change_records(before, day))
        return pd.DataFrame(columns)

    def compare_columns(self, since: DateLike, at: DateLike | None = None
                        ) -> dict[str, Any] | None:
        """The columns of :meth:`compare` without the frame (None when the circle at
        either date is empty)."""
        before, day = _window(self, since, at)  # type: ignore[arg-type]  # resolve_date only
        now, then = self.circle_columns(day), self.circle_columns(before)
        if now is None or then is None:
            return None
        diff = self.change_records(before, day)
        # both circles have alters: compare_of's table as columns
        then_ids, now_ids = set(then["id"]), set(now["id"])
        gone = [k for k, i in enumerate(then["id"]) if i not in now_ids]
        columns: dict[str, Any] = {}
        for c in CIRCLE_COLUMNS:
            if c in ("circle", "reciprocal"):
                columns[c] = np.concatenate([now[c], then[c][gone]])
            else:
                columns[c] = list(now[c]) + [then[c][k] for k in gone]
        columns["status"] = np.array(["kept" if i in then_ids else "new" for i in now["id"]]
                                     + ["gone"] * len(gone), dtype=object)
        added: dict[object, set] = {}
        ended: dict[object, set] = {}
        for row in diff:
            if row["change"] in ("added", "came and went"):
                added.setdefault(row["id"], set()).add(row["kind"])
            if row["change"] in ("ended", "came and went"):
                ended.setdefault(row["id"], set()).add(row["kind"])
        columns["added"] = np.array([";".join(sorted(added.get(i, ()))) for i in columns["id"]],
                                    dtype=object)
        columns["ended"] = np.array([";".join(sorted(ended.get(i, ()))) for i in columns["id"]],
                                    dtype=object)
        return columns

    def timeline(self) -> pd.DataFrame:
        """:func:`lacgraph.analysis.circle.timeline` of the person."""
        return timeline_of(self.own_ties())

    def timeline_records(self) -> list[dict[str, Any]]:
        """The rows of :meth:`timeline` as plain dicts (``date`` an ISO day, counts ints),
        without building the frame."""
        if not len(self.own_rows):
            return []
        ix, rows = self.index, self.own_rows
        which = np.searchsorted(distinct_sorted(self.own_alters), self.own_alters)
        columns = timeline_counts(ix.start[rows], ix.end[rows], ix.rank[rows], which)
        values = [columns[c] if c == "date" else columns[c].tolist() for c in TIMELINE_COLUMNS]
        return [dict(zip(TIMELINE_COLUMNS, row, strict=True))
                for row in zip(*values, strict=True)]

    def pairs(self, at: DateLike) -> list[tuple[str, str]]:
        """The ties active at ``at`` between two of the person's alters (households left
        out), as ``(source, target)`` ids in the tables' order: the lines of the picture,
        as :func:`lacgraph.viz.layout.circle_data` reads them from the store's ego."""
        ix = self.index
        d = np.int64(to_date(at).astype(np.int64))
        alters = self.own_alters[self._active_own(to_date(at))]
        members = distinct_sorted(np.append(alters, self.code))
        rows = ix.active(ix.rows_of(members), d)
        src, dst = ix.source[rows], ix.target[rows]
        keep = (_among(src, members) & _among(dst, members) & ~ix.household[rows]
                & (src != self.code) & (dst != self.code))
        return list(zip(ix.ids[src[keep]], ix.ids[dst[keep]], strict=True))

    def choices(self) -> list[tuple[str, dict[str, object]]]:
        """The person's own ties (households left out, all dates) in the tables' order, each
        as ``(alter, row)`` with ``row`` as :func:`lacgraph.tables.ties_to_text` writes it."""
        ix = self.index
        out = []
        for row, alter in zip(self.own_rows, self.own_alters, strict=True):
            text: dict[str, object] = {}
            for c, values in ix.text_columns.items():
                value = values[row]
                if c in ("start", "end"):
                    value = format_date(value)
                elif c == "circle":
                    value = str(int(value))
                elif c == "reciprocal":
                    value = "true" if bool(value) else "false"
                text[c] = value
            out.append((str(ix.ids[alter]), text))
        return out

    # -- the household ------------------------------------------------------------------
    def household(self, at: DateLike) -> dict[str, object] | None:
        """:func:`lacgraph.analysis.families.page_household` of the person at ``at``."""
        ix = self.index
        if ix.types[self.code] != "person":
            raise QueryError(f"{self.person!r} is a {ix.types[self.code]}, not a person: a "
                             "household is a group of people")
        d = np.int64(parse_day(at).astype(np.int64))
        if not ix.in_household[self.code]:
            return None
        homes = self._homes(self.code, d)
        if not len(homes):
            return None
        members = {self.code}
        for home in homes:
            rows = ix.active(ix.rows_of([home]), d)
            rows = rows[ix.household[rows]]
            src, dst = ix.source[rows], ix.target[rows]
            src_family = ix.types[src] == "family"
            who = np.where(src_family, dst, src)
            where = np.where(src_family, src, dst)
            members.update(int(w) for w in who[(where == home) & (ix.types[who] == "person")])
        if len(members) < 2:
            return None
        codes = sorted(members, key=lambda c: str(ix.ids[c]))
        return self._family_page(codes, d)

    def _homes(self, code: int, d: np.int64) -> list[int]:
        """The family nodes ``code`` has an active household tie to on day ``d``."""
        ix = self.index
        rows = ix.active(ix.rows_of([code]), d)
        rows = rows[ix.household[rows]]
        other = np.where(ix.source[rows] == code, ix.target[rows], ix.source[rows])
        return sorted({int(o) for o in other if ix.types[o] == "family"})

    def _family_page(self, members: list[int], d: np.int64) -> dict[str, object]:
        """:func:`lacgraph.analysis.families.page_family` of the household ``members``
        (node codes, sorted by id) on day ``d``."""
        ix = self.index
        rows = ix.active(ix.rows_of(members), d)
        rows = rows[~ix.household[rows]]
        inside = set(members)
        alters: dict[int, dict[str, Any]] = {}
        for row in rows:
            s, t = int(ix.source[row]), int(ix.target[row])
            for member, alter in ((s, t), (t, s)):
                if member not in inside or alter in inside or ix.types[alter] == "family":
                    continue
                a = alters.setdefault(alter, {"kind": set(), "rank": len(CATEGORIES),
                                              "circle": None, "known_by": set()})
                a["kind"].add(ix.columns["kind"][row])
                a["rank"] = min(a["rank"], int(ix.rank[row]))
                circle = int(ix.columns["circle"][row])
                a["circle"] = circle if a["circle"] is None else min(a["circle"], circle)
                a["known_by"].add(str(ix.ids[member]))
        names = {str(ix.ids[m]): str(ix.labels[m]) or str(ix.ids[m]) for m in members}
        order = sorted(alters, key=lambda a: (alters[a]["circle"], ix.labels[a], ix.ids[a]))
        counts = {c: 0 for c in CATEGORIES}
        for a in alters.values():
            counts[CATEGORIES[a["rank"]]] += 1
        return {"others": [names[m] for m in names if m != self.person],
                "counts": {"size": len(alters), **counts},
                "alters": [{"name": str(ix.labels[a]) or str(ix.ids[a]),
                            "category": CATEGORIES[alters[a]["rank"]],
                            "circle": int(alters[a]["circle"]),
                            "known_by": [names[m] for m in sorted(alters[a]["known_by"])]}
                           for a in order]}

