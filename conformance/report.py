"""The JSON report: one document per run, checked against ``meta/report.schema.json``.

The JUnit, Markdown and HTML renderings (:mod:`.report_junit`, :mod:`.report_markdown`,
:mod:`.report_html`) are all built from this document, so they cannot disagree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from qvcp import SPEC_VERSION, __version__
from qvcp.conformance.coverage import (
    coverage,
    load_requirements,
    requirement_statuses,
    requirements_digest,
)
from qvcp.conformance.protocol import PROFILES, PROTOCOL_VERSION
from qvcp.conformance.runner import CaseResult, RunResult, case_level, exit_code, warnings
from qvcp.schemas.layout import load_json

__all__ = ["REPORT_FILES", "build_report", "headline", "report_problems", "scope",
           "write_reports", "write_texts"]

Json = dict[str, Any]
REPORT_FILES = {"json": "report.json", "junit": "junit.xml", "markdown": "summary.md",
                "html": "report.html"}
_VERDICT_OF_EXIT = {0: "conformant", 1: "non-conformant", 2: "error"}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=repr, allow_nan=False))


def _case(r: CaseResult, *, warning: bool) -> Json:
    return {
        "id": r.case.id, "profile": r.case.profile, "title": r.case.title,
        "requirements": list(r.case.requirements), "tags": list(r.case.tags),
        "level": case_level(r.case), "warning": warning,
        "verdict": r.verdict.value, "message": r.message, "seed": r.seed,
        "replay": r.replay, "duration_s": round(r.duration_s, 6), "interval": r.interval,
        "evidence": _jsonable(r.evidence),
        "expected_failure": r.expected.as_dict() if r.expected else None,
        "harness_error": r.harness_error,
    }


def scope(run: RunResult) -> str:
    """What the verdict speaks for: the profiles judged, the chapters claimed for each (when
    not all), and the selection, e.g. ``wire; node: 03-link-layer``.

    >>> from qvcp.conformance.protocol import Implementation
    >>> impl = Implementation(name="x", version="1", language="C", spec_version="1.0",
    ...     profiles=frozenset({"wire", "node"}), capabilities=frozenset(),
    ...     chapters={"node": frozenset({"03-link-layer"})})
    >>> import datetime as dt
    >>> run = RunResult(driver="d", implementation=impl, seed=1, results=[],
    ...                 started=dt.datetime.now(dt.UTC), duration_s=0.0)
    >>> scope(run)
    'wire; node: 03-link-layer'
    """
    impl = run.implementation
    if impl is None:
        return "nothing judged"
    parts = []
    for profile in PROFILES:
        if profile not in impl.profiles or (run.profiles and profile not in run.profiles):
            continue
        chapters = impl.chapters.get(profile)
        parts.append(f"{profile}: {', '.join(sorted(chapters))}" if chapters else profile)
    text = "; ".join(parts) or "no profile"
    if run.selection:
        text += f"; only {' '.join(run.selection)}"
    return text


def headline(report: Json) -> str:
    """``CONFORMANT (wire; node: 03-link-layer) - MUST 43/130 checked, 40 proven``."""
    s, must = report["summary"], report["coverage"]["MUST"]
    text = (f"{s['verdict'].upper()} ({s['scope']}) - MUST {must['checked']}/{must['total']} "
            f"checked, {must['proven']} proven")
    if s["warnings"]:
        text += f"; {s['warnings']} SHOULD-level warning{'s' if s['warnings'] > 1 else ''}"
    counts = s["counts"]
    if s["total"] and counts.get("unsupported", 0) == s["total"]:
        text += "; no case judged: the implementation supports none of the selected cases"
    stopped = report["run"].get("stopped")
    if stopped:
        text += f"; {stopped['message']}, {len(stopped['not_run'])} cases not run"
    return text


def build_report(run: RunResult, *, command: str) -> Json:
    """The report document of ``run``."""
    requirements = load_requirements()
    statuses = requirement_statuses(run.results, requirements)
    code = exit_code(run)
    counts = run.counts()
    warned = {r.case.id for r in warnings(run)}
    report: Json = {
        "format": "qvcp-conformance-report", "format_version": 1,
        "harness": {"name": "qvcp conform", "version": __version__,
                    "driver_protocol": PROTOCOL_VERSION},
        "driver": run.driver,
        "implementation": run.implementation.as_dict() if run.implementation else None,
        "run": {"seed": run.seed, "started": run.started.isoformat(timespec="seconds"),
                "duration_s": round(run.duration_s, 3), "selection": list(run.selection),
                "profiles": list(run.profiles), "command": command,
                "stopped": ({"reason": run.stopped_by, "message": run.stopped,
                             "not_run": list(run.not_run)} if run.stopped_by else None)},
        "spec": {"version": SPEC_VERSION, "requirements": len(requirements),
                 "requirements_digest": requirements_digest(requirements)},
        "summary": {"verdict": _VERDICT_OF_EXIT[code], "exit_code": code,
                    "total": len(run.results), "counts": counts, "scope": scope(run),
                    "not_run": len(run.not_run),
                    "strict": run.strict, "warnings": len(warned), "headline": ""},
        "startup_error": ({"message": run.startup_error,
                           "evidence": _jsonable(run.startup_evidence)}
                          if run.startup_error else None),
        "coverage": coverage(statuses),
        "requirements": [{"id": s.id, "level": s.level, "chapter": s.chapter, "text": s.text,
                          "status": s.status, "cases": list(s.cases), "proof": s.proof,
                          "proof_reason": s.proof_reason} for s in statuses],
        "cases": [_case(r, warning=r.case.id in warned) for r in run.results],
        "expected_failures": {"expired": [e.as_dict() for e in run.expired],
                              "unused": [e.as_dict() for e in run.unused_expected]},
    }
    report["summary"]["headline"] = headline(report)
    return report


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_json("meta/report.schema.json"))


def report_problems(report: Json) -> list[str]:
    """How ``report`` breaks the report schema (empty when valid)."""
    return [f"{e.message} at {'/'.join(map(str, e.path))}"
            for e in _validator().iter_errors(report)]


def write_reports(report: Json, directory: Path) -> dict[str, Path]:
    """Write the four reports into ``directory``; return their paths by format."""
    from qvcp.conformance.report_html import render_html
    from qvcp.conformance.report_junit import render_junit
    from qvcp.conformance.report_markdown import render_markdown

    bad = report_problems(report)
    if bad:
        raise ValueError(f"report breaks its schema: {bad[:3]}")
    texts = {"json": json.dumps(report, indent=2) + "\n", "junit": render_junit(report),
             "markdown": render_markdown(report), "html": render_html(report)}
    return write_texts(texts, directory, REPORT_FILES)


def write_texts(texts: Mapping[str, str], directory: Path,
                names: Mapping[str, str]) -> dict[str, Path]:
    """Write each format's text of ``texts`` into ``directory`` under its file name in
    ``names`` (UTF-8), creating the directory; return the paths by format."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for fmt, text in texts.items():
        path = directory / names[fmt]
        path.write_text(text, encoding="utf-8")
        paths[fmt] = path
    return paths
