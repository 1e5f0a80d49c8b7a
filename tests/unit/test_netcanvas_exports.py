"""Exports for Gephi and R: GraphML, dynamic GEXF and egor's three files, read back by others."""

from __future__ import annotations

from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from lacgraph.loaders.netcanvas import read_netcanvas
from lacgraph.network import Network
from lacgraph.privacy import Pseudonymiser
from lacgraph.readwrite.exports import active_pairs, egor_tables, write_egor, write_graphml
from lacgraph.readwrite.gexf import write_gexf
from lacgraph.readwrite.interchange import export
from lacgraph.tables import Tables, active_mask
from tests.conftest import random_network

DATA = Path(__file__).resolve().parents[1] / "data" / "netcanvas"


@pytest.fixture(scope="module")
def imported() -> Tables:
    return read_netcanvas(DATA / "fresco_csv", DATA / "mapping.toml")


def networks(imported: Tables) -> list[tuple[Tables, str]]:
    return [(imported, "2024-07-15"), (imported, "2024-03-01"),
            (random_network(3), "2024-06-01"), (random_network(8), "2024-06-01")]


def reference_graph(tables: Tables, at: str, *, household: bool = True) -> nx.Graph:
    """The network at ``at`` built tie by tie with plain networkx (independent of exports)."""
    G = nx.Graph()
    G.add_nodes_from(tables.nodes["id"])
    ties = tables.ties[active_mask(tables.ties, at)]
    for tie in ties.itertuples(index=False):
        if household or tie.kind != "household":
            G.add_edge(tie.source, tie.target)
    return G


# ------------------------------------------------------------------ GraphML


@pytest.mark.parametrize("case", range(4))
def test_graphml_reads_back_the_same_graph_in_networkx_and_igraph(tmp_path, imported, case):
    tables, at = networks(imported)[case]
    path = write_graphml(tables, tmp_path / "net.graphml", at)
    expected = reference_graph(tables, at)

    G = nx.read_graphml(path)
    assert set(G.nodes) == set(expected.nodes)
    assert {frozenset(e) for e in G.edges} == {frozenset(e) for e in expected.edges}
    pairs = active_pairs(tables, at).set_index(["source", "target"])
    for u, v, data in G.edges(data=True):
        row = pairs.loc[tuple(sorted((u, v)))]
        assert (data["kind"], data["circle"], data["reciprocal"]) == (
            row["kind"], int(row["circle"]), bool(row["reciprocal"]))
        assert isinstance(data["circle"], int) and isinstance(data["reciprocal"], bool)
    nodes = tables.nodes.set_index("id")
    for node, data in G.nodes(data=True):
        assert data["supported"] is bool(nodes.loc[node, "supported"])
        assert data["type"] == nodes.loc[node, "type"]

    H = ig.Graph.Read_GraphML(str(path))
    assert not H.is_directed()
    assert sorted(H.vs["id"]) == sorted(expected.nodes)
    names = H.vs["id"]
    assert {frozenset((names[e.source], names[e.target])) for e in H.es} == \
        {frozenset(e) for e in expected.edges}
    assert sorted(H.es["circle"]) == sorted(d["circle"] for _, _, d in G.edges(data=True))
    assert sorted(H.vs["supported"]) == sorted(d["supported"] for _, d in G.nodes(data=True))


def test_graphml_pseudonymised_holds_no_id_or_name(tmp_path, imported):
    p = Pseudonymiser(b"test key")
    path = write_graphml(imported, tmp_path / "p.graphml", "2024-07-15", pseudonymiser=p)
    text = path.read_text(encoding="utf-8")
    for secret in ("P001", "Priya", "jo  BLOGGS", "Choir", "lac1", "nc_node_type"):
        assert secret not in text
    G = nx.read_graphml(path)
    assert p("P001") in G and p("P001/4") in G[p("P001")]


# ------------------------------------------------------------------ GEXF


def days(start: str, end: str | None) -> set[int]:
    """Every day of an inclusive GEXF spell (open end: up to a far date)."""
    first = np.datetime64(start, "D").astype(int)
    last = np.datetime64(end, "D").astype(int) if end not in (None, "None") else 30000
    return set(range(first, last + 1))


