"""Run cases against one implementation and conclude a verdict for each.

Isolation: a case that makes the implementation crash, hang or talk nonsense is *errored*
with the evidence, the implementation is restarted, and the run goes on. A bug in the harness
itself (any other exception) is errored too, marked as a harness error.
"""

from __future__ import annotations

import datetime as dt
import shlex
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from qvcp.conformance.cases import (
    Case,
    CaseContext,
    CaseFailure,
    Outcome,
    PreconditionUnmet,
    Verdict,
    case_seed,
)
from qvcp.conformance.expected import ExpectedFailure, match
from qvcp.conformance.protocol import DriverError, DriverUnsupported, Implementation
from qvcp.conformance.session import Session

__all__ = ["CaseResult", "CaseRunner", "RunResult", "case_level", "exit_code", "replay_command",
           "run_cases", "warnings"]

Json = dict[str, Any]


@dataclass(kw_only=True)
class CaseResult:
    """The verdict on one case, with what supports it."""

    case: Case
    verdict: Verdict
    message: str = ""
    evidence: Json = field(default_factory=dict)
    interval: Json | None = None
    seed: int | None = None
    duration_s: float = 0.0
    replay: str = ""
    expected: ExpectedFailure | None = None
    harness_error: bool = False


@dataclass(kw_only=True)
class RunResult:
    """Everything a report needs."""

    driver: str
    implementation: Implementation | None
    seed: int
    results: list[CaseResult]
    started: dt.datetime
    duration_s: float
    expired: list[ExpectedFailure] = field(default_factory=list)
    unused_expected: list[ExpectedFailure] = field(default_factory=list)
    selection: Sequence[str] = ()
    profiles: Sequence[str] = ()
    startup_error: str = ""
    startup_evidence: Json = field(default_factory=dict)
    strict: bool = False  # SHOULD-level failures fail the run too (else they are warnings)
    # stopped early ("maxfail" or "deadline"): why, in words, and the ids of the cases not run
    stopped_by: str = ""
    stopped: str = ""
    not_run: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        c = Counter(r.verdict.value for r in self.results)
        return {v.value: c.get(v.value, 0) for v in Verdict}


def replay_command(driver: str, case_id: str, seed: int) -> str:
    """The one-line command that runs one case again, exactly."""
    return (f"qvcp conform --driver {shlex.quote(driver)} --select {shlex.quote(case_id)} "
            f"--seed {seed}")


def _judge(case: Case, ctx: CaseContext) -> tuple[Verdict, str, Json, Json | None]:
    try:
        outcome: Outcome | None = case.run(ctx)
    except CaseFailure as exc:
        return Verdict.FAIL, exc.message, exc.evidence, None
    except PreconditionUnmet as exc:
        return (Verdict.INCONCLUSIVE, f"precondition not met: {exc.message}", exc.evidence,
                None)
    if outcome is None:
        return Verdict.PASS, "", {}, None
    return outcome.verdict, outcome.message, outcome.evidence, outcome.interval


