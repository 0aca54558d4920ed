"""Run a Hypothesis property as one seeded, quiet conformance case.

The case's seed seeds Hypothesis, no example database is used, and a failure keeps the
shrunk example as evidence, so ``--seed`` replays it exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.reporting import with_reporter

from qvcp.conformance.cases import CaseContext, CaseFailure

__all__ = ["check_property", "quiet_settings"]


def quiet_settings(max_examples: int, *, stateful_step_count: int = 20) -> settings:
    """Settings for a property run inside the harness: no database, no deadline, and
    reports go to :func:`_capture_reports` (never to stdout)."""
    return settings(max_examples=max_examples, database=None, deadline=None,
                    verbosity=Verbosity.normal, print_blob=False, derandomize=False,
                    suppress_health_check=list(HealthCheck),
                    phases=(Phase.explicit, Phase.generate, Phase.shrink),
                    stateful_step_count=stateful_step_count)


def check_property(ctx: CaseContext, strategy: st.SearchStrategy[Any],
                   check: Callable[[Any], None], *, max_examples: int) -> None:
    """Run ``check`` on examples of ``strategy``; a failure carries the shrunk example."""
    seen: dict[str, Any] = {}

    @hypothesis_seed(ctx.seed)
    @quiet_settings(max_examples)
    @given(strategy)
    def prop(example: Any) -> None:
        seen["example"] = example
        check(example)

    with _capture_reports() as lines:
        try:
            prop()
        except CaseFailure as exc:
            exc.evidence.setdefault("example", seen.get("example"))
            exc.evidence.setdefault("hypothesis", lines[-10:])
            raise


@contextmanager
def _capture_reports() -> Iterator[list[str]]:
    """Collect what Hypothesis would print (the failing program of a state machine)."""
    lines: list[str] = []
    with with_reporter(lines.append):
        yield lines
