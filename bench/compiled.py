"""The compiled build of the reference implementation, for the benchmarks' ``--compiled``.

``ensure_compiled()`` returns the python of ``.bench/venv-qvcp-compiled``, a venv holding QVCP
installed (not editable) with ``QVCP_COMPILE=1``: every module of ``qvcp.reference`` compiled
by Cython from the unchanged sources, a few dataclasses as extension classes with their fields
declared (``setup.py``, ``tools/cython_decls.py``). The venv is made on first use; the
project is rebuilt (about 2 to 3 minutes) only when its sources changed since the last build (a
sha256 over the package sources, ``setup.py`` and ``pyproject.toml``, kept in a stamp file in
the venv). The build runs on a copy of the sources in a temporary directory, so nothing
(``build/``, ``.c``, ``.so``, ``*.egg-info``) is written into the repository.

The C compiler's profile-guided optimisation is applied, as CPython's own release builds do:
the extensions are first built instrumented (``-fprofile-generate``), trained by running
``qvcp simulate`` on the example scenarios of ``schemas/scenarios/`` (not on the benchmarks'
workloads), and built again with ``-fprofile-use``. Both builds use the interpreter's own
``CFLAGS`` (``-O3``, ``-DNDEBUG``, ``-fwrapv``...) plus these flags: a ``CFLAGS`` environment
variable replaces the interpreter's flags in the build rather than adding to them.

    python bench/compiled.py      # build if needed, print the venv's python
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".bench" / "venv-qvcp-compiled"
STAMP_NAME = "qvcp-compiled.sha256"
#: what the stamp records besides the source digest: the build procedure
BUILD_KIND = "cython+pgo+decls"
#: the training workloads of the profile-guided build (the example scenarios)
TRAINING_DIR = Path("schemas") / "scenarios"
PGO_GENERATE = "-fprofile-generate -fprofile-update=atomic"
PGO_USE = "-fprofile-use -fprofile-correction -Wno-missing-profile"
# the folders of pyproject's [tool.setuptools] package-dir (what the wheel holds) ...
PACKAGE_DIRS = ("reference", "src", "schemas", "conformance", "features")
# ... and the folder of the build's helper (tools/cython_decls.py)
BUILD_DIRS = ("tools",)
# ... and the files the build reads at the top level
TOP_FILES = ("setup.py", "pyproject.toml", "README.md")
SKIP = ("__pycache__", "*.pyc", "*.so", "*.c", "*.egg-info")


def _sources(root: Path) -> list[Path]:
    """Every file the build reads, sorted (repo-relative order)."""
    files = [root / name for name in TOP_FILES if (root / name).is_file()]
    for folder in (*PACKAGE_DIRS, *BUILD_DIRS):
        for path in (root / folder).rglob("*"):
            rel = path.relative_to(root)
            skipped = any(fnmatch(part, p) for part in rel.parts for p in SKIP)
            if path.is_file() and not skipped:
                files.append(path)
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def source_digest(root: Path = ROOT) -> str:
    """sha256 over the names and contents of the sources in sorted order.

    Covers ``reference/**/*.py`` (what is compiled), ``setup.py`` and ``pyproject.toml``, and
    also the other package folders: the install is a copy, so a change there must reinstall.
    """
    h = hashlib.sha256()
    for path in _sources(root):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def node_file(python: Path) -> str:
    """``qvcp.reference.node.__file__`` as seen by ``python`` (outside the repository)."""
    out = subprocess.run([str(python), "-c",
                          "import qvcp.reference.node as m; print(m.__file__)"],
                         check=True, capture_output=True, text=True, env=outside_env(),
                         cwd=tempfile.gettempdir())
    return out.stdout.strip()


def _pip(python: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([str(python), "-m", "pip", *args], check=True, env=env)


def outside_env() -> dict[str, str]:
    """The environment for running the venv's python on its own install (no PYTHONPATH)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def _build_and_install(python: Path, src: Path, extra_cflags: str) -> None:
    """Build the wheel of ``src`` compiled with the interpreter's CFLAGS plus
    ``extra_cflags`` and install it over the venv's qvcp (then any missing dependency)."""
    base = subprocess.run([str(python), "-c", "import sysconfig; "
                           "print(sysconfig.get_config_var('CFLAGS') or '')"],
                          check=True, capture_output=True, text=True).stdout.strip()
    env = dict(os.environ, QVCP_COMPILE="1", CFLAGS=f"{base} {extra_cflags}")
    wheels = src.parent / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    _pip(python, "wheel", "-q", "--no-build-isolation", "--no-deps", "-w", str(wheels),
         str(src), env=env)
    (wheel,) = wheels.glob("qvcp-*.whl")
    # replace the installed qvcp whatever its version, then add any missing dependency
    # (from PyPI as usual; qvcp itself is then already satisfied and left alone)
    _pip(python, "install", "-q", "--force-reinstall", "--no-deps", str(wheel))
    _pip(python, "install", "-q", str(wheel))


