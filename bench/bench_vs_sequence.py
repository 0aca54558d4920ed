"""Side by side: the QVCP reference simulator against SeQUeNCe on a matched repeater chain.

The SeQUeNCe side is the probe ``shared/peers/seq_chain.py`` (beside this repository), run in
its own virtual environment (``.bench/venv-sequence``, made with ``pip install
sequence==0.8.5`` on first use, since SeQUeNCe pins its own numpy). The QVCP side is
``qvcp simulate --json`` on a scenario written to match the probe: a chain of N routers,
2 km links with a midpoint station, 0.2 dB/km, detector efficiency 0.9 as the probe sets its
BSM nodes' detectors (double-click success probability eta^2/2 with eta the one-arm
transmissivity times the detector efficiency), raw link fidelity 0.99, 10 memories
per node (a router gives 5 to each of its links; QVCP attempts on all of a link's free memories
at once, one optical mode each), 2 kHz attempts, no decoherence, the same simulated time, and
the same fidelity threshold (QVCP's requested minimum, SeQUeNCe's ``--target``). Both are
timed from their own reports of the run (model building excluded).

    python bench/bench_vs_sequence.py [--nodes 3 9] [--sim-seconds 0.3] [--skip-sequence]
                                      [--repeat N] [--slots-per-link 5]

Prints pairs delivered, wall seconds and pairs per wall-clock second for each, and the ratio,
and the link success per attempt of both: QVCP's model value and SeQUeNCe's as counted in the
run (the probe runs through ``sequence_counts.py``, which counts its generation attempts).

The two differ, and not by chance: the probe sets its detectors' count rate to 5e7/s, a dead
time of 20 ns, which QVCP's link model does not have, and SeQUeNCe's links then succeed on
about 0.23 of their attempts instead of the closed form's 0.37 (with the count rate raised to
1e12/s, the probe's otherwise unchanged links succeed on 0.37, and it delivers about 1.55x the
pairs for 1.15x the wall time on the 3-router chain over 1 s). So each chain is run twice on
the QVCP side: at the closed form (row ``qvcp``: the physics matched, less the dead time) and
at SeQUeNCe's measured success per attempt (row ``qvcp@seq``: the links' effective rate
matched). The second is the like-for-like comparison of delivered pairs per wall second.

``--repeat N`` keeps the fastest of N QVCP runs (identical runs: same seed, same events).
``bench_peers.py`` compares the cost per pair against SeQUeNCe (both formalisms) and SimQN.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
PROBE = ROOT.parent / "shared" / "peers" / "seq_chain.py"
COUNTS = Path(__file__).resolve().parent / "sequence_counts.py"
VENV = ROOT / ".bench" / "venv-sequence"
LINK_KM = 2.0
ATTENUATION_DB_PER_KM = 0.2
RAW_FIDELITY = 0.99
DETECTOR_EFFICIENCY = 0.9  # the probe's update_detectors_params("efficiency", 0.9)
MEMORIES = 10
ATTEMPT_PERIOD_NS = 500_000  # 2 kHz
REQUEST_START_S = 0.1  # the probe reserves resources at 0.1 s
MIN_FIDELITY = 0.6  # QVCP's requested minimum and SeQUeNCe's delivery target (--target)


def link_success_probability() -> float:
    """Double-click success per mode, eta^2/2, eta = one arm's (node to midpoint station)
    fibre transmissivity times the detector efficiency."""
    eta_arm = 10 ** (-ATTENUATION_DB_PER_KM * LINK_KM / 2 / 10) * DETECTOR_EFFICIENCY
    return round(eta_arm**2 / 2, 6)


def matched_scenario(n: int, sim_seconds: float, slots_per_link: int = MEMORIES // 2,
                     success_probability: float | None = None) -> dict[str, Any]:
    """The QVCP scenario matching ``seq_chain.py n`` (``slots_per_link`` 1: no multiplexing),
    its links succeeding with :func:`link_success_probability` per mode unless
    ``success_probability`` is given."""
    p = link_success_probability() if success_probability is None else success_probability
    names = [f"r{i}" for i in range(n)]
    nodes = [{"name": name, "role": "end" if i in (0, n - 1) else "router", "profile": "ideal",
              "memory_qubits": MEMORIES, "comm_qubits": MEMORIES}
             for i, name in enumerate(names)]
    links = [{"a": a, "b": b, "distance_km": LINK_KM, "model": "werner",
              "fidelity": RAW_FIDELITY, "success_probability": p,
              "preparation_ns": ATTEMPT_PERIOD_NS} for a, b in itertools.pairwise(names)]
    return {
        "name": f"sequence-matched-chain-{n}",
        "description": "Matched to shared/peers/seq_chain.py",
        "seed": 1,
        "duration_ns": int(sim_seconds * 1e9),
        # a router splits its memories between its two links, as SeQUeNCe's reservation does;
        # each link then attempts on MEMORIES // 2 modes per slot (multiplexing, LINK-015.1)
        "options": {"measure_basis": "none", "slots_per_link": slots_per_link},
        "nodes": nodes,
        "links": links,
        "demands": [{"head": names[0], "tail": names[-1], "num_pairs": 10**6,
                     "min_fidelity": MIN_FIDELITY, "start_ns": int(REQUEST_START_S * 1e9)}],
    }


def run_qvcp(n: int, sim_seconds: float, repeat: int = 1,
             slots_per_link: int = MEMORIES // 2,
             success_probability: float | None = None) -> dict[str, Any]:
    """``qvcp simulate --json`` of this venv, fastest of ``repeat`` runs."""
    best: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"chain-{n}.yaml"
        path.write_text(yaml.safe_dump(matched_scenario(n, sim_seconds, slots_per_link,
                                                        success_probability)))
        qvcp = Path(sys.executable).parent / "qvcp"
        for _ in range(max(1, repeat)):
            out = subprocess.run([str(qvcp), "simulate", str(path), "--json"], check=True,
                                 capture_output=True, text=True)
            report = json.loads(out.stdout)
            row = {"pairs": report["pairs_delivered"], "run_wall_s": report["wall_time_s"],
                   "events": report["events"], "fidelity": report["mean_fidelity"]}
            if best is None or row["run_wall_s"] < best["run_wall_s"]:
                best = row
    assert best is not None
    return best


def ensure_sequence() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "sequence==0.8.5"],
                       check=True)
    return python


def run_sequence(n: int, sim_seconds: float) -> dict[str, Any]:
    """The probe, run through ``sequence_counts.py`` (which also counts its link attempts)."""
    python = ensure_sequence()
    out = subprocess.run([str(python), str(COUNTS), str(PROBE), str(n), "--sim-seconds",
                          str(sim_seconds), "--target", str(MIN_FIDELITY)],
                         check=True, capture_output=True, text=True, cwd=tempfile.gettempdir())
    text = out.stdout
    attempts = re.search(r"link attempts: (\d+) succeeded of (\d+)", text)
    pairs = int(re.search(r"end-to-end pairs delivered: (\d+)", text).group(1))  # type: ignore[union-attr]
    run_wall = float(re.search(r"run wall: ([\d.]+) s", text).group(1))  # type: ignore[union-attr]
    events = int(re.search(r"events run: (\d+)", text).group(1))  # type: ignore[union-attr]
    fid = re.search(r"actual state fidelity .*?: mean ([\d.]+)", text)
    return {"pairs": pairs, "run_wall_s": run_wall, "events": events,
            "fidelity": float(fid.group(1)) if fid else None,
            "attempts": (int(attempts.group(1)), int(attempts.group(2))) if attempts else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[3, 9])
    parser.add_argument("--sim-seconds", type=float, default=0.3)
    parser.add_argument("--skip-sequence", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="fastest of N QVCP runs")
    parser.add_argument("--slots-per-link", type=int, default=MEMORIES // 2,
                        help="QVCP memories per link of the circuit at each hop, hence modes "
                             "per attempt (1: no multiplexing)")
    args = parser.parse_args()
    if not args.skip_sequence and not PROBE.exists():
        sys.exit(f"probe not found: {PROBE} (use --skip-sequence)")
    header = (f"{'chain':>5} {'simulator':12} {'pairs':>7} {'events':>9} {'run wall s':>10} "
              f"{'pairs/wall-s':>13} {'mean F':>7}")
    print(f"simulated time {args.sim_seconds} s (requests from {REQUEST_START_S} s)")
    print(header)
    for n in args.nodes:
        seq = None if args.skip_sequence else run_sequence(n, args.sim_seconds)
        rows = _qvcp_rows(n, args, None)
        seq_p = None
        if seq is not None:
            won, total = seq["attempts"] or (0, 0)
            if total:
                # the probe's own link success per attempt: QVCP again with its links at it
                seq_p = round(won / total, 6)
                rows += _qvcp_rows(n, args, seq_p)
            rows.append(("sequence", seq))
        rates = {}
        for name, r in rows:
            rate = r["pairs"] / r["run_wall_s"] if r["run_wall_s"] else float("nan")
            rates[name] = rate
            fid = f"{r['fidelity']:.4f}" if r["fidelity"] is not None else "-"
            print(f"{n:>5} {name:12} {r['pairs']:>7} {r['events'] or 0:>9} "
                  f"{r['run_wall_s']:>10.3f} {rate:>13.1f} {fid:>7}")
        if seq_p is not None:
            won, total = seq["attempts"]  # type: ignore[index]
            print(f"{n:>5} link success per attempt: qvcp {link_success_probability():.3f} "
                  f"per mode (eta^2/2; row qvcp), sequence {seq_p:.3f} measured "
                  f"({won} of {total}; row qvcp@seq)")
        if rates.get("sequence", 0) > 0:
            for name in ("qvcp", "qvcp@seq"):
                if name in rates:
                    print(f"{n:>5} ratio {name}/sequence in pairs per wall-clock second: "
                          f"{rates[name] / rates['sequence']:.1f}x")


def _qvcp_rows(n: int, args: argparse.Namespace,
               success_probability: float | None) -> list[tuple[str, dict[str, Any]]]:
    """The QVCP row of one chain, named with ``@seq`` when the links run at SeQUeNCe's
    measured success instead of the closed form."""
    tag = "" if success_probability is None else "@seq"
    return [(f"qvcp{tag}", run_qvcp(n, args.sim_seconds, args.repeat, args.slots_per_link,
                                     success_probability=success_probability))]


if __name__ == "__main__":
    main()
