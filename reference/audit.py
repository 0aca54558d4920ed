"""A node's tamper-evident audit log: hash-chained JSON records with keyed checkpoints.

Each record is a JSON object ``{"seq", "t_ns", "node", "event", <fields>..., "prev", "hash"}``
(``schemas/meta/audit.schema.json``):

* ``seq`` is the record's position (0, 1, 2...), ``node`` the id of the node keeping the log,
  ``t_ns`` never decreases;
* ``prev`` is the ``hash`` of the record before (64 zeros for the first) and ``hash`` the
  SHA-256 (hex) of the record's canonical JSON without ``hash``, canonical JSON being
  ``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)``;
* after every ``checkpoint_every`` ordinary records comes a checkpoint, a record with event
  ``"checkpoint"``, ``upto`` (the seq of the record just before it), ``final`` and ``mac``: the
  HMAC-SHA-256 (hex) under the node's audit key of the checkpoint's canonical JSON without
  ``mac`` and ``hash``. As that JSON holds ``prev``, the MAC vouches for every record before it;
* :meth:`AuditLog.close` appends the closing checkpoint, the only one with ``final`` true, and
  a complete log ends with it.

Without the key an editor can recompute the hashes after a change but not the MACs, so any
edit, deletion, insertion, reordering or truncation is found by :func:`verify`. A complete
older log of the same node and key cannot be told from the current one by the log alone.

>>> log = AuditLog(node=3, key=b"k" * 32, checkpoint_every=2)
>>> _ = log.append(10, "started")
>>> _ = log.append(20, "circuit_admitted", circuit=7)
>>> [r["event"] for r in log.records]
['started', 'circuit_admitted', 'checkpoint']
>>> _ = log.close(30)
>>> verify(log.records, b"k" * 32)
Verdict(ok=True, first_bad=None, reason='ok')
>>> log.records[1]["circuit"] = 8
>>> verify(log.records, b"k" * 32).reason
'record 1: hash does not match its content'
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema

__all__ = ["CHECKPOINT", "EVENTS", "GENESIS", "AuditLog", "AuditReadError", "Verdict",
           "canonical", "read", "read_lines", "record_hash", "verify"]

#: ``prev`` of the first record
GENESIS = "0" * 64
CHECKPOINT = "checkpoint"
#: events the reference node logs; others are accepted
EVENTS = ("started", "circuit_admitted", "circuit_refused", "circuit_installed",
          "circuit_torn_down", "circuit_preempted", "auth_refused", "policy_refused", CHECKPOINT)
_RESERVED = ("seq", "t_ns", "node", "event", "prev", "hash")


def canonical(obj: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, ASCII only (NaN and infinities are refused)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False)


def record_hash(record: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of ``record`` without its ``hash``."""
    body = {k: v for k, v in record.items() if k != "hash"}
    return hashlib.sha256(canonical(body).encode("ascii")).hexdigest()


def _mac(record: dict[str, Any], key: bytes) -> str:
    body = {k: v for k, v in record.items() if k not in ("mac", "hash")}
    return hmac.new(key, canonical(body).encode("ascii"), hashlib.sha256).hexdigest()


def _is_closing(record: dict[str, Any]) -> bool:
    return record.get("event") == CHECKPOINT and record.get("final") is True


@dataclass
class AuditLog:
    """The audit log of node ``node``, checkpointed under ``key`` every ``checkpoint_every``
    ordinary records. ``records`` may hold an earlier, unclosed part of the log to extend."""

    node: int
    key: bytes
    checkpoint_every: int = 64
    records: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.key, bytes) or not self.key:
            raise ValueError("key must be non-empty bytes")
        if self.checkpoint_every < 1:
            raise ValueError(f"checkpoint_every must be at least 1, not {self.checkpoint_every}")

    @property
    def closed(self) -> bool:
        """True once the closing checkpoint is the last record."""
        return bool(self.records) and _is_closing(self.records[-1])

    def _since_checkpoint(self) -> int:
        n = 0
        for rec in reversed(self.records):
            if rec.get("event") == CHECKPOINT:
                break
            n += 1
        return n

    def _add(self, t_ns: int, event: str, fields: dict[str, Any]) -> dict[str, Any]:
        if self.closed:
            raise ValueError("the log is closed: nothing may follow its closing checkpoint")
        if not isinstance(t_ns, int) or isinstance(t_ns, bool) or t_ns < 0:
            raise ValueError(f"t_ns must be a non-negative integer, not {t_ns!r}")
        if self.records and t_ns < self.records[-1]["t_ns"]:
            raise ValueError(f"t_ns {t_ns} is before the last record's {self.records[-1]['t_ns']}")
        rec: dict[str, Any] = {"seq": len(self.records), "t_ns": t_ns, "node": self.node,
                               "event": event, **fields,
                               "prev": self.records[-1]["hash"] if self.records else GENESIS}
        if event == CHECKPOINT:
            rec["mac"] = _mac(rec, self.key)
        rec = json.loads(canonical(rec))  # as read back from a file: tuples become lists
        rec["hash"] = record_hash(rec)
        self.records.append(rec)
        return rec

    def _checkpoint(self, t_ns: int, final: bool) -> dict[str, Any]:
        return self._add(t_ns, CHECKPOINT, {"upto": len(self.records) - 1, "final": final})

    def append(self, t_ns: int, event: str, **fields: Any) -> dict[str, Any]:
        """Append a decision ``event`` at ``t_ns`` with JSON-valued ``fields``; return it.

        A checkpoint follows every ``checkpoint_every`` ordinary records. Raises
        :class:`ValueError` for a reserved field name, the event ``checkpoint``, a time before
        the last record's, a value that is not JSON, or a closed log.
        """
        if not isinstance(event, str) or not event:
            raise ValueError(f"event must be a non-empty string, not {event!r}")
        if event == CHECKPOINT:
            raise ValueError("checkpoints are appended by the log itself")
        clash = sorted(set(fields) & set(_RESERVED))
        if clash:
            raise ValueError(f"reserved field name(s): {', '.join(clash)}")
        rec = self._add(t_ns, event, fields)
        if self._since_checkpoint() >= self.checkpoint_every:
            self._checkpoint(t_ns, final=False)
        return rec

    def close(self, t_ns: int) -> dict[str, Any]:
        """Append the closing checkpoint, covering every record; nothing may follow it."""
        return self._checkpoint(t_ns, final=True)

    def write(self, path: str | Path) -> None:
        """Write the records to ``path``, one canonical JSON object a line."""
        Path(path).write_text("".join(canonical(r) + "\n" for r in self.records),
                              encoding="ascii")


