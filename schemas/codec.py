"""The binary codec: canonical JSON <-> bytes, built with ``construct`` from the schema layouts.

Pure functions beside, not inside, any state machine. Every failure is a
:class:`~qvcp.schemas.errors.WireError` with a registered code and the field path.

>>> msg = {"version": 1, "type": "TEARDOWN_ACK", "message_id": 5, "source": 2,
...        "destination": 1, "body": {"circuit_id": 7, "released_memory": 3},
...        "extensions": [], "auth": None}
>>> encode(msg).hex()
'013400000000001a000000050000000200000001000000070003'
>>> decode(encode(msg)) == msg
True
>>> decode(bytes.fromhex("0134"))
Traceback (most recent call last):
...
qvcp.schemas.errors.WireError: TRUNCATED (0x0001, WIRE-002) at header: 2 bytes, a header needs 20
"""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
from collections.abc import Callable, Mapping
from typing import Any

import construct as cs

from qvcp.schemas.errors import ErrorCode, WireError
from qvcp.schemas.layout import (
    HEADER_LENGTH,
    Array,
    Ascii,
    Enum,
    MessageSpec,
    Node,
    Object,
    Uint,
    message_specs,
    wire_constants,
)
from qvcp.schemas.models import MessageModel, validate_message

__all__ = ["SUITES", "canonical_json", "decode", "encode", "sign", "tag_of", "verify"]

VERSION = 1
_WIRE = wire_constants()
_HEADER = struct.Struct(">" + "".join({"u8": "B", "u32": "I"}[fmt] for _, fmt in _WIRE["header"]))
assert _HEADER.size == HEADER_LENGTH
_FLAG_AUTH = _WIRE["flags"]["AUTH"]
_TRAILER = _WIRE["auth_trailer_length"]
_CRITICAL = _WIRE["critical_bit"]
_KNOWN_EXT = {int(k): v for k, v in _WIRE["known_extensions"].items()}
#: REL-020, REL-021: a decoder never needs more than one message of this size
MAX_MESSAGE = _WIRE["max_message_length"]
MAX_EXTENSIONS = _WIRE["max_extensions"]
_TLV = struct.Struct(">HH")
_INTS = {"u8": cs.Int8ub, "u16": cs.Int16ub, "u32": cs.Int32ub, "u64": cs.Int64ub}

Json = dict[str, Any]


# --- construct structures -------------------------------------------------------------------

def _construct(node: Node) -> cs.Construct:
    if isinstance(node, Uint):
        return _INTS[node.fmt]
    if isinstance(node, Enum):
        return cs.Int8ub
    if isinstance(node, Ascii):
        # A counted array of bytes, not Prefixed/PascalString: compiled construct 2.10 reads
        # those with an unchecked io.read and would accept a short string (vector
        # "error-truncated-body" catches it).
        return cs.PrefixedArray(cs.Int8ub, cs.Int8ub)
    if isinstance(node, Array):
        return cs.PrefixedArray(_INTS[node.count_fmt], _construct(node.item))
    return cs.Struct(*(name / _construct(child) for name, child in node.fields))


# --- raw (construct) values <-> canonical JSON values ---------------------------------------

Decoder = Callable[[Any, str], Any]
Encoder = Callable[[Any], Any]


def _decoder(node: Node) -> Decoder:
    if isinstance(node, Uint):
        lo, hi = node.minimum, node.maximum

        def dec_uint(raw: int, path: str) -> int:
            if not lo <= raw <= hi:
                raise WireError(ErrorCode.FIELD_OUT_OF_RANGE, path,
                                f"{raw} is outside [{lo}, {hi}]")
            return raw
        return dec_uint
    if isinstance(node, Enum):
        names = node.names_by_code
        is_open = node.open

        def dec_enum(raw: int, path: str) -> str | int:
            try:
                return names[raw]
            except KeyError:
                if is_open:  # WIRE-040: an unassigned code of an open enumeration
                    return raw
                raise WireError(ErrorCode.FIELD_OUT_OF_RANGE, path,
                                f"code {raw} is not one of {sorted(names)}") from None
        return dec_enum
    if isinstance(node, Ascii):
        def dec_ascii(raw: list[int], path: str) -> str:
            bad = next((b for b in raw if not 0x20 <= b <= 0x7E), None)
            if bad is not None:
                raise WireError(ErrorCode.FIELD_OUT_OF_RANGE, path,
                                f"byte 0x{bad:02x} is not printable ASCII")
            return bytes(raw).decode("ascii")
        return dec_ascii
    if isinstance(node, Array):
        item = _decoder(node.item)
        most = node.max_items

        def dec_array(raw: list[Any], path: str) -> list[Any]:
            if len(raw) > most:
                raise WireError(ErrorCode.FIELD_OUT_OF_RANGE, path,
                                f"{len(raw)} items, at most {most} allowed")
            return [item(v, f"{path}[{i}]") for i, v in enumerate(raw)]
        return dec_array
    fields = [(name, _decoder(child)) for name, child in node.fields]

    def dec_object(raw: Mapping[str, Any], path: str) -> Json:
        return {name: dec(raw[name], f"{path}.{name}") for name, dec in fields}
    return dec_object


