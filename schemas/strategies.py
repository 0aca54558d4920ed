"""Hypothesis strategies for valid QVCP messages, derived from the schema layouts.

Needs ``hypothesis`` (a test and conformance dependency, not one of the message layer).

>>> from hypothesis import find
>>> find(messages(), lambda m: m["type"] == "HERALD")["type"]
'HERALD'
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from qvcp.schemas.layout import Array, Ascii, Enum, Node, Uint, message_specs, wire_constants

__all__ = ["bodies", "extensions", "messages"]

U32 = st.integers(0, 0xFFFFFFFF)
#: known extension types whose value has a fixed length (EXT-001.2): never drawn as "unknown"
_FIXED_LENGTH = frozenset(int(t) for t, e in wire_constants()["known_extensions"].items()
                          if "length" in e)


def _strategy(node: Node, *, max_items: int) -> st.SearchStrategy[Any]:
    if isinstance(node, Uint):
        return st.integers(node.minimum, node.maximum)
    if isinstance(node, Enum):
        return st.sampled_from(list(node.codes))
    if isinstance(node, Ascii):
        return st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E),
                       max_size=node.max_length)
    if isinstance(node, Array):
        return st.lists(_strategy(node.item, max_items=max_items),
                        max_size=min(node.max_items, max_items))
    return st.fixed_dictionaries({name: _strategy(child, max_items=max_items)
                                  for name, child in node.fields})


def bodies(name: str, *, max_items: int = 6) -> st.SearchStrategy[dict[str, Any]]:
    """Valid bodies of message type ``name`` (arrays capped at ``max_items``)."""
    return _strategy(message_specs()[name].body, max_items=max_items)


def extensions(*, known_only_if_critical: bool = True) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Extension lists a receiver accepts: non-critical of any type, critical only if known.

    Known types keep their fixed length (TRACE_CONTEXT is 16 bytes).
    """
    trace = st.builds(lambda v, c: {"type": 1, "critical": c, "value": v.hex()},
                      st.binary(min_size=16, max_size=16), st.booleans())
    padding = st.builds(lambda v, c: {"type": 2, "critical": c, "value": v.hex()},
                        st.binary(max_size=12), st.booleans())
    unknown = st.builds(lambda t, v: {"type": t, "critical": False, "value": v.hex()},
                        st.integers(3, 0x7FFF).filter(lambda t: t not in _FIXED_LENGTH),
                        st.binary(max_size=12))
    choice = st.one_of(trace, padding, unknown) if known_only_if_critical else st.one_of(
        trace, padding, unknown, st.builds(
            lambda t, v: {"type": t, "critical": True, "value": v.hex()},
            st.integers(3, 0x7FFF), st.binary(max_size=12)))
    return st.lists(choice, max_size=3)


@st.composite
def messages(draw: st.DrawFn, names: list[str] | None = None, *, signed: bool = False,
             max_items: int = 6) -> dict[str, Any]:
    """Valid canonical-JSON messages of the given types (all types by default)."""
    name = draw(st.sampled_from(names or list(message_specs())))
    auth = None
    if signed:
        auth = {"key_id": draw(U32), "tag": draw(st.binary(min_size=32, max_size=32)).hex()}
    return {
        "version": 1,
        "type": name,
        "message_id": draw(U32),
        "source": draw(U32),
        "destination": draw(U32),
        "body": draw(bodies(name, max_items=max_items)),
        "extensions": draw(extensions()),
        "auth": auth,
    }
