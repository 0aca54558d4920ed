"""Resource book-keeping: the per-link count behind ``quota_left`` agrees with the handles.

``Resources.on_link`` keeps, per circuit and link, how many of the circuit's handles are out
on that link, so that ``quota_left`` (asked once per slot and per fast-forward check) costs a
dict lookup. The oracle here recounts ``in_use`` from scratch after every operation of a
random sequence.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qvcp.reference.engines.base import ProtocolError
from qvcp.reference.resources import Resources

CIRCUITS = (7, 9)
LINKS = (1, 2)


def _recount(res: Resources, circuit: int, link: int) -> int:
    held = res.in_use.get(circuit, {})
    return res.quota.get(circuit, 0) - sum(1 for v in held.values() if v == link)


def _fresh() -> Resources:
    res = Resources(memory=8, comm=5)
    for c in CIRCUITS:
        res.reserve(c, 4, {1: 1000, 2: 1000})  # quota 2 per link
    return res


op = st.one_of(
    st.tuples(st.just("take"), st.sampled_from(CIRCUITS), st.sampled_from(LINKS),
              st.integers(1, 3)),
    st.tuples(st.just("give_back"), st.sampled_from(CIRCUITS), st.integers(0, 7)),
    st.tuples(st.just("hand_over"), st.sampled_from(CIRCUITS), st.integers(0, 7)),
    st.tuples(st.just("comm_done"), st.integers(1, 2)),
    st.tuples(st.just("release"), st.sampled_from(CIRCUITS)),
    st.tuples(st.just("reserve"), st.sampled_from(CIRCUITS)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(op, max_size=40))
def test_quota_left_matches_a_recount(ops: list[tuple]) -> None:
    res = _fresh()
    for o in ops:
        kind = o[0]
        if kind == "take":
            _, c, link, n = o
            if c not in res.reserved:
                continue
            ok = n <= res.modes_available(c, link)
            if ok:
                got = res.take_modes(c, link, n)
                assert len(set(got)) == n
            else:
                with pytest.raises(ProtocolError):
                    res.take_modes(c, link, n)
        elif kind == "give_back":
            res.give_back(o[1], o[2])
        elif kind == "hand_over":
            res.hand_over(o[1], o[2])
        elif kind == "comm_done":
            res.comm_done(min(o[1], res.comm_busy))
        elif kind == "release":
            res.release(o[1])
        else:
            if o[1] not in res.reserved:
                res.reserve(o[1], 4, {1: 1000, 2: 1000})
        for c in CIRCUITS:
            for link in LINKS:
                assert res.quota_left(c, link) == _recount(res, c, link), (o, c, link)
        held = [h for m in res.in_use.values() for h in m]
        assert len(held) == len(set(held))
        assert not set(held) & set(res.free_slots)


def test_take_modes_takes_distinct_slots_and_comm_qubits() -> None:
    res = _fresh()
    got = res.take_modes(7, 1, 2)
    assert len(set(got)) == 2 and res.comm_busy == 2
    assert res.quota_left(7, 1) == 0 and res.quota_left(7, 2) == 2
    with pytest.raises(ProtocolError):
        res.take_modes(7, 1, 1)  # quota spent on link 1
    res.give_back(7, got[0])
    assert res.quota_left(7, 1) == 1
    assert res.take_modes(7, 1, 1) == [got[0]]  # the slot just freed is reused first