@pytest.mark.parametrize("case", [0, 2, 3])
def test_dynamic_gexf_keeps_every_interval(tmp_path, imported, case):
    tables = networks(imported)[case][0]
    G = nx.read_gexf(write_gexf(tables, tmp_path / "net.gexf"))
    assert G.graph["mode"] == "dynamic"
    # the days each (pair, kind) is active, from the tie table
    expected: dict[tuple[frozenset, str], set[int]] = {}
    for tie in tables.ties.itertuples(index=False):
        end = None if pd.isna(tie.end) else str((tie.end - pd.Timedelta(days=1)).date())
        key = (frozenset((tie.source, tie.target)), tie.kind)
        expected.setdefault(key, set()).update(days(str(tie.start.date()), end))
    found: dict[tuple[frozenset, str], set[int]] = {}
    edges = G.edges(data=True, keys=True) if G.is_multigraph() else (
        (u, v, None, d) for u, v, d in G.edges(data=True))
    for u, v, _, data in edges:
        key = (frozenset((u, v)), data["kind"])
        assert key not in found, "one GEXF edge per pair and kind"
        spells = data["spells"]
        found[key] = set().union(*(days(s, e) for s, e in spells))
        # spells never overlap (Gephi refuses overlapping intervals)
        assert sum(len(days(s, e)) for s, e in spells) == len(found[key])
    assert found == expected


def test_gexf_nodes_start_with_their_first_tie_or_introduction(tmp_path, imported):
    G = nx.read_gexf(write_gexf(imported, tmp_path / "n.gexf"))
    assert G.nodes["P001"]["start"] == "2024-01-10"
    assert G.nodes["P001/4"]["start"] == "2024-07-10"
    assert G.nodes["P001/2"]["end"] == "2024-07-09"  # Sam's last tie ended on 2024-07-10
    assert "end" not in G.nodes["P001"]
    assert G.graph["mode"] == "dynamic"


# ------------------------------------------------------------------ egor


@pytest.mark.parametrize("case", range(4))
def test_egor_tables_match_an_independent_ego_network(imported, case):
    tables, at = networks(imported)[case]
    egos, alters, aaties = egor_tables(tables, at)
    G = reference_graph(tables, at, household=False)
    family = set(tables.nodes.loc[tables.nodes["type"] == "family", "id"])
    G.remove_nodes_from(family)
    supported = tables.nodes[tables.nodes["supported"] & (tables.nodes["type"] == "person")]
    assert sorted(egos["egoID"]) == sorted(supported["id"])
    metrics = Network.from_tables(tables).metrics(at=at).set_index("id")
    for ego in egos["egoID"]:
        mine = set(G[ego])
        assert set(alters.loc[alters["egoID"] == ego, "alterID"]) == mine
        among = {frozenset(e) for e in G.subgraph(mine).edges}
        rows = aaties[aaties["egoID"] == ego]
        assert {frozenset(p) for p in zip(rows["Source"], rows["Target"], strict=True)} == among
        assert len(rows) == len(among)
        assert metrics.loc[ego, "size"] == len(mine)


def test_egor_files_follow_threefiles_to_egor_defaults(tmp_path, imported):
    folder = write_egor(imported, tmp_path / "egor", "2024-07-15")
    egos = pd.read_csv(folder / "egos.csv", dtype=str, keep_default_na=False)
    alters = pd.read_csv(folder / "alters.csv", dtype=str, keep_default_na=False)
    aaties = pd.read_csv(folder / "aaties.csv", dtype=str, keep_default_na=False)
    assert egos.columns[0] == "egoID" and list(alters.columns[:2]) == ["egoID", "alterID"]
    assert list(aaties.columns[:3]) == ["egoID", "Source", "Target"]
    assert set(egos["supported"]) == {"TRUE"}
    # every alter-alter tie joins two alters of its ego
    known = set(zip(alters["egoID"], alters["alterID"], strict=True))
    for ego, source, target in zip(aaties["egoID"], aaties["Source"], aaties["Target"],
                                   strict=True):
        assert (ego, source) in known and (ego, target) in known
    assert sorted(alters.loc[alters["egoID"] == "P002", "alterID"]) == [
        "P002/1", "P002/2", "P002/4", "P002/5"]


def test_suppression_hides_small_groups(imported):
    egos, _, _ = egor_tables(imported, "2024-07-15", suppress=True)
    assert set(egos["neighbourhood"]) == {"*"}
    assert set(egos["coordinator"]) == {"*"}
    egos, _, _ = egor_tables(imported, "2024-07-15")
    assert set(egos["neighbourhood"]) == {"Townhill", "Mayhill"}


def test_export_needs_a_date_except_for_gexf(tmp_path, imported):
    with pytest.raises(ValueError, match="give at"):
        export(imported, "graphml", tmp_path / "x.graphml")
    assert export(imported, "gexf", tmp_path / "x.gexf").is_file()
