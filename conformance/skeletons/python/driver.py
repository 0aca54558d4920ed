#!/usr/bin/env python3
"""__QVCP_NAME__: a QVCP implementation speaking the conformance driver protocol, version 1.

The harness (``qvcp conform``) starts this program and writes one JSON request per line on
its stdin; the program writes one JSON response per line on its stdout. Logs go to stderr:
anything else on stdout breaks the protocol. This file answers the handshake (``hello``),
``reset`` and ``bye``, and the verbs of the wire profile (``wire.decode``, ``wire.encode``)
by calling ``decode`` and ``encode`` in codec.py; every other verb is answered with the error
kind ``unsupported``. Standard library only.

    qvcp conform --driver "exec:python3 driver.py" --profile wire
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any

import codec  # codec.py beside this file (Python puts its folder on the path)

Json = dict[str, Any]

IMPLEMENTATION = {"name": "__QVCP_NAME__", "version": "0.1.0", "language": "Python"}
# No registered error has code 0 (schemas/errors.json): a stub that is not written yet answers
# with it, so every case that reaches the stub fails, and its evidence says why.
NOT_IMPLEMENTED = 0


class Unsupported(Exception):
    """A verb (or an argument of one) this implementation does not support."""


def hello(args: Json) -> Json:
    result: Json = {"protocol": 1, "implementation": IMPLEMENTATION, "spec_version": "1.0",
                    "profiles": ["wire"], "capabilities": []}
    if codec.MESSAGE_TYPES is not None:  # absent: every message type is claimed
        result["message_types"] = list(codec.MESSAGE_TYPES)
    return result


def _rejected(exc: codec.Reject) -> Json:
    return {"reject": {"code": exc.code, "name": exc.name, "detail": exc.detail}}


def _not_implemented(exc: NotImplementedError) -> Json:
    return {"reject": {"code": NOT_IMPLEMENTED, "name": "NOT_IMPLEMENTED",
                       "detail": str(exc) or "not implemented"}}


def wire_decode(args: Json) -> Json:
    if args.get("keys") is not None:
        raise Unsupported("authentication trailers are not verified (wire.auth not claimed)")
    try:
        return {"json": codec.decode(bytes.fromhex(args["hex"]))}
    except codec.Reject as exc:
        return _rejected(exc)
    except NotImplementedError as exc:
        return _not_implemented(exc)


def wire_encode(args: Json) -> Json:
    try:
        return {"hex": codec.encode(args["json"]).hex()}
    except codec.Reject as exc:
        return _rejected(exc)
    except NotImplementedError as exc:
        return _not_implemented(exc)


VERBS = {
    "hello": hello,
    "reset": lambda args: {},
    "bye": lambda args: {},
    "wire.decode": wire_decode,
    "wire.encode": wire_encode,
}


def answer(request: Json) -> Json:
    """The response to one request: ``result``, or ``error`` with kind unsupported or failed."""
    verb = request.get("verb")
    handler = VERBS.get(verb)  # type: ignore[arg-type]
    try:
        if handler is None:
            raise Unsupported(f"verb {verb} is not implemented")
        return {"id": request["id"], "result": handler(request.get("args") or {})}
    except Unsupported as exc:
        return {"id": request["id"], "error": {"kind": "unsupported", "message": str(exc)}}
    except Exception as exc:  # a bug: say so, keep serving
        traceback.print_exc(file=sys.stderr)
        return {"id": request["id"], "error": {"kind": "failed",
                                               "message": f"{type(exc).__name__}: {exc}"}}


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)  # Python integers are exact: u64 values survive
        sys.stdout.write(json.dumps(answer(request), separators=(",", ":")) + "\n")
        sys.stdout.flush()
        if request.get("verb") == "bye":
            return


if __name__ == "__main__":
    main()
