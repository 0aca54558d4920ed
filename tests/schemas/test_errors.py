"""Typed errors: codes, fields and requirement ids."""

from __future__ import annotations

import copy

import pytest

from qvcp.schemas import ErrorCode, WireError, decode, encode, error_class, verify
from qvcp.schemas.layout import error_registry

TEARDOWN = {"version": 1, "type": "TEARDOWN", "message_id": 1, "source": 1, "destination": 2,
            "body": {"circuit_id": 7, "reason": "NORMAL"}, "extensions": [], "auth": None}


def test_error_codes_follow_the_registry() -> None:
    reg = {e["name"]: e["code"] for e in error_registry()["errors"]}
    assert {c.name: int(c) for c in ErrorCode} == reg


@pytest.mark.parametrize(("code", "cls"), [(0x0002, "wire"), (0x0101, "link"),
                                           (0x03FF, "signalling"), (0x7700, "unknown")])
def test_error_class_from_high_byte(code: int, cls: str) -> None:
    assert error_class(code) == cls


def test_nested_field_is_named() -> None:
    msg = {"version": 1, "type": "SETUP", "message_id": 1, "source": 1, "destination": 2,
           "body": {"circuit_id": 1, "head_end": 1, "tail_end": 2, "head_endpoint": 1,
                    "tail_endpoint": 1,
                    "qos": {"min_rate_mhz": 1, "min_fidelity": 1, "max_latency_ns": 0,
                            "cutoff_ns": 0, "num_pairs": 0, "duration_ns": 0, "priority": 9},
                    "route": [1, 2], "hops": []},
           "extensions": [], "auth": None}
    with pytest.raises(WireError) as info:
        encode(msg)
    assert info.value.code is ErrorCode.FIELD_OUT_OF_RANGE
    assert info.value.field == "body.qos.priority"
    assert info.value.requirement == "WIRE-007"


def test_truncated_array_item_names_the_field() -> None:
    msg = copy.deepcopy(TEARDOWN)
    msg["type"] = "SETUP"
    msg["body"] = {"circuit_id": 1, "head_end": 1, "tail_end": 2, "head_endpoint": 1,
                   "tail_endpoint": 1,
                   "qos": {"min_rate_mhz": 1, "min_fidelity": 1, "max_latency_ns": 0,
                           "cutoff_ns": 0, "num_pairs": 0, "duration_ns": 0, "priority": 1},
                   "route": [1, 2, 3], "hops": []}
    data = encode(msg)
    cut = data[:-3]  # inside the hops count / last route entry
    cut = cut[:4] + len(cut).to_bytes(4, "big") + cut[8:]
    with pytest.raises(WireError) as info:
        decode(cut)
    assert info.value.code is ErrorCode.TRUNCATED
    assert info.value.field.startswith("body.route") or info.value.field.startswith("body.hops")


def test_unsigned_message_fails_verification_with_auth_required() -> None:
    with pytest.raises(WireError) as info:
        verify(encode(TEARDOWN), {1: b"k"})
    assert info.value.code is ErrorCode.AUTH_REQUIRED


def test_unknown_key_id_fails_with_auth_failed() -> None:
    from qvcp.schemas import sign

    with pytest.raises(WireError) as info:
        verify(sign(encode(TEARDOWN), key=b"k", key_id=3), {4: b"k"})
    assert info.value.code is ErrorCode.AUTH_FAILED
    assert info.value.field == "auth.key_id"


def test_wire_error_pickles() -> None:
    import pickle

    err = WireError(ErrorCode.TRUNCATED, "header", "short")
    again = pickle.loads(pickle.dumps(err))
    assert (again.code, again.field, again.reason) == (err.code, err.field, err.reason)


def test_binary_check_order_length_before_type() -> None:
    """WIRE-016: the length field is checked before the type code and reserved bits."""
    data = bytearray(encode(TEARDOWN))
    data[1] = 0x99
    data[3] = 0x01
    with pytest.raises(WireError) as info:
        decode(bytes(data) + b"\x00")
    assert info.value.code is ErrorCode.LENGTH_MISMATCH
    with pytest.raises(WireError) as info:
        decode(bytes(data))
    assert info.value.code is ErrorCode.RESERVED_BITS_SET


def test_json_check_order_shape_before_range() -> None:
    """WIRE-017: a missing member outranks a value out of range, wherever each sits."""
    msg = copy.deepcopy(TEARDOWN)
    msg["message_id"] = 2**40
    del msg["body"]["reason"]
    with pytest.raises(WireError) as info:
        encode(msg)
    assert info.value.code is ErrorCode.SCHEMA_VIOLATION
    assert info.value.field == "body.reason"
    msg["type"] = "NOPE"
    msg["version"] = 3
    with pytest.raises(WireError) as info:
        encode(msg)
    assert info.value.code is ErrorCode.UNSUPPORTED_VERSION


def test_open_enum_takes_unassigned_codes_as_integers_but_not_assigned_ones() -> None:
    msg = copy.deepcopy(TEARDOWN)
    msg["body"]["reason"] = 0x5A  # unassigned: valid, encoded as the code itself (WIRE-040)
    assert encode(msg)[20 + 4] == 0x5A
    msg["body"]["reason"] = 0  # NORMAL written as an integer: not canonical (WIRE-042)
    with pytest.raises(WireError) as info:
        encode(msg)
    assert (info.value.code, info.value.field) == (ErrorCode.FIELD_OUT_OF_RANGE, "body.reason")
    msg["body"]["reason"] = 256
    with pytest.raises(WireError) as info:
        encode(msg)
    assert info.value.code is ErrorCode.FIELD_OUT_OF_RANGE


def test_closed_enum_given_as_number_is_a_shape_defect() -> None:
    import json

    from qvcp.schemas.layout import load_json

    vec = next(c for c in load_json("vectors/delivery.pair-delivery.json")["cases"] if c["valid"])
    msg = json.loads(json.dumps(vec["json"]))
    msg["body"]["bell_state"] = 7  # bell_state is closed: an integer is the wrong JSON type
    with pytest.raises(WireError) as info:
        encode(msg)
    assert (info.value.code, info.value.field) == (ErrorCode.SCHEMA_VIOLATION,
                                                    "body.bell_state")
