"""A session with one implementation: handshake, schema checks, evidence, restarts.

The :class:`Session` is the only thing cases talk to. It checks what it sends and what it
receives against the driver schema, keeps the last exchanges as evidence, and turns every
transport problem into a :class:`~qvcp.conformance.protocol.DriverError`.
"""

from __future__ import annotations

import contextlib
from collections import deque
from typing import Any, Protocol

from qvcp.conformance.driverschema import has_definition, problems
from qvcp.conformance.protocol import (
    PROTOCOL_VERSION,
    Device,
    DriverError,
    DriverProtocolError,
    DriverUnsupported,
    Implementation,
    timeout_scale,
)

__all__ = ["Session", "Transport"]

Json = dict[str, Any]
_EVIDENCE_CHARS = 600


class Transport(Protocol):
    """Carries one request to the implementation and brings its raw response back."""

    label: str

    def request(self, verb: str, args: Json, device: Device | None, *,
                scale: float = 1.0) -> Json:
        """The response object (``{"result": ...}`` or ``{"error": ...}``), awaited for
        ``scale`` times the transport's timeout.

        Raises:
            DriverError: timeout, crash or malformed output.
        """

    def restart(self) -> None:
        """Start the implementation afresh (after a crash or timeout)."""

    def close(self) -> None:
        """Stop the implementation."""

    def evidence(self) -> Json:
        """What the transport saw (stderr tail, exit status)."""


def _short(value: Any) -> str:
    import json

    text = json.dumps(value, sort_keys=True, default=repr)
    return text if len(text) <= _EVIDENCE_CHARS else text[:_EVIDENCE_CHARS] + "..."


class Session:
    """Talks to one implementation through a transport."""

    def __init__(self, transport: Transport, *, harness: str) -> None:
        self.transport = transport
        self.harness = harness
        self.exchanges: deque[Json] = deque(maxlen=6)
        self.implementation: Implementation | None = None

    def start(self) -> Implementation:
        """Perform the handshake."""
        result = self.call("hello", {"protocol": PROTOCOL_VERSION, "harness": self.harness})
        if result["protocol"] != PROTOCOL_VERSION:  # pragma: no cover - schema says const
            raise DriverProtocolError(f"protocol {result['protocol']} not spoken",
                                      self.evidence())
        self.implementation = Implementation.from_hello(result)
        return self.implementation

    def call(self, verb: str, args: Json, *, device: Device | None = None) -> Json:
        """Perform ``verb`` and return its checked result."""
        bad_args = problems(f"{verb}.args", args)
        if bad_args:
            raise ValueError(f"harness sent invalid {verb} args: {bad_args}")
        entry: Json = {"verb": verb, "args": _short(args)}
        self.exchanges.append(entry)
        response = self.transport.request(verb, args, device,
                                          scale=timeout_scale(verb, args))
        if "error" in response:
            entry["error"] = response["error"]
            error = response["error"]
            if error.get("kind") == "unsupported":
                raise DriverUnsupported(f"{verb}: {error.get('message', '')}", self.evidence())
            raise DriverError(f"{verb} failed: {error.get('message', '')}", self.evidence())
        result = response.get("result")
        entry["result"] = _short(result)
        result_def = f"{verb}.result"
        bad = problems(result_def, result) if has_definition(result_def) else []
        if bad:
            raise DriverProtocolError(f"{verb} result breaks the driver schema: {bad[0]}",
                                      self.evidence())
        assert isinstance(result, dict)
        return result

    def restart(self) -> Implementation:
        """Restart the implementation and shake hands again."""
        self.transport.restart()
        return self.start()

    def close(self) -> None:
        with contextlib.suppress(DriverError):
            self.transport.close()

    def evidence(self) -> Json:
        """Transport evidence plus the last exchanges."""
        return {**self.transport.evidence(), "last_messages": list(self.exchanges)}
