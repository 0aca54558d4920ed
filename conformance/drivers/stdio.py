"""``exec:COMMAND``: an implementation in any language, speaking JSON lines over stdio.

The command is started once (and again after a crash or timeout), in a process group of its
own: stopping it, at the end of the run, on a timeout or when the harness is interrupted,
kills the whole group, so that processes the implementation forked do not outlive the run.
Each request is one line on its stdin; the answer is one line on its stdout, possibly preceded
by device calls (which the harness answers on stdin, with the device the case lends for that
request: the node harness lends its device with every ``node.*`` request, so calls during
``node.receive`` and ``node.advance`` are answered too). Anything on stderr is kept (last
lines) as evidence. Every way the process can misbehave, whatever bytes it writes (not UTF-8,
not JSON, a line longer than :data:`~qvcp.conformance.protocol.MAX_LINE_BYTES` times the
request's :func:`~qvcp.conformance.protocol.timeout_scale`), becomes a
:class:`~qvcp.conformance.protocol.DriverError`.
"""

from __future__ import annotations

import atexit
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
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from qvcp.conformance.driverschema import problems
from qvcp.conformance.protocol import (
    MAX_LINE_BYTES,
    Device,
    DriverCrashed,
    DriverError,
    DriverProtocolError,
    DriverTimeout,
)

__all__ = ["StdioTransport", "escaped"]

Json = dict[str, Any]
_EOF = object()
_STDERR_LINES = 40
_STDERR_LINE = 2000
_SHOWN_BYTES = 200
_CHUNK = 1 << 16


def escaped(raw: bytes, limit: int = _SHOWN_BYTES) -> str:
    """The first ``limit`` bytes of ``raw`` as printable text (other bytes as ``\\xNN``).

    >>> escaped(b"ok \\xff\\x00")
    'ok \\\\xff\\\\x00'
    >>> escaped(b"abcdef", 3)
    'abc... (6 bytes)'
    """
    text = raw[:limit].decode("utf-8", "backslashreplace")
    text = "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)
    return text if len(raw) <= limit else f"{text}... ({len(raw)} bytes)"


@dataclass(frozen=True)
class _BadLine:
    """A line of stdout that cannot be a protocol message."""

    message: str
    raw: bytes


def _read_line(stream: IO[bytes], limit: Callable[[], int]) -> bytes | _BadLine | None:
    """One line without its newline; ``None`` at end of stream. A line longer than
    ``limit()`` (asked again as the line arrives: the request being answered sets it) is read
    to its end and returned as a :class:`_BadLine` holding its first bytes."""
    parts: list[bytes] = []
    size = 0
    while True:
        part = stream.readline(_CHUNK)
        if not part:
            return b"".join(parts) if parts else None  # a last line without newline
        size += len(part)
        if size > limit() + 1 or (size > limit() and not part.endswith(b"\n")):
            break
        parts.append(part)
        if part.endswith(b"\n"):
            return b"".join(parts)[:-1]
    head = (parts[0] if parts else part)[:_SHOWN_BYTES]
    while part and not part.endswith(b"\n"):
        part = stream.readline(_CHUNK)
        size += len(part)
    size -= part.endswith(b"\n")
    return _BadLine(f"output line longer than {limit()} bytes ({size} bytes)", head)


def _pump(stream: IO[bytes], sink: queue.Queue[Any], limit: Callable[[], int]) -> None:
    """Turn stdout into lines of text or :class:`_BadLine`; never dies on what it reads."""
    try:
        while (line := _read_line(stream, limit)) is not None:
            if isinstance(line, bytes):
                try:
                    sink.put(line.decode("utf-8"))
                except UnicodeDecodeError as exc:
                    sink.put(_BadLine(f"output line is not UTF-8 ({exc.reason} at byte "
                                      f"{exc.start})", line))
            else:
                sink.put(line)
    except (OSError, ValueError):  # pipe closed under us: the process is gone
        pass
    except Exception as exc:  # the reader must end with an answer, not die
        sink.put(_BadLine(f"cannot read the implementation's stdout: {exc!r}", b""))
    sink.put(_EOF)


def _keep_tail(stream: IO[bytes], tail: deque[str]) -> None:
    """Keep the last lines of stderr (each cut to 2,000 bytes; the rest of a line is read and
    dropped, so that a flood without newlines costs no memory)."""
    with contextlib.suppress(OSError, ValueError):
        cut = False
        for piece in iter(lambda: stream.readline(_STDERR_LINE), b""):
            if not cut:
                tail.append(escaped(piece.rstrip(b"\n"), _STDERR_LINE))
            cut = not piece.endswith(b"\n")


