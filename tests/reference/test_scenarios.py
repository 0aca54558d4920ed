"""Example scenarios run, respect the invariants, and bad input gives typed errors."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from qvcp.reference.cli import simulate
from qvcp.reference.sim.network import Network
from qvcp.reference.sim.scenario import ScenarioError, load_scenario

SCEN = Path(__file__).parents[2] / "schemas" / "scenarios"


@pytest.mark.parametrize("name,until", [("chain-3", 5 * 10**7), ("chain-9", 2 * 10**7)])
def test_example_scenarios_invariants(name: str, until: int) -> None:
    """DLV-020, DLV-021, SIG-030: agreement, no late delivery, memory free after teardown."""
    net = Network.from_scenario(SCEN / f"{name}.yaml", strict=True)
    net.run_until(until)
    assert net.completed()
    assert net.check_invariants() == []


def test_chain3_runs_to_completion_and_frees_memory() -> None:
    net = Network.from_scenario(SCEN / "chain-3.yaml")
    net.run_until(2 * 10**8)
    assert len(net.completed()) >= 195
    assert sum(net.memory_in_use().values()) == 0


def test_cli_json_and_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(simulate, [str(SCEN / "chain-3.yaml"), "--json", "--duration",
                                   "5000000", "--plot", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert '"pairs_delivered"' in res.output and (tmp_path / "fidelity.png").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nnodes: [{name: A, role: end}, {name: B, role: end}]\n"
                   "links: [{a: A, b: Z, distance_km: 1}]\ndemands: []\n")
    res = runner.invoke(simulate, [str(bad)])
    assert res.exit_code == 2 and "links[0].b" in res.output
    assert "Traceback" not in res.output


def test_scenario_errors_name_the_field() -> None:
    doc = load_scenario(SCEN / "chain-3.yaml")
    doc = {**doc, "demands": [{"head": "A", "tail": "nowhere", "num_pairs": 1}]}
    with pytest.raises(ScenarioError) as exc:
        load_scenario(doc)
    assert exc.value.field == "demands[0].tail"
