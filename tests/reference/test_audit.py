"""The node audit log (qvcp.reference.audit) and ``qvcp audit verify``.

A log of ~300 records survives writing and reading; seeded random tamperings of every kind an
editor without the key can make (edits, deletions, insertions, swaps, truncations, MAC edits,
whole-chain rewrites, a wrong key) are each found by ``verify``.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qvcp.cli import cli
from qvcp.reference.audit import (
    GENESIS,
    AuditLog,
    AuditReadError,
    canonical,
    read,
    read_lines,
    record_hash,
    verify,
)

KEY = bytes(range(32))
NODE = 5
BASE_SEED = 20261205
TAMPERINGS_PER_KIND = 30

Records = list[dict[str, Any]]


def build_log(n: int = 300, seed: int = 1, every: int = 64) -> AuditLog:
    """A closed log of n ordinary records of varied events, each with a distinct circuit id."""
    rng = random.Random(seed)
    log = AuditLog(node=NODE, key=KEY, checkpoint_every=every)
    t = 0
    log.append(t, "started", incarnation=1)
    for i in range(1, n):
        t += rng.choice([0, 1, 250, 10_000])
        event = rng.choice(["circuit_admitted", "circuit_refused", "circuit_installed",
                            "circuit_torn_down", "circuit_preempted", "auth_refused",
                            "policy_refused", "link_state"])
        fields: dict[str, Any] = {"circuit": 1000 + i}
        if event.endswith("refused"):
            fields["error"] = rng.choice(["NO_ROUTE", "AUTH_FAILED", "POLICY", "BUSY"])
        if event == "circuit_admitted":
            fields["route"] = [NODE, rng.randrange(10), rng.randrange(10)]
            fields["fidelity"] = round(rng.uniform(0.5, 1.0), 6)
        if event == "circuit_preempted":
            fields["by"] = {"circuit": 1000 + i - 1, "priority": rng.randrange(8)}
        if event == "link_state":
            fields["up"] = rng.random() < 0.5
            fields["note"] = "réseau ✓"  # non-ASCII survives as \\u escapes
        log.append(t, event, **fields)
    log.close(t + 1)
    return log


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Records:
    path = tmp_path_factory.mktemp("audit") / "node5.jsonl"
    build_log().write(path)
    return read(path)


# --- round trip and construction --------------------------------------------------------------


def test_round_trip(tmp_path: Path) -> None:
    log = build_log()
    assert len(log.records) >= 300
    path = tmp_path / "log.jsonl"
    log.write(path)
    back = read(path)
    assert back == log.records
    assert verify(back, KEY).ok, verify(back, KEY)
    lines = path.read_text(encoding="ascii").splitlines()
    assert lines == [canonical(r) for r in back]
    assert read_lines(lines) == back


def test_chain_and_checkpoints() -> None:
    log = build_log(n=130, every=64)
    recs = log.records
    assert recs[0]["prev"] == GENESIS
    assert [r["seq"] for r in recs] == list(range(len(recs)))
    assert all(r["prev"] == p["hash"] for p, r in itertools.pairwise(recs))
    assert all(r["hash"] == record_hash(r) for r in recs)
    checkpoints = [i for i, r in enumerate(recs) if r["event"] == "checkpoint"]
    # 64 ordinary records, checkpoint, 64 more, checkpoint, 2 more, closing checkpoint
    assert checkpoints == [64, 129, 132]
    assert [recs[i]["upto"] for i in checkpoints] == [63, 128, 131]
    assert [recs[i]["final"] for i in checkpoints] == [False, False, True]
    assert log.closed


def test_append_rules() -> None:
    log = AuditLog(node=1, key=b"k")
    log.append(100, "started", route=(1, 2))
    assert log.records[0]["route"] == [1, 2]  # stored as read back from JSON
    for bad in ({"seq": 3}, {"hash": "x"}, {"prev": GENESIS}, {"node": 2}):
        with pytest.raises(ValueError, match="reserved"):
            log.append(200, "circuit_admitted", **bad)
    with pytest.raises(ValueError, match="checkpoint"):
        log.append(200, "checkpoint", upto=0)
    with pytest.raises(ValueError, match="before"):
        log.append(99, "circuit_admitted")
    with pytest.raises(ValueError):
        log.append(200, "circuit_admitted", x=float("nan"))
    with pytest.raises(TypeError):
        log.append(200, "circuit_admitted", x=object())
    assert len(log.records) == 1
    log.append(200, "custom_event", final=True, mac="not a mac", upto="anything")
    log.close(300)
    assert verify(log.records, b"k").ok
    with pytest.raises(ValueError, match="closed"):
        log.append(400, "started")
    with pytest.raises(ValueError):
        AuditLog(node=1, key=b"")
    with pytest.raises(ValueError):
        AuditLog(node=1, key=b"k", checkpoint_every=0)


def test_extending_an_unclosed_log_keeps_the_cadence() -> None:
    log = AuditLog(node=2, key=KEY, checkpoint_every=4)
    for t in range(6):
        log.append(t, "circuit_admitted", circuit=t)
    again = AuditLog(node=2, key=KEY, checkpoint_every=4, records=copy.deepcopy(log.records))
    for t in range(6, 8):
        again.append(t, "circuit_admitted", circuit=t)
    again.close(9)
    events = [r["event"] for r in again.records]
    assert [i for i, e in enumerate(events) if e == "checkpoint"] == [4, 9, 10]
    assert verify(again.records, KEY).ok


def test_empty_and_closed_only_logs() -> None:
    assert verify([], KEY).reason == "empty log: no records"
    log = AuditLog(node=0, key=KEY)
    log.close(0)
    assert log.records[0]["upto"] == -1
    assert verify(log.records, KEY).ok


@pytest.mark.parametrize(("edit", "words"), [
    (lambda r: r.update(prev="xyz"), "record 3: prev:"),
    (lambda r: r.pop("hash"), "record 3: 'hash' is a required property"),
    (lambda r: r.update(seq=3.0), "record 3: seq: 3.0 is not an integer"),
    (lambda r: r.update(t_ns=True), "record 3: t_ns:"),
    (lambda r: r.update(event=""), "record 3: event:"),
    (lambda r: r.update(seq=4), "record 3: seq is 4, not its position 3"),
    (lambda r: r.update(node=6), "record 3: node is 6, not the log's node 5"),
    (lambda r: r.update(circuit=1), "record 3: hash does not match its content"),
])
def test_reasons_name_the_field_and_rule(records: Records, edit: Callable[[dict[str, Any]], Any],
                                         words: str) -> None:
    recs = copy.deepcopy(records)
    edit(recs[3])
    v = verify(recs, KEY)
    assert not v.ok and v.first_bad == 3
    assert v.reason.startswith(words), v.reason


def test_checkpoint_reasons(records: Records) -> None:
    cp = next(i for i, r in enumerate(records) if r["event"] == "checkpoint")
    recs = copy.deepcopy(records)
    recs[cp].pop("mac")
    assert verify(recs, KEY).reason == f"record {cp}: 'mac' is a required property"
    assert verify(records, b"other").reason == f"record {cp}: mac does not verify under the key"
    assert verify(records[:cp + 1], KEY).reason == "truncated: no closing checkpoint"
    assert verify([*records, "x"], KEY).reason.startswith(f"record {len(records)}: not a JSON")


def _reseal(recs: Records, key: bytes = KEY) -> Records:
    """Recompute every hash and checkpoint MAC as the key holder would (the documented rule:
    HMAC-SHA-256 of the checkpoint's canonical JSON without mac and hash)."""
    for i, r in enumerate(recs):
        r["prev"] = recs[i - 1]["hash"] if i else GENESIS
        if r["event"] == "checkpoint":
            body = {k: v for k, v in r.items() if k not in ("mac", "hash")}
            r["mac"] = hmac.new(key, canonical(body).encode(), hashlib.sha256).hexdigest()
        r["hash"] = record_hash(r)
    return recs


@pytest.mark.parametrize(("edit", "words"), [
    (lambda rs: rs[10].update(t_ns=rs[9]["t_ns"] - 1), "record 10: t_ns "),
    (lambda rs: rs[64].update(upto=62), "record 64: upto is 62, not the seq before it 63"),
    (lambda rs: rs[64].update(final=True), "record 65: event: no record may follow the closing"),
    (lambda rs: rs[-1].update(final=False), "truncated: no closing checkpoint"),
    (lambda rs: rs[0].update(node=6), "record 1: node is 5, not the log's node 6"),
])
def test_rules_hold_for_the_key_holder(records: Records, edit: Callable[[Records], Any],
                                       words: str) -> None:
    recs = copy.deepcopy(records)
    assert recs[64]["event"] == "checkpoint"
    assert verify(_reseal(recs), KEY).ok
    edit(recs)
    v = verify(_reseal(recs), KEY)
    assert not v.ok and v.reason.startswith(words), v.reason


def test_read_lines_names_the_line() -> None:
    with pytest.raises(AuditReadError, match="line 2: not JSON"):
        read_lines(['{"a": 1}', "{not json", "{}"])
    with pytest.raises(AuditReadError, match="line 1: empty line"):
        read_lines([""])
    with pytest.raises(AuditReadError, match="line 1: not JSON"):
        read_lines(['{"t_ns": NaN}'])


# --- seeded random tamperings -------------------------------------------------------------------


def _different(rng: random.Random, old: Any) -> Any:
    """A JSON value whose canonical text differs from old's."""
    options: list[Any] = [None, 0, -1, "", "x", True, False, [], {}, 1.5, GENESIS, "f" * 64]
    if isinstance(old, bool):
        options.append(not old)
    elif isinstance(old, int):
        options += [old + 1, old - 1, old + 10**6, float(old)]
    elif isinstance(old, str):
        options += [old + "0", old[:-1], old.upper(), old[::-1]]
    options = [v for v in options if canonical(v) != canonical(old)]
    return rng.choice(options)


def _rehash(recs: Records, start: int) -> None:
    """Recompute prev and hash from start on, as an editor without the key can."""
    for i in range(max(start, 0), len(recs)):
        recs[i]["prev"] = recs[i - 1]["hash"] if i else GENESIS
        recs[i]["hash"] = record_hash(recs[i])


def _renumber(recs: Records) -> None:
    for i, r in enumerate(recs):
        r["seq"] = i
        if r.get("event") == "checkpoint":
            r["upto"] = i - 1


def _edit(rng: random.Random, rec: dict[str, Any], keys: list[str]) -> str:
    """Change, add or remove one key of rec; return what was done."""
    how = rng.choice(["change", "add", "remove"])
    if how == "add":
        name = rng.choice(["extra", "circuit2", "error", "route", "note", "ok"])
        while name in rec:
            name += "_"
        rec[name] = _different(rng, None)
        return f"added key {name}={rec[name]!r}"
    name = rng.choice(keys)
    if how == "remove":
        del rec[name]
        return f"removed key {name}"
    old, rec[name] = rec[name], _different(rng, rec[name])
    return f"changed {name} from {old!r} to {rec[name]!r}"


# Each kind gets (rng, records) and returns (description, tampered records, key, first_bad):
# first_bad is the index verify must report, a (lo, hi) range, or None when it may vary.
Tamper = Callable[[random.Random, Records], tuple[str, Records, bytes, Any]]


def t_edit(rng: random.Random, recs: Records) -> tuple[str, Records, bytes, Any]:
    i = rng.randrange(len(recs))
    what = _edit(rng, recs[i], sorted(recs[i]))
    return f"record {i}: {what}", recs, KEY, i


def t_delete(rng: random.Random, recs: Records) -> tuple[str, Records, bytes, Any]:
    i = rng.randrange(len(recs))
    del recs[i]
    return f"deleted record {i}", recs, KEY, i


def t_insert_copy(rng: random.Random, recs: Records) -> tuple[str, Records, bytes, Any]:
    i, j = rng.randrange(len(recs) + 1), rng.randrange(len(recs))
    recs.insert(i, copy.deepcopy(recs[j]))
    return f"inserted a copy of record {j} at {i}", recs, KEY, (i, i + 1)


def t_insert_forged(rng: random.Random, recs: Records) -> tuple[str, Records, bytes, Any]:
    i = rng.randrange(len(recs) + 1)
    t = recs[i - 1]["t_ns"] if i else 0
    forged = {"seq": i, "t_ns": t, "node": NODE, "event": "circuit_admitted",
              "circuit": 99_999, "prev": recs[i - 1]["hash"] if i else GENESIS}
    forged["hash"] = record_hash(forged)
    recs.insert(i, forged)
    return f"inserted a forged, well-chained record at {i}", recs, KEY, (i, i + 1)


def t_swap(rng: random.Random, recs: Records) -> tuple[str, Records, bytes, Any]:
    i, j = sorted(rng.sample(range(len(recs)), 2))
    recs[i], recs[j] = recs[j], recs[i]
    return f"swapped records {i} and {j}", recs, KEY, i


def t_truncate(rng: random.Random, recs: Records) -> tuple[str, Records, bytes, Any]:
    # every cut point, including the last (the closing checkpoint dropped), is drawn
    k = rng.choice([len(recs) - 1, rng.randrange(len(recs))])
    return f"truncated to the first {k} records", recs[:k], KEY, k


def t_truncate_at_checkpoint(rng: random.Random, recs: Records) -> tuple[str, Records, bytes,
                                                                            Any]:
    cps = [i for i, r in enumerate(recs[:-1]) if r["event"] == "checkpoint"]
    k = rng.choice(cps) + 1
    return f"truncated just after the checkpoint at {k - 1}", recs[:k], KEY, k


def t_mac(rng: random.Random, recs: Records) -> tuple[str, Records, bytes, Any]:
    i = rng.choice([i for i, r in enumerate(recs) if r["event"] == "checkpoint"])
    pos = rng.randrange(64)
    mac = recs[i]["mac"]
    recs[i]["mac"] = mac[:pos] + rng.choice([c for c in "0123456789abcdef" if c != mac[pos]]) \
        + mac[pos + 1:]
    rehashed = rng.random() < 0.5
    if rehashed:
        _rehash(recs, i)
    return f"changed digit {pos} of the mac of checkpoint {i} (rehashed={rehashed})", recs, KEY, i


def t_rewrite(rng: random.Random, recs: Records) -> tuple[str, Records, bytes, Any]:
    i = rng.randrange(len(recs))
    keys = sorted(set(recs[i]) - {"prev", "hash"})
    what = _edit(rng, recs[i], keys)
    _rehash(recs, i)
    return f"record {i}: {what}, then every hash recomputed", recs, KEY, None


def t_rehash_one(rng: random.Random, recs: Records) -> tuple[str, Records, bytes, Any]:
    i = rng.randrange(len(recs))
    what = _edit(rng, recs[i], sorted(set(recs[i]) - {"prev", "hash"}))
    recs[i]["hash"] = record_hash(recs[i])
    return f"record {i}: {what}, then its own hash recomputed", recs, KEY, (i, i + 1)


def t_rewrite_delete(rng: random.Random, recs: Records) -> tuple[str, Records, bytes, Any]:
    i = rng.randrange(len(recs) - 1)
    del recs[i]
    _renumber(recs)
    _rehash(recs, i)
    return f"deleted record {i}, renumbered and rehashed the rest", recs, KEY, None


def t_rewrite_swap(rng: random.Random, recs: Records) -> tuple[str, Records, bytes, Any]:
    i, j = sorted(rng.sample(range(len(recs) - 1), 2))
    recs[i], recs[j] = recs[j], recs[i]
    _renumber(recs)
    _rehash(recs, i)
    return f"swapped records {i} and {j}, renumbered and rehashed", recs, KEY, None


def t_rewrite_insert(rng: random.Random, recs: Records) -> tuple[str, Records, bytes, Any]:
    i = rng.randrange(len(recs))
    t = recs[i - 1]["t_ns"] if i else 0
    recs.insert(i, {"seq": i, "t_ns": t, "node": NODE, "event": "circuit_installed",
                    "circuit": 77_777})
    _renumber(recs)
    _rehash(recs, i)
    return f"inserted a record at {i}, renumbered and rehashed", recs, KEY, None


def t_forge_close(rng: random.Random, recs: Records) -> tuple[str, Records, bytes, Any]:
    # truncate, then close again under a guessed key
    k = rng.randrange(1, len(recs) - 1)
    kept = recs[:k]
    if kept[-1]["event"] == "checkpoint" and kept[-1]["final"]:
        kept = kept[:-1]
    forger = AuditLog(node=NODE, key=rng.randbytes(32), records=kept)
    forger.close(kept[-1]["t_ns"])
    return f"truncated to {k} records and closed under a guessed key", forger.records, KEY, None


def t_wrong_key(rng: random.Random, recs: Records) -> tuple[str, Records, bytes, Any]:
    key = bytearray(KEY)
    key[rng.randrange(len(key))] ^= 1 << rng.randrange(8)
    variant = rng.choice(["flipped bit", "random", "prefix"])
    wrong = {"flipped bit": bytes(key), "random": rng.randbytes(32), "prefix": KEY[:16]}[variant]
    return f"verified under a wrong key ({variant})", recs, wrong, None


KINDS: dict[str, Tamper] = {f.__name__[2:]: f for f in (
    t_edit, t_delete, t_insert_copy, t_insert_forged, t_swap, t_truncate,
    t_truncate_at_checkpoint, t_mac, t_rehash_one, t_rewrite, t_rewrite_delete, t_rewrite_swap,
    t_rewrite_insert, t_forge_close, t_wrong_key)}


def test_random_tamperings_are_all_caught(records: Records) -> None:
    assert verify(records, KEY).ok
    tried: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    for n in range(TAMPERINGS_PER_KIND * len(KINDS)):
        seed = BASE_SEED + n
        rng = random.Random(seed)
        kind = list(KINDS)[n % len(KINDS)]
        what, tampered, key, where = KINDS[kind](rng, json.loads(json.dumps(records)))
        label = f"seed {seed}, {kind}: {what}"
        assert tampered != records or key != KEY, f"{label}: not a tampering"
        tried[kind] += 1
        v = verify(tampered, key)
        assert not v.ok, f"{label}: not caught"
        assert v.first_bad is not None and v.reason, label
        if isinstance(where, int):
            assert v.first_bad == where, f"{label}: caught at {v.first_bad} ({v.reason})"
        elif isinstance(where, tuple):
            assert where[0] <= v.first_bad <= where[1], f"{label}: caught at {v.first_bad}"
        caught[kind] += 1
    print(f"tamperings tried {sum(tried.values())}, caught {sum(caught.values())}: "
          f"{dict(sorted(caught.items()))}")
    assert caught == tried
    assert set(tried) == set(KINDS)
    assert sum(caught.values()) >= 300


# --- qvcp audit verify ---------------------------------------------------------------------------


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["audit", "verify", *args])


