"""Layout rules of DESIGN.md: one distribution, import names under `qvcp.`, dependency rule."""

from __future__ import annotations

import ast
import subprocess
import sys
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


def _folder(name: str) -> Path:
    """The folder of a dotted package name under its ``package-dir`` root."""
    root = max((r for r in ROOTS if name == r or name.startswith(r + ".")), key=len)
    return ROOTS[root].joinpath(*name.removeprefix(root).strip(".").split(".")) \
        if name != root else ROOTS[root]


def _data_dirs() -> set[str]:
    """Folders of package data listed as packages (no ``__init__.py``): the schemas' data and
    the driver skeletons (whose Python files are templates, not modules of ``qvcp``)."""
    return {name for name in SETUP["packages"] if name not in _package_dirs()
            and _folder(name).is_dir()}


def test_every_package_folder_is_listed_in_pyproject() -> None:
    assert set(_package_dirs()) == set(SETUP["packages"]) - _data_dirs()
    assert _data_dirs() == {"qvcp.schemas.json", "qvcp.schemas.meta", "qvcp.schemas.profiles",
                            "qvcp.schemas.scenarios", "qvcp.schemas.vectors",
                            "qvcp.conformance.skeletons",
                            *(f"qvcp.conformance.skeletons.{lang}"
                              for lang in ("go", "javascript", "python"))}


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


# -- start-up: `qvcp --help` imports nothing heavy ---------------------------------------------
HEAVY = ("numpy", "scipy", "pydantic", "jsonschema", "rich", "networkx", "yaml", "pytest",
         "hypothesis", "matplotlib", "qvcp.schemas", "qvcp.conformance.cases",
         "qvcp.reference.sim")


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    return set(out.split())


@pytest.mark.parametrize("code", [
    "import qvcp.cli",
    "from qvcp.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass",
])
def test_startup_imports_nothing_heavy(code: str) -> None:
    loaded = _modules_after(code)
    assert "click" in loaded  # the probe saw the imports
    heavy = sorted(m for m in loaded if m.startswith(HEAVY))
    assert not heavy, heavy


def test_help_lists_every_command_with_its_own_short_help() -> None:
    import click

    from qvcp.cli import SUBCOMMANDS, LazyGroup, cli

    assert isinstance(cli, LazyGroup)
    ctx = click.Context(cli)
    for name in SUBCOMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None, name
        for limit in (30, 45, 80):
            assert cli.summary(ctx, name, limit) == command.get_short_help_str(limit), name


# -- a wheel without extras, installed into a fresh venv, runs the wire profile ----------------
def test_the_wheel_without_extras_conforms_outside_the_checkout(tmp_path: Path) -> None:
    """Builds the wheel, installs it with its runtime dependencies only into a new venv and
    runs ``qvcp conform --profile wire`` from an empty folder. About 60 to 90 s (pip)."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "-w", str(wheels), str(ROOT)], check=True)
    (wheel,) = wheels.glob("qvcp-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", str(wheel)],
                   check=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    qvcp = str(venv / "bin" / "qvcp")
    res = subprocess.run([qvcp, "conform", "--profile", "wire", "--quiet",
                          "--report", str(work / "reports")],
                         cwd=work, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "CONFORMANT" in res.stdout + res.stderr
    # matplotlib is an extra: absent here, and a plot request says how to get it
    plot = subprocess.run([qvcp, "simulate", "--plot", str(work / "figs"),
                           str(ROOT / "schemas" / "scenarios" / "chain-3.yaml")],
                          cwd=work, capture_output=True, text=True, timeout=120)
    assert plot.returncode == 2, plot.stdout + plot.stderr
    assert "pip install 'qvcp[plot]'" in plot.stderr
