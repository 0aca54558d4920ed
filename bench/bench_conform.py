"""Wall time of ``qvcp conform`` against the reference, per profile and in total.

Run: ``.venv/bin/python bench/bench_conform.py`` (target: the default run under 60 s on 2 cores).
"""

from __future__ import annotations

import time

from qvcp.conformance.conform import run_conformance
from qvcp.conformance.runner import exit_code


def main() -> None:
    for profiles in (["wire"], ["network"], []):
        start = time.perf_counter()
        run = run_conformance("reference", profiles=profiles)
        took = time.perf_counter() - start
        label = ",".join(profiles) or "all"
        print(f"{label:8} {len(run.results):4} cases {took:6.2f} s exit {exit_code(run)}")


if __name__ == "__main__":
    main()
