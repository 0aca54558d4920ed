"""Fast-forward of failed slots (docs/simulator.md): runs of slots in which a link attempts
and fails are elided, their number sampled, and their lasting effect applied when the run of
failures ends or an event at one of the link's nodes breaks its conditions.

Functions of a :class:`~.network.Network` (``net``), which owns the state they use
(``_batches``, ``_node_batches``, ``elided_slots``, the world and the nodes), kept in their
own module so that ``network.py`` stays the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..engines.link import MAX_MODES
from .world import STATION_BASE

__all__ = ["Batch", "batch_modes", "settle", "still_valid", "try_batch"]

#: an idle batch (no pair possible, LINK-020) lasts until settled by an event at a node; its
#: nominal end is this far-off time
IDLE_UNTIL_NS = 2**62


@dataclass
class Batch:
    """Failed slots ``k0 .. k_end - 1`` of a link, elided (see :func:`try_batch`)."""

    link: int
    nodes: tuple[int, int]
    circuits: list[int]
    k0: int
    k_end: int
    slot_ns: int
    rtt_ns: int
    #: node -> modes each of its elided attempts would have used
    modes: dict[int, int] = field(default_factory=dict)


def try_batch(net: Any, link: int) -> None:
    """Jump over the failed slots of a link attempting continuously (docs/simulator.md).

    When both node sides of ``link`` are ARMED for the same next slot with nothing
    outstanding, and every circuit of the slot rotation would attempt with the same number
    of modes at each end, set by its per-link quota alone (the idle communication qubits
    and free memory slots cover those modes for every link being fast-forwarded at that
    node), the number K of all-failed rounds before the next round with a success is
    sampled with the noise core's geometric sampler (``sample_multiplexed_generation`` for
    several modes). The K rounds (ATTEMPT, ATTEMPT, HERALD with FAILURE results x2) are
    elided: their only lasting effect, the attempt counter and last slot of both link
    engines, is applied when the batch is settled, and the success slot's outcome is
    fixed in the world. An event at either node that breaks these conditions (the link
    engine touched, or the spare resources gone) settles the batch early: rounds completed
    by then count as failures, the round in progress is attempted for real, and the
    geometric law being memoryless the statistics are unchanged. When either end would
    attempt with ``modes`` 0 (it holds all its memory for the link's circuits, LINK-020), no
    round can succeed and the world draws nothing for one, so the batch is *idle*: it elides
    every round until an event at either node changes its modes and settles it.
    """
    if link in net._batches:
        return
    st = net.stations.get(STATION_BASE + link)
    if st is None or st.engine.state._name_ != "IDLE" or link in net.world.attempts:
        return
    a, b = st.engine.node_a, st.engine.node_b
    ea, eb = net.nodes[a].links[link], net.nodes[b].links[link]
    slot = ea.slot_ns
    t0 = ea.timers.get("slot")
    if (ea.state._name_ != "ARMED" or eb.state._name_ != "ARMED" or t0 is None
            or eb.timers.get("slot") != t0 or "herald" in ea.timers or "herald" in eb.timers
            or ea.last_slot != eb.last_slot or ea.circuits != eb.circuits
            or eb.slot_ns != slot or t0 % slot or t0 // slot != ea.last_slot + 1
            or ea.attempt_period != 1 or eb.attempt_period != 1  # every slot an attempt slot
            or not ea.steady() or not eb.steady()):  # FWD-011, FWD-012: no rotation change
        return
    rtt = net._station_delay[(a, st.engine.station_id)] + net._station_delay[
        (b, st.engine.station_id)]
    if rtt >= slot or net.world.links[link].success_probability <= 0:
        return
    modes = {}
    for nid in (a, b):
        k = batch_modes(net, nid, link, ea.circuits, extra=True)
        if k is None:
            return
        modes[nid] = k
    matched = min(modes.values())
    k0 = t0 // slot
    if matched == 0:
        # LINK-020: a node with nothing to emit still attempts, with ``modes`` 0; no pair can
        # come of such a round (the world draws nothing for it), so the rounds are elided
        # until an event at either node changes its modes and settles the batch
        failures = max(1, (IDLE_UNTIL_NS - t0) // slot)
    else:
        failures, codes = net.world.sample_failures(link, slot, matched)
        net.world.forced[link] = ((k0 + failures) * slot, codes)
        if failures == 0:
            return
    net._batches[link] = Batch(link, (a, b), list(ea.circuits), k0, k0 + failures, slot,
                                 rtt, modes)
    for nid, eng in ((a, ea), (b, eb)):
        net._node_batches.setdefault(nid, set()).add(link)
        eng.timers["slot"] = (k0 + failures) * slot
        net._arm(nid, net.nodes[nid])
    net._log({"t": net.now, "ev": "fast_forward", "link": link, "from_slot_ns": t0,
               "failed_slots": failures if matched else None, "modes": matched})

def batch_modes(net: Any, node: int, link: int, circuits: list[int], *, extra: bool
                ) -> int | None:
    """The modes every slot of ``link``'s rotation would attempt with at ``node`` (0: the
    node is present with nothing to emit, LINK-020), or None if that is not one fixed number
    set by the circuits' quotas alone (so that the order in which the node's links start
    their slots cannot matter): the shared pools of idle comm qubits and free memory must
    cover this link and every other batch at the node at once (``extra``: this link is not
    yet one of them)."""
    res = net.nodes[node].ctx.resources
    ks = {max(0, min(MAX_MODES, res.quota_left(c, link))) for c in circuits}
    if len(ks) != 1:
        return None
    k = ks.pop()
    if k == 0:
        return 0
    batches = net._batches
    need = k if extra else 0
    for other in net._node_batches.get(node, ()):
        need += batches[other].modes[node]
    if res.comm - res.comm_busy < need or len(res.free_slots) < need:
        return None
    return k

def still_valid(net: Any, b: Batch, node: int) -> bool:
    """The batch's conditions still hold at ``node`` (checked after each event there)."""
    eng = net.nodes[node].links[b.link]
    if (eng.state._name_ != "ARMED" or eng.timers.get("slot") != b.k_end * b.slot_ns
            or eng.circuits != b.circuits or not eng.steady()):
        return False
    return batch_modes(net, node, b.link, b.circuits, extra=False) == b.modes[node]

