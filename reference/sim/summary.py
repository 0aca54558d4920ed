"""Per-circuit statistics of a run, and their rich rendering."""

from __future__ import annotations

import itertools
import math
from typing import Any

import networkx as nx
import numpy as np

from .. import noise
from ..engines.link import MAX_MODES
from ..messages import BELL_CODES

#: fibre attenuation assumed when the scenario (and so the links' profiles) is not given
DEFAULT_ATTENUATION_DB_PER_KM = 0.2


def _ci(values: np.ndarray) -> tuple[float, float]:
    if len(values) < 2:
        return (math.nan, math.nan)
    half = 1.96 * values.std(ddof=1) / math.sqrt(len(values))
    return float(values.mean() - half), float(values.mean() + half)


def summarise(net: Any, *, name: str, sim_ns: int, wall_s: float,
              scenario: dict[str, Any] | None = None) -> dict[str, Any]:
    """Summary dict: run totals plus per-circuit rates, fidelities, latencies, rejects, the
    repeaterless bounds at the circuit's distance and the secret-key rates of its measured
    pairs (:func:`physics`). ``scenario`` (the loaded scenario document) gives each link's
    fibre attenuation from its profile; without it 0.2 dB/km is assumed."""
    circuits: dict[int, dict[str, Any]] = {}
    attenuations = link_attenuations(net, scenario)
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
        rows[-1].update(physics(net, pairs, rows[-1]["rate_per_s"], attenuations))
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


def link_attenuations(net: Any, scenario: dict[str, Any] | None) -> dict[int, float]:
    """Link id -> fibre attenuation (dB/km): the profile of the link's lower-id end, as the
    simulator builds the link (:func:`.linkmodel.link_model`)."""
    if scenario is None:
        return {}
    from .scenario import load_profile

    profile_of = {net.names[n["name"]]: n.get("profile", "ideal") for n in scenario["nodes"]}
    loss: dict[str, float] = {}
    out: dict[int, float] = {}
    for i, link in enumerate(scenario["links"], start=1):
        name = profile_of[min(net.names[link["a"]], net.names[link["b"]])]
        if name not in loss:
            loss[name] = float(load_profile(name).get("attenuation_db_per_km",
                                                      DEFAULT_ATTENUATION_DB_PER_KM))
        out[i] = loss[name]
    return out


def _uses_per_s(net: Any, a: int, b: int, link_id: int) -> float:
    """Channel uses per second of a link: optical modes per attempt slot over the slot."""
    cfg = net.nodes[a].config
    slot_ns = next(lc.slot_ns for lc in cfg.links if lc.link_id == link_id)
    modes = max(1, min(cfg.slots_per_link, MAX_MODES, cfg.comm_qubits,
                       net.nodes[b].config.comm_qubits))
    return modes * 1e9 / slot_ns


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def physics(net: Any, pairs: list[Any], rate_per_s: float,
            attenuations: dict[int, float] | None = None) -> dict[str, Any]:
    """Repeaterless bounds and secret-key rates of one circuit's delivered ``pairs``.

    ``repeaterless``: over the shortest fibre path between the circuit's ends (``L`` km, each
    span with its link's attenuation from ``attenuations``, :func:`link_attenuations`, else
    0.2 dB/km) ``eta = 10^(-sum alpha_i L_i / 10)``; PLOB
    ``-log2(1 - eta)`` and TGW ``log2((1 + eta)/(1 - eta))`` per channel use, and per second
    at the highest channel-use rate of the path's links (modes per slot / slot); ``None``
    where unbounded (``eta = 1``). ``key``: per basis the measured pairs and their error
    rate against the announced Bell state; the asymptotic BB84 fraction ``1 - 2 h(Q)``
    (Shor-Preskill) with ``Q`` the error rate of the Z and X pairs pooled, the six-state
    fraction (Lo 2001) with ``Q`` of the Z, X and Y pairs pooled (key from every basis, so
    the errors are symmetrised over them), and the key rates ``max(r, 0) * rate_per_s``
    (asymptotic, sifting factor 1). See
    :mod:`qvcp.reference.noise.bounds`."""
    h = pairs[0].circuit_id >> 16
    ep = pairs[0].head["endpoint"] if pairs[0].head else None
    tails = [r["tail"] for r in net.requests if r["head"] == h]
    tail = next((r["tail"] for r in net.requests
                 if r["head"] == h and r["endpoint"] == ep), tails[0] if tails else None)
    out: dict[str, Any] = {}
    if tail is not None and tail in net.graph and h in net.graph:
        att = attenuations or {}
        path = nx.shortest_path(net.graph, h, tail, weight="km")
        edges = [(a, b, net.graph.edges[a, b]) for a, b in itertools.pairwise(path)]
        km = [e["km"] for _, _, e in edges]
        alphas = [att.get(e["link_id"], DEFAULT_ATTENUATION_DB_PER_KM) for _, _, e in edges]
        eta = noise.path_transmissivity(km, alphas)
        uses = max(_uses_per_s(net, min(a, b), max(a, b), e["link_id"]) for a, b, e in edges)
        plob, tgw = float(noise.plob_bound(eta)), float(noise.tgw_bound(eta))
        out["repeaterless"] = {
            "distance_km": float(sum(km)), "attenuation_db_per_km": alphas, "eta": eta,
            "channel_uses_per_s": uses, "plob_per_use": _finite(plob),
            "tgw_per_use": _finite(tgw), "plob_per_s": _finite(plob * uses),
            "tgw_per_s": _finite(tgw * uses),
            "achieved_per_use": rate_per_s / uses,
        }
    measured = [p for p in pairs if p.basis is not None and p.bits is not None and p.head]
    if measured:
        errors = noise.basis_errors([BELL_CODES[p.head["bell_state"]] for p in measured],
                                    [p.basis for p in measured], [p.bits for p in measured])
        q = {b: (e / n if n else None) for b, (e, n) in errors.items()}
        key: dict[str, Any] = {
            "pairs": {b: n for b, (_, n) in errors.items()},
            "qber": q,
            "qber_stderr": {b: (math.sqrt(q[b] * (1 - q[b]) / n) if n else None)
                            for b, (_, n) in errors.items()},
            "bb84_qber": None, "bb84_fraction": None, "bb84_rate_per_s": None,
            "six_state_qber": None, "six_state_fraction": None, "six_state_rate_per_s": None,
        }
        for proto, bases, fraction in (("bb84", "ZX", noise.bb84_key_fraction),
                                       ("six_state", "ZXY", noise.six_state_key_fraction)):
            e = sum(errors[b][0] for b in bases)
            n = sum(errors[b][1] for b in bases)
            if not all(errors[b][1] for b in bases):
                continue
            key[f"{proto}_qber"] = e / n
            if proto == "six_state" and e / n > 2 / 3:  # beyond the model: no key
                key["six_state_rate_per_s"] = 0.0
                continue
            r = float(fraction(e / n))
            key[f"{proto}_fraction"], key[f"{proto}_rate_per_s"] = r, max(r, 0.0) * rate_per_s
        out["key"] = key
    return out


