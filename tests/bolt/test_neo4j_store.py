"""What only a real Neo4j server shows: the constraint, all-or-nothing loads (one
transaction, or staged and published at once), login and database errors, ``neo4j://``
routing URIs and a server that restarts in the middle of a load.

Runs against the Neo4j 5.26 server the session starts (``tests/neo4jserver.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from pandas.testing import assert_frame_equal

from lacgraph.cli import cli
from lacgraph.errors import NotFound, StoreError, StoreUnavailable
from lacgraph.queries import cypher
from lacgraph.stores import MemoryStore
from lacgraph.stores.neo4j import Neo4jStore
from lacgraph.synthetic import programme
from lacgraph.tables import Tables
from tests.conftest import random_network
from tests.neo4jserver import Neo4jServer

AT = "2024-06-01"


class Stop(Exception):
    """Raised by a progress callback to stop a load part-way."""


def assert_tables(got: Tables, expected: Tables) -> None:
    assert_frame_equal(got.nodes, expected.nodes)
    assert_frame_equal(got.ties, expected.ties)


def first_and_second() -> tuple[Tables, Tables]:
    """A programme, and a second load that adds people and ties and changes some rows."""
    first = random_network(11, n_people=30, n_ties=80, at=AT)
    second = random_network(12, n_people=60, n_ties=200, at=AT)
    second.nodes["label"] = second.nodes["label"] + " (updated)"
    return first, second


@pytest.fixture
def store(neo4j: Neo4jServer) -> Iterator[Neo4jStore]:
    with neo4j.open(batch_size=20) as store:
        yield store


def test_the_server_is_neo4j_5_26_community(store: Neo4jStore) -> None:
    assert store.server.version.startswith("5.26.")
    assert store.server.edition == "community"
    assert str(store.server).startswith("Neo4j 5.26")


def test_the_first_load_creates_a_uniqueness_constraint_on_id(neo4j: Neo4jServer) -> None:
    show = ("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
            "RETURN name, type, labelsOrTypes, properties")
    with neo4j.open() as store:
        store.run("DROP CONSTRAINT lacgraph_node_id IF EXISTS", write=True)
    with neo4j.open() as store:
        assert "lacgraph_node_id" not in [r[0] for r in store.run(show)]  # opening: no change
        store.write(Tables.from_records([{"id": "a", "type": "person"}], []))
        rows = [list(r) for r in store.run(show)]
        assert ["lacgraph_node_id", "UNIQUENESS", ["LacNode"], ["id"]] in rows
        with pytest.raises(StoreError, match="already exists"):
            store.run("CREATE (:LacNode:Person {id: 'a'})", write=True)
        assert list(store.read().nodes["id"]) == ["a"]


@pytest.mark.parametrize("staged", [False, True], ids=["one transaction", "staged"])
def test_a_load_failing_part_way_leaves_the_database_as_before(neo4j: Neo4jServer,
                                                               staged: bool) -> None:
    first, second = first_and_second()
    limit = 0 if staged else 100_000
    with neo4j.open(batch_size=20, single_transaction_rows=limit) as store:
        store.write(first)
        before = store.read()
        calls: list[int] = []

        def stop_on_third_batch(rows: int) -> None:
            calls.append(rows)
            if len(calls) == 3:
                raise Stop

        with pytest.raises(Stop):
            store.write(second, progress=stop_on_third_batch)
        assert_tables(store.read(), before)  # exactly as before: nothing new, nothing changed
        for at in ("2023-09-01", AT):
            assert_tables(store.snapshot(at), _memory(first).snapshot(at))
        new_person = sorted(set(second.nodes["id"]) - set(first.nodes["id"]))[0]
        with pytest.raises(NotFound):
            store.ego(new_person, AT)
        # a staged load leaves staged nodes behind (invisible); one transaction leaves none
        assert (store.staged_nodes() > 0) is staged
        summary = store.write(second)  # the re-run completes the load
        assert store.staged_nodes() == 0
        mem = _memory(first)
        assert summary == mem.write(second)
        assert_tables(store.read(), mem.read())


def _memory(tables: Tables) -> MemoryStore:
    mem = MemoryStore()
    mem.write(tables)
    return mem


def test_a_staged_load_is_published_by_one_transaction(neo4j: Neo4jServer) -> None:
    first, second = first_and_second()
    with neo4j.open(batch_size=20, single_transaction_rows=0) as store:
        store.write(first)
        seen: list[Tables] = []
        # after each staged batch, another connection still reads the first load
        with Neo4jStore(neo4j.uri, **neo4j.options) as reader:
            store.write(second, progress=lambda n: seen.append(reader.read()))
            assert len(seen) > 5
            for tables in seen:
                assert_tables(tables, _memory(first).read())
            assert_tables(reader.read(), store.read())
        assert_tables(store.read(), _memory_of(first, second).read())


def test_reads_during_a_stopped_staged_load_take_the_exact_path(neo4j: Neo4jServer) -> None:
    # staged ties hang off staged nodes: the counts store says not every relationship
    # joins two visible nodes, so whole-graph reads expand visible nodes instead of
    # scanning relationships; once published, the scan gives the same answers
    first, second = first_and_second()
    node_batches = -(-len(second.nodes) // 20)
    with neo4j.open(batch_size=20, single_transaction_rows=0) as store:
        store.write(first)
        assert store.run(cypher.COUNTS)[0][0] is True
        calls: list[int] = []

        def stop_among_the_ties(rows: int) -> None:
            calls.append(rows)
            if len(calls) == node_batches + 2:
                raise Stop

        with pytest.raises(Stop):
            store.write(second, progress=stop_among_the_ties)
        assert store.run(cypher.COUNTS)[0][0] is False
        for at in ("2023-09-01", AT):
            assert_tables(store.snapshot(at), _memory(first).snapshot(at))
        assert_tables(store.read(), _memory(first).read())
        store.write(second)
        assert store.run(cypher.COUNTS)[0][0] is True
        both = _memory_of(first, second)
        for at in ("2023-09-01", AT):
            assert_tables(store.snapshot(at), both.snapshot(at))


def test_a_staged_load_whose_staged_nodes_vanish_fails_whole(neo4j: Neo4jServer) -> None:
    # another load deleting this one's staged nodes between batches must not leave ties
    # out silently: the load fails and nothing of it is visible
    first, second = first_and_second()
    node_batches = -(-len(second.nodes) // 20)
    with neo4j.open(batch_size=20, single_transaction_rows=0) as store:
        store.write(first)
        before = store.read()
        calls: list[int] = []

        def delete_staged_after_the_nodes(rows: int) -> None:
            calls.append(rows)
            if len(calls) == node_batches:
                with Neo4jStore(neo4j.uri, **neo4j.options) as other:
                    other.run("MATCH (n:LacStaged) DETACH DELETE n", write=True)

        with pytest.raises(StoreError, match="lost .* of its ties"):
            store.write(second, progress=delete_staged_after_the_nodes)
        assert_tables(store.read(), before)
        store.write(second)
        assert_tables(store.read(), _memory_of(first, second).read())


def test_whole_graph_reads_in_parallel_come_from_one_data_version(neo4j: Neo4jServer
                                                                   ) -> None:
    tables = programme(300, seed=3)
    with neo4j.open(parallel_read_ties=0) as store:
        store.write(tables)
        parallel: list[bool] = []
        real = store._read_parallel

        def watched(*args):  # type: ignore[no-untyped-def]
            tables = real(*args)
            parallel.append(tables is not None)
            return tables

        store._read_parallel = watched  # type: ignore[method-assign]
        for at in ("2023-09-01", AT):
            assert_tables(store.snapshot(at), _memory(tables).snapshot(at))
        assert_tables(store.read(), _memory(tables).read())
        assert parallel == [True, True, True]
        # answers read at another data version than the first look are not used
        meta = store.run("MATCH (m:LacgraphMeta) RETURN m.schema_version, m.node_columns, "
                         "m.tie_columns")
        stale = [[int(store.data_version()) - 1]]
        assert real(cypher.ALL_TIES_SCAN, {}, meta, stale) is None


def _memory_of(*loads: Tables) -> MemoryStore:
    mem = MemoryStore()
    for tables in loads:
        mem.write(tables)
    return mem


def test_the_threshold_chooses_one_transaction_or_a_staged_load(neo4j: Neo4jServer) -> None:
    tables = random_network(13, n_people=20, n_ties=40, at=AT)
    rows = len(tables.nodes) + len(tables.ties)
    with neo4j.open(single_transaction_rows=rows) as store:
        with Neo4jStore(neo4j.uri, **neo4j.options) as reader:
            # one transaction: nothing visible to another connection before the commit
            store.write(tables, progress=lambda n: (
                pytest.fail("visible before commit") if len(reader.read().nodes) else None))
        assert_tables(store.read(), _memory(tables).read())


def test_batches_are_unwind_statements_of_many_rows(store: Neo4jStore) -> None:
    tables = programme(2000, seed=6)
    sent: list[int] = []
    real = store.transaction

    def counting(statements, **kw):  # type: ignore[no-untyped-def]
        sent.extend(len(p["rows"]) for q, p in statements if q.startswith("UNWIND $rows"))
        return real(statements, **kw)

    store.transaction = counting  # type: ignore[method-assign]
    store.batch_size = 5000
    store.write(tables)
    assert max(sent) >= 2000 and sum(sent) == len(tables.nodes) + len(tables.ties)
    assert_tables(store.read(), _memory(tables).read())


# ----------------------------------------------------------------- login and URIs


def one_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def test_a_wrong_password_is_a_one_line_error(neo4j: Neo4jServer) -> None:
    # (two failed logins only: Neo4j locks the user for a while after three)
    with pytest.raises(StoreUnavailable) as caught:
        Neo4jStore(neo4j.uri, user="neo4j", password="not-the-password")
    message = one_line(str(caught.value))
    assert "refused the login of user 'neo4j'" in message
    assert "not-the-password" not in message
    result = CliRunner().invoke(cli, ["metrics", neo4j.uri],
                                env={"NEO4J_PASSWORD": "not-the-password-either"})
    assert result.exit_code == 1
    assert one_line(result.output).startswith("Error: The graph database at bolt://127.0.0.1:")


def test_an_unknown_database_is_a_one_line_error(neo4j: Neo4jServer) -> None:
    with pytest.raises(StoreError) as caught:
        Neo4jStore(neo4j.uri, database="nosuchdb", **neo4j.options)
    assert one_line(str(caught.value)) == (f"The graph database at {neo4j.uri} has no "
                                           "database 'nosuchdb'")
    result = CliRunner().invoke(cli, ["metrics", neo4j.uri, "--database", "nosuchdb"],
                                env={"NEO4J_PASSWORD": neo4j.password})
    assert result.exit_code == 1
    assert "has no database 'nosuchdb'" in one_line(result.output)


def test_the_default_database_by_name(neo4j: Neo4jServer) -> None:
    tables = random_network(14, n_people=10, n_ties=20, at=AT)
    with neo4j.open() as store:
        store.write(tables)
    with Neo4jStore(neo4j.uri, database="neo4j", **neo4j.options) as named:
        assert_tables(named.read(), _memory(tables).read())


def test_neo4j_routing_uris_work(neo4j: Neo4jServer) -> None:
    tables = random_network(15, n_people=15, n_ties=40, at=AT)
    routed = neo4j.uri.replace("bolt://", "neo4j://")
    with neo4j.open():
        pass
    with Neo4jStore(routed, **neo4j.options) as store:
        store.write(tables)
        mem = _memory(tables)
        assert_tables(store.read(), mem.read())
        assert_tables(store.ego("p01", AT), mem.ego("p01", AT))
        assert_tables(store.snapshot(AT), mem.snapshot(AT))
    over_bolt = CliRunner().invoke(cli, ["metrics", neo4j.uri],
                                   env={"NEO4J_PASSWORD": neo4j.password})
    routed_out = CliRunner().invoke(cli, ["metrics", routed],
                                    env={"NEO4J_PASSWORD": neo4j.password})
    assert routed_out.exit_code == 0, routed_out.output
    assert routed_out.output == over_bolt.output and len(over_bolt.output.splitlines()) > 10


# ------------------------------------------------------------- a server restart


@pytest.mark.slow
@pytest.mark.parametrize("staged", [False, True], ids=["one transaction", "staged"])
def test_a_server_restarted_mid_load_is_a_clear_error_and_a_rerun_completes_it(
        neo4j: Neo4jServer, staged: bool) -> None:
    first, second = first_and_second()
    limit = 0 if staged else 100_000
    # (retried for 2 s, not 15, once the server is gone)
    options = {"batch_size": 20, "single_transaction_rows": limit, "connection_timeout": 2.0,
               "retry_time": 2.0}
    with neo4j.open(**options) as store:
        store.write(first)
        before = store.read()
        calls: list[int] = []

        def crash_on_third_batch(rows: int) -> None:
            calls.append(rows)
            if len(calls) == 3:
                neo4j.kill()  # SIGKILL: the server goes away mid-load

        with pytest.raises(StoreUnavailable) as caught:
            store.write(second, progress=crash_on_third_batch)
    message = one_line(str(caught.value))
    assert message.startswith(f"Cannot reach the graph database at {neo4j.uri}")
    assert message.endswith("nothing of it is visible: load again")
    neo4j.restart()
    with Neo4jStore(neo4j.uri, **neo4j.options, **options) as store:
        assert_tables(store.read(), before)
        store.write(second)
        assert store.staged_nodes() == 0
        assert_tables(store.read(), _memory_of(first, second).read())
