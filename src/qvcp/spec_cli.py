"""``qvcp spec``: lint the specification and rebuild its requirement index."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from qvcp.specindex import build_index, find_spec_dir, index_document, lint

__all__ = ["spec"]


def _spec_dir() -> Path:
    """The checkout's ``spec/`` folder; outside a checkout, a clear error and exit 2."""
    try:
        return find_spec_dir()
    except FileNotFoundError as exc:
        click.echo(f"error: {exc} (an installed package has no spec/ folder; `qvcp spec` "
                   "works in a clone of the QVCP repository, with `pip install -e .`)",
                   err=True)
        sys.exit(2)


def _index_path(spec_dir: Path) -> Path:
    return spec_dir.parent / "schemas" / "requirements.json"


@click.group()
def spec() -> None:
    """Specification tools (run from a source checkout)."""


@spec.command("index")
@click.option("--check", is_flag=True, help="Fail if requirements.json is out of date.")
def index_cmd(check: bool) -> None:
    """Rebuild schemas/requirements.json from spec/*.md."""
    spec_dir = _spec_dir()
    text = index_document(build_index(spec_dir))
    target = _index_path(spec_dir)
    if check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            click.echo("requirements.json is out of date: run `qvcp spec index`", err=True)
            sys.exit(1)
        click.echo("requirements.json is up to date")
        return
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target.name}")


def _pins_now(spec_dir: Path) -> dict[str, dict[str, str]]:
    from qvcp.conformance.catalogue import all_cases
    from qvcp.conformance.pins import current_pins

    texts = {r.id: r.text for r in build_index(spec_dir)}
    return current_pins(all_cases(), texts)


@spec.command("pin")
def pin_cmd() -> None:
    """Record, for every conformance case, the current text of each requirement it cites."""
    from qvcp.conformance.pins import pins_path, write_pins

    now = _pins_now(_spec_dir())
    write_pins(now)
    click.echo(f"pinned {len(now)} cases in {pins_path().name}")


@spec.command("lint")
@click.option("--no-pins", is_flag=True,
              help="Skip the check that cases are pinned to their requirements' texts.")
def lint_cmd(no_pins: bool) -> None:
    """Check requirement ids and BCP 14 keywords, and that no case was written against a
    requirement text that has since changed; print the count per level."""
    spec_dir = _spec_dir()
    problems = lint(spec_dir)
    if not no_pins:
        from qvcp.conformance.pins import load_pins, pin_problems

        problems += pin_problems(load_pins(), _pins_now(spec_dir))
    for p in problems:
        click.echo(p, err=True)
    levels = Counter(r.level for r in build_index(spec_dir))
    click.echo(", ".join(f"{n} {lv}" for lv, n in sorted(levels.items())) +
               f"; {len(problems)} problem(s)")
    sys.exit(1 if problems else 0)
