"""Requests at one endpoint under arbitrary sequences of requests, closes, herald outcomes
and time (DLV-102.1, DLV-102.2, DLV-013, DLV-005, DLV-011.2), checked against what chapter 06
promises the application: every request ends exactly once, either met (num_pairs deliveries
carrying its request_id, no ERROR for it) or failed (one ERROR echoing its PAIR_REQUEST, no
more than num_pairs deliveries); requests are served one at a time in the order received; and
nothing is left held when the endpoint is closed. A failing case prints its replay
(``@reproduce_failure``)."""

from __future__ import annotations

from collections import deque
from typing import Any

from harness import Harness
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SUCCESS, FAIL = 1, 255

request = st.tuples(st.just("request"), st.integers(1, 3),
                    st.none() | st.integers(200, 6000))  # num_pairs, deadline after now
op = request | st.tuples(st.just("advance"), st.integers(1, 3000), st.none()) | st.tuples(
    st.just("close"), st.none(), st.none())


@settings(max_examples=120, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(op, min_size=1, max_size=12),
       outcomes=st.lists(st.sampled_from([SUCCESS, FAIL]), min_size=0, max_size=40))
def test_every_request_ends_once_in_order(ops: list[tuple[Any, ...]],
                                          outcomes: list[int]) -> None:
    # memory for every pair the requests can ask for: the application here never consumes
    # (a held delivered pair keeps its slot, DLV-103), and a full memory stops generation
    h = Harness(["end", "end"], memory=64)
    h.resolve_by_link[1] = deque(outcomes + [SUCCESS] * 200)
    for node, remote in ((2, 1), (1, 2)):
        h.inject(node, "OPEN_ENDPOINT", {"endpoint": 5, "remote_node": remote,
                                         "remote_endpoint": 5})
    asked: list[dict[str, Any]] = []  # the PAIR_REQUEST bodies, with their message_id
    for kind, a, b in ops:
        if kind == "request":
            mid = 100 + len(asked)
            body = {"endpoint": 5, "request_id": mid, "num_pairs": a, "min_fidelity": 0,
                    "min_rate_mhz": 0, "deadline_ns": h.now + b if b else 0, "priority": 0}
            h.inject(1, "PAIR_REQUEST", body, message_id=mid)
            asked.append({**body, "message_id": mid})
        elif kind == "advance":
            h.run(h.now + a)
        else:  # close and reopen: every pending request fails (DLV-005)
            h.inject(1, "CLOSE_ENDPOINT", {"endpoint": 5})
            h.inject(1, "OPEN_ENDPOINT", {"endpoint": 5, "remote_node": 2,
                                          "remote_endpoint": 5})
    h.run(h.now + 200_000)  # long enough for every request to end
    errors = [m["body"] for m in h.app_of(1, "ERROR")]
    served = [m["body"]["request_id"] for m in h.app_of(1, "PAIR_DELIVERY")]
    for req in asked:
        mine = [e for e in errors if e["offending_message_id"] == req["message_id"]]
        got = served.count(req["request_id"])
        assert len(mine) <= 1, f"request {req['request_id']} failed twice: {mine}"
        if mine:
            assert got <= req["num_pairs"], f"request {req['request_id']} over-delivered"
        else:
            assert got == req["num_pairs"], (
                f"request {req['request_id']} neither met ({got} of {req['num_pairs']} pairs) "
                "nor failed")
    # one at a time, in the order received: deliveries never go back to an earlier request
    order = [r["request_id"] for r in asked]
    ranks = [order.index(rid) for rid in served]
    assert ranks == sorted(ranks), f"deliveries out of request order: {served}"
    h.inject(1, "CLOSE_ENDPOINT", {"endpoint": 5})
    assert h.nodes[1].memory_in_use() == 0
