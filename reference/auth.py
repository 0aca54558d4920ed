"""Message authentication at a node (spec chapter 08): sign what it sends to a keyed peer,
verify what a keyed peer sends, and drop replays.

>>> keys = NodeAuth.of({"keys": [{"peer": 3, "key_id": 9, "key": "00" * 16}]})
>>> msg = {"version": 1, "type": "TEARDOWN", "message_id": 1, "source": 2, "destination": 3,
...        "body": {"circuit_id": 7, "reason": "NORMAL"}, "extensions": [], "auth": None}
>>> keys.sign(msg)["auth"]["key_id"]
9

A node holds one key or more per peer (``peer``, ``key_id``, ``key``, optionally ``suite``),
listed oldest first. It accepts a peer's message under any of them (SEC-007.1, so that keys
roll over with overlap) and signs what it sends there under the one listed last (SEC-007.2),
each key with the suite it was provisioned with (SEC-008). With a key for a peer it numbers
the messages it sends there from a counter of their own (SEC-010) and signs them, ERROR
messages included (SEC-005); it verifies every message from that peer before acting on any
part of it (SEC-004.2), answering ``AUTH_REQUIRED`` for a message without a trailer when
``required`` (SEC-003) and ``AUTH_FAILED`` for a tag that does not verify or a key id that is
not one of the peer's (SEC-002.2); and it discards without an ERROR a verified message whose
``message_id`` it has already accepted from that peer or that is older than its sliding
window of ``window`` ids (SEC-011.1, the anti-replay window of RFC 4303 s.3.4.3); counter and
window are the peer's, continued across its keys. Tags are computed and checked here over the
binary form (:func:`tag_of`, :func:`sign_json`, :func:`verify_bytes`); the codec only encodes
and decodes, so the node's check is its own and not the harness's. A message is encoded once:
its signer keeps the bytes it signed (:class:`SignedAuth`), and a receiver handed the message
verifies the tag over those bytes and checks that they decode to the message, rather than
encoding it again (:func:`verify_sent`).

>>> msg["auth"] = sign_json(msg, key=b"k" * 32, key_id=5)
>>> verify_bytes(encode(msg), {5: b"k" * 32})["body"]
{'circuit_id': 7, 'reason': 'NORMAL'}
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qvcp.schemas import SUITES, ErrorCode, WireError, decode, encode

from .engines.base import ProtocolError

DEFAULT_WINDOW = 64
DEFAULT_SUITE = 1
_U32 = 2**32
#: bytes of the HMAC-SHA-256 tag, the last of an authenticated message (SEC-002.1)
TAG_BYTES = 32
_AUTH_FLAG = 0x01  # header flags bit 0: a trailer follows (chapter 02 section 2)


def tag_of(key: bytes, signed: bytes, suite: int = DEFAULT_SUITE) -> bytes:
    """The 32-byte tag (RFC 2104) of ``signed`` under ``key`` with authentication ``suite``
    (SEC-008.1): 1 is HMAC-SHA-256, 2 HMAC-SHA3-256 (``schemas/auth-suites.json``)."""
    return hmac.new(key, signed, SUITES[suite]).digest()


def sign_json(msg: dict[str, Any], *, key: bytes, key_id: int,
              suite: int = DEFAULT_SUITE) -> SignedAuth:
    """The ``auth`` member signing ``msg`` (SEC-002.1): the tag covers every byte of its binary
    form before the tag, that is the header (AUTH set, final length), body, extensions and
    ``key_id``; the ``auth`` ``msg`` carries is ignored. The message is encoded once: the
    member keeps the signed bytes (:class:`SignedAuth`)."""
    data = encode({**msg, "auth": {"key_id": key_id, "tag": "00" * TAG_BYTES}})
    tag = tag_of(key, data[:-TAG_BYTES], suite)
    return SignedAuth(key_id, tag.hex(), data[:-TAG_BYTES] + tag)


class SignedAuth(dict[str, Any]):
    """The ``auth`` member :func:`sign_json` returns: ``{"key_id", "tag"}`` like any other
    (equal to, and serialised as, a plain dict), and the message's binary form as signed, tag
    included (:attr:`wire`). The sender keeps the bytes it sends, so that a receiver handed
    the message can verify the tag over those bytes instead of encoding the message again
    (:meth:`NodeAuth.admit`)."""

    __slots__ = ("wire",)

    def __init__(self, key_id: int, tag: str, wire: bytes) -> None:
        super().__init__(key_id=key_id, tag=tag)
        self.wire = wire


def verify_bytes(data: bytes, keys: Mapping[int, bytes],
                 suites: Mapping[int, int] | None = None) -> dict[str, Any]:
    """Decode one binary message and check its trailer against ``keys`` (key id -> key), each
    key with its suite in ``suites`` (key id -> suite; default HMAC-SHA-256).

    Raises ``WireError``: the codec's error for bytes that do not decode (a trailer too short
    is ``TRUNCATED``, SEC-001.2), ``AUTH_REQUIRED`` without a trailer (SEC-003), ``AUTH_FAILED``
    for a key id not in ``keys`` or a tag that does not verify (SEC-002.2). The header and the
    trailer's size are checked first, then the tag, and only then the body and extensions
    (WIRE-016 steps 1 to 6, 7, then 8 and 9)."""
    try:
        msg: dict[str, Any] | None = decode(data)
        later: WireError | None = None
    except WireError as err:
        if not err.field.startswith(("body", "extensions")):
            raise  # a header or trailer-size error (steps 1 to 6) comes before the tag
        msg, later = None, err
    if not data[2] & _AUTH_FLAG:
        raise WireError(ErrorCode.AUTH_REQUIRED, "auth", "message carries no trailer")
    key_id = int.from_bytes(data[-TAG_BYTES - 4:-TAG_BYTES], "big")
    key = keys.get(key_id)
    if key is None:
        raise WireError(ErrorCode.AUTH_FAILED, "auth.key_id", f"unknown key id {key_id}")
    suite = suites.get(key_id, DEFAULT_SUITE) if suites else DEFAULT_SUITE
    # SEC-004.1: the whole tag, compared in constant time
    if not hmac.compare_digest(tag_of(key, data[:-TAG_BYTES], suite), data[-TAG_BYTES:]):
        raise WireError(ErrorCode.AUTH_FAILED, "auth.tag", "tag does not verify")
    if later is not None:
        raise later
    assert msg is not None
    return msg


def verify_sent(msg: dict[str, Any], keys: Mapping[int, bytes],
                suites: Mapping[int, int] | None = None) -> None:
    """Check the trailer of ``msg`` as :func:`verify_bytes` does, over the bytes it was sent as.

    A message signed by :func:`sign_json` carries those bytes (:attr:`SignedAuth.wire`):
    they are verified and decoded, not encoded again, and must decode to ``msg`` itself.
    Otherwise (a message built elsewhere, or changed after it was signed) ``msg`` is encoded
    and that is verified, so the outcome is the same either way. Raises ``WireError``."""
    wire = getattr(msg.get("auth"), "wire", None)
    if wire is not None:
        try:
            if verify_bytes(wire, keys, suites) == msg:
                return
        except WireError:
            pass  # judged below on the message as it is
    verify_bytes(encode(msg), keys, suites)


@dataclass
class ReplayWindow:
    """Accepted ``message_id``s of one source and key: the highest, and a bitmap of the
    ``size`` ids up to it (bit i: highest - i accepted). Ids compare modulo 2^32 (serial
    number arithmetic, RFC 1982), so a counter that wraps keeps working."""

    size: int = DEFAULT_WINDOW
    highest: int | None = None
    seen: int = 0

    def admit(self, message_id: int) -> bool:
        """True (and remember it) if ``message_id`` is new and inside the window."""
        if self.highest is None:
            self.highest, self.seen = message_id, 1
            return True
        ahead = (message_id - self.highest) % _U32
        if 0 < ahead < _U32 // 2:  # newer: slide the window forward
            # a jump of a window or more leaves only the new id (and never shifts by 2^31 bits)
            shifted = self.seen << ahead if ahead < self.size else 0
            self.seen = (shifted | 1) & ((1 << self.size) - 1)
            self.highest = message_id
            return True
        behind = (self.highest - message_id) % _U32
        if behind >= self.size or self.seen >> behind & 1:
            return False  # older than the window, or already accepted
        self.seen |= 1 << behind
        return True


@dataclass(frozen=True)
class PeerKey:
    """One key shared with a peer: its id, its bytes and its authentication suite."""

    key_id: int
    key: bytes
    suite: int = DEFAULT_SUITE


@dataclass
class NodeAuth:
    """One node's keys (peer -> its keys, oldest first), whether keyed peers must
    authenticate, the per-destination counters of what it sends and the per-source replay
    windows of what it accepts, both continued across a peer's keys."""

    keys: dict[int, list[PeerKey]]
    #: True: keyed peers must authenticate (SEC-003); ``"all"``: every source must, a source
    #: without a key can then not be heard at all; False: a trailer is checked when present
    required: bool | str = True
    window: int = DEFAULT_WINDOW
    counters: dict[int, int] = field(default_factory=dict)
    windows: dict[int, ReplayWindow] = field(default_factory=dict)

    @classmethod
    def of(cls, config: dict[str, Any] | None) -> NodeAuth | None:
        """From the ``auth`` member of a node configuration (docs/driver-guide.md), or None.

        Raises ``ValueError`` naming the field for a malformed entry."""
        if not config:
            return None
        keys: dict[int, list[PeerKey]] = {}
        for i, entry in enumerate(config.get("keys", [])):
            try:
                key = bytes.fromhex(entry["key"])
                peer, key_id = int(entry["peer"]), int(entry["key_id"])
                suite = int(entry.get("suite", DEFAULT_SUITE))
            except (KeyError, TypeError, ValueError) as err:
                raise ValueError(f"auth.keys[{i}]: needs peer, key_id and a hex key "
                                 f"({err})") from None
            held = keys.setdefault(peer, [])
            if not key or not 0 <= key_id < _U32 or any(k.key_id == key_id for k in held):
                raise ValueError(f"auth.keys[{i}]: empty key, key_id not a u32 or key id "
                                 f"{key_id} given twice for peer {peer}")
            if suite not in SUITES:
                raise ValueError(f"auth.keys[{i}].suite: {suite} is not a registered "
                                 f"authentication suite (known: {sorted(SUITES)})")
            held.append(PeerKey(key_id, key, suite))
        window = int(config.get("window", DEFAULT_WINDOW))
        if not 1 <= window <= 4096:
            raise ValueError("auth.window: must be 1..4096")
        required = config.get("required", True)
        if required not in (True, False, "all"):
            raise ValueError(f"auth.required: {required!r} is not true, false or \"all\"")
        return cls(keys=keys, required=required, window=window)

    def persisted(self) -> dict[str, dict[int, int]]:
        """What the node keeps of its keyed exchanges on stable storage, to survive a restart
        (SEC-013, SEC-014): per keyed peer, a floor above every ``message_id`` it has sent it
        (persisted in blocks of 2^16, as REL-022 does for the other counters) and the highest
        ``message_id`` it has accepted from it (written before the message is acted on)."""
        return {"sent": {p: (n // 2**16 + 1) * 2**16 % _U32 for p, n in self.counters.items()},
                "accepted": {p: w.highest for p, w in self.windows.items()
                             if w.highest is not None}}

    def restore(self, stored: Mapping[str, Mapping[int, int]]) -> None:
        """Start again from what :meth:`persisted` kept: each counter from its floor (SEC-013),
        and a window per peer that refuses every id up to the highest accepted (SEC-014)."""
        for peer, floor in stored.get("sent", {}).items():
            self.counters[peer] = floor
        for peer, highest in stored.get("accepted", {}).items():
            self.windows[peer] = ReplayWindow(self.window, highest, (1 << self.window) - 1)

    def sending_key(self, destination: int) -> PeerKey | None:
        """The key a message to ``destination`` is signed under: the one listed last
        (SEC-007.2), or None for a peer without a key."""
        held = self.keys.get(destination)
        return held[-1] if held else None

    def next_id(self, destination: int) -> int | None:
        """The next ``message_id`` towards a keyed ``destination`` (SEC-010), else None. The
        counter is the destination's, whichever of its keys signs: a new key continues it, so
        that no id is used twice while the peer may still hold the old one (REL-007)."""
        if destination not in self.keys:
            return None
        n = self.counters[destination] = (self.counters.get(destination, 0) + 1) % _U32
        return n

    def sign(self, msg: dict[str, Any]) -> dict[str, Any]:
        """``msg`` with the trailer of its destination's sending key set in ``auth``
        (unchanged when the destination has no key)."""
        entry = self.sending_key(msg["destination"])
        if entry is None:
            return msg
        msg["auth"] = sign_json(msg, key=entry.key, key_id=entry.key_id, suite=entry.suite)
        return msg

    def admit(self, msg: dict[str, Any], *, me: int = 0) -> bool:
        """Check a message before the node ``me`` acts on it: False for a replay (discard
        silently, SEC-011.2); raises ``ProtocolError`` AUTH_REQUIRED / AUTH_FAILED naming the
        field. The node's own application (source ``me``) is not on the network."""
        source = msg.get("source")
        held = self.keys.get(source) if isinstance(source, int) else None
        if not held:
            if self.required != "all" or source == me:
                return True  # no key for this source: nothing to check
            if msg.get("auth") is None:  # SEC-003: authentication required from every node
                raise ProtocolError(ErrorCode.AUTH_REQUIRED, "message carries no trailer, and "
                                    "this node requires one from every node", field="auth",
                                    msg=msg)
            raise ProtocolError(ErrorCode.AUTH_FAILED, f"no key is shared with node {source}",
                                field="auth.key_id", msg=msg)
        assert isinstance(source, int)
        if msg.get("auth") is None:
            if not self.required:
                return True
            raise ProtocolError(ErrorCode.AUTH_REQUIRED, "message carries no trailer",
                                field="auth", msg=msg)
        keys = {k.key_id: k.key for k in held}
        suites = {k.key_id: k.suite for k in held}
        try:  # the tag over the binary form, before anything else (SEC-002, SEC-004)
            verify_sent(msg, keys, suites)
        except WireError as err:
            raise ProtocolError(err.code, err.reason, field=err.field, msg=msg) from None
        window = self.windows.get(source)
        if window is None:
            window = self.windows[source] = ReplayWindow(self.window)
        return window.admit(msg["message_id"])
