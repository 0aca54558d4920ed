"""The faithful reference conforms; every deliberately faulty implementation is caught."""

import json
from pathlib import Path

import pytest
from conformance_helpers import NODE_EXAMPLE, needs_node

from qvcp.conformance.cases import Verdict
from qvcp.conformance.conform import run_conformance
from qvcp.conformance.drivers.faulty import FAULTS
from qvcp.conformance.report import REPORT_FILES, build_report, report_problems, write_reports
from qvcp.conformance.runner import RunResult, exit_code


def test_reference_conforms_on_every_claimed_case(reference_run: RunResult) -> None:
    counts = reference_run.counts()
    assert reference_run.startup_error == ""
    assert counts["fail"] == counts["errored"] == counts["inconclusive"] == 0, [
        (r.case.id, r.message) for r in reference_run.results if r.verdict is not Verdict.PASS
        and r.verdict is not Verdict.UNSUPPORTED]
    assert counts["pass"] >= 372 + 2 + 9 + 60
    assert exit_code(reference_run) == 0


def test_every_profile_is_exercised(reference_run: RunResult) -> None:
    passed = {r.case.profile for r in reference_run.results if r.verdict is Verdict.PASS}
    assert passed == {"wire", "node", "network"}


def test_reference_needs_no_expected_failures(reference_run: RunResult) -> None:
    """The default gate: no xfail, no expected-failures file, every claimed case passes."""
    assert not [r for r in reference_run.results if r.verdict is Verdict.XFAIL]
    assert reference_run.unused_expected == []


def test_an_expected_failure_that_passes_fails_the_gate(tmp_path: Path) -> None:
    """An entry for a case the implementation passes is an unexpected pass: exit 1."""
    case = ("node.bdd.05-signalling."
            "a-confirm-for-a-circuit-the-node-never-saw-is-refused-as-unexpected")
    listed = tmp_path / "expected.toml"
    listed.write_text(f'[[expected_failure]]\ncase = "{case}"\nreason = "r"\n'
                      'expires = 2099-01-01\n')
    run = run_conformance("reference", selectors=[case], expected_file=listed)
    assert [r.verdict for r in run.results] == [Verdict.XPASS]
    assert exit_code(run) == 1


def test_reports_are_written_and_schema_valid(reference_run: RunResult, tmp_path: Path) -> None:
    report = build_report(reference_run, command="qvcp conform")
    assert report_problems(report) == []
    paths = write_reports(report, tmp_path)
    assert sorted(p.name for p in paths.values()) == sorted(REPORT_FILES.values())
    assert json.loads(paths["json"].read_text())["summary"]["verdict"] == "conformant"
    assert "<testsuites" in paths["junit"].read_text()
    assert paths["markdown"].read_text().startswith("# QVCP conformance: CONFORMANT")
    html = paths["html"].read_text()
    assert "<html" in html and "http" not in html.split("<body>")[0].replace(
        'xmlns="http', "")  # self-contained: nothing fetched from the network
    assert report["coverage"]["MUST"]["checked"] > 0


def test_report_schema_rejects_a_broken_report(reference_run: RunResult) -> None:
    report = build_report(reference_run, command="qvcp conform")
    report["summary"]["exit_code"] = 5
    assert report_problems(report)


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_faulty_implementation_is_caught_by_its_case(name: str, reference_run: RunResult
                                                     ) -> None:
    fault = FAULTS[name]
    # strict: a fault of a SHOULD requirement (e.g. the order of checks) fails the run too
    run = run_conformance(f"faulty:{name}", selectors=[fault.caught_by], strict=True)
    [result] = [r for r in run.results if r.case.id == fault.caught_by]
    assert result.verdict.value == fault.verdict, result.message
    assert exit_code(run) in (1, 2)
    faithful = {r.case.id: r.verdict for r in reference_run.results}
    assert faithful[fault.caught_by] is Verdict.PASS


def test_at_least_twelve_faults() -> None:
    assert len(FAULTS) >= 12
    profiles = {FAULTS[n].caught_by.split(".")[0] for n in FAULTS}
    assert profiles == {"wire", "node", "network"}


@needs_node
def test_javascript_example_passes_what_it_claims() -> None:
    run = run_conformance(NODE_EXAMPLE, profiles=["wire"])
    assert run.implementation is not None
    assert run.implementation.language.startswith("JavaScript")
    counts = run.counts()
    assert counts["fail"] == counts["errored"] == 0
    assert counts["pass"] > 100
    assert counts["unsupported"] > 0  # message types and wire.auth it does not claim
    assert exit_code(run) == 0


def test_markdown_summary_groups_unsupported_cases_by_reason(reference_run: RunResult) -> None:
    """A reader sees what the handshake left out: one row per reason, most cases first."""
    from qvcp.conformance.report_markdown import render_markdown

    report = build_report(reference_run, command="qvcp conform")
    assert "## Unsupported, by reason" not in render_markdown(report)
    reasons = ["profile 'network' not claimed"] * 3 + ["capabilities not claimed: node.auth"]
    for case, reason in zip(report["cases"], reasons, strict=False):
        case["verdict"], case["message"] = "unsupported", reason
    text = render_markdown(report)
    section = text.split("## Unsupported, by reason", 1)[1]
    assert section.index("| 3 | profile 'network' not claimed |") < section.index(
        "| 1 | capabilities not claimed: node.auth |")
