"""Faulty implementations of the codec (chapter 02), and the base of every faulty driver.

Each fault rewrites the input or the answer of one ``wire`` verb of the reference driver so
that it breaks one rule of the wire format; :data:`WIRE_FAULTS` names the case that must catch
it and the requirement it violates (:mod:`.faulty` registers them with the others). The
faults of extension handling are :mod:`.faulty_extensions`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from qvcp.schemas import message_specs, specs_by_code

__all__ = ["LENGTH_FIELD", "WIRE_FAULTS", "FaultyDriver", "body_end", "rejected"]

Json = dict[str, Any]
LENGTH_FIELD = slice(4, 8)  # the header's length field


def _reference() -> Any:
    from qvcp.conformance.drivers import entry_point_driver

    return entry_point_driver("reference")()


class FaultyDriver:
    """Delegates every verb to the reference; subclasses override one."""

    fault = ""
    caught_by = ""  # the case that must catch it, and the requirement it breaks (codec faults)
    requirement = ""

    def __init__(self) -> None:
        self.inner = _reference()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def hello(self, *, protocol: int, harness: str) -> Json:
        result: Json = self.inner.hello(protocol=protocol, harness=harness)
        impl = dict(result["implementation"])
        impl["name"] = f"{impl['name']}+{self.fault}"
        return {**result, "implementation": impl}


def rejected(answer: Json, name: str) -> bool:
    """True when ``answer`` is a rejection with the error ``name``."""
    return answer.get("reject", {}).get("name") == name


def body_end(inner: Any, data: bytearray) -> int:
    """Where the extensions of ``data`` start, found by cutting the message at each length
    and asking ``inner`` (the reference) to decode it."""
    for end in range(20, len(data) + 1):
        probe = bytearray(data[:end])
        probe[LENGTH_FIELD] = end.to_bytes(4, "big")
        if "json" in inner.wire_decode(hex=probe.hex()):
            return end
    return len(data)


# --- faults of the codec (chapter 02): each rewrites the input or the answer of one verb ------

_AUTH_FLAG, _CRITICAL = 0x01, 0x8000
_BDD = "wire.bdd.02-wire-format."  # the scenarios of features/02-wire-format


def _reject(code: int, name: str) -> Json:
    return {"reject": {"code": code, "name": name}}


def _ints(value: Any, convert: Callable[[int], int]) -> Any:
    """``value`` with every integer (not bool) inside it replaced by ``convert(it)``."""
    if isinstance(value, dict):
        return {k: _ints(v, convert) for k, v in value.items()}
    if isinstance(value, list):
        return [_ints(v, convert) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return convert(value)
    return value


def _tlvs(data: bytes, start: int) -> list[tuple[int, int, int]]:
    """``(offset, type word, value length)`` of each whole TLV header from ``start``."""
    out, pos = [], start
    while pos + 4 <= len(data):
        out.append((pos, int.from_bytes(data[pos:pos + 2], "big"),
                    int.from_bytes(data[pos + 2:pos + 4], "big")))
        pos += 4 + out[-1][2]
    return out


class _Decode(FaultyDriver):
    """Rewrites the bytes given to ``wire.decode`` or its answer."""

    def wire_decode(self, *, hex: str, keys: dict[str, str] | None = None) -> Json:
        return self.decoded(bytearray.fromhex(hex), keys)

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        return self.inner.wire_decode(hex=bytes(data).hex(), keys=keys)  # type: ignore[no-any-return]


class _Encode(FaultyDriver):
    """Rewrites the JSON given to ``wire.encode`` or its answer."""

    def wire_encode(self, *, json: Any) -> Json:
        return self.encoded(json)

    def encoded(self, message: Any) -> Json:
        return self.inner.wire_encode(json=message)  # type: ignore[no-any-return]


class LittleEndianDecode(_Decode):
    """Reads message_id little-endian (WIRE-001) when decoding."""

    fault = "little-endian-decode"
    caught_by, requirement = "wire.prop.round-trip", "WIRE-001"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        if len(data) >= 12:
            data[8:12] = data[8:12][::-1]
        return super().decoded(data, keys)


class TruncatedBodyAsLength(_Decode):
    """Reports a body cut short as LENGTH_MISMATCH instead of TRUNCATED."""

    fault = "truncated-body-as-length-mismatch"
    caught_by, requirement = "wire.vector.close-endpoint-truncated-body", "WIRE-002"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        answer = super().decoded(data, keys)
        if len(data) >= 20 and rejected(answer, "TRUNCATED"):
            return _reject(2, "LENGTH_MISMATCH")
        return answer


class IgnoresTrailingBytes(_Decode):
    """Decodes the bytes the length field announces and ignores any received beyond them."""

    fault = "ignores-trailing-bytes"
    caught_by, requirement = "wire.vector.close-endpoint-trailing-byte", "WIRE-003.2"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        length = int.from_bytes(data[LENGTH_FIELD], "big") if len(data) >= 20 else 0
        return super().decoded(data[:length] if 20 <= length < len(data) else data, keys)


class AcceptsAnyVersion(_Decode):
    """Decodes a message of any version as version 1."""

    fault = "accepts-any-version"
    caught_by, requirement = "wire.vector.close-endpoint-version-2", "WIRE-004.2"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        if data:
            data[0] = 1
        return super().decoded(data, keys)


class EncodesAnyVersion(_Encode):
    """Encodes a JSON message of any version, writing that version into the header."""

    fault = "encodes-any-version"
    caught_by, requirement = _BDD + "a-json-message-of-version-2-is-refused", "WIRE-004.2"

    def encoded(self, message: Any) -> Json:
        version = message.get("version") if isinstance(message, dict) else 1
        if not isinstance(version, int) or version == 1 or not 0 <= version < 256:
            return super().encoded(message)
        answer = super().encoded({**message, "version": 1})
        if "hex" in answer:
            answer = {"hex": f"{version:02x}{answer['hex'][2:]}"}
        return answer


class UnknownTypeWrongCode(_Decode):
    """Rejects an unregistered type code with FIELD_OUT_OF_RANGE."""

    fault = "unknown-type-wrong-code"
    caught_by, requirement = "wire.vector.wire-unknown-type", "WIRE-005"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        answer = super().decoded(data, keys)
        return _reject(6, "FIELD_OUT_OF_RANGE") if rejected(
            answer, "UNKNOWN_MESSAGE_TYPE") else answer


class UnknownTypeNameWrongCode(_Encode):
    """Rejects an unregistered type name in JSON with SCHEMA_VIOLATION."""

    fault = "unknown-type-name-wrong-code"
    caught_by, requirement = "wire.vector.wire-json-unknown-type", "WIRE-005"

    def encoded(self, message: Any) -> Json:
        answer = super().encoded(message)
        return _reject(7, "SCHEMA_VIOLATION") if rejected(
            answer, "UNKNOWN_MESSAGE_TYPE") else answer


class IgnoresFlagBit1(_Decode):
    """Checks the reserved flag bits 2 to 7 but not bit 1 (mask 0xFC instead of 0xFE)."""

    fault = "ignores-flag-bit-1"
    caught_by, requirement = _BDD + "the-reserved-flag-bit-next-to-auth-is-rejected", "WIRE-006.2"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        if len(data) >= 3:
            data[2] &= 0xFD
        return super().decoded(data, keys)


class AcceptsAsciiDel(_Decode, _Encode):
    """Accepts the character DEL (0x7F) in ascii8 strings, in binary and in JSON."""

    fault = "accepts-ascii-del"
    caught_by, requirement = _BDD + "a-string-holding-del-is-rejected-in-binary", "WIRE-007"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        answer = super().decoded(data, keys)
        if rejected(answer, "FIELD_OUT_OF_RANGE") and 0x7F in data:
            return super().decoded(bytearray(data.replace(b"\x7f", b"~")), keys)
        return answer

    def encoded(self, message: Any) -> Json:
        text = json.dumps(message, ensure_ascii=False).replace("\x7f", "~")
        return super().encoded(json.loads(text))


class ClampsPriority(_Encode):
    """Encodes a priority above 7 as 7 instead of rejecting it."""

    fault = "clamps-priority"
    caught_by, requirement = "wire.vector.wire-json-priority-8", "WIRE-007"

    def encoded(self, message: Any) -> Json:
        text = json.dumps(message)
        fixed = re.sub(r'"priority": (\d+)', lambda m: f'"priority": {min(int(m[1]), 7)}', text)
        return super().encoded(json.loads(fixed))


class DropsExtraMembers(_Encode):
    """Encodes a JSON message after silently dropping members its schema does not know."""

    fault = "drops-extra-members"
    caught_by, requirement = "wire.vector.close-endpoint-json-extra-field", "WIRE-008.3"

    def encoded(self, message: Any) -> Json:
        spec = message_specs().get(message.get("type", "")) if isinstance(message, dict) else None
        if spec is None:
            return super().encoded(message)
        top = {"version", "type", "message_id", "source", "destination", "body", "extensions",
               "auth"}
        fields = {name for name, _ in spec.body.fields}
        kept = {k: v for k, v in message.items() if k in top}
        if isinstance(kept.get("body"), dict):
            kept["body"] = {k: v for k, v in kept["body"].items() if k in fields}
        return super().encoded(kept)


class CutsLongArrays(_Encode):
    """Writes at most 255 items of an array whose count prefix is a u8, dropping the rest."""

    fault = "cuts-long-arrays"
    caught_by = _BDD + "an-array-of-more-items-than-its-count-can-express-is-refused"
    requirement = "WIRE-011.2"

    def encoded(self, message: Any) -> Json:
        if isinstance(message, dict) and isinstance(message.get("body"), dict):
            body = {k: v[:255] if isinstance(v, list) else v for k, v in message["body"].items()}
            message = {**message, "body": body}
        return super().encoded(message)


class ExtensionsBeforeBody(_Encode):
    """Writes the extensions between the header and the body."""

    fault = "extensions-before-body"
    caught_by, requirement = _BDD + "extensions-are-encoded-after-the-body", "WIRE-012.2"

    def encoded(self, message: Any) -> Json:
        answer = super().encoded(message)
        if "hex" not in answer or not message.get("extensions"):
            return answer
        plain = bytes.fromhex(super().encoded({**message, "extensions": []})["hex"])
        data = bytes.fromhex(answer["hex"])
        body_end = len(plain) - (36 if message.get("auth") else 0)
        tlvs_end = body_end + len(data) - len(plain)
        return {"hex": (data[:20] + data[body_end:tlvs_end] + data[20:body_end]
                        + data[tlvs_end:]).hex()}


class SwapsAttemptIds(_Encode):
    """Writes HERALD's attempt_id_b before attempt_id_a when encoding."""

    fault = "swaps-attempt-ids"
    caught_by, requirement = _BDD + "a-herald-encodes-its-attempt-ids-in-layout-order", "WIRE-012.1"

    def encoded(self, message: Any) -> Json:
        answer = super().encoded(message)
        if "hex" in answer and message.get("type") == "HERALD":
            data = bytes.fromhex(answer["hex"])
            answer = {"hex": (data[:32] + data[36:40] + data[32:36] + data[40:]).hex()}
        return answer