def _encoder(node: Node) -> Encoder:
    if isinstance(node, Enum):
        codes = node.codes
        if node.open:
            return lambda value: value if isinstance(value, int) else codes[value]
        return codes.__getitem__
    if isinstance(node, Ascii):
        return lambda text: list(text.encode("ascii"))
    if isinstance(node, Array):
        item = _encoder(node.item)
        return lambda values: [item(v) for v in values]
    if isinstance(node, Object):
        fields = [(name, _encoder(child)) for name, child in node.fields]
        return lambda obj: {name: enc(obj[name]) for name, enc in fields}
    return lambda value: value


class _BodyCodec:
    """Compiled construct struct plus value converters for one message body."""

    def __init__(self, spec: MessageSpec) -> None:
        self.spec = spec
        self.plain = cs.Struct(*(n / _construct(c) for n, c in spec.body.fields), "_end" / cs.Tell)
        self.compiled = self.plain.compile()
        self.to_json = _decoder(spec.body)
        self.to_raw = _encoder(spec.body)

    def parse(self, data: bytes) -> tuple[Json, int]:
        try:
            raw = self.compiled.parse(data)
        except Exception:
            raise self._truncation(data) from None
        return self.to_json(raw, "body"), raw["_end"]

    def _truncation(self, data: bytes) -> WireError:
        """Re-parse with the uncompiled struct to learn which field ran out of bytes."""
        try:
            self.plain.parse(data)
        except cs.ConstructError as exc:
            steps = [s for s in str(getattr(exc, "path", "") or "").split(" -> ")
                     if s and s != "(parsing)"]
            field = ".".join(["body", *steps]).replace(".items", "[]")
            return WireError(ErrorCode.TRUNCATED, field,
                             f"{self.spec.name} body needs more than {len(data)} bytes")
        return WireError(ErrorCode.TRUNCATED, "body", f"{self.spec.name} body is incomplete")

    def build(self, body: Json) -> bytes:
        return self.compiled.build(self.to_raw(body))  # type: ignore[no-any-return]


_BODIES: dict[int, _BodyCodec] = {s.type_code: _BodyCodec(s) for s in message_specs().values()}


# --- decode ---------------------------------------------------------------------------------

def _decode_extensions(data: bytes, start: int, end: int) -> list[Json]:
    out: list[Json] = []
    pos = start
    while pos < end:
        index = len(out)
        if index == MAX_EXTENSIONS:
            raise WireError(ErrorCode.TOO_LARGE, f"extensions[{index}]",
                            f"more than {MAX_EXTENSIONS} extensions")
        if end - pos < _TLV.size:
            raise WireError(ErrorCode.MALFORMED_EXTENSION, f"extensions[{index}]",
                            f"{end - pos} bytes left, a TLV header needs {_TLV.size}")
        word, length = _TLV.unpack_from(data, pos)
        pos += _TLV.size
        if pos + length > end:
            raise WireError(ErrorCode.MALFORMED_EXTENSION, f"extensions[{index}].value",
                            f"value of {length} bytes overruns the message by "
                            f"{pos + length - end}")
        ext_type, critical = word & ~_CRITICAL, bool(word & _CRITICAL)
        known = _KNOWN_EXT.get(ext_type)
        if known is None and critical:
            raise WireError(ErrorCode.UNKNOWN_CRITICAL_EXTENSION, f"extensions[{index}].type",
                            f"critical extension type {ext_type} is not known")
        if known is not None and "length" in known and known["length"] != length:
            raise WireError(ErrorCode.MALFORMED_EXTENSION, f"extensions[{index}].value",
                            f"{known['name']} is {known['length']} bytes, got {length}")
        out.append({"type": ext_type, "critical": critical, "value": data[pos:pos + length].hex()})
        pos += length
    return out


