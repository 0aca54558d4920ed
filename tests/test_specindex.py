"""The requirement index and the spec linter."""

from __future__ import annotations

from pathlib import Path

from qvcp.specindex import (
    build_groups,
    build_index,
    find_spec_dir,
    index_document,
    lint,
    parse_chapter,
    resolve,
)

ROOT = Path(__file__).resolve().parents[1]

CHAPTER = """# Chapter

## Section A

**[WIRE-001]** Receivers MUST do this.

- **[WIRE-002]** Senders SHOULD do that.

Plain prose with no keyword.

```
**[WIRE-009]** MUST inside a code block is not a requirement
```

## Section B

**[WIRE-003]** It is OPTIONAL to
continue on a second line.
"""


def test_parse_levels_sections_and_continuations() -> None:
    reqs = parse_chapter("c.md", CHAPTER)
    assert [(r.id, r.level, r.section) for r in reqs] == [
        ("WIRE-001", "MUST", "Section A"),
        ("WIRE-002", "SHOULD", "Section A"),
        ("WIRE-003", "MAY", "Section B"),
    ]
    assert reqs[2].text.endswith("continue on a second line.")


def test_lint_finds_duplicates_missing_keywords_and_stray_keywords(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("**[EXT-001]** Nodes MUST parse.\n\nProse that MUST not.\n")
    (tmp_path / "b.md").write_text("**[EXT-001]** Again MAY.\n\n**[EXT-002]** no keyword\n")
    problems = lint(tmp_path)
    assert any("EXT-001 already defined" in p for p in problems)
    assert any("EXT-002 has no BCP 14 keyword" in p for p in problems)
    assert any("outside a requirement" in p for p in problems)
    assert len(problems) == 3


def test_the_spec_lints_clean() -> None:
    assert lint(find_spec_dir()) == []


def test_requirements_json_is_up_to_date() -> None:
    spec_dir = find_spec_dir()
    expected = index_document(build_index(spec_dir))
    current = (ROOT / "schemas" / "requirements.json").read_text(encoding="utf-8")
    assert current == expected, "run `qvcp spec index`"


def test_schemas_check_passes() -> None:
    from qvcp.schemas.check import run_checks

    failed = [(r.name, r.problems[:3]) for r in run_checks() if not r.passed]
    assert not failed


def test_split_requirements_are_groups_of_atomic_parts(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "- **[SIG-008]** Checks of a route.\n"
        "  - **[SIG-008.1]** A node MUST check the length.\n"
        "  - **[SIG-008.2]** A node SHOULD log.\n\n"
        "**[SIG-009]** Nodes MUST do one thing.\n")
    assert lint(tmp_path) == []
    reqs = build_index(tmp_path)
    assert [(r.id, r.level) for r in reqs] == [
        ("SIG-008.1", "MUST"), ("SIG-008.2", "SHOULD"), ("SIG-009", "MUST")]
    assert build_groups(tmp_path) == {"SIG-008": ["SIG-008.1", "SIG-008.2"]}
    assert resolve("SIG-008", build_groups(tmp_path)) == ["SIG-008.1", "SIG-008.2"]


def test_lint_wants_one_keyword_per_id_and_parts_after_their_lead_in(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "**[SIG-001]** Nodes MUST do this and MUST NOT do that.\n\n"
        "**[SIG-002]** Group lead-in that MUST not hold a keyword.\n\n"
        "- **[SIG-002.1]** A node MUST x.\n\n"
        "**[SIG-003]** A node MUST y.\n\n"
        "- **[SIG-002.2]** A stray part MUST z.\n\n"
        "- **[SIG-004.1]** A part without lead-in MUST w.\n")
    problems = lint(tmp_path)
    assert any("SIG-001 holds 2 BCP 14 keywords" in p for p in problems)
    assert any("SIG-002 is split into parts" in p for p in problems)
    assert any("SIG-002.2 does not follow" in p for p in problems)
    assert any("SIG-004.1 does not follow" in p for p in problems)
    assert len(problems) == 4
