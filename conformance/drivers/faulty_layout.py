"""Faulty codecs that break the layout of what they write or read (chapters 02 and 08).

Each fault rewrites the answer of one ``wire`` verb of the reference driver: a length field,
a reserved byte, a count prefix, a TLV header or the AUTH flag it writes, or the bytes after
the body it reads. :data:`LAYOUT_FAULTS` names the case that must catch each one and the
requirement it breaks (:mod:`.faulty` registers them with the others).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qvcp.conformance.drivers.faulty_wire import (
    LENGTH_FIELD,
    FaultyDriver,
    _Decode,
    _Encode,
    _tlvs,
    body_end,
)

__all__ = ["LAYOUT_FAULTS"]

Json = dict[str, Any]
_BDD = "wire.bdd.02-wire-format."


def _with_length(data: bytes) -> bytes:
    out = bytearray(data)
    out[LENGTH_FIELD] = len(out).to_bytes(4, "big")
    return bytes(out)


def _plain(message: Any) -> bool:
    """True for a JSON message without a trailer, whose bytes a fault may rewrite freely."""
    return isinstance(message, dict) and not message.get("auth")


class LengthWithoutExtensions(_Encode):
    """Writes a length field that leaves out the extensions."""

    fault = "length-without-extensions"
    caught_by, requirement = _BDD + "extensions-are-encoded-after-the-body", "WIRE-003.1"

    def encoded(self, message: Any) -> Json:
        answer = super().encoded(message)
        if "hex" not in answer or not _plain(message) or not message.get("extensions"):
            return answer
        data = bytearray.fromhex(answer["hex"])
        plain = super().encoded({**message, "extensions": []})
        data[LENGTH_FIELD] = (len(plain["hex"]) // 2).to_bytes(4, "big")
        return {"hex": data.hex()}


class ReservedByteSet(_Encode):
    """Writes 0xFF into the reserved header byte of every message it encodes."""

    fault = "reserved-byte-set"
    caught_by, requirement = _BDD + "a-setup-encodes-to-its-canonical-bytes", "WIRE-006.1"

    def encoded(self, message: Any) -> Json:
        answer = super().encoded(message)
        if "hex" in answer and _plain(message):
            data = bytearray.fromhex(answer["hex"])
            data[3] = 0xFF
            answer = {"hex": data.hex()}
        return answer


class WrapsArrayCount(_Encode):
    """Writes an array too long for its u8 count prefix whole, the count modulo 256.

    It refuses nothing: the message is encoded instead of rejected."""

    fault = "wraps-array-count"
    caught_by = _BDD + "an-array-of-more-items-than-its-count-can-express-is-refused"
    requirement = "WIRE-011.1"

    def encoded(self, message: Any) -> Json:
        body = message.get("body") if _plain(message) else None
        long = [k for k, v in body.items() if isinstance(v, list) and len(v) > 255] \
            if isinstance(body, dict) else []
        if not long:
            return super().encoded(message)
        name, items = long[0], body[long[0]]

        def with_items(part: list[Any]) -> bytes:
            answer = super(WrapsArrayCount, self).encoded(
                {**message, "body": {**body, name: part}})
            return bytes.fromhex(answer.get("hex", ""))

        empty, full = with_items([]), with_items(items[:255])
        if not empty or not full:
            return super().encoded(message)
        count = next(i for i in range(20, len(empty)) if empty[i] != full[i])
        if full[count] != 255:  # not a u8 count prefix
            return super().encoded(message)

        def region(data: bytes) -> bytes:
            return data[count + 1:count + 1 + len(data) - len(empty)]

        extra = b"".join(region(with_items([item])) for item in items[255:])
        head, rest = full[:count], full[count + 1 + len(region(full)):]
        data = head + bytes([len(items) % 256]) + region(full) + extra + rest
        return {"hex": _with_length(data).hex()}


class TlvLengthWithHeader(_Encode):
    """Writes each extension's value length as the size of the whole TLV (value + 4)."""

    fault = "tlv-length-with-header"
    caught_by, requirement = _BDD + "extensions-are-encoded-after-the-body", "EXT-001.1"

    def encoded(self, message: Any) -> Json:
        answer = super().encoded(message)
        if "hex" not in answer or not _plain(message) or not message.get("extensions"):
            return answer
        data = bytearray.fromhex(answer["hex"])
        start = len(super().encoded({**message, "extensions": []})["hex"]) // 2
        for pos, _word, size in _tlvs(bytes(data), start):
            data[pos + 2:pos + 4] = ((size + 4) & 0xFFFF).to_bytes(2, "big")
        return {"hex": data.hex()}


class IgnoresExtensionBytes(_Decode):
    """Decodes the body and drops the bytes after it instead of reading them as extensions."""

    fault = "ignores-extension-bytes"
    caught_by = _BDD + "an-unknown-non-critical-extension-is-ignored-and-carried"
    requirement = "WIRE-014.2"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        if len(data) >= 20 and not data[2] & 0x01 and \
                int.from_bytes(data[LENGTH_FIELD], "big") == len(data):
            end = body_end(self.inner, data)
            if end < len(data):
                data = bytearray(_with_length(bytes(data[:end])))
        return super().decoded(data, keys)


class AuthFlagClear(_Encode):
    """Appends the trailer of a JSON message that has ``auth`` but leaves the AUTH flag clear."""

    fault = "auth-flag-clear"
    caught_by, requirement = "wire.vector.wire-signed-teardown", "SEC-001.1"

    def encoded(self, message: Any) -> Json:
        answer = super().encoded(message)
        if "hex" in answer and isinstance(message, dict) and message.get("auth"):
            data = bytearray.fromhex(answer["hex"])
            data[2] &= 0xFE
            answer = {"hex": data.hex()}
        return answer


#: every fault above, by name: (factory, case, requirement it breaks)
LAYOUT_FAULTS: dict[str, tuple[Callable[[], Any], str, str]] = {
    cls.fault: (cls, cls.caught_by, cls.requirement)
    for cls in (LengthWithoutExtensions, ReservedByteSet, WrapsArrayCount, TlvLengthWithHeader,
                IgnoresExtensionBytes, AuthFlagClear)
    if issubclass(cls, FaultyDriver)}