def _num(x: float | None, fmt: str) -> str:
    return "unbounded" if x is None else format(x, fmt)


def physics_lines(row: dict[str, Any]) -> list[str]:
    """Text lines of one circuit's repeaterless bounds and key rates (may be empty)."""
    lines = []
    rep, key = row.get("repeaterless"), row.get("key")
    cid = f"{row['circuit_id']:#x}"
    if rep:
        lines.append(
            f"circuit {cid}: achieved {row['rate_per_s']:.4g} pairs/s "
            f"({rep['achieved_per_use']:.3g} per channel use); repeaterless bounds over "
            f"{rep['distance_km']:.4g} km (eta {rep['eta']:.3g}, "
            f"{rep['channel_uses_per_s']:.4g} channel uses/s): "
            f"PLOB {_num(rep['plob_per_s'], '.4g')} /s ({_num(rep['plob_per_use'], '.3g')} "
            f"per use), TGW {_num(rep['tgw_per_s'], '.4g')} /s")
    if key:
        q = ", ".join(f"Q_{b} {key['qber'][b]:.4f} (n={key['pairs'][b]})"
                      for b in ("Z", "X", "Y") if key["qber"][b] is not None)
        parts = [f"circuit {cid}: {q}"]
        for proto, name in (("bb84", "BB84"), ("six_state", "six-state")):
            if key[f"{proto}_qber"] is not None and key[f"{proto}_fraction"] is None:
                parts.append(f"{name} (Q {key[f'{proto}_qber']:.4f}) no key")
            elif key[f"{proto}_fraction"] is not None:
                parts.append(f"{name} (Q {key[f'{proto}_qber']:.4f}) key fraction "
                             f"{key[f'{proto}_fraction']:.4f}, "
                             f"{key[f'{proto}_rate_per_s']:.4g} bits/s")
        lines.append("; ".join(parts))
    return lines


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
    for r in result["circuits"]:
        for line in physics_lines(r):
            con.print(line)
    if result.get("protocol_errors"):
        counts = ", ".join(f"{k} {v}" for k, v in result["protocol_errors"].items())
        con.print(f"protocol errors between nodes and stations: {counts}")
        if "ATTEMPT_MISMATCH" in result["protocol_errors"]:
            con.print("[dim]ATTEMPT_MISMATCH is a slot in which one end of a link attempted "
                      "and the station never got the other's ATTEMPT (lost, or the node down, "
                      "or the two ends disagreeing about the link's rotation); the station "
                      "tells both (LINK-003.3, LINK-020). A fault-free run has none. See "
                      "docs/simulator.md.[/]")
    for rej in result["rejects"]:
        con.print(f"[yellow]rejected at node {rej['node']}: {rej['detail']}[/]")
    if result.get("faults"):
        counts = ", ".join(f"{k} {v}" for k, v in result["faults"].items())
        con.print(f"injected faults: {counts}")
    for v in result["invariant_violations"]:
        con.print(f"[red]invariant violation ({v['kind']}): {v['detail']}[/]")
