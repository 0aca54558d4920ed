"""Soak runs: many short seeded runs of small networks under injected faults, checked against
the invariants (:mod:`.invariants`).

A run is fixed by ``(scenario, loss, seed)`` and the switches of :class:`Faults`:
:func:`build_scenario` makes its scenario document (seed included), and ``qvcp simulate`` of
that document, written to a file, replays it exactly. Per run the classical channels lose
``loss`` of the messages and duplicate ``loss / 4``, every message is delayed by up to a few
slot times (so messages overtake each other), a link goes down and comes back up, and a node
crashes and restarts; the times and the link and node are drawn from the seed alone, so the
same seed meets the same failures at every loss rate.

>>> doc = build_scenario("chain", 0.05, 3)
>>> doc["faults"]["loss"], doc["faults"]["duplicate"], doc["seed"]
(0.05, 0.0125, 3)
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .invariants import KINDS, check, default_settle_ns, request_outcomes

__all__ = ["DEFAULT_LOSS", "SCENARIOS", "Faults", "aggregate", "build_scenario", "run_all",
           "run_one"]

#: the kinds of violation a soak reports: the invariants', and an exception that stopped a run
ALL_KINDS = (*KINDS, "exception")
#: loss rates of a soak by default
DEFAULT_LOSS = (0.0, 0.01, 0.05, 0.1, 0.2)
#: simulated time of each run (ns)
DURATION_NS = 50_000_000
#: pair cutoff of the soak networks (ns)
CUTOFF_NS = 10_000_000
#: the soak networks' link: 5 km of fibre, Werner pairs of fidelity 0.97, p = 0.1
_LINK = {"distance_km": 5, "model": "werner", "fidelity": 0.97, "success_probability": 0.1,
         "preparation_ns": 5000}
#: its slot: preparation plus the fibre's round trip to the station (see linkmodel.link_model)
SLOT_NS = 5000 + math.ceil(5 * 1e3 / (299_792_458 / 1.44) * 1e9)
#: timers short enough for a failure to be detected and reported well within a run (the
#: defaults, 1 s and 50 ms, exceed the runs' 50 ms): a silent neighbour is dead after 6 ms
SETUP_TIMEOUT_NS = 10_000_000
KEEPALIVE_NS = 2_000_000
#: a link whose station falls silent (the link is down) fails after this many herald
#: timeouts in a row, 3 ms on these links (the default, 1000 slots, is 29 ms)
LINK_FAILURE_ATTEMPTS = 100
#: jitter of every message, up to this many ns: it reorders messages, but stays below the
#: 10 ns within which a station matches the two ATTEMPTs of a slot (larger jitter on the
#: station channels mismatches every slot: a clock assumption of spec chapter 11 section 5)
JITTER_NS = 5


def _chain() -> dict[str, Any]:
    """A - R - B: one request of 20 pairs with a deadline."""
    return {
        "description": "Soak chain A - R - B (NV-centre memories, 5 km Werner links).",
        "nodes": [{"name": "A", "role": "end", "profile": "nv_centre", "memory_qubits": 2},
                  {"name": "R", "role": "router", "profile": "nv_centre", "memory_qubits": 4,
                   "comm_qubits": 2},
                  {"name": "B", "role": "end", "profile": "nv_centre", "memory_qubits": 2}],
        "links": [{"a": "A", "b": "R", **_LINK}, {"a": "R", "b": "B", **_LINK}],
        "demands": [{"head": "A", "tail": "B", "num_pairs": 20, "min_fidelity": 0.8,
                     "min_rate": 10, "deadline_ns": 30_000_000}],
    }


def _mesh() -> dict[str, Any]:
    """Routers R1, R2, R3 in a triangle, ends A and D at R1, B at R2, C at R3: two requests
    sharing R1 (A to B, 8 pairs with a deadline; C to D, 5 pairs without)."""
    router = {"role": "router", "profile": "nv_centre", "memory_qubits": 6, "comm_qubits": 2}
    end = {"role": "end", "profile": "nv_centre", "memory_qubits": 4}
    link = {**_LINK, "success_probability": 0.2}
    links = [("R1", "R2"), ("R2", "R3"), ("R1", "R3"), ("A", "R1"), ("D", "R1"), ("B", "R2"),
             ("C", "R3")]
    return {
        "description": "Soak mesh: routers R1, R2, R3 in a triangle; ends A, D at R1, B at R2, "
                       "C at R3 (NV-centre memories, 5 km Werner links, p = 0.2).",
        "nodes": [{"name": n, **router} for n in ("R1", "R2", "R3")]
        + [{"name": n, **end} for n in ("A", "B", "C", "D")],
        "links": [{"a": a, "b": b, **link} for a, b in links],
        "demands": [{"head": "A", "tail": "B", "num_pairs": 8, "min_fidelity": 0.75,
                     "min_rate": 10, "deadline_ns": 30_000_000},
                    {"head": "C", "tail": "D", "num_pairs": 5, "min_fidelity": 0.75,
                     "min_rate": 10}],
    }


#: the soak's scenarios by name
SCENARIOS: dict[str, Callable[[], dict[str, Any]]] = {"chain": _chain, "mesh": _mesh}


@dataclass(frozen=True)
class Faults:
    """Which kinds of fault a soak injects besides loss (each on by default), and the
    jitter in ns."""

    duplicate: bool = True
    jitter: bool = True
    link_events: bool = True
    restarts: bool = True
    jitter_ns: int = JITTER_NS

    def options(self) -> list[str]:
        """The ``qvcp soak`` options that select these faults (none for the defaults)."""
        out = [f"--no-{name.replace('_', '-')}" for name, on in asdict(self).items()
               if on is False]
        if self.jitter and self.jitter_ns != JITTER_NS:
            out.append(f"--jitter-ns {self.jitter_ns}")
        return out


def build_scenario(name: str, loss: float, seed: int, faults: Faults = Faults()) -> dict[str, Any]:
    """The scenario document of one soak run (see the module docstring)."""
    doc: dict[str, Any] = {"name": f"soak-{name}-loss{loss:g}-seed{seed}", "seed": seed,
                           "duration_ns": DURATION_NS,
                           "options": {"cutoff_ns": CUTOFF_NS, "measure_basis": "none",
                                       "setup_timeout_ns": SETUP_TIMEOUT_NS,
                                       "keepalive_interval_ns": KEEPALIVE_NS,
                                       "link_failure_attempts": LINK_FAILURE_ATTEMPTS},
                           **SCENARIOS[name]()}
    # the failures depend on the scenario and the seed only, not on the loss rate
    rng = np.random.default_rng([seed, sum(map(ord, name))])
    link_at = int(rng.integers(3_000_000, 20_000_000))
    link_for = int(rng.integers(500_000, 5_000_000))
    link = doc["links"][int(rng.integers(len(doc["links"])))]
    crash_at = int(rng.integers(3_000_000, 25_000_000))
    down_for = int(rng.integers(0, 3_000_000))
    node = doc["nodes"][int(rng.integers(len(doc["nodes"])))]["name"]
    section: dict[str, Any] = {"loss": loss}
    if faults.duplicate and loss:
        section["duplicate"] = loss / 4
    if faults.jitter and faults.jitter_ns > 0:
        section["jitter_ns"] = faults.jitter_ns
    events = []
    if faults.link_events:
        ends = [link["a"], link["b"]]
        events += [{"at_ns": link_at, "action": "link_down", "nodes": ends},
                   {"at_ns": link_at + link_for, "action": "link_up", "nodes": ends}]
    if faults.restarts:
        if down_for:
            events.append({"at_ns": crash_at, "action": "crash", "nodes": [node]})
        events.append({"at_ns": crash_at + down_for, "action": "restart", "nodes": [node]})
    if events:
        section["events"] = sorted(events, key=lambda e: e["at_ns"])
    doc["faults"] = section
    return doc


def run_one(name: str, loss: float, seed: int, faults: Faults = Faults()) -> dict[str, Any]:
    """Run one soak run; returns its outcome (violations as dicts, pairs, goodput, request
    outcomes, fault counts)."""
    from .network import Network

    doc = build_scenario(name, loss, seed, faults)
    wall = time.perf_counter()
    net = Network.from_scenario(doc)
    try:
        net.run_until(doc["duration_ns"])
    except Exception as exc:  # the run stops there; reported as a violation of its own
        crash = {"kind": "exception", "detail": f"{type(exc).__name__}: {exc}",
                 "time_ns": net.now}
    else:
        crash = None
    settle = default_settle_ns(net)
    violations = [v.as_dict() for v in check(net, settle_ns=settle)]
    if crash is not None:
        violations.insert(0, crash)
    outcomes = Counter(o["state"] for o in request_outcomes(net).values())
    pairs = len(net.completed())
    return {"scenario": name, "loss": loss, "seed": seed, "violations": violations,
            "pairs": pairs, "goodput_per_s": pairs / (doc["duration_ns"] * 1e-9),
            "requests": {k: outcomes.get(k, 0) for k in ("completed", "failed", "open")},
            "faults": dict(sorted(net.faults.counts.items())) if net.faults else {},
            "settle_ns": settle, "wall_s": time.perf_counter() - wall}


def _run_task(task: tuple[str, float, int, Faults]) -> dict[str, Any]:
    return run_one(*task)


def run_all(names: Sequence[str], losses: Sequence[float], seeds: Iterable[int],
            faults: Faults = Faults(), *, jobs: int = 1,
            progress: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """Every run of ``names`` x ``losses`` x ``seeds``, on ``jobs`` processes (in this one
    when ``jobs`` is 1); results in that order whatever the order they finish in."""
    tasks = [(n, loss, s, faults) for n in names for loss in losses for s in seeds]
    results: list[dict[str, Any] | None] = [None] * len(tasks)
    if jobs <= 1:
        for i, task in enumerate(tasks):
            results[i] = _run_task(task)
            if progress:
                progress(results[i])  # type: ignore[arg-type]
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(_run_task, t): i for i, t in enumerate(tasks)}
            for fut in as_completed(futures):
                results[futures[fut]] = fut.result()
                if progress:
                    progress(results[futures[fut]])  # type: ignore[arg-type]
    return [r for r in results if r is not None]


def _mean_ci(values: Sequence[float]) -> tuple[float, float]:
    """Mean and half-width of its 95% confidence interval (normal approximation; NaN for
    fewer than two values)."""
    a = np.asarray(values, dtype=np.float64)
    if not len(a):
        return (math.nan, math.nan)
    half = 1.96 * a.std(ddof=1) / math.sqrt(len(a)) if len(a) > 1 else math.nan
    return float(a.mean()), float(half)


def aggregate(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per scenario and loss rate: runs, runs with a violation, violations by kind,
    goodput (mean and 95% CI half-width, pairs delivered at both ends per simulated second)
    and request outcomes summed over the runs."""
    groups: dict[tuple[str, float], list[dict[str, Any]]] = {}
    for r in results:
        groups.setdefault((r["scenario"], r["loss"]), []).append(r)
    rows = []
    for (name, loss), runs in groups.items():
        kinds = Counter(v["kind"] for r in runs for v in r["violations"])
        mean, half = _mean_ci([r["goodput_per_s"] for r in runs])
        req = Counter()
        for r in runs:
            req.update(r["requests"])
        rows.append({"scenario": name, "loss": loss, "runs": len(runs),
                     "runs_with_violations": sum(1 for r in runs if r["violations"]),
                     "violations": {k: kinds[k] for k in ALL_KINDS if kinds[k]},
                     "goodput_per_s": mean, "goodput_ci95": half,
                     "requests": {k: req.get(k, 0) for k in ("completed", "failed", "open")},
                     "wall_s": sum(r["wall_s"] for r in runs)})
    return rows
