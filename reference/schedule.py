"""Swap schedules and per-level cutoffs (spec chapter 05 section 7.1, FWD-020 to FWD-027).

A circuit's swap schedule reaches its nodes in the CONFIRM, as the non-critical extension
``SWAP_SCHEDULE`` (its first octet: :data:`NESTED` or :data:`ASAP`). Under ``NESTED`` the
route of ``n`` links is split in halves recursively: the segment of route positions ``[a, b]`` with
``b - a >= 2`` has its middle at ``m = (a + b) // 2``, the router at ``m`` joins a pair whose
far end is at ``a`` with one whose far end is at ``b`` (its *far ends*), and the halves
``[a, m]`` and ``[m, b]`` are split in turn. A router's level is the height of its segment's
tree (1 for a segment of two links); with ``2**k`` links the router at position ``i`` has level
``1 + tz(i)`` and far ends ``i -+ 2**(level - 1)`` (Briegel, Duer, Cirac and Zoller 1998).

Under the schedule a router's rules' cutoffs are per level: the cutoff of a qubit counts from
the moment the node knows that the qubit's partner is at or beyond its far end on that side
(:func:`reached`), not from the origin herald (FWD-021). The tail end gives the routers of
level ``l`` the cutoff of level ``l`` (:func:`apply_schedule`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from qvcp.schemas.layout import wire_constants

from .messages import KNOWN_EXTENSIONS, SWAP_SCHEDULE, fidelity_from_wire

#: schedule codes of the extension's octet, from the extension registry
#: (``x-wire.known_extensions`` of common.schema.json)
_REGISTRY: dict[str, Any] = wire_constants()["known_extensions"]
_CODES: dict[str, int] = _REGISTRY[str(SWAP_SCHEDULE)]["values"]
ASAP, NESTED = _CODES["ASAP"], _CODES["NESTED"]
SCHEDULES = {"asap": ASAP, "nested": NESTED}
#: tracking modes of the extension's second octet (chapter 05 section 7.2)
_MODES: dict[str, int] = _REGISTRY[str(SWAP_SCHEDULE)]["tracking_modes"]
CHAPTER_04, ENDS = _MODES["CHAPTER_04"], _MODES["ENDS"]
#: extension type of a SETUP's count of route nodes offering the mode ENDS (FWD-030)
TRACK_ENDS = KNOWN_EXTENSIONS["TRACK_ENDS"]


def _segments(a: int, b: int, out: dict[int, tuple[int, int, int]]) -> int:
    """Fill ``out`` (position -> (far head position, far tail position, level)) for the
    segment ``[a, b]``; return the segment's level (0 for a single link)."""
    if b - a < 2:
        return 0
    m = (a + b) // 2
    level = 1 + max(_segments(a, m, out), _segments(m, b, out))
    out[m] = (a, b, level)
    return level


def nested_positions(n_links: int) -> dict[int, tuple[int, int, int]]:
    """Route position of every router -> (far-end position on the head side, on the tail
    side, level) under the nested schedule of a route of ``n_links`` links.

    >>> nested_positions(4)
    {1: (0, 2, 1), 3: (2, 4, 1), 2: (0, 4, 2)}
    >>> nested_positions(3)
    {2: (1, 3, 1), 1: (0, 3, 2)}
    """
    if n_links < 1:
        raise ValueError("n_links: a route has at least one link")
    out: dict[int, tuple[int, int, int]] = {}
    _segments(0, n_links, out)
    return out


def far_ends(route: Sequence[int], node: int) -> tuple[int, int] | None:
    """The far-end nodes (head side, tail side) of router ``node`` under the nested schedule of
    ``route``; None if ``node`` is no router of the route."""
    if node not in route:
        return None
    found = nested_positions(len(route) - 1).get(route.index(node))
    return None if found is None else (route[found[0]], route[found[1]])


def level_of(route: Sequence[int], node: int) -> int:
    """The nested-schedule level of router ``node`` on ``route`` (0 for an end node)."""
    found = nested_positions(len(route) - 1).get(route.index(node)) if node in route else None
    return 0 if found is None else found[2]


