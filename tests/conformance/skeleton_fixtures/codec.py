"""A known-good codec.py for the Python driver skeleton: decode and encode delegate to the
executable message layer (qvcp.schemas), which the test vectors were checked against; encode
judges a message's extensions as the reference does (EXT-001.2, EXT-002)."""

from __future__ import annotations

from typing import Any

from qvcp.reference.messages import check_extensions
from qvcp.schemas import WireError
from qvcp.schemas import decode as _decode
from qvcp.schemas import encode as _encode

MESSAGE_TYPES: list[str] | None = None


class Reject(Exception):
    def __init__(self, code: int, name: str, detail: str = "") -> None:
        super().__init__(f"{name} ({code}): {detail}")
        self.code, self.name, self.detail = code, name, detail


def _reject(exc: WireError) -> Reject:
    return Reject(int(exc.code), exc.code.name, str(exc))


def decode(data: bytes) -> dict[str, Any]:
    try:
        return _decode(data)
    except WireError as exc:
        raise _reject(exc) from None


def encode(message: Any) -> bytes:
    try:
        data = _encode(message)
        check_extensions(message)  # after the values, as decode judges them (WIRE-017)
        return data
    except WireError as exc:
        raise _reject(exc) from None
