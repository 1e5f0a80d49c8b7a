"""Draw docs/architecture.svg: lacgraph's packages and the imports between them.

Run from the repository root: ``.venv/bin/python docs/make_architecture_picture.py``.
The arrows are read from the code, the way ``tests/unit/test_architecture.py`` reads them
(every import statement of every product module, with :mod:`ast`), and gathered by
package: an arrow ``web -> audit`` means some module of ``lacgraph.web`` imports some
module of ``lacgraph.audit``. The top-level modules are drawn as four boxes: the facade
(``lacgraph``, ``lacgraph.network``), ``lacgraph.dated`` (what the verbs see of it),
``lacgraph.demo`` and the core vocabulary (the rest). Two modules get a box of their own
because they sit below the rest of their package: ``analysis.snapshot`` (the projected
graph, read by ``dated`` and ``queries``) and ``queries.cypher`` (the Cypher text, read by
``stores``); so drawn, the boxes have no cycle, and each sits one row above the highest
box it imports. An arrow that a longer path already implies is left out (the transitive
reduction: ``cli -> core`` goes without saying once ``cli -> audit -> core`` is drawn).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.unit.test_architecture import import_graph  # noqa: E402

SUBPACKAGES = ("analysis", "rights", "readwrite", "audit", "stores", "loaders", "queries",
               "viz", "web", "cli", "report")
WHAT = {
    "cli": "the commands",
    "web": "the web app",
    "demo": "lacgraph demo",
    "report": "the evaluation report",
    "facade": "lacgraph.open, Network",
    "rights": "erasure, subject access",
    "readwrite": "GraphML, GEXF, egor out",
    "viz": "pictures",
    "analysis": "measures, circles, growth,\nclusters, suggestions",
    "analysis.snapshot": "the projected graph",
    "queries.cypher": "the Cypher text",
    "dated": "DatedNetwork",
    "queries": "named questions",
    "stores": "memory, SQLite, Neo4j",
    "loaders": "input formats, validation",
    "audit": "the audit log",
    "core": "model, tables, errors,\noutput, uri, privacy, synthetic",
}
ARROW = "#8a8a8a"
OWN_BOX = ("lacgraph.analysis.snapshot", "lacgraph.queries.cypher")


def package(module: str) -> str:
    """The box a module is drawn in."""
    parts = module.split(".")
    if module in OWN_BOX:
        return module.removeprefix("lacgraph.")
    if len(parts) >= 2 and parts[1] in SUBPACKAGES:
        return parts[1]
    if module in ("lacgraph", "lacgraph.network"):
        return "facade"
    if module in ("lacgraph.dated", "lacgraph.demo"):
        return parts[1]
    return "core"


def package_graph() -> tuple[nx.DiGraph, dict[str, int]]:
    """Arrows between boxes, and each box's row (0: imports nothing of ours)."""
    modules = import_graph()
    packages = nx.DiGraph()
    packages.add_nodes_from({package(m) for m in modules})
    for a, b in modules.edges:
        if package(a) != package(b):
            packages.add_edge(package(a), package(b))
    row: dict[str, int] = {}
    for p in reversed(list(nx.topological_sort(packages))):  # NetworkXUnfeasible on a cycle
        row[p] = 1 + max((row[q] for q in packages.successors(p)), default=-1)
    return nx.transitive_reduction(packages), row


def arranged(packages: nx.DiGraph, row: dict[str, int]) -> dict[int, list[str]]:
    """The boxes of each row, left to right, ordered so that arrows cross little (each
    row by the mean place of the boxes it imports and of those importing it, a few
    passes)."""
    rows: dict[int, list[str]] = defaultdict(list)
    for p in sorted(packages, key=lambda p: (row[p], p)):
        rows[row[p]].append(p)
    place = {p: (i + 0.5) / len(rows[r]) for r in rows for i, p in enumerate(rows[r])}

    def mean(p: str) -> float:
        near = [place[q] for q in (*packages.successors(p), *packages.predecessors(p))]
        return sum(near) / len(near) if near else place[p]

    for _ in range(4):
        for r in sorted(rows):
            rows[r].sort(key=lambda p: (mean(p), p))
            place.update({p: (i + 0.5) / len(rows[r]) for i, p in enumerate(rows[r])})
    return rows


def draw(path: Path) -> None:
    packages, row = package_graph()
    rows = arranged(packages, row)
    width = max(len(r) for r in rows.values())
    position = {}
    for r, names in rows.items():
        for i, name in enumerate(names):
            position[name] = ((i + 0.5) * width / len(names), r * 1.6)
    fig = plt.figure(figsize=(2.1 * width + 1, 1.25 * len(rows) + 1))
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98))
    ax.set_xlim(-0.1, width + 0.1)
    ax.set_ylim(-0.8, 1.6 * (len(rows) - 1) + 0.8)
    ax.axis("off")
    half_w, half_h = 0.43, 0.42
    for a, b in sorted(packages.edges):
        (xa, ya), (xb, yb) = position[a], position[b]
        # leave from the side of the box facing the target, arrive on the side facing the
        # source; an arrow passing a box is drawn over it (under the text), not hidden
        xa += max(-0.6, min(0.6, (xb - xa) / 3)) * half_w
        xb += max(-0.6, min(0.6, (xa - xb) / 3)) * half_w
        ax.add_patch(FancyArrowPatch((xa, ya - half_h), (xb, yb + half_h), arrowstyle="-|>",
                                     mutation_scale=10, lw=0.9, color=ARROW, alpha=0.8,
                                     shrinkA=1, shrinkB=1, zorder=2))
    for name, (x, y) in position.items():
        ax.add_patch(FancyBboxPatch((x - half_w, y - half_h), 2 * half_w, 2 * half_h,
                                    boxstyle="round,pad=0.02,rounding_size=0.08",
                                    facecolor="#eef4fa", edgecolor="#0072b2", lw=1, zorder=1))
        title = f"{name}/" if name in SUBPACKAGES else name
        ax.text(x, y + 0.13, title, ha="center", va="center", fontsize=10, weight="bold",
                zorder=3, parse_math=False)
        ax.text(x, y - 0.12, WHAT.get(name, ""), ha="center", va="center", fontsize=7,
                color="#333333", zorder=3, linespacing=1.1, parse_math=False)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "architecture"}):
        fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)


def main() -> None:
    path = ROOT / "docs" / "architecture.svg"
    draw(path)
    print(path, path.stat().st_size // 1024, "KB")


if __name__ == "__main__":
    main()
