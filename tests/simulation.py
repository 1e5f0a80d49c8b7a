"""Simulated programmes with a known true mean change (tests and benchmarks only).

A programme here is small and plain, so that hundreds of them run in seconds, and every
figure goes through the real engine (:func:`lacgraph.analysis.growth.growth` on real
:class:`~lacgraph.tables.Tables` with review dates and ``left_on``):

- ``coordinators`` coordinators, each walking alongside ``per_coordinator`` people
  introduced in the first half of 2024; each person has 1 + Poisson(1.5) friends at
  baseline (started 2023-01-01);
- each coordinator k has an effect u_k ~ N(0, ``sigma_u``): person i of coordinator k
  makes G_i ~ Poisson(exp(``log_rate`` + u_k)) new friends between introduction and 6
  months, and loses one baseline friend with chance ``loss`` (ended 60 days after
  introduction). The true mean change is E[G] - loss = exp(log_rate + sigma_u**2 / 2)
  - loss (:func:`true_mean_change`), the programme-wide expectation the clustered
  interval estimates;
- about ``dropout`` of the people are not followed up: they have no review near 6 months
  (a third of them have ``left_on`` set, 100 days after introduction). Everyone else has
  a review 6 months after introduction (+/- 10 days).

Dropout ``"observed"`` (case a): the chance depends only on observed things — the
baseline size and a coordinator's own rate, drawn independently of u_k — so the people
followed up are, in their change, like those who were not. Dropout ``"change"`` (case b):
the odds of dropping out fall by a factor exp(0.8) = 2.2 for each friend more gained
(people whose network shrank leave most), and their records are never updated after they
go: the friends they lost are never ended and only the new friends made before their 60th
day are recorded.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lacgraph.analysis.clustering import clustered_interval
from lacgraph.analysis.cohort import attrition, mean_interval
from lacgraph.analysis.growth import growth
from lacgraph.network import Network
from lacgraph.tables import Tables

DAY0 = np.datetime64("2024-01-01")
AS_OF = "2025-06-30"


def true_mean_change(log_rate: float = 0.4, sigma_u: float = 0.3, loss: float = 0.3) -> float:
    """The expected change in natural + community alters of a programme's person."""
    return math.exp(log_rate + sigma_u**2 / 2) - loss


def simulate(seed: int, *, coordinators: int = 10, per_coordinator: int = 8,
             dropout: str = "observed", rate: float = 0.25, log_rate: float = 0.4,
             sigma_u: float = 0.3, loss: float = 0.3) -> Tables:
    """Return one simulated programme (see the module docstring)."""
    rng = np.random.default_rng(seed)
    nodes: list[dict[str, Any]] = [{"id": f"c{k}", "type": "coordinator"}
                                   for k in range(coordinators)]
    ties: list[dict[str, Any]] = []
    u = rng.normal(0.0, sigma_u, coordinators)
    own_rate = rng.normal(0.0, 0.5, coordinators)  # a coordinator's dropout, apart from u
    n = coordinators * per_coordinator
    coordinator = np.repeat(np.arange(coordinators), per_coordinator)
    baseline = 1 + rng.poisson(1.5, n)
    gained = rng.poisson(np.exp(log_rate + u[coordinator]))
    lost = rng.random(n) < loss
    change = gained - lost
    if dropout == "observed":
        score = own_rate[coordinator] + 0.4 * (baseline - baseline.mean())
    elif dropout == "change":
        score = -0.8 * (change - change.mean())
    else:
        raise ValueError(f"dropout is 'observed' or 'change', not {dropout!r}")
    chance = _calibrated(score, rate)
    gone = rng.random(n) < chance
    left = gone & (rng.random(n) < 1 / 3)
    intro = DAY0 + rng.integers(0, 180, n).astype("timedelta64[D]")
    for i in range(n):
        person = f"p{i:04d}"
        row: dict[str, Any] = {"id": person, "type": "person", "supported": True,
                               "introduced_on": str(intro[i]), "coordinator": f"c{coordinator[i]}"}
        if gone[i]:
            row["reviews"] = ""
            row["left_on"] = str(intro[i] + np.timedelta64(100, "D")) if left[i] else ""
        else:
            follow = (intro[i].astype("datetime64[M]") + np.timedelta64(6, "M")
                      ).astype("datetime64[D]") + (intro[i] - intro[i].astype("datetime64[M]"))
            row["reviews"] = str(follow + np.timedelta64(int(rng.integers(-10, 11)), "D"))
            row["left_on"] = ""
        nodes.append(row)
        for j in range(baseline[i]):
            friend = f"{person}b{j}"
            nodes.append({"id": friend, "type": "person"})
            end = (str(intro[i] + np.timedelta64(60, "D"))
                   if j == 0 and lost[i] and not (gone[i] and dropout == "change") else "")
            ties.append({"source": person, "target": friend, "kind": "friend",
                         "start": "2023-01-01", "end": end})
        for j in range(gained[i]):
            friend = f"{person}n{j}"
            day = int(rng.integers(1, 170))
            if gone[i] and dropout == "change" and day > 60:
                continue  # made after they went: never recorded
            nodes.append({"id": friend, "type": "person"})
            ties.append({"source": person, "target": friend, "kind": "friend",
                         "start": str(intro[i] + np.timedelta64(day, "D"))})
    return Tables.from_records(nodes, ties)


def _calibrated(score: np.ndarray, rate: float) -> np.ndarray:
    """Return logistic chances shifted so that their mean is ``rate``."""
    low, high = -20.0, 20.0
    for _ in range(60):
        mid = (low + high) / 2
        mean = float(np.mean(1 / (1 + np.exp(-(score + mid)))))
        low, high = (mid, high) if mean < rate else (low, mid)
    return 1 / (1 + np.exp(-(score + (low + high) / 2)))


def estimates(tables: Tables) -> dict[str, Any]:
    """Return a simulated programme's estimates (6 months, observed mode), as the summary
    computes them but without the ICC (the slow part, not needed here):
    ``mean_change`` and its clustered ``mean_change_low/high`` over the observed,
    ``mean_change_assumed``, ``mean_change_missing_zero`` and ``follow_up_rate``, and the
    plain t-interval ``plain_low/high`` that ignores clustering."""
    g = growth(Network.from_tables(tables), months=6, as_of=AS_OF)
    coordinator = g.attributes.set_index("id")["coordinator"]
    change = g.people["change"].to_numpy(np.float64)
    low, high = clustered_interval(change, g.people["id"].map(coordinator).to_numpy(object))
    plain_low, plain_high = mean_interval(change)  # ignoring clustering, for comparison
    figures = attrition(g.members, observed=True)
    return {"mode": g.mode, "mean_change": float(change.mean()), "mean_change_low": low,
            "mean_change_high": high, "plain_low": plain_low, "plain_high": plain_high,
            **figures}
