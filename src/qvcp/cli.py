"""The ``qvcp`` command.

Subcommands live beside the code they drive and are imported only when used, so that
``qvcp wire decode`` does not pay for numpy or the simulator:

* ``qvcp wire encode|decode`` and ``qvcp schemas check``: :mod:`qvcp.wire_cli`
* ``qvcp simulate``: :mod:`qvcp.reference.cli`
* ``qvcp soak``: :mod:`qvcp.reference.soak_cli`
* ``qvcp audit verify``: :mod:`qvcp.reference.audit_cli`
* ``qvcp conform``: :mod:`qvcp.conformance.cli`
* ``qvcp mutants``: :mod:`qvcp.conformance.mutants_cli`
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from qvcp import __version__

__all__ = ["main"]

# name -> "module:attribute" of a click command or group, loaded on first use.
SUBCOMMANDS: dict[str, str] = {
    "wire": "qvcp.wire_cli:wire",
    "schemas": "qvcp.wire_cli:schemas",
    "spec": "qvcp.spec_cli:spec",
    "simulate": "qvcp.reference.cli:simulate",
    "soak": "qvcp.reference.soak_cli:soak",
    "audit": "qvcp.reference.audit_cli:audit",
    "conform": "qvcp.conformance.cli:conform",
    "mutants": "qvcp.conformance.mutants_cli:mutants",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported when invoked or listed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in SUBCOMMANDS if self._spec_available(name))

    @staticmethod
    def _spec_available(name: str) -> bool:
        module = SUBCOMMANDS[name].partition(":")[0]
        return importlib.util.find_spec(module) is not None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None or not self._spec_available(cmd_name):
            return None
        module, _, attr = target.partition(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qvcp")
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
