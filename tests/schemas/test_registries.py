"""Every enumeration is a registry that says whether it is open, and the specification's
table of open enumerations (chapter 02 section 9.1) names exactly the open ones."""

from __future__ import annotations

import re
from pathlib import Path

from qvcp.schemas.layout import (
    Array,
    Enum,
    Node,
    Object,
    common_schema,
    message_specs,
    wire_constants,
)

ROOT = Path(__file__).resolve().parents[2]


def _enum_defs() -> dict[str, dict]:
    return {name: d for name, d in common_schema()["$defs"].items()
            if "codes" in d.get("x-wire", {})}


def test_every_enumeration_has_a_registry_entry_with_policy() -> None:
    defs = _enum_defs()
    assert len(defs) >= 8
    for name, d in defs.items():
        reg = d.get("x-registry")
        assert reg and isinstance(reg["open"], bool) and reg["policy"], name
        if reg["open"]:
            assert reg["unknown"], f"{name}: an open enumeration says what a receiver does"


def test_the_spec_table_lists_exactly_the_open_enumerations() -> None:
    text = (ROOT / "spec" / "02-wire-format.md").read_text(encoding="utf-8")
    section = text.split("### 9.1 Open and closed enumerations")[1].split("### 9.2")[0]
    in_table = set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M))
    assert in_table == {n for n, d in _enum_defs().items() if d["x-registry"]["open"]}


def test_grease_codes_are_unassigned_in_every_open_enumeration() -> None:
    grease = wire_constants()["grease"]
    for name, d in _enum_defs().items():
        assert not set(grease["enum_codes"]) & set(d["x-wire"]["codes"].values()), name
    known = {int(t) for t in wire_constants()["known_extensions"]}
    assert not set(grease["extension_types"]) & known
    assert all(0 < t < 0x8000 for t in grease["extension_types"])


def _open_enums(node: Node) -> list[Enum]:
    if isinstance(node, Enum):
        return [node] if node.open else []
    if isinstance(node, Array):
        return _open_enums(node.item)
    if isinstance(node, Object):
        return [e for _, child in node.fields for e in _open_enums(child)]
    return []


def test_every_open_enumeration_field_has_grease_vectors() -> None:
    from qvcp.schemas.vectors import load_cases

    grease = {c.json["type"] for c in load_cases() if "-grease-" in c.id and c.valid}
    with_open = {name for name, spec in message_specs().items() if _open_enums(spec.body)}
    assert with_open and with_open <= grease
