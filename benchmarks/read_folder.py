"""Time ``read_folder`` on a generated CSV pair (default 200k nodes, 600k ties).

Usage: ``python benchmarks/read_folder.py [NODES] [TIES]``. Prints the seconds taken.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from lacgraph.loaders import read_folder


def generate(folder: Path, n_nodes: int, n_ties: int, seed: int = 1) -> None:
    """Write a valid person-only programme: friend ties with distinct keys."""
    rng = np.random.default_rng(seed)
    ids = np.char.add("p", np.arange(n_nodes).astype(str))
    pd.DataFrame({
        "id": ids, "type": "person", "label": np.char.add("Person ", ids),
        "neighbourhood": rng.choice(["north", "south", "east", "west"], n_nodes),
        "supported": rng.choice(["true", "false"], n_nodes), "introduced_on": "",
        "coordinator": "",
    }).to_csv(folder / "nodes.csv", index=False)
    pairs = set()
    while len(pairs) < n_ties:
        a, b = rng.integers(0, n_nodes, size=(2, n_ties))
        pairs.update((int(x), int(y)) for x, y in zip(np.minimum(a, b), np.maximum(a, b), strict=True)
                     if x != y)
    pair_arr = np.array(sorted(pairs)[:n_ties])
    days = rng.integers(0, 3000, n_ties)
    start = np.datetime64("2015-01-01") + days
    ends = np.where(rng.random(n_ties) < 0.3, (start + 400).astype(str), "")
    pd.DataFrame({
        "source": ids[pair_arr[:, 0]], "target": ids[pair_arr[:, 1]], "kind": "friend",
        "start": start.astype(str), "end": ends, "circle": rng.choice(["", "1", "2"], n_ties),
        "reciprocal": rng.choice(["", "yes", "no"], n_ties), "brokered_by": "",
    }).to_csv(folder / "ties.csv", index=False)


def main() -> None:
    n_nodes = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    n_ties = int(sys.argv[2]) if len(sys.argv) > 2 else 600_000
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        generate(folder, n_nodes, n_ties)
        t0 = time.perf_counter()
        tables = read_folder(folder)
        seconds = time.perf_counter() - t0
    print(f"read_folder: {len(tables.nodes)} nodes, {len(tables.ties)} ties in {seconds:.2f} s")


if __name__ == "__main__":
    main()
