"""Which extensions of a received message the messages sent because of it carry on."""

from __future__ import annotations

from qvcp.reference.messages import KNOWN_EXTENSIONS, TRACE_CONTEXT, relayed_extensions


def _ext(ext_type: int, value: str = "00", *, critical: bool = False) -> dict[str, object]:
    return {"type": ext_type, "critical": critical, "value": value}


def test_trace_context_and_unknown_non_critical_extensions_are_carried_in_order() -> None:
    padding = KNOWN_EXTENSIONS["PADDING"]
    msg = {"extensions": [_ext(900, "aa"), _ext(padding, "0000"), _ext(TRACE_CONTEXT, "11" * 16),
                          _ext(901, "bb", critical=True), _ext(TRACE_CONTEXT, "22" * 16),
                          _ext(902, "cc")]}
    carried = relayed_extensions(msg)
    # EXT-003.2: unknown non-critical, unchanged and in order; EXT-005.1: one TRACE_CONTEXT (the
    # first); PADDING belongs to its message; an unknown critical one is never carried
    assert carried == [_ext(900, "aa"), _ext(TRACE_CONTEXT, "11" * 16), _ext(902, "cc")]
    carried[0]["value"] = "ff"
    assert msg["extensions"][0]["value"] == "aa"  # copies, not the received dicts


def test_a_message_without_extensions_carries_none() -> None:
    assert relayed_extensions({"extensions": []}) == []
    assert relayed_extensions({}) == []
