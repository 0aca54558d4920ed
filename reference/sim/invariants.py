"""Invariants of a simulated run, checked on the network's state at the end of the run.

:func:`check` returns the :class:`Violation` of each invariant that does not hold (an empty
list when all hold). Each check is a function of its own below, with the precise statement in
its docstring. Several of them leave the latest ``settle_ns`` of the run alone: what happened
then may not have finished (a message in flight, a timer not yet due, a teardown on its way).
:func:`default_settle_ns` is the value ``Network.check_invariants`` and ``qvcp simulate`` use:
the longest pair cutoff of the network plus 5 ms.

>>> Violation("agreement", "pair 0x10001: Bell states differ", 5, node=1).as_dict()["kind"]
'agreement'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..engines.signalling import SigState

#: a circuit still retransmitting its TEARDOWN (not counted by the engines invariant)
TEARING_DOWN = SigState.TEARING_DOWN
ESTABLISHED = SigState.ESTABLISHED

__all__ = ["KINDS", "Violation", "check", "default_settle_ns", "live_engines",
           "request_outcomes"]

#: every kind of violation, in the order of the checks
KINDS = ("agreement", "one_sided", "cutoff", "release", "engines", "request_not_ended")
#: added to the longest cutoff by :func:`default_settle_ns`
SETTLE_MARGIN_NS = 5_000_000
#: the wire type code of PAIR_REQUEST (an ERROR answering it has this ``offending_type``)
PAIR_REQUEST_TYPE = 67
#: first message id of the simulated applications' factories (``Network._app_send``)
_APP_COUNTER = 10**9


@dataclass(frozen=True)
class Violation:
    """One invariant that does not hold: ``kind`` (one of :data:`KINDS`), a sentence, the
    simulated time it refers to (the end of the run when it is a state at the end), and the
    node and circuit concerned when there is one."""

    kind: str
    detail: str
    time_ns: int
    node: int | None = None
    circuit: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``None`` fields left out)."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


def default_settle_ns(net: Any) -> int:
    """The longest pair cutoff configured at any node, plus :data:`SETTLE_MARGIN_NS`: a pair
    delivered at one end is voided at the latest when it expires, and the margin covers the
    classical messages and timers that end a circuit."""
    cutoffs = [getattr(n.config, "cutoff_ns", 0) or 0 for n in net.nodes.values()]
    return max(cutoffs, default=0) + SETTLE_MARGIN_NS


def check(net: Any, *, settle_ns: int, engines: bool = True) -> list[Violation]:
    """Every invariant violation of ``net`` at its current time (see the module docstring).
    ``engines``: also require that no circuit engine is left once every request has ended
    (chapter 11 section 4.5: a node keeps only the id of a released circuit)."""
    out: list[Violation] = []
    out += check_agreement(net)
    out += check_one_sided(net, settle_ns=settle_ns)
    out += check_cutoff(net)
    outcomes = request_outcomes(net)
    out += check_release(net, outcomes, settle_ns=settle_ns, engines=engines)
    out += check_requests_end(net, outcomes, settle_ns=settle_ns)
    return out


# -- (a) agreement ---------------------------------------------------------------------------
def check_agreement(net: Any) -> list[Violation]:
    """(a) Agreement: a pair delivered at both ends (a PAIR_DELIVERY reached the application
    at the head and at the tail with the same circuit id and pair id: the key of
    ``Network.deliveries``) has the same Bell state in both, and the pair id in both bodies is
    the one of the key."""
    out = []
    for (cid, pid), d in net.deliveries.items():
        if d.head is None or d.tail is None:
            continue
        if d.head["bell_state"] != d.tail["bell_state"]:
            out.append(Violation(
                "agreement", f"pair {pid:#x} of circuit {cid:#x}: Bell state "
                f"{d.head['bell_state']} at the head, {d.tail['bell_state']} at the tail",
                d.time_ns, circuit=cid))
        for side in (d.head, d.tail):
            if side.get("pair_id", pid) != pid or side.get("circuit_id", cid) != cid:
                out.append(Violation(
                    "agreement", f"pair {pid:#x} of circuit {cid:#x}: a body names pair "
                    f"{side.get('pair_id')} of circuit {side.get('circuit_id')}",
                    d.time_ns, circuit=cid))
    return out


# -- (b) one-sided pairs ---------------------------------------------------------------------
def _tail_of(net: Any, cid: int, endpoint: int | None) -> int | None:
    head = cid >> 16
    tail = None
    for r in net.requests:
        if r["head"] == head:
            tail = tail or r["tail"]
            if r["endpoint"] == endpoint:
                return int(r["tail"])
    return tail


def check_one_sided(net: Any, *, settle_ns: int) -> list[Violation]:
    """(b) One-sided pairs: a pair delivered at one end only has been voided at that end (a
    PAIR_EXPIRED for it reached the application there: ``Delivery.expired``), unless it was
    delivered less than ``settle_ns`` before the end of the run (the other end's delivery, or
    the void, may be on its way), or the node it was delivered at crashed or restarted after
    the delivery (the application, which ran there, went with it).

    The simulator does not record when a one-sided pair was delivered; the pair's
    ``created_ns`` (when the end-to-end pair came to exist, which its delivery follows by the
    classical latency of the last swap outcomes) stands for it."""
    out = []
    end = net.now
    downs = _last_down(net)
    for (cid, pid), d in net.deliveries.items():
        if (d.head is None) == (d.tail is None) or d.expired:
            continue
        side = d.head if d.head is not None else d.tail
        delivered = int(side.get("created_ns") or 0)
        if delivered > end - settle_ns:
            continue
        where = "head" if d.head is not None else "tail"
        node = cid >> 16 if where == "head" else _tail_of(net, cid, side.get("endpoint"))
        if node in downs and downs[node] >= delivered:
            continue
        out.append(Violation(
            "one_sided", f"pair {pid:#x} of circuit {cid:#x} (created at {delivered} ns) was "
            f"delivered at the {where} only and never voided there", delivered,
            node=node, circuit=cid))
    return out


# -- (c) cutoff ------------------------------------------------------------------------------
def check_cutoff(net: Any) -> list[Violation]:
    """(c) Cutoff: no pair is delivered at or after its expiry: in every PAIR_DELIVERY body
    with a cutoff (``expires_ns`` not 0), ``created_ns < expires_ns``."""
    out = []
    for (cid, pid), d in net.deliveries.items():
        for where, side in (("head", d.head), ("tail", d.tail)):
            if side and side.get("expires_ns") and side["created_ns"] >= side["expires_ns"]:
                out.append(Violation(
                    "cutoff", f"pair {pid:#x} of circuit {cid:#x} delivered at the {where} "
                    f"at/after its cutoff ({side['created_ns']} >= {side['expires_ns']} ns)",
                    int(side["created_ns"]), circuit=cid))
    return out


# -- requests ----------------------------------------------------------------------------------
def _request_message_ids(net: Any) -> dict[int, int]:
    """request id -> message id of its PAIR_REQUEST: the request's own ``message_id`` when
    it records one, else the id ``Network.open_circuit`` gave it (each application numbers its
    messages from 10**9 + 1; a request sends OPEN_ENDPOINT at the tail, then OPEN_ENDPOINT and
    PAIR_REQUEST at the head)."""
    counters: dict[int, int] = {}
    ids = {}
    for r in net.requests:
        for node in (r["tail"], r["head"], r["head"]):
            counters[node] = (counters.get(node, _APP_COUNTER) + 1) % 2**32
        ids[r["request_id"]] = r.get("message_id", counters[r["head"]])
    return ids


def request_outcomes(net: Any) -> dict[int, dict[str, Any]]:
    """request id -> ``{"state": "completed" | "failed" | "open", "end_ns": int | None,
    "pairs": int}``: completed when ``num_pairs`` of its pairs were delivered to its head
    application, each at both ends or voided there with PAIR_EXPIRED (a pair lost on a bad
    day counts as delivered and voided: the application was told; ``end_ns``: the last of
    them), failed when its head application received an ERROR answering its PAIR_REQUEST
    (``end_ns``: then), open otherwise. ``pairs`` counts the pairs delivered at both ends."""
    pairs: dict[int, list[int]] = {}
    voided: dict[int, list[int]] = {}
    for d in net.completed():
        rid = (d.head or {}).get("request_id")
        if rid:
            pairs.setdefault(rid, []).append(d.time_ns)
    for d in net.deliveries.values():
        if d.expired and d.head is not None and d.head.get("request_id"):
            voided.setdefault(d.head["request_id"], []).append(d.head["created_ns"])
    mids = _request_message_ids(net)
    by_head: dict[int, list[dict[str, Any]]] = {}
    for r in net.requests:
        by_head.setdefault(r["head"], []).append(r)
    failed: dict[int, int] = {}
    for rej in net.rejects:
        if rej.get("offending_type") != PAIR_REQUEST_TYPE:
            continue
        mine = by_head.get(rej["node"], [])
        match = [r for r in mine if mids[r["request_id"]] == rej.get("offending_message_id")]
        if not match and len(mine) == 1:
            match = mine
        for r in match:
            failed.setdefault(r["request_id"], int(rej["t"]))
    out = {}
    for r in net.requests:
        rid = r["request_id"]
        times = sorted(pairs.get(rid, []))
        told = sorted(times + voided.get(rid, []))
        if len(told) >= r["num_pairs"]:
            out[rid] = {"state": "completed", "end_ns": told[r["num_pairs"] - 1],
                        "pairs": len(times)}
        elif rid in failed:
            out[rid] = {"state": "failed", "end_ns": failed[rid], "pairs": len(times)}
        else:
            out[rid] = {"state": "open", "end_ns": None, "pairs": len(times),
                        "last_pair_ns": times[-1] if times else None}
    return out


# -- (d) release -------------------------------------------------------------------------------
def live_engines(net: Any) -> dict[int, dict[str, int]]:
    """node id -> its circuit engines still present: ``signalling``, ``dataplane`` (swap or
    end engines), ``tearing_down`` (the circuits among them still retransmitting their
    TEARDOWN, a state SIG-034's retry limit bounds), ``live`` (the engines of the other
    circuits), and the application's ``endpoints`` (opened by the application, not counted as
    live)."""
    out = {}
    for nid, n in sorted(net.nodes.items()):
        sig, dp = len(n.signalling), len(n.dataplane)
        going = {c for c, s in n.signalling.items() if getattr(s, "state", None) is TEARING_DOWN}
        live = sum(1 for c in n.signalling if c not in going)
        live += sum(1 for c in n.dataplane if c not in going)
        out[nid] = {"signalling": sig, "dataplane": dp, "tearing_down": len(going),
                    "live": live, "endpoints": len(n.endpoints)}
    return out


def _crashed(net: Any) -> set[int]:
    faults = getattr(net, "faults", None)
    return set(faults.crashed) if faults is not None else set()


def _last_down(net: Any) -> dict[int, int]:
    """node id -> the time of its last crash or restart so far (injected faults)."""
    faults = getattr(net, "faults", None)
    out: dict[int, int] = {}
    for e in faults.events if faults is not None else ():
        if e.action in ("crash", "restart") and e.at_ns <= net.now:
            out[e.nodes[0]] = max(out.get(e.nodes[0], 0), e.at_ns)
    return out


def _restarted(net: Any) -> set[int]:
    """Nodes that crashed or restarted during the run so far (injected faults)."""
    return set(_last_down(net))


def check_release(net: Any, outcomes: dict[int, dict[str, Any]], *, settle_ns: int,
                  engines: bool = False) -> list[Violation]:
    """(d) Release: once every request of the run has ended (completed or failed, see
    :func:`request_outcomes`) at least ``settle_ns`` before the end of the run, every node
    holds no memory slot (``Node.memory_in_use()``), no busy communication qubit
    (``Resources.comm_busy``) and no reservation (``Resources.reserved``, ``quota``,
    ``in_use``, ``on_link`` and the per-link rate ledger ``link_load_mhz`` hold nothing for
    any circuit). With ``engines``, no node keeps a signalling or data-plane engine either
    (:func:`live_engines`). A node crashed at the end (and not restarted) is left out: its
    state is gone with it. Nothing is required while a request is open, or when there is no
    request."""
    if not outcomes or any(o["state"] == "open" for o in outcomes.values()):
        return []
    end = net.now
    last = max(o["end_ns"] for o in outcomes.values())
    if last > end - settle_ns:
        return []
    out = []
    crashed = _crashed(net)
    live = live_engines(net)
    for nid, n in sorted(net.nodes.items()):
        if nid in crashed:
            continue
        res = n.ctx.resources
        held = []
        if n.memory_in_use():
            held.append(f"{n.memory_in_use()} memory slot(s)")
        if res.comm_busy:
            held.append(f"{res.comm_busy} busy communication qubit(s)")
        circuits = sorted({*res.reserved, *res.quota, *(c for c, h in res.in_use.items() if h),
                           *(c for c, h in res.on_link.items() if any(h.values())),
                           *(c for load in res.link_load_mhz.values() for c in load)})
        if circuits:
            held.append("reservations of circuit(s) " + ", ".join(f"{c:#x}" for c in circuits))
        if held:
            out.append(Violation(
                "release", f"node {nid} holds {'; '.join(held)} after every request ended "
                f"(the last at {last} ns)", end, node=nid,
                circuit=circuits[0] if len(circuits) == 1 else None))
        if engines and live[nid]["live"]:
            out.append(Violation(
                "engines", f"node {nid} keeps {live[nid]['live']} engine(s) of circuits not "
                f"tearing down ({live[nid]['signalling']} signalling and "
                f"{live[nid]['dataplane']} data-plane engine(s) in all) after every request "
                "ended",
                end, node=nid))
    return out


# -- (e) every request ends --------------------------------------------------------------------
def _deadline(net: Any, r: dict[str, Any]) -> int:
    """The request's absolute ``deadline_ns`` (0 = none): recorded with the request, else as
    its head node's delivery engine holds it (serving it or keeping it waiting); 0 when the
    head no longer knows the request."""
    if r.get("deadline_ns") is not None:
        return int(r["deadline_ns"])
    node = net.nodes.get(r["head"])
    eng = node.endpoints.get(r["endpoint"]) if node is not None else None
    if eng is None:
        return 0
    current = getattr(eng, "request", None)
    bodies = [current] if current else []
    bodies += [w[0] for w in getattr(eng, "waiting", ()) if w]
    for b in bodies:
        if isinstance(b, dict) and b.get("request_id") == r["request_id"]:
            return int(b.get("deadline_ns") or 0)
    return 0


def _served_by_live_circuit(net: Any, r: dict[str, Any]) -> bool:
    """Request ``r`` is being served, or its end is on its way: its head node holds a circuit
    for it (same endpoint and tail) that every node of the route holds established, or that
    a node of the route is tearing down (the TEARDOWN travels to the head, REL-016)."""
    head = net.nodes.get(r["head"])
    for cid, sig in (head.signalling.items() if head is not None else ()):
        setup = getattr(sig, "setup", None)
        if (setup is None or setup.get("head_endpoint") != r["endpoint"]
                or setup.get("tail_end") != r["tail"]):
            continue
        states = [net.nodes[n].circuit_state(cid) for n in setup.get("route", ())
                  if n in net.nodes]
        return bool(states) and (TEARING_DOWN in states
                                 or all(s is ESTABLISHED for s in states))
    return False


def check_requests_end(net: Any, outcomes: dict[int, dict[str, Any]], *,
                       settle_ns: int) -> list[Violation]:
    """(e) Every request ends: it completed (``num_pairs`` pairs delivered at both ends) or
    its head application received an ERROR answering its PAIR_REQUEST, unless it started less
    than ``settle_ns`` before the end of the run, or its deadline (absolute ``deadline_ns``)
    is not yet ``settle_ns`` behind the end of the run, or it has no deadline and is still
    served: one of its pairs was delivered at both ends less than ``settle_ns`` before the
    end, or a circuit established at every node of its route serves it, or a node of its
    route is tearing that circuit down (a run cut short of a slow request, or of a teardown on
    its way, is not a stall; a circuit half open, or none, is). A request whose head node
    crashed or restarted ended with its application, which ran on that node."""
    end = net.now
    out = []
    crashed, restarted = _crashed(net), _restarted(net)
    for r in net.requests:
        o = outcomes[r["request_id"]]
        if o["state"] != "open" or r["at_ns"] > end - settle_ns:
            continue
        if r["head"] in crashed or r["head"] in restarted:
            continue  # the application ran on its head node and went down with it
        deadline = _deadline(net, r)
        if deadline and deadline > end - settle_ns:
            continue
        if not deadline and ((o.get("last_pair_ns") is not None
                              and o["last_pair_ns"] > end - settle_ns)
                             or _served_by_live_circuit(net, r)):
            continue
        out.append(Violation(
            "request_not_ended", f"request {r['request_id']} (node {r['head']} to node "
            f"{r['tail']}, {o['pairs']} of {r['num_pairs']} pairs) neither completed nor "
            "failed" + (f"; its deadline was {deadline} ns" if deadline else ""),
            end, node=r["head"]))
    return out
