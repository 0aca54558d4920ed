"""Requirement coverage: which MUST/SHOULD/MAY statements the run checked, and how they fared.

The requirement index is ``schemas/requirements.json`` (written by ``qvcp spec index``); from
a source checkout without it, the index is parsed from ``spec/*.md``.

Beside the run's verdict, every requirement carries the suite's *proof* status
(:mod:`.mutation`): ``proven`` when a registered faulty implementation that breaks it was
caught by its cases, ``tagged-only`` when cases cite it but nothing shows they can fail,
``untestable`` or ``excepted`` with a written reason, ``untested`` when no case cites it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qvcp.conformance.cases import Verdict
from qvcp.conformance.mutation import PROOF_KINDS, proof_statuses
from qvcp.conformance.runner import CaseResult
from qvcp.specindex import LEVELS, build_index, find_spec_dir

__all__ = ["RequirementStatus", "coverage", "load_requirements", "requirement_statuses",
           "requirements_digest"]

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
    proof: str = "untested"  # proven, tagged-only, untestable, excepted, untested
    proof_reason: str = ""
    proven_here: bool = False  # a case that caught a violation of it ran in this run


def requirements_digest(requirements: Sequence[Json]) -> str:
    """``sha256:...`` of the requirement texts a run judged against (id, level, text).

    >>> requirements_digest([{"id": "X-001", "level": "MUST", "text": "a"}])[:15]
    'sha256:8ab9ebdb'
    """
    canonical = json.dumps([[r["id"], r.get("level", ""), r.get("text", "")]
                            for r in sorted(requirements, key=lambda r: r["id"])],
                           separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def requirement_statuses(results: Sequence[CaseResult],
                         requirements: Sequence[Json]) -> list[RequirementStatus]:
    """Status of every indexed requirement, plus ids cited by cases but not indexed."""
    verdicts: dict[str, list[CaseResult]] = {}
    for r in results:
        for rid in r.case.requirements:
            verdicts.setdefault(rid, []).append(r)
    known = {req["id"] for req in requirements}
    unindexed = sorted(set(verdicts) - known)
    proofs = proof_statuses([*known, *unindexed])

    def status(rid: str, level: str, chapter: str, text: str) -> RequirementStatus:
        found = verdicts.get(rid, [])
        seen = {r.verdict.value for r in found}
        verdict = next((v for v in _WORST_FIRST if v in seen), "untested")
        kind, why, catching = proofs[rid]
        ran = tuple(r.case.id for r in found)
        judged = {r.case.id for r in found if r.verdict is not Verdict.UNSUPPORTED}
        return RequirementStatus(rid, level, chapter, text, verdict, ran, kind, why,
                                 proven_here=bool(catching & judged))

    out = [status(req["id"], req.get("level", ""), req.get("chapter", ""), req.get("text", ""))
           for req in requirements]
    out += [status(rid, "", "", "(not in the requirement index)") for rid in unindexed]
    return out


def coverage(statuses: Sequence[RequirementStatus]) -> dict[str, Json]:
    """Per level: total, checked (a case ran and concluded), passed, failed, untested; and
    ``proven``: checked by a case of this run that was shown to catch a violation of it (the
    run ran a case that caught a registered faulty implementation breaking it); ``proof``:
    the suite's proof status of every requirement of the level, whatever this run ran."""
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
            "proven": sum(s.proven_here for s in checked),
            "proof": {kind: sum(s.proof == kind for s in rows) for kind in PROOF_KINDS},
        }
    return out
