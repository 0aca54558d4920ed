"""The ``qvcp`` command.

Subcommands live beside the code they drive and are imported only when used, so that
``qvcp wire decode`` does not pay for numpy or the simulator:

* ``qvcp wire encode|decode`` and ``qvcp schemas check``: :mod:`qvcp.wire_cli`
* ``qvcp simulate``: :mod:`qvcp.reference.cli`
* ``qvcp soak``: :mod:`qvcp.reference.soak_cli`
* ``qvcp sweep``: :mod:`qvcp.reference.sweep`
* ``qvcp audit verify``: :mod:`qvcp.reference.audit_cli`
* ``qvcp conform``: :mod:`qvcp.conformance.cli`
* ``qvcp report diff``: :mod:`qvcp.conformance.report_diff`
* ``qvcp mutants``: :mod:`qvcp.conformance.mutants_cli`
* ``qvcp driver new``: :mod:`qvcp.conformance.driver_new`
* ``qvcp matrix``: :mod:`qvcp.conformance.matrix`
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys

import click

__all__ = ["main"]

# name -> "module:attribute" of a click command or group, loaded on first use.
SUBCOMMANDS: dict[str, str] = {
    "wire": "qvcp.wire_cli:wire",
    "schemas": "qvcp.wire_cli:schemas",
    "spec": "qvcp.spec_cli:spec",
    "simulate": "qvcp.reference.cli:simulate",
    "soak": "qvcp.reference.soak_cli:soak",
    "sweep": "qvcp.reference.sweep:sweep",
    "audit": "qvcp.reference.audit_cli:audit",
    "conform": "qvcp.conformance.cli:conform",
    "report": "qvcp.conformance.report_diff:report",
    "mutants": "qvcp.conformance.mutants_cli:mutants",
    "driver": "qvcp.conformance.driver_new:driver",
    "matrix": "qvcp.conformance.matrix:matrix",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when invoked.

    ``qvcp --help`` lists every subcommand with its short help without importing it: the
    help comes from the command's source (its decorator's ``help``/``short_help`` or the
    function's docstring), read with :mod:`ast`; a command without readable source (a
    byte-compiled-only install) is imported instead.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in SUBCOMMANDS if _module_spec(name) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in SUBCOMMANDS or _module_spec(cmd_name) is None:
            return None
        module, _, attr = SUBCOMMANDS[cmd_name].partition(":")
        command = getattr(importlib.import_module(module), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{SUBCOMMANDS[cmd_name]} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, self.summary(ctx, name, limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def summary(self, ctx: click.Context, name: str, limit: int = 45) -> str:
        """The one-line help of subcommand ``name``, from its source when readable."""
        stub = _help_from_source(name)
        if stub is not None:
            return stub.get_short_help_str(limit)
        command = self.get_command(ctx, name)
        return command.get_short_help_str(limit) if command is not None else ""


def _module_spec(name: str) -> importlib.machinery.ModuleSpec | None:
    # find_spec imports the parent packages (qvcp.reference, qvcp.conformance), whose
    # __init__ modules import nothing heavy.
    return importlib.util.find_spec(SUBCOMMANDS[name].partition(":")[0])


def _help_from_source(name: str) -> click.Command | None:
    """A stand-in command carrying the help texts of subcommand ``name`` as its source states
    them, or None when the source cannot be read or does not define it plainly."""
    spec = _module_spec(name)
    attr = SUBCOMMANDS[name].partition(":")[2]
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    try:
        with open(spec.origin, encoding="utf-8") as source:
            tree = ast.parse(source.read(), filename=spec.origin)
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == attr and node.decorator_list:
            texts: dict[str, str | None] = {"help": ast.get_docstring(node), "short_help": None}
            for decorator in node.decorator_list:
                if _is_command_decorator(decorator):
                    for keyword in decorator.keywords:
                        if keyword.arg in texts:
                            if not isinstance(keyword.value, ast.Constant):
                                return None  # computed help: import the command instead
                            texts[keyword.arg] = keyword.value.value
            return click.Command(name, help=texts["help"], short_help=texts["short_help"])
    return None


def _is_command_decorator(node: ast.expr) -> bool:
    """``@click.command(...)`` or ``@click.group(...)`` (not ``@click.option``)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name in ("command", "group")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qvcp", prog_name="qvcp")
def cli() -> None:
    """QVCP: specification tools, reference network and conformance suite."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``qvcp`` console script; returns the exit code."""
    try:
        cli.main(args=argv, prog_name="qvcp", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
