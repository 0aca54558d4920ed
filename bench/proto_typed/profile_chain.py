"""Where the reference's time goes per event on the 9-node chains of ``bench_peers.py``.

    python bench/proto_typed/profile_chain.py [--setups qns9 ket9] [--sim-seconds 0.3]
                                              [--p-ket9 0.291]

For each set-up: one untraced run for the wall time, events and pairs; one run with a trace
sink that counts the messages sent by type; one run under ``cProfile`` whose own time per
function is summed by category (below). A C built-in's time (``dict.get``, ``min``,
``heappush``...) goes to its Python callers in proportion to the time each spent in it, so
every category includes the built-ins it calls. Shares are of the profiled run; ``us/event``
scales each share to the untraced run's wall time (cProfile's overhead is spread evenly, which
it is not quite: the shares are the finding, the microseconds a guide).

``qns9``: lossless links (success 1 per mode), the set-up SimQN is compared on; ``ket9``:
links at SeQUeNCe's measured success per attempt (``--p-ket9``, the value ``bench_peers.py``
printed).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_vs_sequence import matched_scenario

from qvcp.reference.sim.network import Network

#: (category, substrings of a function's file and name, first match wins)
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("codec and validation (schemas/)", ("/schemas/", "construct", "jsonschema", "pydantic")),
    ("message factory (dict building)", ("messages.py:", "engines/base.py:_send")),
    ("engine dispatch (Engine.fire, events)", ("engines/base.py", "engines/events.py")),
    ("swap and tracking engines", ("engines/swap.py", "engines/qubits.py",
                                   "engines/tracking.py", "engines/distil.py")),
    ("link and station engines", ("engines/link.py", "engines/station.py", "station.py")),
    ("delivery and signalling engines", ("engines/delivery.py", "engines/signalling.py",
                                         "admission.py", "schedule.py")),
    ("reliable transport: ACKs, retransmission", ("transport.py", "reliable.py",
                                                  "liveness.py")),
    ("node boundary (receive, dispatch, collect)", ("reference/node.py", "reference/node_",
                                                    "circuit.py",
                                                    "resources.py", "closed.py")),
    ("physics (world, noise, detectors)", ("sim/world.py", "/noise/", "sim/detectors.py",
                                           "sim/linkmodel.py")),
    ("numpy and scipy (admission's estimate)", ("numpy", "scipy")),
    ("idle fast-forward", ("sim/fastforward.py", "sim/fastbd.py")),
    ("simulator: event loop, heap, sends", ("sim/network.py", "heapq")),
)


def category(func: tuple[str, int, str]) -> str:
    where = f"{func[0]}:{func[2]}"
    for name, keys in CATEGORIES:
        if any(k in where for k in keys):
            return name
    return "other"


def by_category(stats: pstats.Stats) -> Counter[str]:
    """Own time per category, each built-in's time given to its callers."""
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    out: Counter[str] = Counter()
    for func, (_, _, tt, _, callers) in raw.items():
        if func[0] != "~" or not callers:
            out[category(func)] += tt
            continue
        spent = sum(c[2] for c in callers.values()) or 1.0
        for caller, c in callers.items():
            out[category(caller)] += tt * c[2] / spent
    return out


class Counts:
    """Trace sink counting the messages sent, by type (no transition records)."""

    transitions = False

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()

    def record(self, rec: dict[str, Any]) -> None:
        if rec["ev"] == "send":
            self.sent[rec["msg"]["type"]] += 1


def per_type(doc: dict[str, Any]) -> dict[str, tuple[int, float]]:
    """Message type (or ``timer``) -> (how many, seconds) spent in the nodes' and stations'
    ``receive`` and ``on_timer`` (the engines' work included, the event loop's not), timed by
    wrapping those methods on the instances of one run."""
    net = Network.from_scenario(doc)
    spent: dict[str, list[float]] = {}
    clock = time.perf_counter

    def wrap(actor: Any) -> None:
        receive, on_timer = actor.receive, actor.on_timer

        def timed_receive(now: int, msg: dict[str, Any]) -> Any:
            t = clock()
            out = receive(now, msg)
            book = spent.setdefault(msg["type"], [0, 0.0])
            book[0] += 1
            book[1] += clock() - t
            return out

        def timed_timer(now: int) -> Any:
            t = clock()
            out = on_timer(now)
            book = spent.setdefault("timer", [0, 0.0])
            book[0] += 1
            book[1] += clock() - t
            return out

        actor.receive, actor.on_timer = timed_receive, timed_timer

    for actor in (*net.nodes.values(), *net.stations.values()):
        wrap(actor)
    net.run_until(doc["duration_ns"])
    return {k: (int(v[0]), v[1]) for k, v in spent.items()}


def profile(setup: str, p: float, sim_seconds: float) -> None:
    doc = matched_scenario(9, sim_seconds, success_probability=p)
    net = Network.from_scenario(doc)
    t = time.perf_counter()
    net.run_until(doc["duration_ns"])
    wall = time.perf_counter() - t
    pairs, events = len(net.completed()), net.events
    sink = Counts()
    Network.from_scenario(doc, trace=sink).run_until(doc["duration_ns"])
    net = Network.from_scenario(doc)
    prof = cProfile.Profile()
    prof.enable()
    net.run_until(doc["duration_ns"])
    prof.disable()
    cats = by_category(pstats.Stats(prof))
    total = sum(cats.values())
    print(f"\n{setup}: link success {p}, {pairs} pairs, {events} events "
          f"({events / max(pairs, 1):.1f} per pair), {sum(sink.sent.values())} messages, "
          f"untraced wall {wall:.3f} s = {wall / events * 1e6:.2f} us/event")
    print("  messages: " + ", ".join(f"{k} {v}" for k, v in sink.sent.most_common()))
    print(f"  {'category':<46}{'share':>7}{'us/event':>10}")
    for name, tt in cats.most_common():
        print(f"  {name:<46}{tt / total:>7.1%}{wall * tt / total / events * 1e6:>10.2f}")
    for name, _ in CATEGORIES:
        if name not in cats:
            print(f"  {name:<46}{0:>7.1%}{0:>10.2f}")
    timed = per_type(doc)
    inside = sum(s for _, s in timed.values())
    print(f"  time inside receive/on_timer by what arrived ({inside:.3f} s of a run timed "
          "by wrappers):")
    for name, (n, sec) in sorted(timed.items(), key=lambda kv: -kv[1][1]):
        print(f"    {name:<16}{n:>8} {sec / inside:>7.1%} {sec / n * 1e6:>8.2f} us each")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--setups", nargs="+", choices=("qns9", "ket9"), default=["qns9", "ket9"])
    ap.add_argument("--sim-seconds", type=float, default=0.3)
    ap.add_argument("--p-ket9", type=float, default=0.291)
    args = ap.parse_args(argv)
    if args.sim_seconds <= 0.1:
        ap.error("--sim-seconds must be above 0.1 (the request starts at 0.1 s)")
    if not 0 < args.p_ket9 <= 1:
        ap.error("--p-ket9 must be in (0, 1]")
    for setup in args.setups:
        profile(setup, 1.0 if setup == "qns9" else args.p_ket9, args.sim_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
