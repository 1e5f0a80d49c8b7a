"""A real Neo4j 5.26 Community server for the tests, the benchmark and ``make neo4j``.

The launcher in ``tests/neo4j`` (a ``pom.xml`` and one Java class) runs Neo4j embedded
with its Bolt connector on 127.0.0.1 only and authentication on. :func:`build` compiles
it with Maven (``make neo4j-build`` does this with the network; afterwards the jars in
``~/.m2`` are enough, so the tests also build offline). :class:`Neo4jServer` starts it
on a free port in a temporary folder, health-checks it with the official driver, shows
its log when it dies and stops it. Each pytest process (each xdist worker) starts its
own server, on its own port and folder.

Run by hand::

    python -m tests.neo4jserver [PORT]     # what `make neo4j` runs (NEO4J_PASSWORD)
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lacgraph.stores.neo4j import Neo4jStore

LAUNCHER = Path(__file__).resolve().parent / "neo4j"
CLASSES = LAUNCHER / "target" / "classes"
CLASSPATH = LAUNCHER / "target" / "classpath.txt"
MAIN_CLASS = "lacgraph.Neo4jLauncher"
LOG_TAIL = 4000
TEST_HEAP = "1g"
TEST_PAGECACHE = "128m"
SERVER_JVM = ("-XX:+UseG1GC",)
"""JVM options of a long-running server (``make neo4j``, the benchmark)."""
TEST_JVM = ("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
"""JVM options of the tests' short-lived server: the quick client compiler only and one GC
thread, which about halve the CPU time of a start (the server starts once per test worker,
and again in each restart test) and of the tests' small queries."""


class ServerError(RuntimeError):
    """The test server could not be built or started, or died (with its log)."""


def built() -> bool:
    """Whether the launcher is built and newer than its sources."""
    compiled = CLASSES / "lacgraph" / "Neo4jLauncher.class"
    if not CLASSPATH.exists() or not compiled.exists():
        return False
    sources = [LAUNCHER / "pom.xml", *LAUNCHER.joinpath("src").rglob("*.java")]
    return min(CLASSPATH.stat().st_mtime, compiled.stat().st_mtime) >= max(
        p.stat().st_mtime for p in sources)


def build() -> None:
    """Compile the launcher and write its class path (Maven; jars cached in ``~/.m2``)."""
    if built():
        return
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ServerError("Maven (mvn) is needed to build the Neo4j test server: "
                          "apt-get install maven openjdk-17-jdk-headless")
    result = subprocess.run([mvn, "-B", "-q", "package"], cwd=LAUNCHER,
                            capture_output=True, text=True)
    if result.returncode == 0:  # Maven leaves up-to-date outputs untouched
        CLASSPATH.touch()
        (CLASSES / "lacgraph" / "Neo4jLauncher.class").touch()
    if result.returncode != 0 or not built():
        raise ServerError(
            "Building the Neo4j test server failed (run 'make neo4j-build' once with the "
            "network to fill ~/.m2):\n" + (result.stdout + result.stderr)[-LOG_TAIL:])


def classpath() -> str:
    return f"{CLASSES}{os.pathsep}{CLASSPATH.read_text().strip()}"


