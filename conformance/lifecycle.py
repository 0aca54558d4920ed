"""The circuit lifecycle as a Hypothesis state machine, driven through the node profile.

Router node 2 on the line 1 - 2 - 3 (four memory qubits: two circuits at most, SIG-101.1) gets
random interleavings of SETUP, CONFIRM, REJECT, TEARDOWN and TEARDOWN_ACK from its
neighbours, clock advances (cutoffs, timers) and stray ERRORs. A small model of chapter 05
predicts every answer; the node's memory use is checked after every step.

Run as the case ``node.prop.circuit-lifecycle`` with the case's seed; a failure carries the
shrunk program in its evidence and the usual one-line replay command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from qvcp.conformance.cases import Case, CaseContext, CaseFailure, require
from qvcp.conformance.node_harness import (
    SLOT_NS,
    NodeUnderTest,
    baseline_rules,
    link_config,
    setup_body,
)
from qvcp.conformance.properties import _capture_reports, quiet_settings
from qvcp.schemas import ErrorCode

__all__ = ["LIFECYCLE_CASE", "lifecycle_case"]

Json = dict[str, Any]
ROUTE = [1, 2, 3]
NEED = 2  # memory qubits one circuit reserves at the router (one per link, SIG-101.1)
MEMORY = 4
LIFECYCLE_CASE = "node.prop.circuit-lifecycle"
LIFECYCLE_EXAMPLES = 25
LIFECYCLE_STEPS = 15


@dataclass
class Model:
    """What chapter 05 says the node holds: circuit id -> state."""

    states: dict[int, str] = field(default_factory=dict)
    next_id: int = 100

    def reserved(self) -> int:
        return NEED * sum(s in ("PENDING", "ESTABLISHED") for s in self.states.values())

    def ids(self, *states: str) -> list[int]:
        return sorted(c for c, s in self.states.items() if s in states)


def _machine(ctx: CaseContext) -> type[RuleBasedStateMachine]:
    class CircuitLifecycle(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.model = Model()
            self.last_busy = 0
            self.node = NodeUnderTest(ctx=ctx, node_id=2, config={
                "role": "router", "memory_qubits": MEMORY, "comm_qubits": 2,
                "links": [link_config(2, 1), link_config(2, 3)]})
            self.node.start()

        def _send(self, mtype: str, source: int, body: Json) -> list[Json]:
            if self.model.ids("PENDING", "ESTABLISHED", "CLOSING"):
                self.last_busy = self.node.now
            self.node.clear()
            self.node.inject(mtype, source, body)
            return list(self.node.recent)

        @rule()
        def new_setup(self) -> None:
            cid = self.model.next_id
            self.model.next_id += 1
            sent = self._send("SETUP", 1, setup_body(cid, ROUTE, 2))
            if self.model.reserved() + NEED <= MEMORY:
                require(any(m["type"] == "SETUP" and m["destination"] == 3 for m in sent),
                        f"SETUP of circuit {cid} was not forwarded although memory was free "
                        "(SIG-001.2/SIG-002.1)", sent=sent)
                self.model.states[cid] = "PENDING"
            else:
                require(any(m["type"] == "REJECT" and m["body"]["reason"] == "NO_RESOURCES"
                            for m in sent), f"SETUP of circuit {cid} beyond the memory was not "
                        "refused with NO_RESOURCES (SIG-002.3)", sent=sent)

        # CLOSING is left out: SETUP during CLOSING has its own scenario (a known finding).
        @precondition(lambda self: self.model.ids("PENDING", "ESTABLISHED"))
        @rule(data=st.data())
        def duplicate_setup(self, data: st.DataObject) -> None:
            cid = data.draw(st.sampled_from(self.model.ids("PENDING", "ESTABLISHED")))
            sent = self._send("SETUP", 1, setup_body(cid, ROUTE, 2))
            require(any(m["type"] == "ERROR" and m["body"]["code"] ==
                        ErrorCode.DUPLICATE_CIRCUIT for m in sent),
                    f"second SETUP of circuit {cid} not refused with DUPLICATE_CIRCUIT "
                    "(SIG-004)", sent=sent, state=self.model.states[cid])

        @precondition(lambda self: self.model.ids("PENDING"))
        @rule(data=st.data())
        def confirm(self, data: st.DataObject) -> None:
            cid = data.draw(st.sampled_from(self.model.ids("PENDING")))
            sent = self._send("CONFIRM", 3, {"circuit_id": cid, "expected_rate_mhz": 1000,
                                             "expected_fidelity": 58000,
                                             "rules": baseline_rules(cid, ROUTE, cutoff_ns=0)})
            require(any(m["type"] == "CONFIRM" and m["destination"] == 1 for m in sent),
                    f"CONFIRM of circuit {cid} not forwarded upstream (SIG-010.2)", sent=sent)
            self.model.states[cid] = "ESTABLISHED"

        @precondition(lambda self: self.model.ids("ESTABLISHED"))
        @rule(data=st.data())
        def confirm_again(self, data: st.DataObject) -> None:
            cid = data.draw(st.sampled_from(self.model.ids("ESTABLISHED")))
            sent = self._send("CONFIRM", 3, {"circuit_id": cid, "expected_rate_mhz": 1000,
                                             "expected_fidelity": 58000,
                                             "rules": baseline_rules(cid, ROUTE, cutoff_ns=0)})
            require(any(m["type"] == "ERROR" and m["body"]["code"] ==
                        ErrorCode.UNEXPECTED_MESSAGE for m in sent),
                    f"CONFIRM for established circuit {cid} not refused as unexpected "
                    "(SIG-006.1)", sent=sent)

        @precondition(lambda self: self.model.ids("PENDING"))
        @rule(data=st.data())
        def reject(self, data: st.DataObject) -> None:
            cid = data.draw(st.sampled_from(self.model.ids("PENDING")))
            sent = self._send("REJECT", 3, {"circuit_id": cid, "reason": "BUSY",
                                            "rejecting_node": 3, "retry_after_ns": 0})
            require(any(m["type"] == "REJECT" and m["destination"] == 1 for m in sent),
                    f"REJECT of circuit {cid} not forwarded upstream (SIG-020.2)", sent=sent)
            self.model.states[cid] = "CLOSED"

        @rule(data=st.data())
        def tear_down_circuit(self, data: st.DataObject) -> None:
            known = self.model.ids("PENDING", "ESTABLISHED", "CLOSED")
            cid = data.draw(st.sampled_from([*known, 9999]))
            state = self.model.states.get(cid, "IDLE")
            sent = self._send("TEARDOWN", 1, {"circuit_id": cid, "reason": "NORMAL"})
            acks = [m for m in sent if m["type"] == "TEARDOWN_ACK" and m["destination"] == 1]
            require(bool(acks), f"TEARDOWN of circuit {cid} ({state}) not acknowledged "
                    "(SIG-031/SIG-033)", sent=sent)
            want = NEED if state in ("PENDING", "ESTABLISHED") else 0
            require(acks[0]["body"]["released_memory"] == want,
                    f"TEARDOWN_ACK of circuit {cid} ({state}) reports released_memory "
                    f"{acks[0]['body']['released_memory']}, expected {want} (SIG-033)",
                    ack=acks[0])
            if state in ("PENDING", "ESTABLISHED"):
                require(any(m["type"] == "TEARDOWN" and m["destination"] == 3 for m in sent),
                        f"TEARDOWN of circuit {cid} not forwarded downstream (SIG-032.1)",
                        sent=sent)
                self.model.states[cid] = "CLOSING"

        @precondition(lambda self: self.model.ids("CLOSING"))
        @rule(data=st.data())
        def teardown_ack(self, data: st.DataObject) -> None:
            cid = data.draw(st.sampled_from(self.model.ids("CLOSING")))
            sent = self._send("TEARDOWN_ACK", 3, {"circuit_id": cid, "released_memory": NEED})
            require(not sent, f"TEARDOWN_ACK of closing circuit {cid} was answered", sent=sent)
            self.model.states[cid] = "CLOSED"

        @rule(step=st.integers(min_value=1, max_value=5000))
        def advance(self, step: int) -> None:
            if self.model.ids("PENDING", "ESTABLISHED", "CLOSING"):
                self.last_busy = self.node.now + step
            self.node.clear()
            self.node.advance(self.node.now + step)
            errors = self.node.sent("ERROR")
            require(not errors, "the node sent ERROR on its own timers", sent=errors)

        @rule(code=st.sampled_from([513, 771, 65000]))
        def stray_error(self, code: int) -> None:
            sent = self._send("ERROR", 1, {"code": code, "offending_message_id": 0,
                                           "offending_type": 0, "field": "", "detail": "x"})
            require(not any(m["type"] == "ERROR" for m in sent),
                    "the node answered an ERROR with an ERROR (ERR-003)", sent=sent)

        @invariant()
        def memory_within_bounds(self) -> None:
            status = self.node.status()
            require(status["qubits_in_use"] <= MEMORY, "more memory qubits in use than the "
                    "node has", status=status)
            if not self.model.ids("PENDING", "ESTABLISHED", "CLOSING") and \
                    self.model.states and self.node.now > self.last_busy + 4 * SLOT_NS:
                require(status["qubits_in_use"] == 0, "memory still occupied well after every "
                        "circuit was released (SIG-030, LINK-009)", status=status)

    return CircuitLifecycle


def _run(ctx: CaseContext) -> None:
    machine = hypothesis_seed(ctx.seed)(_machine(ctx))
    with _capture_reports() as lines:
        try:
            run_state_machine_as_test(machine, settings=quiet_settings(
                LIFECYCLE_EXAMPLES, stateful_step_count=LIFECYCLE_STEPS))
        except CaseFailure as exc:
            notes = [n for n in getattr(exc, "__notes__", []) if n.strip()]
            exc.evidence.setdefault("program", (notes or lines)[-30:])
            raise


def lifecycle_case() -> Case:
    """The state-machine case."""
    return Case(id=LIFECYCLE_CASE, profile="node", run=_run, randomised=True,
                chapter="05-signalling",
                tags=("property", "state-machine"),
                title="Random interleavings of SETUP, CONFIRM, REJECT, TEARDOWN, acks, clock "
                      "and stray ERRORs follow the circuit state machine",
                requirements=("SIG-001.2", "SIG-002.1", "SIG-002.3", "SIG-004", "SIG-006.1",
                              "SIG-010.2", "SIG-020.2", "SIG-031", "SIG-032.1",
                              "SIG-033", "ERR-003"))
