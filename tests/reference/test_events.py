"""The fast event constructors give the same events as the validating constructors."""

from __future__ import annotations

import pytest

from qvcp.reference.engines import events as ev
from qvcp.reference.engines.base import MessageEvent

MESSAGE_EVENTS = sorted(
    (cls for cls in vars(ev).values()
     if isinstance(cls, type) and issubclass(cls, MessageEvent) and cls is not MessageEvent),
    key=lambda cls: cls.__name__)


def _msg(mtype: str) -> dict[str, object]:
    return {"version": 1, "type": mtype, "message_id": 7, "source": 2, "destination": 3,
            "body": {"link_id": 4}, "extensions": [], "auth": None}


def test_every_message_type_has_an_event() -> None:
    assert len(MESSAGE_EVENTS) >= 16


@pytest.mark.parametrize("cls", MESSAGE_EVENTS, ids=lambda cls: cls.__name__)
def test_of_equals_the_validating_constructor(cls: type[MessageEvent]) -> None:
    msg = _msg(cls.MESSAGE_TYPE)
    fast, checked = cls.of(msg), cls(msg=msg)
    assert type(fast) is cls
    assert fast == checked
    assert fast.msg is msg and fast.body == {"link_id": 4} and fast.source == 2
    assert cls.trusted(msg=msg) == checked


@pytest.mark.parametrize("cls", MESSAGE_EVENTS, ids=lambda cls: cls.__name__)
def test_validating_constructor_rejects_another_type(cls: type[MessageEvent]) -> None:
    other = "HERALD" if cls.MESSAGE_TYPE != "HERALD" else "ATTEMPT"
    with pytest.raises(ValueError, match=f"{cls.__name__}.msg"):
        cls(msg=_msg(other))


def test_trusted_consume_equals_constructor() -> None:
    assert ev.Consume.trusted(qubit=3) == ev.Consume(qubit=3)
