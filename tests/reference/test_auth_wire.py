"""A signed message keeps the bytes it was signed as; a receiver verifies those instead of
encoding the message again, and refuses a message changed after it was signed as before."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from qvcp.reference import auth
from qvcp.reference.auth import NodeAuth, SignedAuth, sign_json, verify_bytes
from qvcp.reference.engines.base import ProtocolError
from qvcp.schemas import ErrorCode, encode

KEY = "ab" * 16


def _pair() -> tuple[NodeAuth, NodeAuth]:
    """Node 2 and node 3, sharing key 9."""
    sender = NodeAuth.of({"keys": [{"peer": 3, "key_id": 9, "key": KEY}]})
    receiver = NodeAuth.of({"keys": [{"peer": 2, "key_id": 9, "key": KEY}]})
    assert sender is not None and receiver is not None
    return sender, receiver


def _signed(sender: NodeAuth) -> dict[str, Any]:
    msg = {"version": 1, "type": "TEARDOWN", "message_id": 1, "source": 2, "destination": 3,
           "body": {"circuit_id": 7, "reason": "NORMAL"}, "extensions": [], "auth": None}
    return sender.sign(msg)


def test_the_signed_bytes_are_the_message_s_binary_form() -> None:
    msg = _signed(_pair()[0])
    assert isinstance(msg["auth"], SignedAuth)
    assert msg["auth"] == {"key_id": 9, "tag": msg["auth"]["tag"]}
    assert type(msg["auth"]["tag"]) is str and len(msg["auth"]["tag"]) == 64
    assert msg["auth"].wire == encode(msg)
    assert verify_bytes(msg["auth"].wire, {9: bytes.fromhex(KEY)}) == msg


def test_a_signed_message_is_verified_without_encoding_it_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sender, receiver = _pair()
    msg = _signed(sender)

    def no_encode(_: Any) -> bytes:
        raise AssertionError("encoded again")

    monkeypatch.setattr(auth, "encode", no_encode)
    assert receiver.admit(msg, me=3) is True
    assert receiver.admit(msg, me=3) is False  # the same message again: a replay


@pytest.mark.parametrize("change", ["in place", "copied"])
def test_a_message_changed_after_signing_is_refused(change: str) -> None:
    sender, receiver = _pair()
    msg = _signed(sender)
    if change == "copied":
        msg = copy.deepcopy(msg)
        assert msg["auth"].wire == _signed(_pair()[0])["auth"].wire  # the bytes came along
    msg["body"]["circuit_id"] = 8  # its kept bytes still say 7
    with pytest.raises(ProtocolError) as err:
        receiver.admit(msg, me=3)
    assert err.value.code == ErrorCode.AUTH_FAILED


def test_a_message_signed_elsewhere_is_encoded_and_verified() -> None:
    """A plain ``auth`` dict, as a harness sends it: verified over the message's encoding."""
    sender, receiver = _pair()
    msg = _signed(sender)
    msg["auth"] = dict(msg["auth"])
    assert receiver.admit(msg, me=3) is True
    forged = {**msg, "message_id": 2,
              "auth": dict(sign_json(msg, key=b"x" * 16, key_id=9))}
    with pytest.raises(ProtocolError) as err:
        receiver.admit(forged, me=3)
    assert err.value.code == ErrorCode.AUTH_FAILED
