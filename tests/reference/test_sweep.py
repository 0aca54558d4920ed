"""``qvcp sweep``: a grid over scenario fields and seeds gives the same results on one worker
and on a two-worker Dask ``LocalCluster``; bad grids are usage errors naming ``--grid``."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from qvcp.reference import sweep as sweep_module
from qvcp.reference.sweep import (
    GridError,
    _mean_ci,
    apply_grid,
    parse_grid,
    points,
    run_seed,
    sweep,
)

SCENARIO = Path(__file__).parents[2] / "schemas" / "scenarios" / "chain-3.yaml"
SMALL = ["--grid", "links.0.distance_km=1,20", "--seeds", "2", "--duration", "20000000",
         "--no-plots", "-q"]


def _doc() -> dict:
    return yaml.safe_load(SCENARIO.read_text())


def test_grid_values_are_yaml_scalars_and_points_are_the_product() -> None:
    grid = parse_grid(["links.0.distance_km=1,2.5", "options.measure_basis=z,cycle"])
    assert grid == {"links.0.distance_km": [1, 2.5], "options.measure_basis": ["z", "cycle"]}
    assert points(grid) == [
        {"links.0.distance_km": 1, "options.measure_basis": "z"},
        {"links.0.distance_km": 1, "options.measure_basis": "cycle"},
        {"links.0.distance_km": 2.5, "options.measure_basis": "z"},
        {"links.0.distance_km": 2.5, "options.measure_basis": "cycle"},
    ]


def test_apply_grid_sets_fields_by_dotted_path_on_a_copy() -> None:
    doc = _doc()
    out = apply_grid(doc, {"links.1.distance_km": 42, "options.fast_forward": False})
    assert out["links"][1]["distance_km"] == 42 and out["options"]["fast_forward"] is False
    assert doc["links"][1]["distance_km"] == 5 and "fast_forward" not in doc["options"]


@pytest.mark.parametrize("params", [{"links.9.distance_km": 1}, {"nope.x": 1},
                                    {"seed.x": 1}, {"links.a.distance_km": 1}])
def test_apply_grid_refuses_a_path_the_scenario_lacks(params: dict) -> None:
    with pytest.raises(GridError):
        apply_grid(_doc(), params)


def test_a_run_seed_depends_on_the_point_and_index_only() -> None:
    a = run_seed(7, {"x": 1, "y": 2}, 0)
    assert a == run_seed(7, {"y": 2, "x": 1}, 0)
    assert len({a, run_seed(7, {"x": 1, "y": 2}, 1), run_seed(7, {"x": 2, "y": 2}, 0),
                run_seed(8, {"x": 1, "y": 2}, 0)}) == 4


def test_the_interval_is_student_t() -> None:
    stats = _mean_ci([1.0, 2.0, 3.0])
    half = 4.302652729911275 / 3 ** 0.5  # t(0.975, 2 df) * sd 1 / sqrt(3)
    assert stats["mean"] == pytest.approx(2.0)
    assert stats["ci95"] == pytest.approx([2.0 - half, 2.0 + half])
    assert _mean_ci([5.0])["ci95"] == [None, None] and _mean_ci([])["mean"] is None


def _run(tmp_path: Path, name: str, *extra: str) -> dict:
    out = tmp_path / name
    res = CliRunner().invoke(sweep, [str(SCENARIO), *SMALL, "--out", str(out), *extra])
    assert res.exit_code == 0, res.output
    return json.loads((out / "sweep.json").read_text())


def test_two_workers_give_the_one_worker_results(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    one = _run(tmp_path, "one", "--workers", "1")
    two = _run(tmp_path, "two", "--workers", "2")
    assert one["workers"] == 1 and two["workers"] == 2
    assert one["runs"] == two["runs"] and one["points"] == two["points"]
    assert [(r["params"]["links.0.distance_km"], r["seed_index"]) for r in one["runs"]] == [
        (1, 0), (1, 1), (20, 0), (20, 1)]
    # the grid reached the runs: a longer first link is slower
    near, far = (p["rate_per_s"]["mean"] for p in one["points"])
    assert near > far > 0
    with (tmp_path / "one" / "sweep.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [r["links.0.distance_km"] for r in rows] == ["1", "20"]
    assert float(rows[0]["rate_low"]) <= float(rows[0]["rate_per_s"]) <= float(
        rows[0]["rate_high"])


def test_the_same_command_runs_on_a_cluster_given_its_address(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    one = _run(tmp_path, "one", "--workers", "1")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        remote = _run(tmp_path, "remote", "--scheduler", address)
    assert remote["workers"] == address
    assert remote["runs"] == one["runs"] and remote["points"] == one["points"]


@pytest.mark.parametrize("grid", [
    "links.0.distance_km",          # no values
    "=1,2",                         # no path
    "links.0.distance_km=1,,2",     # empty value
    "links.0.distance_km=1,1",      # repeated value
    "links.7.distance_km=1",        # no such link
    "options.nope.x=1",             # no such mapping
    "links.0.distance_km=-3",       # the schema refuses it
    "links.0.distance_km=[1]",      # not a scalar
])
def test_a_bad_grid_is_a_usage_error_naming_the_option(tmp_path: Path, grid: str) -> None:
    res = CliRunner().invoke(sweep, [str(SCENARIO), "--grid", grid, "--out", str(tmp_path),
                                     "--workers", "1", "--no-plots"])
    assert res.exit_code == 2, res.output
    assert "--grid" in res.output and "Traceback" not in res.output
    assert isinstance(res.exception, SystemExit)
    assert not (tmp_path / "sweep.json").exists()


def test_a_repeated_path_and_conflicting_options_are_usage_errors(tmp_path: Path) -> None:
    res = CliRunner().invoke(sweep, [str(SCENARIO), "--grid", "seed=1", "--grid", "seed=2",
                                     "--out", str(tmp_path)])
    assert res.exit_code == 2 and "--grid" in res.output and "twice" in res.output
    res = CliRunner().invoke(sweep, [str(SCENARIO), "--workers", "2", "--scheduler",
                                     "tcp://127.0.0.1:1", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "--workers" in res.output


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has imported after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                         text=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_importing_the_simulator_leaves_jsonschema_to_the_validation() -> None:
    # jsonschema's import can cost a second of CPU (its format checkers' optional packages),
    # paid by every process that runs the simulator, sweep workers included
    assert "jsonschema" not in _modules_after("import qvcp.reference.sim.network")
    assert "jsonschema" in _modules_after(
        "from qvcp.reference.sim.scenario import load_scenario\n"
        f"load_scenario({str(SCENARIO)!r})")


def test_one_worker_runs_without_dask_or_scipy_stats(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    loaded = _modules_after(
        "from qvcp.reference.sweep import sweep\n"
        f"sweep.main([{str(SCENARIO)!r}, '--seeds', '2', '--duration', '1000000', "
        f"'--workers', '1', '--no-plots', '-q', '--out', {str(tmp_path)!r}], "
        "standalone_mode=False)")
    assert json.loads((tmp_path / "sweep.json").read_text())["points"][0]["runs"] == 2
    assert "distributed" not in loaded and "scipy.stats" not in loaded


def test_local_workers_are_forked_on_linux_unless_dask_is_told_otherwise(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")  # registers Dask's default start method
    import dask

    monkeypatch.delenv(sweep_module._START_METHOD_VARIABLE, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert sweep_module._fork_workers()
    with dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"}):
        assert not sweep_module._fork_workers()
    monkeypatch.setenv(sweep_module._START_METHOD_VARIABLE, "spawn")
    assert not sweep_module._fork_workers()
    monkeypatch.delenv(sweep_module._START_METHOD_VARIABLE)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not sweep_module._fork_workers()
