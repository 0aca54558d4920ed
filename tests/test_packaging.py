"""Layout rules of DESIGN.md: one distribution, import names under `qvcp.`, dependency rule."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SETUP = PYPROJECT["tool"]["setuptools"]
ROOTS = {name: ROOT / path for name, path in SETUP["package-dir"].items()}


def _package_dirs() -> dict[str, Path]:
    found = {}
    for name, base in ROOTS.items():
        for init in base.rglob("__init__.py"):
            rel = init.parent.relative_to(base)
            dotted = ".".join([name, *rel.parts]) if rel.parts else name
            found[dotted] = init.parent
    return found


def _data_dirs() -> set[str]:
    """Folders of package data listed as packages (no Python in them), e.g. the schemas."""
    return {name for name in SETUP["packages"] if name not in _package_dirs()
            and (ROOTS["qvcp.schemas"] / name.removeprefix("qvcp.schemas.")).is_dir()
            and not any((ROOTS["qvcp.schemas"] / name.removeprefix("qvcp.schemas."))
                        .glob("*.py"))}


def test_every_package_folder_is_listed_in_pyproject() -> None:
    assert set(_package_dirs()) == set(SETUP["packages"]) - _data_dirs()
    assert _data_dirs() == {"qvcp.schemas.json", "qvcp.schemas.meta", "qvcp.schemas.profiles",
                            "qvcp.schemas.scenarios", "qvcp.schemas.vectors"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize(("package", "forbidden"), [
    ("qvcp.schemas", ("qvcp.reference", "qvcp.conformance", "qvcp.cli", "qvcp.wire_cli")),
    ("qvcp.conformance", ("qvcp.reference",)),
])
def test_dependency_rule(package: str, forbidden: tuple[str, ...]) -> None:
    base = ROOTS[package]
    for path in base.rglob("*.py"):
        bad = {n for n in _imports(path) if n.startswith(forbidden)}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_schemas_imports_nothing_of_ours_outside_itself() -> None:
    for path in ROOTS["qvcp.schemas"].rglob("*.py"):
        ours = {n for n in _imports(path) if n.split(".")[0] == "qvcp"}
        assert all(n.startswith("qvcp.schemas") for n in ours), path.name


def test_no_top_level_import_names_leak() -> None:
    import importlib.util

    for name in ("schemas", "reference", "conformance"):
        spec = importlib.util.find_spec(name)
        assert spec is None or ROOT in Path(spec.origin or "").parents, name