def _train(python: Path, src: Path) -> None:
    """Run the instrumented install on the example scenarios (writes the .gcda profiles)."""
    qvcp = python.parent / "qvcp"
    for scenario in sorted((src / TRAINING_DIR).glob("*.yaml")):
        run = subprocess.run([str(qvcp), "simulate", str(scenario), "--json"],
                             capture_output=True, text=True, env=outside_env(),
                             cwd=tempfile.gettempdir())
        if run.returncode:
            raise RuntimeError(f"training run of the profile-guided build failed on "
                               f"{scenario.name}:\n{run.stderr[-2000:]}")


def _forget_objects(src: Path) -> None:
    """Drop the instrumented objects and libraries, keeping the profiles beside the objects'
    paths, so that the second build compiles every extension again."""
    build = src / "build"
    for pattern in ("lib.*", "bdist.*"):
        for path in build.glob(pattern):
            shutil.rmtree(path)
    for obj in build.rglob("*.o"):
        obj.unlink()


def ensure_compiled() -> Path:
    """The python of the compiled venv, built or rebuilt first when needed."""
    python = VENV / "bin" / "python"  # not resolved: the venv's own interpreter path
    stamp = VENV / STAMP_NAME
    if not python.exists():
        VENV.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    current = f"{source_digest()} {BUILD_KIND}"
    if stamp.exists() and stamp.read_text().strip() == current:
        return python
    print("building the compiled reference (Cython, profile-guided), about 3 minutes...",
          file=sys.stderr, flush=True)
    stamp.unlink(missing_ok=True)
    # the build tools; Cython 3, the major release the build is known to work with
    _pip(python, "install", "-q", "cython>=3,<4", "setuptools>=77", "wheel")
    with tempfile.TemporaryDirectory(prefix="qvcp-compiled-") as tmp:
        # a snapshot of the sources: the build writes build/, .c and *.egg-info there, and
        # the stamp describes exactly what was compiled even if the tree changes meanwhile
        src = Path(tmp) / "src"
        src.mkdir()
        for name in TOP_FILES:
            if (ROOT / name).is_file():
                shutil.copy2(ROOT / name, src / name)
        for folder in (*PACKAGE_DIRS, *BUILD_DIRS):
            shutil.copytree(ROOT / folder, src / folder, ignore=shutil.ignore_patterns(*SKIP))
        built = source_digest(src)
        _build_and_install(python, src, PGO_GENERATE)
        _train(python, src)
        _forget_objects(src)
        _build_and_install(python, src, PGO_USE)
    node = node_file(python)
    if not node.endswith(".so"):
        raise RuntimeError(f"the compiled venv {VENV} imports qvcp.reference.node from {node}, "
                           "not from a compiled extension (.so): check the Cython build "
                           "(QVCP_COMPILE=1, setup.py)")
    stamp.write_text(f"{built} {BUILD_KIND}\n")
    if source_digest() != built:
        print("warning: the sources changed during the build; the compiled venv holds the "
              "snapshot taken when it started (the next run rebuilds)", file=sys.stderr)
    return python


def is_compiled(module_file: str | None) -> bool:
    """Whether a module's ``__file__`` is a compiled extension."""
    return bool(module_file) and str(module_file).endswith(".so")


if __name__ == "__main__":
    print(ensure_compiled())
