"""QVCP: Quantum Virtual Circuit Protocol suite.

Subpackages:

* :mod:`qvcp.schemas` - the message layer (JSON Schemas, models, binary codec, vectors);
* :mod:`qvcp.reference` - the reference node, noise core and network simulator;
* :mod:`qvcp.conformance` - the conformance harness.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qvcp")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

SPEC_VERSION = 1
"""The protocol version this package implements (the header ``version`` field)."""
