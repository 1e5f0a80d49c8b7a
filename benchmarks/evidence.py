"""Evidence on simulated programmes with a known true mean change (issue 28).

Each programme (``tests/simulation.py``): coordinators with random effects on how many
friends their people make, 25% dropout, every figure computed by the real engine in
``observed`` mode. Two kinds of dropout:

(a) ``observed``: dropout depends only on observed things (baseline size, a coordinator's
    own rate). Printed: how often the observed-only, coordinator-clustered 95% interval
    covers the truth (nominal 0.95), beside the plain t-interval that ignores clustering.
(b) ``change``: dropout depends on the change itself (those whose networks shrink leave
    most; their records are never updated). Printed: how far each estimate lies from the
    truth on average — observed-only, records assumed current, missing = no change. None
    is unbiased here: with informative dropout the figures are bounds to read together,
    not the answer.

Usage::

    python benchmarks/evidence.py               # 400 programmes of each kind
    python benchmarks/evidence.py --seeds 100 --coordinators 6
"""

from __future__ import annotations

import argparse
import time

import _common  # noqa: F401  (puts the repository root on sys.path)
import numpy as np

from tests.simulation import estimates, simulate, true_mean_change


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=400)
    parser.add_argument("--coordinators", type=int, default=10)
    parser.add_argument("--per-coordinator", type=int, default=8)
    args = parser.parse_args(argv)
    truth = true_mean_change()
    began = time.perf_counter()
    print(f"true mean change {truth:.4f}; {args.seeds} programmes of "
          f"{args.coordinators} coordinators x {args.per_coordinator} people; 25% dropout")
    for kind in ("observed", "change"):
        clustered, plain, rates = [], [], []
        figures: dict[str, list[float]] = {"mean_change": [], "mean_change_assumed": [],
                                           "mean_change_missing_zero": []}
        for seed in range(args.seeds):
            T = simulate(seed, coordinators=args.coordinators,
                         per_coordinator=args.per_coordinator, dropout=kind)
            e = estimates(T)
            clustered.append(e["mean_change_low"] <= truth <= e["mean_change_high"])
            rates.append(e["follow_up_rate"])
            for key, values in figures.items():
                values.append(e[key])
            low, high = e["plain_low"], e["plain_high"]
            plain.append(low <= truth <= high)
        n = len(clustered)
        se = np.sqrt(0.95 * 0.05 / n)
        print(f"\n({'a' if kind == 'observed' else 'b'}) dropout depends on "
              f"{'observed things only' if kind == 'observed' else 'the change itself'}; "
              f"mean follow-up rate {np.mean(rates):.3f}")
        print(f"  coverage of the 95% interval, clustered by coordinator: "
              f"{np.mean(clustered):.3f} (nominal 0.95, Monte Carlo s.e. {se:.3f})")
        print(f"  coverage of the plain t-interval (no clustering):        {np.mean(plain):.3f}")
        for key, label in (("mean_change", "observed only"),
                           ("mean_change_assumed", "records assumed current"),
                           ("mean_change_missing_zero", "missing = no change")):
            values = np.asarray(figures[key])
            print(f"  {label:<24} mean {values.mean():.4f}  bias {values.mean() - truth:+.4f}"
                  f"  root mean square error {np.sqrt(np.mean((values - truth) ** 2)):.4f}")
    print(f"\n{time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
