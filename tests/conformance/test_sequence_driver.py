"""SeQUeNCe 0.8.5 judged by the network profile (``--driver sequence``, docs/sequence.md).

The translation of a scenario is checked without SeQUeNCe; the runs through the harness need
the ``sequence`` package and are skipped without it (it is not part of the default set-up).
"""

from __future__ import annotations

import importlib.util

import pytest

from qvcp.conformance.cases import Verdict
from qvcp.conformance.conform import run_conformance
from qvcp.conformance.drivers.sequence_driver import Unsupported, translate
from qvcp.conformance.network_cases import chain

needs_sequence = pytest.mark.skipif(
    importlib.util.find_spec("sequence") is None,
    reason='SeQUeNCe is not installed: pip install -e ".[sequence]" (sequence==0.8.5)')


def test_a_werner_chain_becomes_routers_bsm_nodes_and_channels() -> None:
    built = translate(chain(0.95, 0.4, cutoff_ns=3000), seed=5, formalism="ket_vector",
                      until_ns=10**6)
    cfg = built["config"]
    assert [n["name"] for n in cfg["nodes"]] == ["H", "M", "T"]
    assert all(n["type"] == "QuantumRouter" and n["memo_size"] == 4 for n in cfg["nodes"])
    memory = cfg["templates"]["t_M"]["MemoryArray"]
    assert memory["fidelity"] == 0.95
    assert memory["frequency"] == 1e6  # one attempt per 1000 ns preparation
    assert memory["coherence_time"] == pytest.approx(3e-6)  # the cutoff, as SeQUeNCe's expiry
    assert [(q["node1"], q["node2"], q["distance"], q["attenuation"])
            for q in cfg["qconnections"]] == [("H", "M", 100.0, 0.0), ("M", "T", 100.0, 0.0)]
    # Barrett-Kok heralds with eta^2 / 2: eta = sqrt(0.8) for p = 0.4
    assert built["detector_efficiency"] == {"BSM.H.M": pytest.approx(0.894427191),
                                            "BSM.M.T": pytest.approx(0.894427191)}
    # classical delays over the fibre path at 0.2 m/ns, in ps: 500 ns per 100 m link
    delays = {(c["node1"], c["node2"]): c["delay"] for c in cfg["cconnections"]}
    assert delays == {("H", "M"): 500_000, ("H", "T"): 1_000_000, ("M", "T"): 500_000}
    assert cfg["stop_time"] == 10**9 and cfg["formalism"] == "ket_vector"


@pytest.mark.parametrize(("change", "word"), [
    ({"t2_s": 1e-3}, "t2_s"),
    ({"profile": "trapped_ion"}, "t2_s"),
    ({"gate_fidelity": 0.99}, "gate_fidelity"),
])
def test_what_sequence_cannot_express_is_unsupported(change: dict, word: str) -> None:
    scenario = chain(0.95, 0.4)
    scenario["nodes"][1].update(change)
    with pytest.raises(Unsupported, match=word):
        translate(scenario, seed=1, formalism="ket_vector", until_ns=10**6)


def test_success_probability_above_one_half_and_other_models_are_unsupported() -> None:
    with pytest.raises(Unsupported, match=r"success_probability 0\.6"):
        translate(chain(0.95, 0.6), seed=1, formalism="ket_vector", until_ns=10**6)
    scenario = chain(0.95, 0.4)
    scenario["links"][0]["model"] = "double_click"
    with pytest.raises(Unsupported, match="double_click"):
        translate(scenario, seed=1, formalism="ket_vector", until_ns=10**6)
    scenario = chain(0.95, 0.4)
    scenario["links"][0]["fidelity"] = 0.9  # M's two links differ: one raw fidelity per node
    with pytest.raises(Unsupported, match="node M"):
        translate(scenario, seed=1, formalism="ket_vector", until_ns=10**6)


@needs_sequence
def test_ket_formalism_passes_pair_agreement_and_noiseless_correlations() -> None:
    run = run_conformance("sequence", selectors=("network.pair-agreement",
                                                 "network.noiseless-correlations"),
                          timeout=30)
    assert run.startup_error == "", run.startup_error
    verdicts = {r.case.id: (r.verdict, r.message) for r in run.results}
    assert verdicts == {"network.pair-agreement": (Verdict.PASS, ""),
                        "network.noiseless-correlations": (Verdict.PASS, "")}
    assert run.implementation is not None
    assert run.implementation.name == "sequence (ket_vector)"
    assert run.implementation.profiles == frozenset({"network"})


@needs_sequence
def test_density_matrix_formalism_fails_noiseless_correlations() -> None:
    """SeQUeNCe 0.8.5's single-atom BSM compares a density matrix with |Phi+><Psi+| where
    |Psi+><Psi+| is meant, so half its links are heralded in the wrong Bell state: the
    X and Y parities of noiseless pairs disagree with the reported state (docs/sequence.md)."""
    run = run_conformance("sequence-dm", selectors=("network.noiseless-correlations",),
                          timeout=30)
    (result,) = run.results
    assert result.verdict is Verdict.FAIL
    assert "the reported Bell state is not the pair's state" in result.message


@needs_sequence
def test_a_run_the_harness_gave_up_on_is_stopped_by_the_next_driver() -> None:
    """network.cutoff delivers nothing and would simulate 200 ms (minutes of wall time): after
    its timeout the fresh driver of the next case stops it, instead of letting it slow the
    rest of the run."""
    from qvcp.conformance.drivers import sequence_driver

    run = run_conformance("sequence", selectors=("network.cutoff",
                                                 "network.teardown-frees-memory"), timeout=2)
    verdicts = {r.case.id: r.verdict for r in run.results}
    assert verdicts == {"network.cutoff": Verdict.ERRORED,
                        "network.teardown-frees-memory": Verdict.PASS}
    assert not sequence_driver._RUNNING
