"""Faulty codecs of chapter 02 section 9 and chapter 11 section 6: a decoder that treats every
open enumeration as closed (WIRE-040), an encoder that takes an assigned code written as an
integer (WIRE-042), and codecs without the bounds on size (REL-020) and on the number of
extensions (REL-021). :mod:`.faulty` registers them with the other faults."""

from __future__ import annotations

from typing import Any

from qvcp.conformance.drivers.faulty_wire import LENGTH_FIELD, FaultyDriver, body_end, rejected
from qvcp.schemas import message_specs
from qvcp.schemas.layout import Array, Enum, Node, Object

__all__ = ["REGISTRY_FAULTS"]

Json = dict[str, Any]


def _walk(node: Node, value: Any, visit: Any) -> Any:
    """``value`` with every open-enumeration field passed through ``visit(node, value)``."""
    if isinstance(node, Enum):
        return visit(node, value) if node.open else value
    if isinstance(node, Array) and isinstance(value, list):
        return [_walk(node.item, v, visit) for v in value]
    if isinstance(node, Object) and isinstance(value, dict):
        fields = dict(node.fields)
        return {k: _walk(fields[k], v, visit) if k in fields else v for k, v in value.items()}
    return value


def _body(message: Any, visit: Any) -> Any:
    spec = message_specs().get(message.get("type", "")) if isinstance(message, dict) else None
    if spec is None or not isinstance(message.get("body"), dict):
        return message
    return {**message, "body": _walk(spec.body, message["body"], visit)}


class ClosesOpenEnums(FaultyDriver):
    """Rejects an unassigned code of an open enumeration as out of range, as if every
    enumeration were closed."""

    fault = "closes-open-enums"

    def wire_decode(self, *, hex: str, keys: dict[str, str] | None = None) -> Json:
        answer: Json = self.inner.wire_decode(hex=hex, keys=keys)
        unknown: list[int] = []
        _body(answer.get("json"), lambda node, v: unknown.append(v) if isinstance(v, int)
              else None)
        if unknown:
            return {"reject": {"code": 6, "name": "FIELD_OUT_OF_RANGE"}}
        return answer


class AssignedCodeAsInteger(FaultyDriver):
    """Encodes an assigned code written as an integer in the JSON form as if it were the
    name (a lenient reader of a non-canonical form)."""

    fault = "assigned-code-as-integer"

    def wire_encode(self, *, json: Any) -> Json:
        def named(node: Enum, value: Any) -> Any:
            names = node.names_by_code
            return names.get(value, value) if isinstance(value, int) else value
        return self.inner.wire_encode(json=_body(json, named))  # type: ignore[no-any-return]


class AcceptsOversized(FaultyDriver):
    """Decodes a message longer than 65535 bytes (keeping its body, dropping what does not
    fit) instead of refusing it with TOO_LARGE."""

    fault = "accepts-oversized"

    def wire_decode(self, *, hex: str, keys: dict[str, str] | None = None) -> Json:
        answer: Json = self.inner.wire_decode(hex=hex, keys=keys)
        if not rejected(answer, "TOO_LARGE"):
            return answer
        data = bytearray.fromhex(hex)
        data[LENGTH_FIELD] = (1 << 16).to_bytes(4, "big")  # as if the bound were not there
        end = body_end(self.inner, data)
        probe = bytearray(data[:end])
        probe[LENGTH_FIELD] = end.to_bytes(4, "big")
        return self.inner.wire_decode(hex=probe.hex(), keys=keys)  # type: ignore[no-any-return]


class AcceptsManyExtensions(FaultyDriver):
    """Encodes a message with more than 32 extensions, writing only the first 32."""

    fault = "accepts-many-extensions"

    def wire_encode(self, *, json: Any) -> Json:
        if isinstance(json, dict) and len(json.get("extensions") or ()) > 32:
            json = {**json, "extensions": json["extensions"][:32]}
        return self.inner.wire_encode(json=json)  # type: ignore[no-any-return]


#: fault name -> (factory, the case that must catch it, the requirement it breaks)
REGISTRY_FAULTS = {
    "closes-open-enums": (ClosesOpenEnums, "wire.vector.reject-grease-reason", "WIRE-040"),
    "assigned-code-as-integer": (AssignedCodeAsInteger,
                                 "wire.vector.teardown-assigned-code-as-integer-reason",
                                 "WIRE-042"),
    "accepts-oversized": (AcceptsOversized, "wire.vector.wire-too-large", "REL-020"),
    "accepts-many-extensions": (AcceptsManyExtensions, "wire.vector.wire-33-extensions",
                                "REL-021"),
}
