"""Markdown summary of a report (for a CI job summary or a pull-request comment)."""

from __future__ import annotations

from collections import Counter
from typing import Any

__all__ = ["format_interval", "render_markdown"]

Json = dict[str, Any]
_PROBLEMS = ("fail", "errored", "xpass", "inconclusive")


def format_interval(interval: Json | None) -> str:
    """``F = 0.912 [0.884, 0.936] at 95%, needs >= 0.85 (n=2000)``, or ``""``."""
    if not interval:
        return ""
    return (f"{interval['quantity']} = {interval['estimate']:.4g} "
            f"[{interval['low']:.4g}, {interval['high']:.4g}] at "
            f"{interval['confidence']:.0%}, needs >= {interval['threshold']:.4g} "
            f"(n={interval['n']})")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _profiles(impl: Json) -> str:
    chapters = impl.get("chapters") or {}
    return ", ".join(f"{p} (chapters {', '.join(chapters[p])})" if p in chapters else p
                     for p in impl["profiles"])


def render_markdown(report: Json) -> str:
    """The Markdown text."""
    impl = report["implementation"]
    s = report["summary"]
    who = (f"{impl['name']} {impl['version']} ({impl['language']}), claims "
           f"{_profiles(impl) or 'no profile'}" if impl else "no handshake")
    lines = [
        f"# QVCP conformance: {s['verdict'].upper()}",
        "",
        f"**{s['headline']}**",
        "",
        f"- Implementation: {who}",
        f"- Specification: version {report['spec']['version']}, "
        f"{report['spec']['requirements']} requirements, "
        f"`{report['spec']['requirements_digest'][:19]}`",
        f"- Driver: `{report['driver']}`; seed {report['run']['seed']}; "
        f"{report['run']['duration_s']:.1f} s; exit code {s['exit_code']}",
        "",
        "| verdict | cases |", "|---|---|",
        *(f"| {v} | {n} |" for v, n in s["counts"].items() if n),
        f"| **total** | {s['total']} |",
        "",
        "## Requirement coverage",
        "",
        "A requirement is *proven* in this run when a case that ran here has caught a faulty "
        "implementation breaking it (`qvcp mutants run`).",
        "",
        "| level | requirements | checked | proven | passed | failed | unsupported | untested |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for level, c in report["coverage"].items():
        lines.append(f"| {level} | {c['total']} | {c['checked']} ({c['percent_checked']}%) "
                     f"| {c['proven']} | {c['passed']} | {c['failed']} | {c['unsupported']} "
                     f"| {c['untested']} |")
    lines += ["", "Proof status of the suite, whatever this run ran:", "",
              "| level | proven | tagged only | untestable | excepted | untested |",
              "|---|---|---|---|---|---|"]
    for level, c in report["coverage"].items():
        p = c["proof"]
        lines.append(f"| {level} | {p['proven']} | {p['tagged-only']} | {p['untestable']} "
                     f"| {p['excepted']} | {p['untested']} |")
    warned = [c for c in report["cases"] if c["warning"]]
    if warned:
        lines += ["", "## Warnings (SHOULD-level failures; `--strict` makes them fail)", "",
                  "| case | requirements | message |", "|---|---|---|"]
        lines += [f"| `{c['id']}` | {', '.join(c['requirements'])} | {_cell(c['message'])} |"
                  for c in warned]
    if report["startup_error"]:
        lines += ["", "## Startup error", "", "```", report["startup_error"]["message"], "```"]
    problems = [c for c in report["cases"] if c["verdict"] in _PROBLEMS]
    if problems:
        lines += ["", "## Problems", "", "| case | verdict | requirements | message |",
                  "|---|---|---|---|"]
        for c in problems:
            message = c["message"] or format_interval(c["interval"])
            lines.append(f"| `{c['id']}` | {c['verdict']} | {', '.join(c['requirements'])} "
                         f"| {_cell(message)} |")
        replays = [c for c in problems if c["replay"] and c["seed"] is not None]
        if replays:
            lines += ["", "### Replay", ""]
            lines += [f"- `{c['id']}` (seed {c['seed']}): `{c['replay']}`" for c in replays]
    reasons = Counter(c["message"] for c in report["cases"] if c["verdict"] == "unsupported")
    if reasons:  # what the handshake left out, so that a reader sees what was not judged
        lines += ["", "## Unsupported, by reason", "", "| cases | reason |", "|---|---|"]
        lines += [f"| {n} | {_cell(reason or '(no reason given)')} |"
                  for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))]
    stats = [c for c in report["cases"] if c["interval"]]
    if stats:
        lines += ["", "## Statistical cases", "", "| case | verdict | interval |", "|---|---|---|"]
        lines += [f"| `{c['id']}` | {c['verdict']} | {format_interval(c['interval'])} |"
                  for c in stats]
    xfails = [c for c in report["cases"] if c["expected_failure"]]
    expired = report["expected_failures"]["expired"]
    if xfails or expired:
        lines += ["", "## Expected failures", ""]
        lines += [f"- `{c['id']}`: {c['verdict']} ({c['expected_failure']['reason']}, "
                  f"until {c['expected_failure']['expires']})" for c in xfails]
        lines += [f"- EXPIRED `{e['case']}` ({e['reason']}, {e['expires']})" for e in expired]
    return "\n".join(lines) + "\n"
