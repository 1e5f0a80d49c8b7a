"""The Neo4j store gives the memory store's answers, over Bolt, with the official driver.

Runs against the real Neo4j 5.26 server the session starts (``tests/neo4jserver.py``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from pandas.testing import assert_frame_equal

from lacgraph.cli import cli
from lacgraph.errors import NotFound
from lacgraph.loaders import write_folder
from lacgraph.network import Network
from lacgraph.queries import memory
from lacgraph.stores import MemoryStore, Store
from lacgraph.synthetic import programme
from lacgraph.tables import Tables
from tests.conftest import random_network
from tests.neo4jserver import Neo4jServer

AT = "2024-06-01"


def invoke(*args: str, server: Neo4jServer | None = None) -> str:
    """Run the CLI, with the server's password in ``NEO4J_PASSWORD`` (as a user would)."""
    env = {"NEO4J_PASSWORD": server.password if server else ""}
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, neo4j_server: Neo4jServer
         ) -> tuple[Path, str, Tables]:
    """A small demo programme as a data folder, loaded into Neo4j by the CLI."""
    server = neo4j_server
    folder = tmp_path_factory.mktemp("demo")
    tables = programme(300, seed=4)
    write_folder(tables, folder)
    server.open().close()  # empties the database
    out = invoke("load", str(folder), "--store", server.uri, "--batch-size", "40",
                 server=server)
    assert "ties" in out and "added" in out
    again = invoke("load", str(folder), "--store", server.uri, server=server)
    assert " 0 added, 0 changed" in again  # a second load changes nothing
    return folder, server.uri, tables


def test_the_loaded_store_holds_the_programme(demo: tuple[Path, str, Tables],
                                              neo4j: Neo4jServer) -> None:
    folder, _, _ = demo
    with bolt_store(neo4j) as store, MemoryStore() as mem:
        from lacgraph.loaders import read_source

        mem.write(read_source(folder))
        assert_tables(store.read(), mem.read())


def bolt_store(server: Neo4jServer) -> Store:
    from lacgraph.stores.neo4j import Neo4jStore

    return Neo4jStore(server.uri, **server.options)


def assert_tables(got: Tables, expected: Tables) -> None:
    assert_frame_equal(got.nodes, expected.nodes)
    assert_frame_equal(got.ties, expected.ties)


@pytest.mark.parametrize("at", [None, "2024-01-15"])
def test_metrics_are_identical_over_bolt(demo: tuple[Path, str, Tables], at: str | None,
                                         neo4j: Neo4jServer) -> None:
    folder, uri, _ = demo
    extra = [] if at is None else ["--at", at]
    local = invoke("metrics", str(folder), *extra)
    remote = invoke("metrics", uri, *extra, server=neo4j)
    assert remote == local
    assert len(local.splitlines()) > 100


def test_circles_are_identical_over_bolt(demo: tuple[Path, str, Tables],
                                         neo4j: Neo4jServer) -> None:
    folder, uri, tables = demo
    people = tables.nodes[tables.nodes["type"] == "person"]["id"].tolist()
    coordinators = tables.nodes[tables.nodes["type"] == "coordinator"]["id"].tolist()
    start, _ = window(tables)
    for person in people[:12] + coordinators[:2]:
        for extra in (["--format", "csv"], ["--format", "json"], ["--since", start]):
            local = invoke("circle", str(folder), person, *extra)
            remote = invoke("circle", uri, person, *extra, server=neo4j)
            assert remote == local, person


def test_circle_pictures_are_identical_over_bolt(demo: tuple[Path, str, Tables],
                                                 tmp_path: Path, neo4j: Neo4jServer) -> None:
    folder, uri, tables = demo
    person = tables.nodes[tables.nodes["type"] == "person"]["id"].iloc[3]
    start, _ = window(tables)
    for where, source in (("local", str(folder)), ("remote", uri)):
        invoke("circle", source, person, "--since", start,
               "--html", str(tmp_path / f"{where}.html"),
               "--svg", str(tmp_path / f"{where}.svg"),
               server=neo4j if where == "remote" else None)
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
                                                verb: list[str], neo4j: Neo4jServer) -> None:
    folder, uri, tables = demo
    start, end = window(tables)
    args = [a.format(start=start, end=end) for a in verb]
    local = invoke(args[0], str(folder), *args[1:])
    remote = invoke(args[0], uri, *args[1:], server=neo4j)
    assert remote == local
    assert len(local.strip()) > 0


def test_an_unknown_person_is_a_clear_cli_error(demo: tuple[Path, str, Tables],
                                                neo4j: Neo4jServer) -> None:
    _, uri, _ = demo
    result = CliRunner().invoke(cli, ["circle", uri, "nobody"],
                                env={"NEO4J_PASSWORD": neo4j.password})
    assert result.exit_code == 1
    assert "nobody" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_networks_give_the_same_answers(neo4j: Neo4jServer, seed: int) -> None:
    tables = random_network(seed, n_people=20, n_ties=70, at=AT)
    with neo4j.open() as store, MemoryStore() as mem:
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
def test_named_queries_match_their_in_memory_twins(neo4j: Neo4jServer, seed: int) -> None:
    tables = random_network(seed, n_people=15, n_ties=50, at=AT)
    hoods = ["Townhill", "Penderry", ""]
    tables.nodes["neighbourhood"] = [hoods[i % 3] for i in range(len(tables.nodes))]
    with neo4j.open() as store:
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


def test_values_stay_values(neo4j: Neo4jServer) -> None:
    # values travel as parameters, never spliced into query text
    tricky = ["z' w='q", "O'Brien", "back\\slash", "\\'", "a\\", "`tick`", "' OR 1=1 //"]
    nodes = [{"id": s, "type": "person", "label": s, "odd key: é": s} for s in tricky]
    ties = [{"source": a, "target": b, "kind": "friend", "start": "2024-01-01", "note": a}
            for a, b in zip(tricky, tricky[1:], strict=False)]
    tables = Tables.from_records(nodes, ties)
    with neo4j.open() as store, MemoryStore() as mem:
        store.write(tables)
        mem.write(tables)
        assert_tables(store.read(), mem.read())
        for person in tricky:
            assert_tables(store.ego(person, AT), mem.ego(person, AT))
        store.erase_person("O'Brien")
        with pytest.raises(NotFound):
            store.ego("O'Brien", AT)


def test_thousands_of_rows_go_in_few_batches(neo4j: Neo4jServer) -> None:
    tables = programme(1500, seed=5)
    rows = len(tables.nodes) + len(tables.ties)
    assert rows > 5000
    with neo4j.open() as store, MemoryStore() as mem:
        seen: list[int] = []
        store.write(tables, progress=seen.append)
        assert sum(seen) == rows and max(seen) >= 2000  # UNWIND batches of thousands of rows
        mem.write(tables)
        assert_tables(store.read(), mem.read())


def test_frames_keep_text_as_object_dtype(neo4j: Neo4jServer) -> None:
    with neo4j.open() as store:
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
