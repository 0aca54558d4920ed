"""The reference's swap engine against its typed-record prototype, on the same inputs.

    python bench/proto_typed/run.py [--sim-seconds 0.3] [--router 5] [--repeat 5]

1. Runs the reference on the lossless 9-node chain of ``bench_peers.py`` (set-up ``qns9``:
   ``matched_scenario(9, ...)`` with link success 1, where SWAP_OUTCOMEs and their ACKs are
   9 in 10 of the messages) and records every event the swap engine of one router receives
   (``LinkPairReady`` from its links, SWAP_OUTCOME messages as they arrived) and every BSM
   result its device returned. The recording wraps ``SwapEngine.fire`` in this process only.
2. Replays the recording to a fresh reference ``SwapEngine`` (dict messages; its events built
   with ``SwapOutcome.of(msg)`` as the node builds them) and to :mod:`typed_swap` (records of
   ``records.py``, generated from the schemas by ``gen.py``), each with the same stub device
   (the recorded BSM results), memory book and link book; no transition records, no
   authentication, as in an untraced run.
3. Checks that all three send the same messages (the typed ones through ``to_dict``), then
   times ``--repeat`` interleaved replays of each (the garbage collector run before each and
   off during it) and prints the fastest per event side by side.

Also checks that every message vector of ``schemas/vectors`` survives ``from_dict``/``to_dict``
through its generated record, and that ``records.py`` is what ``gen.py`` gives now.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import gen  # noqa: E402
import records  # noqa: E402
from bench_vs_sequence import matched_scenario  # noqa: E402
from typed_swap import DictSwapEngine, TypedSwapEngine, covers  # noqa: E402

from qvcp.reference.circuit import NodeContext  # noqa: E402
from qvcp.reference.engines.events import LinkPairReady, SwapOutcome  # noqa: E402
from qvcp.reference.engines.swap import SwapEngine  # noqa: E402
from qvcp.reference.messages import MessageFactory  # noqa: E402
from qvcp.reference.sim.network import Network  # noqa: E402

ROOT = HERE.parents[1]
Recorded = tuple[int, Any]  # (now, LinkPairReady or SWAP_OUTCOME dict)


class Device:
    """Returns the recorded BSM results in order."""

    def __init__(self, results: list[int | None]) -> None:
        self.results = iter(results)

    def bsm(self, *, now: int, left: int, right: int) -> int | None:
        return next(self.results)

    def free(self, *, now: int, qubit: int) -> None:
        return None


class Book:
    """Stands for the node's memory book: counts the qubits given back."""

    def __init__(self) -> None:
        self.given = 0

    def give_back(self, circuit: int, qubit: int) -> None:
        self.given += 1

    swapped = give_back  # a swap's qubit: its slot is free again


def record(sim_seconds: float, router: int) -> tuple[Any, list[Recorded], list[int | None]]:
    """Run the chain; the circuit, the inputs of router ``router``'s swap engine and its BSM
    results."""
    doc = matched_scenario(9, sim_seconds, success_probability=1.0)
    net = Network.from_scenario(doc)
    node = net.nodes[router]
    inputs: list[Recorded] = []
    bsms: list[int | None] = []
    infos: list[Any] = []
    device_bsm = node.ctx.device.bsm

    def bsm(**kw: Any) -> int | None:
        m = device_bsm(**kw)
        bsms.append(m)
        return m

    node.ctx.device.bsm = bsm
    fire = SwapEngine.fire

    def recording(self: SwapEngine, now: int, event: Any) -> None:
        if self.ctx is not None and self.ctx.node_id == router:
            if not infos:
                infos.append(self.info)
            if type(event) is SwapOutcome:
                inputs.append((now, copy.deepcopy(dict(event.msg))))
            elif type(event) is LinkPairReady:
                inputs.append((now, event))
            else:
                sys.exit(f"{type(event).__name__}: not in the prototype")
        fire(self, now, event)

    SwapEngine.fire = recording  # type: ignore[method-assign]
    try:
        net.run_until(doc["duration_ns"])
    finally:
        SwapEngine.fire = fire  # type: ignore[method-assign]
    if not infos:
        sys.exit(f"node {router} ran no swap engine (is it a router of the chain?)")
    if not covers(infos[0], router):
        sys.exit("the circuit has cutoffs, DISTIL/DISCARD rules or a nested schedule: "
                 "not in the prototype")
    return infos[0], inputs, bsms


