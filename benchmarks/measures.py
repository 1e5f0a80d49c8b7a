"""Benchmark: the vectorised ego measures against the plain-networkx reference, same run.

Generates a synthetic programme, times ``lacgraph.analysis.snapshot.project`` +
``lacgraph.analysis.measures.ego_measures`` over every person, times the reference
(:func:`tests.reference.active_graph` once, then :func:`tests.reference.ego_row` on a
random sample of egos) and scales the reference to every person:
``reference = build + per-ego time x N``. The last line printed is
``speedup_vs_networkx=<ratio>``.

Usage::

    python benchmarks/measures.py                 # 200,000 people
    python benchmarks/measures.py --quick         # 20,000 people
    python benchmarks/measures.py --reference-only
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import peak_memory_mb

from lacgraph.synthetic import programme
from tests.reference import active_graph, ego_row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200_000, help="people in the programme")
    parser.add_argument("--quick", action="store_true", help="20,000 people")
    parser.add_argument("--sample", type=int, default=500, help="egos timed by the reference")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--at", default="2024-06-01", help="date the network is taken at")
    parser.add_argument("--reference-only", action="store_true",
                        help="time only the networkx reference (no speed-up line)")
    args = parser.parse_args(argv)
    n_people = 20_000 if args.quick else args.people

    t = time.perf_counter()
    tables = programme(n_people, seed=args.seed)
    generate = time.perf_counter() - t
    persons = tables.nodes.loc[tables.nodes["type"] == "person", "id"].to_numpy()
    print(f"people={len(persons)} ties={len(tables.ties)} nodes={len(tables.nodes)}")
    print(f"generate_s={generate:.3f}")

    t = time.perf_counter()
    G = active_graph(tables, args.at)
    build = time.perf_counter() - t
    rng = np.random.default_rng(args.seed)
    sample = rng.choice(persons, size=min(args.sample, len(persons)), replace=False)
    t = time.perf_counter()
    for person in sample:
        ego_row(G, person)
    per_ego = (time.perf_counter() - t) / len(sample)
    reference = build + per_ego * len(persons)
    print(f"reference_build_s={build:.3f} reference_per_ego_ms={per_ego * 1e3:.3f} "
          f"(sample {len(sample)})")
    print(f"reference_scaled_s={reference:.3f}")
    del G

    if args.reference_only:
        print(f"peak_memory_mb={peak_memory_mb():.0f}")
        return 0

    from lacgraph.analysis.measures import ego_measures
    from lacgraph.analysis.snapshot import project

    t = time.perf_counter()
    snapshot = project(tables, args.at)
    projected = time.perf_counter() - t
    measures = ego_measures(snapshot)
    engine = time.perf_counter() - t
    print(f"engine_project_s={projected:.3f} engine_measures_s={engine - projected:.3f} "
          f"engine_total_s={engine:.3f} rows={len(measures)}")
    print(f"peak_memory_mb={peak_memory_mb():.0f}")
    print(f"speedup_vs_networkx={reference / engine:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
