"""Cost of authentication: `python bench/bench_auth.py [--repeat N]`.

Runs the example scenarios chain-3 and chain-9 without authentication (their ``options.auth``
removed; the files themselves are authenticated, ``all-pairs``) and with every message
authenticated (scenario ``options.auth``, spec chapter 08): ``links`` (a key for every two
neighbours and each node and its stations, keyed peers must authenticate) and ``all-pairs``
(also every two nodes, tracking messages signed end to end, authentication required from every
node). Prints delivered pairs per wall-clock second of each, fastest of ``--repeat`` runs, and
the ratio to the unauthenticated run of the same scenario in the same process (the baseline).
The three runs of a scenario deliver the same pairs: authentication changes what is computed
per message, not what happens.
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path
from typing import Any

from qvcp.reference.sim.network import Network
from qvcp.reference.sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
MODES: dict[str, dict[str, Any] | None] = {
    "none": None,
    "links": {"keys": "links", "required": True},
    "all-pairs": {"keys": "all-pairs", "required": "all"},
}


def run(doc: dict[str, Any], repeat: int) -> tuple[int, int, float]:
    """(pairs delivered, messages, fastest wall seconds) of ``repeat`` identical runs."""
    best = None
    for _ in range(max(1, repeat)):
        net = Network.from_scenario(doc)
        t = time.perf_counter()
        net.run_until(doc["duration_ns"])
        wall = time.perf_counter() - t
        best = wall if best is None else min(best, wall)
    assert best is not None
    return len(net.completed()), net.messages, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'scenario':<10}{'auth':<11}{'pairs':>7}{'messages':>10}{'wall s':>9}"
          f"{'pairs/s':>10}{'ratio':>8}")
    for name in ("chain-3", "chain-9"):
        base = load_scenario(ROOT / "schemas" / "scenarios" / f"{name}.yaml")
        baseline = None
        for mode, auth in MODES.items():
            doc = copy.deepcopy(base)
            doc.setdefault("options", {}).pop("auth", None)
            if auth is not None:
                doc["options"]["auth"] = auth
            pairs, messages, wall = run(doc, args.repeat)
            rate = pairs / wall
            baseline = baseline or rate
            print(f"{name:<10}{mode:<11}{pairs:>7}{messages:>10}{wall:>9.3f}{rate:>10.1f}"
                  f"{rate / baseline:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