class SwapsAttemptIdsDecoding(_Decode):
    """Reads HERALD's attempt ids in the wrong order (attempt_id_b first) when decoding."""

    fault = "swaps-attempt-ids-decoding"
    caught_by, requirement = _BDD + "a-herald-decodes-its-attempt-ids-in-layout-order", "WIRE-014.1"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        answer = super().decoded(data, keys)
        body = answer.get("json", {}).get("body", {})
        if "attempt_id_a" in body:
            body["attempt_id_a"], body["attempt_id_b"] = body["attempt_id_b"], body["attempt_id_a"]
        return answer


class SkipsRuleCutoffs(_Decode):
    """Skips the rules' cutoff_ns when decoding a CONFIRM (a field a relaying hop ignores)."""

    fault = "skips-rule-cutoffs"
    caught_by, requirement = _BDD + "a-confirm-decodes-to-its-canonical-json", "WIRE-014.3"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        answer = super().decoded(data, keys)
        for rule in answer.get("json", {}).get("body", {}).get("rules", []):
            rule["cutoff_ns"] = 0
        return answer


class FloatU64Decode(_Decode):
    """Passes the integers it decodes through binary floating point (WIRE-015.2)."""

    fault = "float-u64-decode"
    caught_by, requirement = _BDD + "u64-values-above-2-53-decode-exactly", "WIRE-015.2"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        answer = super().decoded(data, keys)
        if "json" in answer:
            answer["json"] = _ints(answer["json"], lambda i: int(float(i)))
        return answer


