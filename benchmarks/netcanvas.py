"""Benchmark: import-nc on a synthetic Network Canvas study against loading its result, same run.

Writes a study in Fresco's CSV layout (one ego, Person attribute list and knows edge list
file per interview; every person interviewed ``--rounds`` times, a few alters changing
between rounds), times :func:`lacgraph.loaders.netcanvas.read_netcanvas` on it, then times
:func:`lacgraph.loaders.read_folder` on the nodes.csv/ties.csv it gives (the reference: the
same network in lacgraph's own format). The last line printed is
``import_vs_read_folder=<ratio>`` (how many times longer the import takes).

Usage::

    python benchmarks/netcanvas.py                # 500 people x 3 rounds x 15 alters
    python benchmarks/netcanvas.py --quick        # 100 people
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import peak_memory_mb

from lacgraph.loaders import read_folder, write_folder
from lacgraph.loaders.netcanvas import read_netcanvas

EGO_HEADER = ("networkCanvasEgoUUID,networkCanvasCaseID,networkCanvasSessionID,"
              "networkCanvasProtocolName,sessionStart,sessionFinish,sessionExported,"
              "APP_VERSION,COMMIT_HASH\r\n")
NODE_HEADER = "nodeID,networkCanvasEgoUUID,networkCanvasUUID,name,closeness\r\n"
EDGE_HEADER = ("edgeID,from,to,networkCanvasEgoUUID,networkCanvasUUID,"
               "networkCanvasSourceUUID,networkCanvasTargetUUID\r\n")


def write_study(folder: Path, people: int, rounds: int, alters: int, seed: int) -> int:
    """Write the study; return the number of files."""
    rng = np.random.default_rng(seed)
    files = 0
    for p in range(people):
        pool = [f"Person {p}-{k}" for k in range(alters * 2)]
        named = list(rng.choice(len(pool), alters, replace=False))
        for r in range(rounds):
            if r:  # a few alters dropped, a few new ones named
                keep = named[: alters - 3]
                fresh = [k for k in range(len(pool)) if k not in named]
                named = keep + list(rng.choice(fresh, 3, replace=False))
            ego, session = f"e{p}-{r}", f"s{p}-{r}"
            day = f"{2024 + r}-0{1 + p % 9}-{10 + p % 18:02d}"
            prefix = folder / f"P{p:05d}_{session}"
            (prefix.parent / f"{prefix.name}_ego.csv").write_text(
                EGO_HEADER + f"{ego},P{p:05d},{session},Study,{day}T09:00:00.000Z,"
                f"{day}T10:00:00.000Z,{day}T12:00:00.000Z,3.0.0,abc\r\n", encoding="utf-8")
            rows = "".join(f"{i + 1},{ego},{ego}-n{i},{pool[k]},{1 + k % 4}\r\n"
                           for i, k in enumerate(named))
            (prefix.parent / f"{prefix.name}_attributeList_Person.csv").write_text(
                NODE_HEADER + rows, encoding="utf-8")
            pairs = [(i, j) for i in range(alters) for j in range(i + 1, alters)
                     if (named[i] + named[j]) % 5 == 0]
            rows = "".join(f"{n + 1},{i + 1},{j + 1},{ego},{ego}-k{n},{ego}-n{i},{ego}-n{j}\r\n"
                           for n, (i, j) in enumerate(pairs))
            (prefix.parent / f"{prefix.name}_edgeList_knows.csv").write_text(
                EDGE_HEADER + rows, encoding="utf-8")
            files += 3
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--alters", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="100 people")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    people = 100 if args.quick else args.people
    with tempfile.TemporaryDirectory() as tmp:
        study, out = Path(tmp) / "study", Path(tmp) / "out"
        study.mkdir()
        files = write_study(study, people, args.rounds, args.alters, args.seed)
        t = time.perf_counter()
        tables = read_netcanvas(study)
        imported = time.perf_counter() - t
        write_folder(tables, out)
        t = time.perf_counter()
        read_folder(out)
        reference = time.perf_counter() - t
    print(f"people={people} interviews={people * args.rounds} files={files} "
          f"nodes={len(tables.nodes)} ties={len(tables.ties)}")
    print(f"import_s={imported:.3f} read_folder_s={reference:.3f} "
          f"peak_memory_mb={peak_memory_mb():.0f}")
    print(f"import_vs_read_folder={imported / reference:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
