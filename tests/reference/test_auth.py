"""Message authentication at a node (spec chapter 08): the anti-replay window against a plain
oracle, the key configuration's errors, and two nodes talking over signed messages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qvcp.reference.auth import NodeAuth, ReplayWindow
from qvcp.reference.device import ScriptedDevice
from qvcp.reference.engines.base import ProtocolError
from qvcp.reference.node import Node, NodeConfig
from qvcp.schemas import ErrorCode, encode, verify

KEY = "a5" * 32
U32 = 2**32


def _oracle(ids: list[int], size: int) -> list[bool]:
    """SEC-011.2 read literally: accept an id not accepted before and less than ``size`` behind
    the highest accepted one (serial-number order modulo 2^32)."""
    accepted: set[int] = set()
    highest: int | None = None
    out = []
    for i in ids:
        if highest is None:
            ok = True
        else:
            ahead = (i - highest) % U32
            newer = 0 < ahead < U32 // 2
            ok = newer or ((highest - i) % U32 < size and i not in accepted)
        if ok:
            accepted.add(i)
            if highest is None or 0 < (i - highest) % U32 < U32 // 2:
                highest = i
        out.append(ok)
    return out


@settings(max_examples=300, derandomize=True)
@given(start=st.sampled_from([1, 1000, U32 - 40]), size=st.sampled_from([1, 8, 64]),
       steps=st.lists(st.integers(-80, 80), min_size=1, max_size=60))
def test_replay_window_matches_the_rule(start: int, size: int, steps: list[int]) -> None:
    """Ids near a start (wrapping past 2^32 from U32 - 40), repeats and reorders included."""
    ids = [(start + s) % U32 for s in steps]
    window = ReplayWindow(size)
    assert [window.admit(i) for i in ids] == _oracle(ids, size), ids


def test_replay_window_edges() -> None:
    w = ReplayWindow(4)
    assert w.admit(10) and not w.admit(10)
    assert w.admit(7)  # 3 behind: inside a window of 4
    assert not w.admit(6)  # 4 behind: older than the window
    assert not w.admit(7)  # accepted before, still inside
    assert w.admit(12)  # newer: the window slides
    assert w.admit(9) and not w.admit(8)  # 3 behind and never seen; 4 behind
    w = ReplayWindow(4)
    assert w.admit(U32 - 1) and w.admit(1) and w.admit(0)  # across the wrap of 2^32
    assert not w.admit(U32 - 1) and not w.admit(U32 - 3)


@pytest.mark.parametrize(("auth", "field"), [
    ({"keys": [{"peer": 3, "key_id": 9}]}, "auth.keys[0]"),
    ({"keys": [{"peer": 3, "key_id": 9, "key": "xyz"}]}, "auth.keys[0]"),
    ({"keys": [{"peer": 3, "key_id": 9, "key": ""}]}, "auth.keys[0]"),
    ({"keys": [{"peer": 3, "key_id": 9, "key": KEY}, {"peer": 3, "key_id": 9, "key": KEY}]},
     "auth.keys[1]"),
    ({"keys": [{"peer": 3, "key_id": 9, "key": KEY, "suite": 3}]}, "auth.keys[0].suite"),
    ({"keys": [], "window": 0}, "auth.window"),
])
def test_bad_key_configuration_names_the_field(auth: dict, field: str) -> None:
    with pytest.raises(ValueError) as info:
        NodeConfig(node_id=2, auth=auth)
    assert str(info.value).startswith(f"NodeConfig.{field}:"), info.value


def _pair() -> tuple[Node, Node]:
    nodes = []
    for me, peer in ((1, 2), (2, 1)):
        cfg = NodeConfig(node_id=me, role="end",
                         auth={"keys": [{"peer": peer, "key_id": 4, "key": KEY}]})
        nodes.append(Node(cfg, ScriptedDevice()))
    return nodes[0], nodes[1]


def _teardown(node: Node, dest: int, cid: int = 99) -> dict:
    return node.ctx.factory.make("TEARDOWN", dest, {"circuit_id": cid, "reason": "NORMAL"})


def test_two_keyed_nodes_accept_each_other_and_refuse_a_forgery() -> None:
    """What one sends verifies at the other (numbered 1, 2, ... per destination, SEC-010); a
    tag made with another key is AUTH_FAILED (answered with a signed ERROR, SEC-005); a
    replay is dropped without an answer (SEC-011.2)."""
    a, b = _pair()
    first, second = _teardown(a, 2), _teardown(a, 2)
    assert (first["message_id"], second["message_id"]) == (1, 2)
    verify(encode(first), {4: bytes.fromhex(KEY)})
    out = b.sent(b.receive(0, first))  # unknown circuit: a TEARDOWN_ACK all the same
    assert [m["type"] for m in out] == ["TEARDOWN_ACK"]
    assert out[0]["auth"] is not None and out[0]["message_id"] == 1
    assert b.sent(b.receive(1, first)) == []  # the replay
    forged = dict(second, auth={"key_id": 4, "tag": "00" * 32})
    (err,) = b.sent(b.receive(2, forged))
    assert err["type"] == "ERROR" and err["body"]["code"] == ErrorCode.AUTH_FAILED
    assert err["body"]["field"] == "auth.tag"
    verify(encode(err), {4: bytes.fromhex(KEY)})
    assert [m["type"] for m in b.sent(b.receive(3, second))] == ["TEARDOWN_ACK"]


def test_unkeyed_sources_are_not_checked_and_unkeyed_destinations_not_signed() -> None:
    a, _ = _pair()
    msg = _teardown(a, 3)
    assert msg["auth"] is None
    auth = NodeAuth.of({"keys": [{"peer": 2, "key_id": 4, "key": KEY}]})
    assert auth is not None and auth.admit({**msg, "source": 3, "destination": 1})


def test_missing_trailer_is_auth_required_unless_not_required() -> None:
    auth = NodeAuth.of({"keys": [{"peer": 2, "key_id": 4, "key": KEY}]})
    lax = NodeAuth.of({"keys": [{"peer": 2, "key_id": 4, "key": KEY}], "required": False})
    msg = {"version": 1, "type": "TEARDOWN", "message_id": 5, "source": 2, "destination": 1,
           "body": {"circuit_id": 1, "reason": "NORMAL"}, "extensions": [], "auth": None}
    assert auth is not None and lax is not None
    with pytest.raises(ProtocolError) as info:
        auth.admit(msg)
    assert info.value.code == ErrorCode.AUTH_REQUIRED and info.value.field == "auth"
    assert lax.admit(msg)


def _bare_teardown(mid: int) -> dict:
    return {"version": 1, "type": "TEARDOWN", "message_id": mid, "source": 3, "destination": 2,
            "body": {"circuit_id": 7, "reason": "NORMAL"}, "extensions": [], "auth": None}


def test_suite_two_is_hmac_over_sha3_256_as_rfc_2104_builds_it() -> None:
    """SEC-008: suite 2's tag, against HMAC written out from RFC 2104 over hashlib's SHA3-256
    (ipad 0x36, opad 0x5c, SHA3-256's block of 136 bytes), not against the code's own HMAC."""
    import hashlib

    from qvcp.schemas import tag_of

    key, data = bytes(range(32)), b"qvcp suite two"
    block = 136  # SHA3-256 rate in bytes (FIPS 202)
    k = key.ljust(block, b"\0")
    inner = hashlib.sha3_256(bytes(b ^ 0x36 for b in k) + data).digest()
    oracle = hashlib.sha3_256(bytes(b ^ 0x5C for b in k) + inner).digest()
    assert tag_of(key, data, 2) == oracle
    assert tag_of(key, data, 1) != oracle


def test_a_peer_is_heard_under_each_of_its_keys_and_signed_to_under_the_last() -> None:
    """SEC-007.1, SEC-007.2, SEC-008: two keys for one peer, the second of suite 2; one
    counter and one replay window for the peer across both keys (SEC-010, SEC-011)."""
    from qvcp.schemas import trailer

    a, b = bytes([1]) * 32, bytes([2]) * 32
    auth = NodeAuth.of({"keys": [{"peer": 3, "key_id": 9, "key": a.hex()},
                                 {"peer": 3, "key_id": 10, "key": b.hex(), "suite": 2}]})
    assert auth is not None
    old = _bare_teardown(5)
    old["auth"] = trailer(old, key=a, key_id=9)
    new = _bare_teardown(6)
    new["auth"] = trailer(new, key=b, key_id=10, suite=2)
    assert auth.admit(old) and auth.admit(new)
    assert not auth.admit(dict(old))  # a replay, under either key
    wrong = _bare_teardown(7)
    wrong["auth"] = trailer(wrong, key=b, key_id=10, suite=1)
    with pytest.raises(ProtocolError) as info:
        auth.admit(wrong)
    assert info.value.code == ErrorCode.AUTH_FAILED
    out = auth.sign({**_bare_teardown(1), "source": 2, "destination": 3})
    assert out["auth"]["key_id"] == 10
    verify(encode(out), {10: b}, {10: 2})
