"""Markdown of the generated pages of the QVCP site, rendered from the sources of truth.

Pure functions: each takes parsed data (the requirement index, the layout tree, the error
registry, the test vectors) and returns Markdown. ``qvcp_docs.py`` (the mkdocs hook) calls
them; nothing here knows about mkdocs.

Page paths (relative to the site root) are fixed here so that every page links to the others
the same way: ``spec/<chapter>.md``, ``messages.md``, ``errors.md``, ``requirements.md``,
``vectors.md``, and the JSON files of ``schemas/`` copied under ``schemas/``.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qvcp.schemas.layout import Array, Ascii, Enum, MessageSpec, Node, Object, Uint
from qvcp.schemas.vectors import Case
from qvcp.specindex import LEVELS, Requirement

MESSAGES = "messages.md"
ERRORS = "errors.md"
REQUIREMENTS = "requirements.md"
VECTORS = "vectors.md"
SPEC_DIR = "spec"

REQ_ID_RE = re.compile(r"\b[A-Z]{2,5}-\d{3}(?:\.[1-9])?\b")
# Tokens of a line of Markdown that must not be touched when linking requirement ids:
# code spans, links and images (text and target), autolinks and raw HTML tags.
_PROTECTED = re.compile(r"(`+)(?:.+?)\1|!?\[[^\]]*\]\([^)]*\)|!?\[[^\]]*\]\[[^\]]*\]|<[^>\n]+>")
MARKER_RE = re.compile(r"^(\s*(?:[-*]\s+)?)\*\*\[([A-Z]{2,5}-\d{3}(?:\.[1-9])?)\]\*\*")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_SIZES = {"u8": 1, "u16": 2, "u32": 4, "u64": 8}
_HEADER_NOTES = {
    "version": "Protocol version.",
    "type": "Message type code (the table above).",
    "flags": "Flag bits: {flags}. Every other bit is reserved and must be zero.",
    "reserved": "Reserved; must be zero.",
    "length": "Length in bytes of the whole message: header, body, extensions and trailer.",
}


# --------------------------------------------------------------------------- links

def rel(from_page: str, to_page: str) -> str:
    """Relative URL of ``to_page`` (site path, may carry ``#anchor``) seen from ``from_page``."""
    path, _, anchor = to_page.partition("#")
    base = posixpath.dirname(from_page) or "."
    out = posixpath.relpath(path, base) if path else ""
    return out + (f"#{anchor}" if anchor else "")


@dataclass(frozen=True)
class Site:
    """What every page needs to link to requirements: where each requirement id lives."""

    chapter_of: Mapping[str, str]  # requirement id -> spec chapter file name

    def req_link(self, rid: str, page: str) -> str:
        """``rid`` as a Markdown link to its anchor in the spec, or as plain code if unknown."""
        chapter = self.chapter_of.get(rid)
        if chapter is None:
            return f"`{rid}`"
        return f"[`{rid}`]({rel(page, f'{SPEC_DIR}/{chapter}#{rid}')})"

    def link_ids(self, text: str, page: str) -> str:
        """Link every known requirement id in free ``text`` (code spans and links untouched)."""
        out, pos = [], 0
        for m in _PROTECTED.finditer(text):
            out.append(self._link_plain(text[pos:m.start()], page))
            out.append(m.group(0))
            pos = m.end()
        out.append(self._link_plain(text[pos:], page))
        return "".join(out)

    def _link_plain(self, text: str, page: str) -> str:
        def sub(m: re.Match[str]) -> str:
            rid = m.group(0)
            chapter = self.chapter_of.get(rid)
            if chapter is None:
                return rid
            return f"[{rid}]({rel(page, f'{SPEC_DIR}/{chapter}#{rid}')})"

        return REQ_ID_RE.sub(sub, text)


def cell(text: str) -> str:
    """Text made safe for one cell of a Markdown table."""
    return " ".join(str(text).split()).replace("|", "\\|")


def unlink(text: str) -> str:
    """Markdown links replaced by their text (for text quoted away from its page)."""
    return re.sub(r"(?<!!)\[([^\]]*)\]\([^)]*\)", r"\1", text)


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def chapter_title(text: str, fallback: str) -> str:
    """The first level-1 heading of a chapter, else ``fallback``."""
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip().rstrip("#").strip()
    return fallback


# --------------------------------------------------------------------------- spec chapters

def spec_chapter(name: str, text: str, site: Site, link_target: Any) -> str:
    """One chapter of ``spec/`` as published.

    * ``**[AREA-NNN]**`` markers that open a paragraph or list item (the ones
      :func:`qvcp.specindex.parse_chapter` indexes) get an anchor ``id="AREA-NNN"``;
    * other mentions of a known requirement id become links to it;
    * relative links are mapped by ``link_target(url) -> url`` (repo paths to site paths).
    """
    page = f"{SPEC_DIR}/{name}"
    out, fenced = [], False
    for line in text.splitlines():
        if _FENCE_RE.match(line):
            fenced = not fenced
            out.append(line)
            continue
        if fenced or line.startswith("    "):
            out.append(line)
            continue
        line = _RFC_RE.sub(_rfc_link, _map_links(line, link_target))
        m = MARKER_RE.match(line)
        rest_start = m.end() if m else 0
        rest = site.link_ids(line[rest_start:], page)
        if m:
            rid = m.group(2)
            marker = (f'<a id="{rid}" class="qvcp-req" href="#{rid}" '
                      f'title="Permanent link to {rid}">**[{rid}]**</a>')
            line = m.group(1) + marker + rest
        else:
            line = rest
        out.append(line)
    return "\n".join(out) + "\n"


# A bracketed citation such as "[RFC 8174]" or "[RFC 9340, s.7]" that is not already a link.
_RFC_RE = re.compile(r"(?<![\[\]\\!])\[RFC ?(\d{3,5})([^\]]*)\](?![(\[:])")


def _rfc_link(m: re.Match[str]) -> str:
    return (f"[\\[RFC {m.group(1)}{m.group(2)}\\]]"
            f"(https://www.rfc-editor.org/rfc/rfc{m.group(1)})")


_LINK_RE = re.compile(r"(!?\[[^\]]*\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")


def _map_links(line: str, link_target: Any) -> str:
    def sub(m: re.Match[str]) -> str:
        target = link_target(m.group(2))
        if target is None:  # a file of the repository that the site does not publish
            text = m.group(1)[m.group(1).index("[") + 1:-2]
            return f"{text} (`{m.group(2).lstrip('./')}`)"
        return m.group(1) + target + m.group(3)

    return _LINK_RE.sub(sub, line)


def spec_overview(chapters: Sequence[tuple[str, str]], reqs: Sequence[Requirement],
                  standalone: bool = True) -> str:
    """Requirement counts per chapter and level; with a title and intro when ``standalone``
    (otherwise it is appended to the overview that ``spec/`` provides)."""
    per = Counter((r.chapter, r.level) for r in reqs)
    rows = []
    for name, title in chapters:
        counts = [per[(name, lv)] for lv in LEVELS]
        rows.append([f"[{cell(title)}]({name})", *counts, sum(counts)])
    totals = [sum(per[(n, lv)] for n, _ in chapters) for lv in LEVELS]
    rows.append(["**All chapters**", *(f"**{n}**" for n in totals), f"**{sum(totals)}**"])
    intro = ("The normative text of QVCP, one chapter per layer, published from `spec/`. "
             "Every normative statement carries a stable id such as `WIRE-003`. ")
    body = ("# Specification\n\n" + intro if standalone else "\n## Requirement counts\n\n")
    body += (f"The [requirement index](../{REQUIREMENTS}) lists every requirement; "
             "the counts per chapter and level are:\n\n")
    if not chapters:
        return body + "!!! note\n    No chapter has been written yet.\n"
    return body + table(["Chapter", *LEVELS, "Total"], rows)


# --------------------------------------------------------------------------- requirement index

def requirements_page(reqs: Sequence[Requirement], titles: Mapping[str, str], site: Site,
                      vector_count: Mapping[str, int], cited_by: Mapping[str, list[str]],
                      proof: Mapping[str, tuple[str, str]] | None = None,
                      groups: Mapping[str, Sequence[str]] | None = None) -> str:
    """``requirements.md``: counts per level and chapter, proof status per level, one row per
    requirement, then the split requirements. ``proof`` maps an id to its proof status and
    reason; ``groups`` maps the old id of a split requirement to the ids of its parts."""
    proof = proof or {}
    page = REQUIREMENTS
    levels = Counter(r.level for r in reqs)
    out = ["# Requirement index\n",
           "Every normative statement of the [specification](spec/index.md), parsed from "
           "`spec/*.md` at build time (the same parser as `qvcp spec index`, which writes "
           "[`schemas/requirements.json`](schemas/requirements.json) for tools). "
           "The *Cited by* column lists the message types and error codes tied to the "
           "requirement; *Vectors* counts the [test vectors](vectors.md) that exercise it. "
           "*Proof* says whether the conformance suite is shown to catch a violation: "
           "*proven* when a registered faulty implementation that breaks the requirement is "
           "caught by the cases citing it (`qvcp mutants run`; hover for which), *tagged only* "
           "when cases cite it but none is shown to fail, *untestable* or *excepted* with the "
           "reason, *untested* when no case cites it.\n"]
    if not reqs:
        out.append("!!! note\n    The specification has no requirement yet.\n")
        return "\n".join(out)
    out.append("## Counts\n")
    extra = [lv for lv in sorted(levels) if lv not in LEVELS]
    cols = [*LEVELS, *(lv or "(no keyword)" for lv in extra)]
    keys = [*LEVELS, *extra]
    rows = []
    per_chapter = Counter((r.chapter, r.level) for r in reqs)
    for chapter in dict.fromkeys(r.chapter for r in reqs):
        counts = [per_chapter[(chapter, k)] for k in keys]
        rows.append([f"[{cell(titles.get(chapter, chapter))}]({SPEC_DIR}/{chapter})",
                     *counts, sum(counts)])
    rows.append(["**All chapters**", *(f"**{levels[k]}**" for k in keys), f"**{len(reqs)}**"])
    out.append(table(["Chapter", *cols, "Total"], rows))
    if proof:
        kinds = ("proven", "tagged-only", "untestable", "excepted", "untested")
        per_level = Counter((r.level, proof.get(r.id, ("untested", ""))[0]) for r in reqs)
        out.append("## Proof of coverage\n")
        out.append(table(["Level", *(k.replace("-", " ") for k in kinds)],
                         [[lv, *(per_level[(lv, k)] for k in kinds)]
                          for lv in LEVELS if levels[lv]]))
    out.append("## Requirements\n")
    rows = []
    for r in reqs:
        n = vector_count.get(r.id, 0)
        vec = f"[{n}](vectors.md#req-{r.id})" if n else "0"
        kind, why = proof.get(r.id, ("untested", ""))
        shown = kind.replace("-", " ")
        rows.append([site.req_link(r.id, page), r.level or "—",
                     f"[{cell(titles.get(r.chapter, r.chapter))}]({SPEC_DIR}/{r.chapter})",
                     cell(r.section), site.link_ids(cell(unlink(r.text)), page),
                     ", ".join(cited_by.get(r.id, [])) or "—", vec,
                     f'<span title="{cell(why)}">{shown}</span>' if why else shown])
    out.append(table(["Id", "Level", "Chapter", "Section", "Text", "Cited by", "Vectors",
                      "Proof"], rows))
    if groups:
        out.append("## Split requirements\n")
        out.append(f"Each requirement holds one BCP 14 keyword. These {len(groups)} ids once "
                   "bundled several rules; each now names its parts, so a reference to the old "
                   "id still resolves.\n")
        out.append(table(["Old id", "Parts"],
                         [[site.req_link(g, page), ", ".join(site.req_link(p, page)
                                                             for p in parts)]
                          for g, parts in groups.items()]))
    return "\n".join(out)


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


# --------------------------------------------------------------------------- conformance cases

def case_counts_table(cases: Sequence[Any]) -> str:
    """The table of conformance cases by kind, counted from the catalogue (``cases`` are
    :class:`qvcp.conformance.cases.Case`)."""
    def kind(case: Any) -> str:
        if ".bdd." in case.id:
            return "bdd"
        if case.id.startswith("network.stat."):
            return "network.stat"
        if case.id.startswith("network."):
            return "network"
        return ".".join(case.id.split(".")[:2])

    counts = Counter(kind(c) for c in cases)
    bdd = Counter(c.profile for c in cases if kind(c) == "bdd")
    rows = [
        [f"the {counts['wire.vector']} language-neutral test vectors",
         "`wire.vector.<vector id>`", "wire", counts["wire.vector"]],
        ["Hypothesis properties, differential against `qvcp.schemas`", "`wire.prop.*`", "wire",
         counts["wire.prop"]],
        ["Gherkin scenarios, one folder per spec chapter (`features/`)",
         "`<profile>.bdd.<chapter>.<slug>`", "from the `@wire`/`@node`/`@network` tag",
         ", ".join(f"{n} {p}" for p, n in sorted(bdd.items()))],
        ["Hypothesis state machines and properties of one node", "`node.prop.*`", "node",
         counts["node.prop"]],
        ["network runs on simulated chains", "`network.*`", "network", counts["network"]],
        ["statistical claims (fidelity from XX/YY/ZZ, minimum fidelity, rate)",
         "`network.stat.*`", "network", counts["network.stat"]],
    ]
    known = {"wire.vector", "wire.prop", "bdd", "node.prop", "network", "network.stat"}
    rows += [[f"other cases `{k}.*`", f"`{k}.*`", k.split(".")[0], n]
             for k, n in sorted(counts.items()) if k not in known]
    rows.append(["**all cases**", "", "", f"**{len(cases)}**"])
    return table(["kind", "ids", "profile", "count"], rows)


def proof_summary_table(reqs: Sequence[Requirement], cited: set[str],
                        proof: Mapping[str, tuple[str, str]],
                        exempt: Mapping[str, Mapping[str, str]]) -> str:
    """Per level: requirements, cited by a case, and each proof status; then the exemptions
    with their reasons."""
    kinds = ("proven", "tagged-only", "untestable", "excepted", "untested")
    rows = []
    for level in LEVELS:
        ids = [r.id for r in reqs if r.level == level]
        if not ids:
            continue
        count = Counter(proof.get(i, ("untested", ""))[0] for i in ids)
        rows.append([level, len(ids), sum(i in cited for i in ids),
                     *(count[k] for k in kinds)])
    out = table(["level", "requirements", "cited by a case",
                 *(k.replace("-", " ") for k in kinds)], rows)
    if exempt:
        out += "\n" + table(["requirement", "status", "why"],
                            [[i, e["status"], cell(e["why"])] for i, e in sorted(exempt.items())])
    return out
