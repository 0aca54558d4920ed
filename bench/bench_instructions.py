"""Instructions per delivered pair, the working tree against a git revision, under callgrind.

    python bench/bench_instructions.py [--against HEAD] [--nodes 3] [--short 0.15] [--long 0.45]

Wall-clock figures on a shared machine move by several per cent from run to run, so a change
that saves 2 % cannot be seen in them. ``valgrind --tool=callgrind`` counts the instructions
the interpreter executes instead, which repeat to within a few tenths of a per cent for the
same code and inputs whatever else the machine is doing. For each of the two source trees
(the working tree, and ``--against``, checked out with ``git worktree`` in a temporary
directory) the simulator runs the chain matched to SeQUeNCe (``matched_scenario``) twice,
for ``--short`` and ``--long`` simulated seconds, with ``PYTHONHASHSEED=0``; the difference of
the two runs' totals divided by the difference of their delivered pairs is the cost of a
delivered pair with start-up, imports and the network's construction cancelled out. Prints
both figures and the ratio working tree / ``--against`` (below 1: fewer instructions).

Each tree is imported from a temporary copy laid out as pyproject's ``package-dir`` maps it
(``qvcp`` from ``src/qvcp``, ``qvcp.reference`` from ``reference/``...), so neither is the
editable install. Needs ``valgrind`` (Debian package ``valgrind``); the four runs take about a
minute on 2 cores. Instruction counts are not time: cache misses and branch mispredictions
are not in them, so they rank changes of the same code path, not different machines.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
RUN = """
import sys
from bench_vs_sequence import matched_scenario
from qvcp.reference.sim.network import Network
doc = matched_scenario(int(sys.argv[1]), float(sys.argv[2]))
net = Network.from_scenario(doc)
net.run_until(doc["duration_ns"])
print("pairs", len(net.completed()))
"""


def package_tree(source: Path, dest: Path) -> Path:
    """``dest`` holding a copy of ``source``'s packages laid out as pyproject's
    ``package-dir`` maps them (parents first, so a subpackage lands inside its parent)."""
    config = tomllib.loads((source / "pyproject.toml").read_text())
    mapping = config["tool"]["setuptools"]["package-dir"]
    for package, folder in sorted(mapping.items(), key=lambda kv: kv[0].count(".")):
        shutil.copytree(source / folder, dest.joinpath(*package.split(".")), dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.c"))
    return dest


def count(tree: Path, nodes: int, seconds: float) -> tuple[int, int]:
    """(instructions, delivered pairs) of one run of ``tree``'s simulator under callgrind."""
    with tempfile.TemporaryDirectory(prefix="qvcp-callgrind-") as tmp:
        env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=f"{tree}{os.pathsep}{BENCH}")
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out",
             sys.executable, "-c", RUN, str(nodes), str(seconds)],
            capture_output=True, text=True, env=env, cwd=tmp)
    if out.returncode:
        raise SystemExit(f"error: the run under callgrind failed:\n{out.stderr[-2000:]}")
    collected = re.search(r"Collected : (\d+)", out.stderr)
    pairs = re.search(r"^pairs (\d+)$", out.stdout, re.MULTILINE)
    if not collected or not pairs:
        raise SystemExit(f"error: no instruction count or pairs in the run's output:\n"
                         f"{out.stdout[-500:]}\n{out.stderr[-1500:]}")
    return int(collected.group(1)), int(pairs.group(1))


def per_pair(tree: Path, nodes: int, short: float, long: float) -> tuple[float, int]:
    """(instructions per delivered pair, pairs in the difference) for ``tree``."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        (i_short, p_short), (i_long, p_long) = pool.map(
            lambda s: count(tree, nodes, s), (short, long))
    if p_long <= p_short:
        raise SystemExit(f"error: the long run delivered {p_long} pairs, the short one "
                         f"{p_short}: lengthen --long")
    return (i_long - i_short) / (p_long - p_short), p_long - p_short


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="HEAD",
                        help="git revision to compare the working tree with (default HEAD)")
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--short", type=float, default=0.15, help="simulated seconds")
    parser.add_argument("--long", type=float, default=0.45, help="simulated seconds")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("error: valgrind not found (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory(prefix="qvcp-instructions-") as tmp:
        base_src = Path(tmp) / "against"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q",
                        str(base_src), args.against], check=True)
        try:
            rows = []
            for name, src in (("working tree", ROOT), (args.against, base_src)):
                tree = package_tree(src, Path(tmp) / f"pkg-{len(rows)}")
                rows.append((name, *per_pair(tree, args.nodes, args.short, args.long)))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                            str(base_src)], check=False)
    print(f"matched {args.nodes}-node chain, runs of {args.short} s and {args.long} s "
          f"simulated (difference)")
    print(f"{'tree':<16}{'pairs':>7}{'instructions/pair':>19}")
    for name, instr, pairs in rows:
        print(f"{name:<16}{pairs:>7}{instr:>19,.0f}")
    print(f"ratio working tree / {args.against}: {rows[0][1] / rows[1][1]:.4f}")


if __name__ == "__main__":
    main()
