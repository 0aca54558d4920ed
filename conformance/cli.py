"""``qvcp conform``: judge an implementation, write the reports, exit 0/1/2 for CI.

The options follow pytest's where they mean the same: ``-x``/``--maxfail`` stop early, ``-k``
selects by keyword expression, ``--lf`` re-runs what failed last time. The console summary
groups the problems that read alike (same verdict, same message with its numbers masked) and
shows the first few of each group; every case is in the reports.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from qvcp.conformance.cases import Case
from qvcp.conformance.conform import DEFAULT_SEED, FAILING, plan, run_conformance
from qvcp.conformance.expected import ExpectedFailureFileError
from qvcp.conformance.parallel import durations_of
from qvcp.conformance.protocol import PROFILES
from qvcp.conformance.report import REPORT_FILES, build_report, write_reports
from qvcp.conformance.runner import CaseResult, exit_code
from qvcp.conformance.selection import KeywordError

__all__ = ["conform", "problem_lines"]

Json = dict[str, Any]
_SHOUT = {"fail": "red", "errored": "yellow", "xpass": "magenta", "inconclusive": "cyan",
          "warning": "yellow"}
_SHOWN_PER_GROUP = 3
_SHOWN_GROUPS = 12
_NUMBER = re.compile(r"0x[0-9a-fA-F]+|\b[0-9a-fA-F]{8,}\b|\d+(?:\.\d+)?(?:e[-+]?\d+)?")


@contextmanager
def _progress(console: Console, enabled: bool) -> Iterator[tuple[object, object]]:
    """(on_start, on_result) callbacks drawing a transient progress bar."""
    bar = Progress(TextColumn("[bold]conform"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[case]}"), TimeElapsedColumn(), console=console,
                   transient=True, disable=not enabled)
    task = {"id": None}

    def on_start(total: int) -> None:
        task["id"] = bar.add_task("cases", total=total, case="")

    def on_result(result: CaseResult) -> None:
        if task["id"] is not None:
            bar.update(task["id"], advance=1, case=result.case.id)

    with bar:
        yield on_start, on_result


def message_shape(message: str) -> str:
    """``message`` with its numbers (decimal, hex) masked, to group problems that read alike.

    >>> message_shape("expected code 0x0006 at byte 12, got 7")
    'expected code # at byte #, got #'
    """
    return _NUMBER.sub("#", message)


def problem_lines(report: Json, *, per_group: int = _SHOWN_PER_GROUP,
                  groups: int = _SHOWN_GROUPS) -> list[str]:
    """Console lines (rich markup) for the failed, errored, unexpectedly passing and
    inconclusive cases of ``report``: grouped by verdict and message shape, in run order, the
    first ``per_group`` cases of each of the first ``groups`` groups, with one replay command
    per group."""
    grouped: dict[tuple[str, str], list[Json]] = {}
    for case in report["cases"]:
        if case["verdict"] not in ("fail", "errored", "xpass", "inconclusive"):
            continue
        label = "warning" if case["warning"] else case["verdict"]
        grouped.setdefault((label, message_shape(case["message"])), []).append(case)
    lines: list[str] = []
    for (label, _), cases in list(grouped.items())[:groups]:
        for case in cases[:per_group]:
            lines.append(f"  [{_SHOUT[label]}]{label:>12}[/] {case['id']}: "
                         f"{case['message'][:160]}")
        if len(cases) > per_group:
            families = sorted({r.partition("-")[0] for c in cases for r in c["requirements"]})
            lines.append(f"  {'':>12} ... and {len(cases) - per_group} more like this "
                         f"({', '.join(families)})")
        replay = next((c["replay"] for c in cases if c["replay"] and c["seed"] is not None), "")
        if replay and label != "inconclusive":
            lines.append(f"  {'':>12} replay: {replay}")
    hidden = list(grouped.values())[groups:]
    if hidden:
        lines.append(f"  ... and {sum(map(len, hidden))} more cases in {len(hidden)} other "
                     f"groups: see {REPORT_FILES['markdown']}")
    return lines


def _check_writable(directory: Path) -> None:
    """Fail now, not after the run, when the reports cannot be written to ``directory``."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as exc:
        raise click.BadParameter(f"{directory}: reports cannot be written there "
                                 f"({exc.strerror or exc})", param_hint="'--report'") from None


