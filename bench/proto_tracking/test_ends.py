"""The reports-to-the-ends prototype delivers the pairs the physics made, with the right Bell
state claimed: ``python -m pytest -p no:dash -q bench/proto_tracking/test_ends.py``.

The matched chain has ideal memories and gates, so every delivered pair's true fidelity is the
Werner composition of its n-1 raw links; a wrong Bell-state claim drops a pair's fidelity to
about (1 - F) / 3.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import ends  # noqa: E402
from bench_vs_sequence import RAW_FIDELITY, matched_scenario  # noqa: E402
from measure import Traffic  # noqa: E402

from qvcp.reference.sim.network import Network  # noqa: E402

N = 5


def werner_chain(f: float, links: int) -> float:
    """Fidelity of ``links`` Werner pairs of fidelity ``f`` swapped ideally into one."""
    w = (4 * f - 1) / 3
    return (3 * w**links + 1) / 4


def run(doc: dict[str, Any]) -> tuple[Network, Traffic]:
    sink = Traffic()
    with ends.ends_mode():
        net = Network.from_scenario(doc, trace=sink)  # type: ignore[arg-type]
        net.run_until(doc["duration_ns"])
    return net, sink


@pytest.fixture(scope="module")
def lossless() -> tuple[Network, Traffic]:
    return run(matched_scenario(N, 0.12, success_probability=1.0))


def test_every_pair_has_the_physical_fidelity(lossless: tuple[Network, Traffic]) -> None:
    net, _ = lossless
    done = net.completed()
    assert len(done) > 50
    expected = werner_chain(RAW_FIDELITY, N - 1)
    assert all(abs(d.fidelity - expected) < 1e-9 for d in done)
    assert net.check_invariants() == []
    assert net.rejects == []
    assert net.error_counts == {}


def test_one_report_per_router_to_each_end(lossless: tuple[Network, Traffic]) -> None:
    net, sink = lossless
    pairs = len(net.completed())
    outcomes = sink.sent["SWAP_OUTCOME"]
    # 2 (n - 2) per delivered pair; the swaps of pairs still in flight at the end add a few
    assert 2 * (N - 2) * pairs <= outcomes <= 2 * (N - 2) * (pairs + 10)


def test_lossy_duplicating_channels_still_agree_with_the_physics() -> None:
    doc = matched_scenario(N, 0.12, success_probability=0.291)
    doc = copy.deepcopy(doc)
    doc["faults"] = {"loss": 0.01, "duplicate": 0.01, "jitter_ns": 5}
    net, _ = run(doc)
    done = net.completed()
    assert len(done) > 10
    expected = werner_chain(RAW_FIDELITY, N - 1)
    assert all(abs(d.fidelity - expected) < 1e-9 for d in done)
    assert net.check_invariants() == []


def test_a_wrong_composition_shows_as_lost_fidelity(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: claim the own link's state and the fidelity collapses."""
    monkeypatch.setattr(ends, "compose", lambda own, steps: own)
    net, _ = run(matched_scenario(N, 0.11, success_probability=1.0))
    done = net.completed()
    assert done
    assert sum(d.fidelity for d in done) / len(done) < 0.5


@pytest.mark.parametrize("steps, own, expected", [
    ([], 2, 2),                    # one link: its own state
    ([(0, 0)], 1, 0),              # L1 = L2 = PSI_PLUS, m = 0: PSI+ x PSI+ = PHI+
    ([(3, 1), (0, 2)], 0, 3),      # L = 0, 3, 3; m = 1, 2: 0 ^ 3 ^ 3 ^ 1 ^ 2 = 3
    ([(1, 0), (1, 0), (1, 0)], 0, 0),  # L = 0, 1, 0, 1: XOR 0
])
def test_compose_by_hand(steps: list[tuple[int, int]], own: int, expected: int) -> None:
    assert ends.compose(own, steps) == expected


def test_reports_that_overtake_the_confirm_are_kept() -> None:
    """With 10 us per message between nodes, the CONFIRM (hop by hop) reaches the head end
    after the first reports of far routers (one message each); they must not be refused."""
    from measure import instrumented

    r = instrumented(matched_scenario(13, 0.12, success_probability=1.0), "ends",
                     proc_ns=10_000)
    assert r.errors == {}
    assert r.pairs > 50
    assert abs(r.fidelity - werner_chain(RAW_FIDELITY, 12)) < 1e-9


def test_the_reference_is_restored_after_the_block() -> None:
    from qvcp.reference import node as node_module
    from qvcp.reference.engines.swap import SwapEngine
    from qvcp.reference.engines.tracking import EndEngine

    before = node_module.Node._dispatch, node_module.Node._install
    with ends.ends_mode():
        assert node_module.SwapEngine is ends.EndsSwapEngine
        assert node_module.Node._dispatch is not before[0]
    assert node_module.SwapEngine is SwapEngine and node_module.EndEngine is EndEngine
    assert (node_module.Node._dispatch, node_module.Node._install) == before
