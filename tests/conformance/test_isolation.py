"""Crashes, hangs and nonsense from an implementation are errored verdicts with evidence."""

import pytest
from conformance_helpers import misbehaving

from qvcp.conformance.cases import Verdict
from qvcp.conformance.conform import run_conformance
from qvcp.conformance.runner import exit_code

TWO_CASES = ["wire.vector.herald-valid-1", "wire.vector.wire-empty"]


@pytest.mark.parametrize(("mode", "reason", "evidence_key"), [
    ("crash", "crashed", "stderr_tail"),
    ("hang", "timeout", "stderr_tail"),
    ("garbage", "malformed driver output", "line"),
    ("wrong-id", "malformed driver output", "last_messages"),
    ("bad-result", "malformed driver output", "last_messages"),
])
def test_misbehaviour_is_errored_with_evidence(mode: str, reason: str, evidence_key: str
                                               ) -> None:
    run = run_conformance(misbehaving(mode), selectors=TWO_CASES, timeout=0.5)
    assert [r.verdict for r in run.results] == [Verdict.ERRORED, Verdict.ERRORED]
    first = run.results[0]
    assert first.message.startswith(reason), first.message
    assert first.evidence[evidence_key]
    assert exit_code(run) == 2


def test_crash_evidence_has_the_stderr_tail_and_a_restart() -> None:
    run = run_conformance(misbehaving("crash"), selectors=TWO_CASES)
    evidence = run.results[0].evidence
    assert any("segmentation fault" in line for line in evidence["stderr_tail"])
    assert run.results[1].evidence["starts"] == 2  # restarted for the second case


def test_bad_handshake_is_a_startup_error() -> None:
    run = run_conformance(misbehaving("bad-hello"))
    assert "profiles" in run.startup_error
    assert run.results == []
    assert exit_code(run) == 2


def test_missing_program_is_a_startup_error() -> None:
    run = run_conformance("exec:/nonexistent/qvcp-impl")
    assert "cannot start" in run.startup_error
    assert exit_code(run) == 2


def test_unknown_driver_is_a_startup_error() -> None:
    run = run_conformance("no-such-driver")
    assert "no driver 'no-such-driver'" in run.startup_error