def decode(data: bytes | bytearray | memoryview) -> Json:
    """Decode one binary message into its canonical JSON form.

    Args:
        data: exactly one message (header, body, extensions, optional trailer).

    Returns:
        The canonical JSON object (``dict``), as :func:`encode` takes it.

    Raises:
        WireError: the first rule the bytes break, in the order of WIRE-016: TRUNCATED
            header, UNSUPPORTED_VERSION, TOO_LARGE or LENGTH_MISMATCH, RESERVED_BITS_SET,
            UNKNOWN_MESSAGE_TYPE, TRUNCATED trailer, TRUNCATED or FIELD_OUT_OF_RANGE body,
            MALFORMED_EXTENSION, UNKNOWN_CRITICAL_EXTENSION. (Tags are checked by
            :func:`verify`, which needs the keys.)
    """
    data = bytes(data)
    if len(data) < HEADER_LENGTH:
        raise WireError(ErrorCode.TRUNCATED, "header",
                        f"{len(data)} bytes, a header needs {HEADER_LENGTH}")
    version, type_code, flags, reserved, length, message_id, source, destination = (
        _HEADER.unpack_from(data))
    if version != VERSION:
        raise WireError(ErrorCode.UNSUPPORTED_VERSION, "header.version",
                        f"version {version} is not {VERSION}")
    if length > MAX_MESSAGE:
        raise WireError(ErrorCode.TOO_LARGE, "header.length",
                        f"length field says {length} bytes, more than {MAX_MESSAGE}")
    if length != len(data):
        raise WireError(ErrorCode.LENGTH_MISMATCH, "header.length",
                        f"length field says {length} bytes, received {len(data)}")
    if flags & ~_FLAG_AUTH:
        raise WireError(ErrorCode.RESERVED_BITS_SET, "header.flags",
                        f"reserved flag bits 0x{flags & ~_FLAG_AUTH:02x} are set")
    if reserved:
        raise WireError(ErrorCode.RESERVED_BITS_SET, "header.reserved",
                        f"reserved byte is 0x{reserved:02x}")
    body_codec = _BODIES.get(type_code)
    if body_codec is None:
        raise WireError(ErrorCode.UNKNOWN_MESSAGE_TYPE, "header.type",
                        f"type code 0x{type_code:02x} is not registered")
    end = length
    auth = None
    if flags & _FLAG_AUTH:
        end = length - _TRAILER
        if end < HEADER_LENGTH:
            raise WireError(ErrorCode.TRUNCATED, "auth",
                            f"AUTH flag set but only {length - HEADER_LENGTH} bytes follow "
                            f"the header, the trailer needs {_TRAILER}")
        key_id = int.from_bytes(data[end:end + 4], "big")
        auth = {"key_id": key_id, "tag": data[end + 4:length].hex()}
    body, used = body_codec.parse(data[HEADER_LENGTH:end])
    extensions = _decode_extensions(data, HEADER_LENGTH + used, end)
    return {
        "version": version,
        "type": body_codec.spec.name,
        "message_id": message_id,
        "source": source,
        "destination": destination,
        "body": body,
        "extensions": extensions,
        "auth": auth,
    }


# --- encode ---------------------------------------------------------------------------------

def encode(message: Json | MessageModel) -> bytes:
    """Encode a message given as canonical JSON (``dict``) or as a model instance.

    The JSON form is validated first (see :func:`~qvcp.schemas.models.validate_message`); the
    header ``length`` and AUTH flag are derived. An ``auth`` trailer is written as given: use
    :func:`sign` to compute a real tag.

    Raises:
        WireError: SCHEMA_VIOLATION, UNKNOWN_MESSAGE_TYPE, UNSUPPORTED_VERSION or
            FIELD_OUT_OF_RANGE, naming the field; TOO_LARGE when the message would exceed
            65535 bytes or 32 extensions (REL-020, REL-021).
    """
    model = message if isinstance(message, MessageModel) else validate_message(message)
    obj = model.model_dump(mode="python")
    spec = message_specs()[obj["type"]]
    body = _BODIES[spec.type_code].build(obj["body"])
    tlvs = b"".join(
        _TLV.pack(ext["type"] | (_CRITICAL if ext["critical"] else 0), len(value)) + value
        for ext in obj["extensions"]
        for value in [bytes.fromhex(ext["value"])]
    )
    auth = obj["auth"]
    trailer = (auth["key_id"].to_bytes(4, "big") + bytes.fromhex(auth["tag"])) if auth else b""
    length = HEADER_LENGTH + len(body) + len(tlvs) + len(trailer)
    if length > MAX_MESSAGE:
        raise WireError(ErrorCode.TOO_LARGE, "extensions",
                        f"message of {length} bytes exceeds {MAX_MESSAGE}")
    if len(obj["extensions"]) > MAX_EXTENSIONS:
        raise WireError(ErrorCode.TOO_LARGE, "extensions",
                        f"{len(obj['extensions'])} extensions, more than {MAX_EXTENSIONS}")
    header = _HEADER.pack(VERSION, spec.type_code, _FLAG_AUTH if auth else 0, 0, length,
                          obj["message_id"], obj["source"], obj["destination"])
    return header + body + tlvs + trailer


