"""Scenario option ``regenerate: after_delivery``: routers that regenerate a link only once the
end-to-end pair it went into is delivered or lost (docs/simulator.md, "Regeneration").

A model of the routers' operation, not a protocol rule. With the default ``eager``, a router's
memory slot freed by a successful swap goes straight back to link generation (chapter 05).
With ``after_delivery`` the slot stays taken, counted against the circuit's per-link quota, so
the router does not attempt on that link for the circuit, until the *round* of that swap ends:

* the swap's output pair, followed through every later swap it takes part in, is delivered at
  both end nodes (the simulator's ``_both_delivered``); or
* that pair is lost before then: a BSM that consumes it fails (TRK-030) or finds its other
  half gone, a node frees one of its qubits (a cutoff, a DISCARD, a teardown), or it is the
  sacrificed pair of a distillation round; or
* the circuit distils end to end (DISTIL rules with ``peer_link`` 0 at its end nodes) and the
  pair reaches both end nodes, where it waits for a second pair that needs this memory.

The same rule serves swap-asap and nested schedules: under nested swapping it is the model of
Brand, Coopmans and Elkouss (2020), where a segment's links, once joined, wait for the round and
a failed swap restarts the two segments it joins. A real router would need to learn that the
end-to-end pair was delivered, which no QVCP message tells it; hence a simulator option.

The simulator alone knows which world pair a swap fed, so the book-keeping lives here: a
:class:`ParkingDevice` (the node's device) records the pair each swap makes and the slots it
freed (through :attr:`Resources.park <qvcp.reference.resources.Resources.park>`), and gives
them back when the round ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..resources import Resources
from .world import Pair, SimDevice

__all__ = ["MODES", "ParkingDevice", "Regeneration", "attach", "for_network", "released_at"]

#: values of the scenario option ``regenerate``
MODES = ("eager", "after_delivery")

#: one parked slot: (node, its resources when parked, circuit, memory handle)
Parked = tuple[int, Resources, int, int]


@dataclass
class Regeneration:
    """The slots parked by ``after_delivery``, per world pair they went into."""

    #: called with a node id after slots were given back there (the simulator settles its
    #: fast-forward batches and re-arms it)
    on_release: Callable[[int], None]
    #: (node, circuit) -> the circuit's rules installed at the node (None: none installed)
    rules_of: Callable[[int, int], list[dict[str, Any]] | None] = lambda node, circuit: None
    #: (node, circuit) -> whether the node distils the circuit's pairs end to end (a cache)
    _distils: dict[tuple[int, int], bool] = field(default_factory=dict)
    #: id(pair) -> (the pair, kept alive so the id stays its own; slots parked for it)
    parked: dict[int, tuple[Pair, list[Parked]]] = field(default_factory=dict)
    #: the pair the swap being executed made (None: it made none) and what it carries
    _pending: tuple[Pair | None, list[Parked]] = (None, [])
    released: int = 0

    def take(self, pair: Pair | None) -> list[Parked]:
        """Forget ``pair``'s parked slots and return them."""
        if pair is None:
            return []
        got = self.parked.pop(id(pair), None)
        return got[1] if got is not None else []

    def release(self, slots: list[Parked]) -> None:
        """Give ``slots`` back to link generation."""
        nodes = set()
        for node, res, circuit, handle in slots:
            res.give_back(circuit, handle)
            nodes.add(node)
        self.released += len(slots)
        for node in sorted(nodes):
            self.on_release(node)

    def ended(self, pair: Pair | None) -> None:
        """``pair``'s round is over (delivered at both ends, or lost)."""
        self.release(self.take(pair))

    def swapped(self, made: Pair | None, carried: list[Parked]) -> None:
        """A swap is under way: it made ``made`` (None: no pair) out of pairs that carried
        ``carried``. Without a pair the round is over for them."""
        if made is None:
            self.release(carried)
            self._pending = (None, [])
        else:
            self._pending = (made, carried)
            self.parked[id(made)] = (made, carried)

    def distils(self, node: int, circuit: int) -> bool:
        """Whether ``node`` has an end-to-end DISTIL rule of ``circuit`` (``peer_link`` 0,
        SIG-040.2: it is one of the circuit's end nodes, and they distil)."""
        got = self._distils.get((node, circuit))
        if got is None:
            rules = self.rules_of(node, circuit)
            got = any(r["action"] == "DISTIL" and not r.get("peer_link") for r in rules or ())
            if rules is not None:
                self._distils[(node, circuit)] = got
        return got

    def hook(self, node: int, res: Resources) -> Callable[[int, int], bool]:
        """``Resources.park`` of ``node``: keep a slot its swap freed with the pair it made."""

        def park(circuit: int, handle: int) -> bool:
            made = self._pending[0]
            if made is None or id(made) not in self.parked:
                return False
            ends = [q[0] for q in made.ends if q is not None]
            if len(ends) == 2 and all(self.distils(n, circuit) for n in ends):
                # an end-to-end pair of a circuit that distils end to end: it waits at the end
                # nodes for the pair it is distilled with, which needs this memory
                self.ended(made)
                return False
            self.parked[id(made)][1].append((node, res, circuit, handle))
            return True

        return park


