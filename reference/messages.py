"""Envelope construction and unit conversions shared by the engines.

Messages are canonical-JSON dicts of the message layer (:mod:`qvcp.schemas`); engines build
them here and never touch the wire codec (it sits beside the engines, in the simulator or a
driver).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

BELL_NAMES = ("PHI_PLUS", "PSI_PLUS", "PHI_MINUS", "PSI_MINUS")
BELL_CODES = {name: code for code, name in enumerate(BELL_NAMES)}
FAILURE = 255
HERALD_NAMES = {1: "PSI_PLUS", 3: "PSI_MINUS", FAILURE: "FAILURE"}
HERALD_CODES = {v: k for k, v in HERALD_NAMES.items()}


def fidelity_to_wire(f: float) -> int:
    """Fidelity in [0, 1] -> ``round(F * 65535)`` (clipped)."""
    return round(min(max(f, 0.0), 1.0) * 65535)


def fidelity_from_wire(v: int) -> float:
    """``round(F * 65535)`` -> F."""
    return v / 65535


def rate_to_wire(pairs_per_s: float) -> int:
    """Pairs per second -> milli-pairs per second (u32, clipped)."""
    if not math.isfinite(pairs_per_s):
        return 2**32 - 1
    return int(min(max(round(pairs_per_s * 1000), 0), 2**32 - 1))


def next_seq(seq: int) -> int:
    """Next herald sequence number modulo 2^16, skipping 0."""
    return seq % 65535 + 1


@dataclass
class MessageFactory:
    """Builds envelopes for one sender with a deterministic message-id counter."""

    node_id: int
    counter: int = 0

    def make(self, mtype: str, destination: int, body: dict[str, Any]) -> dict[str, Any]:
        """A complete message dict (version 1, no extensions, no auth)."""
        self.counter = (self.counter + 1) % 2**32
        return {
            "version": 1,
            "type": mtype,
            "message_id": self.counter,
            "source": self.node_id,
            "destination": destination,
            "body": body,
            "extensions": [],
            "auth": None,
        }
