"""The Neo4j store gives the memory store's answers, over Bolt, with the official driver.

Runs against FalkorDB's Bolt server started by ``tests/boltserver.py`` (inside the private
network namespace ``make test`` creates), or against the Neo4j named by ``NEO4J_URI``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from pandas.testing import assert_frame_equal

from lacgraph.cli import cli
from lacgraph.errors import NotFound, StoreError
from lacgraph.loaders import write_folder
from lacgraph.network import Network
from lacgraph.queries import memory
from lacgraph.stores import MemoryStore, Store
from lacgraph.synthetic import programme
from lacgraph.tables import Tables
from tests import boltserver
from tests.boltserver import BoltServer
from tests.conftest import random_network

AT = "2024-06-01"


def login_options() -> list[str]:
    """The CLI options that reach the test server (only needed for a real Neo4j)."""
    options = []
    if os.environ.get("NEO4J_USER"):
        options += ["--user", os.environ["NEO4J_USER"]]
    if os.environ.get("NEO4J_DATABASE"):
        options += ["--database", os.environ["NEO4J_DATABASE"]]
    return options


def invoke(*args: str) -> str:
    env = {"NEO4J_PASSWORD": os.environ.get("NEO4J_PASSWORD", "")}
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Tables]:
    """A small demo programme as a data folder, loaded into the Bolt server by the CLI."""
    server = boltserver.server()
    folder = tmp_path_factory.mktemp("demo")
    tables = programme(300, seed=4)
    write_folder(tables, folder)
    server.open().close()  # empties the database
    out = invoke("load", str(folder), "--store", server.uri, "--batch-size", "40",
                 *login_options())
    assert "ties" in out and "added" in out
    again = invoke("load", str(folder), "--store", server.uri, *login_options())
    assert " 0 added, 0 changed" in again  # a second load changes nothing
    return folder, server.uri, tables


def test_the_loaded_store_holds_the_programme(demo: tuple[Path, str, Tables],
                                              bolt: BoltServer) -> None:
    folder, _, _ = demo
    with bolt_store(bolt) as store, MemoryStore() as mem:
        from lacgraph.loaders import read_source

        mem.write(read_source(folder))
        assert_tables(store.read(), mem.read())


def bolt_store(bolt: BoltServer) -> Store:
    from lacgraph.stores.neo4j import Neo4jStore

    return Neo4jStore(bolt.uri, **bolt.options)


def assert_tables(got: Tables, expected: Tables) -> None:
    assert_frame_equal(got.nodes, expected.nodes)
    assert_frame_equal(got.ties, expected.ties)


@pytest.mark.parametrize("at", [None, "2024-01-15"])
def test_metrics_are_identical_over_bolt(demo: tuple[Path, str, Tables], at: str | None
                                         ) -> None:
    folder, uri, _ = demo
    extra = [] if at is None else ["--at", at]
    local = invoke("metrics", str(folder), *extra)
    remote = invoke("metrics", uri, *extra, *login_options())
    assert remote == local
    assert len(local.splitlines()) > 100


def test_circles_are_identical_over_bolt(demo: tuple[Path, str, Tables]) -> None:
    folder, uri, tables = demo
    people = tables.nodes[tables.nodes["type"] == "person"]["id"].tolist()
    coordinators = tables.nodes[tables.nodes["type"] == "coordinator"]["id"].tolist()
    start, _ = window(tables)
    for person in people[:12] + coordinators[:2]:
        for extra in (["--format", "csv"], ["--format", "json"], ["--since", start]):
            local = invoke("circle", str(folder), person, *extra)
            remote = invoke("circle", uri, person, *extra, *login_options())
            assert remote == local, person


def test_circle_pictures_are_identical_over_bolt(demo: tuple[Path, str, Tables],
                                                 tmp_path: Path) -> None:
    folder, uri, tables = demo
    person = tables.nodes[tables.nodes["type"] == "person"]["id"].iloc[3]
    start, _ = window(tables)
    for where, source in (("local", str(folder)), ("remote", uri)):
        invoke("circle", source, person, "--since", start,
               "--html", str(tmp_path / f"{where}.html"),
               "--svg", str(tmp_path / f"{where}.svg"),
               *(login_options() if where == "remote" else []))
    for suffix in ("html", "svg"):
        local = (tmp_path / f"local.{suffix}").read_text(encoding="utf-8")
        remote = (tmp_path / f"remote.{suffix}").read_text(encoding="utf-8")
        assert remote == local, suffix


def window(tables: Tables) -> tuple[str, str]:
    last = max(tables.ties["start"].max(), tables.ties["end"].max())
    end = str(last.date())
    return str((last - pd.Timedelta(days=365)).date()), end


@pytest.mark.parametrize("verb", [
    ["growth", "--from", "{start}", "--to", "{end}"],
    ["growth", "--months", "6"],
    ["growth", "--months", "6", "--summary"],
    ["growth", "--waves", "0,6,12"],
    ["clusters"],
    ["clusters", "--people"],
    ["neighbourhoods"],
    ["assets"],
    ["assets", "--gaps"],
    ["communities"],
    ["metrics", "--at", "{start}", "--format", "json"],
], ids=lambda v: " ".join(v))
def test_every_verb_answers_the_same_over_bolt(demo: tuple[Path, str, Tables],
                                                verb: list[str]) -> None:
    folder, uri, tables = demo
    start, end = window(tables)
    args = [a.format(start=start, end=end) for a in verb]
    local = invoke(args[0], str(folder), *args[1:])
    remote = invoke(args[0], uri, *args[1:], *login_options())
    assert remote == local
    assert len(local.strip()) > 0


def test_an_unknown_person_is_a_clear_cli_error(demo: tuple[Path, str, Tables]) -> None:
    _, uri, _ = demo
    result = CliRunner().invoke(cli, ["circle", uri, "nobody", *login_options()],
                                env={"NEO4J_PASSWORD": os.environ.get("NEO4J_PASSWORD", "")})
    assert result.exit_code == 1
    assert "nobody" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_networks_give_the_same_answers(bolt: BoltServer, seed: int) -> None:
    tables = random_network(seed, n_people=20, n_ties=70, at=AT)
    with bolt.open() as store, MemoryStore() as mem:
        assert store.write(tables) == mem.write(tables)
        assert_tables(store.read(), mem.read())
        for at in ("2023-09-01", AT, "2025-01-01"):
            assert_tables(store.snapshot(at), mem.snapshot(at))
            assert_frame_equal(Network(store).metrics(at), Network(mem).metrics(at))
        for person in tables.nodes["id"]:
            assert_tables(store.ego(person, AT), mem.ego(person, AT))
            assert_frame_equal(Network(store).circle(person, AT),
                               Network(mem).circle(person, AT))


@pytest.mark.parametrize("seed", [3, 4])
def test_named_queries_match_their_in_memory_twins(bolt: BoltServer, seed: int) -> None:
    tables = random_network(seed, n_people=15, n_ties=50, at=AT)
    hoods = ["Townhill", "Penderry", ""]
    tables.nodes["neighbourhood"] = [hoods[i % 3] for i in range(len(tables.nodes))]
    with bolt.open() as store:
        store.write(tables)
        canonical = store.read()
        for hood in hoods:
            assert_frame_equal(store.people_by_neighbourhood(hood),
                               memory.people_by_neighbourhood(canonical, hood))
        for since, at in [("2023-01-01", AT), ("2024-05-31", AT), (AT, "2025-06-01")]:
            assert_frame_equal(store.ties_changed(since, at),
                               memory.ties_changed(canonical, since, at))
            person = tables.nodes["id"].iloc[0]
            assert_frame_equal(store.ties_changed(since, at, person),
                               memory.ties_changed(canonical, since, at, person))
        assert_tables(store.ego("p00", AT), memory.ego(canonical, "p00", AT))
        assert_tables(store.snapshot(AT), memory.snapshot(canonical, AT))


def test_values_stay_values(bolt: BoltServer) -> None:
    # FalkorDB splices parameters into query text unescaped; the store escapes them
    tricky = ["z' w='q", "O'Brien", "back\\slash", "\\'", "a\\", "`tick`", "' OR 1=1 //"]
    nodes = [{"id": s, "type": "person", "label": s, "odd key: é": s} for s in tricky]
    ties = [{"source": a, "target": b, "kind": "friend", "start": "2024-01-01", "note": a}
            for a, b in zip(tricky, tricky[1:], strict=False)]
    tables = Tables.from_records(nodes, ties)
    with bolt.open() as store, MemoryStore() as mem:
        store.write(tables)
        mem.write(tables)
        assert_tables(store.read(), mem.read())
        for person in tricky:
            assert_tables(store.ego(person, AT), mem.ego(person, AT))
        store.erase_person("O'Brien")
        with pytest.raises(NotFound):
            store.ego("O'Brien", AT)


def test_a_row_too_large_for_the_server_is_refused_before_anything_is_written(
        bolt: BoltServer) -> None:
    with bolt.open() as store:
        if store.max_request_bytes is None:
            pytest.skip(f"{store.server} has no request size limit")
        big = Tables.from_records([{"id": "a", "type": "person"},
                                   {"id": "b", "type": "person", "label": "x" * 5000}], [])
        with pytest.raises(StoreError, match="too large"):
            store.write(big)
        assert len(store.read().nodes) == 0
        store.write(Tables.from_records([{"id": "a", "type": "person"}], []))
        assert list(store.read().nodes["id"]) == ["a"]  # the server is still up


def test_batches_respect_the_request_limit(bolt: BoltServer) -> None:
    # many rows, each small, all in one batch: split to fit, not sent as one request
    tables = random_network(7, n_people=60, n_ties=200, at=AT)
    tables.nodes["label"] = "L" * 60
    with bolt.open(batch_size=10_000) as store, MemoryStore() as mem:
        seen: list[int] = []
        store.write(tables, progress=seen.append)
        assert sum(seen) == len(tables.nodes) + len(tables.ties)
        mem.write(tables)
        assert_tables(store.read(), mem.read())


def test_a_named_database_is_refused_where_it_would_not_be_kept_apart(
        bolt: BoltServer) -> None:
    if boltserver.real_neo4j():
        pytest.skip("FalkorDB-only: Neo4j keeps databases apart (NEO4J_URI is set)")
    with pytest.raises(StoreError, match="default graph"):
        bolt.open_named()


def test_the_server_is_detected(bolt: BoltServer) -> None:
    with bolt.open() as store:
        if boltserver.real_neo4j():
            assert store.server.neo4j and "constraint" in store.index
        else:
            assert not store.server.neo4j
            assert "not Neo4j" in str(store.server)
            assert store.batch_size == 40 and store.max_request_bytes == 3500
            assert store.index.startswith("index on LacNode.id")
            indexes = store.run("CALL db.indexes() YIELD label, properties "
                                "RETURN label, properties")
            assert ["LacNode", ["id"]] in [list(r) for r in indexes]


def test_neo4j_has_a_uniqueness_constraint_on_id(bolt: BoltServer) -> None:
    if not boltserver.real_neo4j():
        pytest.skip("Neo4j-only: SHOW CONSTRAINTS / uniqueness constraints (NEO4J_URI unset; "
                    "running on FalkorDB, which has neither)")
    with bolt.open() as store:
        rows = store.run("SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties "
                         "RETURN name, labelsOrTypes, properties")
        assert ["lacgraph_node_id", ["LacNode"], ["id"]] in [list(r) for r in rows]
        store.write(Tables.from_records([{"id": "a", "type": "person"}], []))
        with pytest.raises(StoreError):
            store.run("CREATE (:LacNode {id: 'a'})", write=True)


def test_neo4j_rolls_back_a_failed_transaction(bolt: BoltServer) -> None:
    if not boltserver.real_neo4j():
        pytest.skip("Neo4j-only: FalkorDB does not honour rollback (NEO4J_URI unset)")
    with bolt.open() as store:
        with pytest.raises(StoreError):
            store._run_many([("CREATE (:LacNode:Person {id: 'x'})", {}),
                             ("RETURN 1/0", {})])
        assert len(store.read().nodes) == 0


def test_frames_keep_text_as_object_dtype(bolt: BoltServer) -> None:
    with bolt.open() as store:
        store.write(Tables.from_records([{"id": "a", "type": "person", "x": "1"}], []))
        nodes = store.read().nodes
        assert all(nodes[c].dtype == object for c in ("id", "label", "x"))
        assert pd.api.types.is_bool_dtype(nodes["supported"])


def test_an_unreachable_server_is_a_clear_cli_error() -> None:
    result = CliRunner().invoke(cli, ["metrics", "bolt://127.0.0.1:1"],
                                env={"NEO4J_PASSWORD": ""})
    assert result.exit_code == 1
    assert "Cannot reach the graph database at bolt://127.0.0.1:1" in result.output
    assert "Traceback" not in result.output


def test_the_test_server_refuses_to_start_outside_a_private_namespace(
        monkeypatch: pytest.MonkeyPatch) -> None:
    if boltserver.real_neo4j():
        pytest.skip("FalkorDB-only: NEO4J_URI is set, no local server is started")
    # pretend this process can see a real network interface
    monkeypatch.setattr(boltserver.socket, "if_nameindex", lambda: [(1, "lo"), (2, "eth0")])
    with pytest.raises(pytest.fail.Exception, match="Refusing to start FalkorDB"):
        boltserver.BoltServer()
