"""Validation of driver messages against ``schemas/meta/driver.schema.json``.

>>> problems("wire.encode.result", {"hex": "0g"})
["'0g' does not match '^([0-9a-f]{2})*$' at hex"]
>>> problems("wire.encode.result", {"hex": "00"})
[]
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema

from qvcp.schemas.layout import load_json

__all__ = ["driver_schema", "has_definition", "problems"]


@cache
def driver_schema() -> dict[str, Any]:
    """The parsed driver protocol schema."""
    return load_json("meta/driver.schema.json")  # type: ignore[no-any-return]


@cache
def _validator(definition: str) -> jsonschema.Draft202012Validator:
    schema = driver_schema()
    root = {"$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"}
    return jsonschema.Draft202012Validator(root)


def has_definition(definition: str) -> bool:
    """True when the schema defines ``definition`` (e.g. ``"wire.decode.args"``)."""
    return definition in driver_schema()["$defs"]


def problems(definition: str, instance: Any) -> list[str]:
    """Every way ``instance`` breaks ``$defs/<definition>``, as short sentences."""
    out = []
    for err in sorted(_validator(definition).iter_errors(instance), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in err.path)
        out.append(err.message + (f" at {where}" if where else ""))
    return out
