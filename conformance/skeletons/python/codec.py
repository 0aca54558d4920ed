"""The message codec of __QVCP_NAME__: write ``decode`` and ``encode`` here.

driver.py calls them for the verbs ``wire.decode`` and ``wire.encode``. Both follow the
QVCP wire format (spec chapter 02; message layouts in the JSON Schemas' ``x-wire``
annotations; the test vectors show every rule at work). Until a function is written it
raises ``NotImplementedError``, which driver.py reports as a rejection with code 0, so every
wire case fails with "not implemented" in its evidence.
"""

from __future__ import annotations

from typing import Any

# The message types this codec handles, by name ("HERALD", "TEARDOWN", ...). The harness
# judges only the test vectors of claimed types; None claims every registered type.
MESSAGE_TYPES: list[str] | None = None


class Reject(Exception):
    """A protocol rejection: the registered error of schemas/errors.json that the input
    breaks, e.g. ``Reject(1, "TRUNCATED", "2 bytes, a header needs 20")``."""

    def __init__(self, code: int, name: str, detail: str = "") -> None:
        super().__init__(f"{name} ({code}): {detail}")
        self.code, self.name, self.detail = code, name, detail


def decode(data: bytes) -> dict[str, Any]:
    """The canonical JSON form of the binary message ``data``; raise ``Reject`` for a message
    the specification rejects."""
    raise NotImplementedError("decode() in codec.py is not written yet")


def encode(message: Any) -> bytes:
    """The binary form of ``message`` (any JSON value: a canonical JSON message, or something
    to reject); raise ``Reject`` for a message the specification rejects."""
    raise NotImplementedError("encode() in codec.py is not written yet")
