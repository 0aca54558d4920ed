"""Cases of the ``wire`` profile: every test vector, plus differential properties.

The executable message layer (:mod:`qvcp.schemas`) is the oracle: the vectors were checked
against it, and the properties compare the implementation's answers with it on generated
and mutated messages.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import strategies as st

from qvcp.conformance.cases import Case, CaseContext, require
from qvcp.conformance.properties import check_property
from qvcp.schemas import WireError, decode, encode, error_class
from qvcp.schemas.layout import load_json
from qvcp.schemas.strategies import messages
from qvcp.schemas.vectors import Case as Vector
from qvcp.schemas.vectors import load_cases

__all__ = ["PROPERTY_EXAMPLES", "decode_via", "encode_via", "wire_cases"]

PROPERTY_EXAMPLES = 60
Json = dict[str, Any]


def decode_via(ctx: CaseContext, data: bytes, keys: dict[int, bytes] | None = None) -> Json:
    """Ask the implementation to decode ``data``: ``{"json": ...}`` or ``{"reject": ...}``."""
    args: dict[str, Any] = {"hex": data.hex()}
    if keys is not None:
        args["keys"] = {str(k): v.hex() for k, v in keys.items()}
    return ctx.call("wire.decode", **args)


def encode_via(ctx: CaseContext, message: Any) -> Json:
    """Ask the implementation to encode ``message``: ``{"hex": ...}`` or ``{"reject": ...}``."""
    return ctx.call("wire.encode", json=message)


def _expect_reject(what: str, answer: Json, vector: Vector) -> None:
    got = answer.get("reject")
    require(got is not None, f"{what}: accepted input that must be rejected with "
            f"{vector.error_name} ({vector.error_code})", answer=answer)
    assert got is not None
    require(got["code"] == vector.error_code,
            f"{what}: rejected with code {got['code']} ({got.get('name', '?')}), expected "
            f"{vector.error_code} ({vector.error_name})", answer=got)


def _run_vector(vector: Vector, ctx: CaseContext) -> None:
    if vector.valid:
        assert vector.binary is not None
        keys = None
        if vector.key is not None:
            keys = {vector.json["auth"]["key_id"]: vector.key}
        answer = decode_via(ctx, vector.binary, keys)
        require("json" in answer, f"decode rejected a valid message: {answer.get('reject')}",
                hex=vector.binary.hex())
        require(answer["json"] == vector.json, "decode gave a different JSON form",
                got=answer["json"], expected=vector.json)
        answer = encode_via(ctx, vector.json)
        require("hex" in answer, f"encode rejected a valid message: {answer.get('reject')}",
                json=vector.json)
        require(answer["hex"] == vector.binary.hex(), "encode gave different bytes",
                got=answer["hex"], expected=vector.binary.hex())
        return
    if vector.binary is not None:
        _expect_reject("decode", decode_via(ctx, vector.binary), vector)
    if vector.has_json:
        _expect_reject("encode", encode_via(ctx, vector.json), vector)


@cache
def _file_message_type(file: str) -> str | None:
    return load_json(f"vectors/{file}")["message_type"]  # type: ignore[no-any-return]


def _vector_case(vector: Vector) -> Case:
    message_type = _file_message_type(vector.file)
    return Case(
        id=f"wire.vector.{vector.id}", profile="wire", title=vector.description,
        requirements=vector.requirements, run=lambda ctx: _run_vector(vector, ctx),
        tags=("vector", "valid" if vector.valid else "invalid", vector.file.removesuffix(".json")),
        capabilities=("wire.auth",) if vector.key is not None else (),
        message_types=(message_type,) if message_type else (),
        chapter="08-security" if vector.key is not None else "02-wire-format")


# --- properties -----------------------------------------------------------------------------

def _claimed_messages(ctx: CaseContext) -> st.SearchStrategy[Json]:
    types = ctx.implementation.message_types
    return messages(sorted(types) if types else None, max_items=4)


def _round_trip(ctx: CaseContext) -> None:
    def check(message: Json) -> None:
        expected = encode(message).hex()
        answer = encode_via(ctx, message)
        require(answer.get("hex") == expected, "encode differs from the canonical bytes",
                got=answer, expected=expected)
        answer = decode_via(ctx, bytes.fromhex(expected))
        require(answer.get("json") == message, "decode does not give back the message",
                got=answer)

    check_property(ctx, _claimed_messages(ctx), check, max_examples=PROPERTY_EXAMPLES)


@st.composite
def _mutated(draw: st.DrawFn, base: st.SearchStrategy[Json]) -> bytes:
    data = bytearray(encode(draw(base)))
    kind = draw(st.sampled_from(["flip", "truncate", "extend", "byte"]))
    if kind == "flip":
        index = draw(st.integers(0, len(data) - 1))
        data[index] ^= 1 << draw(st.integers(0, 7))
    elif kind == "truncate":
        del data[draw(st.integers(0, len(data) - 1)):]
    elif kind == "extend":
        data += draw(st.binary(min_size=1, max_size=6))
    else:
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


def _mutated_bytes(ctx: CaseContext) -> None:
    def check(data: bytes) -> None:
        answer = decode_via(ctx, data)
        try:
            expected: Json | None = decode(data)
            error: WireError | None = None
        except WireError as exc:
            expected, error = None, exc
        if error is None:
            require(answer.get("json") == expected, "decode of a still-valid message differs",
                    hex=data.hex(), got=answer, expected=expected)
            return
        reject = answer.get("reject")
        require(reject is not None, f"accepted bytes that must be rejected ({error})",
                hex=data.hex(), got=answer)
        assert reject is not None
        require(error_class(reject["code"]) == "wire",
                f"rejected with code {reject['code']}, not a wire-class code "
                f"(expected e.g. {error.code.name})", hex=data.hex(), got=reject)

    check_property(ctx, _mutated(_claimed_messages(ctx)), check,
                   max_examples=PROPERTY_EXAMPLES)


PROPERTIES = (
    Case(id="wire.prop.round-trip", profile="wire", randomised=True,
         title="Generated valid messages encode to the canonical bytes and decode back",
         requirements=("WIRE-001", "WIRE-003.1", "WIRE-008.2", "WIRE-010", "EXT-001.1",
                       "EXT-003.1"),
         run=_round_trip,
         tags=("property",), chapter="02-wire-format"),
    Case(id="wire.prop.mutated-bytes", profile="wire", randomised=True,
         title="Mutated messages are rejected exactly when the spec rejects them, with a "
               "wire-class code, and decoded identically otherwise",
         requirements=("WIRE-002", "WIRE-003.2", "WIRE-006.2", "WIRE-007", "EXT-001.2", "EXT-002",
                       "ERR-002.1"),
         run=_mutated_bytes, tags=("property",), chapter="02-wire-format"),
)


def wire_cases() -> list[Case]:
    """Every vector as a case, then the properties."""
    return [_vector_case(v) for v in load_cases()] + list(PROPERTIES)
