"""pytest-like conventions of ``qvcp conform`` (-x, --maxfail, -k, --lf, --deadline), its
compact console summary, ``qvcp report diff``, and its usage errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from qvcp.cli import cli
from qvcp.conformance.catalogue import all_cases
from qvcp.conformance.cli import conform, message_shape, problem_lines
from qvcp.conformance.conform import run_conformance
from qvcp.conformance.report import report_problems
from qvcp.conformance.report_diff import diff_reports
from qvcp.conformance.selection import KeywordError, compile_keyword

FAULTY = "faulty:lenient-reserved-bits"  # fails 47 wire cases, 4 of them Gherkin scenarios
WIRE_IDS = [c.id for c in all_cases() if c.profile == "wire"]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(conform, list(args))


def report_of(directory: Path) -> dict[str, Any]:
    return json.loads((directory / "report.json").read_text(encoding="utf-8"))


def failing_ids(report: dict[str, Any]) -> set[str]:
    return {c["id"] for c in report["cases"] if c["verdict"] in ("fail", "errored")}


@pytest.fixture(scope="module")
def faulty_wire(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report directory of one whole wire-profile run of the faulty driver."""
    directory = tmp_path_factory.mktemp("faulty")
    result = invoke("--driver", FAULTY, "--profile", "wire", "-q", "--report", str(directory))
    assert result.exit_code == 1, result.output
    assert len(failing_ids(report_of(directory))) == 47
    return directory


# --- stopping early -------------------------------------------------------------------------

def test_exitfirst_stops_at_the_first_failure_and_lists_the_cases_not_run(tmp_path: Path) -> None:
    result = invoke("--driver", FAULTY, "--profile", "wire", "-x", "--report", str(tmp_path))
    assert result.exit_code == 1, result.output
    report = report_of(tmp_path)
    assert report["summary"]["counts"]["fail"] == 1
    assert report["summary"]["verdict"] == "non-conformant"
    stopped = report["run"]["stopped"]
    assert stopped["reason"] == "maxfail" and "--maxfail 1" in stopped["message"]
    ran = [c["id"] for c in report["cases"]]
    assert sorted(ran + stopped["not_run"]) == sorted(WIRE_IDS)  # each run or not run, once
    assert report["cases"][-1]["verdict"] == "fail"
    assert report["summary"]["not_run"] == len(stopped["not_run"]) > 0
    assert "stopped early" in result.output and "cases not run" in result.output
    assert not report_problems(report)


def test_maxfail_counts_failures_across_the_gherkin_scenarios(tmp_path: Path) -> None:
    result = invoke("--driver", FAULTY, "--select", "wire.bdd.*", "--maxfail", "3", "-q",
                    "--report", str(tmp_path))
    assert result.exit_code == 1, result.output
    report = report_of(tmp_path)
    assert report["summary"]["counts"]["fail"] == 3
    assert report["run"]["stopped"]["not_run"]  # the scenarios after the third failure


def test_a_run_that_never_reaches_maxfail_is_not_marked_stopped(tmp_path: Path) -> None:
    result = invoke("--driver", FAULTY, "--select", "WIRE-006.2", "--maxfail", "1000", "-q",
                    "--report", str(tmp_path))
    assert result.exit_code == 1, result.output
    report = report_of(tmp_path)
    assert report["run"]["stopped"] is None and report["summary"]["not_run"] == 0


def test_a_run_whose_last_case_is_the_nth_failure_is_complete(tmp_path: Path) -> None:
    result = invoke("--driver", FAULTY, "--select", "wire.vector.close-endpoint-reserved-flag",
                    "-x", "-q", "--report", str(tmp_path))
    assert result.exit_code == 1, result.output
    report = report_of(tmp_path)
    assert report["summary"]["counts"]["fail"] == 1 and report["run"]["stopped"] is None


def test_a_stopped_run_is_never_conformant_even_with_only_warnings() -> None:
    from qvcp.conformance.runner import exit_code

    run = run_conformance("reference", selectors=["WIRE-004.2"])
    assert exit_code(run) == 0
    run.stopped_by, run.stopped, run.not_run = "maxfail", "stopped", ["x"]
    assert exit_code(run) == 1
    run.stopped_by = "deadline"
    assert exit_code(run) == 2


