"""Time ``lacgraph --help`` against a bare ``python -c pass``: ``python benchmarks/cli_startup.py``.

Both run as fresh processes, the median of several runs each, measured in the same run so
the ratio does not depend on the machine. Also times a verb's ``--help`` and a usage error
(a verb with its argument missing), which must be as quick as the group's help.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 7
LACGRAPH = str(Path(sys.executable).parent / "lacgraph")  # the installed console script
CASES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "lacgraph --help": [LACGRAPH, "--help"],
    "lacgraph circle --help": [LACGRAPH, "circle", "--help"],
    "lacgraph metrics (usage error)": [LACGRAPH, "metrics"],
}


def median_seconds(command: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    reference = median_seconds(CASES["python -c pass"])
    print(f"{'command':32} {'median s':>9} {'x python':>9}")
    for name, command in CASES.items():
        seconds = reference if name == "python -c pass" else median_seconds(command)
        print(f"{name:32} {seconds:9.3f} {seconds / reference:9.1f}")


if __name__ == "__main__":
    main()
