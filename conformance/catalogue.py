"""Every conformance case the suite knows, in a stable order."""

from __future__ import annotations

from qvcp.conformance.bdd import bdd_cases
from qvcp.conformance.cases import Case
from qvcp.conformance.wire_cases import wire_cases

__all__ = ["all_cases"]


def all_cases() -> list[Case]:
    """Wire vectors and properties, node and network cases, then the Gherkin scenarios."""
    from qvcp.conformance.network_cases import network_cases
    from qvcp.conformance.node_cases import node_cases

    cases = [*wire_cases(), *node_cases(), *network_cases(), *bdd_cases()]
    ids = [c.id for c in cases]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate case ids")
    return cases
