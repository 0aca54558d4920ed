"""Per-node resource book-keeping: memory slots, communication qubits, link load.

Admission control (chapter 05, SIG-002.1, SIG-002.2) reserves memory slots per circuit and
rate per link; the link layer takes a slot from the circuit's reservation for each attempt
and holds a communication qubit until the herald (LINK-002).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from qvcp.schemas import ErrorCode

from .engines.base import ProtocolError


@dataclass
class Resources:
    """Memory slots ``0..memory-1``, ``comm`` communication qubits, per-link rate ledger."""

    memory: int
    comm: int
    link_capacity_mhz: dict[int, int] = field(default_factory=dict)
    reserved: dict[int, int] = field(default_factory=dict)  # circuit -> slots reserved
    in_use: dict[int, dict[int, int]] = field(default_factory=dict)  # circuit -> handle->link
    quota: dict[int, int] = field(default_factory=dict)  # circuit -> slots per link
    link_load_mhz: dict[int, dict[int, int]] = field(default_factory=dict)  # link -> circ -> mHz
    comm_busy: int = 0
    free_slots: list[int] = field(default_factory=list)
    delivered: dict[int, int] = field(default_factory=dict)  # handle -> circuit (app holds it)
    #: circuit -> link -> handles of ``in_use[circuit]`` on that link (kept with ``in_use``)
    on_link: dict[int, dict[int, int]] = field(default_factory=dict)
    #: ``park(circuit, handle)``: a model of operation (the simulator's ``regenerate:
    #: after_delivery``) that keeps a slot freed by a swap from link generation; True: it is
    #: kept, and the hook's owner gives it back later (:meth:`give_back`). None: never kept
    park: Callable[[int, int], bool] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.free_slots = list(range(self.memory - 1, -1, -1))

    def unreserved(self) -> int:
        """Memory slots not reserved by any circuit."""
        return self.memory - sum(self.reserved.values())

    def link_headroom_mhz(self, link_id: int) -> int:
        """Capacity of ``link_id`` not yet committed to circuits (mHz)."""
        load = sum(self.link_load_mhz.get(link_id, {}).values())
        return self.link_capacity_mhz.get(link_id, 0) - load

    def reserve(self, circuit: int, slots: int, loads: dict[int, int]) -> None:
        """Reserve ``slots`` memory and ``loads`` (link -> mHz) for ``circuit``."""
        self.reserved[circuit] = slots
        self.quota[circuit] = max(1, slots // max(1, len(loads)))
        self.in_use.setdefault(circuit, {})
        self.on_link.setdefault(circuit, {})
        for link, mhz in loads.items():
            self.link_load_mhz.setdefault(link, {})[circuit] = mhz

    def release(self, circuit: int) -> int:
        """Drop the reservation of ``circuit``; returns the slots it had reserved."""
        slots = self.reserved.pop(circuit, 0)
        self.quota.pop(circuit, None)
        self.on_link.pop(circuit, None)
        for handle in self.in_use.pop(circuit, {}):
            if handle not in self.free_slots:
                self.free_slots.append(handle)
        for load in self.link_load_mhz.values():
            load.pop(circuit, None)
        return slots

    def quota_left(self, circuit: int, link: int) -> int:
        """Memory slots of ``circuit``'s per-link quota not holding a qubit on ``link``."""
        quota = self.quota.get(circuit, 0)
        counts = self.on_link.get(circuit)
        return quota - counts.get(link, 0) if counts else quota

    def modes_available(self, circuit: int, link: int) -> int:
        """How many qubits ``circuit`` could take on ``link`` at once (the modes of one
        multiplexed attempt, LINK-001.3): idle comm qubits, free memory slots and the circuit's
        per-link quota left, whichever is fewest."""
        n = min(self.comm - self.comm_busy, len(self.free_slots))
        if n <= 0:
            return 0
        return max(min(n, self.quota_left(circuit, link)), 0)

    def take_modes(self, circuit: int, link: int, n: int) -> list[int]:
        """Allocate ``n`` memory slots and comm qubits for a multiplexed attempt of ``circuit``
        on ``link`` (one per mode, mode 0 first); ``n`` must not exceed
        :meth:`modes_available`."""
        if not 0 < n <= self.modes_available(circuit, link):
            raise ProtocolError(ErrorCode.UNEXPECTED_MESSAGE, "no free qubit for the circuit")
        free, held = self.free_slots, self.in_use[circuit]
        handles = []
        for _ in range(n):
            handle = free.pop()
            held[handle] = link
            handles.append(handle)
        counts = self.on_link[circuit]
        counts[link] = counts.get(link, 0) + n
        self.comm_busy += n
        return handles

    def _unhold(self, circuit: int, held: dict[int, int], handle: int) -> None:
        link = held.pop(handle)
        self.on_link[circuit][link] -= 1

    def comm_done(self, n: int = 1) -> None:
        """The attempt's ``n`` communication qubits are free again (herald received)."""
        self.comm_busy -= n

    def hand_over(self, circuit: int, handle: int) -> None:
        """``handle`` was delivered: the application holds it until it consumes it or it
        expires, independently of the circuit's reservation (a teardown does not free it)."""
        held = self.in_use.get(circuit)
        if held is not None and handle in held:
            self._unhold(circuit, held, handle)
            self.delivered[handle] = circuit

    def give_back(self, circuit: int, handle: int) -> None:
        """Return a memory slot (idempotent; after :meth:`release` the handle is already free)."""
        if self.delivered.get(handle) == circuit:
            del self.delivered[handle]
            self.free_slots.append(handle)
            return
        held = self.in_use.get(circuit)
        if held is not None and handle in held:
            self._unhold(circuit, held, handle)
            self.free_slots.append(handle)
        elif (held is None and handle not in self.free_slots and handle not in self.delivered
              and not any(handle in h for h in self.in_use.values())):
            self.free_slots.append(handle)

    def swapped(self, circuit: int, handle: int) -> None:
        """A successful swap consumed ``handle``'s qubit: its slot is free again, unless the
        :attr:`park` hook keeps it (still counted against the circuit's per-link quota)."""
        if self.park is None or not self.park(circuit, handle):
            self.give_back(circuit, handle)

    def occupied(self) -> int:
        """Memory slots currently holding (or attempting to hold) a qubit."""
        return self.memory - len(self.free_slots)
