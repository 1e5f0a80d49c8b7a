"""Benchmark: the council report against the one growth computation it is built around.

``lacgraph report`` works out growth (personal window), waves, the neighbourhoods at every
month end of the timeline, groups, gaps and clusters, then draws the charts and fills the
template. The reference, measured in the same run, is ``growth(G, months=6)`` alone (what
``lacgraph growth --months 6`` computes). The last line printed is
``report_over_growth=<ratio>``: how many growth computations one whole report costs.

Usage::

    python benchmarks/report.py                 # 20,000 people
    python benchmarks/report.py --people 100000
"""

from __future__ import annotations

import argparse
import time

from _common import peak_memory_mb

from lacgraph.analysis.growth import growth
from lacgraph.network import Network
from lacgraph.report.content import report_content
from lacgraph.report.render import render_html
from lacgraph.synthetic import programme


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    args = parser.parse_args(argv)

    tables = programme(args.people, seed=1)
    G = Network.from_tables(tables)
    G.snapshot()  # read the store once for both measurements
    print(f"people={args.people} ties={len(tables.ties)}")

    began = time.perf_counter()
    growth(G, months=6)
    reference = time.perf_counter() - began
    print(f"growth_seconds={reference:.2f}")

    began = time.perf_counter()
    content = report_content(G, months=6)
    numbers = time.perf_counter() - began
    began = time.perf_counter()
    html = render_html(content)
    drawing = time.perf_counter() - began
    print(f"report_numbers_seconds={numbers:.2f} report_render_seconds={drawing:.2f} "
          f"html_kb={len(html.encode()) / 1024:.0f} peak_memory_mb={peak_memory_mb():.0f}")
    print(f"report_over_growth={(numbers + drawing) / reference:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
