"""Write ``programme.sqlite``: a small store file in schema version 1, kept as a fixture.

Run once, from the code that wrote schema version 1 (commit 5d8b074), before any change to
the schema; never run again with later code (it would write the newer schema). The tests
upgrade a copy of it (``lacgraph upgrade``) and compare what they read with the CSV files
beside it, which hold exactly what the store holds (written by the same run).

    .venv/bin/python tests/data/store_v1/make_store_v1.py
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lacgraph.privacy import Pseudonymiser
from lacgraph.rights.erasure import erase
from lacgraph.stores.memory import MemoryStore
from lacgraph.synthetic import programme

HERE = Path(__file__).parent
KEY = "store-v1-fixture-key"  # the pseudonym key of the erasure below (a test key only)


def main() -> None:
    path = HERE / "programme.sqlite"
    path.unlink(missing_ok=True)
    tables = programme(40, seed=27, start="2023-01-01", years=2)
    nodes = tables.nodes.copy()
    nodes["pets"] = ["" if i % 3 else str(i % 5) for i in range(len(nodes))]  # an extra column
    store = MemoryStore(path)
    store.write(type(tables)(nodes, tables.ties))
    supported = nodes.loc[nodes["supported"], "id"].tolist()
    erase(store, supported[0], Pseudonymiser(KEY))  # one tombstone
    store.read().nodes.to_csv(HERE / "nodes.csv", index=False)
    store.read().ties.to_csv(HERE / "ties.csv", index=False)
    (HERE / "erased.txt").write_text(supported[0] + "\n", encoding="utf-8")
    store.close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("VACUUM")
    db.close()


if __name__ == "__main__":
    main()