@dataclass
class ParkingDevice(SimDevice):
    """A node's device that tells :class:`Regeneration` what each swap made or lost."""

    regen: Regeneration | None = None

    def _pair(self, handle: int) -> Pair | None:
        return self.world.pairs.get((self.node, handle))

    def bsm(self, *, now: int, left: int, right: int) -> int | None:
        assert self.regen is not None
        pl, pr = self._pair(left), self._pair(right)
        ends = [e for p, h in ((pl, left), (pr, right)) if p is not None
                for e in p.ends if e is not None and e != (self.node, h)]
        m = super().bsm(now=now, left=left, right=right)
        made = self.world.pairs.get(ends[0]) if m is not None and len(ends) == 2 else None
        self.regen.swapped(made, self.regen.take(pl) + self.regen.take(pr))
        return m

    def distil(self, *, now: int, kept: int, sacrificed: int, protocol: str,
               frame: tuple[int, int] = (0, 0)) -> int:
        assert self.regen is not None
        self.regen.ended(self._pair(sacrificed))
        return super().distil(now=now, kept=kept, sacrificed=sacrificed, protocol=protocol,
                              frame=frame)

    def free(self, *, now: int, qubit: int) -> None:
        assert self.regen is not None
        pair = self._pair(qubit)
        super().free(now=now, qubit=qubit)
        self.regen.ended(pair)


def attach(net: Any, nid: int, node: Any) -> None:
    """Wire node ``nid``'s device and resources to the network's :class:`Regeneration`."""
    assert isinstance(node.device, ParkingDevice)
    node.device.regen = net.regen
    res = node.ctx.resources
    res.park = net.regen.hook(nid, res)


def for_network(net: Any) -> Regeneration:
    """The :class:`Regeneration` of ``net`` (a :class:`~.network.Network`)."""

    def rules_of(nid: int, circuit: int) -> list[dict[str, Any]] | None:
        node = net.nodes.get(nid)
        eng = node.signalling.get(circuit) if node is not None else None
        info = eng.info if eng is not None else None
        return list(info.rules) if info is not None else None

    return Regeneration(lambda nid: released_at(net, nid), rules_of)


def released_at(net: Any, nid: int) -> None:
    """Slots were given back at node ``nid`` (during another node's event): its fast-forward
    batches whose conditions changed are settled and tried again, and it is re-armed."""
    from .fastforward import settle, try_batch

    if net._node_batches.get(nid):
        for link in settle(net, nid, net.now, due_only=False):
            try_batch(net, link)
    node = net.nodes.get(nid)
    if node is not None:
        net._arm(nid, node)
