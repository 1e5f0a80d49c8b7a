"""Growth of supported people's networks over a window, and whether the new ties last.

The evaluator's question (DESIGN.md, "Growth"): did people's networks grow after they
met a coordinator, by how much, for whom, and did the new ties last?

Windows
    *fixed* (``start``/``end``): the cohort is every supported person introduced on or
    before ``start``; baseline ``start``, follow-up ``end`` for everyone.
    *personal* (``months=N``): baseline is each supported person's ``introduced_on``,
    follow-up is baseline + N calendar months (a day that the target month lacks becomes
    its last day: 31 Jan + 1 month = 28/29 Feb). People whose follow-up is after the
    data's last date (or ``as_of``) are left out and counted as not yet due.

Per person (:attr:`Growth.people`): natural + community alters at both ends and the
change; paid alters at both ends, their change and whether the person *shifted* from
services to community (DESIGN.md, "Service dependency": paid alters fell and natural +
community alters grew); natural + community ties formed in the window (start after baseline, up to and
including follow-up), ended in it (end after baseline, up to and including follow-up: a
tie ending on the follow-up date is no longer active then) and formed-and-still-active at
follow-up; then every measure of :mod:`lacgraph.analysis.measures` at both ends.

Cohort (:meth:`Growth.summary`): n, mean/median change, the 95% t-interval of the mean
change (:func:`lacgraph.analysis.cohort.mean_interval`), shares who grew/stayed/shrank,
Wilcoxon signed-rank p (``scipy.stats.wilcoxon(changes)`` with its defaults; ``None``
when every change is 0), effect size r = Z/sqrt(n) with Z the normal approximation's
statistic of the same test taken with its sign (positive = growth:
``wilcoxon(changes, method="asymptotic", alternative="greater").zstatistic``) and n the
cohort size; the same mean, median, p and r of the paid changes (``*_paid``,
computed by the one :func:`lacgraph.analysis.cohort.wilcoxon_effect`), the share who shifted, and retention: of
the cohort's natural + community ties that started in the window (a tie touching two cohort members counts once; in a personal window, in the
window of either), the share active 182 days after their start, counting only ties whose
182nd day is on or before the data's last date.

Measures at many dates are computed once per distinct date on the part of the network
around the people measured that day (their alters and the ties among them), which
gives each person exactly the ego-network measures of the whole snapshot.

Examples
--------
>>> from lacgraph.network import Network
>>> from lacgraph.tables import Tables
>>> G = Network.from_tables(Tables.from_records(
...     nodes=[{"id": "sam", "type": "person", "supported": True,
...             "introduced_on": "2024-01-01"},
...            {"id": "jo", "type": "person"}, {"id": "choir", "type": "group"}],
...     ties=[{"source": "sam", "target": "jo", "kind": "friend", "start": "2024-02-01"},
...           {"source": "sam", "target": "choir", "kind": "member", "start": "2024-03-01"}]))
>>> g = growth(G, start="2024-01-01", end="2024-12-31")
>>> g.people[["id", "natural_community_from", "natural_community_to", "change"]].to_dict("records")
[{'id': 'sam', 'natural_community_from': 0, 'natural_community_to': 2, 'change': 2}]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from lacgraph.analysis.cohort import (
    GROUP_COUNTS,
    SUMMARY_KEYS,
    mean_interval,
    statistics,
    suppressed_row,
    wilcoxon_effect,
)
from lacgraph.analysis.measures import MEASURE_COLUMNS, ego_measures
from lacgraph.analysis.snapshot import project
from lacgraph.analysis.turnover import TURNOVER_COLUMNS, turnover, turnover_means
from lacgraph.dated import DatedNetwork
from lacgraph.errors import QueryError
from lacgraph.model import AT_RISK_THRESHOLD, HOUSEHOLD, KIND_CATEGORY
from lacgraph.privacy import suppress
from lacgraph.tables import DateLike, Tables, format_date, to_date, to_day_numbers

_BATCH_TIES = 2_000_000
"""Dates are measured together until their copies hold this many ties (bounds memory)."""

RETENTION_DAYS = 182
"""A new tie "lasts" when it is still active this many days after its start."""

CLOSE_KINDS: tuple[str, ...] = tuple(
    k for k, c in KIND_CATEGORY.items() if c in ("natural", "community"))
"""Natural and community tie kinds: the ties growth is about."""

MEASURES: tuple[str, ...] = MEASURE_COLUMNS[1:]
PEOPLE_COLUMNS: tuple[str, ...] = (
    "id", "baseline", "followup", "natural_community_from", "natural_community_to", "change",
    "paid_from", "paid_to", "paid_change", "shifted",
    "ties_formed", "ties_ended", "ties_still_active",
    *(f"{m}_{end}" for m in MEASURES if m != "paid" for end in ("from", "to")),
    *TURNOVER_COLUMNS,  # change between waves: lacgraph.analysis.turnover
)
"""The columns of :attr:`Growth.people`, in order (``paid_from``/``paid_to`` sit beside
``paid_change`` rather than among the other measures)."""

_statistics = statistics  # the name earlier tests import

__all__ = ["CLOSE_KINDS", "GROUP_COUNTS", "PEOPLE_COLUMNS", "RETENTION_DAYS", "SUMMARY_KEYS",
           "Growth", "add_months", "growth", "mean_interval", "measures_at", "wave_summary",
           "waves", "wilcoxon_effect"]

DEFAULT_GROUPS: tuple[str, ...] = ("neighbourhood", "coordinator")


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


# -- the result ------------------------------------------------------------------------
@dataclass
class Growth:
    """A cohort's growth over a window (see the module docstring).

    Attributes
    ----------
    people : DataFrame
        One row per cohort member (:data:`PEOPLE_COLUMNS`), sorted by id.
    not_yet_due : int
        Supported people left out because their follow-up is after ``as_of``.
    new_ties : DataFrame
        The cohort's natural + community ties that started in the window, one row per
        (tie, cohort member in whose window it started): ``tie, person, source, target,
        kind, start, end, due, lasted`` (``due``: its 182nd day is on or before
        ``as_of``; ``lasted``: active on that day).
    attributes : DataFrame
        Node attributes of the cohort and of the people not yet due (``due`` column).
    window : dict
        ``{"kind": "fixed", "from", "to"}`` or ``{"kind": "personal", "months"}``.
    as_of : str
        The data's last date used for "not yet due" and retention.
    """

    people: pd.DataFrame
    not_yet_due: int
    new_ties: pd.DataFrame
    attributes: pd.DataFrame
    window: dict[str, Any]
    as_of: str
    groups: tuple[str, ...] = field(default=DEFAULT_GROUPS)

    def summary(self, by: str | Iterable[str] | None = None, *,
                suppress_small: bool = False) -> dict[str, Any]:
        """Return the cohort summary, split by neighbourhood, coordinator and ``by``.

        With ``suppress_small`` (for output leaving the team) every count of a group
        (``n``, ``not_yet_due``, ``retention_n``) follows the small-number rule, and a
        group whose ``n`` is 1-7 shows no statistics (a mean of three people is theirs).

        Examples
        --------
        >>> from lacgraph.synthetic import programme
        >>> from lacgraph.network import Network
        >>> g = growth(Network.from_tables(programme(300, seed=2)), months=6)
        >>> s = g.summary()
        >>> sorted(s["by"]), s["n"] == len(g.people)
        (['coordinator', 'neighbourhood'], True)
        """
        columns = list(self.groups)
        for col in [by] if isinstance(by, str) else list(by or []):
            if col not in columns:
                columns.append(col)
        known = [c for c in self.attributes.columns if c not in ("id", "due")]
        unknown = [c for c in columns if c not in known]
        if unknown:
            raise QueryError(f"cannot split by {', '.join(unknown)}: not a node attribute "
                             f"(expected one of {', '.join(known)})")
        result: dict[str, Any] = {"window": self.window, "as_of": self.as_of}
        result.update(statistics(self.people["change"].to_numpy(), self.not_yet_due,
                                  self.new_ties, self.people["paid_change"].to_numpy()))
        result.update(turnover_means(self.people))  # lacgraph.analysis.turnover
        result["by"] = {}
        for col in columns:
            rows = []
            values = self.attributes[col].astype(str)
            for value in sorted(values.unique()):
                group = self.attributes[(values == value).to_numpy()]
                pending = int((~group["due"]).sum())
                people = self.people[self.people["id"].isin(group["id"])]
                ties = self.new_ties[self.new_ties["person"].isin(group["id"])]
                withheld = suppress_small and suppress(len(people)) == "*"  # no statistics
                row = {col: value, **statistics(people["change"].to_numpy(), pending, ties,
                                                 people["paid_change"].to_numpy(),
                                                 tests=not withheld)}
                row.update({k: None if withheld else v  # lacgraph.analysis.turnover
                            for k, v in turnover_means(people).items()})
                rows.append(suppressed_row(row) if suppress_small else row)
            result["by"][col] = rows
        return result

    def retention_curve(self, days: Iterable[int] = range(0, 731, 7)) -> pd.DataFrame:
        """Return the share of new ties still active by days since their start.

        At ``d`` days only ties whose ``d``-th day is on or before ``as_of`` count
        (``observed``); ``active`` of them were active on that day. A tie touching two
        cohort members counts once.

        Examples
        --------
        >>> from lacgraph.synthetic import programme
        >>> from lacgraph.network import Network
        >>> g = growth(Network.from_tables(programme(300, seed=2)), months=6)
        >>> curve = g.retention_curve([0, 182])
        >>> list(curve.columns), float(curve["share"].iloc[0])
        (['days', 'observed', 'active', 'share'], 1.0)
        """
        ties = self.new_ties.drop_duplicates("tie")
        start = to_day_numbers(ties["start"])
        end = to_day_numbers(ties["end"])
        last = to_date(self.as_of).astype(np.int64)
        rows = []
        for d in days:
            seen = start + d <= last
            active = seen & (start + d < end)
            n_seen = int(seen.sum())
            rows.append({"days": int(d), "observed": n_seen, "active": int(active.sum()),
                         "share": float(active.sum() / n_seen) if n_seen else float("nan")})
        return pd.DataFrame(rows, columns=["days", "observed", "active", "share"])


# -- building a Growth -----------------------------------------------------------------
def growth(G: DatedNetwork, *, start: DateLike | None = None, end: DateLike | None = None,
           months: int | None = None, as_of: DateLike | None = None,
           at_risk_below: int = AT_RISK_THRESHOLD) -> Growth:
    """Measure the growth of supported people's networks over a fixed or personal window.

    Parameters
    ----------
    G : DatedNetwork
    start, end : date-like
        A fixed window: baseline ``start``, follow-up ``end``; the cohort is every
        supported person introduced on or before ``start``.
    months : int
        A personal window instead: baseline ``introduced_on``, follow-up N months later.
    as_of : date-like, optional
        The data's last date (default: the largest start or end date present).

    Returns
    -------
    Growth

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "a", "type": "person", "supported": True,
    ...             "introduced_on": "2024-01-31"}, {"id": "b", "type": "person"}],
    ...     ties=[{"source": "a", "target": "b", "kind": "friend", "start": "2024-02-10"}]))
    >>> g = growth(G, months=1, as_of="2024-06-01")
    >>> g.people[["id", "baseline", "followup", "change", "ties_formed"]].to_dict("records")
    [{'id': 'a', 'baseline': '2024-01-31', 'followup': '2024-02-29', 'change': 1, 'ties_formed': 1}]
    """
    fixed = start is not None or end is not None
    if fixed == (months is not None):
        raise QueryError("Give either a fixed window (--from and --to) or --months N, not both.")
    if fixed and (start is None or end is None):
        raise QueryError("A fixed window needs both --from and --to.")
    last = G.resolve_date(as_of)
    nodes = G.tables.nodes
    supported = nodes[nodes["supported"].to_numpy(bool) & nodes["introduced_on"].notna()
                      & (nodes["type"] == "person")]
    intro = supported["introduced_on"].to_numpy("datetime64[D]")
    if fixed:
        t0, t1 = G.resolve_date(start), G.resolve_date(end)
        if not t0 < t1:
            raise QueryError(f"--from ({t0}) must be before --to ({t1}).")
        if as_of is not None and t1 > last:
            raise QueryError(f"--to ({t1}) is after --as-of ({last}): the follow-up must be "
                             "on or before the data's last date.")
        in_cohort = intro <= t0
        baseline = np.full(len(supported), t0, dtype="datetime64[D]")
        followup = np.full(len(supported), t1, dtype="datetime64[D]")
        due = in_cohort
        window: dict[str, Any] = {"kind": "fixed", "from": str(t0), "to": str(t1)}
    else:
        if int(months) < 1:  # type: ignore[arg-type]
            raise QueryError(f"--months must be at least 1, not {months}.")
        baseline = intro
        followup = add_months(intro, int(months))  # type: ignore[arg-type]
        in_cohort = np.ones(len(supported), bool)
        due = followup <= last
        window = {"kind": "personal", "months": int(months)}  # type: ignore[arg-type]
    attributes = supported.loc[in_cohort].drop(columns=["supported", "introduced_on", "type"])
    attributes = attributes.drop(columns=[c for c in ("label",) if c in attributes])
    attributes = attributes.assign(due=due[in_cohort]).sort_values("id").reset_index(drop=True)
    keep = in_cohort & due
    ids = supported["id"].to_numpy(object)[keep]
    order = np.argsort(ids, kind="stable")
    ids, base, follow = ids[order], baseline[keep][order], followup[keep][order]

    ties = _Ties(G.tables, around=ids)
    both = ties.measures(np.concatenate([ids, ids]), np.concatenate([base, follow]),
                         at_risk_below)
    before, after = both.iloc[: len(ids)].reset_index(drop=True), both.iloc[len(ids):
                                                                            ].reset_index(drop=True)
    close_from = (before["natural"] + before["community"]).to_numpy(np.int64)
    close_to = (after["natural"] + after["community"]).to_numpy(np.int64)
    paid_from = before["paid"].to_numpy(np.int64)
    paid_to = after["paid"].to_numpy(np.int64)
    new_ties, formed, ended, lasting = _window_ties(ties, ids, base, follow, last)
    people = pd.DataFrame({  # ids stay object dtype, as everywhere (pandas 3 would infer str)
        "id": pd.Series(ids, dtype=object), "baseline": [format_date(d) for d in base],
        "followup": [format_date(d) for d in follow],
        "natural_community_from": close_from, "natural_community_to": close_to,
        "change": close_to - close_from, "paid_from": paid_from, "paid_to": paid_to,
        "paid_change": paid_to - paid_from,
        "shifted": (paid_to < paid_from) & (close_to > close_from), "ties_formed": formed, "ties_ended": ended,
        "ties_still_active": lasting,
    })
    for m in MEASURES:
        people[f"{m}_from"] = before[m].to_numpy()
        people[f"{m}_to"] = after[m].to_numpy()
    # change between waves (kept/new/lost alters): one merge, see lacgraph.analysis.turnover
    people = people.merge(turnover(G.tables, ids, base, follow), on="id", how="left")
    return Growth(people=people[list(PEOPLE_COLUMNS)], not_yet_due=int((in_cohort & ~due).sum()),
                  new_ties=new_ties, attributes=attributes, window=window,
                  as_of=format_date(last))


def _window_ties(ties: _Ties, ids: np.ndarray, base: np.ndarray, follow: np.ndarray,
                 last: np.datetime64) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Return the new ties table and per-person formed / ended / still-active counts."""
    n = len(ids)
    position = np.full(len(ties.index), -1)
    position[ties.index.get_indexer(ids)] = np.arange(n)
    b = base.astype(np.int64)
    f = follow.astype(np.int64)
    close = np.flatnonzero(ties.close)
    tie = np.concatenate([close, close])
    person = np.concatenate([position[ties.src[close]], position[ties.dst[close]]])
    ok = person >= 0
    tie, person = tie[ok], person[ok]
    start, end = ties.start[tie], ties.end[tie]
    formed = (b[person] < start) & (start <= f[person])
    ended = (b[person] < end) & (end <= f[person])
    lasting = formed & (f[person] < end)
    count = np.bincount
    last_day = last.astype(np.int64)
    day = start + RETENTION_DAYS
    new = pd.DataFrame({
        "tie": tie[formed], "person": ids[person[formed]],
        "source": ties.ties["source"].to_numpy(object)[tie[formed]],
        "target": ties.ties["target"].to_numpy(object)[tie[formed]],
        "kind": ties.ties["kind"].to_numpy(object)[tie[formed]],
        "start": ties.ties["start"].to_numpy()[tie[formed]],
        "end": ties.ties["end"].to_numpy()[tie[formed]],
        "due": (day <= last_day)[formed],
        "lasted": ((day <= last_day) & (day < end))[formed],
    })
    return (new.sort_values(["tie", "person"]).reset_index(drop=True),
            count(person[formed], minlength=n), count(person[ended], minlength=n),
            count(person[lasting], minlength=n))


