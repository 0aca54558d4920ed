"""A stdio implementation that misbehaves on purpose: ``python misbehaving.py MODE``.

Modes: crash (exits on the first wire verb), hang (never answers it), garbage (writes a
non-JSON line), wrong-id (answers with another id), bad-result (hex that is not hex),
bad-hello (a handshake missing its profiles), binary (bytes that are not UTF-8), long-line
(a line of 3 MiB), nan (a response holding NaN, which is not JSON), unsupported (answers
every verb but hello with the error kind ``unsupported``), fork (starts a ``sleep 300``
child at the handshake, prints its pid on stderr, then answers like unsupported),
fork-hang (forks like fork, then never answers), big (a 2 MiB result: over the line limit of
one ``--timeout`` period, within that of a large ``network.run``).
"""

import json
import subprocess
import sys
import time

MODE = sys.argv[1]
HELLO = {"protocol": 1, "implementation": {"name": "misbehaving", "version": "0",
                                           "language": "Python"},
         "spec_version": "1.0", "profiles": ["wire"], "capabilities": []}


def answer(obj: dict) -> None:
    print(json.dumps(obj), flush=True)


for line in sys.stdin:
    req = json.loads(line)
    if req["verb"] == "hello":
        result = dict(HELLO)
        if MODE == "bad-hello":
            del result["profiles"]
        if MODE.startswith("fork"):
            child = subprocess.Popen(["sleep", "300"])
            print(f"child pid {child.pid}", file=sys.stderr, flush=True)
        answer({"id": req["id"], "result": result})
        continue
    if req["verb"] == "bye":
        break
    print(f"handling {req['verb']} in mode {MODE}", file=sys.stderr, flush=True)
    if MODE == "crash":
        print("fatal: segmentation fault (simulated)", file=sys.stderr, flush=True)
        sys.exit(3)
    if MODE in ("hang", "fork-hang"):
        time.sleep(60)
    if MODE == "garbage":
        print("this is not json", flush=True)
    elif MODE == "wrong-id":
        answer({"id": req["id"] + 100, "result": {}})
    elif MODE == "bad-result":
        answer({"id": req["id"], "result": {"hex": "xyz"}})
    elif MODE == "binary":
        sys.stdout.buffer.write(b"\xff\xfe\x00\x01 binary\n")
        sys.stdout.flush()
    elif MODE == "long-line":
        sys.stdout.write("x" * (3 << 20) + "\n")
        sys.stdout.flush()
    elif MODE == "big":
        answer({"id": req["id"], "result": {"pad": "x" * (2 << 20)}})
    elif MODE == "nan":
        print(f'{{"id": {req["id"]}, "result": {{"hex": NaN}}}}', flush=True)
    elif MODE in ("unsupported", "fork"):
        answer({"id": req["id"], "error": {"kind": "unsupported",
                                           "message": f"{req['verb']} is not implemented"}})
