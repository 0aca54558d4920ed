"""Faulty codecs that mishandle extensions (chapter 02 section 6): the TRACE_CONTEXT length
check, partial TLV headers, reserved and experimental types marked critical, unknown critical
extensions in JSON, wire order and known critical extensions.

Each fault rewrites the input or the answer of one ``wire`` verb of the reference driver;
:data:`EXTENSION_FAULTS` names the case that must catch each one and the requirement it
breaks (:mod:`.faulty` registers them with the others).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qvcp.conformance.drivers.faulty_wire import (
    _BDD,
    _CRITICAL,
    LENGTH_FIELD,
    FaultyDriver,
    _Decode,
    _Encode,
    _reject,
    _tlvs,
    body_end,
    rejected,
)
from qvcp.schemas import encode

__all__ = ["EXTENSION_FAULTS"]

Json = dict[str, Any]


class LaxTraceContextLength(_Decode):
    """Checks a TRACE_CONTEXT's value length with ``<`` 16 (and ``lengths``: those it misses)."""

    fault = "lax-trace-context-length"
    caught_by, requirement = "wire.vector.close-endpoint-trace-context-wrong-length", "EXT-001.2"
    lengths: tuple[int, ...] = ()  # the wrong lengths accepted; () for every one

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        answer = super().decoded(data, keys)
        if not rejected(answer, "MALFORMED_EXTENSION"):
            return answer
        traces = [(pos, word) for pos, word, size in _tlvs(data, body_end(self.inner, data))
                  if word & 0x7FFF == 1 and (not self.lengths or size in self.lengths)]
        for pos, _word in traces:  # read as an unknown non-critical type, reported as type 1
            data[pos:pos + 2] = (0x4FFF).to_bytes(2, "big")
        retry = super().decoded(data, keys) if traces else answer
        for ext in retry.get("json", {}).get("extensions", []):
            if ext["type"] == 0x4FFF:
                ext["type"], ext["critical"] = 1, bool(traces[0][1] & _CRITICAL)
        return retry


class TraceContextSeventeen(LaxTraceContextLength):
    """Accepts a TRACE_CONTEXT of 17 bytes (an off-by-one length check)."""

    fault = "trace-context-17-bytes"
    caught_by, requirement = _BDD + "a-trace-context-one-byte-too-long-is-rejected", "EXT-001.2"
    lengths = (17,)


class IgnoresPartialTlvHeader(_Decode):
    """Ignores 1 to 3 bytes after the last whole TLV instead of rejecting them."""

    fault = "ignores-partial-tlv-header"
    caught_by = _BDD + "bytes-after-the-body-too-few-for-a-tlv-header-are-rejected"
    requirement = "EXT-001.2"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        answer = super().decoded(data, keys)
        for cut in (1, 2, 3):
            if not rejected(answer, "MALFORMED_EXTENSION") or len(data) - cut < 20:
                break
            shorter = bytearray(data[:-cut])
            shorter[LENGTH_FIELD] = len(shorter).to_bytes(4, "big")
            retry = super().decoded(shorter, keys)
            if "json" in retry:
                return retry
        return answer


class CriticalTypeZeroKnown(_Decode):
    """Treats the reserved extension type 0 as known, accepting it marked critical."""

    fault = "critical-type-zero-known"
    caught_by, requirement = _BDD + "an-extension-of-type-0-marked-critical-is-rejected", "EXT-006"
    types: range = range(0, 1)  # the reserved types it treats as known

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        answer = super().decoded(data, keys)
        if not rejected(answer, "UNKNOWN_CRITICAL_EXTENSION"):
            return answer
        for pos, word, _ in _tlvs(data, body_end(self.inner, data)):
            if word & _CRITICAL and word & 0x7FFF in self.types:
                data[pos] &= 0x7F
        retry = super().decoded(data, keys)
        for ext in retry.get("json", {}).get("extensions", []):
            ext["critical"] = ext["critical"] or ext["type"] in self.types
        return retry


class CriticalExperimentalKnown(CriticalTypeZeroKnown):
    """Treats the experimental extension types 0x7F00-0x7FFF as known, accepting them critical."""

    fault = "critical-experimental-known"
    caught_by = _BDD + "an-extension-of-an-experimental-type-marked-critical-is-rejected"
    requirement = "EXT-006"
    types = range(0x7F00, 0x8000)


class JsonExtensionsUnchecked(_Encode):
    """Encodes a JSON message carrying a known extension of the wrong length."""

    fault = "json-trace-length-unchecked"
    caught_by = _BDD + "a-json-message-with-a-trace-context-of-the-wrong-length-is-rejected"
    requirement = "EXT-001.2"
    name = "MALFORMED_EXTENSION"

    def encoded(self, message: Any) -> Json:
        answer = super().encoded(message)
        return {"hex": encode(message).hex()} if rejected(answer, self.name) else answer


class JsonUnknownCriticalAccepted(JsonExtensionsUnchecked):
    """Encodes a JSON message carrying a critical extension of a type it does not know."""

    fault = "json-unknown-critical-accepted"
    caught_by = _BDD + "a-json-message-with-an-unknown-critical-extension-is-rejected"
    requirement = "EXT-002"
    name = "UNKNOWN_CRITICAL_EXTENSION"


class SortsExtensions(_Decode):
    """Lists the decoded extensions sorted by type instead of in wire order."""

    fault = "sorts-extensions"
    caught_by = _BDD + "unknown-non-critical-extensions-are-carried-in-wire-order"
    requirement = "WIRE-008.2"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        answer = super().decoded(data, keys)
        if "json" in answer:
            answer["json"]["extensions"].sort(key=lambda e: e["type"])
        return answer


class RejectsKnownCritical(_Decode):
    """Rejects every extension marked critical, known or not (EXT-004)."""

    fault = "rejects-known-critical"
    caught_by, requirement = _BDD + "a-known-extension-marked-critical-is-accepted", "EXT-004"

    def decoded(self, data: bytearray, keys: dict[str, str] | None) -> Json:
        answer = super().decoded(data, keys)
        if any(e["critical"] for e in answer.get("json", {}).get("extensions", [])):
            return _reject(9, "UNKNOWN_CRITICAL_EXTENSION")
        return answer


#: every fault above that names its case, by name: (factory, case, requirement it breaks)
EXTENSION_FAULTS: dict[str, tuple[Callable[[], Any], str, str]] = {
    cls.fault: (cls, cls.caught_by, cls.requirement) for cls in list(globals().values())
    if isinstance(cls, type) and issubclass(cls, FaultyDriver) and cls.caught_by}
