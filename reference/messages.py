"""Envelope construction and unit conversions shared by the engines.

Messages are canonical-JSON dicts of the message layer (:mod:`qvcp.schemas`); engines build
them here and never touch the wire codec (it sits beside the engines, in the simulator or a
driver).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qvcp.schemas import ErrorCode, WireError, message_specs
from qvcp.schemas.layout import wire_constants

BELL_NAMES = ("PHI_PLUS", "PSI_PLUS", "PHI_MINUS", "PSI_MINUS")
BELL_CODES = {name: code for code, name in enumerate(BELL_NAMES)}
FAILURE = 255
HERALD_NAMES = {1: "PSI_PLUS", 3: "PSI_MINUS", FAILURE: "FAILURE"}
HERALD_CODES = {v: k for k, v in HERALD_NAMES.items()}
#: the rule actions and distillation protocols this implementation can run (WIRE-048)
RULE_ACTIONS = frozenset({"GENERATE", "SWAP", "DISTIL", "DELIVER", "DISCARD"})
DISTIL_PROTOCOLS = frozenset({"NONE", "DEJMPS", "BBPSSW"})


#: extension types this implementation knows (chapter 02 section 6), by name
KNOWN_EXTENSIONS = {v["name"]: int(k) for k, v in wire_constants()["known_extensions"].items()}
TRACE_CONTEXT = KNOWN_EXTENSIONS["TRACE_CONTEXT"]
SUPPORTED_VERSIONS = KNOWN_EXTENSIONS["SUPPORTED_VERSIONS"]
SWAP_SCHEDULE = KNOWN_EXTENSIONS["SWAP_SCHEDULE"]
#: the protocol versions this implementation speaks, most preferred first (WIRE-050)
VERSIONS = (1,)
_KNOWN_TYPES = frozenset(KNOWN_EXTENSIONS.values())
#: value length in bytes of each known extension type that fixes one
_KNOWN_LENGTHS = {int(k): v["length"] for k, v in wire_constants()["known_extensions"].items()
                  if "length" in v}


def check_extensions(msg: dict[str, Any]) -> None:
    """Judge the extensions of a message received in JSON form as the codec judges them in
    binary form, in their order (WIRE-017): raise ``WireError`` UNKNOWN_CRITICAL_EXTENSION for
    an extension marked critical of a type this node does not implement (EXT-002; type 0 and
    the experimental types are not implemented, EXT-006) and MALFORMED_EXTENSION for a known
    extension whose value has the wrong length (EXT-001.2)."""
    for index, ext in enumerate(msg.get("extensions") or ()):
        if ext["critical"] and ext["type"] not in _KNOWN_TYPES:
            raise WireError(ErrorCode.UNKNOWN_CRITICAL_EXTENSION, f"extensions[{index}].type",
                            f"critical extension type {ext['type']} is not known")
        size = _KNOWN_LENGTHS.get(ext["type"])
        if size is not None and len(ext["value"]) != 2 * size:
            raise WireError(ErrorCode.MALFORMED_EXTENSION, f"extensions[{index}].value",
                            f"extension type {ext['type']} is {size} bytes, got "
                            f"{len(ext['value']) // 2}")


def relayed_extensions(msg: dict[str, Any]) -> list[dict[str, Any]]:
    """The extensions of ``msg`` that a message sent on because of it carries: its (first)
    TRACE_CONTEXT (EXT-005.1), not marked critical whatever the received one said (EXT-007), and
    every extension of a type this node does not implement and that is not critical, unchanged
    and in their order (EXT-003.2). PADDING belongs to one message and is not carried on; an
    unknown critical extension never gets this far (EXT-002)."""
    out, traced = [], False
    for ext in msg.get("extensions") or ():
        if ext["type"] == TRACE_CONTEXT:
            if not traced:
                out.append({**ext, "critical": False})
                traced = True
        elif ext["type"] not in _KNOWN_TYPES and not ext["critical"]:
            out.append(dict(ext))
        elif ext["type"] == SWAP_SCHEDULE:  # FWD-025: the CONFIRM's schedule goes on
            out.append(dict(ext, critical=False))
    return out


def fidelity_to_wire(f: float) -> int:
    """Fidelity in [0, 1] -> ``round(F * 65535)`` (clipped)."""
    return round(min(max(f, 0.0), 1.0) * 65535)


def fidelity_bound_to_wire(f: float) -> int:
    """A lower bound of a fidelity in [0, 1] -> ``floor(F * 65535)`` (clipped): rounded down,
    unlike :func:`fidelity_to_wire`, so the value on the wire stays a lower bound (SIG-045.3).

    >>> fidelity_to_wire(0.80001), fidelity_bound_to_wire(0.80001), fidelity_bound_to_wire(1.0)
    (52429, 52428, 65535)
    """
    return math.floor(min(max(f, 0.0), 1.0) * 65535)


def fidelity_from_wire(v: int) -> float:
    """``round(F * 65535)`` -> F."""
    return v / 65535


def rate_to_wire(pairs_per_s: float) -> int:
    """Pairs per second -> milli-pairs per second (u32, clipped)."""
    if not math.isfinite(pairs_per_s):
        return 2**32 - 1
    return int(min(max(round(pairs_per_s * 1000), 0), 2**32 - 1))


_TYPE_CODES = {name: spec.type_code for name, spec in message_specs().items()}


def error_reply(factory: MessageFactory, msg: dict[str, Any] | None, code: int, field: str,
                detail: str) -> dict[str, Any] | None:
    """The ERROR answering ``msg`` (to its source, echoing its id and type code; ERR-001), or
    None when there is nothing to answer or ``msg`` is itself an ERROR (ERR-003)."""
    if msg is None or msg.get("type") == "ERROR":
        return None
    versions = ([{"type": SUPPORTED_VERSIONS, "critical": False, "value": bytes(VERSIONS).hex()}]
                if code == ErrorCode.UNSUPPORTED_VERSION else [])  # WIRE-050
    return factory.make("ERROR", msg["source"], {
        "code": int(code), "offending_message_id": msg.get("message_id", 0),
        "offending_type": _TYPE_CODES.get(msg.get("type", ""), 0),
        "field": field[:255], "detail": detail[:255]}, versions)


def no_common_version(error: dict[str, Any]) -> bool:
    """True if ERROR ``error`` says its sender implements none of :data:`VERSIONS`: an
    ``UNSUPPORTED_VERSION`` whose ``SUPPORTED_VERSIONS`` list (none counts as empty) shares no
    version with this implementation (WIRE-051)."""
    if error["body"]["code"] != ErrorCode.UNSUPPORTED_VERSION:
        return False
    listed = {v for ext in error.get("extensions") or () if ext["type"] == SUPPORTED_VERSIONS
              for v in bytes.fromhex(ext["value"])}
    return not listed & set(VERSIONS)


def next_seq(seq: int) -> int:
    """Next herald sequence number modulo 2^16, skipping 0."""
    return seq % 65535 + 1


def seqs_between(last: int, seq: int) -> int:
    """How many herald sequence numbers lie strictly between ``last`` and ``seq``, counting
    forwards modulo 2^16 and skipping 0 (``last`` 0: none heralded yet, so ``seq - 1``).

    >>> seqs_between(3, 4), seqs_between(65535, 2), seqs_between(0, 1)
    (0, 1, 0)
    """
    return (seq - 1 - last % 65535) % 65535


@dataclass
class MessageFactory:
    """Builds envelopes for one sender with a deterministic message-id counter."""

    node_id: int
    counter: int = 0
    #: the node's keys (:class:`~.auth.NodeAuth`); a message to a keyed peer takes its
    #: ``message_id`` from that peer's own counter (SEC-010) and is signed (SEC-005)
    auth: Any = None

    def make(self, mtype: str, destination: int, body: dict[str, Any],
             extensions: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
        """A complete message dict (version 1, the given extensions; ``auth`` None unless
        the destination is a keyed peer)."""
        self.counter = (self.counter + 1) % 2**32
        msg = {
            "version": 1,
            "type": mtype,
            "message_id": self.counter,
            "source": self.node_id,
            "destination": destination,
            "body": body,
            "extensions": [dict(e) for e in extensions] if extensions else [],
            "auth": None,
        }
        if self.auth is not None and destination in self.auth.keys:
            msg["message_id"] = self.auth.next_id(destination)
            self.auth.sign(msg)
        return msg
