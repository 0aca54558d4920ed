"""Cost and state over a long run: `python bench/bench_long_run.py [--scale 10] [--plot DIR]`.

One workload, run for the length of the example scenarios (200 ms of chain-3) and for
``--scale`` times as long: the chain-3 network serving a new request of 5 pairs every 10 ms,
one circuit after the other (20 circuits, then 200). Each run is cut into ten windows; per
window it prints the CPU time per simulated event and what the nodes hold at the window's end:

* ``engines``: signalling and data-plane machines (a circuit's go when it is released,
  chapter 11 section 4.5);
* ``closed``: released circuit ids still remembered (for ``closed_linger``);
* ``dedup``: accepted messages still remembered (for ``dedup_hold``, REL-007);
* ``pending``: messages waiting for their acknowledgement.

``closed`` and ``dedup`` are bounded by time, not by the number of circuits: the run sets
``rto_max_ns`` and ``msl_ns`` to 10 ms, so ``dedup_hold`` = ``closed_linger`` = 2 x 10 ms x
(6 + 1) + 2 x 10 ms = 160 ms, and both stop growing after that (with the 1 s defaults they
would grow for 16 s). The last line prints the ratio of the CPU per event of the long run's
last window to the short run's: the baseline is the short run, in the same process.
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path
from typing import Any

from qvcp.reference.sim.network import Network
from qvcp.reference.sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASE_MS = 200
EVERY_MS = 10
WINDOWS = 10


def scenario(duration_ms: int) -> dict[str, Any]:
    """chain-3 with a request of 5 pairs every ``EVERY_MS`` for ``duration_ms``."""
    doc = copy.deepcopy(load_scenario(ROOT / "schemas" / "scenarios" / "chain-3.yaml"))
    doc["duration_ns"] = duration_ms * 10**6
    doc["options"] = {**doc.get("options", {}), "rto_max_ns": 10**7, "msl_ns": 10**7}
    doc["demands"] = [{"head": "A", "tail": "B", "num_pairs": 5, "min_fidelity": 0.5,
                       "start_ns": k * EVERY_MS * 10**6}
                      for k in range(duration_ms // EVERY_MS)]
    return doc


def measure(duration_ms: int) -> list[dict[str, float]]:
    """One row per window: simulated ms, events, CPU us per event, pairs, and the state."""
    net = Network.from_scenario(scenario(duration_ms))
    step = duration_ms * 10**6 // WINDOWS
    rows = []
    for w in range(1, WINDOWS + 1):
        events, cpu = net.events, time.process_time()
        net.run_until(w * step)
        cpu, events = time.process_time() - cpu, net.events - events
        nodes = net.nodes.values()
        rows.append({
            "ms": w * step / 1e6, "events": events, "us_per_event": 1e6 * cpu / max(events, 1),
            "pairs": len(net.completed()),
            "engines": sum(len(n.signalling) + len(n.dataplane) for n in nodes),
            "closed": sum(len(n.closed) for n in nodes),
            "dedup": sum(len(n.transport.reliable.accepted) for n in nodes),
            "pending": sum(len(n.transport.reliable.pending) for n in nodes)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10, help="the long run's length in "
                        "units of the short one's (200 ms)")
    parser.add_argument("--plot", type=Path, help="write bench-long-run.png here")
    args = parser.parse_args()
    runs = {}
    for scale in (1, args.scale):
        rows = runs[scale] = measure(BASE_MS * scale)
        print(f"run of {BASE_MS * scale} ms ({scale}x): "
              f"{rows[-1]['pairs']} pairs, {BASE_MS * scale // EVERY_MS} circuits")
        print(f"{'ms':>8}{'events':>9}{'us/event':>10}{'engines':>9}{'closed':>8}{'dedup':>7}"
              f"{'pending':>9}")
        for r in rows:
            print(f"{r['ms']:>8.0f}{r['events']:>9}{r['us_per_event']:>10.1f}{r['engines']:>9}"
                  f"{r['closed']:>8}{r['dedup']:>7}{r['pending']:>9}")
    short, long = runs[1][-1], runs[args.scale][-1]
    print(f"CPU per event, last window: {long['us_per_event']:.1f} us ({args.scale}x run) / "
          f"{short['us_per_event']:.1f} us (1x run) = "
          f"{long['us_per_event'] / short['us_per_event']:.2f}")
    if args.plot:
        plot(runs, args.plot)


def plot(runs: dict[int, list[dict[str, float]]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (cost, state) = plt.subplots(1, 2, figsize=(10, 4))
    for scale, rows in runs.items():
        ms = [r["ms"] for r in rows]
        cost.plot(ms, [r["us_per_event"] for r in rows], marker="o", label=f"{scale}x run")
    long = runs[max(runs)]
    for key in ("engines", "closed", "dedup"):
        state.plot([r["ms"] for r in long], [r[key] for r in long], marker="o", label=key)
    cost.set(xlabel="simulated ms", ylabel="CPU us per event", ylim=(0, None),
             title="cost per event")
    state.set(xlabel="simulated ms", ylabel="records held (all nodes)", ylim=(0, None),
              title=f"state over the {max(runs)}x run")
    cost.legend()
    state.legend()
    fig.tight_layout()
    out.mkdir(parents=True, exist_ok=True)
    fig.savefig(out / "bench-long-run.png", dpi=100)
    print(f"plot: {out / 'bench-long-run.png'}")


if __name__ == "__main__":
    main()
