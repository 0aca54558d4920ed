"""Shared fixtures of the conformance-suite tests."""

import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from qvcp.conformance.conform import run_conformance  # noqa: E402
from qvcp.conformance.runner import RunResult  # noqa: E402

REFERENCE_EXPECTED = Path(_HERE).parents[1] / "conformance/expected/reference.toml"


@pytest.fixture(scope="session")
def reference_run() -> RunResult:
    """One full default run against the reference with its expected-failures file, shared by
    the tests that read it."""
    return run_conformance("reference", expected_file=REFERENCE_EXPECTED)
