"""Honest verdicts: SHOULD-level failures warn unless strict, an unmet precondition is
inconclusive, and the headline states what was judged."""

from __future__ import annotations

import datetime as dt

import pytest

from qvcp.conformance.cases import Case, CaseContext, PreconditionUnmet, Verdict, precondition
from qvcp.conformance.protocol import Implementation
from qvcp.conformance.report import build_report, report_problems
from qvcp.conformance.runner import CaseResult, RunResult, _judge, case_level, exit_code

IMPL = Implementation(name="x", version="1", language="C", spec_version="1.0",
                      profiles=frozenset({"wire", "node"}), capabilities=frozenset(),
                      chapters={"node": frozenset({"03-link-layer"})})


def _case(cid: str, *requirements: str) -> Case:
    return Case(id=cid, profile="node", title=cid, requirements=requirements,
                run=lambda ctx: None, chapter="03-link-layer")


def _run(*results: tuple[Case, Verdict], strict: bool = False) -> RunResult:
    return RunResult(driver="d", implementation=IMPL, seed=1, started=dt.datetime.now(dt.UTC),
                     duration_s=0.0, strict=strict,
                     results=[CaseResult(case=c, verdict=v, message="m") for c, v in results])


def test_the_level_of_a_case_is_its_strongest_requirement() -> None:
    assert case_level(_case("a", "SIG-035")) == "SHOULD"
    assert case_level(_case("b", "SIG-035", "SIG-030")) == "MUST"
    assert case_level(_case("c", "XYZ-999")) == "MUST"  # unknown ids never soften a verdict


@pytest.mark.parametrize(("requirements", "strict", "code"), [
    (("SIG-035",), False, 0), (("SIG-035",), True, 1), (("SIG-030",), False, 1),
    (("SIG-035", "SIG-030"), False, 1)])
def test_a_should_level_failure_is_a_warning_unless_strict(requirements: tuple[str, ...],
                                                           strict: bool, code: int) -> None:
    run = _run((_case("f", *requirements), Verdict.FAIL), (_case("p", "SIG-030"), Verdict.PASS),
               strict=strict)
    assert exit_code(run) == code
    report = build_report(run, command="qvcp conform")
    assert report_problems(report) == []
    assert report["summary"]["warnings"] == (1 if code == 0 else 0)
    assert report["cases"][0]["warning"] is (code == 0)


def test_an_unmet_precondition_is_inconclusive_and_blames_nothing() -> None:
    def run(ctx: CaseContext) -> None:
        precondition(False, "nothing delivered", count=0)

    case = Case(id="n", profile="network", title="n", requirements=("DLV-021.1",), run=run)
    verdict, message, evidence, _ = _judge(case, None)  # type: ignore[arg-type]
    assert verdict is Verdict.INCONCLUSIVE
    assert message == "precondition not met: nothing delivered" and evidence == {"count": 0}
    with pytest.raises(PreconditionUnmet):
        precondition(False, "x")
    precondition(True, "never raised")


def test_the_headline_states_the_scope_and_the_must_requirements_checked() -> None:
    run = _run((_case("p", "LINK-001.1"), Verdict.PASS))
    run.selection = ["LINK-*"]
    headline = build_report(run, command="qvcp conform")["summary"]["headline"]
    assert headline.startswith("CONFORMANT (wire; node: 03-link-layer; only LINK-*) - MUST 1/")
    assert "checked, " in headline and "proven" in headline


def test_a_requirement_is_proven_in_a_run_only_by_a_catching_case_that_was_judged() -> None:
    from qvcp.conformance.coverage import coverage, load_requirements, requirement_statuses
    from qvcp.conformance.mutation import load_proof

    rid, entry = next(iter(sorted(load_proof()["requirements"].items())))
    catching = _case(entry["caught_by"][0], rid)
    other = _case("some.other.case", rid)
    level = next(r["level"] for r in load_requirements() if r["id"] == rid)

    def proven(*results: tuple[Case, Verdict]) -> int:
        run = _run(*results)
        statuses = [s for s in requirement_statuses(run.results, load_requirements())
                    if s.id == rid]
        return int(coverage(statuses)[level]["proven"])

    assert proven((catching, Verdict.PASS)) == 1
    assert proven((other, Verdict.PASS)) == 0
    assert proven((catching, Verdict.UNSUPPORTED), (other, Verdict.PASS)) == 0