def settle(net: Any, node: int, t: int, *, due_only: bool) -> list[int]:
    """Apply the elided rounds of batches at ``node``: before an event, those due (their
    success slot has come); after it, those whose conditions it broke. Returns the links
    settled (the caller tries to fast-forward them again)."""
    links = []
    for link in sorted(net._node_batches.get(node, ())):
        b = net._batches[link]
        due = t >= b.k_end * b.slot_ns
        if due_only != due or (not due and still_valid(net, b, node)):
            continue
        del net._batches[link]
        links.append(link)
        s = b.slot_ns
        inprog = False
        if due:
            done = b.k_end - b.k0
        else:
            net.world.forced.pop(link, None)  # a fresh round decides from here on
            kc = t // s
            if kc < b.k0:
                done = 0
            elif not min(b.modes.values()):
                done = kc - b.k0 + 1  # idle: the round in progress yields nothing either
            elif t < kc * s + b.rtt_ns:
                done, inprog = kc - b.k0, True
            else:
                done = kc - b.k0 + 1
        net.elided_slots += done
        for nid in b.nodes:
            net._node_batches[nid].discard(link)
            eng = net.nodes[nid].links[link]
            if done:
                eng.attempt_counter = (eng.attempt_counter + done) % 2**32
                eng.last_slot = max(eng.last_slot, b.k0 + done - 1)
            if not due and eng.timers.get("slot") == b.k_end * s:
                eng.timers["slot"] = t if inprog else (b.k0 + done) * s
            net._arm(nid, net.nodes[nid])
    return links
