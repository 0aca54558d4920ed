"""``qvcp conform -n N``: the cases of one run split over N worker processes.

Each worker process runs :func:`~qvcp.conformance.conform.run_conformance` on its shard of
the plan, exactly as a serial run would on those cases: its own driver (for an ``exec:``
driver, its own implementation process), its own session and handshake, its own pytest
session for the Gherkin scenarios. A case's verdict depends on the case and the run seed
only (:func:`~qvcp.conformance.cases.case_seed`), so the verdicts are the serial run's; the
results are merged back into the serial run's order (the plan's non-Gherkin cases, then its
Gherkin scenarios), so the report is the serial run's too, timings aside.

Shards are balanced by expected cost: the case durations of a previous report when given
(``qvcp conform`` reads them from its ``--report`` directory), else a rough weight per kind
of case, assigned longest first to the least loaded worker.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import json
import multiprocessing
import os
import pickle
import queue as queue_module
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from qvcp.conformance.cases import Case, Verdict
from qvcp.conformance.runner import CaseResult, RunResult

__all__ = ["available_cores", "parse_workers", "run_parallel", "serial_order", "shards"]

#: rough seconds per case when no earlier report says better (network cases simulate a
#: whole network; the others exchange a few messages)
_WEIGHT = {"network": 0.8, "node": 0.012, "wire": 0.002}
_POLL_S = 0.5


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def parse_workers(text: str) -> int:
    """``"auto"`` (every available core) or a whole number of at least 1.

    Raises:
        ValueError: anything else.
    """
    if text.strip().lower() == "auto":
        return available_cores()
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{text!r} is neither a whole number nor 'auto'") from None
    if value < 1:
        raise ValueError(f"{value} is below 1")
    return value


def serial_order(cases: Sequence[Case]) -> list[Case]:
    """The order a serial run reports ``cases`` in: the plan's cases that are not Gherkin
    scenarios, then its scenarios (run together in one pytest session)."""
    return ([c for c in cases if "bdd" not in c.tags]
            + [c for c in cases if "bdd" in c.tags])


def shards(cases: Sequence[Case], workers: int,
           durations: Mapping[str, float] | None = None) -> list[list[Case]]:
    """``cases`` split into ``workers`` shards of similar expected cost, each in plan order.

    The cost of a case is its duration in ``durations`` (an earlier run's), else the weight
    of its profile; the costliest case goes first to the least loaded shard.
    """
    durations = durations or {}
    cost = {c.id: durations.get(c.id, _WEIGHT.get(c.profile, 0.01)) for c in cases}
    order = {c.id: i for i, c in enumerate(cases)}
    load = [(0.0, k) for k in range(workers)]
    out: list[list[Case]] = [[] for _ in range(workers)]
    for case in sorted(cases, key=lambda c: (-cost[c.id], order[c.id])):
        total, k = heapq.heappop(load)
        out[k].append(case)
        heapq.heappush(load, (total + cost[case.id], k))
    return [sorted(s, key=lambda c: order[c.id]) for s in out if s]


def durations_of(report: Path) -> dict[str, float]:
    """Case id -> duration in seconds from a report.json (empty when it is unreadable)."""
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        return {c["id"]: float(c["duration_s"]) for c in data["cases"]}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return {}


def _packed(result: CaseResult) -> bytes:
    """``result`` pickled without its case (whose ``run`` may be a closure): the case id."""
    fields = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
    fields["case"] = result.case.id
    try:
        return pickle.dumps(fields)
    except Exception:  # evidence holding an unpicklable object: keep what a report shows
        fields["evidence"] = json.loads(json.dumps(fields["evidence"], default=repr))
        return pickle.dumps(fields)


def _worker(index: int, ids: list[str], options: dict[str, Any], out: Any) -> None:
    """Run the cases ``ids`` in this process; report each result, then the run's ending."""
    try:
        from qvcp.conformance.conform import run_conformance

        run = run_conformance(**options, only=set(ids),
                              on_result=lambda r: out.put(("result", index, _packed(r))))
        ending = {"implementation": run.implementation, "startup_error": run.startup_error,
                  "startup_evidence": json.loads(json.dumps(run.startup_evidence,
                                                            default=repr)),
                  "stopped_by": run.stopped_by, "stopped": run.stopped,
                  "not_run": run.not_run}
        out.put(("done", index, pickle.dumps(ending)))
    except BaseException as exc:  # reported to the parent, which errors the shard's rest
        out.put(("crashed", index, pickle.dumps(f"{type(exc).__name__}: {exc}")))


def _start_method() -> str:
    """``fork`` when this process runs one thread (the workers start warm: imports and the
    case catalogue done), else ``spawn`` (forking a threaded process can deadlock)."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _lost(case: Case, why: str) -> CaseResult:
    return CaseResult(case=case, verdict=Verdict.ERRORED, harness_error=True,
                      message=f"harness error: worker process failed: {why}")


def run_parallel(cases: Sequence[Case], workers: int, *, driver: str,
                 selectors: Sequence[str], profiles: Sequence[str], keyword: str,
                 only: Collection[str] | None, seed: int, expected_file: Path | None,
                 timeout: float, today: dt.date, strict: bool, deadline: float | None,
                 durations: Mapping[str, float] | None = None,
                 on_start: Callable[[int], None] | None = None,
                 on_result: Callable[[CaseResult], None] | None = None) -> RunResult:
    """Run the planned ``cases`` on ``workers`` processes; the serial run's result, merged.

    Raises:
        ExpectedFailureFileError: the expected-failures file is unusable.
    """
    from qvcp.conformance.conform import deadline_note, finish, new_run
    from qvcp.conformance.expected import load_expected_failures

    expected = load_expected_failures(expected_file) if expected_file else []
    result, clock = new_run(driver, seed, selectors=selectors, keyword=keyword, only=only,
                            profiles=profiles, strict=strict, expected=expected, today=today)
    by_id = {c.id: c for c in cases}
    position = {c.id: i for i, c in enumerate(serial_order(cases))}
    parts = shards(cases, workers, durations)
    options = {"driver": driver, "selectors": list(selectors), "profiles": list(profiles),
               "keyword": keyword, "seed": seed, "expected_file": expected_file,
               "timeout": timeout, "today": today, "strict": strict,
               # the workers' deadline counts from this run's start, as a serial run's does
               "deadline": None if deadline is None
               else max(deadline - (time.perf_counter() - clock), 1e-9)}
    context = multiprocessing.get_context(_start_method())
    out = context.Queue()
    procs = [context.Process(target=_worker, args=(k, [c.id for c in part], options, out),
                             name=f"qvcp-conform-{k}") for k, part in enumerate(parts)]
    if on_start is not None:
        on_start(len(cases))
    endings: dict[int, dict[str, Any]] = {}
    seen: dict[int, set[str]] = {k: set() for k in range(len(parts))}
    gone: dict[int, int] = {}
    try:
        for proc in procs:
            proc.start()
        while len(endings) < len(procs):
            try:
                kind, k, payload = out.get(timeout=_POLL_S)
            except queue_module.Empty:
                for k, proc in enumerate(procs):  # dead without a word: after one more poll
                    if k not in endings and proc.exitcode is not None:
                        gone[k] = gone.get(k, 0) + 1
                        if gone[k] > 2:
                            endings[k] = {"crashed": f"exit status {proc.exitcode}"}
                continue
            data = pickle.loads(payload)
            if kind == "result":
                one = CaseResult(**{**data, "case": by_id[data["case"]]})
                result.results.append(one)
                seen[k].add(one.case.id)
                if on_result is not None:
                    on_result(one)
            else:
                endings[k] = data if kind == "done" else {"crashed": data}
    finally:
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
                proc.join()
        out.close()
    for k, ending in sorted(endings.items()):
        if "crashed" in ending:
            for case in parts[k]:
                if case.id not in seen[k]:
                    result.results.append(_lost(case, ending["crashed"]))
            continue
        result.implementation = result.implementation or ending["implementation"]
        if ending["startup_error"] and not result.startup_error:
            result.startup_error = ending["startup_error"]
            result.startup_evidence = ending["startup_evidence"]
        if ending["stopped_by"] and not result.stopped_by:
            result.stopped_by, result.stopped = ending["stopped_by"], ending["stopped"]
            if result.stopped_by == "deadline":  # the user's deadline, not a worker's rest
                result.stopped = deadline_note(deadline)
        result.not_run.extend(ending["not_run"])
    if result.startup_error:  # as a serial run: no case is judged when a start fails
        result.results, result.not_run = [], []
    result.results.sort(key=lambda r: position[r.case.id])
    result.not_run.sort(key=position.__getitem__)
    return finish(result, expected, today, clock)
