"""One conformance run, as a function: driver spec in, :class:`RunResult` out.

The CLI (:mod:`.cli`) is a thin shell over :func:`run_conformance`; tests call it directly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from qvcp import __version__
from qvcp.conformance.bdd import run_bdd_cases
from qvcp.conformance.cases import Case, Verdict
from qvcp.conformance.catalogue import all_cases
from qvcp.conformance.drivers import open_transport
from qvcp.conformance.expected import ExpectedFailure, load_expected_failures, match
from qvcp.conformance.runner import CaseResult, CaseRunner, RunResult
from qvcp.conformance.selection import select
from qvcp.conformance.session import Session

__all__ = ["DEFAULT_SEED", "FAILING", "deadline_note", "finish", "plan", "run_conformance"]

DEFAULT_SEED = 20240611


def _not_run(case: Case, why: str) -> Case:
    """A stand-in that errors with ``why`` (a scenario pytest-bdd could not bind)."""

    def run(ctx: object) -> None:
        raise RuntimeError(f"scenario not run: {why}")

    return dataclasses.replace(case, run=run)


def plan(*, selectors: Sequence[str] = (), profiles: Sequence[str] = (), keyword: str = "",
         only: Collection[str] | None = None) -> list[Case]:
    """The cases a run with these options would consider, in run order.

    Raises:
        KeywordError: ``keyword`` (``-k``) does not parse.
    """
    return select(all_cases(), selectors=selectors, profiles=profiles, keyword=keyword,
                  only=only)


def _selection(selectors: Sequence[str], keyword: str,
               only: Collection[str] | None) -> list[str]:
    """What narrowed the run, as the report's ``run.selection`` states it."""
    return [*selectors, *([f"-k {keyword}"] if keyword else []),
            *([f"{len(only)} listed cases"] if only is not None else [])]


def new_run(driver: str, seed: int, *, selectors: Sequence[str], keyword: str,
            only: Collection[str] | None, profiles: Sequence[str], strict: bool,
            expected: Sequence[ExpectedFailure], today: dt.date | None,
            ) -> tuple[RunResult, float]:
    """An empty result for a run starting now, and the ``perf_counter`` it starts at."""
    started, clock = dt.datetime.now(dt.UTC), time.perf_counter()
    result = RunResult(driver=driver, implementation=None, seed=seed, results=[],
                       started=started, duration_s=0.0,
                       selection=_selection(selectors, keyword, only),
                       profiles=list(profiles), strict=strict,
                       expired=[e for e in expected if e.expired(today)])
    return result, clock


FAILING = frozenset({Verdict.FAIL, Verdict.ERRORED, Verdict.XPASS})


def deadline_note(deadline: float) -> str:
    """Why a run stopped at its ``--deadline``, in words."""
    return f"deadline reached: --deadline {deadline:g} s"


class _Stopper:
    """Decides when a run stops early: ``maxfail`` failing cases, or the ``deadline``."""

    def __init__(self, result: RunResult, *, maxfail: int | None, deadline: float | None,
                 clock: float) -> None:
        self.result, self.maxfail = result, maxfail
        self.deadline, self.ends = deadline, None if deadline is None else clock + deadline
        self.failing = 0

    def due(self) -> bool:
        """True when the run must stop before its next case (and records why)."""
        result = self.result
        if not result.stopped_by:
            if self.maxfail is not None and self.failing >= self.maxfail:
                result.stopped_by = "maxfail"
                result.stopped = (f"stopped after {self.failing} failed or errored "
                                  f"case{'s' if self.failing > 1 else ''} "
                                  f"(--maxfail {self.maxfail})")
            elif self.ends is not None and time.perf_counter() >= self.ends:
                result.stopped_by = "deadline"
                result.stopped = deadline_note(self.deadline)
        return bool(result.stopped_by)

    def should_skip(self, case: Case) -> bool:
        """True (and ``case`` is recorded as not run) once the run has stopped: the stop is
        decided before a case, so a run whose last case is its N-th failure is complete."""
        if self.due():
            self.result.not_run.append(case.id)
            return True
        return False

    def saw(self, outcome: CaseResult) -> None:
        if outcome.verdict in FAILING:
            self.failing += 1


