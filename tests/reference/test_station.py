"""The heralding station behind the node interface (``reference/station.py``): its error
boundary, which the node-profile station scenarios reach only in part."""

from __future__ import annotations

from typing import Any

import pytest

from qvcp.reference.device import ScriptedDevice
from qvcp.reference.station import Station
from qvcp.schemas import ErrorCode


def _msg(mtype: str, body: dict[str, Any], *, source: int = 1, dest: int = 1001,
         mid: int = 4) -> dict[str, Any]:
    return {"version": 1, "type": mtype, "message_id": mid, "source": source,
            "destination": dest, "body": body, "extensions": [], "auth": None}


ATTEMPT = {"link_id": 1, "attempt_id": 7, "slot_ns": 5000, "modes": 2}


def _station(**kw: Any) -> tuple[Station, ScriptedDevice]:
    dev = ScriptedDevice()
    return Station.of(station_id=1001, link_id=1, nodes=(2, 1), device=dev, **kw), dev


def test_matched_attempts_resolve_once_with_the_smaller_modes() -> None:
    st, dev = _station()
    dev.resolve_results.extend([1, 255])
    assert Station.sent(st.receive(5000, _msg("ATTEMPT", ATTEMPT))) == []
    out = Station.sent(st.receive(5001, _msg("ATTEMPT", {**ATTEMPT, "modes": 5}, source=2)))
    assert [m["destination"] for m in out] == [1, 2]
    assert out[0]["body"]["results"] == [{"outcome": "PSI_PLUS", "seq": 1},
                                         {"outcome": "FAILURE", "seq": 0}]
    assert [c for c in dev.names() if c == "resolve"] == ["resolve"]
    assert st.next_deadline() is None


@pytest.mark.parametrize(("msg", "code", "field"), [
    (_msg("HERALD", {"link_id": 1, "slot_ns": 0, "attempt_id_a": 0, "attempt_id_b": 0,
                     "results": []}), ErrorCode.UNEXPECTED_MESSAGE, "type"),
    (_msg("ATTEMPT", {**ATTEMPT, "link_id": 9}), ErrorCode.UNKNOWN_LINK, "body.link_id"),
    (_msg("ATTEMPT", ATTEMPT, source=3), ErrorCode.UNKNOWN_LINK, "body.link_id"),
])
def test_refused_messages_are_answered_with_an_error_naming_the_field(
        msg: dict[str, Any], code: ErrorCode, field: str) -> None:
    st, _ = _station()
    (err,) = Station.sent(st.receive(0, msg))
    assert err["type"] == "ERROR" and err["destination"] == msg["source"]
    assert (err["body"]["code"], err["body"]["field"]) == (code, field)
    assert err["body"]["offending_message_id"] == msg["message_id"]
    assert st.next_deadline() is None  # nothing collected


def test_strict_station_refuses_a_malformed_attempt_with_its_wire_error() -> None:
    st, _ = _station(strict=True)
    (err,) = Station.sent(st.receive(0, _msg("ATTEMPT", {**ATTEMPT, "attempt_id": 2**32})))
    assert err["body"]["field"] == "body.attempt_id"


def test_errors_and_misaddressed_messages_get_no_answer() -> None:
    st, _ = _station()
    error = _msg("ERROR", {"code": 1, "offending_message_id": 0, "offending_type": 0,
                           "field": "", "detail": ""})
    assert Station.sent(st.receive(0, error)) == []
    assert Station.sent(st.receive(0, _msg("ATTEMPT", ATTEMPT, dest=1002))) == []
    assert st.next_deadline() is None


@pytest.mark.parametrize("nodes", [(1, 1), (0, 2)])
def test_bad_station_configuration_names_the_field(nodes: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match=r"^Station\.nodes"):
        Station.of(station_id=1001, link_id=1, nodes=nodes, device=ScriptedDevice())
