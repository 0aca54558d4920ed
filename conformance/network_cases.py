"""Cases of the ``network`` profile: the implementation builds a repeater chain, runs a
circuit and reports what both ends delivered (and, with ``network.measure``, measured).

Scenario format (``network.run``): ``links`` with ``link_id``, end nodes ``a``/``b``, Werner
``fidelity``, per-slot ``success_probability`` and ``slot_ns``; optional ``memory_t2_ns``.
Circuits give ``circuit_id``, ``route``, ``num_pairs``, ``cutoff_ns``, ``min_fidelity``
(n/65535) and ``min_rate_mhz``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from qvcp.conformance.cases import Case, CaseContext, Outcome, Verdict, require
from qvcp.conformance.stats import (
    BELL_SIGNS,
    Estimate,
    fidelity_from_correlations,
    judge_at_least,
    poisson_rate_interval,
)

__all__ = ["FIDELITY_CASE", "network_cases"]

Json = dict[str, Any]
HEAD, MIDDLE, TAIL = 1, 2, 3
CIRCUIT = 7
BASES = ["X", "Y", "Z"]


def chain(fidelity: float, success_probability: float, *, slot_ns: int = 1000,
          t2_ns: int = 0) -> Json:
    """A two-link repeater chain HEAD - MIDDLE - TAIL."""
    link = {"fidelity": fidelity, "success_probability": success_probability, "slot_ns": slot_ns}
    return {"nodes": [HEAD, MIDDLE, TAIL], "memory_t2_ns": t2_ns, "links": [
        {"link_id": 1, "a": HEAD, "b": MIDDLE, **link},
        {"link_id": 2, "a": MIDDLE, "b": TAIL, **link}]}


def circuit(num_pairs: int, *, cutoff_ns: int = 0, min_fidelity: int = 0,
            min_rate_mhz: int = 0) -> Json:
    return {"circuit_id": CIRCUIT, "route": [HEAD, MIDDLE, TAIL], "num_pairs": num_pairs,
            "cutoff_ns": cutoff_ns, "min_fidelity": min_fidelity, "min_rate_mhz": min_rate_mhz}


def run(ctx: CaseContext, scenario: Json, circ: Json, *, measure: bool = False,
        until_ns: int = 10**12) -> list[Json]:
    args: Json = {"scenario": scenario, "circuits": [circ], "until_ns": until_ns,
                  "seed": ctx.seed}
    if measure:
        args["measure"] = {"bases": BASES}
    return list(ctx.call("network.run", **args)["deliveries"])


def pairs(deliveries: list[Json]) -> dict[tuple[int, int], dict[int, list[Json]]]:
    """(circuit, pair_id) -> node -> its deliveries of that pair."""
    out: dict[tuple[int, int], dict[int, list[Json]]] = defaultdict(lambda: defaultdict(list))
    for d in deliveries:
        out[d["circuit_id"], d["pair_id"]][d["node"]].append(d)
    return out


def both_ends(pair_id: int, by_node: dict[int, list[Json]]) -> tuple[Json, Json]:
    """The head's and the tail's delivery of a pair; fails the case if either is missing."""
    require(bool(by_node.get(HEAD)) and bool(by_node.get(TAIL)),
            f"pair {pair_id} not delivered at both ends (nodes {sorted(by_node)})",
            pair_id=pair_id)
    return by_node[HEAD][0], by_node[TAIL][0]


# --- deterministic cases --------------------------------------------------------------------

def _pair_agreement(ctx: CaseContext) -> None:
    deliveries = run(ctx, chain(0.95, 0.4), circuit(200))
    require(deliveries, "no pair was delivered")
    for (circ, pair_id), by_node in pairs(deliveries).items():
        require(set(by_node) == {HEAD, TAIL},
                f"pair {pair_id} of circuit {circ} delivered at {sorted(by_node)}, not at "
                "both ends", pair_id=pair_id, nodes=sorted(by_node))
        for node, ds in by_node.items():
            require(len(ds) == 1, f"pair {pair_id} delivered {len(ds)} times at node {node}",
                    deliveries=ds)
        head, tail = by_node[HEAD][0], by_node[TAIL][0]
        require(head["bell_state"] == tail["bell_state"],
                f"ends disagree on the Bell state of pair {pair_id}", head=head, tail=tail)
    per_node = Counter(d["node"] for d in deliveries)
    require(per_node[HEAD] == per_node[TAIL] <= 200, "ends delivered different numbers of pairs "
            "or more than requested", per_node=dict(per_node))


def _noiseless_correlations(ctx: CaseContext) -> None:
    deliveries = run(ctx, chain(1.0, 0.5), circuit(150), measure=True)
    require(deliveries, "no pair was delivered")
    for (_, pair_id), by_node in pairs(deliveries).items():
        head, tail = both_ends(pair_id, by_node)
        require(head["basis"] == tail["basis"], f"pair {pair_id} measured in different bases",
                head=head, tail=tail)
        sign = BELL_SIGNS[head["bell_state"]][head["basis"]]
        agree = head["outcome"] == tail["outcome"]
        require(agree == (sign > 0),
                f"noiseless pair {pair_id} reported as {head['bell_state']} gave "
                f"{'equal' if agree else 'different'} {head['basis']} outcomes: the reported "
                "Bell state is not the pair's state", head=head, tail=tail)


def _cutoff(ctx: CaseContext) -> None:
    cutoff = 3000
    deliveries = run(ctx, chain(0.95, 0.2), circuit(100, cutoff_ns=cutoff), until_ns=10**9)
    require(deliveries, "no pair was delivered")
    for d in deliveries:
        age = d["at_ns"] - d["origin_ns"]
        require(age <= cutoff, f"pair {d['pair_id']} delivered at age {age} ns, after the "
                f"{cutoff} ns cutoff", delivery=d)


def _min_fidelity(ctx: CaseContext) -> None:
    floor = round(0.8 * 65535)
    deliveries = run(ctx, chain(0.93, 0.4, t2_ns=20_000), circuit(200, min_fidelity=floor))
    for d in deliveries:
        require(d["fidelity_estimate"] >= floor,
                f"pair {d['pair_id']} delivered with estimate {d['fidelity_estimate']}/65535 "
                f"below the requested {floor}/65535", delivery=d)


# --- statistical cases ----------------------------------------------------------------------

FIDELITY_PAIRS = 3000
FIDELITY_CONFIDENCE = 0.95
FIDELITY_TOLERANCE = 0.06


def _interval(quantity: str, est: Estimate, threshold: float, tolerance: float) -> Json:
    return {"quantity": quantity, "estimate": est.estimate, "low": est.low, "high": est.high,
            "confidence": est.confidence, "threshold": threshold, "tolerance": tolerance,
            "n": est.n}


def _fidelity_claim(ctx: CaseContext) -> Outcome:
    deliveries = run(ctx, chain(0.95, 0.4), circuit(FIDELITY_PAIRS), measure=True)
    by_state: dict[str, dict[str, list[int]]] = defaultdict(lambda: {b: [0, 0] for b in BASES})
    claims = []
    for (_, pair_id), by_node in pairs(deliveries).items():
        head, tail = both_ends(pair_id, by_node)
        counts = by_state[head["bell_state"]][head["basis"]]
        counts[0] += head["outcome"] == tail["outcome"]
        counts[1] += 1
        claims.append(head["fidelity_estimate"] / 65535)
    # Fidelity to the *reported* state: relabel each pair to PHI_PLUS by its signs.
    merged = {b: [0, 0] for b in BASES}
    for state, per_basis in by_state.items():
        for b, (even, shots) in per_basis.items():
            flip = BELL_SIGNS[state][b] != BELL_SIGNS["PHI_PLUS"][b]
            merged[b][0] += (shots - even) if flip else even
            merged[b][1] += shots
    require(all(shots for _, shots in merged.values()),
            "every basis needs measured pairs", counts=merged)
    est = fidelity_from_correlations({b: (e, n) for b, (e, n) in merged.items()},
                                     bell_state="PHI_PLUS", confidence=FIDELITY_CONFIDENCE)
    claimed = sum(claims) / len(claims)
    threshold = claimed - FIDELITY_TOLERANCE
    verdict = judge_at_least(est, threshold)
    message = {Verdict.PASS: "", Verdict.FAIL: "measured fidelity is below the claimed "
               f"fidelity_estimate {claimed:.4f} minus tolerance {FIDELITY_TOLERANCE}",
               Verdict.INCONCLUSIVE: "interval straddles the claim; more pairs needed"}[verdict]
    return Outcome(verdict=verdict, message=message,
                   interval=_interval("fidelity", est, threshold, FIDELITY_TOLERANCE),
                   evidence={"counts_even_shots": merged, "claimed_mean": claimed})


RATE_CONFIDENCE = 0.95


def _rate_claim(ctx: CaseContext) -> Outcome:
    min_rate_mhz = 50_000_000  # 50 000 pairs/s requested; the chain offers about 110 000
    slot_ns, pairs_wanted = 1000, 400
    deliveries = run(ctx, chain(0.95, 0.2, slot_ns=slot_ns),
                     circuit(pairs_wanted, min_rate_mhz=min_rate_mhz))
    heads = sorted(d["at_ns"] for d in deliveries if d["node"] == HEAD)
    require(len(heads) >= 2, "too few deliveries to judge a rate", count=len(heads))
    exposure_s = heads[-1] / 1e9
    low, high = poisson_rate_interval(len(heads), exposure_s, RATE_CONFIDENCE)
    est = Estimate(len(heads) / exposure_s, low, high, RATE_CONFIDENCE, len(heads))
    threshold = min_rate_mhz / 1000
    verdict = judge_at_least(est, threshold)
    return Outcome(verdict=verdict, message="" if verdict is Verdict.PASS else
                   f"delivered rate vs the admitted QoS minimum {threshold:g} pairs/s",
                   interval=_interval("rate (pairs/s)", est, threshold, 0.0))


FIDELITY_CASE = "network.stat.fidelity-claim"


def network_cases() -> list[Case]:
    """Network-level cases."""
    return [
        Case(id="network.pair-agreement", profile="network", run=_pair_agreement,
             title="Both ends deliver every pair once, with the same pair id and Bell state",
             requirements=("DLV-020", "TRK-005", "TRK-016"), randomised=True),
        Case(id="network.noiseless-correlations", profile="network",
             run=_noiseless_correlations, capabilities=("network.measure",), randomised=True,
             title="On perfect links the reported Bell state predicts every measured parity",
             requirements=("TRK-002", "LINK-007", "DLV-023")),
        Case(id="network.cutoff", profile="network", run=_cutoff, randomised=True,
             title="No pair is delivered older than its cutoff",
             requirements=("DLV-021", "TRK-011", "FWD-008")),
        Case(id="network.min-fidelity", profile="network", run=_min_fidelity, randomised=True,
             title="No pair is delivered with an estimate below the requested fidelity",
             requirements=("DLV-022",)),
        Case(id=FIDELITY_CASE, profile="network", run=_fidelity_claim, randomised=True,
             capabilities=("network.measure",), tags=("statistical",),
             title=f"Fidelity measured from XX/YY/ZZ correlations ({FIDELITY_PAIRS} pairs, "
                   f"{FIDELITY_CONFIDENCE:.0%}) supports the claimed fidelity_estimate "
                   f"within {FIDELITY_TOLERANCE}",
             requirements=("DLV-022",)),
        Case(id="network.stat.rate", profile="network", run=_rate_claim, randomised=True,
             tags=("statistical",),
             title="An admitted circuit delivers at least its QoS minimum rate "
                   f"({RATE_CONFIDENCE:.0%} Poisson interval)",
             requirements=("SIG-011",)),
    ]
