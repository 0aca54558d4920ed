"""What a reference node is configured with: its links and its settings (ns units), checked
against the ranges of the spec (chapter 11 section 3 for the timers) when built."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .auth import NodeAuth
from .liveness import Liveness
from .policy import Policy
from .reliable import ReliabilityConfig

__all__ = ["ROLES", "LinkConfig", "NodeConfig"]

ROLES = ("end", "router", "repeater")


@dataclass(frozen=True, kw_only=True)
class LinkConfig:
    """One link as configured at a node (chapter 03 section 1)."""

    link_id: int
    peer: int
    station: int
    slot_ns: int
    rate_mhz: int = 0
    fidelity: float = 1.0
    herald_timeout_ns: int = 0
    #: LINK-017: the link's attempt slots are the slots whose index is a multiple of this
    attempt_period: int = 1
    #: the link's signalling latency, one way to its other node (FWD-011, FWD-013; 0: not known)
    peer_delay_ns: int = 0

    def __post_init__(self) -> None:
        if self.link_id <= 0 or self.peer <= 0 or self.station <= 0:
            raise ValueError("LinkConfig: link_id, peer and station must be positive")
        if self.slot_ns <= 0:
            raise ValueError("LinkConfig.slot_ns: must be positive")
        if not 1 <= self.attempt_period <= 2**16:
            raise ValueError("LinkConfig.attempt_period: must be 1 to 65536 slots")
        if self.peer_delay_ns < 0:
            raise ValueError("LinkConfig.peer_delay_ns: must be >= 0")


@dataclass(frozen=True, kw_only=True)
class NodeConfig:
    """Everything a node needs: id, role, hardware limits, links and policies (ns units)."""

    node_id: int
    role: str = "router"
    memory_qubits: int = 4
    comm_qubits: int = 1
    t2_ns: float = float("inf")
    #: energy relaxation (amplitude damping) time of the memories; folded into the T2 a hop
    #: reports at admission (SIG-045.1)
    t1_ns: float = float("inf")
    gate_fidelity: float = 1.0
    readout_fidelity: float = 1.0
    links: tuple[LinkConfig, ...] = ()
    cutoff_ns: int = 0
    slots_per_link: int = 1
    setup_timeout_ns: int = 10**9
    #: the first TEARDOWN retransmission (SIG-034): rto_initial of chapter 11 section 3
    ack_timeout_ns: int = 2_000_000
    strict: bool = False
    #: end-to-end DEJMPS rounds the node is willing to configure as tail end (SIG-040.1)
    max_distil_rounds: int = 3
    #: as tail end: the circuits' swap schedule ("asap" or "nested", FWD-022), the cutoff of
    #: each nesting level (FWD-026; empty: the circuit cutoff split evenly) and a link-pair
    #: fidelity threshold turned into cutoffs (FWD-027; 0: none)
    swap_schedule: str = "asap"
    level_cutoffs_ns: tuple[int, ...] = ()
    fidelity_threshold: float = 0.0
    #: offer swap reports to the ends in the SETUPs it sends, and confirm them as tail end
    #: (chapter 05 section 7.2, FWD-030 to FWD-032); the node implements the mode either way
    track_ends: bool = True
    #: emit a TransitionRecord per engine transition (traces, table-coverage tests); off
    #: when nothing reads them, which saves their cost on every transition
    record_transitions: bool = True
    #: ERR-004.1: at most ``error_burst`` ERRORs to one destination at once, one more per
    #: ``error_refill_ns`` (0: no limit); the rest of the rejected messages go unanswered
    error_burst: int = 32
    error_refill_ns: int = 100_000
    #: SIG-016: admit a circuit short of memory or link rate by tearing down circuits of a
    #: strictly lower ``priority`` admitted here (reason PREEMPTED)
    preempt: bool = True
    #: message authentication (chapter 08): ``{"keys": [{"peer", "key_id", "key" (hex)}],
    #: "required": bool, "window": int}`` as :meth:`.auth.NodeAuth.of` reads it; None: none
    auth: Mapping[str, Any] | None = None
    #: chapter 11 timers (defaults of its section 3): retransmission, keepalive, failure
    rto_initial_ns: int = 2_000_000
    rto_min_ns: int = 200_000
    rto_max_ns: int = 1_000_000_000
    max_retransmissions: int = 6
    msl_ns: int = 1_000_000_000
    keepalive_interval_ns: int = 50_000_000
    dead_interval_ns: int = 0  # 0: three keepalive intervals
    link_failure_attempts: int = 1000
    #: how long a released circuit's id is remembered (REL-023, REL-025); 0: dedup_hold
    closed_linger_ns: int = 0
    #: authorisation (chapter 08 section 4): ``{"allow": [{"head", "tail"}],
    #: "max_circuits_per_head", "max_memory_per_head", "max_priority"}`` as
    #: :meth:`.policy.Policy.of` reads it; None: every circuit is allowed
    policy: Mapping[str, Any] | None = None
    #: what survives a restart on stable storage (REL-019, REL-022): this run's incarnation
    #: number and the floor of its message-id counters
    incarnation: int = 1
    message_id_floor: int = 0
    #: what the node's keyed exchanges left on stable storage (:meth:`.auth.NodeAuth.persisted`:
    #: per-peer counter floors and highest accepted ids, SEC-013, SEC-014); None: a first start
    auth_storage: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"NodeConfig.role: {self.role!r} is not one of {ROLES}")
        if not 0 < self.node_id < 2**32:
            raise ValueError("NodeConfig.node_id: must be 1..2^32-1")
        if self.swap_schedule not in ("asap", "nested"):
            raise ValueError(f"NodeConfig.swap_schedule: {self.swap_schedule!r} is not 'asap' or "
                             "'nested'")
        if self.memory_qubits < 1 or self.comm_qubits < 1:
            raise ValueError("NodeConfig: memory_qubits and comm_qubits must be >= 1")
        for name in ("gate_fidelity", "readout_fidelity"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"NodeConfig.{name}: must be in [0, 1]")
        if self.error_burst < 0 or self.error_refill_ns < 0:
            raise ValueError("NodeConfig.error_burst, error_refill_ns: must be >= 0")
        try:
            NodeAuth.of(self.auth)
            Policy.of(self.policy)
        except ValueError as err:
            raise ValueError(f"NodeConfig.{err}") from None
        try:
            self.reliability()
            Liveness(interval_ns=self.keepalive_interval_ns, dead_ns=self.dead_ns)
        except ValueError as err:
            raise ValueError(f"NodeConfig.{err}") from None
        if self.closed_linger_ns and self.closed_linger_ns < self.reliability().dedup_hold_ns:
            raise ValueError("NodeConfig.closed_linger_ns: must be at least dedup_hold (spec "
                             "chapter 11 section 3)")
        if not 1 <= self.link_failure_attempts <= 2**20:
            raise ValueError("NodeConfig.link_failure_attempts: must be 1..2^20 (spec chapter 11 "
                             "section 3)")

    @property
    def dead_ns(self) -> int:
        """``dead_interval_ns``, or three keepalive intervals when it is 0."""
        return self.dead_interval_ns or 3 * self.keepalive_interval_ns

    def reliability(self) -> ReliabilityConfig:
        """The retransmission settings (chapter 11 section 3)."""
        return ReliabilityConfig(self.rto_initial_ns, self.rto_min_ns, self.rto_max_ns,
                                 self.max_retransmissions, self.msl_ns)
