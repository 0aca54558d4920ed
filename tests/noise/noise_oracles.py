"""Test-only oracles built from QuTiP gates, projectors and Kraus operators.

Nothing here imports ``qvcp.reference.noise``: the oracles are written from first principles
(explicit kets, CNOT/H/Rx gates, measurement projectors, Kraus maps, Lindblad generators).
"""

from __future__ import annotations

import itertools

import numpy as np
import qutip as qt
from hypothesis import strategies as st

I2 = qt.qeye(2)
X = qt.sigmax()
Y = qt.sigmay()
Z = qt.sigmaz()
H = (X + Z) / np.sqrt(2)
P0 = qt.ket2dm(qt.basis(2, 0))
P1 = qt.ket2dm(qt.basis(2, 1))
PROJ = (P0, P1)


def bell_ket(k: int) -> qt.Qobj:
    """|B_k> = (I ⊗ X^x Z^z)|Phi+>, k = 2z + x (the protocol's definition, built directly)."""
    z, x = divmod(k, 2)
    phi = (qt.tensor(qt.basis(2, 0), qt.basis(2, 0)) + qt.tensor(qt.basis(2, 1), qt.basis(2, 1)))
    phi = phi.unit()
    frame = (X**x) * (Z**z)
    return qt.tensor(I2, frame) * phi


def bd_to_qobj(w) -> qt.Qobj:
    return sum(float(w[k]) * qt.ket2dm(bell_ket(k)) for k in range(4))


def qobj_from_array(rho: np.ndarray) -> qt.Qobj:
    return qt.Qobj(np.asarray(rho), dims=[[2, 2], [2, 2]])


def op_on(n: int, ops: dict[int, qt.Qobj]) -> qt.Qobj:
    return qt.tensor([ops.get(i, I2) for i in range(n)])


def cnot(n: int, control: int, target: int) -> qt.Qobj:
    return op_on(n, {control: P0}) + op_on(n, {control: P1, target: X})


def depolarize_pair(rho: qt.Qobj, q1: int, q2: int, p: float) -> qt.Qobj:
    """BDCZ two-qubit gate noise: p rho + (1-p) I/4 on (q1, q2) ⊗ tr_(q1,q2) rho."""
    n = len(rho.dims[0])
    keep = [i for i in range(n) if i not in (q1, q2)]
    rest = rho.ptrace(keep)
    mixed = qt.tensor(rest, qt.qeye([2, 2]) / 4)
    # `mixed` has qubit order keep + [q1, q2]; permute back to 0..n-1.
    order = [*keep, q1, q2]
    perm = [order.index(i) for i in range(n)]
    return p * rho + (1 - p) * mixed.permute(perm)


def readout_channel(eta: float):
    """P(reported bit | true bit)."""
    return lambda r, t: eta if r == t else 1 - eta


def swap_oracle(rho1: qt.Qobj, rho2: qt.Qobj, p: float, eta: float):
    """BSM on (B1, B2) of rho1 (A, B1) ⊗ rho2 (B2, C): returns {m: (prob, state_AC)}."""
    state = qt.tensor(rho1, rho2)
    u = op_on(4, {1: H}) * cnot(4, 1, 2)
    state = u * state * u.dag()
    state = depolarize_pair(state, 1, 2, p)
    pr = readout_channel(eta)
    out = {}
    for r1, r2 in itertools.product(range(2), repeat=2):
        acc = 0 * qt.tensor(I2, I2)
        for t1, t2 in itertools.product(range(2), repeat=2):
            proj = op_on(4, {1: PROJ[t1], 2: PROJ[t2]})
            acc = acc + pr(r1, t1) * pr(r2, t2) * (proj * state * proj).ptrace([0, 3])
        prob = acc.tr().real
        out[2 * r1 + r2] = (prob, acc / prob if prob > 1e-15 else acc)
    return out


def rx(theta: float) -> qt.Qobj:
    return (-1j * theta / 2 * X).expm()


def distill_oracle(rho1: qt.Qobj, rho2: qt.Qobj, p: float, eta: float, *, dejmps: bool):
    """Bilateral-CNOT step on pairs (A1, B1) [kept] and (A2, B2); qubits ordered A1 B1 A2 B2."""
    state = qt.tensor(rho1, rho2)
    if dejmps:
        u = op_on(4, {0: rx(np.pi / 2), 1: rx(-np.pi / 2), 2: rx(np.pi / 2), 3: rx(-np.pi / 2)})
        state = u * state * u.dag()
    ua = cnot(4, 0, 2)
    state = depolarize_pair(ua * state * ua.dag(), 0, 2, p)
    ub = cnot(4, 1, 3)
    state = depolarize_pair(ub * state * ub.dag(), 1, 3, p)
    pr = readout_channel(eta)
    acc = 0 * qt.tensor(I2, I2)
    for ta, tb in itertools.product(range(2), repeat=2):
        proj = op_on(4, {2: PROJ[ta], 3: PROJ[tb]})
        post = (proj * state * proj).ptrace([0, 1])
        accept = sum(pr(r, ta) * pr(r, tb) for r in range(2))
        acc = acc + accept * post
    prob = acc.tr().real
    return prob, acc / prob


def kraus_on(rho: qt.Qobj, kraus: list[qt.Qobj], qubit: int) -> qt.Qobj:
    ops = [op_on(2, {qubit: k}) for k in kraus]
    return sum(k * rho * k.dag() for k in ops)


def lindblad_t1_t2(rho: qt.Qobj, t: float, t1: float, t2: float, qubit: int) -> qt.Qobj:
    """Exact propagation of dρ/dt = D[sqrt(1/T1) |0><1|] + D[sqrt(γφ/2) Z] on one qubit."""
    c_ops = []
    if np.isfinite(t1):
        c_ops.append(np.sqrt(1 / t1) * op_on(2, {qubit: qt.destroy(2)}))
    gphi = 1 / t2 - (0 if not np.isfinite(t1) else 1 / (2 * t1))
    if gphi > 0:
        c_ops.append(np.sqrt(gphi / 2) * op_on(2, {qubit: Z}))
    h = 0 * qt.tensor(I2, I2)
    liou = qt.liouvillian(h, c_ops)
    prop = (liou * t).expm()
    return qt.vector_to_operator(prop * qt.operator_to_vector(rho))


# ---------------------------------------------------------------- hypothesis strategies


@st.composite
def bd_weights(draw) -> np.ndarray:
    raw = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4)))
    if raw.sum() < 1e-3:
        raw = raw + 0.25
    return raw / raw.sum()


@st.composite
def density_matrices(draw) -> np.ndarray:
    """Random full-rank-or-not 4x4 density matrix from a Ginibre matrix with drawn seed."""
    seed = draw(st.integers(0, 2**32 - 1))
    rank = draw(st.integers(1, 4))
    g = np.random.default_rng(seed)
    m = g.normal(size=(4, rank)) + 1j * g.normal(size=(4, rank))
    rho = m @ m.conj().T
    return rho / np.trace(rho).real


probabilities = st.floats(0.0, 1.0)
