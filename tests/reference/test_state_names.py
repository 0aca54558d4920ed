"""Chapter 05 names circuit states informally; every name it uses must be a state of chapter
09's generated signalling table or be mapped onto such states in chapter 05 section 2, so that
chapter 09's table stays the one normative circuit state machine."""

from __future__ import annotations

import re
from pathlib import Path

from qvcp.reference.engines.signalling import TABLE
from qvcp.schemas import ErrorCode

SPEC = Path(__file__).parents[2] / "spec"
CH05 = SPEC / "05-signalling.md"
CH09 = SPEC / "09-state-machines.md"
SCHEMAS = Path(__file__).parents[2] / "schemas" / "json"

_TOKEN = re.compile(r"`([A-Z][A-Z0-9_]*[A-Z0-9])`")
#: a backticked word right after a word that only a state follows in prose
_IN_STATE = re.compile(r"\b(?:state|states|stays|enters|leaves|from|to)\s+`([A-Z][A-Z0-9_]*)`")


def _chapter09_states() -> set[str]:
    """The states of chapter 09's signalling table (generated from the engine's table)."""
    m = re.search(r"<!-- table:signalling .*?-->\n(.*?)\n<!-- /table:signalling -->",
                  CH09.read_text(), re.S)
    assert m, "spec/09 has no signalling table"
    return set(_TOKEN.findall(m.group(1)))


def _mapping() -> dict[str, set[str]]:
    """Chapter 05 section 2: informal state name -> the chapter 09 states it stands for."""
    text = CH05.read_text()
    section = text[text.index("## 2."):text.index("## 3.")]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows, "spec/05 section 2 has no table mapping its state names to chapter 09"
    out = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        out[_TOKEN.findall(cells[0])[0]] = set(_TOKEN.findall(cells[1]))
    return out


def _wire_vocabulary() -> set[str]:
    """Message types, enumeration values and error codes: capital words that are no states."""
    words = set(ErrorCode.__members__)
    for path in SCHEMAS.glob("*.json"):
        words |= set(re.findall(r'"([A-Z][A-Z0-9_]+)"', path.read_text()))
    return words


def test_chapter09_signalling_states_are_the_engines() -> None:
    assert _chapter09_states() == {s.name for s, _ in TABLE} | {
        s.name for rule in TABLE.values() for s in rule.allowed()}


def test_chapter05_maps_its_state_names_onto_chapter09_states() -> None:
    states = _chapter09_states()
    for name, targets in _mapping().items():
        assert targets, f"spec/05 maps state {name} onto no chapter 09 state"
        assert targets <= states, (f"spec/05 maps state {name} onto {sorted(targets - states)}, "
                                   "which chapter 09's signalling table does not have")


def test_every_state_name_in_chapter05_is_a_chapter09_state_or_mapped() -> None:
    text = CH05.read_text()
    known = _chapter09_states() | set(_mapping())
    used = set(_IN_STATE.findall(text)) | (set(_TOKEN.findall(text)) - _wire_vocabulary())
    assert used, "no state name found in spec/05"
    unknown = sorted(used - known)
    assert not unknown, (f"spec/05 uses state names {unknown} that are neither states of "
                         "chapter 09's signalling table nor mapped in spec/05 section 2")


def test_chapter05_has_no_table_of_legal_messages_of_its_own() -> None:
    text = CH05.read_text()
    section = text[text.index("## 2."):text.index("## 3.")]
    assert "| Message |" not in section, (
        "spec/05 section 2 holds a table of messages per state: chapter 09's generated "
        "signalling table is the one normative one")
