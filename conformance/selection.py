"""Which cases a run includes: ``--profile`` and ``--select``.

A selector matches a case when it matches (as a glob) the case id, one of its requirement
ids, one of its tags, its profile or its spec chapter (``05-signalling``).

>>> from qvcp.conformance.cases import Case
>>> c = Case(id="wire.vector.x", profile="wire", title="", requirements=("WIRE-003",),
...          run=lambda ctx: None, tags=("invalid",))
>>> [selects(s, c) for s in ("WIRE-003", "WIRE-*", "wire.vector.*", "invalid", "SIG-001")]
[True, True, True, True, False]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase

from qvcp.conformance.cases import Case

__all__ = ["select", "selects"]


def selects(selector: str, case: Case) -> bool:
    """True when ``selector`` names ``case``."""
    names = (case.id, case.profile, *case.requirements, *case.tags,
             *((case.chapter,) if case.chapter else ()))
    return any(fnmatchcase(name, selector) for name in names)


def select(cases: Iterable[Case], *, selectors: Sequence[str] = (),
           profiles: Sequence[str] = ()) -> list[Case]:
    """The cases of ``profiles`` (all if empty) matching any selector (all if none)."""
    return [c for c in cases
            if (not profiles or c.profile in profiles)
            and (not selectors or any(selects(s, c) for s in selectors))]
