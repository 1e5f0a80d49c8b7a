"""Growth of supported people's networks over a window, and whether the new ties last.

The evaluator's question (DESIGN.md, "Growth"): did people's networks grow after they
met a coordinator, by how much, for whom, and did the new ties last?

Windows
    *fixed* (``start``/``end``): the cohort is every supported person introduced on or
    before ``start``; target baseline ``start``, target follow-up ``end`` for everyone.
    *personal* (``months=N``): baseline is each supported person's ``introduced_on``,
    target follow-up is baseline + N calendar months (a day that the target month lacks
    becomes its last day: 31 Jan + 1 month = 28/29 Feb).

Modes (DESIGN.md, "Observations and follow-up"; :mod:`lacgraph.analysis.observations`)
    ``observed`` (the default when the data holds a review): a person's follow-up is the
    observation (introduction, review; none after ``left_on``) closest to the target
    within ``follow_up_days`` (W, default 45; the earlier on a tie; after the baseline),
    and their network "at follow-up" is measured on that day. A fixed window's baseline
    is likewise the observation closest to ``start``. People whose target + W is after
    the data's last date and whose follow-up is not yet recorded are not yet due (one
    already recorded counts: a study's last wave is its last date); every other member is ``observed``, ``left``
    (no follow-up and ``left_on`` <= target + W), ``missing`` or ``missing_baseline``.
    Nobody is carried forward: statistics are over the observed (:attr:`Growth.people`);
    :attr:`Growth.members` holds everyone due. ``assumed`` (records assumed current; the
    only mode without reviews): everyone due is measured at the target dates as
    recorded. The mode is named in every output.

Per person (:attr:`Growth.people`): natural + community alters at both ends and the
change; paid alters other than coordinators at both ends, their change and whether the
person *shifted* from services to community (DESIGN.md, "Service dependency": paid alters
fell and natural + community alters grew); natural + community ties formed between
baseline and follow-up (start after baseline, up to and including follow-up), ended in it
(end after baseline, up to and including follow-up: a tie ending on the follow-up date is
no longer active then) and formed-and-still-active at follow-up; then every measure of
:mod:`lacgraph.analysis.measures` at both ends.

Cohort (:meth:`Growth.summary`, keys :data:`SUMMARY_KEYS`): ``n`` (due) and attrition
(:func:`lacgraph.analysis.cohort.attrition`: observed, missing, left, follow-up rate,
baseline size of the observed against the missing + left, and the sensitivity means
``mean_change_assumed`` and ``mean_change_missing_zero``); over the observed: mean/median
change, its 95% interval allowing for clustering by coordinator and the ICC
(:mod:`lacgraph.analysis.clustering`), shares who grew/stayed/shrank, Wilcoxon signed-rank
p (``scipy.stats.wilcoxon(changes)`` with its defaults; ``None`` when every change is 0),
effect size r = Z/sqrt(n) with Z the normal approximation's statistic of the same test
taken with its sign (positive = growth) and n the number observed; the same of the paid
changes (``*_paid``, ``mean_paid_change*``), the share who shifted; retention of the new
natural + community ties (those that started in the target window of a member due; a tie
touching two members counts once): ``retention_km`` — the Kaplan-Meier S(182 days) with
its 95% interval (:mod:`lacgraph.analysis.survival`), each tie censored at the data's last
date (``assumed``) or its member's last observation (``observed``; the later of two
members') — and the older ``retention``, the share of ties old enough that lasted 182
days (active on their 182nd day, among ties whose 182nd day is on or before the data's
last date; not a survival estimate: each day counts different ties).

Measures at many dates are computed once per distinct date on the part of the network
around the people measured that day (:mod:`lacgraph.analysis.timeline`).

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

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from lacgraph.analysis.cohort import (
    GROUP_COUNTS,
    SUMMARY_KEYS,
    attrition,
    mean_interval,
    statistics,
    suppressed_row,
    survival_curve,
    wilcoxon_effect,
)
from lacgraph.analysis.observations import (
    ASSUMED,
    FOLLOW_UP_DAYS,
    OBSERVED,
    closest,
    left_dates,
    observation_dates,
    resolve_mode,
)
from lacgraph.analysis.survival import RETENTION_DAYS
from lacgraph.analysis.timeline import CLOSE_KINDS, MEASURES, _Ties, add_months, measures_at
from lacgraph.analysis.turnover import TURNOVER_COLUMNS, turnover, turnover_means
from lacgraph.analysis.waves import wave_summary, waves
from lacgraph.dated import DatedNetwork
from lacgraph.errors import QueryError
from lacgraph.model import AT_RISK_THRESHOLD
from lacgraph.privacy import suppress
from lacgraph.tables import DateLike, format_date, to_date, to_day_numbers

PEOPLE_COLUMNS: tuple[str, ...] = (
    "id", "mode", "baseline", "target", "followup", "natural_community_from", "natural_community_to", "change",
    "paid_from", "paid_to", "paid_change", "shifted",
    "ties_formed", "ties_ended", "ties_still_active",
    *(f"{m}_{end}" for m in MEASURES if m != "paid" for end in ("from", "to")),
    *TURNOVER_COLUMNS,  # change between waves: lacgraph.analysis.turnover
)
"""The columns of :attr:`Growth.people`, in order (``paid_from``/``paid_to`` sit beside
``paid_change`` rather than among the other measures). ``target`` is the follow-up date
aimed at (t1, or introduced_on + N months); ``followup`` the observation measured."""

MEMBER_COLUMNS: tuple[str, ...] = (
    "id", "status", "baseline", "target", "followup", "natural_community_from", "change",
    "recorded_from", "recorded_to",
)
"""The columns of :attr:`Growth.members` (see there)."""

_statistics = statistics  # the name earlier tests import

__all__ = ["CLOSE_KINDS", "GROUP_COUNTS", "MEMBER_COLUMNS", "PEOPLE_COLUMNS", "RETENTION_DAYS",
           "SUMMARY_KEYS", "Growth", "add_months", "growth", "mean_interval", "measures_at", "wave_summary",
           "waves", "wilcoxon_effect"]

DEFAULT_GROUPS: tuple[str, ...] = ("neighbourhood", "coordinator")


# -- the result ------------------------------------------------------------------------
@dataclass
class Growth:
    """A cohort's growth over a window (see the module docstring).

    Attributes
    ----------
    people : DataFrame
        One row per cohort member measured at follow-up (:data:`PEOPLE_COLUMNS`), sorted
        by id: in ``observed`` mode the members with an observed follow-up, in
        ``assumed`` mode every member due.
    not_yet_due : int
        Supported people left out because their follow-up is after ``as_of`` (in
        ``observed`` mode: the target date plus the tolerance is after ``as_of``).
    new_ties : DataFrame
        The cohort's natural + community ties that started in the window, one row per
        (tie, cohort member in whose window it started): ``tie, person, source, target,
        kind, start, end, due, lasted, censor, duration, ended`` (``due``: its 182nd day
        is on or before ``as_of``; ``lasted``: active on that day; ``censor``: the last
        day it was observed, ``duration`` in days to its end or to ``censor`` (NaN when it
        started after ``censor``), ``ended``: its end was seen).
    attributes : DataFrame
        Node attributes of the cohort and of the people not yet due (``due`` column).
    window : dict
        ``{"kind": "fixed", "from", "to"}`` or ``{"kind": "personal", "months"}``.
    as_of : str
        The data's last date used for "not yet due" and retention.
    mode : str
        ``observed`` or ``assumed`` (records assumed current).
    follow_up_days : int
        The tolerance W around target dates (0 in ``assumed`` mode).
    members : DataFrame
        Every member due, whatever their follow-up (:data:`MEMBER_COLUMNS`): ``status``
        is ``observed``, ``missing``, ``left``, ``missing_baseline`` or (``assumed`` mode)
        ``assumed``; ``recorded_from``/``recorded_to`` are natural + community alters at
        the target dates as recorded (for the sensitivity estimates).
    """

    people: pd.DataFrame
    not_yet_due: int
    new_ties: pd.DataFrame
    attributes: pd.DataFrame
    window: dict[str, Any]
    as_of: str
    groups: tuple[str, ...] = field(default=DEFAULT_GROUPS)
    mode: str = ASSUMED
    follow_up_days: int = 0
    members: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=list(MEMBER_COLUMNS)))

    def summary(self, by: str | Iterable[str] | None = None, *,
                suppress_small: bool = False) -> dict[str, Any]:
        """Return the cohort summary, split by neighbourhood, coordinator and ``by``.

        Keys: ``mode``, ``follow_up_days``, ``window``, ``as_of``, then
        :data:`SUMMARY_KEYS` (DESIGN.md: ``n`` counts the members due; every statistic
        of the change is over the observed; attrition and sensitivity figures are
        ``None`` in ``assumed`` mode), then ``by``: a list of rows per split.

        With ``suppress_small`` (for output leaving the team) every count of a group
        (``n``, ``not_yet_due``, ``retention_n``) follows the small-number rule, and a
        group whose ``n`` is 1-7 shows no statistics (a mean of three people is theirs).

        Examples
        --------
        >>> from lacgraph.synthetic import programme, with_observations
        >>> from lacgraph.network import Network
        >>> T = with_observations(programme(300, seed=2), seed=2)
        >>> g = growth(Network.from_tables(T), months=6)
        >>> s = g.summary()
        >>> sorted(s["by"]), s["n"] == len(g.members), s["mode"]
        (['coordinator', 'neighbourhood'], True, 'observed')
        >>> s["n_observed"] + s["n_missing"] + s["n_left"] == s["n"]
        True
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
        result: dict[str, Any] = {"mode": self.mode, "follow_up_days": self.follow_up_days,
                                  "window": self.window, "as_of": self.as_of}
        result.update(self._statistics(self.attributes["id"], self.not_yet_due))
        result["by"] = {}
        for col in columns:
            rows = []
            values = self.attributes[col].astype(str)
            for value in sorted(values.unique()):
                group = self.attributes[(values == value).to_numpy()]
                pending = int((~group["due"]).sum())
                due = int(self.members["id"].isin(group["id"]).sum())
                withheld = suppress_small and suppress(due) == "*"  # no statistics
                row = {col: value, **self._statistics(group["id"], pending,
                                                      tests=not withheld)}
                rows.append(suppressed_row(row) if suppress_small else row)
            result["by"][col] = rows
        return result

    def _statistics(self, ids: pd.Series, pending: int, tests: bool = True
                    ) -> dict[str, Any]:
        """The statistics of the members ``ids`` (:data:`SUMMARY_KEYS`, with ``mode``)."""
        people = self.people[self.people["id"].isin(ids)]
        members = self.members[self.members["id"].isin(ids)]
        ties = self.new_ties[self.new_ties["person"].isin(ids)]
        coordinator = self.attributes.set_index("id")["coordinator"] \
            if "coordinator" in self.attributes else pd.Series(dtype=object)
        clusters = people["id"].map(coordinator).fillna("").to_numpy(object)
        stats = statistics(people["change"].to_numpy(), pending, ties,
                           people["paid_change"].to_numpy(), tests=tests, clusters=clusters)
        stats.update(attrition(members, self.mode == OBSERVED))
        stats["due"] = stats["n"]  # the attrition table's words: introduced = due + not yet
        stats["introduced"] = stats["n"] + int(pending)
        change = {k: v if tests else None  # lacgraph.analysis.turnover
                  for k, v in turnover_means(people).items()}
        return {"mode": self.mode, **{k: stats[k] for k in SUMMARY_KEYS if k in stats},
                **change}

    def retention_curve(self, days: Iterable[int] = range(0, 731, 7)) -> pd.DataFrame:
        """Return the share of new ties old enough that lasted, by days since their start.

        This is not a survival curve (each point counts a different set of ties: it can
        rise); :meth:`survival` is. At ``d`` days only ties whose ``d``-th day is on or
        before ``as_of`` count (``observed``); ``active`` of them were active on that
        day. A tie touching two cohort members counts once.

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

    def survival(self) -> pd.DataFrame:
        """Return the Kaplan-Meier curve of the new ties (DESIGN.md, "Retention of new
        ties"): ``days, at_risk, ended, survival, low, high``; it can only fall.

        Examples
        --------
        >>> from lacgraph.synthetic import programme
        >>> from lacgraph.network import Network
        >>> km = growth(Network.from_tables(programme(300, seed=2)), months=6).survival()
        >>> bool(km["survival"].is_monotonic_decreasing), float(km["survival"].iloc[0])
        (True, 1.0)
        """
        return survival_curve(self.new_ties)


# -- building a Growth -----------------------------------------------------------------
def growth(G: DatedNetwork, *, start: DateLike | None = None, end: DateLike | None = None,
           months: int | None = None, as_of: DateLike | None = None,
           at_risk_below: int = AT_RISK_THRESHOLD, mode: str | None = None,
           follow_up_days: int = FOLLOW_UP_DAYS) -> Growth:
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
    mode : {"observed", "assumed"}, optional
        Default ``observed`` when the data holds at least one review, else ``assumed``
        (see :mod:`lacgraph.analysis.observations`).
    follow_up_days : int
        ``observed`` mode: the tolerance W in days around each target date (default 45).

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
    >>> g.mode, g.people[["id", "baseline", "followup", "change", "ties_formed"]
    ...                  ].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    ('assumed', [{'id': 'a', 'baseline': '2024-01-31', 'followup': '2024-02-29',
                  'change': 1, 'ties_formed': 1}])
    """
    fixed = start is not None or end is not None
    if fixed == (months is not None):
        raise QueryError("Give either a fixed window (--from and --to) or --months N, not both.")
    if fixed and (start is None or end is None):
        raise QueryError("A fixed window needs both --from and --to.")
    if int(follow_up_days) < 0:
        raise QueryError(f"--follow-up-days must be 0 or more, not {follow_up_days}.")
    last = G.resolve_date(as_of)
    nodes = G.tables.nodes
    supported = nodes[nodes["supported"].to_numpy(bool) & nodes["introduced_on"].notna()
                      & (nodes["type"] == "person")]
    mode = resolve_mode(nodes, mode)
    tolerance = int(follow_up_days) if mode == OBSERVED else 0
    intro = supported["introduced_on"].to_numpy("datetime64[D]")
    if fixed:
        t0, t1 = G.resolve_date(start), G.resolve_date(end)
        if not t0 < t1:
            raise QueryError(f"--from ({t0}) must be before --to ({t1}).")
        if as_of is not None and t1 > last:
            raise QueryError(f"--to ({t1}) is after --as-of ({last}): the follow-up must be "
                             "on or before the data's last date.")
        in_cohort = intro <= t0
        target_b = np.full(len(supported), t0, dtype="datetime64[D]")
        target_f = np.full(len(supported), t1, dtype="datetime64[D]")
        due = in_cohort & ((target_f + np.timedelta64(tolerance, "D") <= last)
                           if mode == OBSERVED else True)
        window: dict[str, Any] = {"kind": "fixed", "from": str(t0), "to": str(t1)}
    else:
        if int(months) < 1:  # type: ignore[arg-type]
            raise QueryError(f"--months must be at least 1, not {months}.")
        target_b = intro
        target_f = add_months(intro, int(months))  # type: ignore[arg-type]
        in_cohort = np.ones(len(supported), bool)
        due = target_f + np.timedelta64(tolerance, "D") <= last
        window = {"kind": "personal", "months": int(months)}  # type: ignore[arg-type]
    if mode == OBSERVED:  # a follow-up already recorded is due, however soon the data end
        early = np.flatnonzero(in_cohort & ~due)
        if len(early):
            seen = observation_dates(supported.iloc[early])
            start = closest(seen, target_b[early], tolerance) if fixed else target_b[early]
            due = due & np.ones(len(supported), bool)
            due[early[~np.isnat(closest(seen, target_f[early], tolerance, after=start))]] = True
    attributes = supported.loc[in_cohort].drop(columns=["supported", "introduced_on", "type"])
    attributes = attributes.drop(columns=[c for c in ("label",) if c in attributes])
    attributes = attributes.assign(due=due[in_cohort]).sort_values("id").reset_index(drop=True)
    keep = np.flatnonzero(in_cohort & due)
    ids = supported["id"].to_numpy(object)[keep]
    order = np.argsort(ids, kind="stable")
    keep, ids = keep[order], ids[order]
    tb, tf = target_b[keep], target_f[keep]
    member_rows = supported.iloc[keep]
    ties = _Ties(G.tables, around=ids)
    if mode == OBSERVED:
        seen = observation_dates(member_rows)
        base = closest(seen, tb, tolerance) if fixed else tb
        follow = closest(seen, tf, tolerance, after=base)
        left = left_dates(member_rows)
        status = np.where(np.isnat(base), "missing_baseline", np.where(
            ~np.isnat(follow), OBSERVED, np.where(
                left <= tf + np.timedelta64(tolerance, "D"), "left", "missing")))
        censor = np.array([min(d[-1], last) if len(d) else last for d in seen],
                          dtype="datetime64[D]")
    else:
        base, follow = tb, tf
        status = np.full(len(ids), ASSUMED, dtype=object)
        censor = np.full(len(ids), last, dtype="datetime64[D]")
    measured = np.flatnonzero(~np.isnat(base) & ~np.isnat(follow))
    people = _people(ties, ids[measured], base[measured], follow[measured], last, at_risk_below)
    people.insert(1, "mode", mode)
    people.insert(3, "target", [format_date(d) for d in tf[measured]])
    members = _members(ties, ids, status, base, tb, tf, people, mode)
    new_ties = _censored(_window_ties(ties, ids, tb, tf, last)[0], ids, censor)
    return Growth(people=people[list(PEOPLE_COLUMNS)], not_yet_due=int((in_cohort & ~due).sum()),
                  new_ties=new_ties, attributes=attributes, window=window,
                  as_of=format_date(last), mode=mode, follow_up_days=tolerance,
                  members=members)


def _people(ties: _Ties, ids: np.ndarray, base: np.ndarray, follow: np.ndarray,
            last: np.datetime64, at_risk_below: int) -> pd.DataFrame:
    """The per-person rows of the members measured at both ends (without mode/target)."""
    both = ties.measures(np.concatenate([ids, ids]), np.concatenate([base, follow]),
                         at_risk_below)
    before = both.iloc[: len(ids)].reset_index(drop=True)
    after = both.iloc[len(ids):].reset_index(drop=True)
    close_from = (before["natural"] + before["community"]).to_numpy(np.int64)
    close_to = (after["natural"] + after["community"]).to_numpy(np.int64)
    paid = ties.paid_alters(np.concatenate([ids, ids]), np.concatenate([base, follow]))
    paid_from, paid_to = paid[: len(ids)], paid[len(ids):]
    _, formed, ended, lasting = _window_ties(ties, ids, base, follow, last)
    people = pd.DataFrame({  # ids stay object dtype, as everywhere (pandas 3 would infer str)
        "id": pd.Series(ids, dtype=object), "baseline": [format_date(d) for d in base],
        "followup": [format_date(d) for d in follow],
        "natural_community_from": close_from, "natural_community_to": close_to,
        "change": close_to - close_from, "paid_from": paid_from, "paid_to": paid_to,
        "paid_change": paid_to - paid_from,
        "shifted": (paid_to < paid_from) & (close_to > close_from), "ties_formed": formed,
        "ties_ended": ended, "ties_still_active": lasting,
    })
    for m in MEASURES:
        if m == "paid":  # paid_from/paid_to: other than coordinators (above)
            continue
        people[f"{m}_from"] = before[m].to_numpy()
        people[f"{m}_to"] = after[m].to_numpy()
    # change between waves (kept/new/lost alters): one merge, see lacgraph.analysis.turnover
    return people.merge(turnover(ties.tables, ids, base, follow), on="id", how="left")


def _members(ties: _Ties, ids: np.ndarray, status: np.ndarray, base: np.ndarray,
             tb: np.ndarray, tf: np.ndarray, people: pd.DataFrame, mode: str) -> pd.DataFrame:
    """Every member due, with their status and the records at the target dates."""
    measured = people.set_index("id")
    if mode == ASSUMED:  # the target dates are the measured ends
        recorded_from = measured["natural_community_from"].reindex(ids).to_numpy(np.float64)
        recorded_to = measured["natural_community_to"].reindex(ids).to_numpy(np.float64)
        observed_from = recorded_from
    else:  # natural + community alters only (as the measures count them): quick
        has_base = ~np.isnat(base)
        close, _ = ties.alter_counts(np.concatenate([ids, ids, ids[has_base]]),
                                     np.concatenate([tb, tf, base[has_base]]))
        close = close.astype(np.float64)
        recorded_from, recorded_to = close[: len(ids)], close[len(ids): 2 * len(ids)]
        observed_from = np.full(len(ids), np.nan)
        observed_from[has_base] = close[2 * len(ids):]
    return pd.DataFrame({
        "id": pd.Series(ids, dtype=object), "status": pd.Series(status, dtype=object),
        "baseline": [format_date(d) for d in base], "target": [format_date(d) for d in tf],
        "followup": measured["followup"].reindex(ids).fillna("").to_numpy(object),
        "natural_community_from": observed_from,
        "change": measured["change"].reindex(ids).to_numpy(np.float64),
        "recorded_from": recorded_from, "recorded_to": recorded_to,
    })[list(MEMBER_COLUMNS)]


def _censored(new: pd.DataFrame, ids: np.ndarray, censor: np.ndarray) -> pd.DataFrame:
    """Add each new tie's censoring day (the later of its members'), duration and end."""
    day = pd.Series(censor.astype(np.int64), index=pd.Index(ids, dtype=object))
    own = day.reindex(new["person"].to_numpy(object)).to_numpy(np.int64)
    last_seen = pd.Series(own).groupby(new["tie"].to_numpy()).transform("max").to_numpy(np.int64)
    start = to_day_numbers(new["start"])
    end = to_day_numbers(new["end"])
    ended = end <= last_seen
    duration = np.where(ended, end - start, last_seen - start).astype(np.float64)
    duration[start > last_seen] = np.nan  # started after its last observation: never seen
    return new.assign(censor=[format_date(np.datetime64(int(d), "D")) for d in last_seen],
                      duration=duration, ended=ended)


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
