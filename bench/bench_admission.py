"""Admission's linear solve with one BLAS thread and with the library's default thread pool:
`python bench/bench_admission.py [--links N] [--repeat R]`.

The tail end's rate estimate (reference/admission.py, ``_first_passage``) solves one linear
system of ``2**N - 1`` states per circuit (N links, at most ``EXACT_RATE_LINKS``). This times
the same solve on the same matrix both ways, interleaved, and prints the median of each and
their ratio. Compare the ratio, not the absolute times (shared, noisy machines).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits


def _matrix(n: int) -> np.ndarray:
    rng = np.random.default_rng(1)
    m = (1 << n) - 1
    a = -rng.random((m, m)) / m
    a[np.diag_indices(m)] = 2.0  # diagonally dominant: well conditioned, like the chain's
    return a


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--links", type=int, default=8, help="links of the route (default 8)")
    ap.add_argument("--repeat", type=int, default=30, help="solves per variant (default 30)")
    args = ap.parse_args(argv)
    if not 2 <= args.links <= 12:
        ap.error("--links must be between 2 and 12")
    a = _matrix(args.links)
    b = np.ones(a.shape[0])
    times: dict[str, list[float]] = {"default pool": [], "one thread": []}
    for _ in range(args.repeat):
        t = time.perf_counter()
        np.linalg.solve(a, b)
        times["default pool"].append(time.perf_counter() - t)
        t = time.perf_counter()
        with threadpool_limits(limits=1, user_api="blas"):
            np.linalg.solve(a, b)
        times["one thread"].append(time.perf_counter() - t)
    med = {k: statistics.median(v) * 1e3 for k, v in times.items()}
    print(f"{a.shape[0]} x {a.shape[0]} solve, median of {args.repeat} (ms)")
    for k, v in med.items():
        print(f"  {k:<13} {v:8.2f}")
    print(f"  ratio default / one thread: {med['default pool'] / med['one thread']:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
