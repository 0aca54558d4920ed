"""``qvcp report diff OLD NEW``: what changed between two conformance reports (report.json).

A case present in both reports is classified by its two verdicts:

* **regression**: it did not fail before (pass, xfail, inconclusive) and now fails, errors or
  passes unexpectedly (fail, errored, xpass);
* **fix**: it failed, errored or passed unexpectedly, and now passes (or is an expected
  failure);
* **newly unsupported** / **newly supported**: it moved out of or into the claims;
* **changed**: any other change of verdict (fail -> errored, pass -> inconclusive ...).

Cases only in NEW are *added*, cases only in OLD *removed*; a case the NEW run did not reach
(it stopped early) is *not run*. A worse run verdict (conformant -> non-conformant -> error)
counts as a regression too. Exit code: 1 when there is any regression, 0 otherwise, 2 when a
report cannot be read.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

__all__ = ["ReportDiff", "ReportReadError", "diff_reports", "load_report", "report"]

Json = dict[str, Any]
BAD = frozenset({"fail", "errored", "xpass"})
GOOD = frozenset({"pass", "xfail"})
_RANK = {"conformant": 0, "non-conformant": 1, "error": 2}
SECTIONS = ("regressions", "fixes", "newly_unsupported", "newly_supported", "changed",
            "added", "removed", "not_run")


class ReportReadError(ValueError):
    """A file that is not a readable conformance report; the message names the file."""


@dataclass
class ReportDiff:
    """The differences between two reports, case by case."""

    old_verdict: str
    new_verdict: str
    # each entry: {"id", "old", "new", "message"} (verdicts; message of the NEW case)
    regressions: list[Json] = field(default_factory=list)
    fixes: list[Json] = field(default_factory=list)
    newly_unsupported: list[Json] = field(default_factory=list)
    newly_supported: list[Json] = field(default_factory=list)
    changed: list[Json] = field(default_factory=list)
    added: list[Json] = field(default_factory=list)
    removed: list[Json] = field(default_factory=list)
    not_run: list[Json] = field(default_factory=list)

    @property
    def verdict_worse(self) -> bool:
        return _RANK.get(self.new_verdict, 2) > _RANK.get(self.old_verdict, 2)

    @property
    def regressed(self) -> bool:
        """True when NEW is worse than OLD: a case regressed or the run verdict did."""
        return bool(self.regressions) or self.verdict_worse

    def as_dict(self) -> Json:
        return {"verdict": {"old": self.old_verdict, "new": self.new_verdict,
                            "worse": self.verdict_worse},
                **{name: getattr(self, name) for name in SECTIONS},
                "regressed": self.regressed}


def load_report(path: Path) -> Json:
    """The report document in ``path``.

    Raises:
        ReportReadError: unreadable, not UTF-8, not JSON, or not a conformance report.
    """
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ReportReadError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ReportReadError(f"{path}: not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportReadError(f"{path}: not JSON ({exc})") from None
    if (not isinstance(data, dict) or data.get("format") != "qvcp-conformance-report"
            or not isinstance(data.get("cases"), list)
            or not all(isinstance(c, dict) and isinstance(c.get("id"), str)
                       and isinstance(c.get("verdict"), str) for c in data["cases"])):
        raise ReportReadError(f"{path}: not a qvcp conformance report (report.json written "
                              "by `qvcp conform`)")
    return data


def _entry(case_id: str, old: Json | None, new: Json | None) -> Json:
    return {"id": case_id, "old": old["verdict"] if old else None,
            "new": new["verdict"] if new else None,
            "message": (new or old or {}).get("message", "")}


def _verdict(report: Json) -> str:
    summary = report.get("summary")
    return str(summary.get("verdict", "?")) if isinstance(summary, dict) else "?"


def diff_reports(old: Json, new: Json) -> ReportDiff:
    """Compare two report documents (as :func:`load_report` returns them)."""
    before = {c["id"]: c for c in old["cases"]}
    after = {c["id"]: c for c in new["cases"]}
    stopped = (new.get("run") or {}).get("stopped") or {}
    not_run = set(stopped.get("not_run", []))
    diff = ReportDiff(old_verdict=_verdict(old), new_verdict=_verdict(new))
    for case_id, case in after.items():
        if case_id not in before:
            diff.added.append(_entry(case_id, None, case))
    for case_id, was in before.items():
        now = after.get(case_id)
        if now is None:
            (diff.not_run if case_id in not_run else diff.removed).append(
                _entry(case_id, was, None))
            continue
        a, b = was["verdict"], now["verdict"]
        if a == b:
            continue
        entry = _entry(case_id, was, now)
        if b == "unsupported":
            diff.newly_unsupported.append(entry)
        elif a == "unsupported":
            diff.newly_supported.append(entry)
        elif b in BAD and a not in BAD:
            diff.regressions.append(entry)
        elif a in BAD and b in GOOD:
            diff.fixes.append(entry)
        else:
            diff.changed.append(entry)
    return diff


_TITLES = {"regressions": "regressions", "fixes": "fixes",
           "newly_unsupported": "newly unsupported", "newly_supported": "newly supported",
           "changed": "other verdict changes", "added": "cases added",
           "removed": "cases removed", "not_run": "not run in the new report (stopped early)"}


def render_text(diff: ReportDiff) -> str:
    """The human-readable diff."""
    lines = [f"verdict: {diff.old_verdict} -> {diff.new_verdict}"
             + (" (worse)" if diff.verdict_worse else "")]
    for name in SECTIONS:
        entries = getattr(diff, name)
        if not entries:
            continue
        lines.append(f"{_TITLES[name]} ({len(entries)}):")
        for e in entries:
            move = f"{e['old'] or '-'} -> {e['new'] or '-'}"
            message = f": {e['message'][:120]}" if e["message"] and e["new"] in BAD else ""
            lines.append(f"  {e['id']}: {move}{message}")
    counts = ", ".join(f"{len(getattr(diff, n))} {_TITLES[n].split(' (')[0]}"
                       for n in SECTIONS if getattr(diff, n))
    lines.append(("REGRESSED" if diff.regressed else "no regression")
                 + (f": {counts}" if counts else ": no case changed"))
    return "\n".join(lines) + "\n"


@click.group()
def report() -> None:
    """Work with conformance reports (report.json): compare two runs."""


@report.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
def diff_cmd(old: Path, new: Path, as_json: bool) -> None:
    """Regressions, fixes and claim changes from report OLD to report NEW.

    Exit code: 1 when a case regressed (or the run verdict got worse), 0 otherwise, 2 when a
    report cannot be read.
    """
    try:
        documents = [load_report(path) for path in (old, new)]
    except ReportReadError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    diff = diff_reports(*documents)
    if as_json:
        click.echo(json.dumps({"old": str(old), "new": str(new), **diff.as_dict()}, indent=2))
    else:
        click.echo(render_text(diff), nl=False)
    sys.exit(1 if diff.regressed else 0)
