"""Step definitions for the swap-schedule scenarios (spec chapter 05 section 7.1).

Loaded as a pytest plugin by :func:`qvcp.conformance.bdd.run_bdd_cases`, beside
:mod:`.steps_node` and :mod:`.steps_tracking`, whose helpers (``_route``,
``confirm_at_router``) these steps use.
"""

from __future__ import annotations

from pytest_bdd import given, parsers

from qvcp.conformance.bdd import World
from qvcp.conformance.node_harness import baseline_rules
from qvcp.conformance.steps_node import _route
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
