"""QVCP noise core: pure-numpy, batched models of noisy entangled pairs.

Representations (batch axes first):

* Bell-diagonal weights: float64 ``(..., 4)`` ordered ``[PHI_PLUS, PSI_PLUS, PHI_MINUS,
  PSI_MINUS]`` (Bell index ``k = 2z + x``, ``|B_k> = (I ⊗ X^x Z^z)|Phi+>``);
* density matrices: complex128 ``(..., 4, 4)`` in basis ``|00>, |01>, |10>, |11>``
  (first qubit most significant).

Functions ending in ``_bd`` take Bell-diagonal weights, ``_dm`` density matrices. Sampling
functions require an explicit ``numpy.random.Generator`` keyword ``rng``. Times are in
seconds, distances in kilometres. See ``docs/noise.md`` for the models and sources.

>>> import numpy as np
>>> from qvcp.reference.noise import compose_bell_index, swap_bd, werner_bd
>>> compose_bell_index(1, 3)
2
>>> print(np.round(swap_bd(werner_bd(0.9), werner_bd(0.9)).corrected[0], 4))
0.8133
"""

from __future__ import annotations

from .bell import (
    BELL_CORRELATORS,
    BELL_NAMES,
    BELL_VECTORS,
    PHI_MINUS,
    PHI_PLUS,
    PSI_MINUS,
    PSI_PLUS,
    bell_diagonal_to_density,
    compose_bell_index,
    density_to_bell_diagonal,
    fidelity_bd,
    fidelity_dm,
    pauli_frame_bd,
    pauli_frame_dm,
    twirl,
    werner_bd,
    werner_fidelity,
    werner_parameter,
    werner_twirl_bd,
)
from .bounds import (
    basis_errors,
    bb84_key_fraction,
    bell_diagonal_key_fraction,
    binary_entropy,
    error_weights_from_qber,
    path_transmissivity,
    plob_bound,
    shannon_entropy,
    six_state_key_fraction,
    tgw_bound,
)
from .channels import (
    amplitude_damp_dm,
    amplitude_damping_kraus,
    apply_kraus_dm,
    dephase_bd,
    dephase_dm,
    dephasing_probabilities,
    depolarize_bd,
    depolarize_dm,
    depolarizing_probabilities,
    pauli_channel_bd,
    pauli_channel_dm,
)
from .detection import (
    NO_HERALD,
    ClickOutcomes,
    click_outcomes,
    dead_time_attempts,
    dead_time_success,
    link_click_outcomes,
    renewal_live_fraction,
)
from .distill import (
    DEJMPS_PERMUTATION,
    DistillResult,
    bbpssw_bd,
    bbpssw_dm,
    dejmps_bd,
    dejmps_dm,
)
from .heralding import (
    FIBRE_REFRACTIVE_INDEX,
    SPEED_IN_FIBRE,
    SPEED_OF_LIGHT,
    HeraldedLink,
    double_click_link,
    fibre_delay,
    fibre_transmissivity,
    sample_link_generation,
    sample_multiplexed_generation,
    single_click_link,
)
from .measure import (
    BASES,
    FidelityEstimate,
    correlator,
    estimate_fidelity,
    measure_bd,
    measure_dm,
)
from .memory import (
    decohere_bd,
    decohere_dm,
    memory_kraus,
    memory_parameters,
    memory_pauli_probabilities,
)
from .swap import (
    SwapResult,
    readout_error_distribution,
    sample_swap_bd,
    sample_swap_dm,
    swap_bd,
    swap_dm,
)

__all__ = [
    "BASES",
    "BELL_CORRELATORS",
    "BELL_NAMES",
    "BELL_VECTORS",
    "DEJMPS_PERMUTATION",
    "FIBRE_REFRACTIVE_INDEX",
    "NO_HERALD",
    "PHI_MINUS",
    "PHI_PLUS",
    "PSI_MINUS",
    "PSI_PLUS",
    "SPEED_IN_FIBRE",
    "SPEED_OF_LIGHT",
    "ClickOutcomes",
    "DistillResult",
    "FidelityEstimate",
    "HeraldedLink",
    "SwapResult",
    "amplitude_damp_dm",
    "amplitude_damping_kraus",
    "apply_kraus_dm",
    "basis_errors",
    "bb84_key_fraction",
    "bbpssw_bd",
    "bbpssw_dm",
    "bell_diagonal_key_fraction",
    "bell_diagonal_to_density",
    "binary_entropy",
    "click_outcomes",
    "compose_bell_index",
    "correlator",
    "dead_time_attempts",
    "dead_time_success",
    "decohere_bd",
    "decohere_dm",
    "dejmps_bd",
    "dejmps_dm",
    "density_to_bell_diagonal",
    "dephase_bd",
    "dephase_dm",
    "dephasing_probabilities",
    "depolarize_bd",
    "depolarize_dm",
    "depolarizing_probabilities",
    "double_click_link",
    "error_weights_from_qber",
    "estimate_fidelity",
    "fibre_delay",
    "fibre_transmissivity",
    "fidelity_bd",
    "fidelity_dm",
    "link_click_outcomes",
    "measure_bd",
    "measure_dm",
    "memory_kraus",
    "memory_parameters",
    "memory_pauli_probabilities",
    "path_transmissivity",
    "pauli_channel_bd",
    "pauli_channel_dm",
    "pauli_frame_bd",
    "pauli_frame_dm",
    "plob_bound",
    "readout_error_distribution",
    "renewal_live_fraction",
    "sample_link_generation",
    "sample_multiplexed_generation",
    "sample_swap_bd",
    "sample_swap_dm",
    "shannon_entropy",
    "single_click_link",
    "six_state_key_fraction",
    "swap_bd",
    "swap_dm",
    "tgw_bound",
    "twirl",
    "werner_bd",
    "werner_fidelity",
    "werner_parameter",
    "werner_twirl_bd",
]
