"""Mutation testing of the reference with an established tool: how much of what the suite
does not check by hand does it still catch?

Cosmic Ray (``pip install -e ".[mutation]"``) enumerates every mutation its operators make
in ``reference/`` (comparison and arithmetic operators swapped, constants changed, conditions
negated, ``break``/``continue`` exchanged, ...). This command draws a seeded sample of them
and lets Cosmic Ray run ``qvcp conform --strict`` (the whole suite against the reference, which
then imports the mutated module) as the test command for each: a mutant is *killed* when the
run is not CONFORMANT (with ``--strict`` a failed SHOULD-level case counts too). Survivors
are printed with their diff: each is either equivalent (no observable change of protocol
behaviour) or a hole that needs a case.

Cosmic Ray applies each mutation to the file on disk and restores it afterwards, so run this
on a clean checkout with nothing else using it; the command refuses to start when
``reference/`` has uncommitted changes and checks afterwards that it has none.

    python bench/bench_mutation.py --sample 100 --seed 1 [--all] [--out reports/mutation.json]

Prints the kill rate over the sample and the survivors, and writes the same as JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Never mutated: the hand-written mutants and the command lines. Outside the protocol scope
# (the default): the noise core and the simulator, whose physics the unit tests check
# against closed forms and QuTiP; `--all` includes them.
EXCLUDED = ["reference/mutants/*", "reference/cli.py", "reference/soak_cli.py"]
PHYSICS = ["reference/noise/*", "reference/sim/*"]


def _git_clean() -> bool:
    out = subprocess.run(["git", "status", "--porcelain", "--", "reference"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return not out.stdout.strip()


def _config(qvcp: Path, report_dir: Path, timeout: float, excluded_paths: list[str]) -> str:
    excluded = ", ".join(f'"{p}"' for p in excluded_paths)
    # --strict: a mutant that breaks a SHOULD is caught when a case fails, as a MUST's is
    command = f"{qvcp} conform -q --strict --report {report_dir}"
    return (f'[cosmic-ray]\nmodule-path = "reference"\ntimeout = {timeout}\n'
            f"excluded-modules = [{excluded}]\ntest-command = \"{command}\"\n\n"
            '[cosmic-ray.distributor]\nname = "local"\n')


def _sample(session: Path, size: int, seed: int) -> int:
    """Mark all but a seeded sample of ``size`` work items as skipped; return the total."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    with use_db(str(session), WorkDB.Mode.open) as db:
        items = sorted(db.pending_work_items, key=lambda item: item.job_id)
        keep = set(random.Random(seed).sample(range(len(items)), min(size, len(items))))
        skipped = [item.job_id for i, item in enumerate(items) if i not in keep]
        if skipped:
            db.set_multiple_results(skipped, WorkResult(worker_outcome=WorkerOutcome.SKIPPED,
                                                        output="not in the sample"))
        return len(items)


def _results(session: Path) -> list[dict[str, object]]:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome

    out = []
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            spec = item.mutations[0]
            out.append({"job": item.job_id, "module": str(spec.module_path),
                        "line": spec.start_pos[0], "operator": spec.operator_name,
                        "outcome": str(result.test_outcome.value if result.test_outcome
                                       else result.worker_outcome.value),
                        "diff": result.diff or ""})
    return sorted(out, key=lambda r: (str(r["module"]), int(str(r["line"]))))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=100, help="mutants to run")
    parser.add_argument("--seed", type=int, default=1, help="seed of the sample")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "mutation.json")
    parser.add_argument("--all", action="store_true",
                        help="also mutate the noise core and the simulator")
    args = parser.parse_args()
    cosmic = shutil.which("cosmic-ray", path=str(Path(sys.executable).parent))
    qvcp = Path(sys.executable).parent / "qvcp"
    if cosmic is None or not qvcp.exists():
        print('needs cosmic-ray and qvcp in this interpreter\'s environment: '
              'pip install -e ".[mutation]"', file=sys.stderr)
        return 2
    if not _git_clean():
        print("reference/ has uncommitted changes: Cosmic Ray mutates files in place, so "
              "commit or stash them first", file=sys.stderr)
        return 2
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="qvcp-mutation-") as tmp:
        cfg, session = Path(tmp) / "cosmic-ray.toml", Path(tmp) / "session.sqlite"
        excluded = EXCLUDED if args.all else EXCLUDED + PHYSICS
        cfg.write_text(_config(qvcp, Path(tmp) / "report", args.timeout, excluded),
                       encoding="utf-8")
        subprocess.run([cosmic, "init", str(cfg), str(session)], cwd=ROOT, check=True)
        total = _sample(session, args.sample, args.seed)
        scope = "reference/" if args.all else "reference/ (protocol modules)"
        print(f"{total} mutations enumerated in {scope}; running a sample of "
              f"{min(args.sample, total)} (seed {args.seed})", flush=True)
        subprocess.run([cosmic, "exec", str(cfg), str(session)], cwd=ROOT, check=True)
        results = _results(session)
    if not _git_clean():
        print("reference/ was left changed by the run: inspect `git diff reference/`",
              file=sys.stderr)
        return 2
    counts = Counter(str(r["outcome"]) for r in results)
    judged = counts["killed"] + counts["survived"]
    rate = counts["killed"] / judged if judged else 0.0
    print(f"{len(results)} run in {time.perf_counter() - started:.0f} s: "
          + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
          + f"; kill rate {rate:.1%} of {judged} (incompetent mutants excluded)")
    for r in results:
        if r["outcome"] == "survived":
            print(f"\nsurvived: {r['module']}:{r['line']} {r['operator']}")
            diff = [line for line in str(r["diff"]).splitlines()
                    if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
            print("  " + "\n  ".join(diff[:6]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"seed": args.seed, "sample": args.sample, "all": args.all,
                                    "enumerated": total, "counts": dict(counts),
                                    "kill_rate": rate, "results": results}, indent=1) + "\n",
                        encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
