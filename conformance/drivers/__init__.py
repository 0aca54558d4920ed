"""Drivers: how the harness talks to an implementation under test.

A driver spec names one:

* ``NAME``: an in-process Python driver registered in the ``qvcp.drivers`` entry-point group
  (``reference`` is the reference implementation);
* ``exec:COMMAND``: any program speaking the driver protocol as JSON lines over stdio;
* ``faulty:NAME``: the reference with one deliberate defect (see :mod:`.faulty`), to prove
  the suite catches it;
* ``mutant:ID``: an implementation's registered source mutant (see :mod:`..mutation`).
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from qvcp.conformance.drivers.inprocess import InProcessTransport
from qvcp.conformance.drivers.stdio import StdioTransport
from qvcp.conformance.session import Transport

__all__ = ["ENTRY_POINT_GROUP", "entry_point_driver", "open_transport", "registered_drivers"]

ENTRY_POINT_GROUP = "qvcp.drivers"


def registered_drivers() -> list[str]:
    """Names of the in-process drivers installed in the entry-point group."""
    return sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))


def entry_point_driver(name: str) -> Any:
    """The driver factory (usually a class) registered under ``name``."""
    found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
    if not found:
        raise LookupError(f"no driver {name!r}; installed: {', '.join(registered_drivers())}; "
                          "or use exec:COMMAND")
    return found[0].load()


def open_transport(spec: str, *, timeout: float = 10.0) -> Transport:
    """Start the implementation named by a driver spec (see the module docstring).

    ``timeout``: seconds to wait for each answer, in-process drivers included.
    """
    if spec.startswith("exec:"):
        return StdioTransport(spec.removeprefix("exec:"), timeout=timeout)
    if spec.startswith("faulty:"):
        from qvcp.conformance.drivers.faulty import faulty_factory

        return InProcessTransport(faulty_factory(spec.removeprefix("faulty:")), label=spec,
                                  timeout=timeout)
    if spec.startswith("mutant:"):
        from qvcp.conformance.mutation import mutant_driver

        return InProcessTransport(mutant_driver(spec.removeprefix("mutant:")), label=spec,
                                  timeout=timeout)
    return InProcessTransport(entry_point_driver(spec), label=spec, timeout=timeout)