class CaseRunner:
    """Concludes one case at a time; restarts the implementation after a crash."""

    def __init__(self, session: Session, impl: Implementation, *, driver: str, seed: int,
                 expected: list[ExpectedFailure], today: dt.date) -> None:
        self.session, self.impl, self.driver, self.seed = session, impl, driver, seed
        self.expected = [e for e in expected if not e.expired(today)]
        self.dead: str = ""

    def run_one(self, case: Case) -> CaseResult:
        reason = case.unsupported_reason(self.impl)
        if reason:
            return CaseResult(case=case, verdict=Verdict.UNSUPPORTED, message=reason)
        seed = case_seed(self.seed, case.id)
        result = CaseResult(case=case, verdict=Verdict.ERRORED, seed=seed,
                            replay=replay_command(self.driver, case.id, self.seed))
        if self.dead:
            result.message = f"implementation unavailable: {self.dead}"
            return result
        started = time.perf_counter()
        try:
            verdict, message, evidence, interval = _judge(
                case, CaseContext(session=self.session, seed=seed, implementation=self.impl))
            result.verdict, result.message = verdict, message
            result.evidence, result.interval = evidence, interval
        except DriverUnsupported as exc:  # the documented answer: not claimed after all
            result.verdict = Verdict.UNSUPPORTED
            result.message = f"the implementation answered unsupported: {exc}"
            result.evidence = {**self.session.evidence(), **exc.evidence}
        except DriverError as exc:
            result.message = f"{exc.reason}: {exc}"
            result.evidence = {**self.session.evidence(), **exc.evidence}
            if exc.restart:
                self._restart()
        except Exception as exc:
            result.message = f"harness error: {type(exc).__name__}: {exc}"
            result.evidence = {"traceback": traceback.format_exc(limit=10).splitlines()[-14:]}
            result.harness_error = True
        result.duration_s = time.perf_counter() - started
        self._apply_expected(result)
        return result

    def _restart(self) -> None:
        try:
            self.session.restart()
        except DriverError as exc:
            self.dead = f"restart failed: {exc}"

    def _apply_expected(self, result: CaseResult) -> None:
        entry = match(self.expected, result.case.id)
        if entry is None:
            return
        result.expected = entry
        if result.verdict in (Verdict.FAIL, Verdict.ERRORED):
            result.verdict = Verdict.XFAIL
        elif result.verdict is Verdict.PASS:
            result.verdict = Verdict.XPASS
            result.message = f"unexpected pass: listed as expected to fail ({entry.reason})"


def run_cases(cases: Sequence[Case], session: Session, impl: Implementation, *,
              driver: str, seed: int, expected: Sequence[ExpectedFailure] = (),
              on_result: Callable[[CaseResult], None] | None = None,
              today: dt.date | None = None) -> list[CaseResult]:
    """Run every case in order; ``on_result`` sees each result as it is concluded."""
    runner = CaseRunner(session, impl, driver=driver, seed=seed, expected=list(expected),
                     today=today or dt.date.today())
    results = []
    for case in cases:
        result = runner.run_one(case)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


@cache
def _levels() -> dict[str, str]:
    from qvcp.conformance.coverage import load_requirements

    return {r["id"]: r["level"] for r in load_requirements()}


def case_level(case: Case) -> str:
    """The strongest BCP 14 level among the requirements ``case`` checks (MUST when one is
    unknown, so that an unindexed id never softens a verdict)."""
    levels = {_levels().get(rid, "MUST") for rid in case.requirements} or {"MUST"}
    return next(level for level in ("MUST", "SHOULD", "MAY") if level in levels)


def _is_warning(run: RunResult, result: CaseResult) -> bool:
    return not run.strict and case_level(result.case) != "MUST"


def _failed(run: RunResult) -> list[CaseResult]:
    return [r for r in run.results if r.verdict in (Verdict.FAIL, Verdict.XPASS)]


def warnings(run: RunResult) -> list[CaseResult]:
    """Failed cases that check only SHOULD or MAY requirements: reported, not failing the
    run, unless it is strict."""
    return [r for r in _failed(run) if _is_warning(run, r)]


def exit_code(run: RunResult) -> int:
    """0 conformant, 1 non-conformant, 2 harness or driver error.

    A failure of a case that checks only SHOULD or MAY requirements is a warning, not a
    non-conformance, unless the run is strict (``--strict``). A run stopped early is never
    conformant: 2 when its deadline was reached, at least 1 otherwise. A run that judged no
    case (every one unsupported) certifies nothing and is not conformant either (1).
    """
    counts = run.counts()
    if run.startup_error or counts["errored"] or run.stopped_by == "deadline":
        return 2
    if any(not _is_warning(run, r) for r in _failed(run)) or run.stopped_by:
        return 1
    if run.results and not judged(run):
        return 1
    return 0


def judged(run: RunResult) -> int:
    """How many cases reached a verdict on the implementation (not unsupported or errored)."""
    return sum(1 for r in run.results
               if r.verdict not in (Verdict.UNSUPPORTED, Verdict.ERRORED))