def test_deadline_stops_the_run_with_a_note_and_exit_2(tmp_path: Path) -> None:
    result = invoke("--profile", "node", "--deadline", "0.001", "-q", "--report", str(tmp_path))
    assert result.exit_code == 2, result.output
    report = report_of(tmp_path)
    stopped = report["run"]["stopped"]
    assert stopped["reason"] == "deadline" and "deadline reached" in stopped["message"]
    planned = [c.id for c in all_cases() if c.profile == "node"]
    assert sorted([c["id"] for c in report["cases"]] + stopped["not_run"]) == sorted(planned)
    assert stopped["not_run"]
    assert report["summary"]["verdict"] == "error"
    assert "deadline reached" in report["summary"]["headline"]


# --- -k ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("expression", "names", "expected"), [
    ("wire", ["wire.vector.a"], True),
    ("WIRE-003", ["x", "wire-003.2"], True),  # substring, ignoring case
    ("not wire", ["wire.vector.a"], False),
    ("a or b and c", ["a"], True),  # and binds tighter than or
    ("(a or b) and c", ["a"], False),
    ("not not a", ["a"], True),
    ("not (a and b) or c", ["a", "b"], False),
])
def test_keyword_expression(expression: str, names: list[str], expected: bool) -> None:
    from qvcp.conformance.cases import Case

    case = Case(id=names[0], profile="wire", title="", requirements=tuple(names[1:]),
                run=lambda ctx: None)
    assert compile_keyword(expression)(case) is expected


@pytest.mark.parametrize("expression", ["", "a and", "(a", "a)", "and a", "a b", "not",
                                        "__import__('os')"])
def test_keyword_expression_that_does_not_parse(expression: str) -> None:
    with pytest.raises(KeywordError):
        compile_keyword(expression)


def test_k_selects_by_id_requirement_and_tag() -> None:
    result = invoke("--list", "-k", "wire-003 and not (bdd or json)")
    assert result.exit_code == 0, result.output
    listed = [line.split("\t")[0] for line in result.output.splitlines()]
    expected = [c.id for c in all_cases()
                if any("wire-003" in n.lower() for n in (c.id, *c.requirements, *c.tags))
                and not any(w in n.lower() for w in ("bdd", "json")
                            for n in (c.id, c.profile, *c.requirements, *c.tags, c.chapter))]
    assert listed == expected and len(listed) > 5


def test_a_bad_k_expression_is_a_usage_error_naming_k() -> None:
    result = invoke("--list", "-k", "wire and (")
    assert result.exit_code == 2
    assert "'-k'" in result.output and "column" in result.output


def test_k_matching_nothing_is_an_error_not_a_pass(tmp_path: Path) -> None:
    result = invoke("-k", "no-such-word", "--report", str(tmp_path))
    assert result.exit_code == 2 and "no case matches" in result.output


# --- --lf -------------------------------------------------------------------------------------

def test_last_failed_reruns_exactly_the_failures(faulty_wire: Path, tmp_path: Path) -> None:
    directory = tmp_path / "lf"
    directory.mkdir()
    (directory / "report.json").write_text((faulty_wire / "report.json").read_text())
    failed = failing_ids(report_of(directory))
    again = invoke("--driver", FAULTY, "--lf", "-q", "--report", str(directory))
    assert again.exit_code == 1, again.output
    assert "re-running the 47 cases" in again.output
    assert {c["id"] for c in report_of(directory)["cases"]} == failed
    fixed = invoke("--last-failed", "-q", "--report", str(directory))  # the reference passes
    assert fixed.exit_code == 0, fixed.output
    assert {c["id"] for c in report_of(directory)["cases"]} == failed
    everything = invoke("--lf", "--profile", "wire", "-q", "--report", str(directory))
    assert everything.exit_code == 0, everything.output
    assert "no case failed or errored" in everything.output
    assert sorted(c["id"] for c in report_of(directory)["cases"]) == sorted(WIRE_IDS)


