"""The network's ties as arrays over time: many people measured at their own dates.

:func:`measures_at` gives each person's ego-network measures at their own date, computed
once per distinct date on the part of the network around the people measured that day
(their alters and the ties among them), which gives each person exactly the ego-network
measures of the whole snapshot. :func:`add_months` moves dates by calendar months.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lacgraph.analysis.measures import MEASURE_COLUMNS, ego_measures
from lacgraph.analysis.snapshot import project
from lacgraph.dated import DatedNetwork
from lacgraph.errors import QueryError
from lacgraph.model import AT_RISK_THRESHOLD, HOUSEHOLD, KIND_CATEGORY
from lacgraph.tables import DateLike, Tables, to_date, to_day_numbers

__all__ = ["CLOSE_KINDS", "MEASURES", "add_months", "measures_at"]

_BATCH_TIES = 2_000_000
"""Dates are measured together until their copies hold this many ties (bounds memory)."""

CLOSE_KINDS: tuple[str, ...] = tuple(
    k for k, c in KIND_CATEGORY.items() if c in ("natural", "community"))
"""Natural and community tie kinds: the ties growth is about."""

MEASURES: tuple[str, ...] = MEASURE_COLUMNS[1:]


# -- dates -----------------------------------------------------------------------------
def add_months(dates: np.ndarray | Sequence[DateLike], months: int) -> np.ndarray:
    """Return each date plus ``months`` calendar months, clipped to the month's last day.

    Examples
    --------
    >>> add_months(np.array(["2024-01-31", "2023-01-31", "2024-03-15"], "datetime64[D]"), 1)
    array(['2024-02-29', '2023-02-28', '2024-04-15'], dtype='datetime64[D]')
    """
    days = np.asarray(dates, dtype="datetime64[D]")
    month = days.astype("datetime64[M]")
    offset = days - month.astype("datetime64[D]")
    target = month + np.timedelta64(months, "M")
    last = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    length = last - target.astype("datetime64[D]")
    return target.astype("datetime64[D]") + np.minimum(offset, length)


# -- measures of many people at their own dates ----------------------------------------
class _Ties:
    """The relationship ties as integer arrays, for repeated "active at d" questions.

    With ``around``, only ties that can be in those people's ego networks at some date are
    kept: both ends among them and everyone ever tied to them.
    """

    def __init__(self, tables: Tables, around: np.ndarray | None = None):
        ties = tables.ties[tables.ties["kind"].to_numpy() != HOUSEHOLD]
        self.tables = tables
        self.index = pd.Index(tables.nodes["id"])
        src = self.index.get_indexer(ties["source"])
        dst = self.index.get_indexer(ties["target"])
        known = np.flatnonzero((src >= 0) & (dst >= 0))  # validated data: every tie
        ties, src, dst = ties.iloc[known], src[known], dst[known]
        if around is not None:
            near = np.zeros(len(self.index), bool)
            near[self.index.get_indexer(around)] = True
            touch = near[src] | near[dst]
            near[src[touch]] = True
            near[dst[touch]] = True
            keep = np.flatnonzero(near[src] & near[dst])
            ties, src, dst = ties.iloc[keep], src[keep], dst[keep]
        self.ties = ties = ties.reset_index(drop=True)
        self.src, self.dst = src, dst
        self.start = to_day_numbers(ties["start"])
        self.end = to_day_numbers(ties["end"])
        self.close = ties["kind"].isin(CLOSE_KINDS).to_numpy()

    def measures(self, people: np.ndarray, dates: np.ndarray,
                 at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
        """Return the measures of ``people[i]`` at ``dates[i]``, one row each, in order.

        For each distinct date, the ties active then around the people measured that
        day (their alters and the ties among them) are a small copy of the network; the
        copies of many dates, kept apart by renumbered node ids, are measured together.
        """
        n = len(self.index)
        codes = self.index.get_indexer(people)
        if (codes < 0).any():
            raise QueryError(f"unknown people: {list(np.asarray(people)[codes < 0][:5])}")
        types = self.tables.nodes["type"].to_numpy(object)[codes]
        if (types != "person").any():
            raise QueryError(f"only people have ego-network measures, not "
                             f"{list(np.asarray(people)[types != 'person'][:5])}")
        days = np.asarray(dates, dtype="datetime64[D]")
        unique, copy_of_row = np.unique(days, return_inverse=True)
        frames: list[pd.DataFrame] = []
        batch: list[tuple[int, np.ndarray, np.ndarray]] = []
        size = 0
        for k, day in enumerate(unique):
            rows = np.flatnonzero(copy_of_row == k)
            d = day.astype(np.int64)
            active = (self.start <= d) & (d < self.end)
            ego = np.zeros(n, bool)
            ego[codes[rows]] = True
            touch = active & (ego[self.src] | ego[self.dst])
            keep = ego.copy()
            keep[self.src[touch]] = True
            keep[self.dst[touch]] = True
            around = np.flatnonzero(active & keep[self.src] & keep[self.dst])
            batch.append((k, np.flatnonzero(keep), around))
            size += len(around)
            if size > _BATCH_TIES or k == len(unique) - 1:
                frames.append(self._measure_copies(batch, at_risk_below))
                batch, size = [], 0
        if not frames:
            return ego_measures(project(Tables(self.tables.nodes.iloc[:0], self.ties.iloc[:0]),
                                        "2000-01-01")).drop(columns="id")
        measured = pd.concat(frames)
        out = measured.loc[copy_of_row.astype(np.int64) * n + codes]
        return out[list(MEASURES)].reset_index(drop=True)

    def paid_alters(self, people: np.ndarray, dates: np.ndarray) -> np.ndarray:
        """Return the paid alters of ``people[i]`` at ``dates[i]`` other than coordinators.

        DESIGN.md, "Service dependency": an alter counts when it is in the paid category
        (no active natural or community tie joins it to the person), is not a
        ``coordinator`` node and is joined by at least one active paid tie other than a
        ``coordinator`` tie.
        """
        return self.alter_counts(people, dates)[1]

    def alter_counts(self, people: np.ndarray, dates: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Return the natural + community alters and the paid alters other than
        coordinators (:meth:`paid_alters`) of ``people[i]`` at ``dates[i]``."""
        n = len(self.index)
        codes = self.index.get_indexer(people)
        days = np.asarray(dates, dtype="datetime64[D]").astype(np.int64)
        ends = np.concatenate([self.src, self.dst])
        other = np.concatenate([self.dst, self.src])
        tie = np.concatenate([np.arange(len(self.src))] * 2)
        order = np.argsort(ends, kind="stable")
        ends, other, tie = ends[order], other[order], tie[order]
        ptr = np.searchsorted(ends, np.arange(n + 1))
        counts = ptr[codes + 1] - ptr[codes]
        row = np.repeat(np.arange(len(codes)), counts)
        offset = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        pos = ptr[codes][row] + offset
        t, alter, d = tie[pos], other[pos], days[row]
        active = (self.start[t] <= d) & (d < self.end[t])
        t, alter, row = t[active], alter[active], row[active]
        key = row.astype(np.int64) * n + alter
        close = pd.Series(self.close[t]).groupby(key).any()
        service = pd.Series(self.ties["kind"].to_numpy(object)[t] != "coordinator"
                            ).groupby(key).any()
        keys = close.index.to_numpy(np.int64)
        is_close = close.to_numpy(bool)
        types = self.tables.nodes["type"].to_numpy(object)[keys % n]
        counted = (~is_close) & service.to_numpy(bool) & (types != "coordinator")
        return (np.bincount(keys[is_close] // n, minlength=len(codes)).astype(np.int64),
                np.bincount(keys[counted] // n, minlength=len(codes)).astype(np.int64))

    def _measure_copies(self, batch: list[tuple[int, np.ndarray, np.ndarray]],
                        at_risk_below: int) -> pd.DataFrame:
        """Measure several dates' copies at once; rows keyed by ``copy * n + node``."""
        n = len(self.index)
        node_copy = np.concatenate([np.full(len(nodes), k) for k, nodes, _ in batch])
        node_code = np.concatenate([nodes for _, nodes, _ in batch])
        tie_copy = np.concatenate([np.full(len(ties), k) for k, _, ties in batch])
        tie_index = np.concatenate([ties for _, _, ties in batch])
        nodes = pd.DataFrame({
            "id": (node_copy.astype(np.int64) * n + node_code).astype(object),
            "type": self.tables.nodes["type"].to_numpy(object)[node_code]})
        ties = pd.DataFrame({
            "source": (tie_copy.astype(np.int64) * n + self.src[tie_index]).astype(object),
            "target": (tie_copy.astype(np.int64) * n + self.dst[tie_index]).astype(object),
            "kind": self.ties["kind"].to_numpy(object)[tie_index],
            # each copy holds only the ties active on its own date: active "always"
            "start": np.zeros(len(tie_index), dtype="datetime64[s]"),
            "end": np.full(len(tie_index), np.datetime64("NaT"), dtype="datetime64[s]"),
            "circle": self.ties["circle"].to_numpy()[tie_index],
            "reciprocal": self.ties["reciprocal"].to_numpy(bool)[tie_index],
            "brokered_by": self.ties["brokered_by"].to_numpy(object)[tie_index],
        })
        S = project(Tables(nodes, ties), "1970-01-01")
        return ego_measures(S, at_risk_below=at_risk_below).set_index("id")


def measures_at(G: DatedNetwork, people: Sequence[str], dates: Sequence[DateLike], *,
                at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
    """Return each person's ego-network measures at their own date.

    Equal to ``G.metrics(at=dates[i])`` restricted to ``people[i]`` for every ``i``, but
    computed once per distinct date on the ties around the people measured that day.

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "a", "type": "person"}, {"id": "b", "type": "person"}],
    ...     ties=[{"source": "a", "target": "b", "kind": "friend", "start": "2024-02-01"}]))
    >>> measures_at(G, ["a", "a"], ["2024-01-01", "2024-03-01"])["natural"].tolist()
    [0, 1]
    """
    days = np.array([to_date(d) for d in dates], dtype="datetime64[D]")
    ids = np.asarray(people, dtype=object)
    return _Ties(G.tables, around=ids).measures(ids, days, at_risk_below)
