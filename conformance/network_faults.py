"""Network-profile cases on a bad day (spec chapter 11): the implementation's own network runs
with classical messages lost, duplicated and reordered (capability ``network.faults``), and
what its applications see is judged against the invariants of the simulator's soak
(``qvcp.reference.sim.invariants``), rebuilt here from the ``network.run`` result alone:

* a pair delivered at both ends has the same Bell state at both (DLV-020.1);
* a pair delivered at one end only is voided there: a PAIR_EXPIRED for it reaches that
  application (DLV-030.1), unless it was delivered within the settling time before the end
  of the run (the void may be on its way);
* the request ends: its head application gets its pairs (each at both ends, or voided) or an
  ERROR, unless it is still delivering within the settling time before the end.

The chain of ``network.pair-agreement`` (H - M - T), with a memory of two qubits per link at
each node, a 10 ms cutoff and a fifth of the messages lost for the heavy case: in such a run
hundreds of HERALDs reach one end of a link only, and the pairs they herald are swapped at
once by the router. The settling time is the cutoff plus 5 ms, as for the soak.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from qvcp.conformance.cases import Case, CaseContext, precondition, require
from qvcp.conformance.network_cases import HEAD, NAMES, TAIL

Json = dict[str, Any]

CUTOFF_NS = 10**7
SETTLE_NS = CUTOFF_NS + 5 * 10**6
UNTIL_NS = 4 * 10**8
NUM_PAIRS = 40
#: the wire type code of PAIR_REQUEST (an ERROR answering it fails the request)
PAIR_REQUEST_TYPE = 67


def faulty_chain(loss: float) -> Json:
    """H - M - T over 5 km Werner links of success probability 0.1, timers short enough for a
    failure to show within the run, and ``loss`` of the classical messages lost, ``loss / 4``
    duplicated and every message delayed by up to 5 ns (reordering)."""
    def node(nid: int, role: str) -> Json:
        return {"name": NAMES[nid], "id": nid, "role": role, "profile": "ideal",
                "memory_qubits": 4 if role == "router" else 2,
                "comm_qubits": 2 if role == "router" else 1}

    link = {"distance_km": 5, "model": "werner", "fidelity": 0.97,
            "success_probability": 0.1, "preparation_ns": 5000}
    return {"name": f"conformance-chain-loss{loss:g}",
            "nodes": [node(HEAD, "end"), node(2, "router"), node(TAIL, "end")],
            "links": [{"a": "H", "b": "M", **link}, {"a": "M", "b": "T", **link}],
            "demands": [],
            "options": {"cutoff_ns": CUTOFF_NS, "setup_timeout_ns": 5 * 10**7,
                        "keepalive_interval_ns": 2 * 10**6, "link_failure_attempts": 100},
            "faults": {"loss": loss, "duplicate": loss / 4, "jitter_ns": 5}}


def judge(result: Json, *, num_pairs: int, until_ns: int) -> Json:
    """Fail the case unless the three invariants of the module docstring hold; returns the
    figures of the run (pairs at both ends, pairs voided, whether the request ended)."""
    require("expired" in result and "app_errors" in result, "the network.run result carries "
            "no 'expired' or 'app_errors' (driver protocol revision 4): one-sided pairs and "
            "failed requests cannot be judged")
    at: dict[tuple[int, int], dict[int, Json]] = defaultdict(dict)
    for d in result["deliveries"]:
        at[d["circuit_id"], d["pair_id"]][d["node"]] = d
    voided = {(e["node"], e["circuit_id"], e["pair_id"]) for e in result["expired"]}
    both = one_sided = 0
    for (circuit, pair_id), by_node in sorted(at.items()):
        if set(by_node) == {HEAD, TAIL}:
            h, t = by_node[HEAD], by_node[TAIL]
            require(h["bell_state"] == t["bell_state"], f"pair {pair_id} of circuit {circuit}: "
                    f"{h['bell_state']} at the head, {t['bell_state']} at the tail (DLV-020.1)",
                    head=h, tail=t)
            both += 1
            continue
        (node, d), = by_node.items()
        if (node, circuit, pair_id) in voided or d["at_ns"] > until_ns - SETTLE_NS:
            one_sided += 1
            continue
        require(False, f"pair {pair_id} of circuit {circuit} was delivered at node {node} "
                f"only, at {d['at_ns']} ns, and never voided there (no PAIR_EXPIRED): an "
                "application holds half a pair its partner does not have (DLV-030.1; after a "
                "lost HERALD: TRK-013.3, LINK-011.3, LINK-016)", delivery=d)
    head_pairs = sorted(d["at_ns"] for d in result["deliveries"] if d["node"] == HEAD)
    head_voided = sum(1 for e in result["expired"] if e["node"] == HEAD)
    completed = len(head_pairs) + head_voided >= num_pairs
    failed = any(e["node"] == HEAD and e.get("offending_type", PAIR_REQUEST_TYPE)
                 == PAIR_REQUEST_TYPE for e in result["app_errors"])
    recent = bool(head_pairs) and head_pairs[-1] > until_ns - SETTLE_NS
    require(completed or failed or recent, f"the request got {len(head_pairs)} of its "
            f"{num_pairs} pairs ({head_voided} voided) and neither completed nor failed by "
            f"{until_ns} ns, and delivered nothing in the last {SETTLE_NS} ns: a failure that "
            "never reached the application as an ERROR (REL-017)",
            app_errors=result["app_errors"][-5:])
    return {"pairs_at_both_ends": both, "one_sided_voided": one_sided,
            "request": "completed" if completed else "failed" if failed else "open"}


def _lossy_chain(ctx: CaseContext, loss: float) -> None:
    result = ctx.call("network.run", scenario=faulty_chain(loss),
                      circuits=[{"head": "H", "tail": "T", "num_pairs": NUM_PAIRS}],
                      until_ns=UNTIL_NS, seed=ctx.seed)
    figures = judge(result, num_pairs=NUM_PAIRS, until_ns=UNTIL_NS)
    precondition(figures["pairs_at_both_ends"] > 0, "no pair reached both ends: nothing to "
                 "judge the bad day by", **figures)


def fault_cases() -> list[Case]:
    """The cases of this module (listed with the other network cases)."""
    faults = ("network.faults",)
    reqs = ("DLV-020.1", "DLV-030.1", "REL-017")
    return [
        Case(id="network.faults.loss-5", profile="network", capabilities=faults,
             run=lambda ctx: _lossy_chain(ctx, 0.05), randomised=True, requirements=reqs,
             title="On a chain losing 5% of its classical messages (and duplicating and "
                   "reordering some), every pair is delivered at both ends with one Bell "
                   "state or voided where it was delivered, and the request ends"),
        Case(id="network.faults.loss-20", profile="network", capabilities=faults,
             run=lambda ctx: _lossy_chain(ctx, 0.2), randomised=True, requirements=reqs,
             title="On a chain losing 20% of its classical messages, every pair is delivered "
                   "at both ends with one Bell state or voided where it was delivered, and "
                   "the request ends"),
    ]