def reached(positions: Mapping[int, int], partner: int, far: int, head_side: bool) -> bool:
    """A held qubit's ``partner`` is at or beyond the far end ``far`` on its side (FWD-020):
    at a position <= the far end's on the head side, >= on the tail side."""
    p, f = positions.get(partner, -1), positions.get(far, -1)
    if p < 0 or f < 0:
        return False
    return p <= f if head_side else p >= f


# -- the CONFIRM's extension ---------------------------------------------------------------------

def extension(schedule: int, mode: int = CHAPTER_04) -> dict[str, Any]:
    """The ``SWAP_SCHEDULE`` extension of a CONFIRM (not critical: FWD-024); the second octet,
    the tracking mode, only for the mode ENDS (FWD-032)."""
    value = f"{schedule:02x}" + (f"{mode:02x}" if mode != CHAPTER_04 else "")
    return {"type": SWAP_SCHEDULE, "critical": False, "value": value}


def tracking_of(msg: Mapping[str, Any]) -> int:
    """The tracking mode a CONFIRM names (FWD-034): :data:`ENDS` when the second octet of its
    first ``SWAP_SCHEDULE`` extension is 1 and its schedule is ASAP, else :data:`CHAPTER_04`
    (no extension, one octet, another code, or NESTED)."""
    for ext in msg.get("extensions") or ():
        if ext["type"] == SWAP_SCHEDULE:
            value = ext["value"]
            ends = len(value) >= 4 and int(value[2:4], 16) == ENDS
            return ENDS if ends and of_message(msg) == ASAP else CHAPTER_04
    return CHAPTER_04


def offered(msg: Mapping[str, Any]) -> int | None:
    """The count of a SETUP's first ``TRACK_ENDS`` extension (FWD-030); None without one."""
    for ext in msg.get("extensions") or ():
        if ext["type"] == TRACK_ENDS:
            return int(ext["value"][:2], 16) if ext["value"] else None
    return None


def offer(count: int) -> dict[str, Any]:
    """The ``TRACK_ENDS`` extension of a SETUP: ``count`` route nodes offer the mode
    (saturating at 255, FWD-031), not critical (FWD-030)."""
    return {"type": TRACK_ENDS, "critical": False, "value": f"{min(count, 255):02x}"}


def confirms_ends(count: int | None, route_nodes: int, schedule: int) -> bool:
    """FWD-032 at a tail end that implements and offers the mode: the SETUP's count plus the
    tail end itself is every node of the route, the route has at least two routers (with one,
    its current partners are the ends already) and the schedule it confirms is ASAP."""
    return (count is not None and count + 1 == route_nodes >= 4 and schedule == ASAP)


def of_message(msg: Mapping[str, Any]) -> int:
    """The schedule a CONFIRM names: the first octet of its first ``SWAP_SCHEDULE`` extension
    (further octets are reserved), ASAP when it has none, an empty one or a code this node does
    not know (FWD-023)."""
    for ext in msg.get("extensions") or ():
        if ext["type"] == SWAP_SCHEDULE:
            code = int(ext["value"][:2], 16) if ext["value"] else ASAP  # the first octet
            return code if code in SCHEDULES.values() else ASAP
    return ASAP


# -- the tail end's rules --------------------------------------------------------------------------

