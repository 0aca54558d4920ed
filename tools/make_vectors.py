"""Write the language-neutral test vectors in ``schemas/vectors/``.

The canonical binary of every case comes from ``tools/struct_oracle.py`` (hand-written
``struct`` layouts) and from byte surgery written out below, never from the ``construct``
codec under test. Run: ``python tools/make_vectors.py [OUT_DIR]`` (default: rewrites the
files in place; ``tests/schemas/test_vectors.py`` fails when they differ from what this writes).
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import struct
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import struct_oracle as oracle

OUT = Path(__file__).resolve().parents[1] / "schemas" / "vectors"

QOS = {"min_rate_mhz": 10_000, "min_fidelity": 55_705, "max_latency_ns": 50_000_000,
       "cutoff_ns": 10_000_000, "num_pairs": 100, "duration_ns": 0, "priority": 3}
HOP = {"node": 1, "free_memory": 4, "comm_qubits": 1, "link_id": 12,
       "link_rate_mhz": 250_000, "link_fidelity": 62_258, "memory_t2_ns": 1_000_000_000,
       "swap_success": 32_767}
RULE = {"node": 2, "match_circuit": 7, "match_link": 12, "action": "SWAP", "peer_link": 23,
        "cutoff_ns": 10_000_000, "distil_protocol": "NONE", "distil_rounds": 0, "endpoint": 0}

# (type, description, body, requirements): readable examples of every message type.
EXAMPLES: list[tuple[str, str, dict[str, Any], list[str]]] = [
    ("ERROR", "Length mismatch reported back to the sender",
     {"code": 2, "offending_message_id": 41, "offending_type": 17, "field": "header.length",
      "detail": "length field says 40 bytes, received 38"}, ["ERR-001"]),
    ("ACK", "Acknowledges the SETUP with message_id 101",
     {"acked_message_id": 101, "acked_type": 0x30}, ["REL-001"]),
    ("KEEPALIVE", "Incarnation 3 of its sender, which sends a KEEPALIVE every 50 ms when idle",
     {"incarnation": 3, "interval_ns": 50_000_000}, ["REL-010"]),
    ("ATTEMPT", "Attempt 7 on link 12 in the slot starting at 1 ms, one mode",
     {"link_id": 12, "attempt_id": 7, "slot_ns": 1_000_000, "modes": 1},
     ["LINK-001.1", "LINK-001.3"]),
    ("ATTEMPT", "Multiplexed attempt 8: four communication qubits in optical modes 0..3",
     {"link_id": 12, "attempt_id": 8, "slot_ns": 1_010_000, "modes": 4},
     ["LINK-001.3", "LINK-015.1"]),
    ("HERALD", "Successful single-mode herald: PSI_PLUS, sequence 1",
     {"link_id": 12, "slot_ns": 1_000_000, "attempt_id_a": 7, "attempt_id_b": 9,
      "results": [{"outcome": "PSI_PLUS", "seq": 1}]},
     ["LINK-004", "LINK-005.1", "LINK-007.1", "LINK-015.2"]),
    ("HERALD", "Failed single-mode attempt: the FAILURE result carries sequence 0",
     {"link_id": 12, "slot_ns": 1_010_000, "attempt_id_a": 8, "attempt_id_b": 10,
      "results": [{"outcome": "FAILURE", "seq": 0}]}, ["LINK-005.2", "LINK-007.2"]),
    ("HERALD", "Three matched modes: FAILURE, then PSI_MINUS 17 and PSI_PLUS 18 in mode order",
     {"link_id": 12, "slot_ns": 1_020_000, "attempt_id_a": 9, "attempt_id_b": 11,
      "results": [{"outcome": "FAILURE", "seq": 0}, {"outcome": "PSI_MINUS", "seq": 17},
                  {"outcome": "PSI_PLUS", "seq": 18}]},
     ["LINK-005.1", "LINK-005.2", "LINK-007.1", "LINK-007.2", "LINK-013.1", "LINK-015.2"]),
    ("HERALD", "Sequence numbers wrap within one herald: 65535, then 1 (0 is skipped)",
     {"link_id": 3, "slot_ns": 2**40, "attempt_id_a": 0xFFFFFFFF, "attempt_id_b": 0,
      "results": [{"outcome": "PSI_MINUS", "seq": 65535}, {"outcome": "PSI_PLUS", "seq": 1}]},
     ["LINK-005.1", "LINK-015.2"]),
    ("EXPIRE", "Expire a wrapping range 65530..4",
     {"link_id": 12, "first_seq": 65530, "last_seq": 4}, ["LINK-010.2"]),
    ("EXPIRE_ACK", "Acknowledge the range 5..9",
     {"link_id": 12, "first_seq": 5, "last_seq": 9}, ["LINK-012.1"]),
    ("SWAP_OUTCOME", "Swap at a middle node: PSI_PLUS xor PSI_MINUS xor PHI_MINUS = PHI_PLUS",
     {"circuit_id": 7, "outcome_seq": 1, "left": {"link_id": 12, "seq": 4},
      "right": {"link_id": 23, "seq": 9}, "bsm_result": "PHI_MINUS",
      "bell_index": "PHI_PLUS", "new_partner": 3}, ["TRK-001.1", "TRK-002"]),
    ("DISCARD", "Pair discarded at its cutoff",
     {"circuit_id": 7, "pair": {"link_id": 12, "seq": 5}, "reason": "CUTOFF"}, ["TRK-010"]),
    ("DISCARD", "Pair discarded on a SWAP_OUTCOME contradicting the route",
     {"circuit_id": 7, "pair": {"link_id": 23, "seq": 4}, "reason": "STATE_MISMATCH"},
     ["TRK-005.3", "TRK-010"]),
    ("DISTIL_OUTCOME", "First DEJMPS round, measured 1",
     {"circuit_id": 7, "round": 1, "kept": {"link_id": 12, "seq": 6},
      "sacrificed": {"link_id": 12, "seq": 7}, "outcome": 1}, ["TRK-020.1"]),
    ("SETUP", "Setup from node 1 to node 3 via 2, one hop accumulated",
     {"circuit_id": 7, "head_end": 1, "tail_end": 3, "head_endpoint": 80, "tail_endpoint": 81,
      "qos": QOS, "route": [1, 2, 3], "hops": [HOP]}, ["SIG-001.1", "SIG-001.2"]),
    ("SETUP", "Setup leaving the head end: no hop accumulated yet",
     {"circuit_id": 8, "head_end": 1, "tail_end": 2, "head_endpoint": 1, "tail_endpoint": 1,
      "qos": {**QOS, "priority": 7, "num_pairs": 0, "duration_ns": 10**9},
      "route": [1, 2], "hops": []}, ["SIG-001.2"]),
    ("CONFIRM", "Confirm with generate, swap and deliver rules",
     {"circuit_id": 7, "expected_rate_mhz": 12_500, "expected_fidelity": 58_000,
      "rules": [{**RULE, "node": 1, "action": "GENERATE", "peer_link": 0},
                RULE,
                {**RULE, "node": 3, "match_link": 23, "action": "DELIVER", "peer_link": 0,
                 "endpoint": 81},
                {**RULE, "node": 3, "action": "DISTIL", "distil_protocol": "DEJMPS",
                 "distil_rounds": 2}]}, ["SIG-010.2"]),
    ("REJECT", "Rejected for lack of memory, retry in 5 ms",
     {"circuit_id": 7, "reason": "NO_RESOURCES", "rejecting_node": 2,
      "retry_after_ns": 5_000_000}, ["SIG-020.2", "SIG-021.1"]),
    ("TEARDOWN", "Normal teardown", {"circuit_id": 7, "reason": "NORMAL"}, ["SIG-030"]),
    ("TEARDOWN_ACK", "Teardown acknowledged, 4 memory qubits released",
     {"circuit_id": 7, "released_memory": 4}, ["SIG-033"]),
    ("OPEN_ENDPOINT", "Open endpoint 80 bound to node 3 endpoint 81",
     {"endpoint": 80, "remote_node": 3, "remote_endpoint": 81}, ["DLV-001.1"]),
    ("CLOSE_ENDPOINT", "Close endpoint 80", {"endpoint": 80}, ["DLV-005"]),
    ("ENDPOINT_STATUS", "Endpoint 80 is open", {"endpoint": 80, "status": "OPEN"}, ["DLV-003.1"]),
    ("PAIR_REQUEST", "Ask for 10 pairs of fidelity >= 0.85 at 5 pairs/s",
     {"endpoint": 80, "request_id": 1, "num_pairs": 10, "min_fidelity": 55_705,
      "min_rate_mhz": 5_000, "deadline_ns": 0, "priority": 0}, ["DLV-010"]),
    ("PAIR_REQUEST", "Ask for 2 pairs by t = 1 s at priority 5",
     {"endpoint": 80, "request_id": 2, "num_pairs": 2, "min_fidelity": 52_428,
      "min_rate_mhz": 0, "deadline_ns": 1_000_000_000, "priority": 5}, ["DLV-015"]),
    ("PAIR_DELIVERY", "Pair 42 delivered in PSI_MINUS with fidelity estimate 0.9",
     {"endpoint": 80, "request_id": 1, "circuit_id": 7, "pair_id": 42, "qubit_handle": 3,
      "bell_state": "PSI_MINUS", "fidelity_estimate": 58_982, "created_ns": 12_000_000,
      "expires_ns": 22_000_000}, ["DLV-020.1"]),
    ("PAIR_EXPIRED", "Delivered pair 42 discarded before use",
     {"endpoint": 80, "circuit_id": 7, "pair_id": 42, "qubit_handle": 3}, ["DLV-030.1"]),
]

FILES = {"ERROR": "error", "ACK": "ack", "KEEPALIVE": "keepalive",
         "ATTEMPT": "link.attempt", "HERALD": "link.herald",
         "EXPIRE": "link.expire", "EXPIRE_ACK": "link.expire-ack",
         "SWAP_OUTCOME": "tracking.swap-outcome", "DISCARD": "tracking.discard",
         "DISTIL_OUTCOME": "tracking.distil-outcome", "SETUP": "signalling.setup",
         "CONFIRM": "signalling.confirm", "REJECT": "signalling.reject",
         "TEARDOWN": "signalling.teardown", "TEARDOWN_ACK": "signalling.teardown-ack",
         "OPEN_ENDPOINT": "delivery.open-endpoint", "CLOSE_ENDPOINT": "delivery.close-endpoint",
         "ENDPOINT_STATUS": "delivery.endpoint-status", "PAIR_REQUEST": "delivery.pair-request",
         "PAIR_DELIVERY": "delivery.pair-delivery", "PAIR_EXPIRED": "delivery.pair-expired"}

# Byte offset (from the start of the message) of one u8 enum or narrowed field per type, with
# a value outside its range: written out from the struct layouts in struct_oracle.
# HERALD: link_id, slot_ns, attempt_id_a, attempt_id_b, the results count, then results[0].
BAD_FIELD = {
    "SWAP_OUTCOME": (20 + 4 + 4 + 6 + 6, 4, "body.bsm_result"),
    "DISTIL_OUTCOME": (20 + 4 + 1 + 6 + 6, 2, "body.outcome"),
    "SETUP": (20 + 16 + 4 + 2 + 8 + 8 + 4 + 8, 8, "body.qos.priority"),
    "ENDPOINT_STATUS": (20 + 2, 2, "body.status"),
    "PAIR_DELIVERY": (20 + 2 + 16, 4, "body.bell_state"),
    "PAIR_REQUEST": (20 + 2 + 4 + 4 + 2 + 4 + 8, 8, "body.priority"),
}

# Fields of an open enumeration (chapter 02 section 9) per type, with the table of assigned
# codes: an unassigned code is valid there (WIRE-040) and its JSON form is the integer.
OPEN_FIELDS = {
    "HERALD": [("results.0.outcome", oracle.OUTCOME)],
    "DISCARD": [("reason", oracle.DISCARD)],
    "CONFIRM": [("rules.0.action", oracle.ACTION), ("rules.0.distil_protocol", oracle.DISTIL)],
    "REJECT": [("reason", oracle.REJECT)],
    "TEARDOWN": [("reason", oracle.TEARDOWN)],
}
# GREASE codes of open enumerations (common.schema.json x-wire.grease), never allocated.
GREASE_CODES = [0x1A, 0x3A, 0x5A, 0x7A, 0x9A, 0xBA, 0xDA, 0xFA]

# Byte offset of the count of HERALD's results array (after link_id, slot_ns and the two
# attempt ids) and of ATTEMPT's modes (after link_id, attempt_id and slot_ns).
HERALD_COUNT = 20 + 4 + 8 + 4 + 4
ATTEMPT_MODES = 20 + 4 + 4 + 8

CODES = {"TRUNCATED": 1, "LENGTH_MISMATCH": 2, "UNSUPPORTED_VERSION": 3,
         "UNKNOWN_MESSAGE_TYPE": 4, "RESERVED_BITS_SET": 5, "FIELD_OUT_OF_RANGE": 6,
         "SCHEMA_VIOLATION": 7, "MALFORMED_EXTENSION": 8, "UNKNOWN_CRITICAL_EXTENSION": 9,
         "TOO_LARGE": 12}


def envelope(name: str, body: dict[str, Any], mid: int, ext: list[Any] | None = None) -> dict:
    return {"version": 1, "type": name, "message_id": mid, "source": 1, "destination": 2,
            "body": body, "extensions": ext or [], "auth": None}


def with_length(data: bytes, length: int) -> bytes:
    return data[:4] + struct.pack(">I", length) + data[8:]


def error(name: str) -> dict[str, Any]:
    return {"code": CODES[name], "name": name}


def cases_for(name: str, examples: list[tuple[str, dict[str, Any], list[str]]]) -> list[dict]:
    slug = FILES[name].split(".")[-1]
    out: list[dict[str, Any]] = []
    first = None
    for i, (desc, body, reqs) in enumerate(examples, start=1):
        msg = envelope(name, body, 100 + i)
        data = oracle.encode(msg)
        first = first or (msg, data)
        out.append({"id": f"{slug}-valid-{i}", "description": desc, "requirements": reqs,
                    "valid": True, "json": msg, "binary": data.hex()})
    msg, data = first  # type: ignore[misc]
    body_len = len(data) - 20
    ext_msg = envelope(name, msg["body"], msg["message_id"],
                       [{"type": 0x1234, "critical": False, "value": "cafe"}])
    out.append({"id": f"{slug}-unknown-noncritical-extension", "requirements": ["EXT-003.1"],
                "description": "An unknown non-critical extension is kept and ignored",
                "valid": True, "json": ext_msg, "binary": oracle.encode(ext_msg).hex()})
    trace = envelope(name, msg["body"], msg["message_id"],
                     [{"type": 1, "critical": True, "value": "00112233445566778899aabbccddeeff"}])
    out.append({"id": f"{slug}-known-critical-extension", "requirements": ["EXT-001.1"],
                "description": "A known critical extension (TRACE_CONTEXT) is accepted",
                "valid": True, "json": trace, "binary": oracle.encode(trace).hex()})
    bad: list[tuple[str, str, bytes, str, list[str]]] = [
        ("truncated-header", "Only the first 11 bytes of the header", data[:11], "TRUNCATED",
         ["WIRE-002"]),
        ("length-too-long", "Length field one larger than the bytes sent",
         with_length(data, len(data) + 1), "LENGTH_MISMATCH", ["WIRE-003.2"]),
        ("trailing-byte", "One byte more than the length field says", data + b"\x00",
         "LENGTH_MISMATCH", ["WIRE-003.2"]),
        ("version-2", "Header version 2", b"\x02" + data[1:], "UNSUPPORTED_VERSION",
         ["WIRE-004.2"]),
        ("reserved-flag", "Reserved flag bit 0x80 set", data[:2] + b"\x80" + data[3:],
         "RESERVED_BITS_SET", ["WIRE-006.2"]),
        ("reserved-byte", "Reserved header byte set to 1", data[:3] + b"\x01" + data[4:],
         "RESERVED_BITS_SET", ["WIRE-006.2"]),
        ("unknown-critical-extension", "Critical extension of unknown type 0x1234",
         with_length(data + b"\x92\x34\x00\x02\xca\xfe", len(data) + 6),
         "UNKNOWN_CRITICAL_EXTENSION", ["EXT-002"]),
        ("extension-overrun", "Extension claims 16 bytes of value, 2 follow",
         with_length(data + b"\x12\x34\x00\x10\xca\xfe", len(data) + 6),
         "MALFORMED_EXTENSION", ["EXT-001.2"]),
        ("trace-context-wrong-length", "TRACE_CONTEXT must be 16 bytes, has 2",
         with_length(data + b"\x00\x01\x00\x02\xca\xfe", len(data) + 6),
         "MALFORMED_EXTENSION", ["EXT-001.2"]),
        ("auth-flag-without-trailer", "AUTH flag set but too few bytes for the 36-byte trailer",
         data[:2] + b"\x01" + data[3:], "TRUNCATED", ["SEC-001.2"]),
    ]
    if body_len > 0:
        cut = data[:-1]
        bad.append(("truncated-body", "Body one byte short, length field consistent",
                    with_length(cut, len(cut)), "TRUNCATED", ["WIRE-002"]))
    if name in BAD_FIELD:
        offset, value, field = BAD_FIELD[name]
        mutated = data[:offset] + bytes([value]) + data[offset + 1:]
        bad.append(("out-of-range-field", f"{field} holds {value}, outside its range",
                    mutated, "FIELD_OUT_OF_RANGE", ["WIRE-007"]))
    for key, desc, raw, err, reqs in bad:
        out.append({"id": f"{slug}-{key}", "description": desc, "requirements": reqs,
                    "valid": False, "binary": raw.hex(), "error": error(err)})
    out += specific_cases(name, msg, data)
    out += grease_cases(name, msg)
    # JSON-form violations.
    first_field = next(iter(msg["body"]))
    missing = copy.deepcopy(msg)
    del missing["body"][first_field]
    wrong_type = copy.deepcopy(msg)
    wrong_type["body"][first_field] = "1" if not isinstance(msg["body"][first_field], str) else 1
    extra = copy.deepcopy(msg)
    extra["body"]["colour"] = "blue"
    big_id = copy.deepcopy(msg)
    big_id["message_id"] = 2**32
    for key, desc, obj, err, reqs in [
        ("json-missing-field", f"body.{first_field} is missing", missing, "SCHEMA_VIOLATION",
         ["WIRE-008.3"]),
        ("json-wrong-type", f"body.{first_field} has the wrong JSON type", wrong_type,
         "SCHEMA_VIOLATION", ["WIRE-008.3"]),
        ("json-extra-field", "body has a field no schema declares", extra, "SCHEMA_VIOLATION",
         ["WIRE-008.3"]),
        ("json-message-id-too-big", "message_id is 2^32", big_id, "FIELD_OUT_OF_RANGE",
         ["WIRE-007"]),
    ]:
        out.append({"id": f"{slug}-{key}", "description": desc, "requirements": reqs,
                    "valid": False, "json": obj, "error": error(err)})
    return out


def specific_cases(name: str, msg: dict[str, Any], data: bytes) -> list[dict[str, Any]]:
    """Invalid cases that only one message type has (``msg``/``data``: its first example)."""
    out: list[dict[str, Any]] = []
    if name == "ATTEMPT":
        zero = copy.deepcopy(msg)
        zero["body"]["modes"] = 0
        raw = data[:ATTEMPT_MODES] + b"\x00" + data[ATTEMPT_MODES + 1:]
        out.append({"id": "attempt-modes-zero", "requirements": ["LINK-001.3", "LINK-020"],
                    "description": "body.modes is 0: present in the attempt slot, no "
                                   "communication qubit emits",
                    "valid": True, "json": zero, "binary": raw.hex()})
    elif name == "HERALD":
        assert data[HERALD_COUNT] == 1 and len(data) == HERALD_COUNT + 1 + 3
        raw = data[:HERALD_COUNT] + b"\x02" + data[HERALD_COUNT + 1:]
        out.append({"id": "herald-results-count-overrun", "requirements": ["WIRE-002",
                                                                           "WIRE-014.1"],
                    "description": "results count says 2 but only 1 item follows, length "
                                   "field consistent",
                    "valid": False, "binary": raw.hex(), "error": error("TRUNCATED")})
        out += extension_cases(
            msg, data, "herald-link-seq", ["LINK-023"], 5, "0001",
            "A HERALD with its LINK_SEQ extension (type 5, not critical, 2 octets): the "
            "station has assigned seqs up to 1", "LINK_SEQ must be 2 bytes, has 1")
    elif name == "SETUP":
        out += extension_cases(
            msg, data, "setup-track-ends", ["FWD-030"], 6, "01",
            "A SETUP with its TRACK_ENDS extension (type 6, not critical, 1 octet): one route "
            "node so far offers swap reports to the ends", "TRACK_ENDS must be 1 byte, has 2")
    elif name == "CONFIRM":
        ends = copy.deepcopy(msg)
        ends["extensions"] = [{"type": 4, "critical": False, "value": "0001"}]
        out.append({"id": "confirm-swap-schedule-ends", "requirements": ["FWD-032.2",
                                                                         "FWD-033"],
                    "description": "A CONFIRM whose SWAP_SCHEDULE (type 4) is the two octets "
                                   "00 01: the schedule ASAP, swaps reported to the ends",
                    "valid": True, "json": ends, "binary": oracle.encode(ends).hex()})
    return out


def extension_cases(msg: dict[str, Any], data: bytes, slug: str, requirements: list[str],
                    ext_type: int, value: str, description: str,
                    wrong_length: str) -> list[dict[str, Any]]:
    """A fixed-length extension of ``msg``: ``msg`` carrying it with ``value`` (hex, not
    critical) is valid; the binary form with a value one byte longer or shorter (2 bytes for a
    1-byte extension, 1 otherwise) is MALFORMED_EXTENSION (EXT-001.2)."""
    counted = copy.deepcopy(msg)
    counted["extensions"] = [{"type": ext_type, "critical": False, "value": value}]
    bad = b"\x01\x01" if len(value) == 2 else b"\x01"
    tlv = ext_type.to_bytes(2, "big") + len(bad).to_bytes(2, "big") + bad
    return [{"id": slug, "requirements": [*requirements, "EXT-001.1"],
             "description": description, "valid": True, "json": counted,
             "binary": oracle.encode(counted).hex()},
            {"id": f"{slug}-wrong-length", "requirements": ["EXT-001.2"],
             "description": wrong_length, "valid": False,
             "binary": with_length(data + tlv, len(data) + len(tlv)).hex(),
             "error": error("MALFORMED_EXTENSION")}]


def _set(body: Any, dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    for part in parents:
        body = body[int(part)] if part.isdigit() else body[part]
    body[int(leaf) if leaf.isdigit() else leaf] = value


def grease_cases(name: str, msg: dict[str, Any]) -> list[dict[str, Any]]:
    """An unassigned (GREASE) code in each open-enumeration field of ``msg`` decodes and
    re-encodes unchanged (WIRE-040); an assigned code written as an integer in JSON is not the
    canonical form and is refused (WIRE-042)."""
    out: list[dict[str, Any]] = []
    for i, (field, table) in enumerate(OPEN_FIELDS.get(name, [])):
        code = GREASE_CODES[(len(name) + i) % len(GREASE_CODES)]
        assert code not in table.values()
        grease = copy.deepcopy(msg)
        _set(grease["body"], field, code)
        slug = field.replace(".0.", "-").replace("_", "-")
        out.append({"id": f"{FILES[name].split('.')[-1]}-grease-{slug}",
                    "description": f"body.{field.replace('.0.', '[0].')} holds the unassigned "
                                   f"(GREASE) code {code}: valid, its JSON form is the integer",
                    "requirements": ["WIRE-040"], "valid": True, "json": grease,
                    "binary": oracle.encode(grease).hex()})
        assigned = copy.deepcopy(msg)
        _set(assigned["body"], field, min(table.values()))
        out.append({"id": f"{FILES[name].split('.')[-1]}-assigned-code-as-integer-{slug}",
                    "description": f"body.{field.replace('.0.', '[0].')} writes the assigned "
                                   f"code {min(table.values())} as an integer instead of its "
                                   "name",
                    "requirements": ["WIRE-042"], "valid": False, "json": assigned,
                    "error": error("FIELD_OUT_OF_RANGE")})
    return out


def example(name: str, n: int = 0) -> dict[str, Any]:
    """Body of the n-th example of message type ``name``."""
    return [body for t, _, body, _ in EXAMPLES if t == name][n]


def wire_cases() -> list[dict[str, Any]]:
    """Cases about the header and trailer that belong to no single message type."""
    msg = envelope("TEARDOWN", {"circuit_id": 7, "reason": "NORMAL"}, 500)
    data = oracle.encode(msg)
    key = bytes(range(32))
    signed_head = bytearray(data)
    signed_head[2] |= 1
    signed_head[4:8] = struct.pack(">I", len(data) + 36)
    signed_part = bytes(signed_head) + struct.pack(">I", 9)
    tag = hmac.new(key, signed_part, hashlib.sha256).digest()
    signed_msg = {**msg, "auth": {"key_id": 9, "tag": tag.hex()}}
    fidelity_json = envelope("PAIR_REQUEST", {"endpoint": 80, "request_id": 1, "num_pairs": 1,
                                              "min_fidelity": 65_536, "min_rate_mhz": 0,
                                              "deadline_ns": 0, "priority": 0}, 501)
    priority_json = envelope("SETUP", {**example("SETUP"), "qos": {**QOS, "priority": 8}}, 502)
    bell_json = envelope("PAIR_DELIVERY",
                         {**example("PAIR_DELIVERY"), "bell_state": "PHI_ZERO"}, 503)
    ascii_json = envelope("ERROR", {**example("ERROR"), "detail": "caf\u00e9"}, 504)
    err_data = oracle.encode(envelope("ERROR", example("ERROR"), 505))
    bad_ascii = err_data[:-1] + b"\x80"
    version_json = {**msg, "version": 2}
    unknown_json = {**msg, "type": "HELLO"}
    # REL-020: 65536 bytes (a PADDING extension of 65512 value bytes), one over the limit,
    # length field consistent; REL-021: 33 empty PADDING extensions (32 are allowed)
    big = data + struct.pack(">HH", 2, 65536 - len(data) - 4) + bytes(65536 - len(data) - 4)
    big = with_length(big, len(big))
    many = [{"type": 2, "critical": False, "value": ""}] * 33
    many_json = envelope("TEARDOWN", msg["body"], 506, many)
    many_data = with_length(data + b"".join(struct.pack(">HH", 2, 0) for _ in many),
                            len(data) + 4 * 33)
    at_limit_json = envelope("TEARDOWN", msg["body"], 507, many[:32])
    at_limit = with_length(data[:8] + struct.pack(">I", 507) + data[12:]
                           + b"".join(struct.pack(">HH", 2, 0) for _ in many[:32]),
                           len(data) + 4 * 32)
    return [
        {"id": "wire-too-large", "valid": False, "requirements": ["REL-020"],
         "description": "65536 bytes, length field consistent: one byte over the limit",
         "binary": big.hex(), "error": error("TOO_LARGE")},
        {"id": "wire-33-extensions", "valid": False, "requirements": ["REL-021"],
         "description": "33 empty PADDING extensions: one more than allowed",
         "json": many_json, "binary": many_data.hex(), "error": error("TOO_LARGE")},
        {"id": "wire-32-extensions", "valid": True, "requirements": ["REL-021"],
         "description": "32 empty PADDING extensions: the most allowed",
         "json": at_limit_json, "binary": at_limit.hex()},
        {"id": "wire-signed-teardown", "valid": True, "requirements": ["SEC-001.1", "SEC-002.1"],
         "description": "TEARDOWN with an HMAC-SHA-256 trailer, key id 9, key 00 01 .. 1f",
         "json": signed_msg, "binary": (signed_part + tag).hex(), "key": key.hex()},
        {"id": "wire-empty", "valid": False, "requirements": ["WIRE-002"],
         "description": "No bytes at all", "binary": "", "error": error("TRUNCATED")},
        {"id": "wire-unknown-type", "valid": False, "requirements": ["WIRE-005"],
         "description": "Type code 0x99 is not registered",
         "binary": (data[:1] + b"\x99" + data[2:]).hex(), "error": error("UNKNOWN_MESSAGE_TYPE")},
        {"id": "wire-type-zero", "valid": False, "requirements": ["WIRE-005"],
         "description": "Type code 0x00 is not registered",
         "binary": (data[:1] + b"\x00" + data[2:]).hex(), "error": error("UNKNOWN_MESSAGE_TYPE")},
        {"id": "wire-length-zero", "valid": False, "requirements": ["WIRE-003.2"],
         "description": "Length field 0", "binary": with_length(data, 0).hex(),
         "error": error("LENGTH_MISMATCH")},
        {"id": "wire-ascii-high-byte", "valid": False, "requirements": ["WIRE-007"],
         "description": "ERROR detail ends in byte 0x80, not printable ASCII",
         "binary": bad_ascii.hex(), "error": error("FIELD_OUT_OF_RANGE")},
        {"id": "wire-json-fidelity-over-one", "valid": False, "requirements": ["WIRE-007",
                                                                              "WIRE-010"],
         "description": "min_fidelity 65536 is more than 1.0", "json": fidelity_json,
         "error": error("FIELD_OUT_OF_RANGE")},
        {"id": "wire-json-priority-8", "valid": False, "requirements": ["WIRE-007"],
         "description": "qos.priority is 0..7", "json": priority_json,
         "error": error("FIELD_OUT_OF_RANGE")},
        {"id": "wire-json-unknown-bell-state", "valid": False, "requirements": ["WIRE-007"],
         "description": "bell_state PHI_ZERO is not a Bell state", "json": bell_json,
         "error": error("FIELD_OUT_OF_RANGE")},
        {"id": "wire-json-non-ascii", "valid": False, "requirements": ["WIRE-007"],
         "description": "detail holds a non-ASCII character", "json": ascii_json,
         "error": error("FIELD_OUT_OF_RANGE")},
        {"id": "wire-json-version-2", "valid": False, "requirements": ["WIRE-004.2"],
         "description": "JSON version 2", "json": version_json,
         "error": error("UNSUPPORTED_VERSION")},
        {"id": "wire-json-unknown-type", "valid": False, "requirements": ["WIRE-005"],
         "description": "JSON type HELLO is not registered", "json": unknown_json,
         "error": error("UNKNOWN_MESSAGE_TYPE")},
        {"id": "wire-json-not-object", "valid": False, "requirements": ["WIRE-008.3"],
         "description": "A JSON array is not a message", "json": [1, 2],
         "error": error("SCHEMA_VIOLATION")},
    ]


def write(out: Path, name: str, message_type: str | None, cases: list[dict[str, Any]]) -> None:
    doc = {"$schema": "../meta/vectors.schema.json", "message_type": message_type,
           "cases": cases}
    (out / f"{name}.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def main(out: Path = OUT) -> None:
    """Write every vector file into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    grouped: dict[str, list[tuple[str, dict[str, Any], list[str]]]] = {}
    for name, desc, body, reqs in EXAMPLES:
        grouped.setdefault(name, []).append((desc, body, reqs))
    total = 0
    for name, examples in grouped.items():
        cases = cases_for(name, examples)
        write(out, FILES[name], name, cases)
        total += len(cases)
    wire = wire_cases()
    write(out, "wire", None, wire)
    total += len(wire)
    print(f"wrote {total} cases")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
