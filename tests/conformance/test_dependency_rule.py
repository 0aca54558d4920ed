"""The conformance suite never imports the reference implementation (it plugs in as a driver)."""

import ast
from pathlib import Path

CONFORMANCE = Path(__file__).resolve().parents[2] / "conformance"


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_no_conformance_module_imports_the_reference() -> None:
    files = sorted(CONFORMANCE.rglob("*.py"))
    assert len(files) > 10
    offenders = {str(f.relative_to(CONFORMANCE)): name for f in files for name in _imports(f)
                 if name.startswith(("qvcp.reference", "reference"))}
    assert offenders == {}


def test_scanner_sees_a_reference_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from qvcp.reference.noise import werner_bd\n", encoding="utf-8")
    assert _imports(bad) == ["qvcp.reference.noise"]
