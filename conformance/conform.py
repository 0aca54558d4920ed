"""One conformance run, as a function: driver spec in, :class:`RunResult` out.

The CLI (:mod:`.cli`) is a thin shell over :func:`run_conformance`; tests call it directly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from qvcp import __version__
from qvcp.conformance.bdd import run_bdd_cases
from qvcp.conformance.cases import Case
from qvcp.conformance.catalogue import all_cases
from qvcp.conformance.drivers import open_transport
from qvcp.conformance.expected import ExpectedFailure, load_expected_failures, match
from qvcp.conformance.runner import CaseResult, CaseRunner, RunResult
from qvcp.conformance.selection import select
from qvcp.conformance.session import Session

__all__ = ["DEFAULT_SEED", "plan", "run_conformance"]

DEFAULT_SEED = 20240611


def _not_run(case: Case, why: str) -> Case:
    """A stand-in that errors with ``why`` (a scenario pytest-bdd could not bind)."""

    def run(ctx: object) -> None:
        raise RuntimeError(f"scenario not run: {why}")

    return dataclasses.replace(case, run=run)


def plan(*, selectors: Sequence[str] = (), profiles: Sequence[str] = ()) -> list[Case]:
    """The cases a run with these options would consider, in run order."""
    return select(all_cases(), selectors=selectors, profiles=profiles)


def run_conformance(driver: str = "reference", *, selectors: Sequence[str] = (),
                    profiles: Sequence[str] = (), seed: int = DEFAULT_SEED,
                    expected_file: Path | None = None, timeout: float = 10.0,
                    on_start: Callable[[int], None] | None = None,
                    on_result: Callable[[CaseResult], None] | None = None,
                    today: dt.date | None = None, strict: bool = False) -> RunResult:
    """Start the implementation, shake hands, run the selected cases, stop it.

    Raises:
        ExpectedFailureFileError: the expected-failures file is unusable.
    """
    today = today or dt.date.today()
    expected: list[ExpectedFailure] = (load_expected_failures(expected_file)
                                       if expected_file else [])
    cases = plan(selectors=selectors, profiles=profiles)
    started, clock = dt.datetime.now(dt.UTC), time.perf_counter()
    result = RunResult(driver=driver, implementation=None, seed=seed, results=[],
                       started=started, duration_s=0.0, selection=list(selectors),
                       profiles=list(profiles), strict=strict,
                       expired=[e for e in expected if e.expired(today)])
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
        outcome = runner.run_one(case)
        result.results.append(outcome)
        if on_result is not None:
            on_result(outcome)

    try:
        for case in cases:
            if "bdd" not in case.tags:
                run_one(case)
        bdd = [c for c in cases if "bdd" in c.tags]
        errors = run_bdd_cases(bdd, run_one)
        done = {r.case.id for r in result.results}
        for case in bdd:
            if case.id not in done:
                run_one(_not_run(case, "; ".join(errors)[-1500:] or "scenario was not run"))
    finally:
        session.close()
    seen = {r.case.id for r in result.results}
    result.unused_expected = [e for e in expected if not e.expired(today)
                              and not any(match([e], cid) for cid in seen)]
    result.duration_s = time.perf_counter() - clock
    return result
