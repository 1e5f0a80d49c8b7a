"""What the benchmark scripts share (they run as scripts, so this folder is on sys.path).

Importing this module also puts the repository root on ``sys.path``, so a script can use
the test helpers that do not ship with the product (``tests.reference``, the plain
networkx yardstick and the full-scan ego lookup).
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))


def peak_memory_mb() -> float:
    """Peak resident memory of this process in MB (``ru_maxrss`` is KiB on Linux)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 / (1024 if sys.platform == "darwin" else 1)