# -- waves -----------------------------------------------------------------------------
def waves(G: DatedNetwork, months: Iterable[int] = (0, 6, 12), as_of: DateLike | None = None, *,
          at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
    """Return each supported person's measures at each wave, in long format.

    One row per person per wave that has happened by ``as_of``: ``id, neighbourhood,
    coordinator, wave`` (months since introduction), ``date``, ``natural_community``
    and every measure — ready for a mixed model (``wave`` as time, ``id`` as the group).

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "a", "type": "person", "supported": True,
    ...             "introduced_on": "2024-01-15"}, {"id": "b", "type": "person"}],
    ...     ties=[{"source": "a", "target": "b", "kind": "friend", "start": "2024-03-01"}]))
    >>> waves(G, (0, 6, 12), as_of="2024-08-01")[["id", "wave", "date", "natural_community"]
    ...     ].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'id': 'a', 'wave': 0, 'date': '2024-01-15', 'natural_community': 0},
     {'id': 'a', 'wave': 6, 'date': '2024-07-15', 'natural_community': 1}]
    """
    months = sorted({int(m) for m in months})
    if not months or months[0] < 0:
        raise QueryError(f"waves are months since introduction (0 or more), not {months}")
    last = G.resolve_date(as_of)
    nodes = G.tables.nodes
    supported = nodes[nodes["supported"].to_numpy(bool) & nodes["introduced_on"].notna()
                      & (nodes["type"] == "person")].sort_values("id")
    intro = supported["introduced_on"].to_numpy("datetime64[D]")
    frames = []
    for m in months:
        date = add_months(intro, m)
        on = date <= last
        frames.append(pd.DataFrame({
            "id": supported["id"].to_numpy(object)[on],
            "neighbourhood": supported["neighbourhood"].to_numpy(object)[on],
            "coordinator": supported["coordinator"].to_numpy(object)[on],
            "wave": m, "day": date[on]}))
    table = pd.concat(frames, ignore_index=True).sort_values(["id", "wave"], kind="stable")
    table = table.reset_index(drop=True)
    M = _Ties(G.tables, around=table["id"].to_numpy(object)).measures(
        table["id"].to_numpy(object),
                                 table["day"].to_numpy("datetime64[D]"), at_risk_below)
    table["date"] = [format_date(d) for d in table.pop("day")]
    table["natural_community"] = (M["natural"] + M["community"]).to_numpy(np.int64)
    return pd.concat([table, M], axis=1)


def wave_summary(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Compare each wave of a :func:`waves` table with the first (baseline) wave.

    For each later wave: the people seen at both, and the statistics of the change in
    natural + community alters (the same as :meth:`Growth.summary`, without retention).

    Examples
    --------
    >>> t = pd.DataFrame({"id": ["a", "a", "b", "b"], "wave": [0, 6, 0, 6],
    ...                   "natural_community": [0, 2, 1, 1]})
    >>> [(w["wave"], w["n"], w["mean_change"]) for w in wave_summary(t)]
    [(6, 2, 1.0)]
    """
    if table.empty:
        return []
    first = int(table["wave"].min())
    base = table[table["wave"] == first].set_index("id")["natural_community"]
    out = []
    for w in sorted(int(x) for x in table["wave"].unique() if x != first):
        at = table[table["wave"] == w].set_index("id")["natural_community"]
        change = (at - base.reindex(at.index)).dropna().to_numpy()
        no_ties = pd.DataFrame({"tie": [], "due": [], "lasted": []})
        stats_ = statistics(change, 0, no_ties)
        out.append({"wave": w, "baseline_wave": first,
                    **{k: v for k, v in stats_.items()
                       if k not in ("not_yet_due", "retention", "retention_n")}})
    return out
