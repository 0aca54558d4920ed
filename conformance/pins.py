"""Which requirement text each case was written against.

``conformance/requirement-pins.json`` maps every case id to the digests of the texts of the
requirements it cites, as they were when the case was last reviewed. When a requirement's
text changes, ``qvcp spec lint`` names the cases written for the old text until someone has
reviewed them and run ``qvcp spec pin`` (which records the current texts).

>>> text_digest("A receiver MUST  reject\\nit.") == text_digest("A receiver MUST reject it.")
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

__all__ = ["PINS_FILE", "current_pins", "pin_problems", "pins_path", "text_digest"]

PINS_FILE = "requirement-pins.json"
Json = dict[str, Any]


def text_digest(text: str) -> str:
    """A short digest of a requirement's text, blind to how it is wrapped."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:16]


def pins_path() -> Path:
    return Path(str(files("qvcp.conformance"))) / PINS_FILE


def load_pins(path: Path | None = None) -> dict[str, dict[str, str]]:
    path = path or pins_path()
    if not path.exists():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8"))["cases"])


def current_pins(cases: Iterable[Any], texts: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Per case id, the digest of each cited requirement's text now (unindexed ids: none)."""
    return {case.id: {rid: text_digest(texts[rid]) for rid in case.requirements if rid in texts}
            for case in sorted(cases, key=lambda c: c.id)}


def write_pins(pins: Mapping[str, Mapping[str, str]], path: Path | None = None) -> None:
    doc = {"description": "Digest of each cited requirement's text when the case was last "
                          "reviewed; `qvcp spec lint` flags changes, `qvcp spec pin` records "
                          "the current texts.", "cases": pins}
    (path or pins_path()).write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n",
                                     encoding="utf-8")


def pin_problems(pinned: Mapping[str, Mapping[str, str]], now: Mapping[str, Mapping[str, str]],
                 ) -> list[str]:
    """One line per case whose requirement text changed since it was pinned, or not pinned."""
    out: list[str] = []
    for case_id, digests in now.items():
        old = pinned.get(case_id)
        if old is None:
            out.append(f"{case_id}: not pinned to the text of {', '.join(digests) or '-'}; "
                       "review it, then `qvcp spec pin`")
            continue
        changed: Sequence[str] = sorted(r for r, d in digests.items() if old.get(r) != d)
        if changed:
            out.append(f"{case_id}: the text of {', '.join(changed)} changed since the case "
                       "was written; review the case, then `qvcp spec pin`")
    out += [f"{case_id}: pinned but no longer a case; `qvcp spec pin` forgets it"
            for case_id in sorted(set(pinned) - set(now))]
    return out
