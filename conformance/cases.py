"""What a conformance case is, what it can conclude, and how it reports a failure.

A :class:`Case` has a stable id, the profile it belongs to, the requirement ids it checks
and a ``run`` function taking a :class:`CaseContext`. ``run`` returns ``None`` (pass) or an
:class:`Outcome` (statistical cases), and raises :class:`CaseFailure` to fail.

>>> case_seed(7, "wire.vector.herald-valid-1") == case_seed(7, "wire.vector.herald-valid-1")
True
>>> case_seed(7, "a") != case_seed(8, "a")
True
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from qvcp.conformance.protocol import Device, DriverError, Implementation
from qvcp.conformance.session import Session

__all__ = [
    "Case",
    "CaseContext",
    "CaseFailure",
    "Outcome",
    "PreconditionUnmet",
    "Verdict",
    "case_seed",
    "precondition",
    "require",
]

Json = dict[str, Any]


class Verdict(enum.StrEnum):
    """What the harness concluded about one case."""

    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"  # statistical case: the interval straddles the threshold
    ERRORED = "errored"  # the implementation (or harness) misbehaved; no conclusion
    UNSUPPORTED = "unsupported"  # profile, chapter, capability or message type not claimed
    XFAIL = "xfail"  # failed, and listed in the expected-failures file
    XPASS = "xpass"  # listed as expected to fail, but passed


class CaseFailure(AssertionError):
    """The implementation broke the requirement the case checks."""

    def __init__(self, message: str, evidence: Json | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.evidence: Json = dict(evidence or {})


class PreconditionUnmet(Exception):
    """The case could not reach the situation its requirement speaks of (for example, nothing
    was delivered to judge): the verdict is *inconclusive*, and blames no requirement."""

    def __init__(self, message: str, evidence: Json | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.evidence: Json = dict(evidence or {})


def precondition(condition: bool, message: str, **evidence: Any) -> None:
    """End the case as inconclusive with ``message`` unless ``condition`` holds."""
    if not condition:
        raise PreconditionUnmet(message, evidence)


def require(condition: bool, message: str, **evidence: Any) -> None:
    """Fail the case with ``message`` and ``evidence`` unless ``condition`` holds."""
    if not condition:
        raise CaseFailure(message, evidence)


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """The conclusion of a case that returns one (statistical cases)."""

    verdict: Verdict
    message: str = ""
    evidence: Json = field(default_factory=dict)
    interval: Json | None = None  # {"low", "high", "estimate", "threshold", "confidence", "n"}


def case_seed(run_seed: int, case_id: str) -> int:
    """The seed of one case: stable for a run seed and a case id, independent of order."""
    digest = hashlib.sha256(f"{run_seed}:{case_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass
class CaseContext:
    """What a running case can use: the session, its seed, the handshake."""

    session: Session
    seed: int
    implementation: Implementation
    _broken: DriverError | None = None

    def call(self, verb: str, *, device: Device | None = None, **args: Any) -> Json:
        """Perform a verb. After the first driver error every later call re-raises it at once,
        so a property whose implementation crashed does not shrink against a dead process."""
        if self._broken is not None:
            raise self._broken
        try:
            return self.session.call(verb, args, device=device)
        except DriverError as exc:
            self._broken = exc
            raise

    def fail(self, message: str, **evidence: Any) -> NoReturn:
        raise CaseFailure(message, evidence)


@dataclass(frozen=True, kw_only=True)
class Case:
    """One conformance case."""

    id: str
    profile: str
    title: str
    requirements: tuple[str, ...]
    run: Callable[[CaseContext], Outcome | None] = field(repr=False, compare=False)
    tags: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()
    message_types: tuple[str, ...] = ()  # the message types the case needs (@type: tags)
    # the spec chapter the case belongs to (BDD: its feature folder); "" = spans several
    chapter: str = ""
    randomised: bool = False

    def unsupported_reason(self, impl: Implementation) -> str | None:
        """Why ``impl`` cannot be judged by this case, or ``None`` if it can.

        >>> from qvcp.conformance.protocol import Implementation
        >>> impl = Implementation(name="x", version="1", language="C", spec_version="1.0",
        ...     profiles=frozenset({"node"}), capabilities=frozenset(),
        ...     chapters={"node": frozenset({"03-link-layer"})})
        >>> case = Case(id="node.x", profile="node", title="", requirements=(),
        ...             run=lambda ctx: None, chapter="05-signalling")
        >>> case.unsupported_reason(impl)
        "chapter '05-signalling' not claimed for profile 'node' (claimed: 03-link-layer)"
        """
        if self.profile not in impl.profiles:
            return f"profile {self.profile!r} not claimed"
        if not impl.claims_chapter(self.profile, self.chapter):
            claimed = ", ".join(sorted(impl.chapters.get(self.profile, ())))
            if not self.chapter:
                return (f"the case spans several chapters of profile {self.profile!r}, "
                        f"which is claimed for {claimed} only")
            return (f"chapter {self.chapter!r} not claimed for profile {self.profile!r} "
                    f"(claimed: {claimed})")
        missing = sorted(set(self.capabilities) - impl.capabilities)
        if missing:
            return f"capabilities not claimed: {', '.join(missing)}"
        if impl.message_types is not None:
            types = sorted(set(self.message_types) - impl.message_types)
            if types:
                return f"message types not claimed: {', '.join(types)}"
        return None
