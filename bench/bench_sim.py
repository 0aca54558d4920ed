"""Simulator benchmark: `python bench/bench_sim.py` prints a table.

Wall time and delivered pairs per wall-clock second for the 9-node chain and the mesh, and
how wall time grows with chain length (events and events/s), fixed seeds.
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

from qvcp.reference.sim.network import Network

ROOT = Path(__file__).resolve().parents[1]


def chain(n: int) -> dict:
    names = [f"N{i}" for i in range(n)]
    return {
        "name": f"chain-{n}", "seed": 1,
        "nodes": [{"name": x, "role": "end" if i in (0, n - 1) else "router"}
                  for i, x in enumerate(names)],
        "links": [{"a": a, "b": b, "distance_km": 1, "model": "werner", "fidelity": 0.999,
                   "success_probability": 0.5, "preparation_ns": 1000}
                  for a, b in itertools.pairwise(names)],
        "demands": [{"head": names[0], "tail": names[-1], "num_pairs": 5}],
    }


def run(source, until: int) -> tuple[str, float, int, int, float]:
    net = Network.from_scenario(source)
    t = time.perf_counter()
    net.run_until(until)
    wall = time.perf_counter() - t
    return net.events, wall, len(net.completed()), net.now


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10, 30, 100, 300, 1000]
    print(f"{'workload':<14}{'wall s':>9}{'events':>10}{'events/s':>11}{'pairs':>7}{'pairs/s':>9}")
    cases = [("chain-9", ROOT / "schemas/scenarios/chain-9.yaml", 2 * 10**8),
             ("mesh-26", ROOT / "schemas/scenarios/mesh-26.yaml", 10**8)]
    cases += [(f"chain-{n}", chain(n), 10**9) for n in sizes]
    for name, src, until in cases:
        events, wall, pairs, _ = run(src, until)
        print(f"{name:<14}{wall:>9.2f}{events:>10}{events / wall:>11.0f}{pairs:>7}"
              f"{pairs / wall:>9.1f}")


if __name__ == "__main__":
    main()
