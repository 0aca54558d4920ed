"""Admission of a circuit at one node (chapter 05): what the signalling engine reserves, what it
reports of itself in the SETUP's hop record and what the tail end decides from the records.

The node reserves memory, communication qubits and link rate or refuses the circuit
(SIG-002.1, SIG-002.2, SIG-009, SIG-016); it appends its capability to the SETUP (SIG-001.1,
SIG-038.1, SIG-045, SIG-047); the tail end derives the rules' cutoff, the number of
distillation rounds and the guaranteed fidelity and rate (SIG-005, SIG-011, SIG-039 to
SIG-044).
"""

from __future__ import annotations

import math
from typing import Any

from ..admission import (
    MAX_DISTIL_ROUNDS,
    chain_fidelity,
    distilled_fidelity,
    distilled_rate,
    estimate,
    expected_rate,
    fidelity_cutoff,
    fidelity_of,
    reported_swap_success,
    reported_t2_ns,
    swap_success_to_wire,
    werner,
)
from ..messages import fidelity_bound_to_wire, fidelity_from_wire, rate_to_wire

FIDELITY_MARGIN = 1e-3  # head room of the guaranteed bound over min_fidelity (wire rounding)


class CircuitAdmission:
    """The admission steps of :class:`~.signalling.SignallingEngine`, which mixes them in: they
    use its fields (``ctx``, ``setup``, ``links``, ``policy``, ``role``, ``circuit_id``) and
    its route helpers (``me``, ``_neighbours``)."""

    def _admit_here(self, now: int) -> str | None:
        """SIG-002.1, SIG-002.2: reserve memory, comm qubits and link rate; return a reject
        reason or None.

        Short of memory or link rate, a circuit of a higher ``priority`` than some admitted
        here may take theirs: the node's ``preempt`` policy tears them down (SIG-016)."""
        assert self.ctx is not None and self.setup is not None
        prev, nxt = self._neighbours()
        if any(n and n not in self.links for n in (prev, nxt)):
            return "UNREACHABLE"  # SIG-009
        res = self.ctx.resources
        need = self.policy.get("slots_per_link", 1) * sum(1 for n in (prev, nxt) if n)
        rate = self.setup["qos"]["min_rate_mhz"]
        admits = self.role != "repeater"  # data-plane-only: no admission decisions
        if admits and res.comm < 1:
            return "NO_RESOURCES"
        authorise = self.policy.get("authorise")
        refusal = authorise(self.circuit_id, self.setup, need) if authorise and admits else None
        if refusal:  # chapter 08 section 4: before anything is reserved or preempted
            return str(refusal)
        link = self.links[nxt]["link_id"] if nxt else 0
        if admits and (need > res.unreserved() or (link and res.link_headroom_mhz(link) < rate)):
            preempt = self.policy.get("preempt")
            if preempt is None or not preempt(now, self.circuit_id,
                                              self.setup["qos"]["priority"], need, link, rate):
                return "NO_RESOURCES"
        res.reserve(self.circuit_id, need,
                    {self.links[n]["link_id"]: rate for n in (prev, nxt) if n})
        return None

    def _capability(self) -> dict[str, Any]:
        assert self.ctx is not None
        _, nxt = self._neighbours()
        link = self.links.get(nxt, {}) if nxt else {}
        # SIG-045.1: T1 folded into the reported T2 (the context's ``t1_ns``; none: inf)
        t2 = reported_t2_ns(self.ctx.t2_ns, self.ctx.t1_ns)
        fid = link.get("fidelity", 0)
        prev, _ = self._neighbours()
        if prev and nxt:  # SIG-038.1: a swapping hop folds its BSM noise into its link
            w = werner(fidelity_from_wire(fid)) * self.policy.get("swap_factor", 1.0)
            fid = fidelity_bound_to_wire(fidelity_of(w))  # SIG-045.4: rounded down
        return {
            "node": self.me,
            "free_memory": min(self.ctx.resources.reserved.get(self.circuit_id, 0), 65535),
            "comm_qubits": min(self.ctx.resources.comm, 255),
            "link_id": link.get("link_id", 0),
            "link_rate_mhz": link.get("rate_mhz", 0),
            "link_fidelity": fid,
            "memory_t2_ns": max(1, int(min(t2, 2**63))) if not math.isinf(t2) else 0,
            # SIG-047: a swapping hop reports its BSM success probability rounded down (the
            # device's ``bsm_success_probability``; none: 1); the ends, which do not swap, 1
            "swap_success": swap_success_to_wire(
                getattr(self.ctx.device, "bsm_success_probability", 1.0)
                if prev and nxt else 1.0),
        }

    def _decide(self, hops: list[dict[str, Any]], qos: dict[str, int]
                ) -> tuple[str | None, float, float, int, int]:
        """SIG-005, SIG-011, SIG-039, SIG-040, SIG-044: (reject reason, fidelity bound, rate, rule
        cutoff ns, end-to-end DEJMPS rounds)."""
        min_f = fidelity_from_wire(qos["min_fidelity"])
        limit = qos["cutoff_ns"] or math.inf
        cut: float | None = limit
        rounds = 0
        gate = self.policy.get("gate_fidelity", 1.0)
        readout = self.policy.get("readout_fidelity", 1.0)
        if min_f > 0:
            target = min(min_f + FIDELITY_MARGIN, 1.0)
            cut = fidelity_cutoff(hops, target, limit)
            while cut is None and rounds < self.policy.get("max_distil_rounds",
                                                           MAX_DISTIL_ROUNDS):
                rounds += 1  # SIG-040.1: the smallest number of rounds that reaches the target
                cut = fidelity_cutoff(hops, target, limit, rounds=rounds, gate_fidelity=gate,
                                      readout_fidelity=readout)
            if cut is None or (rounds and chain_fidelity(hops, cut) <= 0.5):
                return "FIDELITY_UNREACHABLE", 0.0, 0.0, 0, 0
            cut = max(cut, 1)
        assert cut is not None
        qs = reported_swap_success(hops)  # SIG-046: each router's reported q
        if math.isfinite(cut):
            fid, rate = chain_fidelity(hops, cut), expected_rate(hops, cut, swap_success=qs)
        else:
            fid, rate = estimate(hops, swap_success=qs)
        if rounds:
            fid, probs = distilled_fidelity(hops, cut if math.isfinite(cut) else 0.0, rounds,
                                            gate_fidelity=gate, readout_fidelity=readout)
            rate = distilled_rate(rate, rounds, probs)  # SIG-041
        cutoff = int(cut) if math.isfinite(cut) else 0
        if rate_to_wire(rate) < qos["min_rate_mhz"]:
            return "NO_RESOURCES", fid, rate, cutoff, rounds
        return None, fid, rate, cutoff, rounds

    def _grow_reservation(self, rounds: int) -> bool:
        """An end of a distilling circuit holds one pair per level: reserve ``rounds`` more
        memory slots (SIG-042.1); False if the node cannot."""
        assert self.ctx is not None
        res = self.ctx.resources
        extra = rounds * self.policy.get("slots_per_link", 1)
        if res.unreserved() < extra:
            return False
        res.reserved[self.circuit_id] = res.reserved.get(self.circuit_id, 0) + extra
        res.quota[self.circuit_id] = res.quota.get(self.circuit_id, 0) + extra
        return True
