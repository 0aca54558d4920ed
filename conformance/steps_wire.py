"""Step definitions for wire-profile scenarios (``features/02-wire-format`` and friends).

Loaded as a pytest plugin by :func:`qvcp.conformance.bdd.run_bdd_cases`. Messages start from
the valid test vectors, are changed by steps, and are judged through the driver.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pytest_bdd import given, parsers, then, when

from qvcp.conformance.bdd import World
from qvcp.conformance.cases import require
from qvcp.conformance.wire_cases import decode_via, encode_via
from qvcp.schemas import ErrorCode, encode, error_class, sign
from qvcp.schemas.layout import wire_constants
from qvcp.schemas.vectors import load_cases

Json = dict[str, Any]

_HEADER_OFFSETS: dict[str, tuple[int, int]] = {}
_offset = 0
for _name, _fmt in wire_constants()["header"]:
    _size = {"u8": 1, "u32": 4}[_fmt]
    _HEADER_OFFSETS[_name] = (_offset, _size)
    _offset += _size


@cache
def _sample(message_type: str) -> Json:
    """The first valid vector of a type without extensions or trailer."""
    for v in load_cases():
        if (v.valid and v.json["type"] == message_type and not v.json["extensions"]
                and v.json["auth"] is None):
            return v.json  # type: ignore[no-any-return]
    raise LookupError(f"no plain valid vector of type {message_type}")


def _set_length(data: bytearray) -> None:
    offset, size = _HEADER_OFFSETS["length"]
    data[offset:offset + size] = len(data).to_bytes(size, "big")


def _path_parent(message: Json, path: str) -> tuple[Any, str | int]:
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in path.split(".")]
    node: Any = message
    for p in parts[:-1]:
        node = node[p]
    return node, parts[-1]


# --- given ----------------------------------------------------------------------------------

@given(parsers.parse("the canonical bytes of a {message_type} message"))
def canonical_bytes(world: World, message_type: str) -> None:
    world.data["message"] = json.loads(json.dumps(_sample(message_type)))
    world.data["bytes"] = bytearray(encode(world.data["message"]))


@given(parsers.parse("the canonical JSON of a {message_type} message"))
def canonical_json(world: World, message_type: str) -> None:
    world.data["message"] = json.loads(json.dumps(_sample(message_type)))


# --- when: change the input -----------------------------------------------------------------

@when(parsers.parse('the header field "{name}" is set to {value:d}'))
def set_header_field(world: World, name: str, value: int) -> None:
    offset, size = _HEADER_OFFSETS[name]
    world.bytes[offset:offset + size] = value.to_bytes(size, "big")


@when(parsers.parse("the last {count:d} bytes are removed"))
def remove_tail(world: World, count: int) -> None:
    del world.bytes[-count:]


@when(parsers.parse("the length field is recomputed"))
def recompute_length(world: World) -> None:
    _set_length(world.bytes)


@when(parsers.parse('an extension of type {ext_type:d} marked {critical} with value "{value}" '
                    "is appended"))
def append_extension(world: World, ext_type: int, critical: str, value: str) -> None:
    word = ext_type | (wire_constants()["critical_bit"] if critical == "critical" else 0)
    raw = bytes.fromhex(value)
    world.bytes += word.to_bytes(2, "big") + len(raw).to_bytes(2, "big") + raw
    _set_length(world.bytes)
    world.data.setdefault("appended", []).append(
        {"type": ext_type, "critical": critical == "critical", "value": value})


@when(parsers.parse('the message is signed with key id {key_id:d} and key "{key}"'))
def sign_message(world: World, key_id: int, key: str) -> None:
    world.data["bytes"] = bytearray(sign(bytes(world.bytes), key=bytes.fromhex(key),
                                         key_id=key_id))


@when(parsers.parse("the last byte is flipped"))
def flip_last(world: World) -> None:
    world.bytes[-1] ^= 0xFF


@when(parsers.parse('the JSON field "{path}" is set to {value}'))
def set_json_field(world: World, path: str, value: str) -> None:
    parent, key = _path_parent(world.message, path)
    parent[key] = json.loads(value)


@when(parsers.parse('the JSON field "{path}" is removed'))
def remove_json_field(world: World, path: str) -> None:
    parent, key = _path_parent(world.message, path)
    del parent[key]


# --- when: ask the implementation -----------------------------------------------------------

@when("the implementation decodes the bytes")
def decode_bytes(world: World) -> None:
    world.data["answer"] = decode_via(world.ctx, bytes(world.bytes))


@when(parsers.parse('the implementation decodes the bytes verifying key id {key_id:d} with '
                    'key "{key}"'))
def decode_verifying(world: World, key_id: int, key: str) -> None:
    world.data["answer"] = decode_via(world.ctx, bytes(world.bytes),
                                      {key_id: bytes.fromhex(key)})


@when("the implementation encodes the JSON")
def encode_json(world: World) -> None:
    world.data["answer"] = encode_via(world.ctx, world.message)


# --- then -----------------------------------------------------------------------------------

@then(parsers.re(r"it rejects the input with (?P<error_name>[A-Z_]+)"))
def rejects_with(world: World, error_name: str) -> None:
    expected = int(ErrorCode[error_name])
    reject = world.answer.get("reject")
    require(reject is not None, f"accepted input that must be rejected with {error_name}",
            answer=world.answer)
    require(reject["code"] == expected,
            f"rejected with code {reject['code']} ({reject.get('name', '?')}), expected "
            f"{expected} ({error_name})", answer=reject)


@then("it rejects the input with a wire-class code")
def rejects_wire_class(world: World) -> None:
    reject = world.answer.get("reject")
    require(reject is not None, "accepted input that must be rejected", answer=world.answer)
    require(error_class(reject["code"]) == "wire",
            f"code {reject['code']} is not of the wire class", answer=reject)


@then("it accepts the input")
def accepts(world: World) -> None:
    require("reject" not in world.answer, f"rejected valid input: {world.answer.get('reject')}",
            answer=world.answer)


@then("the decoded message equals the original message")
def decoded_equals(world: World) -> None:
    accepts(world)
    require(world.answer["json"] == world.message, "decoded JSON differs from the original",
            got=world.answer["json"], expected=world.message)


@then("the decoded message carries the appended extensions")
def decoded_extensions(world: World) -> None:
    accepts(world)
    got = world.answer["json"]["extensions"]
    require(got == world.appended, "extensions not carried as received", got=got,
            expected=world.appended)


@then("the encoding equals the canonical bytes")
def encoding_canonical(world: World) -> None:
    accepts(world)
    expected = encode(world.message).hex()
    require(world.answer["hex"] == expected, "encoding differs from the canonical bytes",
            got=world.answer["hex"], expected=expected)
