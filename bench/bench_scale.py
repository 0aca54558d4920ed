"""CPU per event as the network and the run grow: `python bench/bench_scale.py [--plot DIR]`.

Two curves, each printed as a table with the ratio to its smallest point:

* network size: ``bench_sim.chain(n)`` (10 m links, 1 us slots, p = 0.5, ideal memories, one
  circuit from end to end asking for many pairs) for ``--sizes`` nodes, each run for the same
  simulated window (``bench_sim.SWEEP_NS``). The CPU time (``time.process_time``) of the first
  ``TIMED`` of the window is divided by its events; the rest of the window runs under
  ``cProfile`` only to count the Python function calls per event (the amount of work, which
  does not depend on the machine). A control row, ``--control K`` chains of 100 nodes side by
  side in one network (K x 100 nodes, each chain exactly the work of the 100-node chain), tells
  apart what grows with the route a node holds from what grows with the number of nodes
  alone;
* run length: ``bench_long_run.scenario`` (chain-3, a request of 5 pairs every 10 ms, one
  circuit after the other, ``dedup_hold`` and ``closed_linger`` of 160 ms) for ``--scales``
  times 200 ms: CPU per event over the whole run and over its last tenth (``--without-auth``:
  the example's authentication off, so that signing does not dominate the cost per event).

``--plot DIR`` writes ``bench-scale.png`` (both curves) into DIR. Speed measurements live
here, never in tests; compare ratios from one run, not absolute figures across machines.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path
from typing import Any

from bench_long_run import BASE_MS, EVERY_MS
from bench_long_run import scenario as long_run_scenario
from bench_sim import SWEEP_NS, chain

from qvcp.reference.sim.network import Network

#: the share of the size sweep's window that is timed (the rest counts calls under cProfile)
TIMED = 0.75


def chains(k: int, n: int) -> dict[str, Any]:
    """``k`` separate ``chain(n)`` networks in one scenario, each with its own circuit."""
    doc: dict[str, Any] = {"name": f"{k}x-chain-{n}", "seed": 1, "nodes": [], "links": [],
                           "demands": []}
    one = chain(n)
    for c in range(k):
        def rename(name: str, c: int = c) -> str:
            return f"C{c}{name}"
        doc["nodes"] += [{**x, "name": rename(x["name"])} for x in one["nodes"]]
        doc["links"] += [{**x, "a": rename(x["a"]), "b": rename(x["b"])} for x in one["links"]]
        doc["demands"] += [{**x, "head": rename(x["head"]), "tail": rename(x["tail"])}
                           for x in one["demands"]]
    return doc


def size_point(doc: dict[str, Any]) -> dict[str, float]:
    """CPU us per event over the timed part of the window, and Python calls per event after."""
    net = Network.from_scenario(doc)
    cpu = time.process_time()
    net.run_until(int(SWEEP_NS * TIMED))
    cpu = time.process_time() - cpu
    timed = net.events
    profile = cProfile.Profile()
    profile.enable()
    net.run_until(SWEEP_NS)
    profile.disable()
    counted = net.events - timed
    calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    return {"nodes": len(net.nodes), "events": timed, "us_per_event": 1e6 * cpu / timed,
            "calls_per_event": calls / max(counted, 1)}


def length_point(scale: int, *, auth: bool = True) -> dict[str, float]:
    """CPU us per event over the whole run of ``scale`` x 200 ms and over its last tenth
    (``auth=False``: without the example's ``options.auth``, every message unsigned)."""
    duration = BASE_MS * scale * 10**6
    doc = long_run_scenario(BASE_MS * scale)
    if not auth:
        doc["options"].pop("auth", None)
    net = Network.from_scenario(doc)
    start = time.process_time()
    net.run_until(duration * 9 // 10)
    mid, events = time.process_time(), net.events
    net.run_until(duration)
    end = time.process_time()
    return {"scale": scale, "ms": BASE_MS * scale, "circuits": BASE_MS * scale // EVERY_MS,
            "events": net.events, "us_per_event": 1e6 * (end - start) / net.events,
            "us_last_tenth": 1e6 * (end - mid) / max(net.events - events, 1),
            "engines": sum(len(n.signalling) + len(n.dataplane) for n in net.nodes.values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 30, 100, 300, 1000])
    parser.add_argument("--control", type=int, default=10, metavar="K",
                        help="K chains of 100 nodes side by side (0: no control row)")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 2, 5, 10],
                        help="run lengths in units of 200 ms")
    parser.add_argument("--without-auth", action="store_true", help="run-length workload "
                        "without chain-3's authentication (messages unsigned)")
    parser.add_argument("--plot", type=Path, help="write bench-scale.png into this folder")
    args = parser.parse_args()
    if min(args.sizes) < 2 or min(args.scales) < 1 or args.control < 0:
        parser.error("--sizes: at least 2 nodes; --scales: at least 1; --control: at least 0")
    started = time.perf_counter()

    print(f"network size: chain of n nodes, {SWEEP_NS / 1e3:.0f} us simulated "
          f"(CPU timed over the first {TIMED:.0%})")
    print(f"{'network':<16}{'nodes':>7}{'events':>10}{'us/event':>10}{'ratio':>7}"
          f"{'calls/event':>13}")
    sizes = []
    for n in sorted(args.sizes):
        sizes.append({"name": f"chain-{n}", **size_point(chain(n))})
        print_size(sizes[-1], sizes[0])
    control = None
    if args.control:
        control = {"name": f"{args.control} x chain-100",
                   **size_point(chains(args.control, 100))}
        print_size(control, sizes[0])

    print(f"\nrun length: chain-3, a circuit of 5 pairs every {EVERY_MS} ms"
          f"{', messages unsigned' if args.without_auth else ''}")
    print(f"{'run':<8}{'ms':>7}{'circuits':>10}{'events':>9}{'us/event':>10}{'ratio':>7}"
          f"{'last tenth':>12}{'ratio':>7}{'engines':>9}")
    lengths = []
    for scale in sorted(set(args.scales)):
        r = length_point(scale, auth=not args.without_auth)
        lengths.append(r)
        first = lengths[0]
        print(f"{str(scale) + 'x':<8}{r['ms']:>7.0f}{r['circuits']:>10.0f}{r['events']:>9.0f}"
              f"{r['us_per_event']:>10.1f}{r['us_per_event'] / first['us_per_event']:>7.2f}"
              f"{r['us_last_tenth']:>12.1f}{r['us_last_tenth'] / first['us_last_tenth']:>7.2f}"
              f"{r['engines']:>9.0f}", flush=True)
    print(f"\nbench wall time: {time.perf_counter() - started:.0f} s")
    if args.plot:
        plot(sizes, control, lengths, args.plot)


