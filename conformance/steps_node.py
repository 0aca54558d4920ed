"""Step definitions for node-profile scenarios (link layer, tracking, signalling, delivery).

Loaded as a pytest plugin by :func:`qvcp.conformance.bdd.run_bdd_cases`.
"""

from __future__ import annotations
