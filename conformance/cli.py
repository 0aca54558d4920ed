"""``qvcp conform``: judge an implementation, write the reports, exit 0/1/2 for CI."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from qvcp.conformance.cases import Verdict
from qvcp.conformance.conform import DEFAULT_SEED, plan, run_conformance
from qvcp.conformance.expected import ExpectedFailureFileError
from qvcp.conformance.protocol import PROFILES
from qvcp.conformance.report import build_report, write_reports
from qvcp.conformance.runner import CaseResult, exit_code

__all__ = ["conform"]

_SHOUT = {Verdict.FAIL: "red", Verdict.ERRORED: "yellow", Verdict.XPASS: "magenta",
          Verdict.INCONCLUSIVE: "cyan"}


@contextmanager
def _progress(console: Console, enabled: bool) -> Iterator[tuple[object, object]]:
    """(on_start, on_result) callbacks drawing a progress bar, and printing problems."""
    bar = Progress(TextColumn("[bold]conform"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[case]}"), TimeElapsedColumn(), console=console,
                   transient=True, disable=not enabled)
    task = {"id": None}

    def on_start(total: int) -> None:
        task["id"] = bar.add_task("cases", total=total, case="")

    def on_result(result: CaseResult) -> None:
        if task["id"] is not None:
            bar.update(task["id"], advance=1, case=result.case.id)
        colour = _SHOUT.get(result.verdict)
        if colour:
            console.print(f"[{colour}]{result.verdict.value:>12}[/] {result.case.id}: "
                          f"{result.message[:160]}", highlight=False)

    with bar:
        yield on_start, on_result


@click.command("conform")
@click.option("--driver", default="reference", show_default=True,
              help="NAME (entry point in qvcp.drivers), exec:COMMAND or faulty:NAME.")
@click.option("--profile", "profiles", multiple=True, type=click.Choice(PROFILES),
              help="Only these profiles (repeatable).")
@click.option("--select", "selectors", multiple=True, metavar="REQ|TAG|GLOB",
              help="Only cases whose id, requirement id, tag or profile matches (repeatable).")
@click.option("--expected-failures", type=click.Path(exists=True, dir_okay=False,
                                                     path_type=Path),
              help="TOML/JSON file of expected failures (case, reason, expires).")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=DEFAULT_SEED,
              show_default=True, help="Run seed; every randomised case derives its own.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports/conformance"), show_default=True,
              help="Directory for report.json, junit.xml, summary.md, report.html.")
@click.option("--timeout", type=float, default=10.0, show_default=True,
              help="Seconds to wait for each answer of an exec: implementation.")
@click.option("--strict", is_flag=True,
              help="A failed SHOULD-level case fails the run (by default it is a warning).")
@click.option("--list", "list_only", is_flag=True, help="List the selected cases and exit.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def conform(driver: str, profiles: tuple[str, ...], selectors: tuple[str, ...],
            expected_failures: Path | None, seed: int, report_dir: Path, timeout: float,
            strict: bool, list_only: bool, quiet: bool) -> None:
    """Judge an implementation against the QVCP specification, requirement by requirement.

    Exit code: 0 conformant, 1 non-conformant, 2 harness or driver error.
    """
    console = Console(stderr=True, soft_wrap=True)
    if list_only:
        for case in plan(selectors=selectors, profiles=profiles):
            click.echo(f"{case.id}\t{case.profile}\t{','.join(case.requirements)}")
        return
    if (selectors or profiles) and not plan(selectors=selectors, profiles=profiles):
        # a run that checks nothing must not pass a CI gate as CONFORMANT
        console.print(f"[red]no case matches[/] --select {' '.join(selectors) or '-'} "
                      f"--profile {' '.join(profiles) or '-'} (a requirement id such as "
                      "SIG-011, a tag, a profile or a glob such as 'SEC-*'; `qvcp conform "
                      "--list` lists the cases)", highlight=False)
        sys.exit(2)
    with _progress(console, enabled=not quiet and console.is_terminal) as (on_start, on_result):
        try:
            run = run_conformance(driver, selectors=selectors, profiles=profiles, seed=seed,
                                  expected_file=expected_failures, timeout=timeout,
                                  strict=strict, on_start=on_start,  # type: ignore[arg-type]
                                  on_result=on_result)  # type: ignore[arg-type]
        except ExpectedFailureFileError as exc:
            console.print(f"[red]expected-failures file: {exc}")
            sys.exit(2)
    command = "qvcp conform " + shlex.join(sys.argv[2:] if len(sys.argv) > 2 else [])
    report = build_report(run, command=command.strip())
    paths = write_reports(report, report_dir)
    _summary(console, report, paths)
    sys.exit(exit_code(run))


def _summary(console: Console, report: dict, paths: dict[str, Path]) -> None:
    s = report["summary"]
    impl = report["implementation"]
    if report["startup_error"]:
        console.print(f"[red]startup error:[/] {report['startup_error']['message']}")
        tail = report["startup_error"]["evidence"].get("stderr_tail")
        if tail:
            console.print("stderr tail:\n  " + "\n  ".join(tail[-8:]), highlight=False)
    who = f"{impl['name']} {impl['version']} ({impl['language']})" if impl else "?"
    counts = ", ".join(f"{n} {v}" for v, n in s["counts"].items() if n)
    cov = "; ".join(f"{lv} {c['checked']}/{c['total']} checked ({c['proven']} proven), "
                    f"{c['passed']} pass" for lv, c in report["coverage"].items())
    colour = {"conformant": "green", "non-conformant": "red", "error": "yellow"}[s["verdict"]]
    verdict, _, rest = s["headline"].partition(" ")
    console.print(f"[bold {colour}]{verdict}[/] {rest}", highlight=False)
    console.print(f"{who}: {counts} in {report['run']['duration_s']:.1f} s", highlight=False)
    console.print(f"coverage: {cov}", highlight=False)
    for case in report["cases"]:
        if case["warning"]:
            console.print(f"  [yellow]warning[/] ({case['level']}) {case['id']}: "
                          f"{case['message'][:160]}", highlight=False)
    for case in report["cases"]:
        if case["verdict"] in ("fail", "errored", "xpass") and case["seed"] is not None:
            console.print(f"  replay {case['id']}: {case['replay']}", highlight=False)
    console.print(f"reports: {', '.join(str(p) for p in paths.values())}", highlight=False)
