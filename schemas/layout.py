"""The wire layout tree, read once from the JSON Schemas.

Every other part of the message layer (binary codec, pydantic models, Hypothesis strategies,
generated documentation) is derived from the nodes built here, so that the JSON files in
``schemas/json/`` stay the single source of truth.

>>> spec = message_specs()["HERALD"]
>>> spec.type_code, [name for name, _ in spec.body.fields]
(17, ['link_id', 'slot_ns', 'attempt_id_a', 'attempt_id_b', 'results'])
>>> spec.body.fields[4][1].item.fields[0][1].codes["PSI_MINUS"]
3
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

__all__ = [
    "HEADER_LENGTH",
    "Array",
    "Ascii",
    "Enum",
    "MessageSpec",
    "Node",
    "Object",
    "Uint",
    "common_schema",
    "error_registry",
    "load_json",
    "message_specs",
    "schema_files",
    "specs_by_code",
    "treated_as",
    "wire_constants",
]

INT_BITS = {"u8": 8, "u16": 16, "u32": 32, "u64": 64}


@dataclass(frozen=True, slots=True)
class Uint:
    """Unsigned big-endian integer of ``fmt`` (u8/u16/u32/u64) bounded to [minimum, maximum]."""

    fmt: str
    minimum: int
    maximum: int
    unit: str | None = None
    const: int | None = None


@dataclass(frozen=True, slots=True)
class Enum:
    """A name carried on the wire as a u8 code.

    An *open* enumeration (``x-registry.open``) may grow without a new protocol version: a
    receiver decodes an unassigned code as the integer itself (its JSON form, WIRE-040), so it
    can act on the message by the rule its chapter gives for unknown values and relay it
    unchanged (WIRE-043).
    """

    codes: dict[str, int]
    open: bool = False

    @property
    def names_by_code(self) -> dict[int, str]:
        return {code: name for name, code in self.codes.items()}


@dataclass(frozen=True, slots=True)
class Ascii:
    """Printable ASCII text with a u8 length prefix."""

    max_length: int


@dataclass(frozen=True, slots=True)
class Array:
    """Items prefixed by a count of format ``count_fmt``."""

    count_fmt: str
    item: Node
    max_items: int


@dataclass(frozen=True, slots=True)
class Object:
    """Fields in wire order."""

    name: str
    fields: tuple[tuple[str, Node], ...]


Node = Uint | Enum | Ascii | Array | Object


@dataclass(frozen=True, slots=True)
class MessageSpec:
    """One message type as declared by its schema file."""

    name: str
    type_code: int
    family: str
    requirement: str
    file: str
    description: str
    body: Object
    schema: dict[str, Any]

    @property
    def treatment(self) -> str:
        """How the message survives loss (spec chapter 11 section 1): ``acknowledged`` (ACK
        or ERROR answers it, else it is retransmitted), ``own-answer`` (its own answer
        message does), ``time-critical`` (never retransmitted) or ``local`` (between an
        application and its node, not on the network)."""
        return str(self.schema["x-wire"]["treatment"])


def _data_root():  # type: ignore[no-untyped-def]
    return files("qvcp.schemas")


def load_json(relative: str) -> Any:
    """Load a JSON file shipped with :mod:`qvcp.schemas` (path relative to the package)."""
    return json.loads(_data_root().joinpath(relative).read_text(encoding="utf-8"))


def schema_files() -> list[str]:
    """Names of every ``*.schema.json`` file in ``json/``, sorted."""
    return sorted(p.name for p in _data_root().joinpath("json").iterdir()
                  if p.name.endswith(".schema.json"))


@cache
def common_schema() -> dict[str, Any]:
    """The parsed ``common.schema.json``."""
    return load_json("json/common.schema.json")  # type: ignore[no-any-return]


@cache
def error_registry() -> dict[str, Any]:
    """The parsed ``errors.json`` registry."""
    return load_json("errors.json")  # type: ignore[no-any-return]


def wire_constants() -> dict[str, Any]:
    """The ``x-wire`` annotation of the common schema (header layout, flags, extensions)."""
    return common_schema()["x-wire"]  # type: ignore[no-any-return]


HEADER_LENGTH = 20


def _resolve(prop: dict[str, Any]) -> dict[str, Any]:
    """Merge a property with the common definition it references (local keys win)."""
    ref = prop.get("$ref")
    if ref is None:
        return prop
    _, _, pointer = ref.partition("#/$defs/")
    base = _resolve(common_schema()["$defs"][pointer])
    merged = {**base, **{k: v for k, v in prop.items() if k != "$ref"}}
    merged.setdefault("x-def", pointer)
    return merged


def _node(name: str, prop: dict[str, Any]) -> Node:
    p = _resolve(prop)
    wire = p.get("x-wire", {})
    fmt = wire.get("format")
    if p.get("type") == "object":
        layout = wire["layout"]
        props = p["properties"]
        if sorted(layout) != sorted(props) or sorted(p.get("required", [])) != sorted(props):
            raise ValueError(f"{name}: x-wire.layout, properties and required differ")
        return Object(p.get("x-def", name), tuple((f, _node(f, props[f])) for f in layout))
    if fmt in INT_BITS:
        if "codes" in wire:
            is_open = bool(p.get("x-registry", {}).get("open"))
            names = p["anyOf"][0]["enum"] if is_open else p["enum"]
            if list(wire["codes"]) != names:
                raise ValueError(f"{name}: enum and x-wire.codes differ")
            return Enum(dict(wire["codes"]), is_open)
        return Uint(fmt, p.get("minimum", 0), p.get("maximum", 2 ** INT_BITS[fmt] - 1),
                    p.get("x-unit"))
    if fmt == "ascii8":
        return Ascii(p["maxLength"])
    if fmt == "array":
        return Array(wire["count"], _node(name + "[]", p["items"]), p["maxItems"])
    raise ValueError(f"{name}: no wire format")


@cache
def message_specs() -> dict[str, MessageSpec]:
    """Every message type, by name, in type-code order."""
    specs = []
    for file in schema_files():
        if file == "common.schema.json":
            continue
        schema = load_json(f"json/{file}")
        wire = schema["x-wire"]
        name = schema["title"]
        body = _node(name, schema["properties"]["body"])
        assert isinstance(body, Object)
        specs.append(MessageSpec(name, wire["type_code"], wire["family"], wire["requirement"],
                                 file, schema["description"], Object(name, body.fields), schema))
    specs.sort(key=lambda s: s.type_code)
    return {s.name: s for s in specs}


@cache
def treated_as(treatment: str) -> frozenset[str]:
    """Names of the message types whose treatment (:attr:`MessageSpec.treatment`, spec
    chapter 11 section 1) is ``treatment``."""
    return frozenset(name for name, spec in message_specs().items()
                     if spec.treatment == treatment)


@cache
def specs_by_code() -> dict[int, MessageSpec]:
    """Every message type, by wire type code."""
    return {s.type_code: s for s in message_specs().values()}
