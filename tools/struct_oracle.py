"""An independent, hand-written encoder/decoder of QVCP messages with the standard ``struct``.

It does NOT read the JSON Schemas: every layout below is typed in by hand from the spec
chapter "Wire format" and the message chapters. It serves as

* the oracle the ``construct`` codec is tested against (two implementations must agree),
* the source of the canonical binary of the test vectors (``tools/make_vectors.py``),
* the plain-``struct`` baseline of ``bench/bench_codec.py``.

It handles valid messages only (no error reporting) and no authentication trailer.
"""

from __future__ import annotations

import struct
from typing import Any

HEADER = struct.Struct(">BBBBIIII")
BELL = {"PHI_PLUS": 0, "PSI_PLUS": 1, "PHI_MINUS": 2, "PSI_MINUS": 3}
OUTCOME = {"FAILURE": 255, "PSI_PLUS": 1, "PSI_MINUS": 3}
REJECT = {"NO_RESOURCES": 1, "UNREACHABLE": 2, "FIDELITY_UNREACHABLE": 3, "UNAUTHORISED": 4,
          "BUSY": 5, "QUOTA_EXCEEDED": 6}
TEARDOWN = {"NORMAL": 0, "COMPLETED": 1, "PREEMPTED": 2, "FAILURE": 3, "CUTOFF_EXCEEDED": 4}
ACTION = {"GENERATE": 0, "SWAP": 1, "DISTIL": 2, "DELIVER": 3, "DISCARD": 4}
DISTIL = {"NONE": 0, "DEJMPS": 1, "BBPSSW": 2}
DISCARD = {"CUTOFF": 0, "DISTIL_FAILED": 1, "TEARDOWN": 2, "MEMORY_FULL": 3, "STATE_MISMATCH": 4,
           "HALF_LOST": 5, "BSM_FAILED": 6}
STATUS = {"OPEN": 0, "CLOSED": 1}

