"""Bytecodes executed per delivered pair, by Python function, on the matched chain.

    python bench/bench_opcodes.py [--nodes 3] [--warm 0.12] [--until 0.5] [--top 30]

``bench_instructions.py`` counts the machine instructions of a whole run but cannot say which
Python function they belong to, and a sampling profiler's attribution moves between runs. This
script runs the simulator on the chain matched to SeQUeNCe (``matched_scenario``) up to
``--warm`` simulated seconds (the circuit is set up by then), then traces every bytecode the
interpreter executes up to ``--until`` (``sys.settrace`` with ``f_trace_opcodes``) and prints,
for the ``--top`` functions, the bytecodes per delivered pair and their share. The counts are
exact and repeat bit for bit for the same sources (the run is seeded), so they show where a
change moved work; bytecodes differ in cost, so they rank, they do not time. Tracing slows the
run about a hundredfold: the defaults take about 5 s on the 3-node chain.
"""

from __future__ import annotations

import argparse
import collections
import sys
import types
from typing import Any

from bench_vs_sequence import matched_scenario

from qvcp.reference.sim.network import Network


def count(nodes: int, warm_s: float, until_s: float) -> tuple[int, collections.Counter[str]]:
    """(pairs delivered between ``warm_s`` and ``until_s``, bytecodes per function there)."""
    doc = matched_scenario(nodes, until_s)
    net = Network.from_scenario(doc)
    net.run_until(int(warm_s * 1e9))
    before = len(net.completed())
    counts: collections.Counter[str] = collections.Counter()

    def on_call(frame: types.FrameType, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        code = frame.f_code
        key = f"{code.co_filename.rsplit('/', 1)[-1]}:{code.co_name}"

        def on_opcode(frame: types.FrameType, event: str, arg: Any) -> Any:
            if event == "opcode":
                counts[key] += 1
            return on_opcode
        return on_opcode

    sys.settrace(on_call)
    try:
        net.run_until(doc["duration_ns"])
    finally:
        sys.settrace(None)
    return len(net.completed()) - before, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--warm", type=float, default=0.12, help="simulated seconds untraced")
    parser.add_argument("--until", type=float, default=0.5, help="simulated seconds in all")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    if not 0 <= args.warm < args.until:
        raise SystemExit("error: need 0 <= --warm < --until")
    pairs, counts = count(args.nodes, args.warm, args.until)
    if pairs <= 0:
        raise SystemExit(f"error: no pair delivered between {args.warm} s and {args.until} s: "
                         "lengthen --until")
    total = sum(counts.values())
    print(f"matched {args.nodes}-node chain, {args.warm} s to {args.until} s simulated: "
          f"{pairs} pairs, {total / pairs:,.0f} bytecodes per pair")
    print(f"{'per pair':>10} {'share':>6}  function")
    for key, n in counts.most_common(args.top):
        print(f"{n / pairs:10.1f} {100 * n / total:5.1f}%  {key}")


if __name__ == "__main__":
    main()
