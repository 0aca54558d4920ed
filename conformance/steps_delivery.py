"""Step definitions for node-profile scenarios of the delivery chapters beyond :mod:`.steps_node`.

Loaded as a pytest plugin by :func:`qvcp.conformance.bdd.run_bdd_cases`, beside
:mod:`.steps_node`, whose helpers (``_node``, ``_checked``) these steps may use.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then

from qvcp.conformance.bdd import World
from qvcp.conformance.cases import require
from qvcp.conformance.node_harness import link_config
from qvcp.conformance.steps_node import _checked, _path, _start


@given(parsers.re(r"an end node (?P<me>\d+) between nodes (?P<a>\d+) and (?P<b>\d+)$"))
def end_node_between(world: World, me: str, a: str, b: str) -> None:
    """An end node with a link to each of two neighbours: an end node still never relays
    (ROLE-101.5), whatever links it has."""
    _start(world, int(me), {"role": "end", "memory_qubits": 4, "comm_qubits": 2,
                            "links": [link_config(int(me), int(a)), link_config(int(me), int(b))],
                            "routes": {}})


@then(parsers.re(r"the application receives exactly (?P<n>\d+) (?P<mtype>[A-Z_]+)$"))
def app_receives_exactly(world: World, n: str, mtype: str) -> None:
    node = _checked(world)
    found = [m for m in node.app if m["type"] == mtype]
    require(len(found) == int(n), f"the application received {len(found)} {mtype}, expected "
            f"exactly {n}", app=found)
    if found:
        world.data["last"] = found[-1]


@then(parsers.re(r'its "(?P<path>[a-z_.0-9]+)" holds (?P<n>\d+) items?$'))
def holds_items(world: World, path: str, n: str) -> None:
    last = world.data.get("last")
    require(last is not None, "no message to inspect")
    got = _path(last, path)
    require(isinstance(got, list) and len(got) == int(n), f"{last['type']} has {path} = "
            f"{got!r}, expected a list of {n} items", msg=last)


@then(parsers.re(r"its fidelity_estimate is below the remembered (?P<name>[a-z]+)$"))
def estimate_below_remembered(world: World, name: str) -> None:
    """DLV-022.1: a pair stored longer in a decohering memory has a lower estimate."""
    last = world.data.get("last")
    require(last is not None and f"saved:{name}" in world.data, "nothing to compare")
    got, before = last["body"]["fidelity_estimate"], world.data[f"saved:{name}"]
    require(got < before, f"a pair stored longer is delivered with fidelity_estimate {got}, "
            f"not below the {before} of a pair stored for less time (DLV-022.1: the estimate "
            "takes the storage time into account)", msg=last)
