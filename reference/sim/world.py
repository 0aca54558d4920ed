"""Physical state of the simulated network: stored pairs, backed by the noise core.

Pairs are Bell-diagonal weights (four Python floats) plus the time they were last brought up to
date; memory decoherence is applied from elapsed time (``decohere_bd``) at every operation,
per qubit with that node's T1/T2. Swaps use ``sample_swap_bd`` with the node's gate and readout
parameters; measurements ``measure_bd``. The world owns the simulator's ``np.random.Generator``.
Decoherence, swaps and link sampling of single pairs go through :mod:`.fastbd`, plain-Python
copies of the noise core's arithmetic that reproduce its results bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .. import noise
from . import fastbd
from .detectors import DetectorBank

Qubit = tuple[int, int]  # (node, handle)

#: the id of link k's heralding station in a simulated network is STATION_BASE + k
STATION_BASE = 1_000_000


@dataclass(frozen=True)
class MemoryModel:
    """Per-node hardware: T1/T2 (seconds, inf allowed), BSM gate ``p`` and readout ``eta``,
    and the BSM success probability ``bsm_q`` (0 < q <= 1; a failed BSM consumes both qubits
    and yields nothing, spec chapter 04 section 4.1)."""

    t1_s: float = math.inf
    t2_s: float = math.inf
    gate_p: float = 1.0
    readout_eta: float = 1.0
    bsm_q: float = 1.0
    #: ``(t1, min(t2, 2 t1))`` as the decoherence of a stored qubit uses them, or None when
    #: both are infinite (storage is then noiseless); derived from the two above
    storage: tuple[float, float] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        t1, t2 = self.t1_s, self.t2_s
        noiseless = math.isinf(t1) and math.isinf(t2)
        object.__setattr__(self, "storage", None if noiseless else (t1, min(t2, 2 * t1)))


@dataclass(frozen=True)
class LinkModel:
    """Per-attempt model of one link: success probability and the heralded BD states."""

    success_probability: float
    weights: dict[int, np.ndarray]  # herald code (1 or 3) -> BD weights (4,)
    codes: tuple[int, ...] = (1, 3)
    code_probs: tuple[float, ...] = (0.5, 0.5)
    #: the station's detectors when their dead time outlasts the attempt spacing, else None
    detectors: DetectorBank | None = None


@dataclass(slots=True)
class Pair:
    """One entangled pair; an end is None once freed."""

    weights: list[float]
    t_ns: int
    ends: list[Qubit | None]
    #: first half of a bilateral distillation round on this (kept) pair, see World.distil
    distil: dict | None = None  # type: ignore[type-arg]


@dataclass
class World:
    """Every pair in the network and the quantum side of every operation."""

    rng: np.random.Generator
    memory: dict[int, MemoryModel] = field(default_factory=dict)
    links: dict[int, LinkModel] = field(default_factory=dict)
    pairs: dict[Qubit, Pair] = field(default_factory=dict)
    #: link -> (slot_ns, node -> qubit handle of each mode; None once freed)
    attempts: dict[int, tuple[int, dict[int, list[int | None]]]] = field(default_factory=dict)
    pending_bits: dict[Qubit, int] = field(default_factory=dict)
    #: link -> (slot_ns, herald code of each mode): that slot's outcome was sampled ahead
    #: (fast-forward)
    forced: dict[int, tuple[int, tuple[int, ...]]] = field(default_factory=dict)
    _default_memory: MemoryModel = field(default_factory=MemoryModel, repr=False)
    #: node -> links it has ever attempted on (so :meth:`free` looks only at those)
    _attempt_links: dict[int, set[int]] = field(default_factory=dict, repr=False)

    # -- time evolution ----------------------------------------------------------------------
    def _decohere(self, pair: Pair, now: int) -> None:
        dt = (now - pair.t_ns) * 1e-9
        if dt <= 0:
            return
        memory = self.memory
        for end in pair.ends:
            if end is None:
                continue
            m = memory.get(end[0])  # absent: ideal memory
            if m is None or m.storage is None:
                continue
            t1, t2 = m.storage
            pair.weights = fastbd.decohere(pair.weights, dt, t1, t2)
        pair.t_ns = now

    def state(self, q: Qubit, now: int) -> np.ndarray:
        """BD weights of the pair holding ``q`` at time ``now`` (float64 ``(4,)``)."""
        pair = self.pairs[q]
        self._decohere(pair, now)
        return np.array(pair.weights, dtype=np.float64)

    def fidelity(self, q: Qubit, code: int, now: int) -> float:
        """Fidelity of ``q``'s pair to Bell state ``code`` at ``now`` (nan if no pair)."""
        if q not in self.pairs:
            return math.nan
        pair = self.pairs[q]
        self._decohere(pair, now)
        return pair.weights[code]

    def partner(self, q: Qubit) -> Qubit | None:
        """The other qubit of ``q``'s pair, if still held."""
        pair = self.pairs.get(q)
        if pair is None:
            return None
        other = pair.ends[1] if pair.ends[0] == q else pair.ends[0]
        return other

    def sample_failures(self, link: int, slot_ns: int, modes: int = 1
                        ) -> tuple[int, tuple[int, ...]]:
        """(all-failed rounds before the first round with a success, herald code of each of
        the ``modes`` matched modes in that round) of ``link``.

        One mode: the noise core's geometric sampler (``noise.sample_link_generation``) with
        the link's per-attempt success probability, the code following the link's code
        weights. Several modes: ``noise.sample_multiplexed_generation``.
        """
        model = self.links[link]
        if model.detectors is not None:  # dead time: attempts are not independent, none
            return 0, (255,) * modes      # is elided (resolve samples every slot)
        p = model.success_probability
        if not 0.0 < p <= 1.0:
            raise ValueError("link.success_probability must be in (0, 1] to sample")
        if modes == 1:
            failures, code = fastbd.sample_link_failures(p, model.codes, model.code_probs,
                                                         self.rng)
            return failures, (code,)
        return fastbd.sample_multiplexed_failures(p, modes, model.codes, model.code_probs,
                                                  self.rng)

    # -- operations ----------------------------------------------------------------------------
    def attempt(self, node: int, link: int, slot: int, handles: Sequence[int]) -> None:
        """Record that ``node`` attempts on ``link`` in ``slot`` with ``handles[i]`` in
        optical mode ``i``.

        Only the latest slot of a link is kept: a station never matches an older one.
        """
        current = self.attempts.get(link)
        if current is None or current[0] != slot:
            current = self.attempts[link] = (slot, {})
        current[1][node] = list(handles)
        links = self._attempt_links.get(node)
        if links is None:
            links = self._attempt_links[node] = set()
        links.add(link)

    def resolve(self, link: int, slot: int, now: int, modes: int = 1) -> list[int]:
        """Sample the slot's herald in each of ``modes`` matched modes; on success in mode i
        create the pair of the two nodes' mode-i qubits (created at ``slot``)."""
        cur = self.attempts.pop(link, None)
        who = cur[1] if cur is not None and cur[0] == slot else {}
        model = self.links[link]
        forced = self.forced.pop(link, None)
        if len(who) != 2:
            return [255] * modes
        (na, hsa), (nb, hsb) = sorted(who.items())
        if hsa.count(None) == len(hsa) or hsb.count(None) == len(hsb):  # a side freed all
            return [255] * modes
        if model.detectors is not None:  # detector dead time (docs/noise.md)
            codes = model.detectors.resolve(slot, modes, self.rng.random)
        elif forced is not None and forced[0] == slot and len(forced[1]) == modes:
            codes = list(forced[1])
        else:
            p, rand = model.success_probability, self.rng.random
            c0, (k0, k1) = model.code_probs[0], model.codes
            codes = []
            for _ in range(modes):
                if rand() >= p:
                    codes.append(255)
                else:
                    codes.append(k0 if rand() < c0 else k1)
        pairs, weights = self.pairs, model.weights
        for i, code in enumerate(codes):
            if code == 255:
                continue
            ha = hsa[i] if i < len(hsa) else None
            hb = hsb[i] if i < len(hsb) else None
            if ha is None or hb is None:  # a mode's qubit freed before the herald
                codes[i] = 255
                continue
            pair = Pair(weights[code].tolist(), slot, [(na, ha), (nb, hb)])
            pairs[(na, ha)] = pair
            pairs[(nb, hb)] = pair
        return codes

    def bsm(self, node: int, left: int, right: int, now: int) -> int | None:
        """Swap the pairs of ``(node, left)`` and ``(node, right)``; returns the reported m, or
        None when the BSM failed (probability ``1 - bsm_q`` of the node, drawn from the
        world's generator only when ``bsm_q < 1``, so runs with q = 1 are unchanged): both
        qubits are consumed and the far ends' qubits are left entangled with nothing."""
        ql, qr = (node, left), (node, right)
        pl, pr = self.pairs.pop(ql, None), self.pairs.pop(qr, None)
        mem = self.memory.get(node, self._default_memory)
        if mem.bsm_q < 1.0 and self.rng.random() >= mem.bsm_q:
            for p, q in ((pl, ql), (pr, qr)):
                if p is not None:
                    p.ends[p.ends.index(q)] = None
            return None
        if pl is None or pr is None:
            for p, q in ((pl, ql), (pr, qr)):
                if p is not None:
                    p.ends[p.ends.index(q)] = None
            return int(self.rng.integers(4))
        self._decohere(pl, now)
        self._decohere(pr, now)
        m, w = fastbd.sample_swap(pl.weights, pr.weights, mem.gate_p, mem.readout_eta, self.rng)
        a = pl.ends[1] if pl.ends[0] == ql else pl.ends[0]
        c = pr.ends[1] if pr.ends[0] == qr else pr.ends[0]
        new = Pair(w, now, [a, c])
        pairs = self.pairs
        if a is not None:
            pairs[a] = new
        if c is not None:
            pairs[c] = new
        return m

    def _pauli(self, q: Qubit, code: int) -> None:
        """Apply X^x Z^z of Bell ``code`` to ``q``: its pair's state b becomes b XOR code."""
        pair = self.pairs.get(q)
        if pair is not None and code:
            w = pair.weights
            pair.weights = [w[b ^ code] for b in range(4)]

    def distil(self, node: int, kept: int, sacrificed: int, protocol: str, now: int,
               frame: tuple[int, int] = (0, 0)) -> int:
        """One end's half of a bilateral distillation round; returns its measured bit.

        The round is evaluated jointly when the second end acts: both pairs are brought up
        to ``now``, ``noise.dejmps_bd`` (or ``bbpssw_bd``) gives the success probability and
        the output state (gate ``p`` = geometric mean of both ends' ``gate_p``, readout such
        that the acceptance ``eta^2 + (1-eta)^2`` equals ``eta_a eta_b + (1-eta_a)(1-eta_b)``).
        The first end's bit is uniform (a Bell-diagonal pair's local marginals are maximally
        mixed); the second end's bit equals it exactly when the round succeeds. On success the
        kept pair takes the output weights (the physical state after the protocol's rotations,
        so index 0 is still PHI_PLUS); the sacrificed pair is measured and gone.
        """
        qk, qs = (node, kept), (node, sacrificed)
        self._pauli(qk, frame[0])
        self._pauli(qs, frame[1])
        pk, ps = self.pairs.get(qk), self.pairs.pop(qs, None)
        if ps is not None:
            ps.ends[ps.ends.index(qs)] = None
        if pk is None or ps is None:
            return int(self.rng.integers(2))
        self._decohere(pk, now)
        self._decohere(ps, now)
        rec = pk.distil
        if rec is None or rec["node"] == node or rec["sacrificed"] is not ps:
            bit = int(self.rng.integers(2))
            pk.distil = {"node": node, "sacrificed": ps, "bit": bit}
            return bit
        pk.distil = None
        ma = self.memory.get(rec["node"], MemoryModel())
        mb = self.memory.get(node, MemoryModel())
        p = math.sqrt(ma.gate_p * mb.gate_p)
        g = ma.readout_eta * mb.readout_eta + (1 - ma.readout_eta) * (1 - mb.readout_eta)
        eta = (1 + math.sqrt(max(2 * g - 1, 0.0))) / 2
        fn = noise.bbpssw_bd if protocol == "BBPSSW" else noise.dejmps_bd
        res = fn(np.array(pk.weights, dtype=np.float64), np.array(ps.weights, dtype=np.float64),
                 p=p, eta=eta)
        ok = bool(self.rng.random() < float(res.success_probability))
        if ok:
            pk.weights = np.asarray(res.state, dtype=np.float64).tolist()
        return rec["bit"] if ok else 1 - rec["bit"]

    def measure(self, node: int, handle: int, basis: str, now: int) -> int:
        """Measure one qubit; both bits are sampled jointly from the pair's state."""
        q = (node, handle)
        if q in self.pending_bits:
            return self.pending_bits.pop(q)
        pair = self.pairs.get(q)
        if pair is None:
            return int(self.rng.integers(2))
        self._decohere(pair, now)
        bits = noise.measure_bd(np.array(pair.weights, dtype=np.float64), basis=basis,
                                rng=self.rng)
        i = pair.ends.index(q)
        other = pair.ends[1 - i]
        if other is not None:
            self.pending_bits[other] = int(bits[1 - i])
        return int(bits[i])

    def free(self, node: int, handle: int) -> None:
        """Discard ``(node, handle)``'s qubit."""
        q = (node, handle)
        pair = self.pairs.pop(q, None)
        self.pending_bits.pop(q, None)
        if pair is not None:
            pair.ends[pair.ends.index(q)] = None
        links = self._attempt_links.get(node)
        if not links:
            return
        attempts = self.attempts
        for link in links:  # only the links this node attempts on can name it
            cur = attempts.get(link)
            if cur is not None:
                modes = cur[1].get(node)
                if modes is not None and handle in modes:
                    modes[modes.index(handle)] = None


