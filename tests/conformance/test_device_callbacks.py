"""Device callbacks over stdio: the harness lends its device for the node's whole life."""

import sys
from collections.abc import Iterator

import pytest
from conformance_helpers import HERE

from qvcp.conformance.cases import CaseContext
from qvcp.conformance.drivers.stdio import StdioTransport
from qvcp.conformance.node_harness import NodeUnderTest, link_config
from qvcp.conformance.protocol import DriverError
from qvcp.conformance.session import Session

FAKE = f"{sys.executable} {HERE / 'device_fake.py'}"


@pytest.fixture
def node() -> Iterator[NodeUnderTest]:
    session = Session(StdioTransport(FAKE, timeout=5), harness="test")
    impl = session.start()
    node = NodeUnderTest(ctx=CaseContext(session=session, seed=0, implementation=impl),
                         node_id=2, config={"role": "router", "memory_qubits": 4,
                                            "links": [link_config(2, 1), link_config(2, 3)]})
    yield node
    session.close()


def test_device_calls_are_answered_during_every_node_verb(node: NodeUnderTest) -> None:
    node.device.bsm_codes.append(2)
    node.start()
    node.inject("HERALD", 1001, {"link_id": 1, "slot_ns": 1000, "attempt_id_a": 1,
                                 "attempt_id_b": 1,
                                 "results": [{"outcome": "PSI_PLUS", "seq": 1}]}, at=1500)
    assert node.app == [{"bsm_code": 2}]  # the scripted BSM result reached the node
    node.advance(3000)
    assert node.status()["qubits_in_use"] == 0
    verbs = [verb for verb, _ in node.device.calls]
    # start: attempt; inject: advance (free) then receive (bsm); advance: free; status: measure
    assert verbs == ["device.attempt", "device.free", "device.bsm", "device.free",
                     "device.measure"]
    assert node.device.calls[2][1] == {"now_ns": 1500, "left": 0, "right": 1}


def test_a_request_without_a_lent_device_refuses_the_call(node: NodeUnderTest) -> None:
    node.start()
    with pytest.raises(DriverError, match="harness lends no device"):
        node.ctx.call("node.receive", now_ns=0, message={})  # no device: as before the fix