def run_conformance(driver: str = "reference", *, selectors: Sequence[str] = (),
                    profiles: Sequence[str] = (), seed: int = DEFAULT_SEED,
                    expected_file: Path | None = None, timeout: float = 10.0,
                    on_start: Callable[[int], None] | None = None,
                    on_result: Callable[[CaseResult], None] | None = None,
                    today: dt.date | None = None, strict: bool = False,
                    keyword: str = "", only: Collection[str] | None = None,
                    maxfail: int | None = None, deadline: float | None = None,
                    workers: int = 1, durations: Mapping[str, float] | None = None
                    ) -> RunResult:
    """Start the implementation, shake hands, run the selected cases, stop it.

    ``keyword`` and ``only`` narrow the selection as in :func:`plan`. The run stops early
    after ``maxfail`` failed, errored or unexpectedly passing cases, or once ``deadline``
    seconds have passed since it started: the cases left are recorded in
    :attr:`RunResult.not_run` and the verdict is never conformant.

    With ``workers`` above 1 (and no ``maxfail``, whose stop needs the serial order), the
    cases are split over that many worker processes (:mod:`.parallel`; ``durations`` of an
    earlier run balance them) and the results merged in the serial run's order.

    Raises:
        ExpectedFailureFileError: the expected-failures file is unusable.
        KeywordError: ``keyword`` does not parse.
    """
    today = today or dt.date.today()
    expected: list[ExpectedFailure] = (load_expected_failures(expected_file)
                                       if expected_file else [])
    cases = plan(selectors=selectors, profiles=profiles, keyword=keyword, only=only)
    if workers > 1 and maxfail is None and len(cases) > 1:
        from qvcp.conformance.parallel import run_parallel

        return run_parallel(cases, min(workers, len(cases)), driver=driver,
                            selectors=selectors, profiles=profiles, keyword=keyword,
                            only=only, seed=seed, expected_file=expected_file,
                            timeout=timeout, today=today, strict=strict, deadline=deadline,
                            durations=durations, on_start=on_start, on_result=on_result)
    result, clock = new_run(driver, seed, selectors=selectors, keyword=keyword, only=only,
                            profiles=profiles, strict=strict, expected=expected, today=today)
    stopper = _Stopper(result, maxfail=maxfail, deadline=deadline, clock=clock)
    session: Session | None = None
    try:
        session = Session(open_transport(driver, timeout=timeout),
                          harness=f"qvcp-conform {__version__}")
        impl = session.start()
    except Exception as exc:  # any startup failure is a driver error (exit 2)
        result.startup_error = f"{type(exc).__name__}: {exc}"
        result.startup_evidence = dict(getattr(exc, "evidence", {}))
        if session is not None:
            result.startup_evidence = {**session.evidence(), **result.startup_evidence}
            session.close()
        result.duration_s = time.perf_counter() - clock
        return result
    result.implementation = impl
    if on_start is not None:
        on_start(len(cases))
    runner = CaseRunner(session, impl, driver=driver, seed=seed, expected=expected, today=today)

    def run_one(case: Case) -> None:
        if stopper.should_skip(case):
            return
        outcome = runner.run_one(case)
        result.results.append(outcome)
        stopper.saw(outcome)
        if on_result is not None:
            on_result(outcome)

    try:
        for case in cases:
            if "bdd" not in case.tags:
                run_one(case)
        bdd = [c for c in cases if "bdd" in c.tags]
        errors = run_bdd_cases(bdd, run_one) if bdd and not stopper.due() else []
        done = {r.case.id for r in result.results} | set(result.not_run)
        for case in bdd:
            if case.id not in done:
                run_one(_not_run(case, "; ".join(errors)[-1500:] or "scenario was not run"))
    finally:
        session.close()
    return finish(result, expected, today, clock)


def finish(result: RunResult, expected: Sequence[ExpectedFailure], today: dt.date,
           clock: float) -> RunResult:
    """``result`` with its unused expected failures and its duration since ``clock``."""
    seen = {r.case.id for r in result.results} | set(result.not_run)
    result.unused_expected = [e for e in expected if not e.expired(today)
                              and not any(match([e], cid) for cid in seen)]
    result.duration_s = time.perf_counter() - clock
    return result
