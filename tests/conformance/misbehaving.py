"""A stdio implementation that misbehaves on purpose: ``python misbehaving.py MODE``.

Modes: crash (exits on the first wire verb), hang (never answers it), garbage (writes a
non-JSON line), wrong-id (answers with another id), bad-result (hex that is not hex),
bad-hello (a handshake missing its profiles).
"""

import json
import sys
import time

MODE = sys.argv[1]
HELLO = {"protocol": 1, "implementation": {"name": "misbehaving", "version": "0",
                                           "language": "Python"},
         "spec_version": "1.0", "profiles": ["wire"], "capabilities": []}

for line in sys.stdin:
    req = json.loads(line)
    if req["verb"] == "hello":
        result = dict(HELLO)
        if MODE == "bad-hello":
            del result["profiles"]
        print(json.dumps({"id": req["id"], "result": result}), flush=True)
        continue
    if req["verb"] == "bye":
        break
    print(f"handling {req['verb']} in mode {MODE}", file=sys.stderr, flush=True)
    if MODE == "crash":
        print("fatal: segmentation fault (simulated)", file=sys.stderr, flush=True)
        sys.exit(3)
    if MODE == "hang":
        time.sleep(60)
    if MODE == "garbage":
        print("this is not json", flush=True)
    elif MODE == "wrong-id":
        print(json.dumps({"id": req["id"] + 100, "result": {}}), flush=True)
    elif MODE == "bad-result":
        print(json.dumps({"id": req["id"], "result": {"hex": "xyz"}}), flush=True)