# every implementation running, for the exit handler
_LIVE: set[StdioTransport] = set()


@atexit.register
def _kill_all() -> None:
    """An interrupted harness leaves no implementation (or child of one) behind."""
    for transport in list(_LIVE):
        transport.kill()


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
        self.proc: subprocess.Popen[bytes] | None = None
        self.lines: queue.Queue[Any] = queue.Queue()
        self.line_limit = MAX_LINE_BYTES  # for the request being answered
        self._start()

    def _line_limit(self) -> int:
        return self.line_limit

    # --- process life ---------------------------------------------------------------------

    def _start(self) -> None:
        try:
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, cwd=self.cwd, start_new_session=True)
        except (OSError, ValueError) as exc:
            raise DriverCrashed(f"cannot start {self.command!r}: {exc}",
                                {"command": self.command}) from None
        _LIVE.add(self)
        self.starts += 1
        self.lines = queue.Queue()
        assert self.proc.stdout is not None and self.proc.stderr is not None
        threading.Thread(target=_pump, args=(self.proc.stdout, self.lines, self._line_limit),
                         daemon=True).start()
        threading.Thread(target=_keep_tail, args=(self.proc.stderr, self.stderr_tail),
                         daemon=True).start()

    def kill(self) -> None:
        """Kill the implementation's whole process group (its children too)."""
        proc = self.proc
        if proc is None:
            return
        # the group outlives its leader when the leader exited and left children behind
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        # stdout and stderr are left to their reader threads, which end at end of file (closing
        # them here could block on a reader, if a process outside the group still holds them)
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        _LIVE.discard(self)

    def restart(self) -> None:
        self.kill()
        self._start()

    def close(self) -> None:
        """Say ``bye``, give the implementation two seconds to exit, then kill its group."""
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(DriverError, OSError):
                self._write({"id": self._new_id(), "verb": "bye", "args": {}})
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=2)
        self.kill()

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
            proc.stdin.write(json.dumps(obj, separators=(",", ":")).encode() + b"\n")
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

    def _read(self, deadline: float, limit: float) -> Json:
        remaining = deadline - time.monotonic()
        try:
            line = self.lines.get(timeout=max(remaining, 0.0))
        except queue.Empty:
            raise DriverTimeout(f"no answer within {limit:g} s", self.evidence()) from None
        if line is _EOF:
            raise DriverCrashed("the implementation closed its stdout (exited?)",
                                self._evidence_soon())
        if isinstance(line, _BadLine):
            raise DriverProtocolError(line.message,
                                      {**self.evidence(), "line": escaped(line.raw)})
        try:
            obj = json.loads(line, parse_constant=_no_constant)
        except (json.JSONDecodeError, ValueError, RecursionError) as exc:
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise DriverProtocolError(f"output line is not JSON: {why}",
                                      {**self.evidence(),
                                       "line": escaped(line.encode())}) from None
        if not isinstance(obj, dict):
            raise DriverProtocolError("output line is not a JSON object",
                                      {**self.evidence(), "line": escaped(line.encode())})
        return obj

    def request(self, verb: str, args: Json, device: Device | None, *,
                scale: float = 1.0) -> Json:
        if self.proc is None or self.proc.poll() is not None:
            raise DriverCrashed("the implementation is not running", self.evidence())
        rid = self._new_id()
        self.line_limit = round(MAX_LINE_BYTES * max(scale, 1.0))
        self._write({"id": rid, "verb": verb, "args": args})
        limit = self.timeout * scale
        deadline = time.monotonic() + limit
        while True:
            obj = self._read(deadline, limit)
            if "call" in obj:
                self._answer_device_call(obj, device)
                continue
            bad = problems("response", obj)
            if bad:
                raise DriverProtocolError(f"malformed response: {bad[0]}",
                                          {**self.evidence(), "line": _short(obj)})
            if obj["id"] != rid:
                raise DriverProtocolError(f"response id {obj['id']} answers no request "
                                          f"(expected {rid})", self.evidence())
            return obj

    def _answer_device_call(self, obj: Json, device: Device | None) -> None:
        bad = problems("device-call", obj)
        if bad:
            raise DriverProtocolError(f"malformed device call: {bad[0]}",
                                      {**self.evidence(), "line": _short(obj)})
        if device is None:
            reply: Json = {"call": obj["call"], "error": {
                "kind": "unsupported", "message": "the harness lends no device for this request "
                "(capability node.harness-device not claimed, or not a node.* request)"}}
        else:
            reply = {"call": obj["call"], "result": device.call(obj["verb"], obj["args"])}
        self._write(reply)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _short(obj: Json) -> str:
    return escaped(json.dumps(obj).encode(), 400)
