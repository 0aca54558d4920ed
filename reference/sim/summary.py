"""Per-circuit statistics of a run, and their rich rendering."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def _ci(values: np.ndarray) -> tuple[float, float]:
    if len(values) < 2:
        return (math.nan, math.nan)
    half = 1.96 * values.std(ddof=1) / math.sqrt(len(values))
    return float(values.mean() - half), float(values.mean() + half)


def summarise(net: Any, *, name: str, sim_ns: int, wall_s: float) -> dict[str, Any]:
    """Summary dict: run totals plus per-circuit rates, fidelities, latencies, rejects."""
    circuits: dict[int, dict[str, Any]] = {}
    done = net.completed()
    for req in net.requests:
        circuits.setdefault(req["request_id"], {"request": req, "pairs": []})
    by_circuit: dict[int, list[Any]] = {}
    for d in done:
        by_circuit.setdefault(d.circuit_id, []).append(d)
    rows = []
    for cid, pairs in sorted(by_circuit.items()):
        f = np.array([p.fidelity for p in pairs])
        times = np.array([p.time_ns for p in pairs], dtype=np.float64)
        gaps = np.diff(np.concatenate([[0.0], times])) / 1e6
        span = (times[-1] - 0) / 1e9 if len(times) else 0
        lo, hi = _ci(f)
        rows.append({
            "circuit_id": cid, "head": cid >> 16, "pairs": len(pairs),
            "rate_per_s": len(pairs) / span if span else 0.0,
            "mean_fidelity": float(f.mean()), "min_fidelity": float(f.min()),
            "fidelity_ci95": [lo, hi],
            "latency_ms": {q: float(np.percentile(gaps, q)) for q in (50, 90, 99)},
            "expired": sum(1 for d in net.deliveries.values()
                           if d.circuit_id == cid and d.expired),
        })
    allf = [d.fidelity for d in done]
    from .invariants import check, default_settle_ns, live_engines

    settle = default_settle_ns(net)
    live = live_engines(net)
    return {
        "scenario": name, "seed": net.seed, "sim_time_ns": sim_ns, "wall_time_s": wall_s,
        "events": net.events, "messages": net.messages, "pairs_delivered": len(done),
        "mean_fidelity": float(np.mean(allf)) if allf else None,
        "events_per_s": net.events / wall_s if wall_s > 0 else None,
        "rejects": [{k: r[k] for k in ("node", "detail")} for r in net.rejects],
        "protocol_errors": dict(sorted(net.error_counts.items())),
        "circuits": rows,
        "invariant_violations": [v.as_dict() for v in check(net, settle_ns=settle)],
        "settle_ns": settle,
        "memory_in_use_at_end": sum(net.memory_in_use().values()),
        # circuit engines (signalling and data plane) still present at the end, per node
        "live_engines": sum(e["live"] for e in live.values()),
        "live_engines_per_node": {str(nid): e["live"] for nid, e in live.items()},
        "faults": dict(sorted(net.faults.counts.items())) if net.faults is not None else {},
    }


def print_summary(result: dict[str, Any]) -> None:
    """Pretty-print a summary with rich."""
    from rich.console import Console
    from rich.table import Table

    con = Console()
    con.print(f"[bold]{result['scenario']}[/] seed {result['seed']}: "
              f"{result['sim_time_ns'] / 1e6:.1f} ms simulated in {result['wall_time_s']:.2f} s, "
              f"{result['events']} events, {result['pairs_delivered']} pairs delivered")
    table = Table("circuit", "pairs", "rate /s", "mean F", "min F", "F 95% CI",
                  "gap p50/p90/p99 ms", "expired")
    for r in result["circuits"]:
        lat = r["latency_ms"]
        table.add_row(f"{r['circuit_id']:#x}", str(r["pairs"]), f"{r['rate_per_s']:.1f}",
                      f"{r['mean_fidelity']:.4f}", f"{r['min_fidelity']:.4f}",
                      "[{:.4f}, {:.4f}]".format(*r["fidelity_ci95"]),
                      f"{lat[50]:.2f}/{lat[90]:.2f}/{lat[99]:.2f}", str(r["expired"]))
    con.print(table)
    if result.get("protocol_errors"):
        counts = ", ".join(f"{k} {v}" for k, v in result["protocol_errors"].items())
        con.print(f"protocol errors between nodes and stations: {counts}")
        if "ATTEMPT_MISMATCH" in result["protocol_errors"]:
            con.print("[dim]ATTEMPT_MISMATCH here is mostly a slot in which one end of a link "
                      "attempted and the other, lacking a free qubit, did not; the station tells "
                      "both (LINK-003.3). See docs/simulator.md.[/]")
    for rej in result["rejects"]:
        con.print(f"[yellow]rejected at node {rej['node']}: {rej['detail']}[/]")
    if result.get("faults"):
        counts = ", ".join(f"{k} {v}" for k, v in result["faults"].items())
        con.print(f"injected faults: {counts}")
    for v in result["invariant_violations"]:
        con.print(f"[red]invariant violation ({v['kind']}): {v['detail']}[/]")
