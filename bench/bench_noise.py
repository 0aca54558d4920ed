"""Benchmark of the QVCP noise core against a pair-by-pair QuTiP baseline.

Usage::

    python bench/bench_noise.py [--batch 100000] [--qutip-pairs 200] [--seed 1] [--repeat 3]

For swap, DEJMPS, memory decoherence (T1/T2) and Bell fidelity, it times one batched call on
``--batch`` pairs in the Bell-diagonal (BD) and density-matrix (DM) representations (best of
``--repeat`` runs) and the same operation done pair by pair with QuTiP on ``--qutip-pairs``
pairs (gates / Kraus operators prebuilt outside the timed loop), then prints ops/s and the
ratio. It also reports the tracemalloc peak of each batched call at several batch sizes and
the bytes per pair, to show that memory is linear in the batch size.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from qvcp.reference import noise as nz

P_GATE, ETA, T, T1, T2 = 0.99, 0.995, 0.01, 1.0, 0.5


def make_inputs(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    w1 = rng.dirichlet([20.0, 1.0, 1.0, 1.0], size=n)
    w2 = rng.dirichlet([20.0, 1.0, 1.0, 1.0], size=n)
    return {
        "w1": w1,
        "w2": w2,
        "r1": nz.bell_diagonal_to_density(w1),
        "r2": nz.bell_diagonal_to_density(w2),
    }


def ops(inp: dict[str, np.ndarray]) -> dict[tuple[str, str], Callable[[], object]]:
    w1, w2, r1, r2 = inp["w1"], inp["w2"], inp["r1"], inp["r2"]
    return {
        ("swap", "BD"): lambda: nz.swap_bd(w1, w2, p=P_GATE, eta=ETA),
        ("swap", "DM"): lambda: nz.swap_dm(r1, r2, p=P_GATE, eta=ETA),
        ("dejmps", "BD"): lambda: nz.dejmps_bd(w1, w2, p=P_GATE, eta=ETA),
        ("dejmps", "DM"): lambda: nz.dejmps_dm(r1, r2, p=P_GATE, eta=ETA),
        ("memory", "BD"): lambda: nz.decohere_bd(w1, T, t1=T1, t2=T2, qubit="both"),
        ("memory", "DM"): lambda: nz.decohere_dm(r1, T, t1=T1, t2=T2, qubit="both"),
        ("fidelity", "BD"): lambda: nz.fidelity_bd(w1),
        ("fidelity", "DM"): lambda: nz.fidelity_dm(r1),
    }


def best_time(fn: Callable[[], object], repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def qutip_baseline(inp: dict[str, np.ndarray], n: int) -> dict[str, Callable[[], object]]:
    """Pair-by-pair QuTiP versions of the same operations (same noise models)."""
    import qutip as qt

    i2, x, z = qt.qeye(2), qt.sigmax(), qt.sigmaz()
    p0, p1 = qt.basis(2, 0).proj(), qt.basis(2, 1).proj()
    h = (x + z) / np.sqrt(2)

    def on(ops_: dict[int, qt.Qobj]) -> qt.Qobj:
        return qt.tensor([ops_.get(i, i2) for i in range(4)])

    def cnot(c: int, t: int) -> qt.Qobj:
        return on({c: p0}) + on({c: p1, t: x})

    bsm = on({1: h}) * cnot(1, 2)
    projs = {(a, b): on({1: (p0, p1)[a], 2: (p0, p1)[b]}) for a in range(2) for b in range(2)}
    rx = (-1j * np.pi / 4 * x).expm()
    rot = qt.tensor(rx, rx.dag(), rx, rx.dag())
    cnot_a, cnot_b = cnot(0, 2), cnot(1, 3)
    dproj = {(a, b): on({2: (p0, p1)[a], 3: (p0, p1)[b]}) for a in range(2) for b in range(2)}
    kraus = [qt.Qobj(k) for k in nz.memory_kraus(T, t1=T1, t2=T2)]
    kraus2 = [qt.tensor(a, b) for a in kraus for b in kraus]
    phi = qt.ket2dm(qt.bell_state("00"))
    rho1 = [qt.Qobj(r, dims=[[2, 2], [2, 2]]) for r in inp["r1"][:n]]
    rho2 = [qt.Qobj(r, dims=[[2, 2], [2, 2]]) for r in inp["r2"][:n]]
    flip = {(r, t): (ETA if r == t else 1 - ETA) for r in range(2) for t in range(2)}

    def noisy(state: qt.Qobj, a: int, b: int) -> qt.Qobj:
        keep = [i for i in range(4) if i not in (a, b)]
        mixed = qt.tensor(state.ptrace(keep), qt.qeye([2, 2]) / 4)
        order = [*keep, a, b]
        return P_GATE * state + (1 - P_GATE) * mixed.permute([order.index(i) for i in range(4)])

    def swap() -> None:
        for a, b in zip(rho1, rho2, strict=True):
            s = noisy(bsm * qt.tensor(a, b) * bsm.dag(), 1, 2)
            post = {k: (pr * s * pr).ptrace([0, 3]) for k, pr in projs.items()}
            for r1 in range(2):
                for r2 in range(2):
                    sum(flip[r1, t1] * flip[r2, t2] * post[t1, t2]
                        for t1 in range(2) for t2 in range(2))

    def dejmps() -> None:
        for a, b in zip(rho1, rho2, strict=True):
            s = rot * qt.tensor(a, b) * rot.dag()
            s = noisy(cnot_a * s * cnot_a.dag(), 0, 2)
            s = noisy(cnot_b * s * cnot_b.dag(), 1, 3)
            out = sum((flip[0, ta] * flip[0, tb] + flip[1, ta] * flip[1, tb])
                      * (pr * s * pr).ptrace([0, 1]) for (ta, tb), pr in dproj.items())
            out / out.tr()

    def memory() -> None:
        for a in rho1:
            sum(k * a * k.dag() for k in kraus2)

    def fidelity() -> None:
        for a in rho1:
            qt.expect(phi, a)

    return {"swap": swap, "dejmps": dejmps, "memory": memory, "fidelity": fidelity}


def peak_bytes(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=100_000)
    ap.add_argument("--qutip-pairs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    inp = make_inputs(args.batch, args.seed)
    ours = {key: args.batch / best_time(fn, args.repeat) for key, fn in ops(inp).items()}
    try:
        base_fns = qutip_baseline(inp, min(args.qutip_pairs, args.batch))
        npairs = min(args.qutip_pairs, args.batch)
        base = {name: npairs / best_time(fn, 1) for name, fn in base_fns.items()}
    except ImportError:
        base = {}

    print(f"QVCP noise core benchmark: batch={args.batch}, qutip pairs={args.qutip_pairs}, "
          f"seed={args.seed}, numpy {np.__version__}")
    print(f"{'operation':<10}{'repr':<6}{'ours ops/s':>14}{'QuTiP ops/s':>14}{'ours/QuTiP':>12}")
    for (name, rep), rate in ours.items():
        b = base.get(name)
        bs = f"{b:14.3e}" if b else f"{'n/a':>14}"
        ratio = f"{rate / b:11.0f}x" if b else f"{'n/a':>12}"
        print(f"{name:<10}{rep:<6}{rate:14.3e}{bs}{ratio}")

    print("\nPeak memory (tracemalloc, inputs excluded)")
    print(f"{'operation':<10}{'repr':<6}{'batch':>9}{'peak MiB':>11}{'bytes/pair':>12}")
    for size in (10_000, 100_000, 1_000_000):
        inp_s = make_inputs(size, args.seed) if size <= 100_000 else None
        if inp_s is None:
            rng = np.random.default_rng(args.seed)
            w = rng.dirichlet([20.0, 1.0, 1.0, 1.0], size=size)
            inp_s = {"w1": w, "w2": w[::-1].copy(), "r1": np.empty((0, 4, 4)),
                     "r2": np.empty((0, 4, 4))}
        for (name, rep), fn in ops(inp_s).items():
            if size > 100_000 and rep == "DM":
                continue
            peak = peak_bytes(fn)
            print(f"{name:<10}{rep:<6}{size:>9}{peak / 2**20:11.2f}{peak / size:12.1f}")


if __name__ == "__main__":
    main()
