"""Optional compiled build of ``qvcp.reference`` (all metadata lives in pyproject.toml).

A normal install (``pip install .`` or ``pip install -e .``) is pure Python: this file then
calls ``setup()`` with no arguments. With ``QVCP_COMPILE=1`` in the environment every module
of ``qvcp.reference`` (``reference/**/*.py`` except the ``__init__.py`` files) is compiled
with Cython, unchanged, into an extension module installed beside its ``.py`` (Python imports
the extension first). The dataclasses listed in ``tools/cython_decls.py`` (network, world,
node, resources: built once, read on every event) become extension classes, their attributes
declared from their own fields by ``.pxd`` files the build writes under ``build/``. Cython
must be installed in the build environment, hence::

    pip install cython
    QVCP_COMPILE=1 pip install --no-build-isolation .

``bench/compiled.py`` builds such an install in ``.bench/venv-qvcp-compiled`` for the
benchmarks' ``--compiled`` option.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from setuptools import Extension, setup

HERE = Path(__file__).resolve().parent


def reference_extensions() -> list[Extension]:
    """One extension per module of ``reference/`` (package ``qvcp.reference``)."""
    exts = []
    for path in sorted((HERE / "reference").rglob("*.py")):
        if path.name == "__init__.py":
            continue
        rel = path.relative_to(HERE)  # reference/sim/network.py
        name = "qvcp." + ".".join(rel.with_suffix("").parts)  # qvcp.reference.sim.network
        exts.append(Extension(name, [rel.as_posix()]))
    return exts


if os.environ.get("QVCP_COMPILE") == "1":
    try:
        from Cython.Build import cythonize
    except ImportError:
        sys.exit("QVCP_COMPILE=1 needs Cython installed in the build environment "
                 "(pip install cython; then pip install --no-build-isolation)")
    sys.path.insert(0, str(HERE / "tools"))
    from cython_decls import write_all

    jobs = os.cpu_count() or 1
    # the generated C files and declarations go under build/, not beside the sources
    include = Path("build") / "cython-decls"
    write_all(HERE, include)
    setup(
        ext_modules=cythonize(
            reference_extensions(),
            build_dir=str(Path("build") / "cython"),
            include_path=[str(include)],
            language_level=3,
            compiler_directives={"binding": True},
            nthreads=jobs,
            quiet=True,
        ),
        # compile the C files in parallel too (setuptools' build_ext --parallel)
        options={"build_ext": {"parallel": jobs}},
    )
else:
    setup()
