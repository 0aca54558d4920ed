"""Step definitions for node-profile scenarios about the ERRORs a node sends: the errors its
application receives and the message each ERROR echoes (ERR-001: the offending message's
message_id and type code).

Loaded after :mod:`.steps_node`, whose helpers these steps use.
"""

from __future__ import annotations

from pytest_bdd import parsers, then

from qvcp.conformance.bdd import World
from qvcp.conformance.cases import require
from qvcp.conformance.node_harness import NodeUnderTest
from qvcp.conformance.steps_node import Json, _checked
from qvcp.schemas import ErrorCode, message_specs


@then(parsers.re(r"the application receives ERROR (?P<name>[A-Z_]+)$"))
def app_receives_error(world: World, name: str) -> None:
    node = _checked(world)
    found = [m for m in node.app if m["type"] == "ERROR"]
    require(bool(found), "the application did not receive an ERROR", app=node.app)
    code = found[-1]["body"]["code"]
    require(code == int(ErrorCode[name]), f"the application's ERROR has code {code}, expected "
            f"{int(ErrorCode[name])} ({name})", msg=found[-1])
    world.data["last"] = found[-1]


def _app_sent(node: NodeUnderTest, mtype: str) -> list[Json]:
    """The ``mtype`` messages the node's application sent it, in order."""
    return [m for m in node.injected if m["type"] == mtype and m["source"] == node.node_id]


@then(parsers.re(r"the application receives ERROR (?P<name>[A-Z_]+) for each (?P<mtype>[A-Z_]+) "
                 r"it sent, in order$"))
def app_error_per_request(world: World, name: str, mtype: str) -> None:
    """One ERROR ``name`` per ``mtype`` the application sent, in the order sent, each echoing
    its message (DLV-005: every pending request fails)."""
    node = _checked(world)
    asked = _app_sent(node, mtype)
    errors = [m for m in node.app if m["type"] == "ERROR"]
    require(len(errors) == len(asked), f"the application received {len(errors)} ERRORs for "
            f"{len(asked)} {mtype}s", app=node.app)
    for error, request in zip(errors, asked, strict=True):
        code = error["body"]["code"]
        require(code == int(ErrorCode[name]), f"the application's ERROR has code {code}, "
                f"expected {int(ErrorCode[name])} ({name})", msg=error)
        _require_echo(error, request)


@then(parsers.re(r"it echoes the (?P<nth>first|second|third) (?P<mtype>[A-Z_]+) the application "
                 r"sent$"))
def echoes_nth_request(world: World, nth: str, mtype: str) -> None:
    last, node = world.data.get("last"), world.node
    require(last is not None and last["type"] == "ERROR", "no ERROR to inspect")
    asked = _app_sent(node, mtype)
    index = ("first", "second", "third").index(nth)
    require(len(asked) > index, f"the application sent {len(asked)} {mtype}s")
    _require_echo(last, asked[index])


@then(parsers.re(r"the application receives no ERROR other than (?P<name>[A-Z_]+)$"))
def app_no_other_error(world: World, name: str) -> None:
    node = _checked(world)
    other = [m for m in node.app if m["type"] == "ERROR"
             and m["body"]["code"] != int(ErrorCode[name])]
    require(not other, f"the application received an ERROR other than {name}", app=other)


@then(parsers.re(r"it echoes the ATTEMPT node (?P<src>\d+) sent for slot (?P<slot>\d+)$"))
def echoes_attempt(world: World, src: str, slot: str) -> None:
    last, node = world.data.get("last"), world.node
    require(last is not None and last["type"] == "ERROR", "no ERROR to inspect")
    sent = [m for m in node.injected if m["type"] == "ATTEMPT" and m["source"] == int(src)
            and m["body"]["slot_ns"] == int(slot)]
    require(len(sent) == 1, f"node {src} sent {len(sent)} ATTEMPTs for slot {slot}")
    _require_echo(last, sent[0])


@then("it echoes the message_id and type code of the message it answers")
def echoes_offending(world: World) -> None:
    last, node = world.data.get("last"), world.node
    require(last is not None and last["type"] == "ERROR", "no ERROR to inspect")
    offending = node.last_injected
    require(offending is not None, "no message was injected")
    assert offending is not None
    _require_echo(last, offending)


def _require_echo(error: Json, offending: Json) -> None:
    """ERR-001: ``error`` echoes the message_id and type code of ``offending``."""
    want_type = message_specs()[offending["type"]].type_code
    body = error["body"]
    require(body["offending_message_id"] == offending["message_id"]
            and body["offending_type"] == want_type,
            f"ERROR echoes message {body['offending_message_id']} of type "
            f"{body['offending_type']}, not message {offending['message_id']} of type "
            f"{want_type} ({offending['type']})", msg=error, offending=offending)
