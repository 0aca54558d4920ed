"""Call admission estimates and baseline forwarding rules (chapter 05 sections 4 and 7).

Pure functions: the tail end's estimate of the delivered fidelity and rate from the
accumulated ``hops`` (SIG-005, SIG-011), and the baseline rule set (SIG-012).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .messages import fidelity_from_wire


def werner(f: float) -> float:
    """Werner parameter ``w = (4F - 1)/3`` of fidelity ``F``."""
    return (4 * f - 1) / 3


def estimate(hops: Sequence[dict[str, Any]]) -> tuple[float, float]:
    """(fidelity, pairs per second) expected for the route described by ``hops``.

    Werner model: product of link parameters, storage for the slowest link's expected wait
    ``1/r`` in two memories of the smallest T2; rate = slowest link / H_N (expected maximum
    of N independent waits, swap-asap with one memory per link).
    """
    links = [h for h in hops if h["link_id"]]
    if not links:
        return 0.0, 0.0
    w = math.prod(werner(fidelity_from_wire(h["link_fidelity"])) for h in links)
    rate = min(h["link_rate_mhz"] for h in links) / 1000.0
    if rate <= 0:
        return (3 * w + 1) / 4, 0.0
    t2 = min((h["memory_t2_ns"] for h in hops if h["memory_t2_ns"]), default=0)
    if t2:
        w *= math.exp(-2 * (1e9 / rate) / t2)
    harmonic = sum(1 / k for k in range(1, len(links) + 1))
    return (3 * w + 1) / 4, rate / harmonic


def baseline_rules(
    circuit_id: int,
    route: Sequence[int],
    links: Sequence[int],
    *,
    head_endpoint: int,
    tail_endpoint: int,
    cutoff_ns: int,
) -> list[dict[str, Any]]:
    """SIG-012 / chapter 05 section 7 baseline: GENERATE, SWAP and DELIVER rules."""

    def rule(node: int, action: str, link: int, peer: int = 0, endpoint: int = 0) -> dict:
        return {"node": node, "match_circuit": circuit_id, "match_link": link,
                "action": action, "peer_link": peer, "cutoff_ns": cutoff_ns,
                "distil_protocol": "NONE", "distil_rounds": 0, "endpoint": endpoint}

    rules = [rule(route[0], "GENERATE", links[0])]
    for i in range(1, len(route) - 1):
        rules += [rule(route[i], "GENERATE", links[i - 1]), rule(route[i], "GENERATE", links[i]),
                  rule(route[i], "SWAP", links[i - 1], links[i])]
    rules += [rule(route[-1], "GENERATE", links[-1]),
              rule(route[0], "DELIVER", links[0], endpoint=head_endpoint),
              rule(route[-1], "DELIVER", links[-1], endpoint=tail_endpoint)]
    return rules
