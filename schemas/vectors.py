"""Load the language-neutral test vectors and judge the codec against them.

>>> cases = load_cases()
>>> len(cases) >= 80, all(c.requirements for c in cases)
(True, True)
>>> run_case(next(c for c in cases if c.id == "herald-valid-1")).passed
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from qvcp.schemas.codec import decode, encode, verify
from qvcp.schemas.errors import WireError
from qvcp.schemas.layout import load_json

__all__ = ["Case", "CaseResult", "load_cases", "run_case", "vector_files"]


@dataclass(frozen=True)
class Case:
    """One vector: a valid message in both forms, or an input that must be rejected."""

    id: str
    file: str
    description: str
    requirements: tuple[str, ...]
    valid: bool
    json: Any = None
    binary: bytes | None = None
    error_code: int | None = None
    error_name: str | None = None
    key: bytes | None = None
    has_json: bool = False


@dataclass
class CaseResult:
    """What happened when a case was run; ``problems`` is empty when it passed."""

    case: Case
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def vector_files() -> list[str]:
    """Names of the vector files, sorted."""
    root = files("qvcp.schemas").joinpath("vectors")
    return sorted(p.name for p in root.iterdir() if p.name.endswith(".json"))


def load_cases() -> list[Case]:
    """Every case of every vector file, in file order."""
    out = []
    for name in vector_files():
        for raw in load_json(f"vectors/{name}")["cases"]:
            err = raw.get("error") or {}
            out.append(Case(
                id=raw["id"], file=name, description=raw["description"],
                requirements=tuple(raw["requirements"]), valid=raw["valid"],
                json=raw.get("json"), has_json="json" in raw,
                binary=bytes.fromhex(raw["binary"]) if "binary" in raw else None,
                error_code=err.get("code"), error_name=err.get("name"),
                key=bytes.fromhex(raw["key"]) if "key" in raw else None,
            ))
    return out


def _expect_error(result: CaseResult, what: str, fn: Any, arg: Any) -> None:
    case = result.case
    try:
        fn(arg)
    except WireError as exc:
        if int(exc.code) != case.error_code:
            result.problems.append(f"{what}: expected {case.error_name} ({case.error_code}), "
                                   f"got {exc}")
        return
    result.problems.append(f"{what}: expected {case.error_name}, but it was accepted")


def run_case(case: Case) -> CaseResult:
    """Check one case against :func:`decode` and :func:`encode`."""
    result = CaseResult(case)
    if case.valid:
        assert case.binary is not None
        try:
            decoded = decode(case.binary)
            if decoded != case.json:
                result.problems.append(f"decode gave {decoded}, expected {case.json}")
            encoded = encode(case.json)
            if encoded != case.binary:
                result.problems.append(f"encode gave {encoded.hex()}, expected "
                                       f"{case.binary.hex()}")
            if case.key is not None:
                verify(case.binary, {case.json["auth"]["key_id"]: case.key})
        except WireError as exc:
            result.problems.append(f"rejected a valid case: {exc}")
        return result
    if case.binary is not None:
        _expect_error(result, "decode", decode, case.binary)
    if case.has_json:
        _expect_error(result, "encode", encode, case.json)
    return result
