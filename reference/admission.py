"""Call admission estimates and baseline forwarding rules (chapter 05 sections 4 and 7).

Pure functions: the tail end's estimate of the delivered fidelity and rate from the
accumulated ``hops`` (SIG-005.1, SIG-011), the cutoff that guarantees the requested fidelity
(SIG-039.1), and the baseline rule set (SIG-012.1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .messages import fidelity_from_wire


def werner(f: float) -> float:
    """Werner parameter ``w = (4F - 1)/3`` of fidelity ``F``."""
    return (4 * f - 1) / 3


def fidelity_of(w: float) -> float:
    """Fidelity ``(3w + 1)/4`` of Werner parameter ``w``."""
    return (3 * w + 1) / 4


def swap_factor(gate_fidelity: float, readout_fidelity: float) -> float:
    """Werner factor of one noisy Bell-state measurement.

    The noise core's swap (``noise.swap_bd``) depolarises with ``p = gate_fidelity`` and
    flips each of the two reported bits with ``1 - readout_fidelity``; the Werner twirl of that
    Pauli channel multiplies ``w`` by ``p (4 eta^2 - 1) / 3``.
    """
    eta = readout_fidelity
    return gate_fidelity * (4 * eta * eta - 1) / 3


def storage_factor(t_ns: float, t2_ns: float) -> float:
    """Werner factor ``(1 + 2 exp(-t/T2)) / 3`` of storing one qubit for ``t_ns`` (T2 dephasing).

    Exact for a Werner input (the Bell twirl of dephasing); ``t2_ns`` 0 or inf: no dephasing.
    """
    if not t2_ns or math.isinf(t2_ns) or t_ns <= 0:
        return 1.0
    if math.isinf(t_ns):
        return 1 / 3
    return (1 + 2 * math.exp(-t_ns / t2_ns)) / 3


def reported_t2_ns(t2_ns: float, t1_ns: float = math.inf) -> float:
    """The dephasing time a hop reports as ``memory_t2_ns`` (SIG-045.1): its T2 with its
    relaxation time T1 folded in, ``1 / (1/T1 + 1/T2')`` with ``T2' = min(T2, 2 T1)`` (a
    memory's T2 cannot exceed 2 T1). ``inf`` (or 0) for either: that process is absent.

    A stored qubit of a Werner pair multiplies its parameter by ``(exp(-t/T1) +
    2 exp(-t/T2)) / 3`` (the Bell twirl of amplitude damping and dephasing, the noise core's
    ``memory_pauli_probabilities``). With ``x = exp(-t/T1)`` and ``y = exp(-t/T2)`` the
    difference between that factor and :func:`storage_factor` of the reported time,
    ``(x + 2y - 1 - 2xy) / 3 = (2y - 1)(1 - x) / 3``, is non-negative while ``y >= 1/2``:
    the reported time gives a lower bound for every storage time at which its own factor is
    at least 2/3 (:func:`storage_limit_ns`).

    >>> reported_t2_ns(2e6, 2e6), reported_t2_ns(1e6), reported_t2_ns(math.inf, 1e6)
    (1000000.0, 1000000.0, 666666.6666666666)
    """
    t1 = t1_ns if t1_ns and not math.isinf(t1_ns) else math.inf
    t2 = t2_ns if t2_ns and not math.isinf(t2_ns) else math.inf
    t2 = min(t2, 2 * t1)
    if math.isinf(t1):
        return t2
    return 1 / (1 / t1 + 1 / t2)


def storage_limit_ns(hops: Sequence[dict[str, Any]]) -> float:
    """Longest storage time for which the bound with the reported T2s stays a lower bound
    (SIG-045.2): ``T2 ln 2`` of the hop with the shortest ``memory_t2_ns``, where its storage
    factor falls to 2/3 (:func:`reported_t2_ns`); ``inf`` when no hop decoheres."""
    t2s = [h["memory_t2_ns"] for h in hops if h["memory_t2_ns"]]
    return min(t2s) * math.log(2) if t2s else math.inf


def _links(hops: Sequence[dict[str, Any]]) -> list[tuple[float, int, int]]:
    """(Werner parameter, T2 of one end, T2 of the other end) of each link of the route."""
    out = []
    for i, h in enumerate(hops):
        if h["link_id"] and i + 1 < len(hops):
            out.append((werner(fidelity_from_wire(h["link_fidelity"])), h["memory_t2_ns"],
                        hops[i + 1]["memory_t2_ns"]))
        elif h["link_id"]:
            out.append((werner(fidelity_from_wire(h["link_fidelity"])), h["memory_t2_ns"], 0))
    return out


def chain_fidelity(hops: Sequence[dict[str, Any]], storage_ns: float) -> float:
    """End-to-end fidelity when every qubit of the route is stored for ``storage_ns``.

    Werner model: product of the advertised link parameters (which include the swap noise of
    the advertising hop, SIG-038.1) and of the storage factor of both qubits of every link pair.
    Fidelity decreases monotonically with ``storage_ns``, so with ``storage_ns`` equal to the
    cutoff it is a lower bound for every pair the cutoff lets through.
    """
    w = 1.0
    for wl, t2a, t2b in _links(hops):
        w *= wl * storage_factor(storage_ns, t2a) * storage_factor(storage_ns, t2b)
    return fidelity_of(w)


def link_rate(hops: Sequence[dict[str, Any]]) -> float:
    """Rate (pairs/s) of the slowest link of the route."""
    links = [h for h in hops if h["link_id"]]
    return min((h["link_rate_mhz"] for h in links), default=0) / 1000.0


def fidelity_cutoff(hops: Sequence[dict[str, Any]], min_fidelity: float,
                    limit_ns: float = math.inf, *, rounds: int = 0, gate_fidelity: float = 1.0,
                    readout_fidelity: float = 1.0) -> float | None:
    """Largest storage time (ns, <= ``limit_ns`` and <= :func:`storage_limit_ns`) with
    ``chain_fidelity >= min_fidelity``.

    With ``rounds`` > 0 the bound is :func:`distilled_fidelity` instead. None when even fresh
    pairs fall short; the limit when it already satisfies the bound (``inf`` when nothing
    decoheres and no limit is given). The bound decreases monotonically with the storage time.
    """
    limit_ns = min(limit_ns, storage_limit_ns(hops))

    def bound(t: float) -> float:
        if rounds:
            return distilled_fidelity(hops, t, rounds, gate_fidelity=gate_fidelity,
                                      readout_fidelity=readout_fidelity)[0]
        return chain_fidelity(hops, t)

    if bound(0.0) < min_fidelity:
        return None
    if bound(limit_ns) >= min_fidelity:
        return limit_ns
    lo, hi = 0.0, limit_ns if math.isfinite(limit_ns) else 1.0
    while math.isinf(limit_ns) and bound(hi) >= min_fidelity:
        hi *= 2
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if bound(mid) >= min_fidelity else (lo, mid)
    return math.floor(lo)


MAX_DISTIL_ROUNDS = 3


def end_storage_factor(hops: Sequence[dict[str, Any]], storage_ns: float) -> float:
    """Werner factor of storing both end qubits of an end-to-end pair for ``storage_ns``."""
    if not hops:
        return 1.0
    return storage_factor(storage_ns, hops[0]["memory_t2_ns"]) * storage_factor(
        storage_ns, hops[-1]["memory_t2_ns"])


def distilled_fidelity(hops: Sequence[dict[str, Any]], storage_ns: float, rounds: int, *,
                       gate_fidelity: float = 1.0, readout_fidelity: float = 1.0
                       ) -> tuple[float, list[float]]:
    """Lower bound of the fidelity after ``rounds`` end-to-end DEJMPS rounds, and the success
    probability of each round (SIG-040.1).

    Round 1 combines two pairs of the plain chain bound (:func:`chain_fidelity` with every
    qubit stored for ``storage_ns``) taken as Werner states; round k combines two outputs of
    round k-1 (Bell-diagonal, in the PHI_PLUS frame of TRK-021). Each round uses
    ``noise.dejmps_bd`` with the ends' gate and readout fidelity, and its output is stored
    once more for ``storage_ns`` at both ends (T2 of the end hops): an age limit counted from
    the origin herald bounds every storage interval, so this over-counts decoherence and
    keeps the result a lower bound for Werner-like inputs. DEJMPS needs F > 1/2 to improve a
    Werner pair.
    """
    import numpy as np

    from . import noise

    w = noise.werner_bd(chain_fidelity(hops, storage_ns))
    probs: list[float] = []
    store = end_storage_factor(hops, storage_ns)
    for _ in range(rounds):
        r = noise.dejmps_bd(w, w, p=gate_fidelity, eta=readout_fidelity)
        probs.append(float(r.success_probability))
        out = np.asarray(r.state, dtype=np.float64)
        # storage twirled to Werner noise: w -> store * w + (1 - store) * I/4
        w = store * out + (1 - store) / 4
    return float(w[0]), probs


def distilled_rate(rate: float, rounds: int, probs: Sequence[float]) -> float:
    """Delivery rate after ``rounds`` rounds: each round consumes two pairs of the previous
    level and succeeds with ``probs[k]`` (SIG-041)."""
    for k in range(rounds):
        rate *= probs[k] / 2
    return rate


#: up to this many links :func:`expected_rate` follows which links hold (2^N states)
EXACT_RATE_LINKS = 8


def _swap_probs(swap_success: float | Sequence[float], n: int) -> list[float]:
    """BSM success probability of each of the ``n - 1`` swapping nodes, in route order."""
    probs = ([float(swap_success)] * (n - 1) if isinstance(swap_success, (int, float))
             else [float(q) for q in swap_success])
    if len(probs) != max(n - 1, 0):
        raise ValueError(f"swap_success needs {n - 1} probabilities, got {len(probs)}")
    if any(not 0.0 < q <= 1.0 for q in probs):
        raise ValueError(f"swap_success must be in (0, 1], got {probs}")
    return probs


def expected_rate(hops: Sequence[dict[str, Any]], cutoff_ns: float = math.inf, *,
                  swap_success: float | Sequence[float] = 1.0) -> float:
    """Expected end-to-end rate (pairs/s) of the route's N links, swap-asap, one pair per link
    (SIG-011): one over the mean time until all N links hold a pair at once.

    ``swap_success`` is the BSM success probability q of every swapping node, or one per
    swapping node in route order (SIG-046): a failed BSM consumes both qubits (TRK-030), so
    every held link of both runs it would have joined is lost and starts again.

    Continuous-time Markov chain of which links hold a pair (Karlin and Taylor, *A First
    Course in Stochastic Processes*, 2nd ed., 1975, ch. 4; mean first passage by solving the
    linear equations of the chain, :func:`_first_passage`): a link without a pair gains one at
    its advertised rate, adjacent held links are joined by the swap between them, and a run of
    joined links is lost to the cutoff c at rate ``mu = r / (exp(r c) - 1)`` for each of its
    end links, r the slowest link's rate. That ``mu`` makes the chain exact for two equal
    links, where a held pair waits at most c for the other: mean time ``(1/(2r) +
    (1 - exp(-rc))/r) / (1 - exp(-rc))``; without a cutoff the mean time is exactly that of the
    largest of N exponential waits (``H_N / r`` for equal links). The exponential loss time
    lets some runs outlive c, so long routes with c near ``1/r`` are overestimated (docs/
    simulator.md). Beyond :data:`EXACT_RATE_LINKS` links a birth-death chain counts the links
    holding, takes the ones still generating as the slowest and loses held pairs one by one.

    >>> hops = [{"link_id": 1, "link_rate_mhz": 10**6}, {"link_id": 2, "link_rate_mhz": 10**6}]
    >>> round(expected_rate(hops), 3), round(expected_rate(hops, 1e6), 3)
    (666.667, 558.351)
    >>> round(expected_rate(hops, swap_success=0.5), 3)  # E[T] = E[max(G1, G2)] / q
    333.333
    """
    rates = sorted(h["link_rate_mhz"] / 1000.0 for h in hops if h["link_id"])
    n = len(rates)
    if n == 0 or rates[0] <= 0:
        return 0.0
    if not isinstance(swap_success, (int, float)) and any(q == 0 for q in swap_success):
        return 0.0  # a hop that reports q = 0 (SIG-047) never joins the links
    probs = _swap_probs(swap_success, n)
    slowest = rates[0]
    loss = 0.0
    if math.isfinite(cutoff_ns):
        x = slowest * cutoff_ns * 1e-9
        if x <= 0:
            return 0.0 if n > 1 else slowest
        loss = slowest / math.expm1(x) if x < 700 else 0.0
    if n <= EXACT_RATE_LINKS:
        total = _first_passage([h["link_rate_mhz"] / 1000.0 for h in hops if h["link_id"]],
                               loss, probs)
    else:
        total = step = 0.0
        for k in range(n):  # birth-death chain: T_k = (1 + k mu T_(k-1)) / lambda_k
            step = (1 + k * loss * step) / math.fsum(rates[:n - k])
            total += step
        total /= math.prod(probs)  # approximation: the whole wait again per failed swap
    # a mean time beyond float precision (cutoffs far below 1/r on long routes): no rate
    return 1 / total if 0 < total < 1e15 else 0.0


def _run(s: int, i: int, step: int, n: int) -> int:
    """Bits of the run of holding links next to link ``i`` on the side ``step`` (+1 or -1)."""
    bits, j = 0, i + step
    while 0 <= j < n and s >> j & 1:
        bits |= 1 << j
        j += step
    return bits


def _first_passage(rates: Sequence[float], loss: float,
                   swap_success: Sequence[float] = ()) -> float:
    """Mean time from no link holding to all holding, ``rates`` in route order: states are
    the sets of links holding (bit i: link i), a link gains a pair at ``rates[i]``; adjacent
    holding links are joined by the swap between them, so a run of them is lost at once,
    at ``loss`` for each of its (one or two) end links. ``swap_success[j]`` is the BSM
    success probability of the node between links j and j + 1 (default 1): a link gaining a
    pair next to one or two runs is joined to them only if every BSM it takes succeeds;
    otherwise that link and both runs are lost (TRK-030)."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    n = len(rates)
    qs = list(swap_success) or [1.0] * (n - 1)
    full = (1 << n) - 1
    a = np.zeros((full, full))
    for s in range(full):
        out = 0.0
        for i in range(n):
            if not s >> i & 1:
                out += rates[i]
                ok = ((qs[i - 1] if i > 0 and s >> (i - 1) & 1 else 1.0)
                      * (qs[i] if i + 1 < n and s >> (i + 1) & 1 else 1.0))
                if s | 1 << i != full:
                    a[s, s | 1 << i] -= rates[i] * ok
                if ok < 1.0:  # a failed BSM: the link's pair and both runs are gone
                    a[s, s & ~(_run(s, i, -1, n) | _run(s, i, 1, n))] -= rates[i] * (1 - ok)
            elif loss and (i == 0 or not s >> (i - 1) & 1):  # a run of held links starts
                hi = i
                while hi + 1 < n and s >> (hi + 1) & 1:
                    hi += 1
                run = ((1 << (hi + 1)) - 1) ^ ((1 << i) - 1)
                rate = loss * (1 if hi == i else 2)
                out += rate
                a[s, s & ~run] -= rate
        a[s, s] += out
    # one BLAS thread: for a system this small a thread per core only adds contention, about
    # 20 times the single-threaded time on a busy machine (bench/README.md, "admission")
    with threadpool_limits(limits=1, user_api="blas"):
        return float(np.linalg.solve(a, np.ones(full))[0])


def reported_swap_success(hops: Sequence[dict[str, Any]]) -> list[float]:
    """BSM success probability of each swapping hop (every hop but the two ends), in route
    order, from the ``swap_success`` of its capability record (SIG-046, SIG-047): the value
    :func:`expected_rate` takes as ``swap_success``. A record without the field reports 1."""
    return [h.get("swap_success", 65535) / 65535 for h in hops[1:-1]]


def swap_success_to_wire(q: float) -> int:
    """``swap_success`` of a hop with BSM success probability ``q``, rounded down (SIG-047):
    ``floor(q * 65535)``, so the rate the tail end estimates from it stays a lower bound.

    >>> swap_success_to_wire(0.5), swap_success_to_wire(1.0), swap_success_to_wire(0.9)
    (32767, 65535, 58981)
    """
    return max(0, min(65535, math.floor(q * 65535)))


def estimate(hops: Sequence[dict[str, Any]], *,
             swap_success: float | Sequence[float] = 1.0) -> tuple[float, float]:
    """(fidelity, pairs per second) expected for the route described by ``hops``.

    Every qubit is stored for the expected time ``H_N / r`` until the slowest of the N links
    (rate r) has succeeded; rate from :func:`expected_rate` without a cutoff, with the BSM
    success probabilities ``swap_success`` (SIG-046). A failed swap delivers nothing, so the
    fidelity of a delivered pair does not depend on them (chapter 05 section 4).
    """
    links = [h for h in hops if h["link_id"]]
    if not links:
        return 0.0, 0.0
    rate = link_rate(hops)
    if rate <= 0:
        return chain_fidelity(hops, 0.0), 0.0
    harmonic = sum(1 / k for k in range(1, len(links) + 1))
    return (chain_fidelity(hops, harmonic / rate * 1e9),
            expected_rate(hops, swap_success=swap_success))


def baseline_rules(
    circuit_id: int,
    route: Sequence[int],
    links: Sequence[int],
    *,
    head_endpoint: int,
    tail_endpoint: int,
    cutoff_ns: int,
) -> list[dict[str, Any]]:
    """SIG-012.1 / chapter 05 section 7 baseline: GENERATE, SWAP and DELIVER rules."""

    def rule(node: int, action: str, link: int, peer: int = 0, endpoint: int = 0) -> dict:
        return {"node": node, "match_circuit": circuit_id, "match_link": link,
                "action": action, "peer_link": peer, "cutoff_ns": cutoff_ns,
                "distil_protocol": "NONE", "distil_rounds": 0, "endpoint": endpoint}

    rules = [rule(route[0], "GENERATE", links[0])]
    for i in range(1, len(route) - 1):
        rules += [rule(route[i], "GENERATE", links[i - 1]), rule(route[i], "GENERATE", links[i]),
                  rule(route[i], "SWAP", links[i - 1], links[i])]
    rules += [rule(route[-1], "GENERATE", links[-1]),
              rule(route[0], "DELIVER", links[0], endpoint=head_endpoint),
              rule(route[-1], "DELIVER", links[-1], endpoint=tail_endpoint)]
    return rules


def distil_rules(circuit_id: int, route: Sequence[int], links: Sequence[int], *, rounds: int,
                 cutoff_ns: int, protocol: str = "DEJMPS") -> list[dict[str, Any]]:
    """SIG-040.2: end-to-end DISTIL rules (``peer_link`` 0) at both end nodes."""
    return [{"node": node, "match_circuit": circuit_id, "match_link": link, "action": "DISTIL",
             "peer_link": 0, "cutoff_ns": cutoff_ns, "distil_protocol": protocol,
             "distil_rounds": rounds, "endpoint": 0}
            for node, link in ((route[0], links[0]), (route[-1], links[-1]))]