def replay_reference(info: Any, me: int, inputs: list[Recorded],
                     bsms: list[int | None]) -> tuple[float, list[dict[str, Any]]]:
    ctx = NodeContext(node_id=me, factory=MessageFactory(me), device=Device(bsms),
                      resources=Book())  # type: ignore[arg-type]
    eng = SwapEngine(ctx=ctx, info=info)
    eng.records_transitions = False  # type: ignore[misc]
    fire, of, out, sent = eng.fire, SwapOutcome.of, eng.out, []
    t = time.perf_counter()
    for now, x in inputs:
        fire(now, x if type(x) is LinkPairReady else of(x))
        if out:
            sent += out
            out.clear()
    wall = time.perf_counter() - t
    return wall, [o.msg for o in sent]


def replay_lean(info: Any, me: int, inputs: list[Recorded], bsms: list[int | None],
                cls: type[TypedSwapEngine] = TypedSwapEngine) -> tuple[float, list[Any]]:
    """The prototype engine ``cls`` (on records, or :class:`DictSwapEngine` on dicts)."""
    eng = cls(me, info, Device(bsms), Book(), link_gone=lambda link, seq: None)
    fire, sent = eng.fire, []
    t = time.perf_counter()
    for now, x in inputs:
        fire(now, x)
        if eng.out:
            sent += eng.drain()
    wall = time.perf_counter() - t
    return wall, sent


def typed_inputs(inputs: list[Recorded]) -> list[tuple[int, Any]]:
    """The same inputs with each SWAP_OUTCOME as its generated record (as a sender on typed
    records would have built it)."""
    return [(now, x if type(x) is LinkPairReady else records.SwapOutcome.from_dict(x))
            for now, x in inputs]


def vectors_round_trip() -> tuple[int, list[str]]:
    """How many valid vector messages went through their records, and the ids that changed."""
    count, changed = 0, []
    for path in sorted((ROOT / "schemas" / "vectors").glob("*.json")):
        for case in json.loads(path.read_text())["cases"]:
            msg = case.get("json")
            if not case.get("valid") or not isinstance(msg, dict):
                continue
            count += 1
            rec = records.BY_TYPE[msg["type"]].from_dict(msg)
            if rec.to_dict() != msg:
                changed.append(case["id"])
    return count, changed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sim-seconds", type=float, default=0.3)
    ap.add_argument("--router", type=int, default=5, help="node id of the router (1..9)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    if args.sim_seconds <= 0.1:
        ap.error("--sim-seconds: must exceed 0.1 (the request starts at 0.1 s)")
    if args.repeat < 1:
        ap.error("--repeat: must be at least 1")
    if gen.main(["--check"]):
        return 1
    count, changed = vectors_round_trip()
    print(f"records: {count} valid vector messages through from_dict/to_dict, "
          f"{len(changed)} changed {changed or ''}")
    info, inputs, bsms = record(args.sim_seconds, args.router)
    typed = typed_inputs(inputs)
    kinds = sum(1 for _, x in inputs if type(x) is LinkPairReady)
    print(f"recorded router {args.router}, circuit {info.circuit_id}: {len(inputs)} events "
          f"({kinds} LinkPairReady, {len(inputs) - kinds} SWAP_OUTCOME), {len(bsms)} swaps")
    _, ref_out = replay_reference(info, args.router, inputs, bsms)
    _, typed_out = replay_lean(info, args.router, typed, bsms)
    _, dict_out = replay_lean(info, args.router, inputs, bsms, DictSwapEngine)
    same = [m.to_dict() for m in typed_out] == ref_out == dict_out
    print(f"outputs: reference {len(ref_out)} messages, typed {len(typed_out)}, lean on dicts "
          f"{len(dict_out)}: {'identical' if same else 'DIFFERENT'} as dicts")
    if not same:
        return 1
    runs = {"reference engine, dicts": lambda: replay_reference(info, args.router, inputs, bsms),
            "lean engine, dicts": lambda: replay_lean(info, args.router, inputs, bsms,
                                                      DictSwapEngine),
            "lean engine, records": lambda: replay_lean(info, args.router, typed, bsms)}
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(args.repeat):  # interleaved, fastest of each kept
        for name, run in runs.items():
            gc.collect()  # each replay starts clean and runs without a collection
            gc.disable()
            try:
                best[name] = min(best[name], run()[0])
            finally:
                gc.enable()
    n = len(inputs)
    ref = best["reference engine, dicts"]
    for name, wall in best.items():
        print(f"{name:<24}{wall * 1e3:>9.2f} ms {wall / n * 1e6:>8.3f} us/event "
              f"{ref / wall:>6.2f}x")
    print(f"(fastest of {args.repeat} interleaved replays; x = the reference engine's time "
          "divided by the row's)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
