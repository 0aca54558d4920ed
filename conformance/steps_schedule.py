"""Step definitions for the swap-schedule scenarios (spec chapter 05 section 7.1).

Loaded as a pytest plugin by :func:`qvcp.conformance.bdd.run_bdd_cases`, beside
:mod:`.steps_node` and :mod:`.steps_tracking`, whose helpers (``_route``,
``confirm_at_router``) these steps use.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then, when

from qvcp.conformance.bdd import World
from qvcp.conformance.cases import require
from qvcp.conformance.node_harness import baseline_rules, setup_body
from qvcp.conformance.steps_node import _node, _route
from qvcp.conformance.steps_tracking import confirm_at_router
from qvcp.schemas.layout import wire_constants

#: extension type of SWAP_SCHEDULE and the codes of its octet (chapter 05 section 7.1), from
#: the extension registry of common.schema.json
SWAP_SCHEDULE, CODES = next(
    (int(k), v["values"]) for k, v in wire_constants()["known_extensions"].items()
    if v["name"] == "SWAP_SCHEDULE")


@given(parsers.re(r"circuit (?P<cid>\d+) along route (?P<route>[\d, ]+?)"
                  r"(?: with a cutoff of (?P<cutoff>\d+) ns)? is established at the node "
                  r"with swap schedule (?:(?P<name>ASAP|NESTED)|code (?P<code>\d+))$"))
def circuit_with_schedule(world: World, cid: str, route: str, cutoff: str | None,
                          name: str | None, code: str | None) -> None:
    """A circuit through the node under test, confirmed by the next node with the baseline
    rules and a SWAP_SCHEDULE extension (not critical) naming the schedule."""
    path, circuit, cut = _route(route), int(cid), int(cutoff or 0)
    value = CODES[name] if name else int(code or 0)
    confirm_at_router(world, path, circuit, cut,
                      lambda: baseline_rules(circuit, path, cutoff_ns=cut),
                      [{"type": SWAP_SCHEDULE, "critical": False, "value": f"{value:02x}"}])


# -- reports to the ends (chapter 05 section 7.2, chapter 04 section 7) ---------------------------

#: extension type of TRACK_ENDS, and the tracking modes of SWAP_SCHEDULE's second octet
TRACK_ENDS = next(int(k) for k, v in wire_constants()["known_extensions"].items()
                  if v["name"] == "TRACK_ENDS")
MODES: dict[str, int] = wire_constants()["known_extensions"][str(SWAP_SCHEDULE)][
    "tracking_modes"]
#: the CONFIRM's SWAP_SCHEDULE of an ASAP circuit in the mode ENDS (FWD-032.2)
ENDS_SCHEDULE = {"type": SWAP_SCHEDULE, "critical": False,
                 "value": f"{CODES['ASAP']:02x}{MODES['ENDS']:02x}"}
_TYPES = {v["name"]: int(k) for k, v in wire_constants()["known_extensions"].items()}


def _offer(count: int) -> dict[str, Any]:
    return {"type": TRACK_ENDS, "critical": False, "value": f"{count:02x}"}


def _extensions_of(world: World, name: str) -> list[dict[str, Any]]:
    msg = world.data.get("last")
    require(msg is not None, "no message to inspect")
    assert msg is not None
    return [e for e in msg.get("extensions") or () if e["type"] == _TYPES[name]]


@when(parsers.re(r"node (?P<src>\d+) sends SETUP for circuit (?P<cid>\d+) along route "
                 r"(?P<route>[\d, ]+?) offering reports to the ends with count (?P<n>\d+)$"))
def setup_offering(world: World, src: str, cid: str, route: str, n: str) -> None:
    """A SETUP whose TRACK_ENDS extension (not critical) counts ``n`` nodes (FWD-030)."""
    node = _node(world)
    node.inject("SETUP", int(src), setup_body(int(cid), _route(route), node.node_id),
                extensions=[_offer(int(n))])


@given(parsers.re(r"circuit (?P<cid>\d+) along route (?P<route>[\d, ]+?) is established at the "
                  r"node with (?:reports to the ends|SWAP_SCHEDULE \"(?P<hex>[0-9a-f]*)\")$"))
def circuit_with_ends(world: World, cid: str, route: str, hex: str | None) -> None:
    """A circuit in the mode ENDS (or with the given SWAP_SCHEDULE value) at the node: at a
    router, the next node's CONFIRM carries the extension; at the tail end, the SETUP counts
    every node before it (FWD-032.2) and the node must confirm."""
    node = _node(world)
    path, circuit = _route(route), int(cid)
    ext = dict(ENDS_SCHEDULE) if hex is None else {**ENDS_SCHEDULE, "value": hex}
    if node.node_id != path[-1]:
        confirm_at_router(world, path, circuit, 0,
                          lambda: baseline_rules(circuit, path, cutoff_ns=0), [ext])
        return
    require(hex is None, "a tail end decides its CONFIRM's SWAP_SCHEDULE itself")
    node.inject("SETUP", path[-2], setup_body(circuit, path, node.node_id),
                extensions=[_offer(len(path) - 1)])
    require(bool(node.sent("CONFIRM", path[-2])),
            f"the tail end did not confirm circuit {circuit}", sent=node.recent)
    node.clear()


@when(parsers.re(r"node (?P<src>\d+) confirms (?:circuit (?P<cid>\d+)|the node's circuit) along "
                 r"route (?P<route>[\d, ]+?) with reports to the ends$"))
def confirm_with_ends(world: World, src: str, cid: str | None, route: str) -> None:
    """CONFIRM of circuit ``cid`` or of the circuit of the SETUP the node sent, with the
    baseline rules and SWAP_SCHEDULE 00 01 (FWD-032.2)."""
    require(cid is not None or "circuit" in world.data,
            "the node sent no SETUP whose circuit to confirm")
    circuit = int(cid) if cid else int(world.data["circuit"])
    _node(world).inject("CONFIRM", int(src), {
        "circuit_id": circuit, "expected_rate_mhz": 1000, "expected_fidelity": 58000,
        "rules": baseline_rules(circuit, _route(route), cutoff_ns=0)},
        extensions=[dict(ENDS_SCHEDULE)])


@then(parsers.re(r"its (?P<name>[A-Z_]+) extension is \"(?P<hex>[0-9a-f]*)\"$"))
def extension_is(world: World, name: str, hex: str) -> None:
    """The last message checked carries exactly one extension ``name``, of value ``hex``."""
    found = _extensions_of(world, name)
    require(len(found) == 1, f"the message carries {len(found)} {name} extensions, expected "
            "one", last=world.data.get("last"))
    require(found[0]["value"].lower() == hex, f"its {name} is {found[0]['value']!r}, expected "
            f"{hex!r}", last=world.data.get("last"))


@then(parsers.re(r"its tracking mode is (?P<mode>ENDS|CHAPTER_04)$"))
def tracking_mode_is(world: World, mode: str) -> None:
    """FWD-032, FWD-033: the second octet of the CONFIRM's SWAP_SCHEDULE (absent: 0)."""
    found = _extensions_of(world, "SWAP_SCHEDULE")
    value = found[0]["value"] if found else ""
    got = int(value[2:4], 16) if len(value) >= 4 else MODES["CHAPTER_04"]
    require(got == MODES[mode], f"the CONFIRM names tracking mode {got}, expected {mode} "
            f"({MODES[mode]})", last=world.data.get("last"))
