"""Benchmark: the top suggestion of every at-risk supported person, all at once.

Generates the synthetic programme (200,000 people by default) and times, in the same run:

* ``project``: projecting the snapshot at t (what every whole-population verb pays first);
* ``suggest_all``: the vectorised top suggestion of every at-risk supported person, on
  that snapshot (what ``lacgraph suggest SOURCE --all`` runs after projecting);
* ``one person, cold``: one :func:`lacgraph.analysis.suggestions.suggest` call on a snapshot not
  seen before (what the first person page at a date pays, after projecting);
* ``per_person``: :func:`lacgraph.analysis.suggestions.suggest` called once per person (the loop a
  caller would otherwise write; the pass over the ties is shared between calls), timed on
  a sample and extrapolated to everyone at risk;
* ``plain_python``: the tests' plain-Python reference (loops over tie records) on a
  smaller sample, extrapolated likewise.

The sampled people's answers are compared with the ``suggest_all`` rows. Ratios are printed
against ``suggest_all``; the last line is ``speedup_vs_per_person=<ratio>``.

Usage::

    python benchmarks/suggest.py              # 200,000 people
    python benchmarks/suggest.py --quick      # 20,000 people
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
from _common import peak_memory_mb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lacgraph.analysis.snapshot import project  # noqa: E402
from lacgraph.analysis.suggestions import suggest, suggest_all  # noqa: E402
from lacgraph.synthetic import programme  # noqa: E402
from lacgraph.tables import Tables  # noqa: E402
from tests import suggest_reference as ref  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="20,000 people")
    parser.add_argument("--sample", type=int, default=30, help="people timed one by one")
    parser.add_argument("--plain-sample", type=int, default=3,
                        help="people timed with the plain-Python reference")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    people = 20_000 if args.quick else args.people

    t = time.perf_counter()
    T = programme(people, seed=args.seed)
    made = time.perf_counter() - t
    at = str(np.datetime64(T.ties["start"].max(), "D") - np.timedelta64(30, "D"))
    print(f"programme: {people:,} people, {len(T.nodes):,} nodes, {len(T.ties):,} ties "
          f"({made:.1f} s to generate); t = {at}")

    t = time.perf_counter()
    S = project(T, at)
    projected = time.perf_counter() - t
    t = time.perf_counter()
    table = suggest_all(S, T)
    everyone = time.perf_counter() - t
    at_risk = len(table)
    print(f"at-risk supported people: {at_risk:,} ({(table['group'] != '').sum():,} with a "
          "suggestion)")

    t = time.perf_counter()
    suggest(S, Tables(T.nodes, T.ties), table["id"].iat[0])  # new identity: nothing reused
    cold = time.perf_counter() - t

    rng = np.random.default_rng(args.seed)
    sample = rng.choice(table["id"].to_numpy(), size=min(args.sample, at_risk), replace=False)
    t = time.perf_counter()
    tops = {p: suggest(S, T, p, limit=1) for p in sample}
    one_by_one = (time.perf_counter() - t) / max(len(sample), 1) * at_risk
    by_id = table.set_index("id")
    for p, top in tops.items():
        want = "" if top.empty else top["group"].iat[0]
        assert by_id.loc[p, "group"] == want, (p, by_id.loc[p, "group"], want)

    nodes, ties = T.to_text()
    node_rows, tie_rows = nodes.to_dict("records"), ties.to_dict("records")
    day = np.datetime64(at, "D").astype(object)
    plain_sample = sample[: args.plain_sample]
    t = time.perf_counter()
    for p in plain_sample:
        rows = ref.suggest(node_rows, tie_rows, p, day)
        want = rows[0]["group"] if rows else ""
        assert by_id.loc[p, "group"] == want, (p, by_id.loc[p, "group"], want)
    plain = (time.perf_counter() - t) / max(len(plain_sample), 1) * at_risk

    print(f"{'step':<34}{'seconds':>10}{'x suggest_all':>15}")
    for name, seconds in (("project snapshot at t", projected),
                          ("suggest_all (vectorised)", everyone),
                          ("project + suggest_all", projected + everyone),
                          ("one person, cold", cold),
                          (f"per person x{at_risk:,} (from {len(sample)})", one_by_one),
                          (f"plain Python x{at_risk:,} (from {len(plain_sample)})", plain)):
        print(f"{name:<34}{seconds:>10.2f}{seconds / everyone:>15.1f}")
    print(f"checked {len(sample)} people one by one and {len(plain_sample)} with the "
          "plain-Python reference: same top suggestion")
    print(f"peak_memory_mb={peak_memory_mb():.0f}")
    print(f"suggest_all_vs_projection={everyone / projected:.2f}")
    print(f"speedup_vs_plain_python={plain / everyone:.0f}" if math.isfinite(plain) else "")
    print(f"speedup_vs_per_person={one_by_one / everyone:.0f}")


if __name__ == "__main__":
    main()
