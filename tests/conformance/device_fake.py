"""A tiny stdio node that uses the harness's device during every node.* verb.

``python device_fake.py``: claims the node profile (chapter 03 only) and node.harness-device.
node.start makes a device.attempt call, node.receive a device.bsm call (the code comes back as
an app event), node.advance a device.free call and node.status a device.measure call (the bit
is reported as qubits_in_use). A refused device call makes the verb fail.
"""

import itertools
import json
import sys

HELLO = {"protocol": 1, "implementation": {"name": "device-fake", "version": "0",
                                           "language": "Python"},
         "spec_version": "1.0", "profiles": ["node"], "capabilities": ["node.harness-device"],
         "chapters": {"node": ["03-link-layer"]}}
calls = itertools.count(1)


def send(obj: dict) -> None:
    print(json.dumps(obj), flush=True)


def device(verb: str, args: dict) -> dict:
    n = next(calls)
    send({"call": n, "verb": verb, "args": args})
    reply = json.loads(sys.stdin.readline())
    assert reply["call"] == n, reply
    if "error" in reply:
        raise RuntimeError(f"{verb} refused: {reply['error']['message']}")
    return reply["result"]


def step(events: list) -> dict:
    return {"sent": [], "events": events, "next_deadline_ns": None}


def handle(verb: str, args: dict) -> dict:
    if verb == "hello":
        return HELLO
    if verb in ("reset", "bye"):
        return {}
    if verb == "node.start":
        device("device.attempt", {"now_ns": args["now_ns"], "link_id": 1, "slot_ns": 1000,
                                  "qubit": 0})
        return {}
    if verb == "node.receive":
        code = device("device.bsm", {"now_ns": args["now_ns"], "left": 0, "right": 1})["code"]
        return step([{"kind": "app", "message": {"bsm_code": code}}])
    if verb == "node.advance":
        device("device.free", {"now_ns": args["now_ns"], "qubit": 0})
        return step([])
    if verb == "node.status":
        bit = device("device.measure", {"now_ns": 0, "qubit": 0, "basis": "Z"})["bit"]
        return {"circuits": [], "qubits_in_use": bit}
    raise NotImplementedError(verb)


for line in sys.stdin:
    req = json.loads(line)
    try:
        send({"id": req["id"], "result": handle(req["verb"], req["args"])})
    except NotImplementedError as exc:
        send({"id": req["id"], "error": {"kind": "unsupported", "message": str(exc)}})
    except RuntimeError as exc:
        send({"id": req["id"], "error": {"kind": "failed", "message": str(exc)}})
    if req["verb"] == "bye":
        break
