"""What a node lets a new circuit take (chapters 05 and 08): the circuits of a lower priority it
preempts to make room (SIG-016) and the REJECT reason its policy gives (chapter 08 section 4).
The signalling engine calls both through its ``policy`` settings.
"""

from __future__ import annotations

from typing import Any

from .engines import events as ev
from .engines.signalling import SigState

#: signalling states of a circuit holding a reservation that SIG-016 may preempt
_PREEMPTABLE = (SigState.SETUP_SENT, SigState.PENDING, SigState.ESTABLISHED)


class CircuitPolicies:
    """The admission policies of :class:`~.node.Node`, which mixes them in: they use its
    fields (``ctx``, ``signalling``, ``policy``)."""

    def _preempt(self, now: int, cid: int, priority: int, slots: int, link: int,
                 rate: int) -> bool:
        """SIG-016: make room for circuit ``cid`` (``slots`` memory slots, ``rate`` mHz on
        ``link``, 0 for none) by tearing down circuits of a strictly lower priority that hold
        a reservation here: the lowest priority first and, within one, the most recently
        admitted first, only as many as needed. Preempts nothing and returns False when even
        all of them would not make room."""
        res = self.ctx.resources
        candidates = [s for c, s in self.signalling.items()
                      if c != cid and c in res.reserved and s.setup is not None
                      and s.state in _PREEMPTABLE and s.setup["qos"]["priority"] < priority]
        # a stable sort of the newest first: newest first within each priority
        order = sorted(reversed(candidates), key=lambda s: s.setup["qos"]["priority"])
        free, headroom = res.unreserved(), res.link_headroom_mhz(link) if link else rate
        victims = []
        for sig in order:
            if free >= slots and headroom >= rate:
                break
            victim = sig.circuit_id
            victims.append(sig)
            free += res.reserved.get(victim, 0)
            if link:
                headroom += res.link_load_mhz.get(link, {}).get(victim, 0)
        if free < slots or headroom < rate:
            return False
        for sig in victims:  # their Release follows in this node's queue, as for any teardown
            sig.fire(now, ev.CloseCircuit(circuit_id=sig.circuit_id, reason="PREEMPTED"))
        return True

    def _authorise(self, cid: int, setup: dict[str, Any], need: int) -> str | None:
        """Chapter 08 section 4: the REJECT reason the policy gives circuit ``cid`` (needing
        ``need`` memory slots here), counting what its head end's other circuits hold here."""
        assert self.policy is not None
        res, head = self.ctx.resources, setup["head_end"]
        mine = [c for c, s in self.signalling.items()
                if c != cid and c in res.reserved and s.setup is not None
                and s.setup["head_end"] == head]
        return self.policy.refusal(
            setup, circuits_of_head=len(mine), memory_of_head=sum(res.reserved[c] for c in mine),
            need=need, rate_of_head=sum(self.signalling[c].setup["qos"]["min_rate_mhz"]
                                        for c in mine))
