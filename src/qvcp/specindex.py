"""The requirement index: every normative statement of ``spec/`` with its stable id.

A requirement is a paragraph or list item that starts with ``**[AREA-NNN]**`` and contains at
least one BCP 14 keyword in capitals; its level is the strongest keyword it contains.

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

__all__ = ["LEVELS", "Requirement", "build_index", "find_spec_dir", "lint", "parse_chapter"]

ID_RE = re.compile(r"^(?:[-*]\s+)?\*\*\[([A-Z]{2,5}-\d{3})\]\*\*\s*(.*)$")
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


def parse_chapter(name: str, text: str) -> list[Requirement]:
    """The requirements of one chapter, in order."""
    reqs = []
    for section, block in _blocks(text):
        m = ID_RE.match(block)
        if not m:
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


def lint(spec_dir: Path) -> list[str]:
    """Problems: duplicate ids, requirements without keyword, keywords outside requirements."""
    problems = []
    seen: dict[str, str] = {}
    for path in sorted(spec_dir.glob("*.md")):
        for section, block in _blocks(path.read_text(encoding="utf-8")):
            m = ID_RE.match(block)
            if m:
                rid = m.group(1)
                if rid in seen:
                    problems.append(f"{path.name}: {rid} already defined in {seen[rid]}")
                seen[rid] = path.name
                if not KEYWORD_RE.search(m.group(2)):
                    problems.append(f"{path.name}: {rid} has no BCP 14 keyword")
            elif (kw := KEYWORD_RE.search(re.sub(r"`[^`]*`", "", block))) and not (
                    block.startswith(">") or "BCP 14" in block):
                problems.append(f"{path.name} ({section}): keyword {kw.group(1)} "
                                f"outside a requirement: {block[:80]}...")
    return problems


def index_document(reqs: list[Requirement]) -> str:
    """The JSON text of ``schemas/requirements.json``."""
    doc = {"description": "Generated from spec/*.md by `qvcp spec index`; do not edit.",
           "requirements": [asdict(r) for r in reqs]}
    return json.dumps(doc, indent=2) + "\n"