class AuditReadError(ValueError):
    """A log file is not JSON lines; ``line`` is 1-based (0 when the file itself is bad)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}" if line else reason)
        self.line = line
        self.reason = reason


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_lines(lines: Iterable[str]) -> list[Any]:
    """Parse an iterable of JSON lines (one value a line, no blank lines) into records.

    Raises :class:`AuditReadError` naming the first line that is not JSON.
    """
    out = []
    for n, line in enumerate(lines, 1):
        text = line.rstrip("\r\n")
        if not text.strip():
            raise AuditReadError(n, "empty line, not JSON")
        try:
            out.append(json.loads(text, parse_constant=_no_constant))
        except ValueError as exc:
            raise AuditReadError(n, f"not JSON ({exc})") from None
    return out


def read(path: str | Path) -> list[Any]:
    """The records of the log file ``path`` (see :func:`read_lines`); :class:`OSError` if it
    cannot be read, :class:`AuditReadError` if it is not UTF-8 JSON lines."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise AuditReadError(0, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return read_lines(text.splitlines())


@dataclass(frozen=True)
class Verdict:
    """Outcome of :func:`verify`: ``first_bad`` is the index of the first bad record (the
    length of the list when the log is truncated), ``reason`` names the field and the rule."""

    ok: bool
    first_bad: int | None
    reason: str


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema  # imported where logs are read, not by the nodes that write them

    from qvcp.schemas.layout import load_json

    return jsonschema.Draft202012Validator(load_json("meta/audit.schema.json"))


def _shape(rec: Any) -> str | None:
    if not isinstance(rec, dict):
        return f"not a JSON object but {type(rec).__name__}"
    errors = sorted(_validator().iter_errors(rec), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        path = ".".join(map(str, errors[0].absolute_path))
        return f"{path}: {errors[0].message}" if path else errors[0].message
    for name in ("seq", "t_ns", "node", "upto")[:4 if rec["event"] == CHECKPOINT else 3]:
        if not isinstance(rec[name], int):
            return f"{name}: {rec[name]!r} is not an integer"
    return None


def verify(records: list[Any], key: bytes) -> Verdict:
    """Check an audit log read back from a node against its audit ``key``.

    Per record, in order: shape (``audit.schema.json``), ``seq`` equals its index, ``node``
    is the first record's, ``prev`` is the previous record's ``hash`` (64 zeros first), ``hash``
    recomputes, ``t_ns`` does not decrease, and for a checkpoint ``upto`` is the seq before it
    and ``mac`` verifies under ``key``; no record follows the closing checkpoint. Then the log
    must be non-empty and end with the closing checkpoint.
    """
    def bad(i: int, why: str) -> Verdict:
        return Verdict(False, i, f"record {i}: {why}")

    prev = GENESIS
    for i, rec in enumerate(records):
        problem = _shape(rec)
        if problem:
            return bad(i, problem)
        if i and _is_closing(records[i - 1]):
            return bad(i, "event: no record may follow the closing checkpoint")
        if rec["seq"] != i:
            return bad(i, f"seq is {rec['seq']}, not its position {i}")
        if rec["node"] != records[0]["node"]:
            return bad(i, f"node is {rec['node']}, not the log's node {records[0]['node']}")
        if rec["prev"] != prev:
            return bad(i, "prev is not the hash of the record before")
        if record_hash(rec) != rec["hash"]:
            return bad(i, "hash does not match its content")
        if i and rec["t_ns"] < records[i - 1]["t_ns"]:
            return bad(i, f"t_ns {rec['t_ns']} is before the previous {records[i - 1]['t_ns']}")
        if rec["event"] == CHECKPOINT:
            if rec["upto"] != i - 1:
                return bad(i, f"upto is {rec['upto']}, not the seq before it {i - 1}")
            if not hmac.compare_digest(_mac(rec, key), rec["mac"]):
                return bad(i, "mac does not verify under the key")
        prev = rec["hash"]
    if not records:
        return Verdict(False, 0, "empty log: no records")
    if not _is_closing(records[-1]):
        return Verdict(False, len(records), "truncated: no closing checkpoint")
    return Verdict(True, None, "ok")
