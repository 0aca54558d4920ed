"""Pydantic models of every message, built at import from the JSON Schemas.

One model per message type (``MODELS["HERALD"]``), each the envelope
``{version, type, message_id, source, destination, body, extensions, auth}`` with a typed body.
:func:`validate_message` turns a canonical-JSON object into a model instance or raises
:class:`~qvcp.schemas.errors.WireError` naming the field and the spec rule.

>>> msg = validate_message({"version": 1, "type": "TEARDOWN", "message_id": 9, "source": 1,
...     "destination": 2, "body": {"circuit_id": 4, "reason": "NORMAL"}, "extensions": [],
...     "auth": None})
>>> msg.body.reason, type(msg).__name__
('NORMAL', 'TEARDOWN')
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationError,
    create_model,
)
from pydantic_core import PydanticCustomError

from qvcp.schemas.errors import ErrorCode, WireError
from qvcp.schemas.layout import Array, Ascii, Enum, Node, Object, Uint, common_schema, message_specs

__all__ = ["MODELS", "Auth", "Extension", "MessageModel", "validate_message"]

_CONFIG = ConfigDict(extra="forbid", strict=True, frozen=True)

HexStr = Annotated[str, StringConstraints(pattern=r"^([0-9a-f]{2})*$")]


class MessageModel(BaseModel):
    """Base of every generated message model."""

    model_config = _CONFIG


class Extension(BaseModel):
    """A TLV extension (``common.schema.json#/$defs/extension``)."""

    model_config = _CONFIG
    type: Annotated[int, Field(ge=0, le=0x7FFF)]
    critical: bool
    value: Annotated[HexStr, Field(max_length=2 * 0xFFFF)]


class Auth(BaseModel):
    """Authentication trailer (``common.schema.json#/$defs/auth``)."""

    model_config = _CONFIG
    key_id: Annotated[int, Field(ge=0, le=0xFFFFFFFF)]
    tag: Annotated[HexStr, Field(min_length=64, max_length=64)]


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_"))


def _type_of(node: Node, owner: str) -> Any:
    if isinstance(node, Uint):
        return Annotated[int, Field(ge=node.minimum, le=node.maximum)]
    if isinstance(node, Enum):
        if node.open:
            return Annotated[str | int, PlainValidator(_open_enum_check(node))]
        return Literal[tuple(node.codes)]
    if isinstance(node, Ascii):
        return Annotated[str, StringConstraints(pattern=r"^[ -~]*$", max_length=node.max_length)]
    if isinstance(node, Array):
        item = _type_of(node.item, owner)
        return Annotated[list[item], Field(max_length=node.max_items)]  # type: ignore[valid-type]
    return _object_model(node, owner)


def _open_enum_check(node: Enum) -> Any:
    """Validator of an open enumeration: an assigned name, or an unassigned u8 code (WIRE-040;
    an assigned code must be written as its name, WIRE-042)."""
    names, codes = set(node.codes), set(node.codes.values())

    def check(value: Any) -> str | int:
        if isinstance(value, str):
            if value in names:
                return value
            raise PydanticCustomError("enum", "name {value} is not one of {names}",
                                      {"value": value, "names": sorted(names)})
        if isinstance(value, int) and not isinstance(value, bool):
            if 0 <= value <= 255 and value not in codes:
                return value
            raise PydanticCustomError("enum", "code {value} is assigned or outside 0..255: "
                                      "write an assigned code as its name", {"value": value})
        raise PydanticCustomError("open_enum_type", "expected a name or an unassigned code")
    return check


_OBJECT_MODELS: dict[str, type[BaseModel]] = {}


def _object_model(node: Object, owner: str) -> type[BaseModel]:
    defs = common_schema()["$defs"]
    key = node.name if node.name in defs else f"{owner}.{node.name}"
    if key not in _OBJECT_MODELS:
        fields: dict[str, Any] = {name: (_type_of(child, owner), ...)
                                  for name, child in node.fields}
        _OBJECT_MODELS[key] = create_model(  # type: ignore[call-overload]
            _camel(key.replace(".", "_")), __config__=_CONFIG, **fields
        )
    return _OBJECT_MODELS[key]


def _message_model(name: str) -> type[MessageModel]:
    spec = message_specs()[name]
    body = _object_model(spec.body, name)
    body.__name__ = _camel(name) + "Body"
    return create_model(  # type: ignore[call-overload,no-any-return]
        name,
        __base__=MessageModel,
        __doc__=spec.description,
        version=(Literal[1], ...),
        type=(Literal[name], ...),
        message_id=(Annotated[int, Field(ge=0, le=0xFFFFFFFF)], ...),
        source=(Annotated[int, Field(ge=0, le=0xFFFFFFFF)], ...),
        destination=(Annotated[int, Field(ge=0, le=0xFFFFFFFF)], ...),
        body=(body, ...),
        extensions=(list[Extension], ...),
        auth=(Auth | None, ...),
    )


MODELS: dict[str, type[MessageModel]] = {name: _message_model(name) for name in message_specs()}
"""Message model by message type name."""

_RANGE_ERRORS = {
    "greater_than_equal", "less_than_equal", "literal_error", "string_pattern_mismatch",
    "string_too_long", "string_too_short", "too_long", "enum",
}


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def validate_message(obj: Any) -> MessageModel:
    """Validate a canonical-JSON object (already parsed) and return its model instance.

    Raises:
        WireError: in the order of WIRE-017: SCHEMA_VIOLATION when not an object,
            UNSUPPORTED_VERSION, UNKNOWN_MESSAGE_TYPE, SCHEMA_VIOLATION for a wrong shape
            (missing, extra or mistyped member), then FIELD_OUT_OF_RANGE for a value out of
            its range or enumeration; ``field`` names the first offending field.
    """
    if not isinstance(obj, dict):
        raise WireError(ErrorCode.SCHEMA_VIOLATION, "", "a message is a JSON object")
    version = obj.get("version")
    if version != 1 and isinstance(version, int) and not isinstance(version, bool):
        raise WireError(ErrorCode.UNSUPPORTED_VERSION, "version", f"version {version} is not 1")
    name = obj.get("type")
    if not isinstance(name, str):
        raise WireError(ErrorCode.SCHEMA_VIOLATION, "type", "missing or not a string")
    model = MODELS.get(name)
    if model is None:
        raise WireError(ErrorCode.UNKNOWN_MESSAGE_TYPE, "type", f"unknown message type {name!r}")
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # WIRE-017: shape defects (SCHEMA_VIOLATION) before values out of range.
        shape = [e for e in errors if e["type"] not in _RANGE_ERRORS
                 or (e["type"] == "literal_error" and not isinstance(e["input"], str))]
        err = (shape or errors)[0]
        code = ErrorCode.SCHEMA_VIOLATION if shape else ErrorCode.FIELD_OUT_OF_RANGE
        raise WireError(code, _path(err["loc"]), err["msg"]) from None