@dataclass
class SimDevice:
    """:class:`qvcp.reference.device.QuantumDevice` of one node, backed by the world."""

    world: World
    node: int

    def attempt(self, *, now: int, link_id: int, slot_ns: int, qubits: Sequence[int]) -> None:
        self.world.attempt(self.node, link_id, slot_ns, qubits)

    def bsm(self, *, now: int, left: int, right: int) -> int | None:
        return self.world.bsm(self.node, left, right, now)

    @property
    def bsm_success_probability(self) -> float:
        """The node's BSM success probability q, which it reports at admission (SIG-047)."""
        return self.world.memory[self.node].bsm_q

    def distil(self, *, now: int, kept: int, sacrificed: int, protocol: str,
               frame: tuple[int, int] = (0, 0)) -> int:
        return self.world.distil(self.node, kept, sacrificed, protocol, now, frame)

    def measure(self, *, now: int, qubit: int, basis: str) -> int:
        return self.world.measure(self.node, qubit, basis, now)

    def free(self, *, now: int, qubit: int) -> None:
        self.world.free(self.node, qubit)


@dataclass
class SimStationDevice:
    """:class:`qvcp.reference.device.StationDevice` backed by the world."""

    world: World

    def resolve(self, *, now: int, link_id: int, slot_ns: int, modes: int) -> list[int]:
        return self.world.resolve(link_id, slot_ns, now, modes)
