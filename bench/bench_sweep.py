"""Speed-up of ``qvcp sweep`` from 1 to N local workers on the same sweep.

    python bench/bench_sweep.py [--workers 2] [--seeds 8] [--duration 100000000] [--rounds 1]

Runs the same sweep of chain-3 (first link 1, 5, 10 km; cutoff 0 or 20 ms; ``--seeds`` seeds
per point) with ``--workers 1`` and ``--workers N`` as two ``qvcp sweep`` processes, checks
that both wrote the same per-point results, and prints two wall times for each: the whole
process (imports, cluster start-up and shut-down included) and the sweep itself as
``sweep.json`` states it (cluster start-up included, imports not), with their ratios.
``--rounds N`` repeats the pair N times, interleaved (1, N, 1, N...), and prints each pair's
ratios and the load average before it: on a shared machine only side-by-side runs compare.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "schemas" / "scenarios" / "chain-3.yaml"
GRID = ["--grid", "links.0.distance_km=1,5,10", "--grid", "options.cutoff_ns=0,20000000"]


def timed_sweep(workers: int, seeds: int, duration_ns: int, out: Path) -> tuple[float, dict]:
    """Wall seconds of one ``qvcp sweep`` process, and its sweep.json with ``cpu_s`` added:
    the CPU seconds of the process and its workers."""
    qvcp = Path(sys.executable).with_name("qvcp")
    command = [str(qvcp), "sweep", str(SCENARIO), *GRID, "--seeds", str(seeds),
               "--duration", str(duration_ns), "--workers", str(workers), "--out", str(out),
               "--no-plots", "-q"]
    cpu = _children_cpu()
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    data = json.loads((out / "sweep.json").read_text())
    data["cpu_s"] = _children_cpu() - cpu
    return wall, data


def _children_cpu() -> float:
    """CPU seconds (user and system) of the finished child processes and theirs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--duration", type=int, default=100_000_000, help="simulated ns per run")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved pairs of sweeps")
    args = parser.parse_args()
    if args.workers < 2 or args.seeds < 1 or args.duration < 1 or args.rounds < 1:
        parser.error("--workers must be at least 2; --seeds, --duration and --rounds at least 1")
    for n in range(args.rounds):
        if args.rounds > 1:
            print(f"\nround {n + 1} of {args.rounds}")
        if _pair(args) != 0:
            return 1
    return 0


def _pair(args: argparse.Namespace) -> int:
    """One sweep on one worker, then the same on ``--workers``; print the comparison."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        one, a = timed_sweep(1, args.seeds, args.duration, Path(tmp) / "one")
        many, b = timed_sweep(args.workers, args.seeds, args.duration, Path(tmp) / "many")
    if a["points"] != b["points"] or a["runs"] != b["runs"]:
        print("the two sweeps differ", file=sys.stderr)
        return 1
    runs = len(a["runs"])
    print(f"{runs} runs of {args.duration / 1e6:g} ms simulated; load average before: {load:.2f}")
    inner = (a["wall_time_s"], b["wall_time_s"])
    print("| workers | process wall s | sweep wall s | runs per s (sweep) | CPU s |\n"
          "|---|---|---|---|---|")
    for n, whole, sweep, cpu in ((1, one, inner[0], a["cpu_s"]),
                                 (args.workers, many, inner[1], b["cpu_s"])):
        print(f"| {n} | {whole:.1f} | {sweep:.1f} | {runs / sweep:.2f} | {cpu:.1f} |")
    print(f"speed-up {one / many:.2f}x (process), {inner[0] / inner[1]:.2f}x (sweep); "
          "results identical")
    # with every worker on a core of its own, wall time is CPU time / workers
    print(f"CPU {b['cpu_s'] / a['cpu_s']:.2f}x of the 1-worker run's: at most "
          f"{args.workers * a['cpu_s'] / b['cpu_s']:.2f}x on {args.workers} idle cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