def test_last_failed_without_a_report_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("--lf", "--report", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert "'--lf'" in result.output and "report.json" in result.output


def test_last_failed_with_a_broken_report_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text("{not json")
    result = invoke("--lf", "--report", str(tmp_path))
    assert result.exit_code == 2
    assert "'--lf'" in result.output and "not a readable conformance report" in result.output


# --- usage errors -----------------------------------------------------------------------------

def test_an_unwritable_report_directory_fails_before_the_run(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = invoke("--driver", "exec:no-such-program-anywhere", "--report",
                    str(blocker / "reports"))
    assert result.exit_code == 2
    assert "'--report'" in result.output and str(blocker / "reports") in result.output
    assert "startup error" not in result.output  # checked before starting anything
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(("option", "value"), [("--timeout", "0"), ("--timeout", "-1"),
                                               ("--maxfail", "0"), ("--deadline", "0"),
                                               ("--deadline", "-5")])
def test_out_of_range_values_are_usage_errors(option: str, value: str, tmp_path: Path) -> None:
    result = invoke(option, value, "--report", str(tmp_path))
    assert result.exit_code == 2
    assert f"'{option}'" in result.output
    assert not any(tmp_path.iterdir())


# --- console summary --------------------------------------------------------------------------

HANDSHAKE_ONLY = '''
import json, sys
for line in sys.stdin:
    req = json.loads(line)
    if req["verb"] == "hello":
        out = {"protocol": 1, "implementation": {"name": "hs", "version": "0",
               "language": "Python"}, "spec_version": "1.0",
               "profiles": ["wire", "node", "network"], "capabilities": []}
        print(json.dumps({"id": req["id"], "result": out}), flush=True)
    elif req["verb"] in ("bye", "reset"):
        print(json.dumps({"id": req["id"], "result": {}}), flush=True)
    else:
        print(json.dumps({"id": req["id"], "error": {"kind": "failed",
              "message": "not implemented: " + req["verb"]}}), flush=True)
'''


def test_a_handshake_only_driver_gets_a_short_grouped_summary(tmp_path: Path) -> None:
    script = tmp_path / "driver.py"
    script.write_text(HANDSHAKE_ONLY)
    result = invoke("--driver", f"exec:{sys.executable} {script}", "--report",
                    str(tmp_path / "r"))
    assert result.exit_code == 2
    report = report_of(tmp_path / "r")
    errored = report["summary"]["counts"]["errored"]
    assert errored > 500
    lines = result.output.splitlines()
    assert len(lines) < 40, result.output
    more = [int(line.split("and ")[1].split()[0]) for line in lines if "more like this" in line]
    shown = [line for line in lines if line.strip().startswith("errored ")]
    assert sum(more) + len(shown) == errored  # every errored case is shown or counted


def _case(case_id: str, verdict: str, message: str, *, warning: bool = False) -> dict:
    return {"id": case_id, "verdict": verdict, "message": message, "warning": warning,
            "requirements": ["WIRE-001"], "replay": f"replay {case_id}", "seed": 1}


def test_problem_lines_group_messages_that_differ_only_by_numbers() -> None:
    cases = [_case(f"c{i}", "fail", f"expected 0x{i:04x} at byte {i}") for i in range(5)]
    cases += [_case("other", "fail", "something else"), _case("ok", "pass", ""),
              _case("soft", "fail", "expected 0x0001 at byte 1", warning=True)]
    lines = problem_lines({"cases": cases})
    text = "\n".join(lines)
    assert [n for n in ("c0", "c1", "c2", "c3", "c4") if f" {n}:" in text] == ["c0", "c1", "c2"]
    assert "... and 2 more like this (WIRE)" in text
    assert " other: something else" in text and " ok:" not in text
    assert "warning[/] soft:" in text  # a warning is its own group
    assert text.count("replay ") == 3  # one per group
    assert message_shape("a 12 b 0xff c 1.5") == "a # b # c #"
    four = problem_lines({"cases": cases[:4]})
    assert sum(": expected" in line for line in four) == 3
    assert "... and 1 more like this" in four[-2]


def test_problem_lines_cap_the_number_of_groups() -> None:
    cases = [_case(f"c{i}", "fail", f"distinct message {chr(97 + i)}") for i in range(6)]
    lines = problem_lines({"cases": cases}, groups=4)
    assert lines[-1].strip() == "... and 2 more cases in 2 other groups: see summary.md"


# --- qvcp report diff ------------------------------------------------------------------------

def _report(verdict: str, cases: dict[str, str], not_run: tuple[str, ...] = ()) -> dict:
    return {"format": "qvcp-conformance-report", "summary": {"verdict": verdict},
            "run": {"stopped": {"reason": "maxfail", "message": "", "not_run": list(not_run)}
                    if not_run else None},
            "cases": [{"id": k, "verdict": v, "message": f"m-{k}"} for k, v in cases.items()]}


def test_diff_classifies_every_change() -> None:
    old = _report("non-conformant", {"reg": "pass", "fix": "fail", "gone": "pass",
                                     "uns": "pass", "sup": "unsupported", "chg": "fail",
                                     "same": "fail", "later": "pass"})
    new = _report("non-conformant", {"reg": "errored", "fix": "pass", "uns": "unsupported",
                                     "sup": "pass", "chg": "errored", "same": "fail",
                                     "new": "pass"}, not_run=("later",))
    diff = diff_reports(old, new)
    ids = {name: [e["id"] for e in entries] for name, entries in diff.as_dict().items()
           if isinstance(entries, list)}
    assert ids == {"regressions": ["reg"], "fixes": ["fix"], "newly_unsupported": ["uns"],
                   "newly_supported": ["sup"], "changed": ["chg"], "added": ["new"],
                   "removed": ["gone"], "not_run": ["later"]}
    assert diff.regressed and not diff.verdict_worse


def _write(path: Path, document: dict) -> str:
    path.write_text(json.dumps(document))
    return str(path)


def test_report_diff_exit_codes_and_json(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.json", _report("conformant", {"a": "pass", "b": "pass"}))
    bad = _write(tmp_path / "bad.json", _report("non-conformant", {"a": "pass", "b": "fail"}))
    runner = CliRunner()
    worse = runner.invoke(cli, ["report", "diff", good, bad])
    assert worse.exit_code == 1
    assert "regressions (1):" in worse.output and "b: pass -> fail: m-b" in worse.output
    assert "conformant -> non-conformant (worse)" in worse.output
    better = runner.invoke(cli, ["report", "diff", bad, good, "--json"])
    assert better.exit_code == 0
    data = json.loads(better.output)
    assert [e["id"] for e in data["fixes"]] == ["b"] and data["regressions"] == []
    assert data["verdict"] == {"old": "non-conformant", "new": "conformant", "worse": False}
    same = runner.invoke(cli, ["report", "diff", good, good])
    assert same.exit_code == 0 and "no case changed" in same.output


def test_a_worse_run_verdict_alone_is_a_regression(tmp_path: Path) -> None:
    ok = _write(tmp_path / "ok.json", _report("conformant", {"a": "pass"}))
    broken = _write(tmp_path / "broken.json", _report("error", {}))
    result = CliRunner().invoke(cli, ["report", "diff", ok, broken])
    assert result.exit_code == 1 and "cases removed (1)" in result.output


def test_report_diff_of_real_runs(faulty_wire: Path, tmp_path: Path) -> None:
    reference = invoke("--profile", "wire", "-q", "--report", str(tmp_path))
    assert reference.exit_code == 0, reference.output
    result = CliRunner().invoke(cli, ["report", "diff", str(tmp_path / "report.json"),
                                      str(faulty_wire / "report.json"), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert {e["id"] for e in data["regressions"]} == failing_ids(report_of(faulty_wire))


@pytest.mark.parametrize(("content", "problem"), [
    (None, "cannot be read"), (b"\xff\xfe{}", "not UTF-8"), (b"{nope", "not JSON"),
    (b'{"format": "something-else", "cases": []}', "not a qvcp conformance report"),
    (b'{"format": "qvcp-conformance-report", "cases": [{"id": 1}]}', "not a qvcp"),
])
def test_report_diff_of_an_unreadable_file_names_it(tmp_path: Path, content: bytes | None,
                                                     problem: str) -> None:
    good = _write(tmp_path / "good.json", _report("conformant", {"a": "pass"}))
    other = tmp_path / "other.json"
    if content is not None:
        other.write_bytes(content)
    for args in ([good, str(other)], [str(other), good]):
        result = CliRunner().invoke(cli, ["report", "diff", *args])
        assert result.exit_code == 2
        assert f"error: {other}: {problem}" in result.output
        assert "Traceback" not in result.output
