"""ERR-004.1 at the reference node: a token bucket per destination for the ERRORs it sends."""

from __future__ import annotations

from typing import Any

import pytest

from qvcp.reference.device import ScriptedDevice
from qvcp.reference.node import Node, NodeConfig

_ids = iter(range(1, 10**6))


def _bad(source: int) -> dict[str, Any]:
    """A SWAP_OUTCOME for a circuit the node does not have: answered UNKNOWN_CIRCUIT."""
    return {"version": 1, "type": "SWAP_OUTCOME", "message_id": next(_ids), "source": source,
            "destination": 2, "extensions": [], "auth": None,
            "body": {"circuit_id": 4242, "outcome_seq": 0, "left": {"link_id": 1, "seq": 1},
                     "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS",
                     "bell_index": "PHI_PLUS", "new_partner": 1}}


def _errors(node: Node, now: int, source: int, n: int) -> int:
    return sum(len(Node.sent(node.receive(now, _bad(source)))) for _ in range(n))


def test_burst_then_one_per_refill_interval_per_destination() -> None:
    node = Node(NodeConfig(node_id=2, error_burst=4, error_refill_ns=1000), ScriptedDevice())
    assert _errors(node, 0, 3, 10) == 4  # the burst
    assert _errors(node, 0, 1, 10) == 4  # another destination has its own bucket
    assert _errors(node, 999, 3, 5) == 0
    assert _errors(node, 1000, 3, 5) == 1  # one token per interval
    assert _errors(node, 2500, 3, 5) == 1  # the half interval carries over...
    assert _errors(node, 3000, 3, 5) == 1  # ...to the next token
    assert _errors(node, 10**9, 3, 10) == 4  # refilled up to the burst, not beyond
    assert node.errors_suppressed == 6 + 6 + 5 + 4 + 4 + 4 + 6


def test_no_limit_with_burst_zero_and_config_errors() -> None:
    node = Node(NodeConfig(node_id=2, error_burst=0), ScriptedDevice())
    assert _errors(node, 0, 3, 100) == 100 and node.errors_suppressed == 0
    with pytest.raises(ValueError, match=r"^NodeConfig\.error_burst"):
        NodeConfig(node_id=2, error_burst=-1)
