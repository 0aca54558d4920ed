"""Run the SeQUeNCe probe (``shared/peers/seq_chain.py``) counting its link attempts.

Run by the python of SeQUeNCe's venv: ``python sequence_counts.py PROBE ARGS...``. Wraps
SeQUeNCe 0.8.5's Barrett-Kok entanglement generation (``_entanglement_succeed`` of
``BarretKokA`` and ``_entanglement_fail`` of ``EntanglementGenerationA``; each node of a link
reports each attempt) to count successful and failed attempts, runs the probe unchanged and
prints ``link attempts: S succeeded of T`` after its report. The wrappers add two calls per
attempt, a few milliseconds over a run of seconds.
"""

from __future__ import annotations

import runpy
import sys
from typing import Any

from sequence.entanglement_management.generation.barret_kok import BarretKokA
from sequence.entanglement_management.generation.generation_base import EntanglementGenerationA

COUNTS = {"succeed": 0, "fail": 0}


def _counting(cls: type, name: str, key: str) -> None:
    original = getattr(cls, name)

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        COUNTS[key] += 1
        return original(self, *args, **kwargs)

    setattr(cls, name, wrapper)


def main() -> None:
    _counting(BarretKokA, "_entanglement_succeed", "succeed")
    _counting(EntanglementGenerationA, "_entanglement_fail", "fail")
    probe = sys.argv[1]
    sys.argv = [probe, *sys.argv[2:]]
    try:
        runpy.run_path(probe, run_name="__main__")
    finally:
        total = COUNTS["succeed"] + COUNTS["fail"]
        print(f"link attempts: {COUNTS['succeed']} succeeded of {total}")


if __name__ == "__main__":
    main()