def _write(tmp_path: Path, name: str, recs: Records) -> Path:
    path = tmp_path / name
    path.write_text("".join(canonical(r) + "\n" for r in recs), encoding="utf-8")
    return path


def test_cli_ok(tmp_path: Path, records: Records) -> None:
    path = _write(tmp_path, "a.jsonl", records)
    res = _run(str(path), "--key", KEY.hex())
    k = sum(r["event"] == "checkpoint" for r in records)
    assert res.exit_code == 0, res.output
    assert res.output == f"{path}: ok ({len(records)} records, {k} checkpoints)\n"


def test_cli_broken(tmp_path: Path, records: Records) -> None:
    good = _write(tmp_path, "good.jsonl", records)
    recs = copy.deepcopy(records)
    recs[17]["t_ns"] += 1
    bad = _write(tmp_path, "bad.jsonl", recs)
    res = _run(str(good), str(bad), "--key", KEY.hex())
    assert res.exit_code == 1, res.output
    assert f"{good}: ok" in res.output
    assert f"{bad}: BROKEN at record 17: hash does not match its content" in res.output
    res = _run(str(_write(tmp_path, "cut.jsonl", records[:-1])), "--key", KEY.hex())
    assert res.exit_code == 1
    assert f"BROKEN at record {len(records) - 1}: truncated: no closing checkpoint" in res.output
    res = _run(str(good), "--key", "00" * 32)
    assert res.exit_code == 1 and "mac does not verify under the key" in res.output


