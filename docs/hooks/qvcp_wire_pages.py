"""Markdown of the wire reference pages: ``messages.md`` (every message's layout, from the
layout tree), ``errors.md`` (the error registry) and ``vectors.md`` (the test vectors).

Pure functions, called by the mkdocs hook through :mod:`qvcp_pages`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qvcp_site import ERRORS, MESSAGES, VECTORS, Site, cell, table

from qvcp.schemas.layout import Array, Ascii, Enum, MessageSpec, Node, Object, Uint
from qvcp.schemas.vectors import Case

_SIZES = {"u8": 1, "u16": 2, "u32": 4, "u64": 8}
_HEADER_NOTES = {
    "version": "Protocol version.",
    "type": "Message type code (the table above).",
    "flags": "Flag bits: {flags}. Every other bit is reserved and must be zero.",
    "reserved": "Reserved; must be zero.",
    "length": "Length in bytes of the whole message: header, body, extensions and trailer.",
}


# --------------------------------------------------------------------------- messages

def _resolve(prop: Mapping[str, Any], defs: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    """A schema property merged with the common definition it references, and that name."""
    ref = prop.get("$ref")
    if ref is None:
        return dict(prop), ""
    name = ref.partition("#/$defs/")[2]
    base, _ = _resolve(defs[name], defs)
    return {**base, **{k: v for k, v in prop.items() if k != "$ref"}}, name


def _fmt_int(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f") if n >= 100_000 else str(n)


def _range(node: Uint) -> str:
    if node.minimum == 0 and node.maximum == 2 ** (8 * _SIZES[node.fmt]) - 1:
        return "any"
    return f"{_fmt_int(node.minimum)} – {_fmt_int(node.maximum)}"


@dataclass
class _Row:
    offset: str
    field: str
    wire: str
    values: str
    unit: str
    description: str


def _type_label(fmt: str, def_name: str) -> str:
    if def_name and def_name != fmt:
        return f"{fmt} ([`{def_name}`](#{_def_anchor(def_name)}))"
    return fmt


def _def_anchor(name: str) -> str:
    return f"type-{name.replace('_', '-')}"


def _field_rows(node: Node, prop: Mapping[str, Any], path: str, offset: int | None,
                defs: Mapping[str, Any], rows: list[_Row], in_item: bool = False
                ) -> int | None:
    """Append the rows of one field; return the offset after it (None once variable)."""
    merged, def_name = _resolve(prop, defs)
    desc = cell(merged.get("description", ""))
    where = ("+" if in_item else "") + str(offset) if offset is not None else "var."
    if isinstance(node, Object):
        sub_props = merged["properties"]
        if path:
            rows.append(_Row(where, f"`{path}`", _type_label("object", def_name), "", "", desc))
        for name, child in node.fields:
            offset = _field_rows(child, sub_props[name], f"{path}.{name}" if path else name,
                                 offset, defs, rows, in_item)
        return offset
    if isinstance(node, Uint):
        unit = merged.get("x-unit") or node.unit or ""
        rows.append(_Row(where, f"`{path}`", _type_label(node.fmt, def_name), _range(node),
                         unit, desc))
        return None if offset is None else offset + _SIZES[node.fmt]
    if isinstance(node, Enum):
        fmt = merged["x-wire"]["format"]
        codes = ", ".join(f"`{n}` = {c}" for n, c in node.codes.items())
        if node.open:  # chapter 02 section 9.1
            codes += "; open: other codes are unassigned values a receiver handles"
        rows.append(_Row(where, f"`{path}`", _type_label(f"{fmt} enum", def_name), codes, "",
                         desc))
        return None if offset is None else offset + _SIZES[fmt]
    if isinstance(node, Ascii):
        rows.append(_Row(where, f"`{path}`", _type_label("ascii8", def_name),
                         f"printable ASCII, ≤ {node.max_length} chars", "", desc))
        return None
    if isinstance(node, Array):
        item = _body_size(node.item)
        rows.append(_Row(where, f"`{path}`", f"array, {node.count_fmt} count",
                         f"≤ {_fmt_int(node.max_items)} items"
                         + (f" of {item} bytes" if item is not None else ""), "", desc))
        _field_rows(node.item, merged["items"], f"{path}[]", 0, defs, rows, in_item=True)
        return None
    raise TypeError(f"unknown layout node {node!r}")


def _body_size(node: Node) -> int | None:
    if isinstance(node, Uint):
        return _SIZES[node.fmt]
    if isinstance(node, Enum):
        return 1
    if isinstance(node, Object):
        sizes = [_body_size(n) for _, n in node.fields]
        return None if None in sizes else sum(s for s in sizes if s is not None)
    return None


def header_section(wire: Mapping[str, Any], header_length: int, example: Mapping[str, Any],
                   defs: Mapping[str, Any], site: Site) -> str:
    """The envelope every message shares: header, extensions, authentication trailer."""
    page = MESSAGES
    flags = ", ".join(f"`{name}` = 0x{bit:02x}" for name, bit in wire["flags"].items())
    rows, offset = [], 0
    top = example.get("properties", {})
    for name, fmt in wire["header"]:
        prop = _resolve(top[name], defs)[0] if name in top else {}
        note = prop.get("description") or _HEADER_NOTES.get(name, "")
        rows.append([offset, f"`{name}`", fmt, cell(note.format(flags=flags))])
        offset += _SIZES[fmt]
    out = ["## Common header { #header }\n",
           f"Every message starts with the same {header_length}-byte header; all integers are "
           f"{wire['byte_order']}-endian. The header is followed by the message body (below, per "
           "type), then zero or more TLV extensions, then the authentication trailer when the "
           "`AUTH` flag is set.\n",
           table(["Offset", "Field", "Wire type", "Description"], rows),
           "## Extensions { #extensions }\n",
           "Each extension is a TLV: "
           + ", ".join(f"`{n}` ({f})" for n, f in wire["extension_header"])
           + f", then the value bytes. Bit 0x{wire['critical_bit']:04x} of the first word is the "
           "*critical* bit and the other 15 bits are the extension type: a receiver rejects a "
           "message with an unknown critical extension and ignores an unknown non-critical "
           "one.\n"]
    ext_rows = [[int(code), f"`{e['name']}`", e.get("length", "any"),
                 site.link_ids(cell(e.get("description", "")), page)]
                for code, e in sorted(wire["known_extensions"].items(), key=lambda kv: int(kv[0]))]
    out.append(table(["Type", "Name", "Value length", "Description"], ext_rows))
    out.append("## Authentication trailer { #auth }\n")
    out.append(f"When the `AUTH` flag is set, the last {wire['auth_trailer_length']} bytes of "
               "the message are the trailer: a u32 key id followed by an HMAC-SHA-256 tag over "
               "every preceding byte of the message (header length and flags included).\n")
    return "\n".join(out)


def message_section(spec: MessageSpec, defs: Mapping[str, Any], header_length: int,
                    example: Case | None, site: Site) -> str:
    """One message type: identity, field table with offsets, schema link, an example."""
    page = MESSAGES
    rows: list[_Row] = []
    _field_rows(spec.body, spec.schema["properties"]["body"], "", header_length, defs, rows)
    size = _body_size(spec.body)
    size_text = (f"fixed, {size} bytes (message {header_length + size} bytes without "
                 "extensions or trailer)" if size is not None else "variable")
    out = [f"### {spec.name} {{ #{spec.name} }}\n",
           site.link_ids(spec.description, page) + "\n",
           table(["Type code", "Family", "Requirement", "Body size", "JSON Schema"],
                 [[f"{spec.type_code} (0x{spec.type_code:02x})", spec.family,
                   site.req_link(spec.requirement, page), size_text,
                   f"[`{spec.file}`](schemas/json/{spec.file})"]])]
    if rows:
        out.append(table(["Offset", "Field", "Wire type", "Range / codes", "Unit", "Description"],
                         [[r.offset, r.field, r.wire, r.values, r.unit,
                           site.link_ids(r.description, page)] for r in rows]))
    else:
        out.append("The body is empty.\n")
    if example is not None and example.binary is not None:
        out.append(f'??? example "Example: {cell(example.description)} '
                   f'(vector `{example.id}`)"\n')
        out.append("    ```json\n" + _indent(json.dumps(example.json, indent=2), 4)
                   + "\n    ```\n")
        out.append("    ```text\n" + _indent(_hexdump(example.binary), 4) + "\n    ```\n")
    return "\n".join(out)


def _indent(text: str, n: int) -> str:
    return "\n".join(" " * n + line if line else line for line in text.splitlines())


def _hexdump(data: bytes) -> str:
    return "\n".join(f"{i:04x}  {data[i:i + 16].hex(' ')}" for i in range(0, len(data), 16))


def common_types_section(defs: Mapping[str, Any], site: Site) -> str:
    """Every definition of ``common.schema.json``."""
    rows = []
    for name, d in defs.items():
        wire = d.get("x-wire", {})
        fmt = wire.get("format") or d.get("type", "")
        if "codes" in wire:
            values = ", ".join(f"`{n}` = {c}" for n, c in wire["codes"].items())
        elif "minimum" in d and "maximum" in d:
            values = f"{_fmt_int(d['minimum'])} – {_fmt_int(d['maximum'])}"
        elif d.get("type") == "object":
            values = "fields: " + ", ".join(f"`{p}`" for p in d.get("properties", {}))
        else:
            values = ""
        rows.append([f'<span id="{_def_anchor(name)}"></span>`{name}`', fmt, values,
                     d.get("x-unit", ""), site.link_ids(cell(d.get("description", "")),
                                                        MESSAGES)])
    return ("## Common types { #common-types }\n\n"
            "Definitions of [`common.schema.json`](schemas/json/common.schema.json) that the "
            "message schemas reference.\n\n"
            + table(["Type", "Wire", "Values", "Unit", "Description"], rows))


def messages_page(specs: Sequence[MessageSpec], common: Mapping[str, Any], header_length: int,
                  examples: Mapping[str, Case], site: Site) -> str:
    """``messages.md``: the envelope, a summary table, one section per message type."""
    defs = common["$defs"]
    wire = common["x-wire"]
    families: dict[str, list[MessageSpec]] = defaultdict(list)
    for s in specs:
        families[s.family].append(s)
    out = ["# Message reference\n",
           "Generated from the JSON Schemas in `schemas/json/` (their `x-wire` layout "
           "annotations and descriptions). The JSON form is canonical and maps exactly to the "
           "binary form; `qvcp wire encode` and `qvcp wire decode` convert between them. "
           "Offsets count bytes from the start of the message; `+n` is an offset inside an "
           "array item; `var.` follows a variable-length field.\n",
           table(["Code", "Message", "Family", "Requirement", "Description"],
                 [[f"0x{s.type_code:02x}", f"[{s.name}](#{s.name})", s.family,
                   site.req_link(s.requirement, MESSAGES), cell(s.description)]
                  for s in specs]),
           header_section(wire, header_length, specs[0].schema if specs else {}, defs,
                          site)]
    for family, members in families.items():
        out.append(f"## {family.capitalize()} messages {{ #family-{family} }}\n")
        for s in members:
            out.append(message_section(s, defs, header_length, examples.get(s.name), site))
    out.append(common_types_section(defs, site))
    return "\n".join(out)


# --------------------------------------------------------------------------- errors

def errors_page(registry: Mapping[str, Any], site: Site, vector_count: Mapping[str, int]) -> str:
    """``errors.md``: the single code space of the suite."""
    classes = registry["classes"]
    rows = []
    for e in registry["errors"]:
        code = int(e["code"])
        n = vector_count.get(e["name"], 0)
        rows.append([f'<span id="{e["name"]}"></span>`0x{code:04x}`', f"`{e['name']}`",
                     classes.get(str(code >> 8), "unknown"), site.req_link(e["requirement"],
                                                                           ERRORS),
                     site.link_ids(cell(e["description"]), ERRORS), n])
    class_rows = [[f"`0x{int(k):02x}`", v] for k, v in classes.items()]
    return ("# Error codes\n\n"
            "One numbered code space for the whole suite, generated from "
            "[`schemas/errors.json`](schemas/errors.json). A code is a u16: its high byte is "
            "the class. Errors travel in the [`ERROR`](messages.md#ERROR) message; every code "
            "is tied to the requirement that a receiver violates or enforces. *Vectors* counts "
            "the [test vectors](vectors.md) that expect the code.\n\n"
            + site.link_ids(cell(registry.get("description", "")), ERRORS) + "\n\n"
            "## Classes\n\n" + table(["High byte", "Class"], class_rows)
            + "\n## Codes\n\n"
            + table(["Code", "Name", "Class", "Requirement", "Description", "Vectors"], rows))


# --------------------------------------------------------------------------- vectors

def vectors_page(cases: Sequence[Case], types_by_file: Mapping[str, str | None], site: Site,
                 known_errors: Iterable[str]) -> str:
    """``vectors.md``: counts per file and per requirement, then every case."""
    page = VECTORS
    known = set(known_errors)
    by_file: dict[str, list[Case]] = defaultdict(list)
    by_req: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        by_file[c.file].append(c)
        for r in c.requirements:
            by_req[r].append(c)
    n_valid = sum(c.valid for c in cases)
    out = ["# Test vectors\n",
           f"{len(cases)} language-neutral cases ({n_valid} valid, {len(cases) - n_valid} "
           f"invalid) in {len(by_file)} files of `schemas/vectors/`. A valid case gives a "
           "message in canonical JSON and its canonical binary (hex): decoding the binary must "
           "give the JSON and encoding the JSON must give the binary. An invalid case gives "
           "bytes and/or JSON that must be rejected with the expected [error code](errors.md). "
           "Every case cites the requirements it exercises. The files follow "
           "[`meta/vectors.schema.json`](schemas/meta/vectors.schema.json); download them "
           "from the table below and run them against your own codec.\n",
           "## Per file\n",
           table(["File", "Message type", "Cases", "Valid", "Invalid"],
                 [[f"[`{f}`](schemas/vectors/{f})",
                   f"[{types_by_file[f]}](messages.md#{types_by_file[f]})"
                   if types_by_file.get(f) else "(envelope)",
                   f"[{len(cs)}](#file-{_slug(f)})", sum(c.valid for c in cs),
                   sum(not c.valid for c in cs)] for f, cs in by_file.items()]),
           "## Per requirement\n",
           table(["Requirement", "Cases", "Case ids"],
                 [[f'<span id="req-{r}"></span>' + site.req_link(r, page), len(cs),
                   ", ".join(f"[`{c.id}`](#{_case_anchor(c)})" for c in cs)]
                  for r, cs in sorted(by_req.items())]),
           "## Cases\n"]
    for f, cs in by_file.items():
        out.append(f"### {f} {{ #file-{_slug(f)} }}\n")
        rows = []
        for c in cs:
            if c.valid:
                expected = "—"
            elif c.error_name in known:
                expected = f"[`{c.error_name}`](errors.md#{c.error_name}) (0x{c.error_code:04x})"
            else:
                expected = f"`{c.error_name}`"
            forms = " + ".join(x for x, present in (("JSON", c.has_json),
                                                    ("binary", c.binary is not None)) if present)
            rows.append([f'<span id="{_case_anchor(c)}"></span>`{c.id}`',
                         "valid" if c.valid else "**invalid**", expected, forms,
                         ", ".join(site.req_link(r, page) for r in c.requirements),
                         site.link_ids(cell(c.description), page)])
        out.append(table(["Case", "Verdict", "Expected error", "Forms", "Requirements",
                          "Description"], rows))
    return "\n".join(out)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _case_anchor(case: Case) -> str:
    return "case-" + _slug(case.id)