# name: (type code, struct format of the fixed body, [(field, enum table or None), ...])
# Fields named "a.b" are nested objects; HERALD, SETUP and CONFIRM have arrays handled below.
FLAT: dict[str, tuple[int, str, list[tuple[str, dict[str, int] | None]]]] = {
    "ACK": (0x02, ">IB", [("acked_message_id", None), ("acked_type", None)]),
    "KEEPALIVE": (0x03, ">IQ", [("incarnation", None), ("interval_ns", None)]),
    "ATTEMPT": (0x10, ">IIQB", [("link_id", None), ("attempt_id", None), ("slot_ns", None),
                                ("modes", None)]),
    "HERALD": (0x11, ">IQII", [("link_id", None), ("slot_ns", None), ("attempt_id_a", None),
                               ("attempt_id_b", None)]),
    "EXPIRE": (0x12, ">IHH", [("link_id", None), ("first_seq", None), ("last_seq", None)]),
    "EXPIRE_ACK": (0x13, ">IHH", [("link_id", None), ("first_seq", None), ("last_seq", None)]),
    "SWAP_OUTCOME": (0x20, ">IIIHIHBBI", [
        ("circuit_id", None), ("outcome_seq", None), ("left.link_id", None), ("left.seq", None),
        ("right.link_id", None), ("right.seq", None), ("bsm_result", BELL),
        ("bell_index", BELL), ("new_partner", None)]),
    "DISCARD": (0x21, ">IIHB", [("circuit_id", None), ("pair.link_id", None),
                                ("pair.seq", None), ("reason", DISCARD)]),
    "DISTIL_OUTCOME": (0x22, ">IBIHIHB", [
        ("circuit_id", None), ("round", None), ("kept.link_id", None), ("kept.seq", None),
        ("sacrificed.link_id", None), ("sacrificed.seq", None), ("outcome", None)]),
    "REJECT": (0x32, ">IBIQ", [("circuit_id", None), ("reason", REJECT),
                               ("rejecting_node", None), ("retry_after_ns", None)]),
    "TEARDOWN": (0x33, ">IB", [("circuit_id", None), ("reason", TEARDOWN)]),
    "TEARDOWN_ACK": (0x34, ">IH", [("circuit_id", None), ("released_memory", None)]),
    "OPEN_ENDPOINT": (0x40, ">HIH", [("endpoint", None), ("remote_node", None),
                                     ("remote_endpoint", None)]),
    "CLOSE_ENDPOINT": (0x41, ">H", [("endpoint", None)]),
    "ENDPOINT_STATUS": (0x42, ">HB", [("endpoint", None), ("status", STATUS)]),
    "PAIR_REQUEST": (0x43, ">HIIHIQB", [("endpoint", None), ("request_id", None),
                                        ("num_pairs", None), ("min_fidelity", None),
                                        ("min_rate_mhz", None), ("deadline_ns", None),
                                        ("priority", None)]),
    "PAIR_DELIVERY": (0x44, ">HIIIIBHQQ", [
        ("endpoint", None), ("request_id", None), ("circuit_id", None), ("pair_id", None),
        ("qubit_handle", None), ("bell_state", BELL), ("fidelity_estimate", None),
        ("created_ns", None), ("expires_ns", None)]),
    "PAIR_EXPIRED": (0x45, ">HIII", [("endpoint", None), ("circuit_id", None),
                                     ("pair_id", None), ("qubit_handle", None)]),
    "CONFIRM": (0x31, ">IIH", [("circuit_id", None), ("expected_rate_mhz", None),
                               ("expected_fidelity", None)]),
    "SETUP": (0x30, ">IIIHH", [("circuit_id", None), ("head_end", None), ("tail_end", None),
                               ("head_endpoint", None), ("tail_endpoint", None)]),
}
NAMES = {code: name for name, (code, _, _) in FLAT.items()} | {0x01: "ERROR"}
QOS = struct.Struct(">IHQQIQB")
QOS_FIELDS = ["min_rate_mhz", "min_fidelity", "max_latency_ns", "cutoff_ns", "num_pairs",
              "duration_ns", "priority"]
HOP = struct.Struct(">IHBIIHQH")
HOP_FIELDS = ["node", "free_memory", "comm_qubits", "link_id", "link_rate_mhz",
              "link_fidelity", "memory_t2_ns", "swap_success"]
RESULT = struct.Struct(">BH")  # herald_result: outcome (herald_outcome), seq (herald_seq)
RULE = struct.Struct(">IIIBIQBBH")
RULE_FIELDS = ["node", "match_circuit", "match_link", "action", "peer_link", "cutoff_ns",
               "distil_protocol", "distil_rounds", "endpoint"]