@pytest.mark.parametrize("key", ["zz", "abc", "", "0x00"])
def test_cli_bad_key(tmp_path: Path, records: Records, key: str) -> None:
    res = _run(str(_write(tmp_path, "a.jsonl", records)), "--key", key)
    assert res.exit_code == 2, res.output
    assert "--key" in res.output and "Traceback" not in res.output


def test_cli_usage_errors(tmp_path: Path, records: Records) -> None:
    assert _run(str(_write(tmp_path, "a.jsonl", records))).exit_code == 2  # no key
    assert _run("--key", "00").exit_code == 2  # no log
    missing = tmp_path / "missing.jsonl"
    res = _run(str(missing), "--key", KEY.hex())
    assert res.exit_code == 2 and f"{missing}: cannot be read" in res.output
    res = _run(str(tmp_path), "--key", KEY.hex())
    assert res.exit_code == 2 and f"{tmp_path}: cannot be read" in res.output
    lines = [canonical(r) for r in records[:5]]
    lines[2] = "garbage {"
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = _run(str(garbage), "--key", KEY.hex())
    assert res.exit_code == 2, res.output
    assert f"{garbage}: line 3: not JSON" in res.output
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00")
    res = _run(str(binary), "--key", KEY.hex())
    assert res.exit_code == 2 and f"{binary}: not UTF-8 text" in res.output
    for res in (_run(str(missing), "--key", KEY.hex()), _run(str(garbage), "--key", "00")):
        assert res.exception is None or isinstance(res.exception, SystemExit)
        assert "Traceback" not in res.output
