"""Expected-failure files: known defects of one implementation, each with a reason and expiry.

TOML (or JSON with the same shape)::

    [[expected_failure]]
    case = "wire.vector.wire-length-zero"     # a case id or glob
    reason = "length check lands in 2.1 (issue #42)"
    expires = 2030-01-31

An entry whose date has passed no longer applies (the case counts again) and is reported as
expired; an entry whose case passes is reported as an unexpected pass.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

__all__ = ["ExpectedFailure", "ExpectedFailureFileError", "load_expected_failures", "match"]


class ExpectedFailureFileError(ValueError):
    """The file cannot be used; the message says where and why."""


@dataclass(frozen=True, kw_only=True)
class ExpectedFailure:
    """One entry."""

    case: str
    reason: str
    expires: dt.date

    def expired(self, today: dt.date) -> bool:
        return today > self.expires

    def as_dict(self) -> dict[str, str]:
        return {"case": self.case, "reason": self.reason, "expires": self.expires.isoformat()}


def _entry(raw: Any, where: str) -> ExpectedFailure:
    if not isinstance(raw, dict):
        raise ExpectedFailureFileError(f"{where}: an entry must be a table/object")
    missing = {"case", "reason", "expires"} - set(raw)
    if missing:
        raise ExpectedFailureFileError(f"{where}: missing {', '.join(sorted(missing))}")
    extra = set(raw) - {"case", "reason", "expires"}
    if extra:
        raise ExpectedFailureFileError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    case, reason, expires = raw["case"], raw["reason"], raw["expires"]
    if not isinstance(case, str) or not case:
        raise ExpectedFailureFileError(f"{where}: case must be a non-empty string")
    if not isinstance(reason, str) or not reason.strip():
        raise ExpectedFailureFileError(f"{where}: reason must be a non-empty string")
    if isinstance(expires, str):
        try:
            expires = dt.date.fromisoformat(expires)
        except ValueError:
            raise ExpectedFailureFileError(f"{where}: expires {expires!r} is not YYYY-MM-DD"
                                           ) from None
    if isinstance(expires, dt.datetime) or not isinstance(expires, dt.date):
        raise ExpectedFailureFileError(f"{where}: expires must be a date (YYYY-MM-DD)")
    return ExpectedFailure(case=case, reason=reason, expires=expires)


def load_expected_failures(path: Path) -> list[ExpectedFailure]:
    """Parse and check a file (``.toml`` or ``.json``)."""
    try:
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as exc:
        raise ExpectedFailureFileError(f"{path}: {exc}") from None
    entries = doc.get("expected_failure") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise ExpectedFailureFileError(f"{path}: needs a list 'expected_failure'")
    return [_entry(raw, f"{path} entry {i + 1}") for i, raw in enumerate(entries)]


def match(entries: list[ExpectedFailure], case_id: str) -> ExpectedFailure | None:
    """The first entry naming ``case_id`` (exactly or by glob)."""
    return next((e for e in entries if fnmatchcase(case_id, e.case)), None)