class FloatU64Encode(_Encode):
    """Passes the integers it encodes through binary floating point (WIRE-015.1)."""

    fault = "float-u64-encode"
    caught_by, requirement = _BDD + "u64-times-above-2-53-survive-exactly", "WIRE-015.1"

    def encoded(self, message: Any) -> Json:
        return super().encoded(_ints(message, lambda i: int(float(i))))


class LengthBeforeVersion(_Decode):
    """Checks the length field before the version."""

    fault = "length-before-version"
    caught_by, requirement = _BDD + "version-is-checked-before-the-length-field", "WIRE-016"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        if len(data) >= 20 and int.from_bytes(data[LENGTH_FIELD], "big") != len(data):
            return _reject(2, "LENGTH_MISMATCH")
        return super().decoded(data, keys)


class ReservedBeforeLength(_Decode):
    """Checks the reserved bits before the length field."""

    fault = "reserved-before-length"
    caught_by = _BDD + "the-length-field-is-checked-before-the-reserved-bits"
    requirement = "WIRE-016"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        if len(data) >= 20 and data[0] == 1 and (data[2] & ~_AUTH_FLAG or data[3]):
            return _reject(5, "RESERVED_BITS_SET")
        return super().decoded(data, keys)


class TypeBeforeReserved(_Decode):
    """Checks the type code before the reserved bits."""

    fault = "type-before-reserved"
    caught_by, requirement = _BDD + "the-reserved-bits-are-checked-before-the-type", "WIRE-016"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        if len(data) >= 20 and data[0] == 1 and data[1] not in specs_by_code() and \
                int.from_bytes(data[LENGTH_FIELD], "big") == len(data):
            return _reject(4, "UNKNOWN_MESSAGE_TYPE")
        return super().decoded(data, keys)


