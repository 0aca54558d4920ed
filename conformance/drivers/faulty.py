"""Deliberately faulty implementations: the reference with one defect each.

They prove the suite catches defects: ``qvcp conform --driver faulty:NAME`` must fail (or
error) on the case named in :data:`FAULTS`, and tests assert exactly that. Each wraps the
reference driver, loaded through the ``qvcp.drivers`` entry point (never imported by name),
and changes the answer of one verb.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qvcp.conformance.drivers.faulty_extensions import EXTENSION_FAULTS
from qvcp.conformance.drivers.faulty_layout import LAYOUT_FAULTS
from qvcp.conformance.drivers.faulty_registry import REGISTRY_FAULTS
from qvcp.conformance.drivers.faulty_wire import (
    LENGTH_FIELD,
    WIRE_FAULTS,
    FaultyDriver,
    body_end,
    rejected,
)

__all__ = ["FAULTS", "Fault", "faulty_factory"]

Json = dict[str, Any]


class WrongErrorCode(FaultyDriver):
    """Reports FIELD_OUT_OF_RANGE as SCHEMA_VIOLATION when encoding JSON."""

    fault = "wrong-error-code"

    def wire_encode(self, *, json: Any) -> Json:
        answer: Json = self.inner.wire_encode(json=json)
        if rejected(answer, "FIELD_OUT_OF_RANGE"):
            return {"reject": {"code": 7, "name": "SCHEMA_VIOLATION"}}
        return answer


class AcceptsUnknownCritical(FaultyDriver):
    """Ignores the critical bit: decodes the message as if the bit were clear."""

    fault = "accepts-unknown-critical"

    def wire_decode(self, *, hex: str, keys: dict[str, str] | None = None) -> Json:
        answer: Json = self.inner.wire_decode(hex=hex, keys=keys)
        if not rejected(answer, "UNKNOWN_CRITICAL_EXTENSION"):
            return answer
        data = bytearray.fromhex(hex)
        body_end = self._body_end(data)
        pos = body_end
        while pos + 4 <= len(data):
            data[pos] &= 0x7F
            pos += 4 + int.from_bytes(data[pos + 2:pos + 4], "big")
        return self.inner.wire_decode(hex=data.hex(), keys=keys)  # type: ignore[no-any-return]

    def _body_end(self, data: bytearray) -> int:
        return body_end(self.inner, data)


class IgnoresLength(FaultyDriver):
    """Does not check the length field against the bytes received."""

    fault = "ignores-length"

    def wire_decode(self, *, hex: str, keys: dict[str, str] | None = None) -> Json:
        data = bytearray.fromhex(hex)
        if len(data) >= 20:
            data[LENGTH_FIELD] = len(data).to_bytes(4, "big")
        return self.inner.wire_decode(hex=data.hex(), keys=keys)  # type: ignore[no-any-return]


class LenientReservedBits(FaultyDriver):
    """Clears reserved flag bits and the reserved byte instead of rejecting them."""

    fault = "lenient-reserved-bits"

    def wire_decode(self, *, hex: str, keys: dict[str, str] | None = None) -> Json:
        data = bytearray.fromhex(hex)
        if len(data) >= 4:
            data[2] &= 0x01
            data[3] = 0
        return self.inner.wire_decode(hex=data.hex(), keys=keys)  # type: ignore[no-any-return]


class LittleEndianMessageId(FaultyDriver):
    """Writes message_id little-endian (WIRE-001) when encoding."""

    fault = "little-endian-message-id"

    def wire_encode(self, *, json: Any) -> Json:
        answer: Json = self.inner.wire_encode(json=json)
        if "hex" in answer:
            data = bytearray.fromhex(answer["hex"])
            data[8:12] = data[8:12][::-1]
            return {"hex": data.hex()}
        return answer


class DropsUnknownExtensions(FaultyDriver):
    """Drops unknown non-critical extensions from the decoded JSON form."""

    fault = "drops-unknown-extensions"

    def wire_decode(self, *, hex: str, keys: dict[str, str] | None = None) -> Json:
        answer: Json = self.inner.wire_decode(hex=hex, keys=keys)
        if "json" in answer:
            message = answer["json"]
            message["extensions"] = [e for e in message["extensions"] if e["type"] in (1, 2)]
        return answer


class SkipsTagCheck(FaultyDriver):
    """Accepts a trailer without checking the tag."""

    fault = "skips-tag-check"

    def wire_decode(self, *, hex: str, keys: dict[str, str] | None = None) -> Json:
        answer: Json = self.inner.wire_decode(hex=hex, keys=keys)
        if rejected(answer, "AUTH_FAILED"):
            return self.inner.wire_decode(hex=hex)  # type: ignore[no-any-return]
        return answer


class CrashesOnTruncated(FaultyDriver):
    """Raises (an in-process crash) on a message shorter than its header."""

    fault = "crashes-on-truncated"

    def wire_decode(self, *, hex: str, keys: dict[str, str] | None = None) -> Json:
        if len(hex) < 40:
            raise IndexError("header read past the end of the buffer")
        return self.inner.wire_decode(hex=hex, keys=keys)  # type: ignore[no-any-return]


class _NetworkFault(FaultyDriver):
    """Rewrites the deliveries of ``network.run``."""

    def network_run(self, **args: Any) -> Json:
        result: Json = self.inner.network_run(**self.adjust_args(args))
        result["deliveries"] = self.adjust(result["deliveries"])
        return result

    def adjust_args(self, args: Json) -> Json:
        return args

    def adjust(self, deliveries: list[Json]) -> list[Json]:
        return deliveries


class WrongBellIndex(_NetworkFault):
    """Composes the Bell index without the BSM result's x bit on every other pair."""

    fault = "wrong-bell-index"
    _NAMES = ("PHI_PLUS", "PSI_PLUS", "PHI_MINUS", "PSI_MINUS")

    def adjust(self, deliveries: list[Json]) -> list[Json]:
        for d in deliveries:
            if d["pair_id"] % 2:
                d["bell_state"] = self._NAMES[self._NAMES.index(d["bell_state"]) ^ 1]
        return deliveries


