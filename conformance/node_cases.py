"""Cases of the ``node`` profile (the harness plays neighbours and the heralding station)."""

from __future__ import annotations

from qvcp.conformance.cases import Case

__all__ = ["node_cases"]


def node_cases() -> list[Case]:
    """Node-level cases."""
    return []
