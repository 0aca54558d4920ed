"""spec/09 tables are generated from the engines' tables; fail on drift."""

import re
from pathlib import Path

from qvcp.reference.statetables import render_all

CHAPTER = Path(__file__).parents[2] / "spec" / "09-state-machines.md"


def test_chapter_tables_match_engines() -> None:
    text = CHAPTER.read_text()
    for name, table in render_all().items():
        m = re.search(rf"<!-- table:{name} .*?-->\n(.*?)\n<!-- /table:{name} -->", text, re.S)
        assert m, f"spec/09 has no table for engine {name}"
        assert m.group(1) == table, f"spec/09 table for {name} differs from the engine table"


def test_new_requirement_ids_start_at_101() -> None:
    ids = re.findall(r"\*\*\[([A-Z]+)-(\d{3})(?:\.\d)?\]\*\*", CHAPTER.read_text())
    assert ids and all(int(num) >= 101 for _, num in ids)
