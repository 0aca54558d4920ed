"""Codec throughput: the schema-derived ``construct`` codec against a plain-``struct`` baseline.

Both run in the same process on the same messages (the valid vectors without trailer or
extensions, one per type, cycled), so the ratio is what to compare across machines.

    python bench/bench_codec.py [--seconds 1.0] [--repeat 3]

Prints messages/s for encode and decode, best of ``--repeat`` runs, and ours/baseline.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import struct_oracle

from qvcp.schemas import decode, encode, validate_message
from qvcp.schemas.vectors import load_cases


def rate(fn: Callable[[Any], Any], items: list[Any], seconds: float, repeat: int) -> float:
    """Best messages/s over ``repeat`` runs of at least ``seconds`` each."""
    best = 0.0
    for _ in range(repeat):
        n = 0
        start = time.perf_counter()
        while True:
            for item in items:
                fn(item)
            n += len(items)
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        best = max(best, n / elapsed)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    seen: dict[str, Any] = {}
    for case in load_cases():
        if case.valid and not case.json["extensions"] and case.json["auth"] is None:
            seen.setdefault(case.json["type"], case)
    msgs = [c.json for c in seen.values()]
    blobs = [c.binary for c in seen.values()]
    models = [validate_message(m) for m in msgs]
    rows = [
        ("encode (JSON dict, validated)", rate(encode, msgs, args.seconds, args.repeat),
         rate(struct_oracle.encode, msgs, args.seconds, args.repeat)),
        ("encode (model instance)", rate(encode, models, args.seconds, args.repeat),
         rate(struct_oracle.encode, msgs, args.seconds, args.repeat)),
        ("decode (checked, canonical JSON)", rate(decode, blobs, args.seconds, args.repeat),
         rate(struct_oracle.decode, blobs, args.seconds, args.repeat)),
    ]
    print(f"{len(msgs)} message types, mean size {sum(map(len, blobs)) / len(blobs):.0f} bytes")
    print(f"{'operation':34} {'qvcp msg/s':>12} {'struct msg/s':>13} {'ratio':>7}")
    for name, ours, base in rows:
        print(f"{name:34} {ours:12,.0f} {base:13,.0f} {ours / base:7.2f}")


if __name__ == "__main__":
    main()