class PairIdMismatch(_NetworkFault):
    """The tail end numbers pairs with its own counter instead of TRK-016's rule."""

    fault = "pair-id-mismatch"

    def adjust(self, deliveries: list[Json]) -> list[Json]:
        tail = max(d["node"] for d in deliveries) if deliveries else 0
        for number, d in enumerate(d for d in deliveries if d["node"] == tail):
            d["pair_id"] = number + 1
        return deliveries


class DeliversAfterCutoff(_NetworkFault):
    """Ignores the cutoff: keeps and delivers pairs however old they are."""

    fault = "delivers-after-cutoff"

    def adjust_args(self, args: Json) -> Json:
        scenario = args["scenario"]
        options = {**scenario.get("options", {}), "cutoff_ns": 0}
        return {**args, "scenario": {**scenario, "options": options}}


class OverClaimsFidelity(_NetworkFault):
    """Reports every delivered pair as perfect (fidelity_estimate 65535)."""

    fault = "over-claims-fidelity"

    def adjust(self, deliveries: list[Json]) -> list[Json]:
        for d in deliveries:
            d["fidelity_estimate"] = 65535
        return deliveries


class LeaksMemory(_NetworkFault):
    """Reports a memory qubit still occupied at every node after the run (SIG-030)."""

    fault = "leaks-memory-after-teardown"

    def network_run(self, **args: Any) -> Json:
        result = super().network_run(**args)
        for entry in result.get("qubits_in_use", []):
            entry["qubits_in_use"] += 1
        return result


class DuplicateDelivery(_NetworkFault):
    """Delivers each pair twice at the tail end."""

    fault = "duplicate-delivery"

    def adjust(self, deliveries: list[Json]) -> list[Json]:
        tail = max(d["node"] for d in deliveries) if deliveries else 0
        return deliveries + [dict(d) for d in deliveries if d["node"] == tail]


class _NodeFault(FaultyDriver):
    """Rewrites what the node of the node profile sends (or withholds a message from it)."""

    node_id = 0

    def node_start(self, **args: Any) -> Json:
        self.node_id = args["node_id"]
        return self.inner.node_start(**args)  # type: ignore[no-any-return]

    def node_receive(self, *, now_ns: int, message: Json) -> Json:
        result: Json = self.intercept(message) or self.inner.node_receive(now_ns=now_ns,
                                                                         message=message)
        return self.adjust(result)

    def node_advance(self, *, now_ns: int) -> Json:
        return self.adjust(self.inner.node_advance(now_ns=now_ns))

    def intercept(self, message: Json) -> Json | None:
        """An answer given instead of the reference's, or None."""
        return None

    def adjust(self, result: Json) -> Json:
        return result

    def reply(self, message: Json, mtype: str, body: Json) -> Json:
        return {"version": 1, "type": mtype, "message_id": 90000 + message["message_id"],
                "source": self.node_id, "destination": message["source"], "body": body,
                "extensions": [], "auth": None}


class KeepsResourcesAfterTeardown(_NodeFault):
    """Acknowledges TEARDOWN without releasing anything (SIG-030)."""

    fault = "keeps-resources-after-teardown"

    def intercept(self, message: Json) -> Json | None:
        if message["type"] != "TEARDOWN":
            return None
        ack = self.reply(message, "TEARDOWN_ACK", {"circuit_id": message["body"]["circuit_id"],
                                                   "released_memory": 2})
        return {"sent": [ack], "events": [], "next_deadline_ns": None}


class WrongSwapBellIndex(_NodeFault):
    """A swapping node leaves the BSM result out of bell_index (TRK-002)."""

    fault = "wrong-swap-bell-index"

    def adjust(self, result: Json) -> Json:
        for msg in result["sent"]:
            if msg["type"] == "SWAP_OUTCOME":
                body = msg["body"]
                code = WrongBellIndex._NAMES.index(body["bell_index"])
                m = WrongBellIndex._NAMES.index(body["bsm_result"])
                body["bell_index"] = WrongBellIndex._NAMES[code ^ m]
        return result


