"""The requirement index: every normative statement of ``spec/`` with its stable id.

A requirement is a paragraph or list item that starts with ``**[AREA-NNN]**`` (or, for a part
of a split requirement, ``**[AREA-NNN.K]**``) and contains exactly one BCP 14 keyword in
capitals, which gives its level. A requirement that once bundled several rules is a *group*: its
lead-in ``**[AREA-NNN]**`` holds no keyword and its parts ``AREA-NNN.1``, ``AREA-NNN.2``, ...
follow it, so the old id stays resolvable as an alias of its parts (:func:`build_groups`).

>>> text = "# T\\n\\n## Header\\n\\n**[WIRE-001]** Integers MUST be big-endian.\\n"
>>> reqs = parse_chapter("x.md", text)
>>> reqs[0].id, reqs[0].level, reqs[0].section
('WIRE-001', 'MUST', 'Header')
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["ID_PATTERN", "LEVELS", "Requirement", "build_groups", "build_index", "find_spec_dir",
           "groups_of", "lint", "parse_chapter", "resolve"]

#: A requirement id: area, three digits and, for a part of a split requirement, ``.K``.
ID_PATTERN = r"[A-Z]{2,5}-\d{3}(?:\.[1-9])?"
ID_RE = re.compile(rf"^(?:[-*]\s+)?\*\*\[({ID_PATTERN})\]\*\*\s*(.*)$")
KEYWORD_RE = re.compile(r"\b(MUST NOT|MUST|REQUIRED|SHALL NOT|SHALL|SHOULD NOT|SHOULD|"
                        r"NOT RECOMMENDED|RECOMMENDED|MAY|OPTIONAL)\b")
LEVELS = ("MUST", "SHOULD", "MAY")
_LEVEL_OF = {"MUST": "MUST", "MUST NOT": "MUST", "REQUIRED": "MUST", "SHALL": "MUST",
             "SHALL NOT": "MUST", "SHOULD": "SHOULD", "SHOULD NOT": "SHOULD",
             "RECOMMENDED": "SHOULD", "NOT RECOMMENDED": "SHOULD", "MAY": "MAY",
             "OPTIONAL": "MAY"}


@dataclass(frozen=True)
class Requirement:
    """One normative statement."""

    id: str
    level: str
    chapter: str
    section: str
    text: str


def _blocks(text: str) -> list[tuple[str, str]]:
    """(section heading, block text) for every paragraph or list item outside code fences."""
    out: list[tuple[str, str]] = []
    section, current, fenced = "", [], False

    def flush() -> None:
        if current:
            out.append((section, " ".join(s.strip() for s in current)))
            current.clear()

    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            flush()
            fenced = not fenced
            continue
        if fenced:
            continue
        if line.startswith("#"):
            flush()
            section = line.lstrip("#").strip()
        elif not line.strip() or line.lstrip().startswith("|"):
            flush()
        elif re.match(r"^\s*(?:[-*]|\d+\.)\s+", line):
            flush()
            current.append(line)
        else:
            current.append(line)
    flush()
    return out


def _group_leads(blocks: list[tuple[str, str]]) -> set[str]:
    """Ids among a chapter's ``blocks`` that have parts (``X`` when some ``X.K`` is
    defined)."""
    return {m.group(1).split(".")[0] for _, block in blocks
            if (m := ID_RE.match(block)) and "." in m.group(1)}


def parse_chapter(name: str, text: str) -> list[Requirement]:
    """The requirements of one chapter, in order (group lead-ins are not requirements)."""
    reqs = []
    blocks = _blocks(text)
    leads = _group_leads(blocks)
    for section, block in blocks:
        m = ID_RE.match(block)
        if not m or m.group(1) in leads:
            continue
        words = [_LEVEL_OF[k] for k in KEYWORD_RE.findall(m.group(2))]
        level = next((lv for lv in LEVELS if lv in words), "")
        reqs.append(Requirement(m.group(1), level, name, section, m.group(2)))
    return reqs


def find_spec_dir(start: Path | None = None) -> Path:
    """The ``spec/`` folder of the source tree this package runs from."""
    here = (start or Path(__file__)).resolve()
    for parent in here.parents:
        if (parent / "spec").is_dir() and (parent / "schemas").is_dir():
            return parent / "spec"
    raise FileNotFoundError("spec/ not found: run from a QVCP source checkout")


def build_index(spec_dir: Path) -> list[Requirement]:
    """Every requirement of every chapter (``spec/*.md``), in chapter order."""
    reqs: list[Requirement] = []
    for path in sorted(spec_dir.glob("*.md")):
        reqs += parse_chapter(path.name, path.read_text(encoding="utf-8"))
    return reqs


def build_groups(spec_dir: Path) -> dict[str, list[str]]:
    """Every split requirement's old id and the ids of its parts, in order."""
    return groups_of(build_index(spec_dir))


def groups_of(reqs: list[Requirement]) -> dict[str, list[str]]:
    """The split requirements among ``reqs`` (an index already built): old id -> parts."""
    groups: dict[str, list[str]] = {}
    for req in reqs:
        if "." in req.id:
            groups.setdefault(req.id.split(".")[0], []).append(req.id)
    return groups


def resolve(rid: str, groups: dict[str, list[str]]) -> list[str]:
    """The atomic requirement ids an id names: its parts if it was split, else itself.

    >>> resolve("SIG-008", {"SIG-008": ["SIG-008.1", "SIG-008.2"]})
    ['SIG-008.1', 'SIG-008.2']
    >>> resolve("SIG-009", {})
    ['SIG-009']
    """
    return list(groups.get(rid, [rid]))


def lint(spec_dir: Path) -> list[str]:
    """Problems: duplicate ids, requirements without exactly one keyword, group lead-ins with a
    keyword or parts elsewhere, keywords outside requirements."""
    problems = []
    seen: dict[str, str] = {}
    for path in sorted(spec_dir.glob("*.md")):
        blocks = _blocks(path.read_text(encoding="utf-8"))
        leads, lead_open = _group_leads(blocks), ""
        for section, block in blocks:
            m = ID_RE.match(block)
            if m:
                rid = m.group(1)
                if rid in seen:
                    problems.append(f"{path.name}: {rid} already defined in {seen[rid]}")
                seen[rid] = path.name
                n = len(KEYWORD_RE.findall(m.group(2)))
                if rid in leads:
                    lead_open = rid
                    if n:
                        problems.append(f"{path.name}: {rid} is split into parts, so its "
                                        "lead-in must hold no BCP 14 keyword")
                elif "." in rid and rid.split(".")[0] != lead_open:
                    problems.append(f"{path.name}: {rid} does not follow the lead-in "
                                    f"{rid.split('.')[0]} and its earlier parts")
                elif n == 0:
                    problems.append(f"{path.name}: {rid} has no BCP 14 keyword")
                elif n > 1:
                    problems.append(f"{path.name}: {rid} holds {n} BCP 14 keywords; split it "
                                    "into parts with one keyword each")
                if "." not in rid and rid not in leads:
                    lead_open = ""
            elif (kw := KEYWORD_RE.search(re.sub(r"`[^`]*`", "", block))) and not (
                    block.startswith(">") or "BCP 14" in block):
                problems.append(f"{path.name} ({section}): keyword {kw.group(1)} "
                                f"outside a requirement: {block[:80]}...")
    return problems


def index_document(reqs: list[Requirement]) -> str:
    """The JSON text of ``schemas/requirements.json``."""
    doc = {"description": "Generated from spec/*.md by `qvcp spec index`; do not edit.",
           "requirements": [asdict(r) for r in reqs],
           "groups": groups_of(reqs)}
    return json.dumps(doc, indent=2) + "\n"
