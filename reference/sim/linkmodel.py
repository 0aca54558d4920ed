"""The physics and the slot schedule of one simulated link: its heralding model (success
probability and heralded Bell-diagonal states), its slot length and its attempt period.

>>> model, slot = link_model({"distance_km": 5, "model": "werner", "fidelity": 0.97,
...                           "success_probability": 0.05, "preparation_ns": 0},
...                          {"link_model": "werner", "preparation_time_s": 0})
>>> slot, attempt_period(5, slot)
(24017, 2)
"""

from __future__ import annotations

import math
from typing import Any

from .. import noise
from ..station import Station
from .detectors import DetectorBank
from .world import LinkModel

__all__ = ["NS_PER_KM", "attempt_period", "dead_time_detectors", "link_model"]

#: nanoseconds of fibre per kilometre
NS_PER_KM = 1e3 / noise.SPEED_IN_FIBRE * 1e9


def link_model(link: dict[str, Any], prof: dict[str, Any]) -> tuple[LinkModel, int]:
    """The model of scenario ``link`` (its node A's hardware ``prof``) and its slot length in
    ns: a Werner link's slot is its preparation time plus the fibre's round trip to the
    station; a single- or double-click link's is its attempt duration (docs/noise.md)."""
    kind = link.get("model", prof["link_model"])
    prep = link.get("preparation_ns", round(prof["preparation_time_s"] * 1e9))
    km = link["distance_km"]
    if kind == "werner":
        f = link.get("fidelity", 1.0)
        weights = {k: noise.werner_bd(f, target=k) for k in (1, 3)}
        p = link.get("success_probability", 0.1)
        slot = max(1, prep + math.ceil(km * NS_PER_KM))
        return LinkModel(p, weights), slot
    common = {"distance_km": km,
              "detector_efficiency": link.get("detector_efficiency",
                                              prof["detector_efficiency"]),
              "attenuation_db_per_km": prof.get("attenuation_db_per_km", 0.2),
              "preparation_time": prep * 1e-9,
              # detector and memory imperfections of the profile (docs/noise.md)
              "dark_count_probability": prof.get("dark_count_probability", 0.0),
              "visibility": prof.get("visibility", 1.0),
              "retrieval_efficiency": prof.get("retrieval_efficiency", 1.0)}
    h = (noise.single_click_link(alpha=link.get("alpha", prof.get("alpha", 0.05)), **common)
         if kind == "single_click" else noise.double_click_link(**common))
    bd = h.bell_diagonal
    weights = {int(k): bd[i] for i, k in enumerate(h.herald_indices)}
    slot = max(1, math.ceil(h.attempt_duration * 1e9))
    bank = dead_time_detectors(kind, link, prof, common, slot)
    if bank is None:
        return LinkModel(h.success_probability, weights), slot
    # the advertised success probability (the link rate) is the dead-time steady state
    blind = noise.dead_time_attempts(bank.dead_ns, slot * attempt_period(km, slot))
    return LinkModel(noise.dead_time_success(bank.outcomes, blind), weights,
                     detectors=bank), slot


def dead_time_detectors(kind: str, link: dict[str, Any], prof: dict[str, Any],
                        common: dict[str, Any], slot_ns: int) -> DetectorBank | None:
    """The link's detectors if the profile's ``dead_time_ns`` outlasts its attempt spacing
    (docs/noise.md), else None: the link then behaves as without dead time, bit for bit."""
    dead = round(prof.get("dead_time_ns") or 0)
    if dead <= slot_ns * attempt_period(common["distance_km"], slot_ns):
        return None
    optics = {k: common[k] for k in ("distance_km", "detector_efficiency",
                                     "attenuation_db_per_km", "retrieval_efficiency",
                                     "dark_count_probability", "visibility")}
    alpha = link.get("alpha", prof.get("alpha", 0.05)) if kind == "single_click" else 0.0
    return DetectorBank(noise.link_click_outcomes(kind, alpha=alpha, **optics), dead)


def station_delay_ns(distance_km: float) -> int:
    """One way between a node and the station halfway along a link of ``distance_km``."""
    return round(distance_km / 2 * NS_PER_KM)


def attempt_period(distance_km: float, slot_ns: int) -> int:
    """LINK-018: the fewest slots that cover a slot's HERALD trip, the round trip to the
    station plus its matching window, so that both nodes are free again by the next attempt
    slot (LINK-017)."""
    return -(-(2 * station_delay_ns(distance_km) + Station.WINDOW_NS + 1) // slot_ns)
