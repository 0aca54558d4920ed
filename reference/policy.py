"""A node's authorisation policy (spec chapter 08 section 4): which head ends may open circuits
to which tail ends through it, how many circuits and memory slots one head end's circuits may
hold at the node, the link rate their circuits may reserve through it, and the highest
priority a head end may claim.

>>> p = Policy.of({"allow": [{"head": 1, "tail": 3}], "max_circuits_per_head": 1,
...                "max_priority": 3})
>>> setup = {"head_end": 1, "tail_end": 3, "qos": {"priority": 0, "min_rate_mhz": 0}}
>>> p.refusal(setup, circuits_of_head=0, memory_of_head=0, need=2)
>>> p.refusal(setup, circuits_of_head=1, memory_of_head=2, need=2)
'QUOTA_EXCEEDED'
>>> p.refusal({**setup, "tail_end": 4}, circuits_of_head=0, memory_of_head=0, need=2)
'UNAUTHORISED'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Policy"]

#: the highest priority of the wire (``qos.priority`` is 0 to 7)
TOP_PRIORITY = 7


@dataclass(frozen=True)
class Policy:
    """``allow``: the (head end, tail end) pairs allowed, ``None`` in a pair for any node, the
    whole tuple ``None`` for every pair; quotas per head end at this node (0: none); the
    priority ceiling, for every head end or per head end."""

    allow: tuple[tuple[int | None, int | None], ...] | None = None
    max_circuits_per_head: int = 0
    max_memory_per_head: int = 0
    #: SEC-027: the ``qos.min_rate_mhz`` one head end's circuits may reserve here, in all
    max_rate_mhz_per_head: int = 0
    max_priority: int = TOP_PRIORITY
    priority_ceilings: Mapping[int, int] = field(default_factory=dict)

    @classmethod
    def of(cls, config: Mapping[str, Any] | None) -> Policy | None:
        """From the ``policy`` member of a node configuration, or None. Raises ``ValueError``
        naming the field of a malformed entry."""
        if not config:
            return None
        allow = None
        if "allow" in config:
            pairs = []
            for i, entry in enumerate(config["allow"]):
                try:
                    pairs.append(tuple(None if entry.get(k, "*") == "*" else int(entry[k])
                                       for k in ("head", "tail")))
                except (AttributeError, TypeError, ValueError):
                    raise ValueError(f"policy.allow[{i}]: needs head and tail, each a node "
                                     "id or \"*\"") from None
            allow = tuple(pairs)
        ceiling = config.get("max_priority", TOP_PRIORITY)
        ceilings: dict[int, int] = {}
        if isinstance(ceiling, Mapping):
            ceilings = {int(h): int(p) for h, p in ceiling.items() if h != "*"}
            ceiling = ceiling.get("*", TOP_PRIORITY)
        out = cls(allow=allow,  # type: ignore[arg-type]
                  max_circuits_per_head=int(config.get("max_circuits_per_head", 0)),
                  max_memory_per_head=int(config.get("max_memory_per_head", 0)),
                  max_rate_mhz_per_head=int(config.get("max_rate_mhz_per_head", 0)),
                  max_priority=int(ceiling), priority_ceilings=ceilings)
        for name in ("max_circuits_per_head", "max_memory_per_head", "max_rate_mhz_per_head"):
            if getattr(out, name) < 0:
                raise ValueError(f"policy.{name}: must be >= 0 (0: no limit)")
        if not all(0 <= p <= TOP_PRIORITY for p in (out.max_priority, *ceilings.values())):
            raise ValueError(f"policy.max_priority: priorities are 0 to {TOP_PRIORITY}")
        return out

    def allows(self, head: int, tail: int) -> bool:
        """SEC-020: circuits from ``head`` to ``tail`` may cross this node."""
        return self.allow is None or any(
            h in (None, head) and t in (None, tail) for h, t in self.allow)

    def ceiling(self, head: int) -> int:
        """SEC-023: the highest priority ``head``'s circuits may claim here."""
        return self.priority_ceilings.get(head, self.max_priority)

    def refusal(self, setup: Mapping[str, Any], *, circuits_of_head: int, memory_of_head: int,
                need: int, rate_of_head: int = 0) -> str | None:
        """The REJECT reason for admitting ``setup`` (needing ``need`` memory slots) when its
        head end already holds ``circuits_of_head`` circuits, ``memory_of_head`` slots and
        ``rate_of_head`` mHz of ``min_rate`` here; None when the policy admits it."""
        head, tail = setup["head_end"], setup["tail_end"]
        if not self.allows(head, tail) or setup["qos"]["priority"] > self.ceiling(head):
            return "UNAUTHORISED"  # SEC-020, SEC-023
        if self.max_circuits_per_head and circuits_of_head >= self.max_circuits_per_head:
            return "QUOTA_EXCEEDED"  # SEC-021
        if self.max_memory_per_head and memory_of_head + need > self.max_memory_per_head:
            return "QUOTA_EXCEEDED"  # SEC-022
        rate = setup["qos"]["min_rate_mhz"]
        if self.max_rate_mhz_per_head and rate_of_head + rate > self.max_rate_mhz_per_head:
            return "QUOTA_EXCEEDED"  # SEC-027
        return None
