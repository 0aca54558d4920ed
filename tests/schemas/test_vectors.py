"""Every language-neutral vector, one test each; ids come from the data."""

from __future__ import annotations

import pytest

from qvcp.schemas.vectors import Case, load_cases, run_case

CASES = load_cases()


def test_there_are_enough_vectors() -> None:
    assert len(CASES) >= 80
    types = {c.json["type"] for c in CASES if c.valid}
    from qvcp.schemas import message_specs

    assert types == set(message_specs()), "every message type has a valid vector"
    assert sum(not c.valid for c in CASES) >= 3 * sum(c.valid for c in CASES) // 2


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_vector(case: Case) -> None:
    result = run_case(case)
    assert result.passed, "\n".join(result.problems)


def test_vectors_agree_with_the_struct_oracle() -> None:
    """The canonical binaries were made by the struct oracle; re-check it reads them back."""
    import struct_oracle

    for case in CASES:
        if case.valid and not case.json["extensions"] and case.json["auth"] is None:
            assert struct_oracle.decode(case.binary) == case.json, case.id


def test_vector_files_are_what_the_generator_writes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The vectors are regenerated from tools/make_vectors.py, never edited by hand."""
    from pathlib import Path

    import make_vectors

    make_vectors.main(tmp_path)
    committed = Path(make_vectors.OUT)
    names = sorted(p.name for p in committed.glob("*.json"))
    assert names == sorted(p.name for p in tmp_path.glob("*.json"))
    for name in names:
        assert (tmp_path / name).read_text() == (committed / name).read_text(), name
