"""Properties of the codec over generated messages and bytes (Hypothesis)."""

from __future__ import annotations

import struct_oracle
from hypothesis import example, given
from hypothesis import strategies as st

from qvcp.schemas import WireError, decode, encode, sign, trailer, validate_message, verify
from qvcp.schemas.check import json_schema_verdict
from qvcp.schemas.strategies import messages

ORACLE_TYPES = sorted(struct_oracle.NAMES.values())


@given(messages())
def test_json_binary_json_round_trip(msg: dict) -> None:
    assert decode(encode(msg)) == msg


@given(messages(signed=True))
def test_round_trip_with_trailer(msg: dict) -> None:
    assert decode(encode(msg)) == msg


@given(messages(ORACLE_TYPES))
def test_codec_matches_independent_struct_encoder(msg: dict) -> None:
    assert encode(msg) == struct_oracle.encode(msg)


@given(messages())
def test_models_and_jsonschema_agree_on_valid_messages(msg: dict) -> None:
    assert json_schema_verdict(msg) is None
    assert validate_message(msg).model_dump(mode="json") == msg


@given(st.binary(max_size=300))
@example(b"")
@example(bytes.fromhex("0110000000000014000000000000000000000000"))
def test_random_bytes_raise_only_wire_error(data: bytes) -> None:
    try:
        msg = decode(data)
    except WireError as exc:
        assert exc.requirement and exc.code
        return
    assert encode(msg) == data, "whatever decodes must re-encode to the same bytes"


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(encode(draw(messages())))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[pos:pos + draw(st.integers(1, 8))]
        else:
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
    return bytes(data)


@given(mutated())
def test_mutated_messages_raise_only_wire_error(data: bytes) -> None:
    try:
        msg = decode(data)
    except WireError as exc:
        assert exc.requirement
        return
    assert encode(msg) == data


@given(messages(), st.binary(min_size=1, max_size=64), st.integers(0, 2**32 - 1))
def test_sign_then_verify(msg: dict, key: bytes, key_id: int) -> None:
    signed = sign(encode(msg), key=key, key_id=key_id)
    out = verify(signed, {key_id: key})
    assert out["auth"]["key_id"] == key_id
    assert {**out, "auth": None} == msg
    tampered = bytearray(signed)
    tampered[8] ^= 0x01  # message_id
    try:
        verify(bytes(tampered), {key_id: key})
    except WireError as exc:
        assert exc.code.name == "AUTH_FAILED"
    else:
        raise AssertionError("a tampered message verified")


@given(messages(signed=True), st.binary(min_size=1, max_size=64), st.integers(0, 2**32 - 1))
def test_trailer_of_a_json_message_is_the_binary_signature(msg: dict, key: bytes,
                                                           key_id: int) -> None:
    """``trailer`` ignores the ``auth`` the message carries and gives the one ``sign`` gives."""
    auth = trailer(msg, key=key, key_id=key_id)
    assert auth == decode(sign(encode({**msg, "auth": None}), key=key, key_id=key_id))["auth"]
    assert verify(encode({**msg, "auth": auth}), {key_id: key})["auth"] == auth
