"""The optional compiled build of the reference simulates exactly as the pure-Python sources.

``bench/compiled.py`` builds it for the benchmarks' ``--compiled`` option: every module of
``qvcp.reference`` compiled by Cython (``setup.py`` with ``QVCP_COMPILE=1``), with the C
compiler's profile-guided optimisation, in ``.bench/venv-qvcp-compiled``. The benchmarks
compare its speed with the sources'; that comparison means something only while both run
the same simulation, which this test checks on every example scenario: the ``qvcp simulate
--json`` summaries agree in everything but the wall-clock figures. The first run builds the
venv (about 3 minutes on 2 cores; Cython and the project's dependencies come from PyPI, the
compiler is the machine's C compiler); later runs reuse it while the sources are unchanged.
It is outside the default test run (marker ``compiled``): ``bash scripts/test-compiled.sh``
runs it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from compiled import ensure_compiled, is_compiled, node_file, outside_env  # noqa: E402

SCENARIOS = sorted((ROOT / "schemas" / "scenarios").glob("*.yaml"))
WALL_CLOCK = ("wall_time_s", "events_per_s")


def _summary(python: Path, scenario: Path) -> dict[str, Any]:
    """``qvcp simulate --json`` of the venv of ``python``, without the wall-clock figures."""
    out = subprocess.run([str(python.parent / "qvcp"), "simulate", str(scenario), "--json"],
                         capture_output=True, text=True, env=outside_env(),
                         cwd=tempfile.gettempdir())
    assert out.returncode == 0, f"{python}: qvcp simulate {scenario.name}:\n{out.stderr}"
    summary: dict[str, Any] = json.loads(out.stdout)
    for key in WALL_CLOCK:
        summary.pop(key)
    return summary


@pytest.mark.compiled
def test_compiled_build_runs_every_example_as_the_sources_do() -> None:
    compiled = ensure_compiled()
    node = node_file(compiled)
    assert is_compiled(node), node
    assert SCENARIOS
    for scenario in SCENARIOS:
        pure = _summary(Path(sys.executable), scenario)
        assert pure["pairs_delivered"] > 0, scenario.name
        assert _summary(compiled, scenario) == pure, scenario.name