# --- authentication trailer (SEC-001.1, SEC-002.1) ----------------------------------------------

def _load_suites() -> dict[int, Callable[[], Any]]:
    from importlib.resources import files

    data = json.loads(files("qvcp.schemas").joinpath("auth-suites.json").read_text("utf-8"))
    return {s["id"]: getattr(hashlib, s["hash"]) for s in data["suites"]}


#: authentication suites (chapter 08 section 1.1, ``schemas/auth-suites.json``): suite id ->
#: the hash function of its HMAC; suite 1, HMAC-SHA-256, is the default
SUITES: dict[int, Callable[[], Any]] = _load_suites()
DEFAULT_SUITE = 1


def tag_of(key: bytes, signed_part: bytes, suite: int = DEFAULT_SUITE) -> bytes:
    """The 32-byte tag of ``signed_part`` under ``key`` with authentication ``suite``
    (SEC-002.1, SEC-008.1); raises ``ValueError`` for a suite not in the registry."""
    digest = SUITES.get(suite)
    if digest is None:
        raise ValueError(f"authentication suite {suite} is not registered "
                         f"(known: {sorted(SUITES)})")
    return hmac.new(key, signed_part, digest).digest()


_tag = tag_of


def sign(data: bytes, *, key: bytes, key_id: int, suite: int = DEFAULT_SUITE) -> bytes:
    """Return ``data`` (one unauthenticated message) with a trailer appended: the tag of
    ``suite`` (default HMAC-SHA-256) under ``key``, named by ``key_id``.

    Sets the AUTH flag and the new length, then tags every byte before the tag (SEC-002.1).
    """
    decode(data)  # refuse to sign what we could not decode
    if data[2] & _FLAG_AUTH:
        raise WireError(ErrorCode.RESERVED_BITS_SET, "header.flags", "message is already signed")
    length = len(data) + _TRAILER
    head = bytearray(data)
    head[2] |= _FLAG_AUTH
    head[4:8] = length.to_bytes(4, "big")
    signed_part = bytes(head) + key_id.to_bytes(4, "big")
    return signed_part + _tag(key, signed_part, suite)


def trailer(message: Json, *, key: bytes, key_id: int, suite: int = DEFAULT_SUITE) -> Json:
    """The ``auth`` member (SEC-002.1) that signs the JSON ``message`` with ``key``: its
    ``auth`` as given is ignored, the tag is computed over the binary form (:func:`sign`)."""
    signed: Json = decode(sign(encode({**message, "auth": None}), key=key, key_id=key_id,
                               suite=suite))
    return signed["auth"]  # type: ignore[no-any-return]


def verify(data: bytes, keys: Mapping[int, bytes],
           suites: Mapping[int, int] | None = None) -> Json:
    """Decode ``data`` and check its trailer against ``keys`` (key id -> key), each key with
    its suite in ``suites`` (key id -> suite id; default HMAC-SHA-256).

    Raises:
        WireError: AUTH_REQUIRED when the message has no trailer, AUTH_FAILED when the key id
            is unknown or the tag does not match, or any decode error.
    """
    msg = decode(data)
    auth = msg["auth"]
    if auth is None:
        raise WireError(ErrorCode.AUTH_REQUIRED, "auth", "message carries no trailer")
    key = keys.get(auth["key_id"])
    if key is None:
        raise WireError(ErrorCode.AUTH_FAILED, "auth.key_id", f"unknown key id {auth['key_id']}")
    suite = (suites or {}).get(auth["key_id"], DEFAULT_SUITE)
    if not hmac.compare_digest(_tag(key, data[:-32], suite), data[-32:]):
        raise WireError(ErrorCode.AUTH_FAILED, "auth.tag", "tag does not verify")
    return msg


def canonical_json(obj: Json) -> str:
    """The canonical text of a JSON message: sorted keys, no spaces, ASCII only."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