def _last_failed(report_dir: Path) -> tuple[set[str] | None, str]:
    """The ids of the cases that failed or errored in the report of ``report_dir`` (None to
    run every case, with a note saying why)."""
    path = report_dir / REPORT_FILES["json"]
    if not path.is_file():
        raise click.BadParameter(f"no previous report: {path} does not exist (run "
                                 "`qvcp conform` with this --report directory first)",
                                 param_hint="'--lf'")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        cases = data["cases"]
        failed = {c["id"] for c in cases if c["verdict"] in {v.value for v in FAILING}}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise click.BadParameter(f"{path} is not a readable conformance report "
                                 f"({type(exc).__name__}: {exc})", param_hint="'--lf'") from None
    if not failed:
        return None, f"--lf: no case failed or errored in {path}: running every selected case"
    cases_text = f"{len(failed)} case{'s' if len(failed) > 1 else ''}"
    return failed, f"--lf: re-running the {cases_text} that failed or errored in {path}"


def _workers(value: str) -> int:
    from qvcp.conformance.parallel import parse_workers

    try:
        return parse_workers(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'-n'") from None


def _plan(selectors: tuple[str, ...], profiles: tuple[str, ...], keyword: str,
          only: set[str] | None) -> list[Case]:
    try:
        return plan(selectors=selectors, profiles=profiles, keyword=keyword, only=only)
    except KeywordError as exc:
        raise click.BadParameter(str(exc), param_hint="'-k'") from None


@click.command("conform")
@click.option("--driver", default="reference", show_default=True,
              help="NAME (entry point in qvcp.drivers), exec:COMMAND or faulty:NAME.")
@click.option("--profile", "profiles", multiple=True, type=click.Choice(PROFILES),
              help="Only these profiles (repeatable).")
@click.option("--select", "selectors", multiple=True, metavar="REQ|TAG|GLOB",
              help="Only cases whose id, requirement id, tag or profile matches (repeatable).")
@click.option("-k", "keyword", default="", metavar="EXPR",
              help="Only cases matching a keyword expression, as pytest's: words (substrings "
                   "of the case id, requirement ids, tags, profile, chapter) with and, or, "
                   "not and parentheses.")
@click.option("--lf", "--last-failed", "last_failed", is_flag=True,
              help="Only the cases that failed or errored in the --report directory's "
                   "report.json (every case if none did).")
@click.option("-x", "--exitfirst", is_flag=True, help="Stop at the first failed or errored case.")
@click.option("--maxfail", type=click.IntRange(min=1), metavar="N",
              help="Stop after N failed or errored cases.")
@click.option("--deadline", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Wall-clock limit of the whole run; the cases left when it is reached are "
                   "not run and the run exits 2.")
@click.option("--expected-failures", type=click.Path(exists=True, dir_okay=False,
                                                     path_type=Path),
              help="TOML/JSON file of expected failures (case, reason, expires).")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=DEFAULT_SEED,
              show_default=True, help="Run seed; every randomised case derives its own.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports/conformance"), show_default=True,
              help="Directory for report.json, junit.xml, summary.md, report.html.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0,
              show_default=True,
              help="Seconds to wait for each answer of an exec: implementation.")
@click.option("--strict", is_flag=True,
              help="A failed SHOULD-level case fails the run (by default it is a warning).")
@click.option("-n", "--numprocesses", "workers", default="1", metavar="N|auto",
              callback=lambda ctx, param, value: _workers(value),
              help="Run the cases on N worker processes (auto: one per core), each with its "
                   "own implementation; verdicts and report as a serial run's.  [default: 1]")
