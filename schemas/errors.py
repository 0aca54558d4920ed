"""Error codes of the whole suite and the one exception type of the message layer.

The codes come from ``errors.json`` (the single registry); :class:`ErrorCode` is built from it.

>>> ErrorCode.LENGTH_MISMATCH.value, requirement_of(ErrorCode.LENGTH_MISMATCH)
(2, 'WIRE-003.2')
>>> str(WireError(ErrorCode.FIELD_OUT_OF_RANGE, "body.outcome", "code 9 is not an outcome"))
'FIELD_OUT_OF_RANGE (0x0006, WIRE-007) at body.outcome: code 9 is not an outcome'
"""

from __future__ import annotations

import enum

from qvcp.schemas.layout import error_registry

__all__ = ["ErrorCode", "WireError", "error_class", "requirement_of"]

_ENTRIES = {e["name"]: e for e in error_registry()["errors"]}

ErrorCode = enum.IntEnum(  # type: ignore[misc]
    "ErrorCode", {name: e["code"] for name, e in _ENTRIES.items()}, module=__name__
)
ErrorCode.__doc__ = "Registered QVCP error codes (see ``errors.json``)."


def requirement_of(code: ErrorCode) -> str:
    """The spec requirement id a code is tied to."""
    return str(_ENTRIES[code.name]["requirement"])


def error_class(code: int) -> str:
    """The class of any code, registered or not, from its high byte (ERR-002.2)."""
    return str(error_registry()["classes"].get(str(code >> 8), "unknown"))


class WireError(ValueError):
    """A message could not be decoded, encoded or validated.

    Attributes:
        code: the registered :class:`ErrorCode`.
        field: dotted path of the offending field (``"header.length"``, ``"body.qos.priority"``),
            or ``""`` when no single field is to blame.
        reason: what was wrong, for people.
        requirement: the spec requirement id the code is tied to.
    """

    def __init__(self, code: ErrorCode, field: str, reason: str) -> None:
        self.code = code
        self.field = field
        self.reason = reason
        self.requirement = requirement_of(code)
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" at {self.field}" if self.field else ""
        return (f"{self.code.name} (0x{int(self.code):04X}, {self.requirement}){where}: "
                f"{self.reason}")

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (self.code, self.field, self.reason))
