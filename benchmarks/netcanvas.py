"""Benchmark: import-nc with matching against the import without it and loading its result.

Writes a study in Fresco's CSV layout (one ego, Person attribute list and knows edge list
file per interview; every person interviewed ``--rounds`` times, a few alters changing
between rounds, and in later rounds some names respelt: one in case and accents, matched by
name key, one with a letter missing, put to review), then times, in the same run:

* the import as ``lacgraph import-nc`` runs it (:func:`lacgraph.loaders.netcanvas.read_study`:
  name keys, scored candidates, notices);
* the reference: the same import with ``name`` as the identity variable, which matches
  names exactly and scores nothing (the import without matching);
* :func:`lacgraph.loaders.read_folder` on the nodes.csv/ties.csv it gives.

The last lines printed are ``matching_vs_no_matching=<ratio>`` and
``import_vs_read_folder=<ratio>``; issue 24 asks for 500 people x 3 rounds in 10 s or less
with matching (``import_s``).

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
from lacgraph.loaders.netcanvas import read_study
from lacgraph.loaders.netcanvas_mapping import parse_mapping

EGO_HEADER = ("networkCanvasEgoUUID,networkCanvasCaseID,networkCanvasSessionID,"
              "networkCanvasProtocolName,sessionStart,sessionFinish,sessionExported,"
              "APP_VERSION,COMMIT_HASH\r\n")
NODE_HEADER = "nodeID,networkCanvasEgoUUID,networkCanvasUUID,name,closeness\r\n"
EDGE_HEADER = ("edgeID,from,to,networkCanvasEgoUUID,networkCanvasUUID,"
               "networkCanvasSourceUUID,networkCanvasTargetUUID\r\n")


FIRST = ("Alys", "Bethan", "Cerys", "Dafydd", "Emyr", "Ffion", "Gareth", "Huw", "Ieuan",
         "Jac", "Ceri", "Lowri", "Mared", "Nia", "Owain", "Rhys", "Sioned", "Tomos",
         "Jackson", "Wyn", "Anwen", "Bryn", "Carys", "Deiniol", "Elin", "Gwion", "Hefin")
LAST = ("Jones", "Davies", "Williams", "Evans", "Thomas", "Roberts", "Hughes", "Lewis",
        "Morgan", "Griffiths", "Price", "Jenkins", "Owen", "Rees", "Edwards", "Morris",
        "Powell", "Watkins", "Phillips", "Howells", "Pugh", "Bevan", "Llewellyn", "Parry",
        "Richards", "Harries", "Lloyd", "Vaughan", "Prosser", "Matthews", "Jameson")


def write_study(folder: Path, people: int, rounds: int, alters: int, seed: int) -> int:
    """Write the study; return the number of files."""
    rng = np.random.default_rng(seed)
    files = 0
    for p in range(people):
        pool = [f"{FIRST[(p + 3 * k) % len(FIRST)]} {LAST[(7 * p + k) % len(LAST)]}"
                for k in range(alters * 2)]
        named = list(rng.choice(len(pool), alters, replace=False))
        for r in range(rounds):
            if r:  # a few alters dropped, a few new ones named, two names respelt
                keep = named[: alters - 3]
                fresh = [k for k in range(len(pool)) if k not in named]
                named = keep + list(rng.choice(fresh, 3, replace=False))
                pool[named[0]] = pool[named[0]].upper().replace("O", "Ö")  # same name key
                pool[named[1]] = pool[named[1]][:-2] + pool[named[1]][-1]  # a typo: reviewed
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
        done = read_study(study)
        imported = time.perf_counter() - t
        tables = done.tables
        t = time.perf_counter()
        read_study(study, parse_mapping({"nodes": {"Person": {"identity": "name"}}}, "m"))
        unmatched = time.perf_counter() - t
        write_folder(tables, out)
        t = time.perf_counter()
        read_folder(out)
        reference = time.perf_counter() - t
    print(f"people={people} interviews={people * args.rounds} files={files} "
          f"nodes={len(tables.nodes)} ties={len(tables.ties)}")
    m = done.matching
    print(f"matched_exactly={m.exact} by_key={m.by_key} awaiting_review={m.awaiting}")
    print(f"import_s={imported:.3f} import_without_matching_s={unmatched:.3f} "
          f"read_folder_s={reference:.3f} peak_memory_mb={peak_memory_mb():.0f}")
    print(f"matching_vs_no_matching={imported / unmatched:.2f}")
    print(f"import_vs_read_folder={imported / reference:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
