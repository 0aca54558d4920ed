"""Cases of the ``node`` profile (the harness plays neighbours and the heralding station).

The per-requirement node cases are Gherkin scenarios (``features/03-link-layer`` ...,
steps in :mod:`qvcp.conformance.steps_node`); this module adds the programmatic ones.
"""

from __future__ import annotations

from qvcp.conformance.cases import Case
from qvcp.conformance.lifecycle import lifecycle_case

__all__ = ["node_cases"]


def node_cases() -> list[Case]:
    """Node-level cases that are not Gherkin scenarios."""
    return [lifecycle_case()]
