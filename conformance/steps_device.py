"""Step definitions for node-profile scenarios about the quantum device the harness lends the
node: the outcomes it is scripted to report, the calls the node made on it (Bell-state
measurements, distillation rounds, freed qubits) and the memory the node holds.

Loaded after :mod:`.steps_node`, whose helpers these steps use.
"""

from __future__ import annotations

import json

from pytest_bdd import parsers, then, when

from qvcp.conformance.bdd import World
from qvcp.conformance.cases import require
from qvcp.conformance.node_harness import BELL
from qvcp.conformance.steps_node import _checked, _node


@when(parsers.re(r"the station's device will report (?P<names>[A-Z_]+(?:, [A-Z_]+)*)$"))
def script_outcomes(world: World, names: str) -> None:
    _node(world).device.outcomes.extend(names.split(", "))


@when(parsers.re(r"the device will report Bell-state measurement (?P<name>[A-Z_]+)$"))
def script_bsm(world: World, name: str) -> None:
    _node(world).device.bsm_codes.append(BELL.index(name))


@then(parsers.re(r"the ATTEMPTs the node sent use at most (?P<n>\d+) modes? in all$"))
def attempt_modes_at_most(world: World, n: str) -> None:
    node = _checked(world)
    found = node.sent("ATTEMPT")
    require(bool(found), "the node sent no ATTEMPT", sent=node.recent)
    total = sum(m["body"]["modes"] for m in found)
    require(total <= int(n), f"the node's ATTEMPTs use {total} modes in all, more than {n}",
            sent=found)


@then(parsers.re(r"the node holds (?P<n>\d+) memory qubits?$"))
def holds(world: World, n: str) -> None:
    node = _checked(world)
    status = node.status()
    require(status["qubits_in_use"] == int(n), f"the node holds {status['qubits_in_use']} "
            f"memory qubits, expected {n}", status=status)


@then(parsers.re(r"the node holds (?P<n>\d+) memory qubits? besides those of its unanswered "
                 r"attempts$"))
def holds_besides_attempts(world: World, n: str) -> None:
    """Memory in use less one qubit per mode of each ATTEMPT not yet heralded: the node may
    already attempt again in the slot after the one heralded."""
    node = _checked(world)
    status = node.status()
    attempting = node.qubits_attempting()
    got = status["qubits_in_use"] - attempting
    require(got == int(n), f"the node holds {status['qubits_in_use']} memory qubits, "
            f"{attempting} of them in unanswered attempts: {got} besides them, expected {n}",
            status=status, attempts=node.attempts)


@when(parsers.re(r"the device will report distillation bit (?P<bit>[01])$"))
def script_distil(world: World, bit: str) -> None:
    _node(world).device.distil_bits.append(int(bit))


def _require_device_calls(world: World, verb: str, n: str, done: str) -> None:
    """Require exactly ``n`` calls of ``verb`` on the lent device; ``done`` words the count
    (``{}`` is replaced by it) in the failure message."""
    calls = _checked(world).device.of(verb)
    require(len(calls) == int(n), f"the node {done.format(len(calls))} on the device, "
            f"expected {n}", calls=calls)


@then(parsers.re(r"the device was asked for (?P<n>\d+) distillations?$"))
def distillations(world: World, n: str) -> None:
    _require_device_calls(world, "device.distil", n, "performed {} distillation rounds")


@then(parsers.re(r"the device was asked to free (?P<n>\d+) qubits? in all$"))
def frees_in_all(world: World, n: str) -> None:
    _require_device_calls(world, "device.free", n, "freed {} qubits")


@then(parsers.re(r"the device's last distillation (?:had frame (?P<frame>\[\d, \d\])|had no "
                 r"frame correction)$"))
def distil_frame(world: World, frame: str | None) -> None:
    node = _checked(world)
    calls = node.device.of("device.distil")
    require(bool(calls), "the node performed no distillation round on the device")
    got = calls[-1].get("frame", [0, 0])
    want = json.loads(frame) if frame else [0, 0]
    require(list(got) == want, f"device.distil had frame {got}, expected {want} (TRK-021: the "
            "end with the higher node id corrects both pairs' tracked codes)", call=calls[-1])


@then(parsers.re(r"the device's last Bell-state measurement was on the qubits of mode "
                 r"(?P<lm>\d+) on link (?P<ll>\d+) and mode (?P<rm>\d+) on link (?P<rl>\d+)$"))
def bsm_qubits(world: World, lm: str, ll: str, rm: str, rl: str) -> None:
    """The modes are those of the last attempt the station heralded on each link."""
    node = _checked(world)
    calls = node.device.of("device.bsm")
    require(bool(calls), "the node performed no Bell-state measurement on the device")
    want = []
    for mode, link in ((int(lm), int(ll)), (int(rm), int(rl))):
        qubits = node.heralded_qubits(link)
        require(mode < len(qubits), f"the node attempted with {len(qubits)} qubits in the slot "
                f"heralded on link {link}, no mode {mode} (device.attempt once per mode, "
                "LINK-001.3)", calls=node.device.calls)
        want.append(qubits[mode])
    got = [calls[-1].get("left"), calls[-1].get("right")]
    require(got == want, f"device.bsm measured qubits {got}, expected {want}: the pairs of the "
            f"results of mode {lm} on link {ll} and of mode {rm} on link {rl} (LINK-013.1)",
            call=calls[-1], attempts={str(k): v for k, v in node.attempt_qubits.items()})
