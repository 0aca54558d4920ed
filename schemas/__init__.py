"""The QVCP message layer: JSON Schemas, pydantic models and the binary codec.

Everything here is derived from the JSON files shipped in this package (``json/``,
``errors.json``); nothing else of QVCP is imported.

>>> from qvcp.schemas import decode, encode
>>> msg = {"version": 1, "type": "CLOSE_ENDPOINT", "message_id": 1, "source": 3,
...        "destination": 3, "body": {"endpoint": 80}, "extensions": [], "auth": None}
>>> decode(encode(msg)) == msg
True
"""

from qvcp.schemas.codec import (
    SUITES,
    canonical_json,
    decode,
    encode,
    sign,
    tag_of,
    trailer,
    verify,
)
from qvcp.schemas.errors import ErrorCode, WireError, error_class, requirement_of
from qvcp.schemas.layout import MessageSpec, message_specs, specs_by_code
from qvcp.schemas.models import MODELS, MessageModel, validate_message

__all__ = [
    "MODELS",
    "SUITES",
    "ErrorCode",
    "MessageModel",
    "MessageSpec",
    "WireError",
    "canonical_json",
    "decode",
    "encode",
    "error_class",
    "message_specs",
    "requirement_of",
    "sign",
    "specs_by_code",
    "tag_of",
    "trailer",
    "validate_message",
    "verify",
]
