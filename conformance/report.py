"""The JSON report: one document per run, checked against ``meta/report.schema.json``.

The JUnit, Markdown and HTML renderings (:mod:`.report_junit`, :mod:`.report_markdown`,
:mod:`.report_html`) are all built from this document, so they cannot disagree.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from qvcp import __version__
from qvcp.conformance.coverage import coverage, load_requirements, requirement_statuses
from qvcp.conformance.protocol import PROTOCOL_VERSION
from qvcp.conformance.runner import CaseResult, RunResult, exit_code
from qvcp.schemas.layout import load_json

__all__ = ["REPORT_FILES", "build_report", "report_problems", "write_reports"]

Json = dict[str, Any]
REPORT_FILES = {"json": "report.json", "junit": "junit.xml", "markdown": "summary.md",
                "html": "report.html"}
_VERDICT_OF_EXIT = {0: "conformant", 1: "non-conformant", 2: "error"}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=repr, allow_nan=False))


def _case(r: CaseResult) -> Json:
    return {
        "id": r.case.id, "profile": r.case.profile, "title": r.case.title,
        "requirements": list(r.case.requirements), "tags": list(r.case.tags),
        "verdict": r.verdict.value, "message": r.message, "seed": r.seed,
        "replay": r.replay, "duration_s": round(r.duration_s, 6), "interval": r.interval,
        "evidence": _jsonable(r.evidence),
        "expected_failure": r.expected.as_dict() if r.expected else None,
        "harness_error": r.harness_error,
    }


def build_report(run: RunResult, *, command: str) -> Json:
    """The report document of ``run``."""
    statuses = requirement_statuses(run.results, load_requirements())
    code = exit_code(run)
    counts = run.counts()
    return {
        "format": "qvcp-conformance-report", "format_version": 1,
        "harness": {"name": "qvcp conform", "version": __version__,
                    "driver_protocol": PROTOCOL_VERSION},
        "driver": run.driver,
        "implementation": run.implementation.as_dict() if run.implementation else None,
        "run": {"seed": run.seed, "started": run.started.isoformat(timespec="seconds"),
                "duration_s": round(run.duration_s, 3), "selection": list(run.selection),
                "profiles": list(run.profiles), "command": command},
        "summary": {"verdict": _VERDICT_OF_EXIT[code], "exit_code": code,
                    "total": len(run.results), "counts": counts},
        "startup_error": ({"message": run.startup_error,
                           "evidence": _jsonable(run.startup_evidence)}
                          if run.startup_error else None),
        "coverage": coverage(statuses),
        "requirements": [{"id": s.id, "level": s.level, "chapter": s.chapter, "text": s.text,
                          "status": s.status, "cases": list(s.cases)} for s in statuses],
        "cases": [_case(r) for r in run.results],
        "expected_failures": {"expired": [e.as_dict() for e in run.expired],
                              "unused": [e.as_dict() for e in run.unused_expected]},
    }


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
    directory.mkdir(parents=True, exist_ok=True)
    texts = {"json": json.dumps(report, indent=2) + "\n", "junit": render_junit(report),
             "markdown": render_markdown(report), "html": render_html(report)}
    paths = {}
    for fmt, text in texts.items():
        path = directory / REPORT_FILES[fmt]
        path.write_text(text, encoding="utf-8")
        paths[fmt] = path
    return paths
