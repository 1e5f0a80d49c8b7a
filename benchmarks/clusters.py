"""Benchmark: the whole manager analysis against a plain-networkx version, same run.

Generates a synthetic programme and times, on a fresh :class:`~lacgraph.network.Network`
(so projecting the snapshots is included): isolated clusters, isolated and at-risk people,
the neighbourhood table with the change over a year, community assets (articulation
points, bridges, people cut off) and gaps, and Leiden communities. The reference does the
same questions with networkx graphs built from the active ties: connected components for
clusters, degrees for isolation, ``articulation_points`` / ``bridges`` /
``biconnected_components`` for assets, and Louvain (networkx has no Leiden) for
communities. Both answers for the isolated clusters are compared. The last line printed is
``speedup_vs_networkx=<ratio>``.

Usage::

    python benchmarks/clusters.py              # 200,000 people
    python benchmarks/clusters.py --quick      # 20,000 people
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

import networkx as nx
import numpy as np
import pandas as pd
from _common import peak_memory_mb

from lacgraph.model import KIND_CATEGORY
from lacgraph.synthetic import programme
from lacgraph.tables import Tables


def _active(tables: Tables, at: str) -> pd.DataFrame:
    t = np.datetime64(at)
    ties = tables.ties
    keep = (ties["start"] <= t) & (ties["end"].isna() | (ties["end"] > t))
    ties = ties[keep]
    return ties.assign(category=ties["kind"].map(KIND_CATEGORY))


def networkx_counts(tables: Tables, at: str) -> tuple[list[list[str]], pd.DataFrame]:
    """Isolated clusters and per-neighbourhood counts with networkx."""
    nodes = tables.nodes
    people = nodes.loc[nodes["type"] == "person", "id"].tolist()
    ties = _active(tables, at)
    natural = ties[ties["category"] == "natural"]
    community = ties[ties["category"] == "community"]
    N = nx.Graph()
    N.add_nodes_from(people)
    N.add_edges_from(zip(natural["source"], natural["target"], strict=True))
    close = nx.Graph(N)
    close.add_edges_from(zip(community["source"], community["target"], strict=True))
    in_group = set(community["source"]) | set(community["target"])
    clusters = [sorted(c) for c in nx.connected_components(N)
                if len(c) >= 2 and not c & in_group]
    clusters.sort(key=lambda c: (-len(c), c[0]))
    ward = dict(zip(nodes["id"], nodes["neighbourhood"], strict=True))
    rows: dict[str, Counter] = {}
    for p in people:
        counts = rows.setdefault(ward[p], Counter())
        degree = close.degree(p)
        counts["people"] += 1
        counts["isolated"] += degree == 0
        counts["at_risk"] += degree < 3
    for c in clusters:
        for w in {ward[p] for p in c}:
            rows[w]["isolated_clusters"] += 1
    return clusters, pd.DataFrame(rows).T


def networkx_analysis(tables: Tables, at: str, since: str, seed: int) -> dict[str, float]:
    times: dict[str, float] = {}
    t = time.perf_counter()
    clusters, _ = networkx_counts(tables, at)
    times["clusters"] = time.perf_counter() - t
    t = time.perf_counter()
    networkx_counts(tables, since)
    times["neighbourhoods_since"] = time.perf_counter() - t
    t = time.perf_counter()
    ties = _active(tables, at)
    close = ties[ties["category"].isin(["natural", "community"])]
    C = nx.Graph(zip(close["source"], close["target"], strict=True))
    groups = set(tables.nodes.loc[tables.nodes["type"] == "group", "id"]) & set(C)
    cut = set(nx.articulation_points(C)) & groups
    bridges = [e for e in nx.bridges(C) if e[0] in groups or e[1] in groups]
    pieces = Counter(v for block in nx.biconnected_components(C) for v in block if v in cut)
    times["assets"] = time.perf_counter() - t
    t = time.perf_counter()
    louvain = nx.community.louvain_communities(C, seed=seed)
    times["communities"] = time.perf_counter() - t
    times["_clusters_found"] = len(clusters)
    times["_cut_groups"] = len(cut)
    times["_bridges"] = len(bridges) + 0 * len(pieces)
    times["_communities"] = len(louvain)
    return times


def lacgraph_analysis(tables: Tables, at: str, since: str, seed: int) -> tuple[dict, list]:
    from lacgraph.analysis import clusters as C
    from lacgraph.network import Network

    G = Network.from_tables(tables)
    times: dict[str, float] = {}
    t = time.perf_counter()
    found = C.isolated_clusters(G, at)
    times["clusters"] = time.perf_counter() - t
    t = time.perf_counter()
    C.isolated_people(G, at)
    times["people"] = time.perf_counter() - t
    t = time.perf_counter()
    C.neighbourhoods(G, at, since=since)
    times["neighbourhoods_since"] = time.perf_counter() - t
    t = time.perf_counter()
    assets = C.community_assets(G, at)
    C.community_gaps(G, at)
    times["assets"] = time.perf_counter() - t
    t = time.perf_counter()
    communities = C.communities(G, at, seed=seed)
    times["communities"] = time.perf_counter() - t
    times["_clusters_found"] = len(found)
    times["_cut_groups"] = int(assets["cut_point"].sum())
    times["_communities"] = len(communities)
    return times, [m.split(";") for m in found["members"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="20,000 people")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--at", default="2024-06-01")
    parser.add_argument("--since", default="2023-06-01")
    args = parser.parse_args(argv)
    n_people = 20_000 if args.quick else args.people

    tables = programme(n_people, seed=args.seed)
    print(f"people={n_people} ties={len(tables.ties)} nodes={len(tables.nodes)}")

    ours, our_clusters = lacgraph_analysis(tables, args.at, args.since, args.seed)
    theirs = networkx_analysis(tables, args.at, args.since, args.seed)
    reference_clusters, _ = networkx_counts(tables, args.at)
    if our_clusters != reference_clusters:
        print("MISMATCH: isolated clusters differ from the networkx reference")
        return 1
    print(f"isolated_clusters={ours['_clusters_found']} (identical to networkx) "
          f"cut_point_groups={ours['_cut_groups']} (networkx {theirs['_cut_groups']}) "
          f"communities={ours['_communities']} (networkx louvain {theirs['_communities']})")
    for name in ("clusters", "people", "neighbourhoods_since", "assets", "communities"):
        ref = theirs.get(name)
        line = f"{name}_s={ours[name]:.3f}"
        if ref is not None:
            line += f" networkx_s={ref:.3f} ratio={ref / ours[name]:.1f}"
        print(line)
    total = sum(v for k, v in ours.items() if not k.startswith("_"))
    reference = sum(v for k, v in theirs.items() if not k.startswith("_"))
    print(f"lacgraph_total_s={total:.3f} networkx_total_s={reference:.3f} "
          f"(networkx does less: no people table, no gaps, no cut-off sizes)")
    print(f"peak_memory_mb={peak_memory_mb():.0f}")
    print(f"speedup_vs_networkx={reference / total:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
