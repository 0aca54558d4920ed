"""The field tables of the spec chapters say what the schemas say (no drift)."""

from __future__ import annotations

import re

import pytest

from qvcp.schemas.layout import Array, Ascii, Enum, Node, Object, Uint, message_specs
from qvcp.specindex import find_spec_dir

SPEC = find_spec_dir()
TYPE_RE = re.compile(r"^Type code `0x([0-9a-fA-F]{2})`; schema `schemas/json/([^`]+)`; "
                     r"body layout in this order, (\d+) bytes")
ROW_RE = re.compile(r"^\| `([a-z_0-9]+)` \| ([^|]+) \|")
FIXED = {"u8": 1, "u16": 2, "u32": 4, "u64": 8}


def _tables() -> dict[int, tuple[str, int, list[tuple[str, str]]]]:
    """type code -> (schema file, fixed bytes, [(field, wire type text)]) from every chapter."""
    out = {}
    for path in sorted(SPEC.glob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            m = TYPE_RE.match(line)
            if not m:
                continue
            rows = []
            for later in lines[i + 1:]:
                if later.startswith("#"):
                    break
                row = ROW_RE.match(later)
                if row:
                    rows.append((row.group(1), row.group(2).strip()))
                elif rows and not later.startswith("|"):
                    break
            out[int(m.group(1), 16)] = (m.group(2), int(m.group(3)), rows)
    return out


TABLES = _tables()


def _fixed_size(node: Node) -> int:
    if isinstance(node, Uint):
        return FIXED[node.fmt]
    if isinstance(node, Enum):
        return 1
    if isinstance(node, Object):
        return sum(_fixed_size(c) for _, c in node.fields)
    return 0  # variable-length: counted separately by the spec


def _wire_word(node: Node) -> str:
    if isinstance(node, Uint):
        return node.fmt
    if isinstance(node, Enum):
        return "u8"
    if isinstance(node, Ascii):
        return "ascii8"
    if isinstance(node, Array):
        return "array"
    return node.name


@pytest.mark.parametrize("name", list(message_specs()))
def test_spec_table_matches_schema(name: str) -> None:
    spec = message_specs()[name]
    assert spec.type_code in TABLES, f"no field table for {name} in spec/"
    file, fixed, rows = TABLES[spec.type_code]
    assert file == spec.file
    assert [f for f, _ in rows] == [f for f, _ in spec.body.fields]
    for (field, text), (_, node) in zip(rows, spec.body.fields, strict=True):
        assert text.split()[0].rstrip(":") == _wire_word(node), (name, field, text)
    assert fixed == sum(_fixed_size(n) for _, n in spec.body.fields
                        if not isinstance(n, Array | Ascii)), name