def free_port() -> int:
    """A port free on 127.0.0.1 now (the kernel picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Neo4jServer:
    """A Neo4j server started here, in a folder of its own, until :meth:`stop`.

    Parameters
    ----------
    port : int, optional
        The Bolt port on 127.0.0.1; a free one by default.
    home : Path, optional
        The server's folder (data, logs); a new temporary folder, removed at
        :meth:`stop`, by default. A given folder is kept.
    password : str, optional
        The ``neo4j`` user's password; a random one by default.
    heap, pagecache : str
        The JVM's heap (``-Xmx``) and Neo4j's page cache.
    jvm : tuple of str
        Further JVM options (:data:`SERVER_JVM`; the tests use :data:`TEST_JVM`).
    """

    def __init__(self, port: int | None = None, home: Path | None = None,
                 password: str | None = None, heap: str = TEST_HEAP,
                 pagecache: str = TEST_PAGECACHE, jvm: tuple[str, ...] = SERVER_JVM) -> None:
        build()
        self.port = port or free_port()
        self.uri = f"bolt://127.0.0.1:{self.port}"
        self.password = password or "lacgraph-" + secrets.token_hex(8)
        self.user = "neo4j"
        self._own_home = home is None
        self.home = Path(tempfile.mkdtemp(prefix="lacgraph-neo4j-")) if home is None else home
        self.home.mkdir(parents=True, exist_ok=True)
        self.heap, self.pagecache, self.jvm = heap, pagecache, jvm
        self.log = self.home / "launcher.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._names = itertools.count(1)
        self.start()

    @property
    def options(self) -> dict[str, str]:
        """What :class:`~lacgraph.stores.neo4j.Neo4jStore` needs to log in."""
        return {"user": self.user, "password": self.password}

    def start(self, timeout: float = 240.0) -> None:
        """Start the server and wait until the driver's query answers."""
        env = {**os.environ, "NEO4J_PASSWORD": self.password}
        self._log_start = self.log.stat().st_size if self.log.exists() else 0
        command = ["java", f"-Xmx{self.heap}", *self.jvm, "-cp", classpath(), MAIN_CLASS,
                   str(self.home), str(self.port), self.pagecache]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=env)
        self._wait(timeout)

    def _wait(self, timeout: float) -> None:
        """Health check: the launcher's ready line, then a real query with the driver."""
        import neo4j

        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            self.check_alive()
            with self.log.open("rb") as log:  # this start's output only
                log.seek(self._log_start)
                ready = self.uri.encode() in log.read()
            if ready:
                try:
                    with neo4j.GraphDatabase.driver(self.uri, auth=(self.user, self.password),
                                                    connection_timeout=2) as driver:
                        records, _, _ = driver.execute_query("RETURN 1 AS one")
                    if records[0]["one"] == 1:
                        return
                except Exception as err:  # noqa: BLE001 - retried until the deadline
                    last = err
            time.sleep(0.25)
        tail = self.log_tail()
        self.stop()
        raise ServerError(f"Neo4j did not answer a Bolt query within {timeout:.0f} s "
                          f"({last}).\n{tail}")

    def log_tail(self) -> str:
        """The end of the launcher's output and of Neo4j's debug log."""
        parts = []
        for path in (self.log, self.home / "logs" / "debug.log"):
            if path.exists():
                text = path.read_text(errors="replace")
                parts.append(f"--- {path.name} (end) ---\n{text[-LOG_TAIL:]}")
        return "\n".join(parts)

    def check_alive(self) -> None:
        """Raise :class:`ServerError`, with the server's log, if the server has died."""
        if self.process is not None and self.process.poll() is not None:
            status = self.process.returncode
            self.process = None
            raise ServerError(f"The Neo4j server died (exit status {status}).\n"
                              f"{self.log_tail()}")

    def open(self, **options: object) -> Neo4jStore:
        """A fresh, empty store: the server's database emptied of lacgraph's nodes."""
        self.check_alive()
        options = {**self.options, **options}
        store = Neo4jStore(self.uri, **options)
        wipe(store)
        return store

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash or a pulled plug would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        """Stop the server cleanly (SIGTERM; SIGKILL after 60 s) and remove its folder."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            self.process = None
        if self._own_home:
            shutil.rmtree(self.home, ignore_errors=True)

    def restart(self) -> None:
        """Start the server again on the same port and data (after :meth:`kill`)."""
        if self.process is not None:
            raise ServerError("The server is still running")
        self.start()


def wipe(store: Neo4jStore) -> None:
    """Delete every lacgraph node, staged or visible, the meta node and tombstones."""
    store.run("MATCH (n) WHERE n:LacNode OR n:LacStaged OR n:LacgraphMeta OR n:LacgraphErased "
              "OR n:LacFormToken OR n:LacAuditPending OR n:LacgraphMerged "
              "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS", autocommit=True)


def main() -> None:
    """``make neo4j``: run a server in the foreground until Ctrl-C."""
    port = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("NEO4J_PORT", 7687))
    password = os.environ.get("NEO4J_PASSWORD")
    if not password or len(password) < 8:
        sys.exit("Set NEO4J_PASSWORD to a password of at least 8 characters")
    home = Path(os.environ.get("NEO4J_HOME", "build/neo4j")).resolve()
    server = Neo4jServer(port=port, home=home, password=password,
                         heap=os.environ.get("NEO4J_HEAP", "4g"),
                         pagecache=os.environ.get("NEO4J_PAGECACHE", "1g"))
    print(server.uri, flush=True)
    print(f"(data and logs in {home}; Ctrl-C stops it)", file=sys.stderr, flush=True)
    try:
        while server.process is not None and server.process.poll() is None:
            time.sleep(0.5)
        server.check_alive()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