def level_cutoffs(levels: int, cutoff_ns: int, given: Sequence[int] = ()) -> list[int]:
    """The cutoff of each level 1..``levels`` (FWD-026): the ``given`` ones (the last repeated
    for higher levels) or, without them, ``cutoff_ns`` split evenly; with a circuit cutoff
    (``cutoff_ns`` > 0) the cutoffs of levels 1..l add up to at most ``cutoff_ns``, so that a
    qubit is stored no longer than under origin-herald cutoffs.

    >>> level_cutoffs(2, 10_000)
    [5000, 5000]
    >>> level_cutoffs(3, 10_000, [2000, 6000])
    [2000, 6000, 2000]
    >>> level_cutoffs(2, 0, [3000])
    [3000, 3000]
    """
    if given:
        cuts = [int(given[min(i, len(given) - 1)]) for i in range(levels)]
    elif cutoff_ns:
        cuts = [max(cutoff_ns // levels, 1)] * levels
    else:
        return [0] * levels
    if cutoff_ns:
        left, capped = cutoff_ns, []
        for c in cuts:
            c = min(c, left) if c else left
            capped.append(max(c, 1))
            left = max(left - c, 0)
        cuts = capped
    return cuts


def apply_schedule(rules: list[dict[str, Any]], route: Sequence[int], policy: Mapping[str, Any],
                   cutoff_ns: int, count: int | None = None) -> list[dict[str, Any]]:
    """The tail end's part of a nested schedule (FWD-022, FWD-026): give every rule of a router
    of level l the level's cutoff, and return the CONFIRM's extensions (empty under ASAP, unless
    the SETUP's ``TRACK_ENDS`` ``count`` lets it confirm the mode ENDS, FWD-032)."""
    if SCHEDULES.get(str(policy.get("swap_schedule", "asap")), ASAP) != NESTED or len(route) < 3:
        ends = policy.get("track_ends", False) and confirms_ends(count, len(route), ASAP)
        return [extension(ASAP, ENDS)] if ends else []
    where = nested_positions(len(route) - 1)
    top = max(level for *_, level in where.values())
    cuts = level_cutoffs(top, cutoff_ns, policy.get("level_cutoffs_ns") or ())
    levels = {route[pos]: level for pos, (*_, level) in where.items()}
    for rule in rules:
        level = levels.get(rule["node"])
        if level:
            rule["cutoff_ns"] = cuts[level - 1]
    return [extension(NESTED)]


# -- fidelity-threshold discard ------------------------------------------------------------------

def threshold_age_ns(fidelity: float, threshold: float, t2_ns: Sequence[float]) -> float:
    """FWD-027: the age at which a Werner pair created with ``fidelity``, whose two qubits are
    kept in memories of dephasing times ``t2_ns``, falls to ``threshold``. Dephasing both
    qubits multiplies the pair's Werner parameter by ``(1 + 2 exp(-t G)) / 3`` with
    ``G = sum(1 / T2)``, so ``F(t) = 1/4 + (F - 1/4) (1 + 2 exp(-t G)) / 3``; the age solves
    ``F(t) = threshold``: ``ln(2 / (3 r - 1)) / G`` with ``r = (threshold - 1/4) / (F - 1/4)``.
    0 if the pair starts at or below the threshold, inf if it never falls so low.

    >>> round(threshold_age_ns(0.9, 0.8, [1e6, 1e6]))
    131182
    """
    rate = sum(1.0 / t for t in t2_ns if t and math.isfinite(t))
    if fidelity <= threshold:
        return 0.0
    r = (threshold - 0.25) / (fidelity - 0.25)
    if rate == 0 or 3 * r <= 1:
        return math.inf
    return math.log(2 / (3 * r - 1)) / rate


def apply_threshold(rules: list[dict[str, Any]], route: Sequence[int],
                    hops: Sequence[Mapping[str, Any]], threshold: float) -> None:
    """FWD-027 at the tail end: the rules of both nodes of each link (except routers of level 2
    and above under a nested schedule, whose cutoffs count from their level's start, FWD-021)
    get the link's :func:`threshold_age_ns` as cutoff when it is shorter than theirs. ``hops``
    are the SETUP's hop records and the tail end's own (``link_id``, ``link_fidelity``,
    ``memory_t2_ns``)."""
    nested = {route[pos]: level for pos, (*_, level) in
              nested_positions(len(route) - 1).items()} if len(route) > 2 else {}
    for i in range(len(route) - 1):
        link = hops[i]["link_id"]
        age = threshold_age_ns(fidelity_from_wire(hops[i]["link_fidelity"]), threshold,
                               (hops[i]["memory_t2_ns"], hops[i + 1]["memory_t2_ns"]))
        if not math.isfinite(age):
            continue
        age_ns = max(int(age), 1)
        for rule in rules:
            if (rule["match_link"] == link and rule["node"] in (route[i], route[i + 1])
                    and nested.get(rule["node"], 0) < 2):
                rule["cutoff_ns"] = min(rule["cutoff_ns"] or age_ns, age_ns)
