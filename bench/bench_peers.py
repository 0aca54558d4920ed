"""Side by side: QVCP's reference simulator against SeQUeNCe 0.8.5 and SimQN, cost per pair.

    python bench/bench_peers.py [--setups dm3 ket9 qns9] [--sim-seconds 0.3] [--repeat N]
                                [--blas-threads 1]

Three set-ups, each a peer run and the QVCP reference on a scenario matched to it
(``matched_scenario`` of ``bench_vs_sequence.py``: a chain of routers 2 km apart with a
midpoint station, 0.2 dB/km, 10 memories per node, 2 kHz attempts, raw Werner fidelity 0.99,
no decoherence, requests from 0.1 s on), QVCP once without authentication and once with every
message authenticated (``options.auth`` all-pairs keys, authentication required from every
node, as the example scenarios have it; no peer authenticates, so the matched comparison is
the unauthenticated row). The rows ``qvcp`` and ``qvcp+auth`` are the reference as it runs
by default, with swap reports to the ends wherever the route has two routers or more (spec
chapter 04 section 7); on the 9-node set-ups the row ``qvcp-ch04`` runs the same scenario
with ``track_ends: false`` (chapter 04's reports to the current partners and their relays),
so the gain of the mode is read side by side:

``dm3``
    SeQUeNCe, density-matrix formalism, 3 routers (``seq_chain.py 3 --formalism
    density_matrix``, run through ``sequence_counts.py``, which counts its link attempts).
    QVCP's links succeed with SeQUeNCe's measured success per attempt; both deliver
    fidelity 0.980. Fully matched but for the protocols themselves.
``ket9``
    SeQUeNCe, ket-vector formalism, 9 routers (its density matrices do not fit in memory
    there); QVCP's links at SeQUeNCe's measured success. SeQUeNCe's ket states stay perfect
    Bell pairs whatever the raw fidelity (fidelity 1), QVCP's carry the noise (0.924).
``qns9``
    SimQN, 9 nodes (``qns_chain.py``): hop-by-hop distribution with lossless links and no
    heralding, channel bandwidth 0 (the default of 1 qubit/s would cap delivery). QVCP's
    links are lossless too (success 1 per mode); SimQN's send rate is set to the pairs per
    simulated second QVCP delivered, so both deliver about as many pairs in the same
    simulated time, at the same fidelity (0.924: both compose Werner states).

Each side is timed by its own clock around its run loop only (model building excluded); QVCP
runs in this process, the peers in subprocesses of this interpreter (the peers are never
imported here). Printed per row: pairs, simulated and wall seconds, the cost per delivered
pair (ms of wall time) and per simulated second (wall seconds), the mean fidelity; then the
speed of QVCP relative to the peer, ``QVCP / peer`` = the peer's cost divided by QVCP's (above
1: QVCP is faster), per pair and per simulated second. The goals of the "Scale" issue: ahead of
SimQN, 100x SeQUeNCe. The probes live beside the repository (``shared/peers``; ``--probes``).
numpy's BLAS runs on ``--blas-threads`` threads (default 1) on both sides: one thread per core
made a small solve wait on a loaded machine for a hundred times its cost.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench_vs_sequence import MIN_FIDELITY, matched_scenario

ROOT = Path(__file__).resolve().parents[1]
COUNTS = Path(__file__).resolve().parent / "sequence_counts.py"
PROBES = ROOT.parent / "shared" / "peers"
AUTH = {"keys": "all-pairs", "required": "all"}
INSTALL = {"sequence": "pip install sequence==0.8.5", "qns": "pip install qns"}
SETUPS = ("dm3", "ket9", "qns9")
GOALS = {"sequence": 100.0, "qns": 1.0}
#: the variables the BLAS libraries behind numpy read their thread count from: with one
#: thread per core on a loaded machine, the admission estimate's one 255x255 solve on the
#: 9-node chain took 150 to 220 ms instead of 3 ms, a third of QVCP's ket9 run
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass
class Row:
    """One run: what it delivered, over which simulated time, in how much wall time."""

    name: str
    pairs: int
    sim_s: float
    wall_s: float
    fidelity: float | None

    @property
    def ms_per_pair(self) -> float:
        return 1e3 * self.wall_s / self.pairs if self.pairs else math.inf

    @property
    def wall_per_sim_s(self) -> float:
        return self.wall_s / self.sim_s


def need(module: str) -> None:
    """Exit naming the pip command unless ``module`` is installed for this interpreter (looked
    up without importing it)."""
    if importlib.util.find_spec(module) is None:
        sys.exit(f"the peer package {module!r} is not installed for {sys.executable}: "
                 f"{INSTALL[module]} (or leave its set-up out with --setups)")


def probe(probes: Path, name: str) -> Path:
    path = probes / name
    if not path.is_file():
        sys.exit(f"probe not found: {path} (give the folder of seq_chain.py and qns_chain.py "
                 "with --probes, or leave its set-up out with --setups)")
    return path


def run_qvcp(name: str, doc: dict[str, Any], auth: bool, *, track_ends: bool = True) -> Row:
    """The reference on ``doc``, in this process (imported here: after ``--blas-threads``
    has set the BLAS libraries' thread counts, which they read when numpy is loaded).
    ``track_ends`` false: swaps tracked as chapter 04 sections 2 to 4 say, with no swap
    reports to the ends (section 7), for the side-by-side row ``qvcp-ch04``."""
    from qvcp.reference.sim.network import Network

    doc = copy.deepcopy(doc)
    doc["options"]["track_ends"] = track_ends
    if auth:
        doc["options"]["auth"] = dict(AUTH)
    net = Network.from_scenario(doc)
    t = time.perf_counter()
    net.run_until(doc["duration_ns"])
    wall = time.perf_counter() - t
    done = net.completed()
    fid = sum(d.fidelity for d in done) / len(done) if done else None
    return Row(name, len(done), doc["duration_ns"] / 1e9, wall, fid)


def _run(cmd: list[str]) -> str:
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=tempfile.gettempdir())
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return out.stdout


def _number(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    if found is None:
        sys.exit(f"peer output without {pattern!r}:\n{text[-2000:]}")
    return found.group(1)


def run_sequence(probes: Path, n: int, sim_s: float, formalism: str) -> tuple[Row, float]:
    """SeQUeNCe's probe and its measured link success per attempt."""
    text = _run([sys.executable, str(COUNTS), str(probe(probes, "seq_chain.py")), str(n),
                 "--formalism", formalism, "--sim-seconds", str(sim_s),
                 "--target", str(MIN_FIDELITY)])
    fid = re.search(r"actual state fidelity .*?: mean ([\d.]+)", text)
    row = Row(f"sequence-{formalism.split('_')[0]}",
              int(_number(r"end-to-end pairs delivered: (\d+)", text)), sim_s,
              float(_number(r"run wall: ([\d.]+) s", text)), float(fid.group(1)) if fid else None)
    won = int(_number(r"link attempts: (\d+) succeeded", text))
    total = int(_number(r"link attempts: \d+ succeeded of (\d+)", text))
    return row, round(won / total, 6) if total else 0.0


def run_simqn(probes: Path, n: int, sim_s: float, rate: int) -> Row:
    """SimQN's probe sending ``rate`` pairs per simulated second."""
    text = _run([sys.executable, str(probe(probes, "qns_chain.py")), str(n), str(sim_s),
                 str(rate)])
    return Row("simqn", int(_number(r"delivered=(\d+)", text)), sim_s,
               float(_number(r"wall=([\d.]+)s", text)), float(_number(r"mean F=([\d.]+)", text)))


def fastest(best: dict[str, Row], row: Row) -> None:
    """Keep the faster of ``row`` and the row of the same name in ``best``."""
    if row.name not in best or row.wall_s < best[row.name].wall_s:
        best[row.name] = row


def show(setup: str, rows: list[Row]) -> None:
    for r in rows:
        fid = f"{r.fidelity:.4f}" if r.fidelity is not None else "-"
        print(f"{setup:<6}{r.name:<18}{r.pairs:>7}{r.sim_s:>7.2f}{r.wall_s:>9.3f}"
              f"{r.ms_per_pair:>10.3f}{r.wall_per_sim_s:>11.3f}{fid:>8}", flush=True)


def ratios(setup: str, peer: Row, goal: float, qvcp: list[Row]) -> None:
    for q in qvcp:
        per_pair = peer.ms_per_pair / q.ms_per_pair
        per_sim = peer.wall_per_sim_s / q.wall_per_sim_s
        print(f"{setup:<6}{q.name} / {peer.name}: {per_pair:.2f}x per pair, {per_sim:.2f}x per "
              f"simulated second (goal {goal:g}x per pair: "
              f"{'met' if per_pair >= goal else 'not met'})", flush=True)


def setup_sequence(setup: str, args: argparse.Namespace) -> None:
    """The peer, then QVCP at its measured link success, ``--repeat`` times interleaved."""
    n, formalism = (3, "density_matrix") if setup == "dm3" else (9, "ket_vector")
    best: dict[str, Row] = {}
    p = None
    for _ in range(max(1, args.repeat)):
        peer, p_run = run_sequence(args.probes, n, args.sim_seconds, formalism)
        fastest(best, peer)
        p = p_run if p is None else p  # the first run's: every QVCP run the same scenario
        doc = matched_scenario(n, args.sim_seconds, success_probability=p)
        fastest(best, run_qvcp("qvcp", doc, auth=False))
        if n > 3:  # reports to the ends need two routers (FWD-032.1)
            fastest(best, run_qvcp("qvcp-ch04", doc, auth=False, track_ends=False))
        fastest(best, run_qvcp("qvcp+auth", doc, auth=True))
    peer, *qvcp = best.values()
    show(setup, [peer, *qvcp])
    print(f"{setup:<6}link success per attempt: sequence {p:.3f} (measured), qvcp the same")
    ratios(setup, peer, GOALS["sequence"], qvcp)


def setup_simqn(args: argparse.Namespace) -> None:
    """QVCP on lossless links, then SimQN at its delivered rate, ``--repeat`` times."""
    doc = matched_scenario(9, args.sim_seconds, success_probability=1.0)  # lossless links
    best: dict[str, Row] = {}
    rate = None
    for _ in range(max(1, args.repeat)):
        fastest(best, run_qvcp("qvcp", doc, auth=False))
        fastest(best, run_qvcp("qvcp-ch04", doc, auth=False, track_ends=False))
        fastest(best, run_qvcp("qvcp+auth", doc, auth=True))
        rate = rate or max(1, round(best["qvcp"].pairs / args.sim_seconds))
        fastest(best, run_simqn(args.probes, 9, args.sim_seconds, rate))
    peer = best.pop("simqn")
    qvcp = list(best.values())
    show("qns9", [peer, *qvcp])
    print(f"qns9  simqn sends {rate} pairs per simulated second (qvcp's delivered rate)")
    ratios("qns9", peer, GOALS["qns"], qvcp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setups", nargs="+", choices=SETUPS, default=list(SETUPS))
    parser.add_argument("--sim-seconds", type=float, default=0.3,
                        help="simulated seconds of every run (requests from 0.1 s on)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="fastest of N runs per row, the rows of a set-up interleaved")
    parser.add_argument("--probes", type=Path, default=PROBES,
                        help="folder of the peer probes seq_chain.py and qns_chain.py")
    parser.add_argument("--blas-threads", type=int, default=1,
                        help="threads of numpy's BLAS for QVCP and the peers alike (0: the "
                             "libraries' default, one per core)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat: must be at least 1")
    if args.blas_threads < 0:
        parser.error("--blas-threads: must be at least 0")
    if args.blas_threads:  # inherited by the peers' subprocesses
        for var in BLAS_THREADS:
            os.environ[var] = str(args.blas_threads)
    if args.sim_seconds <= 0.1:
        parser.error("--sim-seconds: must exceed 0.1 (the requests start at 0.1 s)")
    if {"dm3", "ket9"} & set(args.setups):
        need("sequence")
        probe(args.probes, "seq_chain.py")
    if "qns9" in args.setups:
        need("qns")
        probe(args.probes, "qns_chain.py")
    print(f"{'setup':<6}{'simulator':<18}{'pairs':>7}{'sim s':>7}{'wall s':>9}"
          f"{'ms/pair':>10}{'wall/sim-s':>11}{'mean F':>8}")
    for setup in args.setups:
        if setup == "qns9":
            setup_simqn(args)
        else:
            setup_sequence(setup, args)


if __name__ == "__main__":
    main()
