"""Shared fixtures of the conformance-suite tests."""

import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from qvcp.conformance.conform import run_conformance  # noqa: E402
from qvcp.conformance.runner import RunResult  # noqa: E402


@pytest.fixture(scope="session")
def reference_run() -> RunResult:
    """One full default run against the reference (no expected failures), shared by the tests
    that read it."""
    return run_conformance("reference")