def _get(body: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        body = body[part]
    return body


def _put(body: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    for part in parents:
        body = body.setdefault(part, {})
    body[leaf] = value


def _code(table: dict[str, int], value: str | int) -> int:
    """The code of an enumeration value: an unassigned code of an open enumeration is written
    in JSON as the integer itself (chapter 02 section 9)."""
    return value if isinstance(value, int) else table[value]


def _name(table: dict[str, int], code: int) -> str | int:
    return {c: n for n, c in table.items()}.get(code, code)


def _ascii(text: str) -> bytes:
    raw = text.encode("ascii")
    return bytes([len(raw)]) + raw


def encode_body(name: str, body: dict[str, Any]) -> tuple[int, bytes]:
    """Type code and body bytes of a valid message body."""
    if name == "ERROR":
        return 0x01, (struct.pack(">HIB", body["code"], body["offending_message_id"],
                                  body["offending_type"])
                      + _ascii(body["field"]) + _ascii(body["detail"]))
    code, fmt, fields = FLAT[name]
    values = [_code(table, _get(body, f)) if table else _get(body, f) for f, table in fields]
    out = struct.pack(fmt, *values)
    if name == "HERALD":
        out += struct.pack(">B", len(body["results"])) + b"".join(
            RESULT.pack(_code(OUTCOME, r["outcome"]), r["seq"]) for r in body["results"])
    elif name == "SETUP":
        q = body["qos"]
        out += QOS.pack(*(q[f] for f in QOS_FIELDS))
        out += struct.pack(">B", len(body["route"])) + b"".join(
            struct.pack(">I", n) for n in body["route"])
        out += struct.pack(">B", len(body["hops"])) + b"".join(
            HOP.pack(*(h[f] for f in HOP_FIELDS)) for h in body["hops"])
    elif name == "CONFIRM":
        out += struct.pack(">H", len(body["rules"])) + b"".join(
            RULE.pack(*(_code(ACTION, r[f]) if f == "action" else _code(DISTIL, r[f])
                        if f == "distil_protocol" else r[f] for f in RULE_FIELDS))
            for r in body["rules"])
    return code, out


def encode(msg: dict[str, Any]) -> bytes:
    """Bytes of a valid canonical-JSON message without an authentication trailer."""
    code, body = encode_body(msg["type"], msg["body"])
    ext = b"".join(
        struct.pack(">HH", e["type"] | (0x8000 if e["critical"] else 0), len(e["value"]) // 2)
        + bytes.fromhex(e["value"]) for e in msg["extensions"])
    length = HEADER.size + len(body) + len(ext)
    return HEADER.pack(1, code, 0, 0, length, msg["message_id"], msg["source"],
                       msg["destination"]) + body + ext


def decode(data: bytes) -> dict[str, Any]:
    """Canonical JSON of a valid message without trailer or extensions (baseline decoder)."""
    version, code, _flags, _res, _length, mid, src, dst = HEADER.unpack_from(data)
    name = NAMES[code]
    pos = HEADER.size
    body: dict[str, Any] = {}
    if name == "ERROR":
        c, omid, otype = struct.unpack_from(">HIB", data, pos)
        pos += 7
        texts = []
        for _ in range(2):
            n = data[pos]
            texts.append(data[pos + 1:pos + 1 + n].decode("ascii"))
            pos += 1 + n
        body = {"code": c, "offending_message_id": omid, "offending_type": otype,
                "field": texts[0], "detail": texts[1]}
    else:
        _, fmt, fields = FLAT[name]
        values = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        for (f, table), v in zip(fields, values, strict=True):
            _put(body, f, _name(table, v) if table else v)
        if name == "HERALD":
            n = data[pos]
            pos += 1
            body["results"] = []
            for _ in range(n):
                outcome, seq = RESULT.unpack_from(data, pos)
                body["results"].append({"outcome": _name(OUTCOME, outcome), "seq": seq})
                pos += RESULT.size
        elif name == "SETUP":
            body["qos"] = dict(zip(QOS_FIELDS, QOS.unpack_from(data, pos), strict=True))
            pos += QOS.size
            n = data[pos]
            body["route"] = list(struct.unpack_from(f">{n}I", data, pos + 1))
            pos += 1 + 4 * n
            n = data[pos]
            pos += 1
            body["hops"] = []
            for _ in range(n):
                body["hops"].append(dict(zip(HOP_FIELDS, HOP.unpack_from(data, pos),
                                             strict=True)))
                pos += HOP.size
        elif name == "CONFIRM":
            (n,) = struct.unpack_from(">H", data, pos)
            pos += 2
            rules = []
            for _ in range(n):
                r = dict(zip(RULE_FIELDS, RULE.unpack_from(data, pos), strict=True))
                r["action"] = _name(ACTION, r["action"])
                r["distil_protocol"] = _name(DISTIL, r["distil_protocol"])
                rules.append(r)
                pos += RULE.size
            body["rules"] = rules
    return {"version": version, "type": name, "message_id": mid, "source": src,
            "destination": dst, "body": body, "extensions": [], "auth": None}
