"""The quantum device interface of a node and a scripted implementation for tests.

Engines never touch quantum state; they call a :class:`QuantumDevice` with explicit ``now``.
Qubit handles are memory-slot numbers owned by the node's resource book-keeping
(:mod:`qvcp.reference.resources`). The simulator backs this with the noise core
(:class:`qvcp.reference.sim.world.SimDevice`); tests and the conformance harness inject a
:class:`ScriptedDevice`. A heralding station uses a :class:`StationDevice`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

#: what :meth:`QuantumDevice.bsm` returns: a Bell code 0..3, or ``None`` for a failed BSM
BsmResult = int | None

#: the result of a failed Bell-state measurement (TRK-030)
BSM_FAILED: BsmResult = None


@runtime_checkable
class QuantumDevice(Protocol):
    """Quantum operations of one node (all times int ns)."""

    def attempt(self, *, now: int, link_id: int, slot_ns: int, qubits: Sequence[int]) -> None:
        """One attempt on ``link_id`` in slot ``slot_ns``: entangle each ``qubits[i]`` with a
        photon emitted into optical mode ``i`` (one qubit without multiplexing, LINK-015.1)."""

    def bsm(self, *, now: int, left: int, right: int) -> BsmResult:
        """Bell-state measurement on two qubits (head-side first); returns the code 0..3 of
        the projected Bell state, or :data:`BSM_FAILED` (``None``) when the measurement failed
        (a linear-optics BSM succeeds with probability 1/2): both qubits are consumed either
        way, and a failed one tells nothing about a Bell state (TRK-030)."""

    def distil(self, *, now: int, kept: int, sacrificed: int, protocol: str,
               frame: tuple[int, int] = (0, 0)) -> int:
        """Local half of one distillation round; returns the measured bit of ``sacrificed``.

        ``protocol`` is ``"DEJMPS"`` or ``"BBPSSW"``. ``frame`` (Bell codes, TRK-021) asks the
        device first to apply X^x Z^z of code ``frame[0]`` to ``kept`` and of ``frame[1]`` to
        ``sacrificed``; callers omit it when it is ``(0, 0)``. Afterwards the device applies
        the protocol's local rotations (DEJMPS), the CNOT ``kept -> sacrificed`` and measures
        ``sacrificed`` in Z; ``kept`` stays in memory, ``sacrificed`` is then freed by the
        caller. The two ends' calls together form the bilateral operation.
        """

    def measure(self, *, now: int, qubit: int, basis: str) -> int:
        """Measure ``qubit`` in basis ``"Z"``, ``"X"`` or ``"Y"``; returns the bit."""

    def free(self, *, now: int, qubit: int) -> None:
        """Release ``qubit`` (its state is discarded)."""


@runtime_checkable
class StationDevice(Protocol):
    """The optical measurement of a heralding station."""

    def resolve(self, *, now: int, link_id: int, slot_ns: int, modes: int) -> list[int]:
        """Outcome code of the slot's joint measurement in each of the ``modes`` matched
        optical modes, mode 0 first: 1, 3 (success) or 255 (failure)."""


@dataclass
class ScriptedDevice:
    """Test double: returns scripted outcomes and records every call.

    ``bsm_results``/``distil_results``/``measure_results`` are consumed in order (default 0
    when empty; a scripted :data:`BSM_FAILED` makes that BSM fail); ``resolve_results``
    serves the :class:`StationDevice` role, one entry per mode (default 255, failure).
    """

    bsm_results: deque[BsmResult] = field(default_factory=deque)
    distil_results: deque[int] = field(default_factory=deque)
    measure_results: deque[int] = field(default_factory=deque)
    resolve_results: deque[int] = field(default_factory=deque)
    calls: list[tuple[str, dict[str, object]]] = field(default_factory=list)

    def attempt(self, *, now: int, link_id: int, slot_ns: int, qubits: Sequence[int]) -> None:
        self.calls.append(("attempt", {"now": now, "link_id": link_id, "slot_ns": slot_ns,
                                       "qubits": list(qubits)}))

    def bsm(self, *, now: int, left: int, right: int) -> BsmResult:
        self.calls.append(("bsm", {"now": now, "left": left, "right": right}))
        return self.bsm_results.popleft() if self.bsm_results else 0

    def distil(self, *, now: int, kept: int, sacrificed: int, protocol: str,
               frame: tuple[int, int] = (0, 0)) -> int:
        self.calls.append(("distil", {"now": now, "kept": kept, "sacrificed": sacrificed,
                                      "protocol": protocol, "frame": frame}))
        return self.distil_results.popleft() if self.distil_results else 0

    def measure(self, *, now: int, qubit: int, basis: str) -> int:
        self.calls.append(("measure", {"now": now, "qubit": qubit, "basis": basis}))
        return self.measure_results.popleft() if self.measure_results else 0

    def free(self, *, now: int, qubit: int) -> None:
        self.calls.append(("free", {"now": now, "qubit": qubit}))

    def resolve(self, *, now: int, link_id: int, slot_ns: int, modes: int) -> list[int]:
        self.calls.append(("resolve", {"now": now, "link_id": link_id, "slot_ns": slot_ns,
                                       "modes": modes}))
        results = self.resolve_results
        return [results.popleft() if results else 255 for _ in range(modes)]

    def names(self) -> list[str]:
        """Operation names called so far, in order."""
        return [name for name, _ in self.calls]
