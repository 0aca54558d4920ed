"""Floor benchmark: the matched 3-node chain's message flow with no protocol machinery.

    python bench/bench_floor.py [--sim-seconds 1.0] [--repeat 3] [--seed 1]

A plain-Python discrete-event loop that moves the same messages as the reference simulator
on ``bench_vs_sequence.matched_scenario(3, ...)`` (the chain matched to SeQUeNCe): per slot,
every node's slot timer, an ATTEMPT per link end to the link's midpoint station, the station's
HERALD with one result per matched mode to both ends, the router's oldest-first swap as soon
as both links hold a pair, SWAP_OUTCOME to both ends, and delivery with the pair's Werner
fidelity once both ends know it (the qubits are then freed, as the simulator's application
consumes them). Same parameters: link success probability and raw fidelity, slot length
(preparation plus the herald's round trip), five modes per link, fibre delays at c/1.44,
the station's 10 ns matching window, the request start.

What it leaves out is everything the reference implementation is for: no engines or
transition tables, no message envelopes, validation or sequence checks, no resource ledger,
timers other than the slot, no cutoffs, errors or signalling (the circuit exists from the
request start), and the Werner swap composition instead of the Bell-diagonal noise core.
It is therefore a floor, not a competitor: how fast CPython can move this event flow at all.

Printed side by side with the reference simulator (in-process ``Network``, the same scenario,
fastest of ``--repeat`` runs each): pairs, events, lone attempts (slots whose ATTEMPT found
no partner at the station), mean fidelity, wall seconds, pairs per wall-clock second,
microseconds per pair and per event, and the ratio floor/reference. The pairs delivered should
agree within sampling noise (the two use different random streams); a difference of more than
5 % is reported as an error, since the floor would then not be moving the same flow.
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import time
from typing import Any

from bench_vs_sequence import matched_scenario

from qvcp.reference.sim.network import NS_PER_KM, Network

WINDOW_NS = 10  # the station's matching window (``StationEngine.window_ns``)
_SLOT, _ATTEMPT, _HERALD, _OUTCOME, _WINDOW, _MISMATCH = range(6)


def run_floor(doc: dict[str, Any], seed: int) -> tuple[int, int, float, float, int]:
    """(pairs delivered, events, mean fidelity, wall seconds, lone attempts) of the bare
    event flow."""
    rng = random.Random(seed)
    rand = rng.random
    link = doc["links"][0]
    p = link["success_probability"]
    w_link = (4 * link["fidelity"] - 1) / 3  # Werner parameter of a fresh link pair
    # a slot is the preparation plus the herald's round trip, as the simulator's Werner links
    slot_ns = link["preparation_ns"] + math.ceil(link["distance_km"] * NS_PER_KM)
    modes = doc["options"]["slots_per_link"]
    d_station = round(link["distance_km"] / 2 * NS_PER_KM)
    d_node = round(link["distance_km"] * NS_PER_KM)
    start = doc["demands"][0]["start_ns"]
    end = doc["duration_ns"]
    A, R, B = 0, 1, 2
    links_of = {A: (0,), R: (0, 1), B: (1,)}
    free = {(A, 0): modes, (R, 0): modes, (R, 1): modes, (B, 1): modes}
    attempting: dict[tuple[int, int], int] = {}
    station: dict[int, dict[int, tuple[int, int]]] = {0: {}, 1: {}}
    seqs = [0, 0]
    held_router: list[list[tuple[int, int, float]]] = [[], []]  # per link: (created, seq, w)
    held_end: dict[tuple[int, int], float] = {}  # (node, seq) -> w, awaiting the outcome
    known: dict[tuple[int, int], tuple[float, int]] = {}  # (seq0, seq1) -> (w, ends told)
    heap: list[tuple[int, int, int, int, Any]] = []
    counter = 0
    pairs = events = mismatches = 0
    fid_sum = 0.0
    first = -(-start // slot_ns) * slot_ns
    for node in (A, R, B):
        counter += 1
        heap.append((first, counter, _SLOT, node, None))
    heapq.heapify(heap)
    push, pop = heapq.heappush, heapq.heappop
    t0 = time.perf_counter()
    while heap and heap[0][0] <= end:
        now, _, kind, target, msg = pop(heap)
        events += 1
        if kind == _SLOT:
            for lk in links_of[target]:
                n = free[(target, lk)]
                if n:
                    free[(target, lk)] = 0
                    attempting[(target, lk)] = n
                    counter += 1
                    push(heap, (now + d_station, counter, _ATTEMPT, lk,
                                {"node": target, "slot_ns": now, "modes": n}))
            counter += 1
            push(heap, (now + slot_ns, counter, _SLOT, target, None))
        elif kind == _ATTEMPT:
            got = station[target]
            if not got:  # the first of the slot: the matching window opens
                counter += 1
                push(heap, (now + WINDOW_NS, counter, _WINDOW, target, msg["slot_ns"]))
            got[msg["node"]] = (msg["slot_ns"], msg["modes"])
            if len(got) == 2:
                (sa, ma), (_, mb) = got.values()  # the same slot: lone ones are cleared
                got.clear()
                results = []
                for _ in range(min(ma, mb)):
                    if rand() < p:
                        seqs[target] = seqs[target] % 65535 + 1
                        results.append((1 if rand() < 0.5 else 3, seqs[target]))
                    else:
                        results.append((255, 0))
                for node in ((A, R) if target == 0 else (R, B)):
                    counter += 1
                    push(heap, (now + d_station, counter, _HERALD, node,
                                {"link_id": target, "slot_ns": sa, "results": list(results)}))
        elif kind == _HERALD:
            lk = msg["link_id"]
            n = attempting.pop((target, lk))
            kept = 0
            for code, seq in msg["results"]:
                if code == 255:
                    continue
                kept += 1
                if target == R:
                    held_router[lk].append((msg["slot_ns"], seq, w_link))
                else:
                    held_end[(target, seq)] = w_link
            free[(target, lk)] += n - kept
            if target == R:
                h0, h1 = held_router
                while h0 and h1:  # oldest first on each side
                    (_, s0, w0), (_, s1, w1) = h0.pop(0), h1.pop(0)
                    free[(R, 0)] += 1
                    free[(R, 1)] += 1
                    body = {"left": s0, "right": s1, "bell_index": int(rand() * 4), "w": w0 * w1}
                    for node in (A, B):
                        counter += 1
                        push(heap, (now + d_node, counter, _OUTCOME, node, body))
        elif kind == _WINDOW:  # a lone ATTEMPT: both ends learn the slot is lost
            got = station[target]
            if not got or next(iter(got.values()))[0] != msg:
                events -= 1  # matched meanwhile: a stale timer, not an event (as the simulator)
            else:
                got.clear()
                mismatches += 1
                for node in ((A, R) if target == 0 else (R, B)):
                    counter += 1
                    push(heap, (now + d_station, counter, _MISMATCH, node, target))
        elif kind == _MISMATCH:
            n = attempting.pop((target, msg), 0)
            free[(target, msg)] += n
        else:  # SWAP_OUTCOME at an end
            key = (msg["left"], msg["right"])
            mine = (target, msg["left"] if target == A else msg["right"])
            if mine in held_end:
                del held_end[mine]
                w = msg["w"]
                told = known.pop(key, None)
                if told is None:
                    known[key] = (w, 1)
                else:  # both ends know the pair: delivered and consumed
                    pairs += 1
                    fid_sum += (1 + 3 * w) / 4
                    free[(A, 0)] += 1
                    free[(B, 1)] += 1
    wall = time.perf_counter() - t0
    return pairs, events, fid_sum / pairs if pairs else float("nan"), wall, mismatches


def run_reference(doc: dict[str, Any]) -> tuple[int, int, float, float, int]:
    """(pairs delivered, events, mean fidelity, wall seconds, lone attempts) of the reference
    simulator (a lone attempt is answered by ATTEMPT_MISMATCH to both ends)."""
    net = Network.from_scenario(doc)
    t = time.perf_counter()
    net.run_until(doc["duration_ns"])
    wall = time.perf_counter() - t
    done = net.completed()
    fid = sum(d.fidelity for d in done) / len(done) if done else float("nan")
    return len(done), net.events, fid, wall, net.error_counts.get("ATTEMPT_MISMATCH", 0) // 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sim-seconds", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    doc = matched_scenario(3, args.sim_seconds)
    rows = {}
    for name, fn in (("floor", lambda: run_floor(doc, args.seed)),
                     ("reference", lambda: run_reference(doc))):
        best = None
        for _ in range(max(1, args.repeat)):
            r = fn()
            if best is None or r[3] < best[3]:
                best = r
        assert best is not None
        rows[name] = best
    print(f"matched 3-node chain, {args.sim_seconds} s simulated")
    print(f"{'simulator':<11}{'pairs':>7}{'events':>9}{'lone':>6}{'mean F':>8}{'wall s':>9}"
          f"{'pairs/s':>10}{'us/pair':>9}{'us/event':>10}")
    for name, (pairs, events, fid, wall, lone) in rows.items():
        print(f"{name:<11}{pairs:>7}{events:>9}{lone:>6}{fid:>8.4f}{wall:>9.3f}"
              f"{pairs / wall:>10.0f}{wall / pairs * 1e6:>9.1f}{wall / events * 1e6:>10.2f}")
    (fp, _, _, fw, _), (rp, _, _, rw, _) = rows["floor"], rows["reference"]
    print(f"ratio floor/reference in pairs per wall-clock second: "
          f"{(fp / fw) / (rp / rw):.2f}x")
    if abs(fp - rp) > 0.05 * rp:
        raise SystemExit(f"error: the floor delivered {fp} pairs, the reference {rp}: "
                         "not the same flow")


if __name__ == "__main__":
    main()
