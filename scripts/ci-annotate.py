#!/usr/bin/env python3
"""Print GitHub Actions workflow commands for the findings of a ``qvcp conform`` report.

Usage: ``python scripts/ci-annotate.py REPORT.json [--spec-dir spec]``

Each failing or errored case becomes an ``::error`` annotation, each SHOULD-level failure,
inconclusive case, unexpected pass and stale expected-failure entry a ``::warning``; a run the
harness could not start becomes one ``::error``. An annotation names the spec chapter of the
case's first requirement as its file, its case id and requirement ids as its title, and carries
the harness's message and the one-line replay command. The last line is a ``::notice`` with
the verdict. The exit status is 0 whatever the verdict (the conformance run's own exit status
gates the job), 2 when the report cannot be read.

Standard library only: it runs with any Python 3.11, before or without QVCP installed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

ERROR_VERDICTS = {"fail": "failed", "errored": "errored"}


def escape_data(text: str) -> str:
    """Escape a workflow command's message (GitHub's ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (GitHub's ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: str) -> str:
    """One workflow command line, e.g. ``::error file=spec/02-wire-format.md,title=...::msg``."""
    props = ",".join(f"{k}={escape_property(v)}" for k, v in properties.items() if v)
    return f"::{kind}{' ' + props if props else ''}::{escape_data(message)}"


def _case_message(case: Mapping[str, Any], what: str) -> str:
    lines = [f"{case['id']} {what}: {case.get('title', '')}".rstrip(": ")]
    if case.get("message"):
        lines.append(str(case["message"]))
    if case.get("replay"):
        lines.append(f"replay: {case['replay']}")
    return "\n".join(lines)


def annotations(report: Mapping[str, Any], spec_dir: str = "spec") -> Iterator[str]:
    """The workflow commands for ``report`` (a parsed ``report.json``), in case order."""
    chapters = {r["id"]: r.get("chapter") for r in report.get("requirements", [])}
    if report.get("startup_error"):
        yield command("error", str(report["startup_error"]), title="qvcp conform could not run")
    for case in report.get("cases", []):
        verdict = case.get("verdict")
        reqs = list(case.get("requirements", []))
        chapter = next((chapters[r] for r in reqs if chapters.get(r)), None)
        props = {"file": f"{spec_dir}/{chapter}" if chapter else "",
                 "title": f"{case['id']} ({', '.join(reqs)})" if reqs else str(case["id"])}
        if verdict in ERROR_VERDICTS:
            kind = "warning" if case.get("warning") else "error"
            level = case.get("level") or "MUST"
            yield command(kind, _case_message(case, f"{ERROR_VERDICTS[verdict]} ({level})"),
                          **props)
        elif verdict == "inconclusive":
            yield command("warning", _case_message(case, "inconclusive"), **props)
        elif verdict == "xpass":
            yield command("warning", _case_message(
                case, "passed although listed as an expected failure: remove the entry"),
                **props)
    stale = report.get("expected_failures") or {}
    for entry in stale.get("expired", []):
        yield command("warning", f"expected-failure entry {entry.get('case')} expired on "
                      f"{entry.get('expires')}: fix the case or renew the entry",
                      title="expected failures")
    for entry in stale.get("unused", []):
        yield command("warning", f"expected-failure entry {entry.get('case')} matches no "
                      "case that ran", title="expected failures")
    summary = report.get("summary") or {}
    if summary.get("headline"):
        yield command("notice", str(summary["headline"]), title="qvcp conform")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="report.json of a qvcp conform run")
    parser.add_argument("--spec-dir", default="spec",
                        help="folder named in the annotations' file (default: spec)")
    args = parser.parse_args(argv)
    try:
        report = json.loads(args.report.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"ci-annotate: cannot read {args.report}: {exc}", file=sys.stderr)
        return 2
    for line in annotations(report, args.spec_dir):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
