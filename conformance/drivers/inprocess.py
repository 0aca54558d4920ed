"""In-process transport: a Python object implementing :class:`~qvcp.conformance.protocol.Driver`.

Results are passed through JSON, so an in-process driver is judged exactly like a stdio one
(a tuple or a NaN in a result is malformed output, not a harness crash). Each call runs in a
worker thread and is awaited for the run's ``--timeout`` (scaled like a stdio request): a
driver that hangs makes the case errored (timeout), and the run goes on with a fresh driver
from the factory. Python cannot stop a thread, so the hung call is abandoned, not killed:
it keeps its thread (a daemon, gone when the harness exits) and the old driver object.
A driver with a ``cancel()`` method is told, so that it can end the abandoned call instead of
holding the interpreter (and slowing every later case) until it finishes.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import traceback
from collections.abc import Callable
from typing import Any

from qvcp.conformance.protocol import (
    Device,
    Driver,
    DriverCrashed,
    DriverProtocolError,
    DriverTimeout,
    method_name,
)

__all__ = ["InProcessTransport"]

Json = dict[str, Any]


class _Worker:
    """One daemon thread running the calls given to it, one at a time."""

    def __init__(self, name: str) -> None:
        self.jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        threading.Thread(target=self._loop, name=name, daemon=True).start()

    def _loop(self) -> None:
        while (job := self.jobs.get()) is not None:
            job()

    def run(self, fn: Callable[[], Any], timeout: float | None) -> tuple[bool, Any, Any]:
        """``(done, value, exception)``: ``done`` is false when ``timeout`` passed first."""
        box: dict[str, Any] = {}
        finished = threading.Event()

        def job() -> None:
            try:
                box["value"] = fn()
            except BaseException as exc:  # handed to the caller, with its traceback
                box["error"] = exc
                box["traceback"] = traceback.format_exc(limit=8)
            finished.set()

        self.jobs.put(job)
        if not finished.wait(timeout):
            return False, None, None
        return True, box.get("value"), box.get("error") and (box["error"], box["traceback"])

    def stop(self) -> None:
        self.jobs.put(None)


class InProcessTransport:
    """Calls the driver's methods in a worker thread; ``factory`` builds a fresh driver (and
    the driver object itself) on start and restart. ``timeout``: seconds per call, ``None``
    waits for ever."""

    def __init__(self, factory: Callable[[], Driver], *, label: str,
                 timeout: float | None = 10.0) -> None:
        self.factory = factory
        self.label = label
        self.timeout = timeout
        self.last_traceback = ""
        self.starts = 0
        self._worker = _Worker(f"driver {label}")
        self.driver: Driver = self._build()

    def _build(self) -> Driver:
        done, value, error = self._worker.run(self.factory, self.timeout)
        self.starts += 1
        if not done:
            self._abandon()
            raise DriverTimeout(f"building the driver took more than {self.timeout:g} s",
                                self.evidence())
        if error:
            self.last_traceback = error[1]
            raise DriverCrashed(f"building the driver raised {type(error[0]).__name__}: "
                                f"{error[0]}", self.evidence())
        return value  # type: ignore[no-any-return]

    def _abandon(self) -> None:
        """Leave the hung thread behind, telling the driver to end its call if it can
        (``cancel()``); later calls run in a new thread."""
        cancel = getattr(getattr(self, "driver", None), "cancel", None)
        if callable(cancel):
            with contextlib.suppress(Exception):  # abandoned whatever cancel() does
                cancel()
        self._worker.stop()
        self._worker = _Worker(f"driver {self.label}")

    def request(self, verb: str, args: Json, device: Device | None, *,
                scale: float = 1.0) -> Json:
        method = getattr(self.driver, method_name(verb), None)
        if method is None:
            return {"error": {"kind": "unsupported", "message": f"no method {method_name(verb)}"}}
        kwargs = dict(args)
        if verb == "node.start":
            kwargs["device"] = device
        limit = None if self.timeout is None else self.timeout * scale
        done, result, error = self._worker.run(lambda: method(**kwargs), limit)
        if not done:
            self._abandon()
            raise DriverTimeout(f"{verb}: no answer within {limit:g} s", self.evidence())
        if error:
            exc, trace = error
            if isinstance(exc, NotImplementedError):
                return {"error": {"kind": "unsupported", "message": str(exc) or verb}}
            if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: not the case's
                raise exc
            self.last_traceback = trace
            raise DriverCrashed(f"{verb} raised {type(exc).__name__}: {exc}", self.evidence())
        try:
            text = json.dumps(result, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as exc:
            raise DriverProtocolError(f"{verb} returned something that is not JSON: {exc}",
                                      {"output": repr(result)[:600]}) from None
        return {"result": json.loads(text)}

    def restart(self) -> None:
        self.driver = self._build()

    def close(self) -> None:
        bye = getattr(self.driver, "bye", None)
        if bye is not None:
            self._worker.run(bye, self.timeout)
        self._worker.stop()

    def evidence(self) -> Json:
        return {"transport": f"in-process {self.label}",
                "traceback": self.last_traceback.splitlines()[-12:], "starts": self.starts}
