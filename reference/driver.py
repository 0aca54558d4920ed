"""The reference implementation as an in-process conformance driver.

Registered in the ``qvcp.drivers`` entry-point group as ``reference``; the conformance suite
never imports this module by name. It adapts the reference message layer (wire profile) and
the reference node and network (node and network profiles) to the verbs of
``schemas/meta/driver.schema.json``.
"""

from __future__ import annotations

import itertools
from typing import Any

from qvcp import __version__
from qvcp.schemas import WireError, decode, encode, verify

__all__ = ["ReferenceDriver"]

Json = dict[str, Any]


def _reject(exc: WireError) -> Json:
    return {"reject": {"code": int(exc.code), "name": exc.code.name, "detail": str(exc)}}


# --- network profile --------------------------------------------------------------------------
# Interim adapter: until the discrete-event simulator (qvcp.reference.sim) lands, a circuit on
# a repeater chain is computed pair by pair with the reference noise core: heralded Werner link
# pairs (codes PSI_PLUS/PSI_MINUS), memory dephasing while waiting (T2), cutoff, Bell-state
# measurements sampled with sample_swap_bd and Bell indices composed by XOR (TRK-002).

_BELL_NAMES = ("PHI_PLUS", "PSI_PLUS", "PHI_MINUS", "PSI_MINUS")
_HERALD_CODES = (1, 3)


def _next_seq(seq: int) -> int:
    return 1 if seq >= 0xFFFF else seq + 1


def _run_circuit(circuit: Json, links: dict[frozenset[int], Json], *, until_ns: int,
                 t2_ns: int, bases: list[str], rng: Any) -> list[Json]:
    import math

    import numpy as np

    from qvcp.reference.noise import dephase_bd, fidelity_bd, measure_bd, werner_bd
    from qvcp.reference.noise.swap import sample_swap_bd

    route = circuit["route"]
    hops = [links[frozenset(pair)] for pair in itertools.pairwise(route)]
    seqs = {hop["link_id"]: 0 for hop in hops}
    cutoff = circuit.get("cutoff_ns", 0)
    min_fidelity = circuit.get("min_fidelity", 0) / 65535
    now, delivered, out = circuit.get("start_ns", 0), 0, []
    while delivered < circuit["num_pairs"]:
        born = [now + int(rng.geometric(h["success_probability"])) * h["slot_ns"] for h in hops]
        ready = max(born)
        if ready > until_ns:
            break
        now = ready
        codes, states = [], []
        for hop, t in zip(hops, born, strict=True):
            seqs[hop["link_id"]] = _next_seq(seqs[hop["link_id"]])
            code = int(rng.choice(_HERALD_CODES))
            state = werner_bd(hop["fidelity"], target=code)
            if t2_ns:
                state = dephase_bd(state, (1 - math.exp(-(ready - t) / t2_ns)) / 2)
            codes.append(code)
            states.append(state)
        if cutoff and ready - min(born) > cutoff:
            continue  # discarded at the cutoff (TRK-011); start afresh
        code, state = codes[0], np.asarray(states[0])
        for other_code, other in zip(codes[1:], states[1:], strict=True):
            m, state = sample_swap_bd(state, other, rng=rng)
            code = code ^ other_code ^ int(m)
        fidelity = float(fidelity_bd(state, target=code))
        if fidelity < min_fidelity:
            continue  # never deliver below the requested fidelity (DLV-022)
        delivered += 1
        pair_id = seqs[hops[0]["link_id"]] * 65536 + seqs[hops[-1]["link_id"]]
        common = {"circuit_id": circuit["circuit_id"], "pair_id": pair_id,
                  "bell_state": _BELL_NAMES[code], "fidelity_estimate": round(fidelity * 65535),
                  "at_ns": ready, "origin_ns": min(born)}
        ends = [{"node": route[0], **common}, {"node": route[-1], **common}]
        if bases:
            basis = str(rng.choice(bases))
            bits = measure_bd(state, basis=basis, rng=rng)
            for end, bit in zip(ends, bits.tolist(), strict=True):
                end.update(basis=basis, outcome=int(bit))
        out += ends
    return out


class _NetworkProfile:
    """The network-profile verb."""

    def network_run(self, *, scenario: Json, circuits: list[Json], until_ns: int, seed: int,
                    measure: Json | None = None) -> Json:
        import numpy as np

        rng = np.random.default_rng(seed)
        links = {frozenset((link["a"], link["b"])): link for link in scenario["links"]}
        bases = list((measure or {}).get("bases", []))
        deliveries: list[Json] = []
        for circuit in circuits:
            deliveries += _run_circuit(circuit, links, until_ns=until_ns,
                                       t2_ns=scenario.get("memory_t2_ns", 0), bases=bases,
                                       rng=rng)
        return {"deliveries": deliveries, "circuits": [
            {"circuit_id": c["circuit_id"],
             "pairs": sum(d["circuit_id"] == c["circuit_id"] for d in deliveries) // 2}
            for c in circuits]}


class ReferenceDriver(_NetworkProfile):
    """Driver protocol verbs backed by the reference implementation."""

    profiles: tuple[str, ...] = ("wire", "network")
    capabilities: tuple[str, ...] = ("wire.auth", "network.measure")

    def hello(self, *, protocol: int, harness: str) -> Json:
        return {"protocol": 1,
                "implementation": {"name": "qvcp-reference", "version": __version__,
                                   "language": "Python"},
                "spec_version": "1.0", "profiles": list(self.profiles),
                "capabilities": list(self.capabilities)}

    def reset(self) -> Json:
        return {}

    def bye(self) -> Json:
        return {}

    # --- wire profile -----------------------------------------------------------------------

    def wire_decode(self, *, hex: str, keys: dict[str, str] | None = None) -> Json:
        data = bytes.fromhex(hex)
        try:
            if keys is not None:
                return {"json": verify(data, {int(k): bytes.fromhex(v) for k, v in keys.items()})}
            return {"json": decode(data)}
        except WireError as exc:
            return _reject(exc)

    def wire_encode(self, *, json: Any) -> Json:
        try:
            return {"hex": encode(json).hex()}
        except WireError as exc:
            return _reject(exc)