class TrailerBeforeType(_Decode):
    """Checks that the trailer fits (AUTH flag set) before checking the type code."""

    fault = "trailer-before-type"
    caught_by, requirement = _BDD + "the-type-is-checked-before-the-trailer-s-size", "WIRE-016"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        if len(data) >= 20 and data[2] & _AUTH_FLAG and len(data) < 20 + 36:
            return _reject(1, "TRUNCATED")
        return super().decoded(data, keys)


class BodyBeforeTag(_Decode):
    """Decodes (and judges) the body before verifying the tag (WIRE-016 steps 7 and 8)."""

    fault = "body-before-tag"
    caught_by, requirement = _BDD + "the-tag-is-checked-before-the-body", "WIRE-016"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        answer = self.inner.wire_decode(hex=bytes(data).hex())
        if "reject" in answer or keys is None:
            return answer
        return super().decoded(data, keys)


class CriticalBeforeOverrun(_Decode):
    """Judges a TLV's critical bit before checking that its value fits in the message."""

    fault = "critical-before-overrun"
    caught_by = _BDD + "an-overrunning-value-is-reported-before-an-unknown-critical-type"
    requirement = "WIRE-016"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        answer = super().decoded(data, keys)
        if rejected(answer, "MALFORMED_EXTENSION") and any(
                word & _CRITICAL and word & 0x7FFF not in (1, 2)
                for _, word, _ in _tlvs(data, body_end(self.inner, data))):
            return _reject(9, "UNKNOWN_CRITICAL_EXTENSION")
        return answer


class TypeBeforeVersionJson(_Encode):
    """Checks a JSON message's type name before its version."""

    fault = "json-type-before-version"
    caught_by = _BDD + "an-unsupported-version-is-reported-before-an-unknown-type"
    requirement = "WIRE-017"

    def encoded(self, message: Any) -> Json:
        if isinstance(message, dict) and message.get("type") not in message_specs():
            return _reject(4, "UNKNOWN_MESSAGE_TYPE")
        return super().encoded(message)


class MembersBeforeTypeJson(_Encode):
    """Checks that a JSON message's top-level members are present before its type name."""

    fault = "json-members-before-type"
    caught_by = _BDD + "an-unknown-type-is-reported-before-a-missing-member"
    requirement = "WIRE-017"
    _TOP = ("version", "type", "message_id", "source", "destination", "body", "extensions",
            "auth")

    def encoded(self, message: Any) -> Json:
        if isinstance(message, dict) and message.get("version") == 1 and \
                sorted(message) != sorted(self._TOP):
            return _reject(7, "SCHEMA_VIOLATION")
        return super().encoded(message)


class RangeBeforeMembersJson(_Encode):
    """Checks that a JSON message's integers fit 32 bits before checking its members."""

    fault = "json-range-before-members"
    caught_by = _BDD + "a-missing-member-is-reported-before-a-value-out-of-range"
    requirement = "WIRE-017"

    def encoded(self, message: Any) -> Json:
        big: list[int] = []
        _ints(message.get("body") if isinstance(message, dict) else None,
              lambda i: big.append(i) or i)
        if any(i >= 2**32 for i in big):
            return _reject(6, "FIELD_OUT_OF_RANGE")
        return super().encoded(message)


#: every fault above that names its case, by name: (factory, case, requirement it breaks)
WIRE_FAULTS: dict[str, tuple[Callable[[], Any], str, str]] = {
    cls.fault: (cls, cls.caught_by, cls.requirement) for cls in list(globals().values())
    if isinstance(cls, type) and issubclass(cls, FaultyDriver) and cls.caught_by}
