"""The driver protocol: verbs, handshake and the Python face of the same verbs.

An implementation under test is reached through a *transport*: JSON lines over stdio
(:mod:`qvcp.conformance.drivers.stdio`) or a Python object implementing :class:`Driver`
(in-process, e.g. the reference through the ``qvcp.drivers`` entry point). Both speak the
verbs of ``schemas/meta/driver.schema.json``; the verb ``wire.decode`` is the method
``wire_decode`` and so on.

>>> method_name("wire.decode")
'wire_decode'
>>> Implementation.from_hello({"protocol": 1, "implementation": {"name": "x", "version": "1",
...     "language": "C"}, "spec_version": "1.0", "profiles": ["wire"],
...     "capabilities": []}).claims("wire")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "MAX_LINE_BYTES",
    "PAIRS_PER_TIMEOUT",
    "PROFILES",
    "PROTOCOL_VERSION",
    "Device",
    "Driver",
    "DriverCrashed",
    "DriverError",
    "DriverProtocolError",
    "DriverTimeout",
    "DriverUnsupported",
    "Implementation",
    "method_name",
    "timeout_scale",
]

PROTOCOL_VERSION = 1
PROFILES = ("wire", "node", "network")
#: the longest line an implementation may write on stdout (newline excluded), per ``--timeout``
#: period the request gets (:func:`timeout_scale`): a large ``network.run`` may answer more
MAX_LINE_BYTES = 1 << 20
#: a ``network.run`` gets one more ``--timeout`` per this many pairs it is asked for
PAIRS_PER_TIMEOUT = 500

Json = dict[str, Any]


def method_name(verb: str) -> str:
    """The Python method implementing a verb."""
    return verb.replace(".", "_")


def timeout_scale(verb: str, args: Mapping[str, Any]) -> float:
    """How many ``--timeout`` periods the answer to one request may take.

    Every verb gets one, except ``network.run``, whose work grows with the pairs it is asked
    to deliver: one more period per :data:`PAIRS_PER_TIMEOUT` pairs requested in all circuits.

    >>> timeout_scale("wire.decode", {"hex": "00"})
    1.0
    >>> timeout_scale("network.run", {"circuits": [{"num_pairs": 4620}, {"num_pairs": 380}]})
    11.0
    """
    if verb != "network.run":
        return 1.0
    pairs = 0
    for circuit in args.get("circuits") or ():
        value = circuit.get("num_pairs", 0) if isinstance(circuit, Mapping) else 0
        if isinstance(value, int) and value > 0:
            pairs += value
    return 1.0 + pairs / PAIRS_PER_TIMEOUT


@dataclass(frozen=True, kw_only=True)
class Implementation:
    """Who answered the handshake, and what it claims."""

    name: str
    version: str
    language: str
    spec_version: str
    profiles: frozenset[str]
    capabilities: frozenset[str]
    message_types: frozenset[str] | None = None
    # profile -> the spec chapters claimed for it; a profile not listed: every chapter
    chapters: Mapping[str, frozenset[str]] = field(default_factory=dict, hash=False)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_hello(cls, result: Mapping[str, Any]) -> Implementation:
        impl = result["implementation"]
        types = result.get("message_types")
        chapters = result.get("chapters") or {}
        return cls(name=impl["name"], version=impl["version"], language=impl["language"],
                   spec_version=result["spec_version"], profiles=frozenset(result["profiles"]),
                   capabilities=frozenset(result["capabilities"]),
                   message_types=None if types is None else frozenset(types),
                   chapters={p: frozenset(c) for p, c in chapters.items()}, raw=dict(result))

    def claims(self, profile: str, capabilities: tuple[str, ...] = ()) -> bool:
        """True when the profile and every capability are claimed."""
        return profile in self.profiles and set(capabilities) <= self.capabilities

    def claims_chapter(self, profile: str, chapter: str) -> bool:
        """True when every chapter of ``profile`` is claimed, or ``chapter`` is among those
        claimed (``chapter == ""``: a case spanning several chapters needs all of them).

        >>> impl = Implementation(name="x", version="1", language="C", spec_version="1.0",
        ...     profiles=frozenset({"node"}), capabilities=frozenset(),
        ...     chapters={"node": frozenset({"03-link-layer"})})
        >>> [impl.claims_chapter("node", c) for c in ("03-link-layer", "05-signalling", "")]
        [True, False, False]
        >>> impl.claims_chapter("wire", "02-wire-format")
        True
        """
        claimed = self.chapters.get(profile)
        return claimed is None or (bool(chapter) and chapter in claimed)

    def as_dict(self) -> Json:
        return {"name": self.name, "version": self.version, "language": self.language,
                "spec_version": self.spec_version, "profiles": sorted(self.profiles),
                "capabilities": sorted(self.capabilities),
                "message_types": None if self.message_types is None
                else sorted(self.message_types),
                "chapters": {p: sorted(c) for p, c in sorted(self.chapters.items())} or None}


class DriverError(Exception):
    """The implementation could not be talked to; the case is *errored*, with evidence.

    ``evidence`` holds what a person needs to see: stderr tail, last messages exchanged,
    the offending line.
    """

    reason = "driver error"
    restart = False  # the implementation must be restarted before the next case

    def __init__(self, message: str, evidence: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.evidence: dict[str, Any] = dict(evidence or {})


class DriverTimeout(DriverError):
    """No answer within the time limit."""

    reason = "timeout"
    restart = True


class DriverCrashed(DriverError):
    """The implementation exited, or an in-process driver raised."""

    reason = "crashed"
    restart = True


class DriverProtocolError(DriverError):
    """The implementation wrote something that is not a valid protocol message."""

    reason = "malformed driver output"
    restart = True


class DriverUnsupported(DriverError):
    """The implementation answered a verb with error kind ``unsupported``: the case is
    *unsupported*, like a case outside the handshake's claims, not errored."""

    reason = "unsupported verb"


@runtime_checkable
class Device(Protocol):
    """A quantum device the harness provides to a node (capability node.harness-device).

    ``call("device.swap", {...})`` returns the harness's scripted result.
    """

    def call(self, verb: str, args: Json) -> Json: ...


@runtime_checkable
class Driver(Protocol):
    """An in-process implementation: one method per verb, keyword arguments as in the schema.

    Every method returns the verb's ``result`` object (a ``dict``). Raise
    ``NotImplementedError`` for a verb you do not support (the case is then unsupported).
    Methods run in a worker thread of the harness, under the run's ``--timeout``. Only
    ``hello`` is mandatory; the others are looked up by name (:func:`method_name`) when a
    claimed profile needs them:

    * ``reset()``, ``bye()``
    * ``wire_decode(*, hex, keys=None)``, ``wire_encode(*, json)``
    * ``node_start(*, node_id, now_ns, config, harness_device, device)``: ``device`` is a
      :class:`Device` when ``harness_device`` is true, else ``None``; keep it and use it
      during any later ``node_*`` call (it stays valid until the next ``node_start``)
    * ``node_receive(*, now_ns, message)``, ``node_advance(*, now_ns)``, ``node_status()``
    * ``network_run(*, scenario, circuits, until_ns, seed, measure=None)``
    * ``cancel()``: optional, called from the harness's own thread when it gives up waiting
      for a call (``--timeout``). Python cannot stop the worker thread, so a call left
      running would hold the interpreter and slow every later case of the run; a driver
      whose calls can run long should stop the running call soon after ``cancel()`` (for
      example by raising from the call's own loop) and need not return anything useful
    """

    def hello(self, *, protocol: int, harness: str) -> Json: ...