class NodePairIdMismatch(_NodeFault):
    """The tail end puts its own seq in the high half of pair_id (TRK-016)."""

    fault = "node-pair-id-mismatch"

    def adjust(self, result: Json) -> Json:
        for event in result["events"]:
            msg = event.get("message", {})
            if msg.get("type") == "PAIR_DELIVERY":
                pid = msg["body"]["pair_id"]
                msg["body"]["pair_id"] = (pid & 0xFFFF) << 16 | pid >> 16
        return result


class AnswersErrorWithError(_NodeFault):
    """Answers every ERROR it receives with an ERROR (ERR-003)."""

    fault = "answers-error-with-error"

    def intercept(self, message: Json) -> Json | None:
        if message["type"] != "ERROR":
            return None
        error = self.reply(message, "ERROR", {"code": 771, "offending_message_id":
                                              message["message_id"], "offending_type": 1,
                                              "field": "", "detail": "unexpected ERROR"})
        return {"sent": [error], "events": [], "next_deadline_ns": None}


@dataclass(frozen=True)
class Fault:
    """One faulty implementation and the case that must catch it."""

    factory: Callable[[], Any]
    caught_by: str
    requirement: str  # the one requirement the fault violates
    verdict: str = "fail"  # the verdict the catching case must give

    @property
    def why(self) -> str:
        return (self.factory.__doc__ or "").strip().splitlines()[0]


FAULTS: dict[str, Fault] = {
    "wrong-error-code": Fault(WrongErrorCode, "wire.vector.wire-json-priority-8", "WIRE-007"),
    "accepts-unknown-critical": Fault(
        AcceptsUnknownCritical,
        "wire.bdd.02-wire-format.an-unknown-critical-extension-is-rejected", "EXT-002"),
    "ignores-length": Fault(IgnoresLength, "wire.vector.wire-length-zero", "WIRE-003.2"),
    "lenient-reserved-bits": Fault(LenientReservedBits,
                                   "wire.vector.close-endpoint-reserved-flag", "WIRE-006.2"),
    "little-endian-message-id": Fault(LittleEndianMessageId, "wire.prop.round-trip", "WIRE-001"),
    "drops-unknown-extensions": Fault(
        DropsUnknownExtensions,
        "wire.bdd.02-wire-format.an-unknown-non-critical-extension-is-ignored-and-carried",
        "WIRE-008.2"),
    "skips-tag-check": Fault(SkipsTagCheck,
                             "wire.bdd.08-security.a-tampered-tag-fails-verification", "SEC-002.2"),
    "crashes-on-truncated": Fault(CrashesOnTruncated, "wire.vector.wire-empty", "WIRE-002",
                                  "errored"),
    "wrong-bell-index": Fault(WrongBellIndex, "network.noiseless-correlations", "DLV-020.1"),
    "pair-id-mismatch": Fault(PairIdMismatch, "network.pair-agreement", "TRK-016"),
    "delivers-after-cutoff": Fault(DeliversAfterCutoff, "network.cutoff", "DLV-021.1"),
    "over-claims-fidelity": Fault(OverClaimsFidelity, "network.stat.fidelity-claim", "DLV-022.1"),
    "duplicate-delivery": Fault(DuplicateDelivery, "network.pair-agreement", "DLV-020.2"),
    "keeps-resources-after-teardown": Fault(
        KeepsResourcesAfterTeardown,
        "node.bdd.05-signalling.after-teardown-every-reserved-resource-is-free-for-a-new-circuit",
        "SIG-030"),
    "wrong-swap-bell-index": Fault(
        WrongSwapBellIndex, "node.bdd.04-swapping-and-tracking.bell-index-is-the-xor-of-both-"
        "pairs-codes-and-the-bsm-result", "TRK-002"),
    "node-pair-id-mismatch": Fault(
        NodePairIdMismatch, "node.bdd.06-delivery.after-the-last-swap-the-pair-is-delivered-"
        "with-the-composed-state-and-both-seqs", "TRK-016"),
    "answers-error-with-error": Fault(
        AnswersErrorWithError, "node.bdd.07-errors.an-error-about-an-unknown-message-is-not-"
        "answered", "ERR-003"),
    "leaks-memory-after-teardown": Fault(LeaksMemory, "network.teardown-frees-memory", "SIG-030"),
}
FAULTS.update({name: Fault(factory, case, requirement)
               for name, (factory, case, requirement)
               in (WIRE_FAULTS | EXTENSION_FAULTS | LAYOUT_FAULTS
                   | REGISTRY_FAULTS).items()})


def faulty_factory(name: str) -> Callable[[], Any]:
    """The factory of faulty implementation ``name``."""
    try:
        return FAULTS[name].factory
    except KeyError:
        raise LookupError(f"no faulty implementation {name!r}; known: "
                          f"{', '.join(sorted(FAULTS))}") from None
