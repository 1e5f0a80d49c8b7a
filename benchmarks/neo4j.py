"""Time the Neo4j store against the memory store (the reference, same run, same data).

    python benchmarks/neo4j.py [--people 200000] [--egos 1000] [--heap 4g] [--pagecache 1g]

Starts the real Neo4j 5.26 server of ``tests/neo4jserver.py`` (127.0.0.1, a free port;
``make neo4j-build`` first) and measures, over Bolt and in memory: the load (``write``)
of ``programme(people)``, a second identical load, the ego-network lookup latency
(median and p95 over ``--egos`` random people) and the snapshot projection
(``store.snapshot(at)`` into :func:`lacgraph.analysis.snapshot.project`). Targets at 200,000
people: load <= 60 s, re-load <= 30 s, ego p95 <= 20 ms, snapshot projection <= 5 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"load": 60.0, "reload": 30.0, "ego_p95": 0.020, "snapshot": 5.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--egos", type=int, default=1000)
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="1g")
    parser.add_argument("--single-transaction-rows", type=int, default=None)
    parser.add_argument("--stage-workers", type=int, default=None,
                        help="staged batches written at once (the store's default if not given)")
    args = parser.parse_args()

    # this file is called neo4j.py: keep its folder off the path so "import neo4j" finds
    # the driver, not this script
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.path.insert(0, str(ROOT))
    from lacgraph.analysis.snapshot import project
    from lacgraph.stores import MemoryStore
    from lacgraph.stores.neo4j import Neo4jStore
    from lacgraph.synthetic import programme
    from tests.neo4jserver import Neo4jServer

    started = time.perf_counter()
    server = Neo4jServer(heap=args.heap, pagecache=args.pagecache)
    print(f"server: started in {time.perf_counter() - started:.0f} s at {server.uri} "
          f"(heap {args.heap}, page cache {args.pagecache})")
    try:
        tables = programme(args.people, seed=1)
        rows = len(tables.nodes) + len(tables.ties)
        print(f"programme({args.people}): {len(tables.nodes):,} nodes, "
              f"{len(tables.ties):,} ties")
        options = {k: v for k, v in (("single_transaction_rows", args.single_transaction_rows),
                                     ("stage_workers", args.stage_workers)) if v is not None}
        store = server.open(**options)
        print(f"store: {store!r}; batches of {store.batch_size} rows; one transaction up to "
              f"{store.single_transaction_rows:,} rows, staged beyond, {store.stage_workers} "
              "staged batches at once")
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
        mem = MemoryStore()

        results = {}
        pid = server.process.pid

        def timed_server(work) -> float:
            cpu, own = cpu_seconds(pid), time.process_time()
            seconds = timed(work)
            print(f"  (wall {seconds:.1f} s; CPU: server {cpu_seconds(pid) - cpu:.1f} s, "
                  f"lacgraph {time.process_time() - own:.1f} s)", flush=True)
            return seconds

        bolt_load = timed_server(lambda: store.write(tables))
        mem_load = timed(lambda: mem.write(tables))
        results["load"] = report("load", bolt_load, mem_load, "s",
                                 f"{rows / bolt_load:,.0f} rows/s")
        again = timed_server(lambda: store.write(tables))
        mem_again = timed(lambda: mem.write(tables))
        results["reload"] = report("re-load, nothing changes", again, mem_again, "s")

        at = "2024-06-01"
        people = tables.nodes.loc[tables.nodes["type"] == "person", "id"].to_numpy()
        sample = np.random.default_rng(2).choice(people, size=min(args.egos, len(people)),
                                                 replace=False)
        for person in sample[:20]:  # warm the connection pool and the query plan
            store.ego(person, at)
        bolt_ego = latencies(lambda p: store.ego(p, at), sample)
        mem_ego = latencies(lambda p: mem.ego(p, at), sample)
        report(f"ego median ({len(sample)} people)", bolt_ego[0], mem_ego[0], "ms")
        results["ego_p95"] = report(f"ego p95 ({len(sample)} people)", bolt_ego[1],
                                    mem_ego[1], "ms")

        cold = Neo4jStore(server.uri, **server.options)  # a new process's first read
        bolt_snap = timed_server(lambda: project(cold.snapshot(at), np.datetime64(at)))
        cold.close()
        mem_snap = timed(lambda: project(mem.snapshot(at), np.datetime64(at)))
        results["snapshot"] = report("snapshot + project", bolt_snap, mem_snap, "s")
        store.close()
        if args.people == 200_000:
            print(f"load average {os.getloadavg()[0]:.1f} at the end")
            print("targets at 200,000 people: " + ", ".join(
                f"{name} {'met' if results[name] <= limit else 'MISSED'}"
                for name, limit in TARGETS.items()))
    finally:
        server.stop()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(what: str, bolt: float, memory: float, unit: str, note: str = "") -> float:
    scale = 1000 if unit == "ms" else 1
    print(f"{what:32s} neo4j {bolt * scale:9.2f} {unit}   memory {memory * scale:9.3f} {unit}"
          f"   ratio {bolt / memory:8.1f}x" + (f"   ({note})" if note else ""), flush=True)
    return bolt


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def latencies(work, people) -> tuple[float, float]:
    times = []
    for person in people:
        start = time.perf_counter()
        work(person)
        times.append(time.perf_counter() - start)
    return float(np.median(times)), float(np.percentile(times, 95))


if __name__ == "__main__":
    main()
