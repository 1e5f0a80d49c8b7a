"""Benchmark: personal-window growth against measuring the whole network at every date.

``lacgraph.analysis.growth.growth(G, months=6)`` measures each supported person at their own
introduction date and 6 months later: once per distinct date, on the ties around the
people measured that day. The reference is the obvious way: ``G.metrics(at=d)`` (the
whole population) for every distinct date, timed on a random sample of dates and scaled
to all of them. The last line printed is ``speedup_vs_metrics_per_date=<ratio>``.

Usage::

    python benchmarks/growth.py                 # 20,000 people
    python benchmarks/growth.py --people 200000
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from lacgraph.analysis.growth import add_months, growth
from lacgraph.network import Network
from lacgraph.synthetic import programme


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=20, help="dates timed by the reference")
    args = parser.parse_args(argv)

    tables = programme(args.people, seed=1)
    G = Network.from_tables(tables)
    nodes = tables.nodes
    intro = nodes.loc[nodes["supported"], "introduced_on"].dropna().to_numpy("datetime64[D]")
    dates = np.unique(np.concatenate([intro, add_months(intro, 6)]))
    dates = dates[dates <= G.last_date]
    print(f"people={args.people} ties={len(tables.ties)} supported={len(intro)} "
          f"distinct_dates={len(dates)}")

    began = time.perf_counter()
    result = growth(G, months=6)
    engine = time.perf_counter() - began
    print(f"growth_seconds={engine:.2f} cohort={len(result.people)} "
          f"not_yet_due={result.not_yet_due}")

    rng = np.random.default_rng(0)
    sample = rng.choice(dates, min(args.sample, len(dates)), replace=False)
    began = time.perf_counter()
    for d in sample:
        ref = Network(G.store)  # a fresh cache: every date measured from scratch
        ref.metrics(at=d)
    per_date = (time.perf_counter() - began) / len(sample)
    reference = per_date * len(dates)
    print(f"reference_seconds_per_date={per_date:.3f} reference_seconds={reference:.1f} "
          "(scaled from the sample)")
    print(f"speedup_vs_metrics_per_date={reference / engine:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
