"""The figures' data: windows ``[start, end)`` from time 0, hand-computed counts, rates,
Poisson bands and fidelity standard errors; y axes from 0; the requested QoS as dashed
lines; a clear usage error when matplotlib (the ``plot`` extra) is missing."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from click.testing import CliRunner

from qvcp.reference.sim.network import Delivery
from qvcp.reference.sim.plots import (
    MissingPlotExtra,
    fidelity_series,
    rate_series,
    require_matplotlib,
)

SCENARIO = Path(__file__).parents[2] / "schemas" / "scenarios" / "chain-3.yaml"
# 4 windows of 1 ms over [0, 4 ms): a time on an edge opens the next window, the end belongs
# to the last one.
TIMES = [0, 500_000, 999_999, 1_000_000, 3_500_000, 4_000_000]


def test_rate_windows_start_at_zero_and_count_half_open_intervals() -> None:
    s = rate_series(TIMES, end_ns=4_000_000, windows=4)
    assert s.edges_ms.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert s.counts.tolist() == [3, 1, 0, 2]
    assert s.value.tolist() == pytest.approx([3000.0, 1000.0, 0.0, 2000.0])
    assert s.centres_ms.tolist() == [0.5, 1.5, 2.5, 3.5]


def test_rate_bands_are_exact_poisson_intervals() -> None:
    s = rate_series(TIMES, end_ns=4_000_000, windows=4)
    # no pair in 1 ms: [0, -ln(0.025)] pairs per ms; one pair: Garwood's [0.0253, 5.5716]
    assert (s.low[2], s.high[2]) == pytest.approx((0.0, -math.log(0.025) * 1000))
    assert (s.low[1], s.high[1]) == pytest.approx((25.3, 5571.6), abs=0.05)
    assert np.all(s.low <= s.value) and np.all(s.value <= s.high)


def test_fidelity_windows_have_mean_and_standard_error() -> None:
    times = [100, 200, 1_500_000, 3_000_000, 3_100_000, 3_200_000]
    f = [0.8, 0.9, 0.7, 0.9, 0.9, 0.9]
    s = fidelity_series(times, f, end_ns=4_000_000, windows=4)
    assert s.counts.tolist() == [2, 1, 0, 3]
    assert s.value[0] == pytest.approx(0.85)
    # sd of (0.8, 0.9) = 0.0707..., standard error 0.05, 95% half-width 1.96 * 0.05
    assert (s.low[0], s.high[0]) == pytest.approx((0.85 - 0.098, 0.85 + 0.098), abs=1e-4)
    assert s.value[1] == pytest.approx(0.7) and math.isnan(s.low[1])  # one pair: no spread
    assert math.isnan(s.value[2])  # no pair
    assert (s.low[3], s.value[3], s.high[3]) == pytest.approx((0.9, 0.9, 0.9))


@pytest.mark.parametrize(("times", "end_ns", "windows"), [
    ([5], 4, 2), ([-1], 4, 2), ([1], 0, 2), ([1], 4, 0)])
def test_impossible_windows_are_value_errors(times: list[int], end_ns: int,
                                             windows: int) -> None:
    with pytest.raises(ValueError, match=r"need|outside"):
        rate_series(times, end_ns=end_ns, windows=windows)


def _net() -> SimpleNamespace:
    head = {"request_id": 1}
    ds = [Delivery(circuit_id=0x10001, pair_id=i, head=head, tail={}, time_ns=t, fidelity=0.9)
          for i, t in enumerate(TIMES)]
    return SimpleNamespace(now=4_000_000, completed=lambda: ds,
                           requests=[{"request_id": 1, "min_fidelity": 0.8, "min_rate": 1500.0}])


def test_figures_draw_the_windows_from_zero_and_the_requested_qos() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from qvcp.reference.sim.plots import figures

    figs = figures(_net(), windows=4)
    try:
        rate_ax, fid_ax = figs["rate"].axes[0], figs["fidelity"].axes[0]
        assert rate_ax.get_ylim()[0] == 0.0 and fid_ax.get_ylim() == (0.0, 1.0)
        line, band = rate_ax.patches[:2]  # the rate's steps, then its band
        values, edges, _ = line.get_data()
        assert edges.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
        assert values.tolist() == pytest.approx([3000.0, 1000.0, 0.0, 2000.0])
        high, _, low = band.get_data()
        assert high[1] == pytest.approx(5571.6, abs=0.05) and low[2] == 0.0
        dashed = {ax: [ln.get_ydata()[0] for ln in ax.lines if ln.get_linestyle() == "--"]
                  for ax in (rate_ax, fid_ax)}
        assert dashed == {rate_ax: [1500.0], fid_ax: [0.8]}
    finally:
        for fig in figs.values():
            plt.close(fig)


def test_without_matplotlib_plots_are_a_usage_error_naming_the_extra(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from qvcp.reference.cli import simulate
    from qvcp.reference.soak_cli import soak

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    with pytest.raises(MissingPlotExtra, match=r"pip install 'qvcp\[plot\]'"):
        require_matplotlib()
    for command, args in ((simulate, [str(SCENARIO)]), (soak, ["--seeds", "1"])):
        res = CliRunner().invoke(command, [*args, "--plot", str(tmp_path / "figs")])
        assert res.exit_code == 2, res.output
        assert "--plot" in res.output and "pip install 'qvcp[plot]'" in res.output
        assert "Traceback" not in res.output
    assert not (tmp_path / "figs").exists()  # refused before anything ran
