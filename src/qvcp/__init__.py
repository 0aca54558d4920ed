"""QVCP: Quantum Virtual Circuit Protocol suite.

Subpackages:

* :mod:`qvcp.schemas` - the message layer (JSON Schemas, models, binary codec, vectors);
* :mod:`qvcp.reference` - the reference node, noise core and network simulator;
* :mod:`qvcp.conformance` - the conformance harness.

Importing :mod:`qvcp` imports nothing else: ``__version__`` is looked up in the installed
package's metadata on first use, so that ``qvcp --help`` starts quickly.
"""

from __future__ import annotations

SPEC_VERSION = 1
"""The protocol version this package implements (the header ``version`` field)."""


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("qvcp")
        except PackageNotFoundError:  # running from a source tree without install
            return "0+unknown"
    raise AttributeError(f"module 'qvcp' has no attribute {name!r}")