@click.option("--list", "list_only", is_flag=True, help="List the selected cases and exit.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def conform(driver: str, profiles: tuple[str, ...], selectors: tuple[str, ...], keyword: str,
            last_failed: bool, exitfirst: bool, maxfail: int | None, deadline: float | None,
            expected_failures: Path | None, seed: int, report_dir: Path, timeout: float,
            strict: bool, workers: int, list_only: bool, quiet: bool) -> None:
    """Judge an implementation against the QVCP specification, requirement by requirement.

    Exit code: 0 conformant, 1 non-conformant, 2 harness or driver error (or a usage error,
    or the --deadline reached).
    """
    console = Console(stderr=True, soft_wrap=True)
    only, note = _last_failed(report_dir) if last_failed else (None, "")
    cases = _plan(selectors, profiles, keyword, only)
    if list_only:
        for case in cases:
            click.echo(f"{case.id}\t{case.profile}\t{','.join(case.requirements)}")
        return
    if note:
        console.print(note, highlight=False)
    if (selectors or profiles or keyword or only is not None) and not cases:
        # a run that checks nothing must not pass a CI gate as CONFORMANT
        console.print(f"[red]no case matches[/] --select {' '.join(selectors) or '-'} "
                      f"--profile {' '.join(profiles) or '-'}"
                      + (f" -k {shlex.quote(keyword)}" if keyword else "")
                      + (" --lf" if only is not None else "")
                      + " (a requirement id such as SIG-011, a tag, a profile or a glob such "
                      "as 'SEC-*'; `qvcp conform --list` lists the cases)", highlight=False)
        sys.exit(2)
    _check_writable(report_dir)
    with _progress(console, enabled=not quiet and console.is_terminal) as (on_start, on_result):
        try:
            run = run_conformance(driver, selectors=selectors, profiles=profiles, seed=seed,
                                  expected_file=expected_failures, timeout=timeout,
                                  strict=strict, on_start=on_start,  # type: ignore[arg-type]
                                  on_result=on_result,  # type: ignore[arg-type]
                                  keyword=keyword, only=only,
                                  maxfail=1 if exitfirst else maxfail, deadline=deadline,
                                  workers=workers,
                                  durations=durations_of(report_dir / REPORT_FILES["json"])
                                  if workers > 1 else None)
        except ExpectedFailureFileError as exc:
            console.print(f"[red]expected-failures file: {exc}")
            sys.exit(2)
    command = "qvcp conform " + shlex.join(sys.argv[2:] if len(sys.argv) > 2 else [])
    report = build_report(run, command=command.strip())
    try:
        paths = write_reports(report, report_dir)
    except OSError as exc:
        console.print(f"[red]--report {report_dir}: the reports could not be written[/] "
                      f"({exc})", highlight=False)
        sys.exit(2)
    _summary(console, report, paths)
    sys.exit(exit_code(run))


def _summary(console: Console, report: Json, paths: dict[str, Path]) -> None:
    s = report["summary"]
    impl = report["implementation"]
    if report["startup_error"]:
        console.print(f"[red]startup error:[/] {report['startup_error']['message']}")
        tail = report["startup_error"]["evidence"].get("stderr_tail")
        if tail:
            console.print("stderr tail:\n  " + "\n  ".join(tail[-8:]), highlight=False)
    for line in problem_lines(report):
        console.print(line, highlight=False)
    stopped = report["run"]["stopped"]
    if stopped:
        console.print(f"[yellow]stopped early:[/] {stopped['message']}; "
                      f"{len(stopped['not_run'])} cases not run", highlight=False)
    who = f"{impl['name']} {impl['version']} ({impl['language']})" if impl else "?"
    counts = ", ".join(f"{n} {v}" for v, n in s["counts"].items() if n)
    if s["not_run"]:
        counts += f", {s['not_run']} not run"
    cov = "; ".join(f"{lv} {c['checked']}/{c['total']} checked ({c['proven']} proven), "
                    f"{c['passed']} pass" for lv, c in report["coverage"].items())
    colour = {"conformant": "green", "non-conformant": "red", "error": "yellow"}[s["verdict"]]
    verdict, _, rest = s["headline"].partition(" ")
    console.print(f"[bold {colour}]{verdict}[/] {rest}", highlight=False)
    console.print(f"{who}: {counts} in {report['run']['duration_s']:.1f} s", highlight=False)
    console.print(f"coverage: {cov}", highlight=False)
    console.print(f"reports: {', '.join(str(p) for p in paths.values())}", highlight=False)
