"""``qvcp spec``: lint the specification and rebuild its requirement index."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from qvcp.specindex import build_index, find_spec_dir, index_document, lint

__all__ = ["spec"]


def _index_path(spec_dir: Path) -> Path:
    return spec_dir.parent / "schemas" / "requirements.json"


@click.group()
def spec() -> None:
    """Specification tools (run from a source checkout)."""


@spec.command("index")
@click.option("--check", is_flag=True, help="Fail if requirements.json is out of date.")
def index_cmd(check: bool) -> None:
    """Rebuild schemas/requirements.json from spec/*.md."""
    spec_dir = find_spec_dir()
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


@spec.command("lint")
def lint_cmd() -> None:
    """Check requirement ids and BCP 14 keywords; print the count per level."""
    spec_dir = find_spec_dir()
    problems = lint(spec_dir)
    for p in problems:
        click.echo(p, err=True)
    levels = Counter(r.level for r in build_index(spec_dir))
    click.echo(", ".join(f"{n} {lv}" for lv, n in sorted(levels.items())) +
               f"; {len(problems)} problem(s)")
    sys.exit(1 if problems else 0)
