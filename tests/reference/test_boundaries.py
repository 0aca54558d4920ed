"""The error boundaries of a node and a heralding station under arbitrary valid messages:
no exception escapes, and everything sent is a valid message from the sender (ERR-001,
ERR-003, WIRE-013.2), whatever the type, addressing or (random) authentication trailer."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qvcp.reference.device import ScriptedDevice
from qvcp.reference.node import LinkConfig, Node, NodeConfig
from qvcp.reference.station import Station
from qvcp.schemas import validate_message
from qvcp.schemas.strategies import messages

KEY = "5a" * 16


def _router() -> Node:
    links = (LinkConfig(link_id=1, peer=1, station=1001, slot_ns=1000),
             LinkConfig(link_id=2, peer=3, station=1002, slot_ns=1000))
    return Node(NodeConfig(node_id=2, role="router", links=links, strict=True,
                           auth={"keys": [{"peer": 3, "key_id": 9, "key": KEY}]}),
                ScriptedDevice())


def _aimed(msg: dict[str, Any], dest: int, sources: list[int], pick: int) -> dict[str, Any]:
    """Mostly addressed to ``dest`` from a plausible source, so the checks past WIRE-013.2 run."""
    return {**msg, "destination": dest, "source": sources[pick % len(sources)]}


@settings(max_examples=300, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(msgs=st.lists(st.tuples(messages(signed=False) | messages(signed=True),
                               st.integers(0, 7)), min_size=1, max_size=8),
       misaddressed=st.booleans())
def test_a_keyed_router_answers_anything_with_valid_messages(
        msgs: list[tuple[dict[str, Any], int]], misaddressed: bool) -> None:
    node = _router()
    for now, (msg, pick) in enumerate(msgs):
        m = msg if misaddressed else _aimed(msg, 2, [1, 3, 2, 1001, 1002], pick)
        for out in Node.sent(node.receive(now * 100, m)):
            validate_message(out)
            assert out["source"] == 2
        for out in Node.sent(node.on_timer(now * 100 + 50)):
            validate_message(out)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(msgs=st.lists(st.tuples(messages(), st.integers(0, 3)), min_size=1, max_size=8))
def test_a_station_answers_anything_with_valid_messages(
        msgs: list[tuple[dict[str, Any], int]]) -> None:
    st_ = Station.of(station_id=1001, link_id=1, nodes=(1, 2), device=ScriptedDevice(),
                     strict=True)
    for now, (msg, pick) in enumerate(msgs):
        for out in Station.sent(st_.receive(now * 100, _aimed(msg, 1001, [1, 2, 3], pick))):
            validate_message(out)
            assert out["source"] == 1001 and (out["type"] != "ERROR" or msg["type"] != "ERROR")
        for out in Station.sent(st_.on_timer(now * 100 + 50)):
            validate_message(out)
