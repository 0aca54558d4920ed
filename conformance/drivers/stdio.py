"""``exec:COMMAND``: an implementation in any language, speaking JSON lines over stdio.

The command is started once (and again after a crash or timeout). Each request is one line on
its stdin; the answer is one line on its stdout, possibly preceded by device calls (which the
harness answers on stdin, with the device the case lends for that request: the node harness
lends its device with every ``node.*`` request, so calls during ``node.receive`` and
``node.advance`` are answered too). Anything on stderr is kept (last lines) as evidence.
Every way the process can misbehave becomes a :class:`~qvcp.conformance.protocol.DriverError`.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shlex
import signal
import subprocess
import threading
import time
from collections import deque
from typing import IO, Any

from qvcp.conformance.driverschema import problems
from qvcp.conformance.protocol import (
    Device,
    DriverCrashed,
    DriverError,
    DriverProtocolError,
    DriverTimeout,
)

__all__ = ["StdioTransport"]

Json = dict[str, Any]
_EOF = object()
_STDERR_LINES = 40


def _pump(stream: IO[str], sink: queue.Queue[Any]) -> None:
    for line in stream:
        sink.put(line)
    sink.put(_EOF)


def _keep_tail(stream: IO[str], tail: deque[str]) -> None:
    for line in stream:
        tail.append(line.rstrip("\n"))


class StdioTransport:
    """Runs ``command`` and talks to it over stdin/stdout."""

    def __init__(self, command: str, *, timeout: float = 10.0, cwd: str | None = None) -> None:
        self.command = command
        self.argv = shlex.split(command)
        self.timeout = timeout
        self.cwd = cwd
        self.label = f"exec:{command}"
        self.stderr_tail: deque[str] = deque(maxlen=_STDERR_LINES)
        self.next_id = 0
        self.starts = 0
        self.proc: subprocess.Popen[str] | None = None
        self.lines: queue.Queue[Any] = queue.Queue()
        self._start()

    # --- process life ---------------------------------------------------------------------

    def _start(self) -> None:
        try:
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, bufsize=1, cwd=self.cwd,
                start_new_session=True)
        except OSError as exc:
            raise DriverCrashed(f"cannot start {self.command!r}: {exc}",
                                {"command": self.command}) from None
        self.starts += 1
        self.lines = queue.Queue()
        assert self.proc.stdout is not None and self.proc.stderr is not None
        threading.Thread(target=_pump, args=(self.proc.stdout, self.lines), daemon=True).start()
        threading.Thread(target=_keep_tail, args=(self.proc.stderr, self.stderr_tail),
                         daemon=True).start()

    def _kill(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)

    def restart(self) -> None:
        self._kill()
        self._start()

    def close(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(DriverError, OSError):
            self._write({"id": self._new_id(), "verb": "bye", "args": {}})
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self._kill()

    # --- exchange -------------------------------------------------------------------------

    def evidence(self) -> Json:
        proc = self.proc
        code = None if proc is None else proc.poll()
        return {"transport": self.label, "exit_status": code,
                "stderr_tail": list(self.stderr_tail)[-15:], "starts": self.starts}

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _write(self, obj: Json) -> None:
        proc = self.proc
        assert proc is not None and proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(obj, separators=(",", ":")) + "\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError) as exc:
            raise DriverCrashed(f"cannot write to the implementation: {exc}",
                                self._evidence_soon()) from None

    def _evidence_soon(self) -> Json:
        """Evidence after giving a dying process a moment to exit and flush stderr."""
        proc = self.proc
        if proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.5)
        time.sleep(0.05)
        return self.evidence()

    def _read(self, deadline: float) -> Json:
        remaining = deadline - time.monotonic()
        try:
            line = self.lines.get(timeout=max(remaining, 0.0))
        except queue.Empty:
            raise DriverTimeout(f"no answer within {self.timeout:g} s", self.evidence()) from None
        if line is _EOF:
            raise DriverCrashed("the implementation closed its stdout (exited?)",
                                self._evidence_soon())
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DriverProtocolError(f"output line is not JSON: {exc.msg}",
                                      {**self.evidence(), "line": line[:400]}) from None
        if not isinstance(obj, dict):
            raise DriverProtocolError("output line is not a JSON object",
                                      {**self.evidence(), "line": line[:400]})
        return obj

    def request(self, verb: str, args: Json, device: Device | None) -> Json:
        if self.proc is None or self.proc.poll() is not None:
            raise DriverCrashed("the implementation is not running", self.evidence())
        rid = self._new_id()
        self._write({"id": rid, "verb": verb, "args": args})
        deadline = time.monotonic() + self.timeout
        while True:
            obj = self._read(deadline)
            if "call" in obj:
                self._answer_device_call(obj, device)
                continue
            bad = problems("response", obj)
            if bad:
                raise DriverProtocolError(f"malformed response: {bad[0]}",
                                          {**self.evidence(), "line": json.dumps(obj)[:400]})
            if obj["id"] != rid:
                raise DriverProtocolError(f"response id {obj['id']} answers no request "
                                          f"(expected {rid})", self.evidence())
            return obj

    def _answer_device_call(self, obj: Json, device: Device | None) -> None:
        bad = problems("device-call", obj)
        if bad:
            raise DriverProtocolError(f"malformed device call: {bad[0]}",
                                      {**self.evidence(), "line": json.dumps(obj)[:400]})
        if device is None:
            reply: Json = {"call": obj["call"], "error": {
                "kind": "unsupported", "message": "the harness lends no device for this request "
                "(capability node.harness-device not claimed, or not a node.* request)"}}
        else:
            reply = {"call": obj["call"], "result": device.call(obj["verb"], obj["args"])}
        self._write(reply)
