"""The ``qvcp conform`` command and the case catalogue."""

import json
import re
from pathlib import Path

from click.testing import CliRunner

from qvcp.conformance.bdd import bdd_cases
from qvcp.conformance.catalogue import all_cases
from qvcp.conformance.cli import conform
from qvcp.conformance.coverage import load_requirements
from qvcp.conformance.protocol import PROFILES


def test_cli_exit_codes_and_reports(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(conform, ["--select", "WIRE-004.2", "--report", str(tmp_path / "a"), "-q"])
    assert ok.exit_code == 0, ok.output
    assert {p.name for p in (tmp_path / "a").iterdir()} == {
        "report.json", "junit.xml", "summary.md", "report.html"}
    bad = runner.invoke(conform, ["--driver", "faulty:little-endian-message-id", "--select",
                                  "wire.prop.round-trip", "--report", str(tmp_path / "b")])
    assert bad.exit_code == 1
    case = json.loads((tmp_path / "b/report.json").read_text())["cases"][0]
    assert case["verdict"] == "fail" and case["seed"] is not None
    assert case["replay"] == ("qvcp conform --driver faulty:little-endian-message-id --select "
                              "wire.prop.round-trip --seed 20240611")
    assert case["evidence"]["example"]  # the shrunk failing message
    broken = runner.invoke(conform, ["--driver", "no-such", "--report", str(tmp_path / "c")])
    assert broken.exit_code == 2


def test_replay_reproduces_the_same_failure(tmp_path: Path) -> None:
    args = ["--driver", "faulty:little-endian-message-id", "--select", "wire.prop.round-trip",
            "--seed", "7", "-q"]
    runner = CliRunner()
    examples = []
    for name in ("x", "y"):
        runner.invoke(conform, [*args, "--report", str(tmp_path / name)])
        examples.append(json.loads((tmp_path / name / "report.json").read_text())
                        ["cases"][0]["evidence"]["example"])
    assert examples[0] == examples[1]


def test_a_selection_that_matches_no_case_is_an_error_not_a_pass(tmp_path: Path) -> None:
    """A mistyped --select must not let a CI gate pass on a run that checked nothing."""
    result = CliRunner().invoke(conform, ["--select", "SEC-", "--report", str(tmp_path)])
    assert result.exit_code == 2
    assert "no case matches" in result.output and "--list" in result.output
    assert not tmp_path.exists() or not any(tmp_path.iterdir())  # no report claiming a verdict


def test_list_shows_selected_cases() -> None:
    result = CliRunner().invoke(conform, ["--list", "--select", "network.*"])
    assert result.exit_code == 0
    assert all(line.startswith("network.") for line in result.output.splitlines())


def test_every_case_is_well_formed_and_cites_indexed_requirements() -> None:
    cases = all_cases()
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids))
    # one case per test vector, every vector file read
    vectors = Path(__file__).resolve().parents[2] / "schemas" / "vectors"
    expected = sum(len(json.loads(f.read_text())["cases"]) for f in vectors.glob("*.json"))
    assert expected > 300
    assert sum(c.id.startswith("wire.vector.") for c in cases) == expected
    known = {r["id"] for r in load_requirements()}
    for case in cases:
        assert case.profile in PROFILES
        assert case.id.startswith(case.profile + ".")
        assert case.requirements, case.id
        unknown = set(case.requirements) - known
        assert not (known and unknown), f"{case.id} cites unknown {unknown}"


def test_gherkin_scenarios_cover_every_chapter_folder() -> None:
    chapters = {c.tags[1] for c in bdd_cases()}
    assert {"02-wire-format", "07-errors", "08-security"} <= chapters
    for case in bdd_cases():
        assert all(re.match(r"^[A-Z]{2,5}-\d{3}(?:\.[1-9])?$", r) for r in case.requirements)
