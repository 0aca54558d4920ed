"""Expected-failure files: xfail, unexpected pass, expiry, and clear errors on bad files."""

import datetime as dt
from pathlib import Path

import pytest

from qvcp.conformance.cases import Verdict
from qvcp.conformance.conform import run_conformance
from qvcp.conformance.expected import ExpectedFailureFileError, load_expected_failures
from qvcp.conformance.runner import exit_code

CASE = "wire.vector.wire-length-zero"
TODAY = dt.date(2030, 6, 1)


def _file(tmp_path: Path, case: str, expires: str) -> Path:
    path = tmp_path / "xfail.toml"
    path.write_text(f'[[expected_failure]]\ncase = "{case}"\nreason = "issue 42"\n'
                    f"expires = {expires}\n", encoding="utf-8")
    return path


def test_expected_failure_is_xfail_and_conformant(tmp_path: Path) -> None:
    run = run_conformance("faulty:ignores-length", selectors=[CASE], today=TODAY,
                          expected_file=_file(tmp_path, CASE, "2030-12-31"))
    assert [r.verdict for r in run.results] == [Verdict.XFAIL]
    assert exit_code(run) == 0


def test_unexpected_pass_is_reported_and_fails_the_gate(tmp_path: Path) -> None:
    run = run_conformance("reference", selectors=[CASE], today=TODAY,
                          expected_file=_file(tmp_path, CASE, "2030-12-31"))
    assert [r.verdict for r in run.results] == [Verdict.XPASS]
    assert "unexpected pass" in run.results[0].message
    assert exit_code(run) == 1


def test_expired_entry_no_longer_applies(tmp_path: Path) -> None:
    run = run_conformance("faulty:ignores-length", selectors=[CASE], today=TODAY,
                          expected_file=_file(tmp_path, CASE, "2030-01-01"))
    assert [r.verdict for r in run.results] == [Verdict.FAIL]
    assert [e.case for e in run.expired] == [CASE]


@pytest.mark.parametrize(("text", "complaint"), [
    ('[[expected_failure]]\ncase = "x"\nexpires = 2030-01-01\n', "missing reason"),
    ('[[expected_failure]]\ncase = "x"\nreason = "r"\nexpires = "soon"\n', "not YYYY-MM-DD"),
    ('expected = 1\n', "needs a list"),
])
def test_bad_files_are_refused_clearly(tmp_path: Path, text: str, complaint: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExpectedFailureFileError, match=complaint):
        load_expected_failures(path)
