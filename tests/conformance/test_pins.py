"""Cases are pinned to the requirement texts they were written against."""

from __future__ import annotations

from dataclasses import dataclass

from qvcp.conformance.pins import current_pins, pin_problems, text_digest


@dataclass(frozen=True)
class _Case:
    id: str
    requirements: tuple[str, ...]


CASES = [_Case("a", ("X-001",)), _Case("b", ("X-001", "X-002"))]
TEXTS = {"X-001": "A node MUST do one thing.", "X-002": "A node SHOULD do another."}


def test_unchanged_texts_raise_nothing_and_rewrapping_is_no_change() -> None:
    pinned = current_pins(CASES, TEXTS)
    rewrapped = {**TEXTS, "X-001": "A node MUST\n  do one   thing."}
    assert pin_problems(pinned, current_pins(CASES, rewrapped)) == []


def test_an_edited_requirement_flags_every_case_citing_it_and_only_those() -> None:
    pinned = current_pins(CASES, TEXTS)
    edited = {**TEXTS, "X-002": "A node MUST do another."}
    problems = pin_problems(pinned, current_pins(CASES, edited))
    assert len(problems) == 1 and problems[0].startswith("b: the text of X-002 changed")


def test_a_new_case_and_a_removed_case_are_flagged() -> None:
    pinned = current_pins(CASES[:1], TEXTS)
    assert [p.split(":")[0] for p in pin_problems(pinned, current_pins(CASES, TEXTS))] == ["b"]
    pinned = current_pins(CASES, TEXTS)
    problems = pin_problems(pinned, current_pins(CASES[:1], TEXTS))
    assert problems == ["b: pinned but no longer a case; `qvcp spec pin` forgets it"]


def test_digest_differs_for_different_words() -> None:
    assert text_digest("MUST do it") != text_digest("MUST NOT do it")
