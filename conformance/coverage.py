"""Requirement coverage: which MUST/SHOULD/MAY statements the run checked, and how they fared.

The requirement index is ``schemas/requirements.json`` (written by ``qvcp spec index``); from
a source checkout without it, the index is parsed from ``spec/*.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qvcp.conformance.cases import Verdict
from qvcp.conformance.runner import CaseResult
from qvcp.specindex import LEVELS, build_index, find_spec_dir

__all__ = ["RequirementStatus", "coverage", "load_requirements", "requirement_statuses"]

Json = dict[str, Any]

# A requirement's status is the worst verdict among its cases, in this order.
_WORST_FIRST = ("fail", "errored", "inconclusive", "xfail", "xpass", "pass", "unsupported")


def load_requirements() -> list[Json]:
    """Every requirement: ``{"id", "level", "chapter", "section", "text"}``."""
    from qvcp.schemas.layout import load_json

    try:
        return list(load_json("requirements.json")["requirements"])
    except (FileNotFoundError, KeyError, OSError):
        pass
    try:
        from dataclasses import asdict

        return [asdict(r) for r in build_index(find_spec_dir())]
    except FileNotFoundError:
        return []


@dataclass(frozen=True)
class RequirementStatus:
    """One requirement in a report."""

    id: str
    level: str
    chapter: str
    text: str
    status: str  # a verdict value, or "untested"
    cases: tuple[str, ...]


def requirement_statuses(results: Sequence[CaseResult],
                         requirements: Sequence[Json]) -> list[RequirementStatus]:
    """Status of every indexed requirement, plus ids cited by cases but not indexed."""
    verdicts: dict[str, list[CaseResult]] = {}
    for r in results:
        for rid in r.case.requirements:
            verdicts.setdefault(rid, []).append(r)
    out = []
    known = set()
    for req in requirements:
        known.add(req["id"])
        out.append(_status(req["id"], req.get("level", ""), req.get("chapter", ""),
                           req.get("text", ""), verdicts.get(req["id"], [])))
    for rid in sorted(set(verdicts) - known):
        out.append(_status(rid, "", "", "(not in the requirement index)", verdicts[rid]))
    return out


def _status(rid: str, level: str, chapter: str, text: str,
            results: list[CaseResult]) -> RequirementStatus:
    seen = {r.verdict.value for r in results}
    status = next((v for v in _WORST_FIRST if v in seen), "untested")
    return RequirementStatus(rid, level, chapter, text, status,
                             tuple(r.case.id for r in results))


def coverage(statuses: Sequence[RequirementStatus]) -> dict[str, Json]:
    """Per level: total, checked (a case ran and concluded), passed, failed, untested."""
    out: dict[str, Json] = {}
    for level in LEVELS:
        rows = [s for s in statuses if s.level == level]
        checked = [s for s in rows if s.status not in ("untested", "unsupported")]
        out[level] = {
            "total": len(rows),
            "checked": len(checked),
            "passed": sum(s.status == Verdict.PASS for s in rows),
            "failed": sum(s.status in (Verdict.FAIL, Verdict.XFAIL) for s in rows),
            "unsupported": sum(s.status == Verdict.UNSUPPORTED for s in rows),
            "untested": sum(s.status == "untested" for s in rows),
            "percent_checked": round(100.0 * len(checked) / len(rows), 1) if rows else 0.0,
        }
    return out
