"""``qvcp mutants``: list the registered faulty implementations, run them, write the proof."""

from __future__ import annotations

import json
import sys
from fnmatch import fnmatchcase

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from qvcp.conformance.mutation import (
    MutantResult,
    MutantSpec,
    proof_document,
    registered_mutants,
    run_mutants,
    write_proof,
)

__all__ = ["mutants"]


def _selected(selectors: tuple[str, ...]) -> list[MutantSpec]:
    try:
        specs = registered_mutants()
    except ValueError as exc:  # a malformed mutant file: name it, no traceback
        raise click.ClickException(f"cannot load the mutants: {exc}") from None
    if not selectors:
        return specs
    return [s for s in specs if any(fnmatchcase(s.requirement, sel) or fnmatchcase(s.driver, sel)
                                    or fnmatchcase(s.driver.partition(":")[2], sel)
                                    for sel in selectors)]


@click.group("mutants")
def mutants() -> None:
    """Faulty implementations that prove the suite catches what it claims to check."""


@mutants.command("list")
@click.option("--select", "selectors", multiple=True, metavar="REQ|ID|GLOB",
              help="Only mutants of these requirements or with these ids (repeatable).")
def list_mutants(selectors: tuple[str, ...]) -> None:
    """One line per mutant: driver spec, requirement, what it does wrong."""
    for spec in _selected(selectors):
        click.echo(f"{spec.driver:<48} {spec.requirement:<9} {spec.why}")


@mutants.command("run")
@click.option("--select", "selectors", multiple=True, metavar="REQ|ID|GLOB",
              help="Only mutants of these requirements or with these ids (repeatable).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Mutants judged at once (default: one per core).")
@click.option("--write", is_flag=True,
              help="Write conformance/proof.json (only with every mutant selected).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def run(selectors: tuple[str, ...], jobs: int | None, write: bool, as_json: bool) -> None:
    """Run each mutant against the cases citing its requirement. Exit 1 if one escapes."""
    specs = _selected(selectors)
    if not specs:
        raise click.UsageError("--select matched no mutant")
    if write and selectors:
        raise click.UsageError("--write needs every mutant: drop --select")
    console = Console(stderr=True)
    bar = Progress(TextColumn("[bold]mutants"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[last]}"), TimeElapsedColumn(), console=console,
                   transient=True, disable=as_json or not console.is_terminal)
    with bar:
        task = bar.add_task("mutants", total=len(specs), last="")

        def on_result(result: MutantResult) -> None:
            bar.update(task, advance=1, last=result.driver)
            if not result.caught and not as_json:
                console.print(f"[red]escaped[/] {result.driver} ({result.requirement})"
                              f"{': ' + result.message if result.message else ''}",
                              highlight=False)

        results = run_mutants(specs, jobs=jobs, on_result=on_result)
    escaped = [r for r in results if not r.caught]
    if as_json:
        click.echo(json.dumps(proof_document(results), indent=2))
    else:
        _summary(results)
    if write:
        click.echo(f"wrote {write_proof(results)}", err=True)
    sys.exit(1 if escaped else 0)


def _summary(results: list[MutantResult]) -> None:
    caught = sum(r.caught for r in results)
    seconds = sum(r.duration_s for r in results)
    click.echo(f"{caught} of {len(results)} mutants caught ({seconds:.1f} s of runs)")
    click.echo(f"requirements proven: {len({r.requirement for r in results if r.caught})}")
    for r in results:
        if not r.caught:
            click.echo(f"  escaped: {r.driver} ({r.requirement}) {r.message}".rstrip())

