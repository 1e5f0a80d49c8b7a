"""Time MemoryStore at programme scale: ``python benchmarks/store_write.py [FILE]``.

200k nodes and 600k ties (random, seeded): first write, identical re-write, and with a
FILE also reopen, snapshot, ego and erase. Without FILE the store is in memory only.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from lacgraph.stores import MemoryStore
from lacgraph.tables import Tables

N_NODES, N_TIES = 200_000, 600_000


def programme(seed: int = 1) -> Tables:
    rng = np.random.default_rng(seed)
    ids = np.array([f"p{i:06d}" for i in range(N_NODES)], dtype=object)
    introduced = np.datetime64("2024-01-01") + rng.integers(0, 365, N_NODES).astype("m8[D]")
    nodes = pd.DataFrame({
        "id": ids, "type": "person", "label": [f"Person {i}" for i in range(N_NODES)],
        "neighbourhood": rng.choice(["Townhill", "Penderry", "Sketty"], N_NODES),
        "supported": rng.random(N_NODES) < 0.1,
        "introduced_on": introduced.astype("datetime64[s]"), "coordinator": "",
    })
    pairs = pd.DataFrame({"a": rng.integers(0, N_NODES, 2 * N_TIES),
                          "b": rng.integers(0, N_NODES, 2 * N_TIES),
                          "s": rng.integers(0, 2000, 2 * N_TIES)})
    pairs = pairs[pairs["a"] != pairs["b"]]
    pairs["lo"] = np.minimum(pairs["a"], pairs["b"])
    pairs["hi"] = np.maximum(pairs["a"], pairs["b"])
    pairs = pairs.drop_duplicates(["lo", "hi", "s"]).head(N_TIES)
    start = np.datetime64("2019-01-01") + pairs["s"].to_numpy().astype("m8[D]")
    end = start + rng.integers(1, 400, N_TIES).astype("m8[D]")
    end[rng.random(N_TIES) >= 0.3] = np.datetime64("NaT")
    ties = pd.DataFrame({
        "source": ids[pairs["a"].to_numpy()], "target": ids[pairs["b"].to_numpy()],
        "kind": "friend", "start": start.astype("datetime64[s]"),
        "end": end.astype("datetime64[s]"), "circle": np.full(N_TIES, 2, np.int8),
        "reciprocal": rng.random(N_TIES) < 0.5, "brokered_by": "",
    })
    text = {"nodes": ["type", "label", "neighbourhood", "coordinator"],
            "ties": ["source", "target", "kind", "brokered_by"]}
    return Tables(nodes.astype(dict.fromkeys(text["nodes"], object)),
                  ties.astype(dict.fromkeys(text["ties"], object)))


def timed(what: str, step: Callable[[], object]) -> object:
    began = time.perf_counter()
    result = step()
    print(f"{what:12s} {time.perf_counter() - began:6.2f} s")
    return result


def main(path: str | None) -> None:
    tables = programme()
    if path is not None:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    store = MemoryStore(path)
    print(timed("first write", lambda: store.write(tables)))
    print(timed("re-write", lambda: store.write(tables)))
    store.close()
    if path is None:
        return
    store = timed("reopen", lambda: MemoryStore(path))
    timed("snapshot", lambda: store.snapshot("2021-01-01"))
    timed("ego", lambda: store.ego("p000001", "2021-01-01"))
    timed("erase", lambda: store.erase_person("p000001"))
    store.close()
    print(f"file size    {os.path.getsize(path) / 1e6:6.1f} MB")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
