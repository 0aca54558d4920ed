"""What a handshake claims decides which cases are judged: profiles, chapters, capabilities,
message types (driver protocol 1, revision 2)."""

from typing import Any

import pytest

from qvcp.conformance.catalogue import all_cases
from qvcp.conformance.driverschema import driver_schema, problems
from qvcp.conformance.lifecycle import LIFECYCLE_CASE
from qvcp.conformance.protocol import Implementation

HELLO: dict[str, Any] = {"protocol": 1, "implementation": {"name": "x", "version": "1",
                                                           "language": "C"},
                         "spec_version": "1.0", "profiles": ["wire", "node", "network"],
                         "capabilities": ["node.harness-device", "network.measure"]}
CHAPTERS = set(driver_schema()["$defs"]["chapter"]["enum"])


def _impl(**extra: Any) -> Implementation:
    hello = {**HELLO, **extra}
    assert problems("hello.result", hello) == []
    return Implementation.from_hello(hello)


def test_a_handshake_without_chapters_claims_every_chapter() -> None:
    impl = _impl()
    assert impl.chapters == {}
    judged = [c for c in all_cases() if set(c.capabilities) <= set(HELLO["capabilities"])]
    assert len(judged) > 400
    assert all(c.unsupported_reason(impl) is None for c in judged)


@pytest.mark.parametrize("chapters", [
    {"node": ["03-link-layr"]},  # not a chapter of the specification
    {"nodes": ["03-link-layer"]},  # not a profile
    {"node": []},  # claim the profile's chapters, or leave the profile out
    {"node": "03-link-layer"},
])
def test_malformed_chapter_claims_break_the_handshake_schema(chapters: Any) -> None:
    assert problems("hello.result", {**HELLO, "chapters": chapters})


def test_every_wire_and_node_case_belongs_to_a_chapter_of_the_specification() -> None:
    for case in all_cases():
        if case.profile == "network":
            assert case.chapter == "", case.id  # end to end: spans several chapters
            continue
        assert case.chapter in CHAPTERS, (case.id, case.chapter)
        if "bdd" in case.tags:
            assert case.chapter == case.tags[1]  # the feature folder
    lifecycle = next(c for c in all_cases() if c.id == LIFECYCLE_CASE)
    assert lifecycle.chapter == "05-signalling"


def test_chapter_claims_limit_their_profile_only() -> None:
    impl = _impl(chapters={"node": ["03-link-layer", "06-delivery"],
                           "network": ["06-delivery"]})
    cases = all_cases()
    for case in cases:
        reason = case.unsupported_reason(impl)
        if case.profile == "node":
            claimed = set(case.capabilities) <= set(HELLO["capabilities"])
            assert (reason is None) == (claimed and case.chapter in ("03-link-layer",
                                                                     "06-delivery")), \
                (case.id, reason)
        elif case.profile == "network":
            assert reason is not None and "spans several chapters" in reason, case.id
        elif "wire.auth" not in case.capabilities:
            assert reason is None, (case.id, reason)


def test_the_chapter_claim_is_in_the_report_form_of_the_handshake() -> None:
    assert _impl(chapters={"node": ["03-link-layer"]}).as_dict()["chapters"] == {
        "node": ["03-link-layer"]}
    assert _impl().as_dict()["chapters"] is None
