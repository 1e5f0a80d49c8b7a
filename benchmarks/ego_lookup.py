"""Benchmark: MemoryStore.ego (tie index) against a full scan of every tie, same run.

Generates a synthetic programme, then looks up the ego network of random people at the
data's last date: with :meth:`lacgraph.stores.MemoryStore.ego` (the index is built at the
first lookup; its build time is printed apart) and with the full-scan reference
(:func:`tests.reference.ego_by_scan`, every tie read for each lookup). Each reference
answer is checked to equal the store's. Prints p50/p95 per lookup, wall clock and this
thread's CPU time (on a loaded machine the wall clock's tail is other processes' turn),
and the ratios; the last line ends ``speedup_p50=<ratio>``.

Usage::

    python benchmarks/ego_lookup.py                   # 200,000 people, 1,000 lookups
    python benchmarks/ego_lookup.py --people 20000
    python benchmarks/ego_lookup.py --reference-sample 1000   # scan every looked-up person
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from _common import peak_memory_mb

from lacgraph.stores import MemoryStore
from lacgraph.synthetic import programme
from lacgraph.tables import format_date
from tests.reference import ego_by_scan


def _timed(lookup, people) -> tuple[np.ndarray, np.ndarray, list]:
    """Wall-clock and this thread's CPU seconds per lookup, and the answers."""
    wall, cpu, answers = [], [], []
    for person in people:
        began, began_cpu = time.perf_counter(), time.thread_time()
        answers.append(lookup(person))
        cpu.append(time.thread_time() - began_cpu)
        wall.append(time.perf_counter() - began)
    return np.array(wall), np.array(cpu), answers


def _line(name: str, wall: np.ndarray, cpu: np.ndarray) -> str:
    ms = {f"{name}_{clock}_p{q}_ms": float(np.percentile(x, q) * 1000)
          for clock, x in (("wall", wall), ("cpu", cpu)) for q in (50, 95)}
    return " ".join(f"{k}={v:.3f}" for k, v in ms.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200_000, help="people in the programme")
    parser.add_argument("--lookups", type=int, default=1000, help="random people looked up")
    parser.add_argument("--reference-sample", type=int, default=100,
                        help="of those, how many the full scan also looks up (it is slow)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    tables = programme(args.people, seed=args.seed)
    store = MemoryStore()
    store.write(tables)
    held = store.read()
    ties = held.ties
    day = max(ties["start"].max(), ties["end"].max())
    at = format_date(day)
    people = held.nodes.loc[held.nodes["type"] == "person", "id"].to_numpy()
    chosen = np.random.default_rng(args.seed).choice(people, args.lookups, replace=False)
    print(f"people={args.people} ties={len(ties)} lookups={args.lookups} at={at}")

    began = time.perf_counter()
    store.ego(chosen[0], at)  # builds the index
    print(f"index_build_seconds={time.perf_counter() - began:.2f}")
    wall, cpu, answers = _timed(lambda p: store.ego(p, at), chosen)
    sample = min(args.reference_sample, args.lookups)
    ref_wall, ref_cpu, reference = _timed(lambda p: ego_by_scan(held, p, at), chosen[:sample])
    for got, want in zip(answers[:sample], reference, strict=True):
        pd.testing.assert_frame_equal(got.nodes, want.nodes)
        pd.testing.assert_frame_equal(got.ties, want.ties)
    print(_line("index", wall, cpu), f"(n={len(wall)})")
    print(_line("scan", ref_wall, ref_cpu), f"(n={sample}, answers identical)")
    print(f"peak_memory_mb={peak_memory_mb():.0f}")
    for q in (95, 50):  # wall clock: CPU time is the fairer one on a loaded machine
        print(f"speedup_cpu_p{q}={np.percentile(ref_cpu, q) / np.percentile(cpu, q):.0f} "
              f"speedup_p{q}={np.percentile(ref_wall, q) / np.percentile(wall, q):.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
