"""What every generated page of the QVCP site shares: the fixed page paths, links between
pages and to requirements (:class:`Site`), and Markdown table helpers.

Page paths (relative to the site root): ``spec/<chapter>.md``, ``messages.md``,
``errors.md``, ``requirements.md``, ``vectors.md``, and the JSON files of ``schemas/`` copied
under ``schemas/``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MESSAGES = "messages.md"
ERRORS = "errors.md"
REQUIREMENTS = "requirements.md"
VECTORS = "vectors.md"
SPEC_DIR = "spec"

REQ_ID_RE = re.compile(r"\b[A-Z]{2,5}-\d{3}(?:\.[1-9])?\b")
# Tokens of a line of Markdown that must not be touched when linking requirement ids:
# code spans, links and images (text and target), autolinks and raw HTML tags.
_PROTECTED = re.compile(r"(`+)(?:.+?)\1|!?\[[^\]]*\]\([^)]*\)|!?\[[^\]]*\]\[[^\]]*\]|<[^>\n]+>")


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
