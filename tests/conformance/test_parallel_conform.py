"""``qvcp conform -n N``: the cases split over worker processes give the serial run's
verdicts and report, in the serial run's order; a worker that dies errors its cases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from click.testing import CliRunner
from conformance_helpers import NODE_EXAMPLE, needs_node

from qvcp.conformance import runner
from qvcp.conformance.cases import Verdict
from qvcp.conformance.cli import conform
from qvcp.conformance.conform import plan, run_conformance
from qvcp.conformance.parallel import parse_workers, serial_order, shards
from qvcp.conformance.report import build_report
from qvcp.conformance.runner import RunResult

# the wire profile and the node profile's link-layer scenarios and lifecycle property
SUBSET = ("wire", "node.bdd.03-link-layer.*", "node.prop.*")
_TIMED = {"duration_s", "started", "finished"}


def _untimed(value: Any) -> Any:
    """``value`` without its wall-clock fields (durations and timestamps)."""
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if k not in _TIMED}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    return value


def _rows(run: RunResult) -> list[tuple]:
    return [(r.case.id, r.verdict, r.message, r.evidence, r.seed, r.replay, r.interval,
             r.harness_error) for r in run.results]


@pytest.fixture(scope="module")
def serial() -> RunResult:
    return run_conformance("reference", selectors=SUBSET)


def test_two_workers_give_the_serial_verdicts_and_report(serial: RunResult) -> None:
    seen: list[str] = []
    parallel = run_conformance("reference", selectors=SUBSET, workers=2,
                               on_result=lambda r: seen.append(r.case.id))
    cases = plan(selectors=SUBSET)
    assert len(serial.results) == len(cases) > 400
    assert {r.verdict for r in serial.results} == {Verdict.PASS}
    assert _rows(parallel) == _rows(serial)
    # the order is the serial run's: plain cases in plan order, then the Gherkin scenarios
    assert [r.case.id for r in parallel.results] == [c.id for c in serial_order(cases)]
    assert any("bdd" in c.tags for c in cases) and sorted(seen) == sorted(c.id for c in cases)
    one, two = (_untimed(build_report(run, command="qvcp conform")) for run in (serial,
                                                                                 parallel))
    assert one == two


@needs_node
def test_an_exec_implementation_runs_once_per_worker() -> None:
    serial = run_conformance(NODE_EXAMPLE, profiles=("wire",))
    parallel = run_conformance(NODE_EXAMPLE, profiles=("wire",), workers=2)
    assert not serial.startup_error and serial.results
    assert _rows(parallel) == _rows(serial)
    assert parallel.implementation == serial.implementation


def test_a_driver_that_cannot_start_is_a_startup_error_as_in_a_serial_run() -> None:
    driver = "exec:./no-such-implementation-here"
    serial = run_conformance(driver, profiles=("wire",))
    parallel = run_conformance(driver, profiles=("wire",), workers=2)
    assert serial.startup_error and parallel.startup_error == serial.startup_error
    assert parallel.results == [] and runner.exit_code(parallel) == 2


# Run in a fresh, single-threaded interpreter, whose workers start by fork and so inherit the
# patch: the worker that reaches the victim case dies without a word.
_DYING_WORKER = """
import json, os
from qvcp.conformance import runner
from qvcp.conformance.conform import run_conformance

original = runner.CaseRunner.run_one

def run_one(self, case):
    if case.id == "wire.vector.ack-valid-1":
        os._exit(3)
    return original(self, case)

runner.CaseRunner.run_one = run_one
run = run_conformance("reference", profiles=("wire",), workers=2)
print(json.dumps({"exit": runner.exit_code(run), "results": [
    [r.case.id, r.verdict.value, r.message, r.harness_error] for r in run.results]}))
"""


def test_a_worker_that_dies_errors_the_cases_it_had_left() -> None:
    victim = "wire.vector.ack-valid-1"
    cases = plan(profiles=("wire",))
    assert victim in {c.id for c in cases}
    done = subprocess.run([sys.executable, "-c", _DYING_WORKER], capture_output=True,
                          text=True, timeout=300, check=True)
    run = json.loads(done.stdout.strip().splitlines()[-1])
    by_id = {cid: (verdict, message, harness) for cid, verdict, message, harness
             in run["results"]}
    assert sorted(by_id) == sorted(c.id for c in cases)
    verdict, message, harness = by_id[victim]
    assert verdict == "errored" and harness
    assert "worker process failed: exit status 3" in message
    assert run["exit"] == 2
    # the other worker's cases were judged as usual
    assert sum(v == "pass" for v, _, _ in by_id.values()) >= len(cases) // 3


def test_the_deadline_counts_from_the_run_start_and_is_reported_as_given() -> None:
    cases = plan(profiles=("wire",))
    run = run_conformance("reference", profiles=("wire",), workers=2, deadline=0.1)
    assert run.stopped_by == "deadline"
    assert run.stopped == "deadline reached: --deadline 0.1 s"
    assert run.not_run and len(run.results) + len(run.not_run) == len(cases)
    order = [c.id for c in serial_order(cases)]
    assert run.not_run == sorted(run.not_run, key=order.index)
    assert runner.exit_code(run) == 2


def test_shards_cover_every_case_once_balanced_by_cost() -> None:
    cases = plan(profiles=("wire", "network"))
    parts = shards(cases, 3)
    assert sorted(c.id for part in parts for c in part) == sorted(c.id for c in cases)
    index = {c.id: i for i, c in enumerate(cases)}
    assert all([index[c.id] for c in p] == sorted(index[c.id] for c in p) for p in parts)
    network = [sum(c.profile == "network" for c in p) for p in parts]
    assert max(network) - min(network) <= 1
    # durations of an earlier run override the weights: one slow case gets a shard alone
    slow = cases[0].id
    parts = shards(cases, 2, {slow: 1e6})
    assert [c.id for c in parts[0]] == [slow] or [c.id for c in parts[1]] == [slow]


def test_workers_parse_auto_and_whole_numbers() -> None:
    assert parse_workers("auto") == len(os.sched_getaffinity(0))
    assert parse_workers("3") == 3
    for bad in ("0", "-2", "two", "1.5", ""):
        with pytest.raises(ValueError):
            parse_workers(bad)


@pytest.mark.parametrize("value", ["0", "many", "-1"])
def test_a_bad_n_is_a_usage_error_naming_it(tmp_path: Any, value: str) -> None:
    res = CliRunner().invoke(conform, ["-n", value, "--profile", "wire", "--report",
                                       str(tmp_path)])
    assert res.exit_code == 2, res.output
    assert "'-n'" in res.output and "Traceback" not in res.output
    assert isinstance(res.exception, SystemExit)