def print_size(r: dict[str, Any], first: dict[str, Any]) -> None:
    print(f"{r['name']:<16}{r['nodes']:>7}{r['events']:>10}{r['us_per_event']:>10.2f}"
          f"{r['us_per_event'] / first['us_per_event']:>7.2f}{r['calls_per_event']:>13.1f}",
          flush=True)


def plot(sizes: list[dict[str, Any]], control: dict[str, Any] | None,
         lengths: list[dict[str, Any]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (by_size, by_length) = plt.subplots(1, 2, figsize=(10, 4))
    by_size.plot([r["nodes"] for r in sizes], [r["us_per_event"] for r in sizes], marker="o",
                 label="chain of n nodes")
    if control is not None:
        by_size.plot([control["nodes"]], [control["us_per_event"]], marker="s", linestyle="",
                     label=control["name"])
    by_size.set(xscale="log", xlabel="nodes", ylabel="CPU us per event", ylim=(0, None),
                title="cost per event by network size")
    scales = [r["scale"] for r in lengths]
    for key, label in (("us_per_event", "whole run"), ("us_last_tenth", "last tenth")):
        by_length.plot(scales, [r[key] for r in lengths], marker="o", label=label)
    by_length.set(xlabel="run length (x 200 ms of chain-3)", ylabel="CPU us per event",
                  ylim=(0, None), title="cost per event by run length")
    for ax in (by_size, by_length):
        ax.legend()
    fig.tight_layout()
    out.mkdir(parents=True, exist_ok=True)
    fig.savefig(out / "bench-scale.png", dpi=100)
    print(f"plot: {out / 'bench-scale.png'}")



if __name__ == "__main__":
    main()
