"""Proven coverage: run faulty implementations and check the suite catches each one.

A *mutant* is an implementation that violates exactly one requirement. Two kinds are
registered:

* ``mutant:ID``: a source patch of an implementation's modules, declared by the
  implementation through the ``qvcp.mutants`` entry point (the reference declares its own in
  ``reference/mutants/*.yaml``);
* ``faulty:NAME``: a wrapper around the reference driver that rewrites one verb's answers
  (:mod:`.drivers.faulty`), for faults of the wire layer, which the harness shares.

A mutant is *caught* when a run of the cases citing its requirement, and nothing else, gives
at least one ``fail`` (``errored`` for the one registered crash, whose answer is no answer).
Each mutant runs in a forked process of its own (a patched module is never unloaded),
``jobs`` at a time, with a time limit. ``proof.json`` (package data, written
by ``qvcp mutants run --write``) records which requirements a caught mutant proves; reports
and the docs read it, and a test re-runs every mutant and compares.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from importlib.metadata import entry_points
from importlib.resources import files
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "MUTANT_ENTRY_POINT",
    "PROOF_KINDS",
    "MutantResult",
    "MutantSpec",
    "exemptions",
    "load_proof",
    "mutant_driver",
    "proof_document",
    "proof_statuses",
    "registered_mutants",
    "run_mutants",
    "write_proof",
]

Json = dict[str, Any]
MUTANT_ENTRY_POINT = "qvcp.mutants"
PROOF_FILE = "proof.json"
EXEMPTIONS_FILE = "exemptions.yaml"
PROOF_KINDS = ("proven", "tagged-only", "untestable", "excepted", "untested")


@dataclass(frozen=True)
class MutantSpec:
    """A registered faulty implementation: the driver spec that runs it, and what it breaks."""

    driver: str  # "mutant:ID" or "faulty:NAME"
    requirement: str
    why: str
    verdict: str = "fail"  # what catching it means: a case fails (or, for a crash, errors)


@dataclass
class MutantResult:
    """What the cases citing the requirement concluded against one mutant."""

    driver: str
    requirement: str
    caught: bool
    failed_cases: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    message: str = ""  # why the run could not judge it (stale patch, start-up error, time-out)
    duration_s: float = 0.0


def _source(name: str = "reference") -> Any:
    found = [ep for ep in entry_points(group=MUTANT_ENTRY_POINT) if ep.name == name]
    if not found:
        raise LookupError(f"no mutant source {name!r} in entry-point group {MUTANT_ENTRY_POINT}")
    return found[0].load()


def mutant_driver(mutant_id: str) -> Callable[[], Any]:
    """The driver factory of ``mutant:ID`` (activates the patch in this process)."""
    return _source().driver_factory(mutant_id)  # type: ignore[no-any-return]


def registered_mutants() -> list[MutantSpec]:
    """Every registered mutant: the source patches first, then the driver-level faults."""
    from qvcp.conformance.drivers.faulty import FAULTS

    out = [MutantSpec(f"mutant:{m['id']}", m["requirement"], m["why"])
           for m in _source().registry()]
    out += [MutantSpec(f"faulty:{name}", fault.requirement, fault.why, fault.verdict)
            for name, fault in FAULTS.items()]
    return out


def judge_mutant(spec: MutantSpec, *, timeout: float = 10.0) -> MutantResult:
    """Run the cases citing ``spec.requirement`` against the mutant (in this process)."""
    from qvcp.conformance.conform import run_conformance

    started = time.perf_counter()
    run = run_conformance(spec.driver, selectors=[spec.requirement], timeout=timeout)
    failed = sorted(r.case.id for r in run.results
                    if r.verdict.value == spec.verdict and not r.harness_error)
    result = MutantResult(spec.driver, spec.requirement, caught=bool(failed),
                          failed_cases=failed, counts=run.counts(),
                          duration_s=round(time.perf_counter() - started, 3))
    if run.startup_error:
        result.message = run.startup_error
    elif not run.results:
        result.message = f"no case cites {spec.requirement}"
    return result


def _warm() -> None:
    """Import and parse in the parent what every child needs (the case catalogue, the step
    modules), so that each forked child starts with it; the reference itself is left out."""
    import importlib

    from qvcp.conformance.bdd import STEP_PLUGINS
    from qvcp.conformance.catalogue import all_cases

    all_cases()
    for name in STEP_PLUGINS:
        importlib.import_module(name)


def _child(spec: MutantSpec, conn: Connection) -> None:
    try:
        result = judge_mutant(spec)
    except BaseException as exc:  # a broken mutant must not take the parent down
        result = MutantResult(spec.driver, spec.requirement, caught=False,
                              message=f"{type(exc).__name__}: {exc}")
    conn.send(asdict(result))
    conn.close()


def run_mutants(specs: Sequence[MutantSpec], *, jobs: int | None = None,
                time_limit: float = 300.0,
                on_result: Callable[[MutantResult], None] | None = None) -> list[MutantResult]:
    """Judge every mutant, each in a forked child, ``jobs`` (default: all cores) at a time.

    Results come back in the order of ``specs``. A child past ``time_limit`` seconds is
    killed and its mutant counts as not caught, with the reason.
    """
    jobs = max(1, jobs or os.cpu_count() or 1)
    _warm()
    ctx = multiprocessing.get_context("fork")
    pending = list(enumerate(specs))
    running: dict[Connection, tuple[int, MutantSpec, Any, float]] = {}
    results: dict[int, MutantResult] = {}

    def finish(index: int, result: MutantResult) -> None:
        results[index] = result
        if on_result is not None:
            on_result(result)

    while pending or running:
        while pending and len(running) < jobs:
            index, spec = pending.pop(0)
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(spec, child), daemon=True)
            proc.start()
            child.close()
            running[parent] = (index, spec, proc, time.monotonic())
        for conn in wait(list(running), timeout=1.0):
            index, spec, proc, _ = running.pop(conn)  # type: ignore[index]
            try:
                result = MutantResult(**conn.recv())
            except EOFError:
                result = MutantResult(spec.driver, spec.requirement, caught=False,
                                      message=f"the child died (exit code {proc.exitcode})")
            proc.join()
            finish(index, result)
        now = time.monotonic()
        for conn, (index, spec, proc, since) in list(running.items()):
            if now - since > time_limit:
                proc.kill()
                proc.join()
                del running[conn]
                finish(index, MutantResult(spec.driver, spec.requirement, caught=False,
                                           message=f"no verdict within {time_limit:.0f} s"))
    return [results[i] for i in range(len(specs))]


# --- the proof file and requirement statuses ---------------------------------------------------

def exemptions() -> dict[str, Json]:
    """Requirements declared untestable or excepted, with reasons (``exemptions.yaml``)."""
    text = files("qvcp.conformance").joinpath(EXEMPTIONS_FILE).read_text(encoding="utf-8")
    out: dict[str, Json] = {}
    for entry in yaml.safe_load(text) or []:
        if entry.get("status") not in ("untestable", "excepted") or not entry.get("why"):
            raise ValueError(f"{EXEMPTIONS_FILE}: {entry!r} needs status untestable|excepted "
                             "and a why")
        out[entry["requirement"]] = {"status": entry["status"], "why": entry["why"]}
    return out


def proof_document(results: Iterable[MutantResult]) -> Json:
    """The content of ``proof.json``: per requirement, the mutants that prove it caught."""
    requirements: dict[str, Json] = {}
    mutants = []
    for r in sorted(results, key=lambda r: (r.requirement, r.driver)):
        mutants.append({"driver": r.driver, "requirement": r.requirement, "caught": r.caught,
                        "caught_by": r.failed_cases, "message": r.message})
        if r.caught:
            entry = requirements.setdefault(r.requirement, {"mutants": [], "caught_by": []})
            entry["mutants"].append(r.driver)
            entry["caught_by"] = sorted(set(entry["caught_by"]) | set(r.failed_cases))
    return {"description": "Requirements whose cases caught a faulty implementation that "
                           "violates them; written by `qvcp mutants run --write`.",
            "requirements": requirements, "mutants": mutants}


def load_proof() -> Json:
    """``proof.json`` as shipped (empty when absent)."""
    try:
        text = files("qvcp.conformance").joinpath(PROOF_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return {"requirements": {}, "mutants": []}
    return dict(json.loads(text))


def proof_path() -> Path:
    """Where ``proof.json`` lives in a source checkout."""
    return Path(str(files("qvcp.conformance"))) / PROOF_FILE


def write_proof(results: Iterable[MutantResult], path: Path | None = None) -> Path:
    """Write the proof document of ``results`` (to ``proof.json`` by default); its path."""
    path = path or proof_path()
    path.write_text(json.dumps(proof_document(results), indent=2) + "\n", encoding="utf-8")
    return path


def proof_statuses(ids: Iterable[str]) -> dict[str, tuple[str, str, frozenset[str]]]:
    """``{id: (status, reason, catching cases)}`` for requirements ``ids``, from
    ``proof.json``, ``exemptions.yaml`` and the cases that cite each; the status is one of
    :data:`PROOF_KINDS` (untested: no case cites it)."""
    from qvcp.conformance.catalogue import all_cases

    cited = {rid for case in all_cases() for rid in case.requirements}
    proven, exempt = load_proof().get("requirements", {}), exemptions()
    out: dict[str, tuple[str, str, frozenset[str]]] = {}
    for rid in ids:
        if rid in proven:
            entry = proven[rid]
            out[rid] = ("proven", f"caught {', '.join(entry['mutants'])}",
                        frozenset(entry["caught_by"]))
        elif rid in exempt:
            out[rid] = (exempt[rid]["status"], exempt[rid]["why"], frozenset())
        elif rid in cited:
            out[rid] = ("tagged-only", "no registered faulty implementation is caught",
                        frozenset())
        else:
            out[rid] = ("untested", "", frozenset())
    return out
