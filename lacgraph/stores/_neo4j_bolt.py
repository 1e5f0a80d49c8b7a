"""The Bolt side of the Neo4j store: the driver, sessions, transactions and errors.

:class:`BoltClient` is what :class:`~lacgraph.stores.neo4j.Neo4jStore` talks to the server
with: every query goes through :meth:`BoltClient.run` or :meth:`BoltClient.transaction`
(fixed Cypher text, every value a parameter), in a session of its own, retried on
transient errors; the driver's errors become :class:`~lacgraph.errors.StoreUnavailable`
(the server cannot be reached or refuses the login) or
:class:`~lacgraph.errors.StoreError` (anything else), with the server's message cut short.
What the store keeps in the database is not this module's business.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, LiteralString

from lacgraph.errors import StoreError, StoreUnavailable
from lacgraph.stores._graph_rows import Statement

__all__ = ["BoltClient", "Server", "message"]

COMPONENTS = "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"


@dataclass(frozen=True)
class Server:
    """The Neo4j server at the other end of the Bolt connection."""

    agent: str
    version: str
    edition: str

    def __str__(self) -> str:
        return f"Neo4j {self.version} {self.edition}".strip()


class BoltClient:
    """A connection to a Neo4j server (over Bolt) that runs parameterised statements."""

    uri: str
    user: str
    database: str | None

    def _connect(self, uri: str, *, user: str, password: str | None, database: str | None,
                 connection_timeout: float, retry_time: float) -> None:
        """Make the driver (no query yet: :meth:`_detect` is the first)."""
        import neo4j

        self.uri = uri
        self.user = user
        self.database = database or None
        self._lock = threading.RLock()
        self._closed = False
        auth = (user, password) if password else None
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri, auth=auth, connection_timeout=connection_timeout,
                max_transaction_retry_time=retry_time, notifications_min_severity="OFF")
        except (ValueError, neo4j.exceptions.ConfigurationError) as err:
            raise StoreError(f"{uri} is not a usable Bolt URI: {message(err)}") from err

    def run(self, query: LiteralString, params: dict[str, Any] | None = None, *,
            write: bool = False, autocommit: bool = False) -> list[list[Any]]:
        """Run one parameterised query and return its rows.

        Every value goes in ``params``; ``query`` is fixed text. The query runs in a
        managed read (or, with ``write``, write) transaction, retried on transient
        errors; with ``autocommit`` in an auto-commit transaction instead (needed by
        ``CALL {...} IN TRANSACTIONS``).
        """
        if autocommit:
            return self._session_call(lambda s: s.run(query, params or {}).values())
        return self.transaction([(query, params or {})], write=write)[0]

    def transaction(self, statements: list[Statement], *, write: bool = False,
                    after: Callable[[int], None] | None = None,
                    before: Callable[[Any], None] | None = None) -> list[list[list[Any]]]:
        """Run several statements in one managed transaction; return each one's rows.

        ``before(tx)`` is called first, in the transaction (a check that must hold when
        the statements commit); ``after(i)`` is called after statement ``i``. If either
        raises, the transaction is rolled back and the error passes on.
        """
        work = self._work(statements, after, before)
        return self._session_call(
            lambda s: (s.execute_write if write else s.execute_read)(work))

    @staticmethod
    def _work(statements: list[Statement], after: Callable[[int], None] | None = None,
              before: Callable[[Any], None] | None = None
              ) -> Callable[[Any], list[list[list[Any]]]]:
        def work(tx: Any) -> list[list[list[Any]]]:
            if before is not None:
                before(tx)
            out = []
            for i, (query, params) in enumerate(statements):
                out.append(tx.run(query, params).values())
                if after is not None:
                    after(i)
            return out

        return work

    def _session_call(self, call: Callable[[Any], Any]) -> Any:
        with self._lock:
            if self._closed:
                raise StoreError("The store is closed")
            return self._in_session(call)

    def _in_session(self, call: Callable[[Any], Any]) -> Any:
        """Run ``call(session)`` in a new session; driver errors become store errors.
        Safe from any thread (the driver is; each call has its own session)."""
        import neo4j.exceptions as ne

        try:
            with self._driver.session(database=self.database) as session:
                return call(session)
        except ne.AuthError as err:
            raise StoreUnavailable(
                f"The graph database at {self.uri} refused the login of user "
                f"{self.user!r} (wrong user or password?): {message(err)}") from err
        except (ne.ServiceUnavailable, ne.SessionExpired, ne.IncompleteCommit) as err:
            raise StoreUnavailable(f"Cannot reach the graph database at {self.uri}: "
                                   f"{message(err)}") from err
        except ne.Neo4jError as err:
            if err.code == "Neo.ClientError.Database.DatabaseNotFound":
                raise StoreError(f"The graph database at {self.uri} has no database "
                                 f"{self.database!r}") from err
            raise StoreError(f"The graph database at {self.uri} refused a query: "
                             f"{message(err)}") from err
        except ne.DriverError as err:
            raise StoreError(f"The graph database driver failed: {message(err)}") from err

    def _detect(self) -> Server:
        # The first query is not retried: a server that is not there is an error after
        # connection_timeout, not after the retry_time of queries on an open store.
        rows = self.run(COMPONENTS, autocommit=True)
        for name, versions, edition in rows:
            if name == "Neo4j Kernel":
                version = str(versions[0])
                if int(version.split(".")[0]) < 5:
                    raise StoreError(f"The graph database at {self.uri} is Neo4j {version}; "
                                     "lacgraph needs Neo4j 5 or later")
                return Server(agent=self._driver.get_server_info().agent, version=version,
                              edition=str(edition))
        raise StoreError(f"The server at {self.uri} does not say it is Neo4j "
                         "(CALL dbms.components()); lacgraph needs Neo4j 5 or later")


def message(err: BaseException) -> str:
    """The driver's message for ``err``, on one line and at most 300 characters."""
    text = getattr(err, "message", None) or str(err) or type(err).__name__
    return " ".join(str(text).split())[:300]
