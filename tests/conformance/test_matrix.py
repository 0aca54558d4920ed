"""``qvcp matrix``: several implementations side by side, and the documentation's page."""

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conformance_helpers import ROOT, needs_node

from qvcp.conformance.drivers.faulty import FAULTS
from qvcp.conformance.matrix import (
    DOCS_DRIVERS,
    DOCS_PROFILES,
    build_matrix,
    matrix,
    render_docs_page,
    render_markdown,
    run_matrix,
)

FAULT = "ignores-length"  # breaks WIRE-003.2 (among others) in the wire profile


@pytest.fixture(scope="module")
def wire_matrix(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("matrix")
    result = CliRunner().invoke(matrix, ["--driver", "reference", "--driver", f"faulty:{FAULT}",
                                         "--profile", "wire", "--out", str(out)])
    return out, result


def test_matrix_writes_three_files_and_exits_0(wire_matrix: tuple[Path, Any]) -> None:
    out, result = wire_matrix
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["matrix.html", "matrix.json", "matrix.md"]


def test_chapter_cells_and_requirement_drill_down(wire_matrix: tuple[Path, Any]) -> None:
    out, _ = wire_matrix
    m = json.loads((out / "matrix.json").read_text())
    assert [i["driver"] for i in m["implementations"]] == ["reference", f"faulty:{FAULT}"]
    assert [i["verdict"] for i in m["implementations"]] == ["conformant", "non-conformant"]
    wire = next(row for row in m["chapters"] if row["chapter"] == "02-wire-format")
    ref, faulty = wire["cells"]
    assert ref["pass"] == ref["total"] > 0 and ref["colour"] == "green"
    assert faulty["fail"] > 0 and faulty["colour"] == "red"
    assert faulty["pass"] + faulty["fail"] == faulty["total"]
    broken = next(r for r in m["requirements"] if r["id"] == FAULTS[FAULT].requirement)
    assert broken["statuses"] == ["pass", "fail"]
    assert broken["chapter"] == "02-wire-format"
    html = (out / "matrix.html").read_text()
    assert "<details id='02-wire-format'>" in html
    assert f">{FAULTS[FAULT].requirement}</td><td>MUST</td>" in html
    md = (out / "matrix.md").read_text()
    assert f"| {FAULTS[FAULT].requirement} | MUST | ✅ pass | ❌ fail |" in md


def _report(driver: str, statuses: dict[str, str]) -> dict[str, Any]:
    return {"driver": driver, "implementation": {"name": driver, "version": "1",
                                                 "language": "C"},
            "startup_error": None, "run": {"seed": 1},
            "spec": {"requirements_digest": "sha256:x"},
            "summary": {"verdict": "conformant", "exit_code": 0, "scope": "wire",
                        "counts": {"pass": 1}},
            "coverage": {"MUST": {"total": 3, "checked": 3, "passed": 1}},
            "requirements": [{"id": rid, "level": "MUST", "chapter": chapter, "text": "t",
                              "status": statuses[rid]}
                             for rid, chapter in [("A-001", "02-x.md"), ("A-002", "02-x.md"),
                                                  ("B-001", "03-y.md"), ("C-001", "04-z.md")]]}


def test_cells_count_the_requirements_the_cases_check() -> None:
    a = _report("a", {"A-001": "pass", "A-002": "pass", "B-001": "unsupported",
                      "C-001": "untested"})
    b = _report("b", {"A-001": "pass", "A-002": "inconclusive", "B-001": "pass",
                      "C-001": "untested"})
    m = build_matrix([a, b])
    assert [row["chapter"] for row in m["chapters"]] == ["02-x", "03-y"]  # 04-z: no case
    x, y = m["chapters"]
    assert [(c["pass"], c["total"], c["colour"]) for c in x["cells"]] == [
        (2, 2, "green"), (1, 2, "amber")]
    assert [(c["pass"], c["unsupported"], c["colour"]) for c in y["cells"]] == [
        (0, 1, "grey"), (1, 0, "green")]
    assert "| 02-x | ✅ 2/2 | ⚠️ 1/2 (1 inconclusive) |" in render_markdown(m)


def test_reports_of_different_seeds_are_refused() -> None:
    a = _report("a", dict.fromkeys(("A-001", "A-002", "B-001", "C-001"), "pass"))
    b = {**_report("b", dict.fromkeys(("A-001", "A-002", "B-001", "C-001"), "pass")),
         "run": {"seed": 2}}
    with pytest.raises(ValueError, match="same suite and seed"):
        build_matrix([a, b])


@pytest.mark.parametrize(("args", "named"), [
    ([], "--driver"),
    (["--driver", "reference", "--driver", "reference"], "--driver"),
    (["--docs-page", "x.md", "--driver", "reference"], "--docs-page"),
    (["--driver", "reference", "--select", "NO-SUCH-999"], "--select"),
    (["--driver", "reference", "--out", "{file}/sub"], "--out"),
])
def test_usage_errors_exit_2_naming_the_option(args: list[str], named: str,
                                               tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    args = [a.replace("{file}", str(blocker)) for a in args]
    out = [] if "--out" in args else ["--out", str(tmp_path / "out")]
    result = CliRunner().invoke(matrix, [*args, *out])
    assert result.exit_code == 2
    assert named in result.output
    assert "Traceback" not in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["file"]  # nothing written


def test_an_implementation_that_cannot_start_is_a_column_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(matrix, ["--driver", "reference", "--driver",
                                         "exec:/nonexistent/impl", "--select", "WIRE-004.2",
                                         "--out", str(tmp_path)])
    assert result.exit_code == 2
    m = json.loads((tmp_path / "matrix.json").read_text())
    assert "cannot start" in m["implementations"][1]["startup_error"]
    cells = [row["cells"][1] for row in m["chapters"]]
    assert cells and all(c["total"] > 0 and c["pass"] == 0 for c in cells)


@needs_node
def test_the_documentation_page_is_fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the page names the examples by paths from the root
    m = build_matrix(run_matrix(DOCS_DRIVERS, profiles=DOCS_PROFILES), profiles=DOCS_PROFILES)
    committed = (ROOT / "docs/interop-matrix.md").read_text(encoding="utf-8")
    assert render_docs_page(m) == committed, (
        "docs/interop-matrix.md is stale: run `qvcp matrix --docs-page docs/interop-matrix.md` "
        "from the repository root")
