"""Simulator benchmark: `python bench/bench_sim.py [SIZES...] [--repeat N]`.

Three parts, fixed seeds:

* the chains of 3 and 9 nodes matched to SeQUeNCe (``bench_vs_sequence.matched_scenario``,
  0.3 s simulated), measured in-process (the side-by-side script times a ``qvcp simulate``
  subprocess);
* the example scenarios chain-9 and mesh-26, run to their scenario duration: wall time,
  events, events per wall second, delivered pairs and pairs per wall second;
* a sweep over chains of 10, 30, 100, 300 and 1000 nodes (or the sizes given) with short links
  (10 m, 1 us slots, p = 0.5, ideal memories) and one circuit asking for many pairs, each run
  for the same simulated window (``SWEEP_NS``, long enough for the 1000-node chain's signalling
  round trip and a few end-to-end pairs). Events grow linearly with the number of links; the
  events/s column shows the per-event cost staying flat.

``--repeat N`` reports the fastest of N runs of each workload (the runs are identical: same
seed, same events). Speed measurements live here, never in tests (timings are machine
dependent).
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path
from typing import Any

from bench_vs_sequence import matched_scenario

from qvcp.reference.sim.network import Network
from qvcp.reference.sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SWEEP_NS = 400_000


def chain(n: int) -> dict[str, Any]:
    """An n-node chain of short, fast Werner links with ideal memories."""
    names = [f"N{i}" for i in range(n)]
    return {
        "name": f"chain-{n}", "seed": 1,
        "nodes": [{"name": x, "role": "end" if i in (0, n - 1) else "router"}
                  for i, x in enumerate(names)],
        "links": [{"a": a, "b": b, "distance_km": 0.01, "model": "werner", "fidelity": 0.999,
                   "success_probability": 0.5, "preparation_ns": 1000}
                  for a, b in itertools.pairwise(names)],
        "demands": [{"head": names[0], "tail": names[-1], "num_pairs": 10**6}],
    }


def run(source: Any, until: int, repeat: int = 1) -> tuple[int, float, int]:
    """(events, wall seconds, pairs delivered at both ends) of one run (fastest of ``repeat``)."""
    best = None
    for _ in range(max(1, repeat)):
        net = Network.from_scenario(source)
        t = time.perf_counter()
        net.run_until(until)
        wall = time.perf_counter() - t
        best = wall if best is None else min(best, wall)
    assert best is not None
    return net.events, best, len(net.completed())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[10, 30, 100, 300, 1000])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    sizes = args.sizes
    print(f"{'workload':<12}{'sim ms':>8}{'wall s':>9}{'events':>10}{'events/s':>11}"
          f"{'pairs':>7}{'pairs/s':>9}")
    cases: list[tuple[str, Any, int]] = []
    for n in (3, 9):
        doc = matched_scenario(n, 0.3)
        cases.append((f"matched-{n}", doc, doc["duration_ns"]))
    for name in ("chain-9", "mesh-26"):
        doc = load_scenario(ROOT / "schemas" / "scenarios" / f"{name}.yaml")
        cases.append((name, doc, doc["duration_ns"]))
    cases += [(f"chain-{n}", chain(n), SWEEP_NS) for n in sizes]
    for name, src, until in cases:
        events, wall, pairs = run(src, until, args.repeat)
        print(f"{name:<12}{until / 1e6:>8.1f}{wall:>9.2f}{events:>10}{events / wall:>11.0f}"
              f"{pairs:>7}{pairs / wall:>9.1f}", flush=True)


if __name__ == "__main__":
    main()
