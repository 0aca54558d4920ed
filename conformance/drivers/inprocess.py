"""In-process transport: a Python object implementing :class:`~qvcp.conformance.protocol.Driver`.

Results are passed through JSON, so an in-process driver is judged exactly like a stdio one
(a tuple or a NaN in a result is malformed output, not a harness crash).
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from typing import Any

from qvcp.conformance.protocol import (
    Device,
    Driver,
    DriverCrashed,
    DriverProtocolError,
    method_name,
)

__all__ = ["InProcessTransport"]

Json = dict[str, Any]


class InProcessTransport:
    """Calls the driver's methods directly; ``factory`` builds a fresh driver on restart."""

    def __init__(self, factory: Callable[[], Driver], *, label: str) -> None:
        self.factory = factory
        self.label = label
        self.driver: Driver = factory()
        self.last_traceback = ""

    def request(self, verb: str, args: Json, device: Device | None) -> Json:
        method = getattr(self.driver, method_name(verb), None)
        if method is None:
            return {"error": {"kind": "unsupported", "message": f"no method {method_name(verb)}"}}
        kwargs = dict(args)
        if verb == "node.start":
            kwargs["device"] = device
        try:
            result = method(**kwargs)
        except NotImplementedError as exc:
            return {"error": {"kind": "unsupported", "message": str(exc) or verb}}
        except Exception as exc:
            self.last_traceback = traceback.format_exc(limit=8)
            raise DriverCrashed(f"{verb} raised {type(exc).__name__}: {exc}",
                                self.evidence()) from None
        try:
            text = json.dumps(result, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise DriverProtocolError(f"{verb} returned something that is not JSON: {exc}",
                                      {"output": repr(result)[:600]}) from None
        return {"result": json.loads(text)}

    def restart(self) -> None:
        self.driver = self.factory()

    def close(self) -> None:
        bye = getattr(self.driver, "bye", None)
        if bye is not None:
            bye()

    def evidence(self) -> Json:
        return {"transport": f"in-process {self.label}",
                "traceback": self.last_traceback.splitlines()[-12:]}
