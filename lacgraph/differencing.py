"""Can a hidden count be worked out from the published ones? An exact check by integer programming.

A publication rounds and withholds each figure on its own, but readers can combine figures:
the neighbourhoods of a cohort add up to the cohort, grew + same + shrank add up to the
people followed up, a share ties its numerator to its group. Taken together these can pin
a hidden value exactly, for example a neighbourhood of 8 shown as 10: the cohort's size
(pinned by its shares) minus the other neighbourhoods'. :class:`Readings` holds what a reader
knows as integer unknowns with bounds and linear constraints, and :meth:`Readings.pinned`
says which hidden values have exactly one possible value, by minimising and maximising each
with scipy's mixed-integer solver (HiGHS). The true values always satisfy the constraints,
so a value is pinned exactly when its smallest and largest possible values are equal.

:mod:`lacgraph.disclosure` builds the readings of a summary and withholds further figures
until nothing small is pinned (secondary suppression, as statistical offices do).

Examples
--------
Two groups of one cohort: the cohort shown as 20 (18-22) is known to be exactly 18 (say,
from its shares), the other group to be 10; then the first, shown as 10 (8-12), is 8:

>>> r = Readings()
>>> total, a, b = r.unknown(18, 18, truth=18), r.unknown(8, 12, truth=8), r.unknown(10, 10, truth=10)
>>> r.equal({total: 1, a: -1, b: -1})
>>> r.pinned({"a": {a: 1}})
['a']
>>> r.widen(b, 1, None)  # the other group's count withheld: only "one or more" is left
>>> r.pinned({"a": {a: 1}})
[]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Expression = Mapping[int, float]
"""A linear expression over unknowns: unknown -> coefficient."""

INFINITE = np.inf


class Readings:
    """Integer unknowns a reader knows bounds of, and linear constraints between them.

    Every unknown carries its true value (``truth``), which the constraints must allow:
    :meth:`pinned` checks this and raises :class:`AssertionError` if the readings are
    inconsistent with the truth (a bug in whoever built them, never a user's mistake).
    """

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.truth: list[int] = []
        self.rows: list[tuple[dict[int, float], float, float, object]] = []

    def unknown(self, lower: float | None, upper: float | None, *, truth: int) -> int:
        """Add an integer unknown in ``[lower, upper]`` (``None``: unbounded); its index."""
        self.lower.append(-INFINITE if lower is None else float(lower))
        self.upper.append(INFINITE if upper is None else float(upper))
        self.truth.append(int(truth))
        return len(self.truth) - 1

    def widen(self, index: int, lower: float | None, upper: float | None) -> None:
        """Replace the bounds of unknown ``index`` (a figure withheld says less)."""
        self.lower[index] = -INFINITE if lower is None else float(lower)
        self.upper[index] = INFINITE if upper is None else float(upper)

    def between(self, expression: Expression, lower: float | None, upper: float | None,
                figure: object = None) -> None:
        """Constrain ``lower <= expression <= upper`` (``None``: no bound on that side).

        ``figure`` names the published figure the constraint comes from, so that
        :meth:`withhold` can take it back.
        """
        self.rows.append((dict(expression), -INFINITE if lower is None else float(lower),
                          INFINITE if upper is None else float(upper), figure))

    def equal(self, expression: Expression, value: float = 0, figure: object = None) -> None:
        """Constrain ``expression == value``."""
        self.between(expression, value, value, figure)

    def withhold(self, figure: object) -> None:
        """Take back every constraint the published ``figure`` gave."""
        self.rows = [row for row in self.rows if row[3] != figure]

    def value(self, expression: Expression) -> float:
        """The true value of ``expression``."""
        return float(sum(c * self.truth[i] for i, c in expression.items()))

    def copy(self) -> Readings:
        """A copy to try a withholding on (expressions are never changed in place)."""
        other = Readings()
        other.lower, other.upper = list(self.lower), list(self.upper)
        other.truth, other.rows = list(self.truth), list(self.rows)
        return other

    def pinned(self, hidden: Mapping[Any, Expression],
               near: Mapping[Any, Sequence[Sequence[int]]] | None = None) -> list[Any]:
        """The names of the ``hidden`` expressions that have exactly one possible value.

        ``near`` may give, for a name, sets of unknowns to try moving on their own (the rest
        kept at their true values): a small search that finds a second value quickly for most.
        The others are settled on the whole: batches push the sum of the undecided down and
        up (every value that moves has a second value), then each left is minimised and, when
        its minimum is its true value, maximised, over every integer assignment allowed.
        """
        from scipy.optimize import Bounds, LinearConstraint
        from scipy.sparse import coo_array

        size = len(self.truth)
        if not size or not hidden:
            return []
        truth = np.asarray(self.truth, dtype=np.float64)
        rows, cols, data, lows, highs = [], [], [], [], []
        for r, (expression, low, high, _figure) in enumerate(self.rows):
            for i, c in expression.items():
                rows.append(r)
                cols.append(i)
                data.append(c)
            lows.append(low)
            highs.append(high)
        lower, upper = np.asarray(self.lower), np.asarray(self.upper)
        assert np.all(lower <= truth) and np.all(truth <= upper), "truth outside its bounds"
        matrix = coo_array((data, (rows, cols)), shape=(len(self.rows), size)).tocsc()
        low_rows, high_rows = np.asarray(lows, dtype=np.float64), np.asarray(highs,
                                                                            dtype=np.float64)
        got = matrix @ truth
        assert np.all(low_rows - 1e-6 <= got) and np.all(got <= high_rows + 1e-6), (
            "truth outside the constraints")
        objectives = {}
        for name, wanted in hidden.items():
            objective = np.zeros(size)
            for i, c in wanted.items():
                objective[i] = c
            objectives[name] = objective
        constraints = [LinearConstraint(matrix.tocsr(), lows, highs)] if self.rows else []
        bounds, integral = Bounds(lower, upper), np.ones(size)
        undecided = dict(objectives)
        for sign in (1.0, -1.0):
            if len(undecided) < 2:
                break
            x = self._solve(sign * np.sum(list(undecided.values()), axis=0), constraints, bounds,
                            integral)
            if x is not None:
                undecided = {n: o for n, o in undecided.items()
                             if abs(o @ x - o @ truth) < 0.5}
        undecided = {
            name: objective for name, objective in undecided.items()
            if not any(self._moves(objective, np.asarray(sorted(free), dtype=np.int64), matrix,
                                   truth, got, low_rows, high_rows, lower, upper)
                       for free in (near or {}).get(name, ()))}
        return [name for name, objective in undecided.items()
                if all(self._extreme(objective, sign, constraints, bounds, integral,
                                     float(objective @ truth))
                       for sign in (1.0, -1.0))]

    @staticmethod
    def _moves(objective: np.ndarray, free: np.ndarray, matrix: Any, truth: np.ndarray,
               got: np.ndarray, low_rows: np.ndarray, high_rows: np.ndarray,
               lower: np.ndarray, upper: np.ndarray) -> bool:
        """Whether ``objective`` can take another value when only the unknowns ``free`` move
        (the rest at their true values): two small integer programs, below and above."""
        from scipy.optimize import Bounds, LinearConstraint, milp

        sub = matrix[:, free]
        touched = np.unique(sub.nonzero()[0])
        sub = sub.tocsr()[touched]
        fixed = got[touched] - sub @ truth[free]  # what the kept unknowns contribute
        aim = objective[free]
        if not aim.any():
            return False
        true = float(objective @ truth)
        rest = true - float(aim @ truth[free])
        for side in (-1.0, 1.0):  # aim @ y + rest <= true - 1, or >= true + 1
            rows = [LinearConstraint(sub, low_rows[touched] - fixed, high_rows[touched] - fixed)]
            limit = true - 1 - rest if side < 0 else true + 1 - rest
            rows.append(LinearConstraint(aim[None, :], -np.inf if side < 0 else limit,
                                         limit if side < 0 else np.inf))
            result = milp(np.zeros(len(free)), constraints=rows,
                          bounds=Bounds(lower[free], upper[free]),
                          integrality=np.ones(len(free)))
            if result.x is not None:
                return True
        return False

    @staticmethod
    def _solve(objective: np.ndarray, constraints: list, bounds: object,
               integral: np.ndarray) -> np.ndarray | None:
        """An integer assignment minimising ``objective`` (``None``: unbounded or not found)."""
        from scipy.optimize import milp

        result = milp(objective, constraints=constraints, bounds=bounds,
                      integrality=integral)
        return None if result.x is None else np.round(result.x)

    @classmethod
    def _extreme(cls, objective: np.ndarray, sign: float, constraints: list, bounds: object,
                 integral: np.ndarray, true: float) -> bool:
        """Whether ``objective`` cannot go below (sign 1) or above (sign -1) ``true``.

        Unbounded means it can; no answer from the solver is taken as "cannot" (the
        worst case: the caller then withholds more)."""
        from scipy.optimize import milp

        result = milp(sign * objective, constraints=constraints, bounds=bounds,
                      integrality=integral)
        if result.status == 3:
            return False
        if result.x is None:
            return True
        return bool(sign * (objective @ np.round(result.x)) >= sign * true - 1e-6)


# -- a published growth summary, as a reader combines it -------------------------------------
PEOPLE_COUNTS: tuple[str, ...] = ("n", "not_yet_due", "introduced", "due", "n_observed",
                                  "n_missing", "n_left", "n_missing_baseline")
"""The counts of people in a summary row (each group's add up to the cohort's)."""

PARTS: tuple[str, ...] = ("share_grew", "share_same", "share_shrank", "share_shifted")
"""Shares of the people followed up whose numerators add up across the groups of a split."""

MEAN_GROUPS: dict[str, str] = {
    "mean_change": "stat", "wilcoxon_p": "stat", "mean_change_assumed": "n",
    "baseline_missing_mean": "missing", "follow_up_rate": "n",
}
"""Figures whose being shown or withheld says whether their group has ``min_group`` people."""


@dataclass(frozen=True)
class Rule:
    """The publication rule's numbers (:mod:`lacgraph.disclosure`) and its share texts."""

    up_to: int
    base: int
    min_group: int
    band_up_to: int
    """The largest group whose shares are shown as 10-point bands, not whole percents."""
    withheld: str


class _Summary:
    """The readings of one published summary (cohort and every split), with the truth."""

    def __init__(self, exact: Mapping[str, Any], shown: dict[str, Any], rule: Rule):
        self.rule, self.readings = rule, Readings()
        self.rows: dict[tuple[str, int], tuple[Mapping[str, Any], dict[str, Any]]] = {}
        self.counts: dict[tuple[str, int], dict[str, int]] = {}
        self.parts: dict[tuple[str, int], dict[str, int]] = {}
        self.unknowns: dict[tuple[str, int], range] = {}
        self.big = 2 * int(exact.get("introduced") or exact.get("n") or 0) + 1000
        cohort = {k: v for k, v in exact.items() if k not in ("by", "waves")}
        self._row_unknowns(("", 0), cohort, shown)
        for split, rows in exact.get("by", {}).items():
            for i, row in enumerate(rows):
                self._row_unknowns((split, i), row, shown["by"][split][i])
            self._add_up(split, len(rows))

    def _row_unknowns(self, path: tuple[str, int], exact: Mapping[str, Any],
                      shown: dict[str, Any]) -> None:
        first = len(self.readings.truth)
        self._row(path, exact, shown)
        self.unknowns[path] = range(first, len(self.readings.truth))

    def near(self, hidden: Mapping[tuple[tuple[str, int], str], Any]
             ) -> dict[tuple[tuple[str, int], str], list[list[int]]]:
        """For each hidden value, unknowns that may move together and keep every sum: its
        row with one other group of its split (the three largest in turn); for the cohort's,
        the cohort with the largest group of every split."""
        splits: dict[str, list[tuple[str, int]]] = {}
        for path in self.unknowns:
            if path != ("", 0):
                splits.setdefault(path[0], []).append(path)
        size = {p: self.readings.truth[c["n"]] if "n" in c else 0
                for p, c in self.counts.items()}
        for paths in splits.values():
            paths.sort(key=lambda p: -size[p])
        out: dict[tuple[tuple[str, int], str], list[list[int]]] = {}
        for name in hidden:
            path = name[0]
            if path == ("", 0):
                out[name] = [[*self.unknowns[path],
                              *(i for paths in splits.values() for i in self.unknowns[paths[0]])]]
            else:
                others = [p for p in splits[path[0]] if p != path][:3]
                out[name] = [[*self.unknowns[path], *self.unknowns[p]] for p in others]
        return out

    # figures of one row
    def _row(self, path: tuple[str, int], exact: Mapping[str, Any], shown: dict[str, Any]
             ) -> None:
        r, rule = self.readings, self.rule
        self.rows[path] = (exact, shown)
        counts: dict[str, int] = {}
        for key in PEOPLE_COUNTS:
            if exact.get(key) is not None:
                truth = int(exact[key])
                counts[key] = r.unknown(*self._count_bounds(shown.get(key), truth), truth=truth)
        self.counts[path] = counts
        n = counts.get("n")
        if n is None:
            return
        observed = counts.get("n_observed")
        stat = n if observed is None else observed
        for key, same in (("due", "n"),):
            if key in counts:
                r.equal({counts[key]: 1, counts[same]: -1})
        if "introduced" in counts and "not_yet_due" in counts:
            r.equal({counts["introduced"]: 1, n: -1, counts["not_yet_due"]: -1})
        statuses = [counts.get(k) for k in ("n_observed", "n_missing", "n_left",
                                            "n_missing_baseline")]
        if all(v is not None for v in statuses):
            r.equal({n: 1, **{v: -1 for v in statuses if v is not None}})
        parts: dict[str, int] = {}
        for key in PARTS:
            if exact.get(key) is None:
                continue
            truth = round(float(exact[key]) * r.truth[stat])
            parts[key] = r.unknown(0, None, truth=truth)
            r.between({parts[key]: 1, stat: -1}, None, 0)
            self._share(path, key, shown.get(key), parts[key], stat)
        self.parts[path] = parts
        if all(k in parts for k in PARTS[:3]):
            r.equal({parts["share_grew"]: 1, parts["share_same"]: 1, parts["share_shrank"]: 1,
                     stat: -1})
        if exact.get("follow_up_rate") is not None and observed is not None:
            self._share(path, "follow_up_rate", shown.get("follow_up_rate"), observed, n)
        groups: dict[str, dict[int, float]] = {"stat": {stat: 1}, "n": {n: 1}}
        if "n_missing" in counts and "n_left" in counts:
            groups["missing"] = {counts["n_missing"]: 1, counts["n_left"]: 1}
        for key, group in MEAN_GROUPS.items():
            if group in groups and exact.get(key) is not None and key in shown:
                small = self.readings.value(groups[group]) < rule.min_group
                if shown[key] == rule.withheld and small:
                    r.between(groups[group], None, rule.min_group - 1, ("size", path, key))
                elif shown[key] != rule.withheld:
                    r.between(groups[group], rule.min_group, None, ("size", path, key))

    def _count_bounds(self, shown: Any, truth: int) -> tuple[int | None, int | None]:
        """What a shown count says of its true value (a withheld one: its truth decides
        which reading is true, 1 to ``up_to`` or only "one or more")."""
        if shown is None:
            return 0, None
        if shown == self.rule.withheld:
            return (1, self.rule.up_to) if truth <= self.rule.up_to else (1, None)
        shown = int(shown)
        if shown == 0:
            return 0, 0
        return max(shown - self.rule.base // 2, self.rule.up_to + 1), shown + self.rule.base // 2

    def _share(self, path: tuple[str, int], key: str, text: Any, part: int, whole: int
               ) -> None:
        """What a shown share ``text`` says of ``part`` out of ``whole``."""
        read_share(self.readings, self.rule, text, part, whole, figure=("share", path, key),
                   big=self.big)

    def _add_up(self, split: str, size: int) -> None:
        """The groups of a split add up to the cohort, count by count and part by part."""
        cohort = ("", 0)
        paths = [(split, i) for i in range(size)]
        for table in (self.counts, self.parts):
            for key, total in table[cohort].items():
                if all(key in table.get(p, {}) for p in paths):
                    expression = {total: 1, **{table[p][key]: -1 for p in paths}}
                    if self.readings.value(expression) == 0:  # a true split of the cohort
                        self.readings.equal(expression)

    # what is hidden, and what to withhold
    def hidden(self) -> dict[tuple[tuple[str, int], str], dict[int, float]]:
        """Every small value the rule hides: counts of 1 to ``min_group - 1`` not shown
        exactly, and parts (or their complements) of 1 to ``up_to``."""
        r, rule = self.readings, self.rule
        out: dict[tuple[tuple[str, int], str], dict[int, float]] = {}
        for path, counts in self.counts.items():
            shown = self.rows[path][1]
            for key, var in counts.items():
                if 0 < r.truth[var] < rule.min_group and shown.get(key) != r.truth[var]:
                    out[(path, key)] = {var: 1}
            stat = counts.get("n_observed", counts.get("n"))
            for key, var in self.parts.get(path, {}).items():
                if 0 < r.truth[var] <= rule.up_to:
                    out[(path, key)] = {var: 1}
                if stat is not None and 0 < r.truth[stat] - r.truth[var] <= rule.up_to:
                    out[(path, key + " rest")] = {stat: 1, var: -1}
        return out

    def candidates(self, name: tuple[tuple[str, int], str]) -> list[tuple[tuple[str, int], str]]:
        """Figures to withhold so that ``name`` cannot be worked out: the other figures of its
        own row (a value is most often pinned by its own row's sum), then the same figure of
        the other groups of its split (largest first) and of the other splits' groups, then
        the other figures of those groups, and the cohort's last."""
        (split, index), key = name
        key = key.removesuffix(" rest")
        table = self.parts if key in PARTS else self.counts
        r, cohort = self.readings, ("", 0)

        def open_(path: tuple[str, int], k: str) -> bool:
            return self.rows[path][1].get(k) not in (None, 0, self.rule.withheld)

        same = [p for p in table if p[0] == split and p != (split, index) and key in table[p]
                and p != cohort]
        other = [p for p in table if p[0] not in ("", split) and key in table[p]]
        own = [((split, index), k) for k in (*self.counts.get((split, index), {}),
                                              *self.parts.get((split, index), {}))
               if k != key and open_((split, index), k)]
        out = [(p, key) for group in (same, other)
               for p in sorted(group, key=lambda p: -r.truth[table[p][key]]) if open_(p, key)]
        for p in dict.fromkeys([*same, cohort]):
            out += [(p, k) for k in (*self.counts.get(p, {}), *self.parts.get(p, {}))
                    if open_(p, k) and (p, k) not in out and (p, k) != ((split, index), key)]
        return own + out

    def withhold(self, figure: tuple[tuple[str, int], str], readings: Readings | None = None
                 ) -> None:
        """Withhold ``figure`` in the readings and in the shown summary (or only in other
        ``readings``, to try it)."""
        path, key = figure
        target = self.readings if readings is None else readings
        if key in PARTS:
            target.withhold(("share", path, key))
        else:
            var = self.counts[path][key]
            target.widen(var, *self._count_bounds(self.rule.withheld,
                                                  max(target.truth[var], self.rule.up_to + 1)))
        if readings is None:
            self.rows[path][1][key] = self.rule.withheld


TRIALS = 12
"""How many candidates :func:`protect` tries one at a time before withholding the first of
another group (and checking again)."""


def protect(exact: Mapping[str, Any], shown: dict[str, Any], rule: Rule) -> list[str]:
    """Withhold further figures of ``shown`` (the published ``exact`` summary) until no small
    value can be worked out from the rest; the figures withheld, in words (for a log).

    Each round finds the hidden values that are pinned, and for the first withholds the
    first of :data:`TRIALS` candidates (:meth:`_Summary.candidates`) that leaves it
    unpinned, or, if none does alone, the first candidate of another group; then checks
    again.
    """
    summary = _Summary(exact, shown, rule)
    hidden = summary.hidden()
    near = summary.near(hidden)
    done: list[str] = []
    while True:
        # withholding only takes constraints away: a value once shown to have a second
        # possible value keeps it, so only the pinned are checked again
        pinned = summary.readings.pinned(hidden, near)
        if not pinned:
            return done
        hidden = {name: hidden[name] for name in pinned}
        name = pinned[0]
        options = summary.candidates(name)
        if not options:  # everything that could give it away is already withheld
            hidden.pop(name)
            done.append(f"nothing left to withhold for {name[1]} of "
                        f"{name[0][0] or 'the cohort'}")
            continue
        chosen = next((o for o in options if o[0] != name[0]), options[0])
        for option in options[:TRIALS]:
            trial = summary.readings.copy()
            summary.withhold(option, trial)
            if not trial.pinned({name: hidden[name]}, near):
                chosen = option
                break
        summary.withhold(chosen)
        done.append(f"{chosen[1]} of {chosen[0][0] or 'the cohort'} {chosen[0][1]} "
                    f"(protects {name[1]} of {name[0][0] or 'the cohort'} {name[0][1]})")


def read_share(r: Readings, rule: Rule, text: Any, part: int, whole: int, *,
               figure: object = None, big: int = 10**6) -> None:
    """Add to ``r`` what a shown share ``text`` (:func:`lacgraph.disclosure.share`) says of
    the unknowns ``part`` out of ``whole``; ``big`` bounds every unknown (for "0%"/"100%").

    Examples
    --------
    >>> rule = Rule(up_to=7, base=5, min_group=20, band_up_to=97, withheld="*")
    >>> r = Readings()
    >>> part, whole = r.unknown(0, None, truth=12), r.unknown(28, 32, truth=30)
    >>> read_share(r, rule, "40–50%", part, whole)  # 12 or more of 28-32: 12 to 15
    >>> r.pinned({"part": {part: 1}})
    []
    """
    if text is None or text == rule.withheld:
        return
    text = str(text)
    least = rule.up_to + 1
    if text.startswith("under "):
        r.between({part: 1}, 1, rule.up_to, figure)
    elif text.startswith("over "):
        r.between({whole: 1, part: -1}, 1, rule.up_to, figure)
    elif "\u2013" in text:  # a 10-point band "50–60%": low <= 100 part / whole < high
        low, high = (int(x) for x in text.rstrip("%").split("\u2013"))
        r.between({part: 100, whole: -low}, 0, None, figure)
        r.between({part: 100, whole: -high}, None, -1, figure)
        r.between({part: 1}, least, None, figure)
        r.between({whole: 1, part: -1}, least, None, figure)
        r.between({whole: 1}, None, rule.band_up_to, figure)
    else:
        _percent(r, rule, int(text.rstrip("%")), part, whole, figure, big)


def _percent(r: Readings, rule: Rule, p: int, part: int, whole: int, figure: object,
             big: int) -> None:
    """What a whole percent ``p`` says: ``(2p - 1) whole <= 200 part < (2p + 1) whole`` with
    neither ``part`` nor ``whole - part`` 1 to ``up_to`` and the whole above the bands'
    limit; "0%" and "100%" also say it when the part is none or all, so one 0/1 unknown
    ``e`` says which (``e = 0``: none or all, every other line void)."""
    least = rule.up_to + 1
    lines = [({part: 200, whole: -(2 * p - 1)}, 0, None),
             ({part: 200, whole: -(2 * p + 1)}, None, -1),
             ({part: 1}, least, None), ({whole: 1, part: -1}, least, None),
             ({whole: 1}, rule.band_up_to + 1, None)]
    edge = {0: {part: 1}, 100: {whole: 1, part: -1}}.get(p)
    if edge is None:
        for expression, low, high in lines:
            r.between(expression, low, high, figure)
        return
    void = 202 * big
    e = r.unknown(0, 1, truth=0 if r.value(edge) == 0 else 1)
    r.between({**edge, e: -big}, None, 0, figure)  # e = 0: the edge value is 0
    for expression, low, high in lines:  # each holds when e = 1, and is void when e = 0
        if low is not None:
            r.between({**expression, e: -void}, low - void, None, figure)
        if high is not None:
            r.between({**expression, e: void}, None, high + void, figure)
