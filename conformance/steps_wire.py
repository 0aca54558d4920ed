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
from qvcp.conformance.node_harness import (
    NodeUnderTest,
    baseline_rules,
    router_config,
    setup_body,
)
from qvcp.conformance.steps_node import _checked, _node, _route, _start
from qvcp.conformance.wire_cases import decode_via, encode_via
from qvcp.schemas import ErrorCode, WireError, encode, error_class, sign
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


@when(parsers.parse('an extension of type {ext_type:d} marked {critical} with value "{value}" '
                    "is added to the JSON"))
def add_json_extension(world: World, ext_type: int, critical: str, value: str) -> None:
    world.message["extensions"].append(
        {"type": ext_type, "critical": critical == "critical", "value": value})


@when("the harness encodes the JSON into the bytes")
def harness_encodes(world: World) -> None:
    """The canonical bytes of the (changed, still valid) JSON message, by the harness's codec."""
    world.data["bytes"] = bytearray(encode(world.message))


@when(parsers.parse("the byte at offset {offset:d} is set to {value:d}"))
def set_byte(world: World, offset: int, value: int) -> None:
    world.bytes[offset] = value


@when(parsers.parse('the bytes "{value}" are appended'))
def append_bytes(world: World, value: str) -> None:
    world.bytes += bytes.fromhex(value)


@when(parsers.parse("every byte 0x{old:x} is replaced by 0x{new:x}"))
def replace_bytes(world: World, old: int, new: int) -> None:
    require(old in world.bytes, f"the message holds no byte 0x{old:02x} to replace")
    world.data["bytes"] = bytearray(world.bytes.replace(bytes([old]), bytes([new])))


@when(parsers.parse('the JSON array "{path}" is extended to {count:d} items'))
def extend_array(world: World, path: str, count: int) -> None:
    """Integer items continue from the largest one (so they stay distinct); other items are
    copies of the last."""
    parent, key = _path_parent(world.message, path)
    items = parent[key]
    while len(items) < count:
        last = items[-1]
        items.append(max(items) + 1 if isinstance(last, int) else json.loads(json.dumps(last)))


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


# --- node profile: what a node sends (chapters 02 and 07) ------------------------------------

@given(parsers.re(r"a router node (?P<me>\d+) between nodes (?P<a>\d+) and (?P<b>\d+) whose "
                  r"links have fidelity (?P<fid>[\d.]+)$"))
def router_with_fidelity(world: World, me: str, a: str, b: str, fid: str) -> None:
    """A router whose two links herald pairs of fidelity ``fid`` (a decimal, WIRE-010)."""
    _start(world, int(me), router_config(int(me), int(a), int(b),
                                         link_extra={"fidelity": float(fid)}))


@when(parsers.re(r"node (?P<src>\d+) sends SETUP for circuit (?P<cid>\d+) along route "
                 r"(?P<route>[\d, ]+?) carrying the extensions (?P<exts>\[.*\])$"))
def setup_carrying(world: World, src: str, cid: str, route: str, exts: str) -> None:
    node = _node(world)
    node.inject("SETUP", int(src), setup_body(int(cid), _route(route), node.node_id),
                extensions=json.loads(exts))


@when(parsers.re(r"node (?P<src>\d+) confirms circuit (?P<cid>\d+) along route "
                 r"(?P<route>[\d, ]+?) carrying the extensions (?P<exts>\[.*\])$"))
def confirm_carrying(world: World, src: str, cid: str, route: str, exts: str) -> None:
    _node(world).inject("CONFIRM", int(src), {
        "circuit_id": int(cid), "expected_rate_mhz": 1000, "expected_fidelity": 58000,
        "rules": baseline_rules(int(cid), _route(route), cutoff_ns=0)},
        extensions=json.loads(exts))


@when(parsers.re(r"node (?P<src>\d+) sends (?P<mtype>[A-Z_]+) (?P<body>\{.*\}) carrying the "
                 r"extensions (?P<exts>\[.*\])$"))
def send_carrying(world: World, src: str, mtype: str, body: str, exts: str) -> None:
    _node(world).inject(mtype, int(src), json.loads(body), extensions=json.loads(exts))


@when(parsers.re(r"the station answers the node's attempt on link (?P<link>\d+) with ERROR "
                 r"code (?P<code>\d+)$"))
def station_error_code(world: World, link: str, code: str) -> None:
    """A code given by number, registered or not (ERR-002.2)."""
    _node(world).station_error(int(link), int(code))


def _log(world: World) -> NodeUnderTest:
    node = _checked(world)
    require(bool(node.log), "the node has sent nothing to inspect")
    return node


@then(parsers.re(r"every message the node sent carries source (?P<me>\d+)$"))
def sources_are_own(world: World, me: str) -> None:
    bad = [m for m in _log(world).log if m["source"] != int(me)]
    require(not bad, f"{len(bad)} message(s) the node sent carry a source other than its own "
            f"node id {me} (WIRE-013.1)", sent=bad)


@then("every message the node sent is a valid version-1 message in canonical JSON form")
def sent_valid(world: World) -> None:
    for msg in _log(world).log:
        require(msg.get("version") == 1, f"{msg.get('type')} to node {msg.get('destination')} "
                f"has version {msg.get('version')!r}, not 1 (WIRE-004.1)", msg=msg)
        try:
            encode(msg)
        except WireError as err:
            require(False, f"{msg.get('type')} to node {msg.get('destination')} is not a valid "
                    f"message: {err} (WIRE-008.1)", msg=msg)


@then(parsers.re(r"every message the node sent to node (?P<dst>\d+) carries a message_id of "
                 r"its own$"))
def ids_distinct(world: World, dst: str) -> None:
    found = [m for m in _log(world).log if m["destination"] == int(dst)]
    ids = [m["message_id"] for m in found]
    require(len(found) >= 2, f"the node sent {len(found)} message(s) to node {dst}; the check "
            "needs at least two", sent=found)
    require(len(set(ids)) == len(ids), f"the {len(ids)} messages the node sent to node {dst} "
            f"reuse message_ids: {ids} (WIRE-009)", sent=found)


@then("every ERROR the node sent carries a code of the error registry")
def codes_registered(world: World) -> None:
    errors = [m for m in _log(world).log if m["type"] == "ERROR"]
    require(bool(errors), "the node sent no ERROR")
    known = {int(c) for c in ErrorCode}
    bad = [m for m in errors if m["body"]["code"] not in known]
    require(not bad, "the node sent ERROR codes outside the registry: "
            f"{[m['body']['code'] for m in bad]} (ERR-002.1)", sent=bad)


@then(parsers.re(r'its "(?P<path>[a-z_.]+)" holds a description$'))
def non_empty(world: World, path: str) -> None:
    last = world.data.get("last")
    require(last is not None, "no message to inspect")
    value: Any = last
    for part in path.split("."):
        value = value[part]
    require(isinstance(value, str) and value != "", f"{last['type']} has {path} = {value!r}, "
            "expected a non-empty description", msg=last)
