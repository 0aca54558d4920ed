"""PNG figures of a run: fidelity and rate over time per circuit; of a soak: goodput and
invariant violations against loss rate (matplotlib, Agg: the ``plot`` extra).

What the figures show is computed by pure functions, tested on their own:
:func:`rate_series` bins delivery times into windows ``[start, end)`` with an exact Poisson
interval per window; :func:`fidelity_series` gives the mean fidelity per window with its
standard error. Both figures start their y axis at 0 and draw what the circuit asked for
(``min_fidelity``, ``min_rate``) as dashed lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "PLOT_EXTRA_HINT",
    "MissingPlotExtra",
    "Series",
    "fidelity_series",
    "figures",
    "plot",
    "plot_soak",
    "rate_series",
    "require_matplotlib",
]

PLOT_EXTRA_HINT = "figures need matplotlib: pip install 'qvcp[plot]'"
#: z of a two-sided 95% normal interval (the fidelity bands)
_Z95 = 1.959963984540054


class MissingPlotExtra(RuntimeError):
    """matplotlib (the ``plot`` extra) is not installed."""


def require_matplotlib() -> None:
    """Raise :class:`MissingPlotExtra` unless matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise MissingPlotExtra(PLOT_EXTRA_HINT) from None


def _pyplot() -> Any:
    require_matplotlib()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


@dataclass(frozen=True)
class Series:
    """Values per time window: window ``i`` spans ``[edges_ms[i], edges_ms[i + 1])``."""

    edges_ms: np.ndarray
    counts: np.ndarray
    value: np.ndarray
    low: np.ndarray
    high: np.ndarray

    @property
    def centres_ms(self) -> np.ndarray:
        return (self.edges_ms[:-1] + self.edges_ms[1:]) / 2


def _edges_ns(end_ns: int, windows: int) -> np.ndarray:
    if end_ns <= 0 or windows <= 0:
        raise ValueError(f"need end_ns > 0 and windows > 0, got {end_ns}, {windows}")
    return np.linspace(0.0, float(end_ns), windows + 1)


def _window_index(times_ns: Sequence[int], edges_ns: np.ndarray) -> np.ndarray:
    """The window of each time; a time equal to the end falls in the last window."""
    t = np.asarray(times_ns, dtype=float)
    if t.size and (t.min() < 0 or t.max() > edges_ns[-1]):
        raise ValueError("times outside [0, end_ns]")
    return np.minimum(np.searchsorted(edges_ns, t, side="right") - 1, len(edges_ns) - 2)


def rate_series(times_ns: Sequence[int], *, end_ns: int, windows: int = 20,
                confidence: float = 0.95) -> Series:
    """Pairs per second in ``windows`` equal windows over ``[0, end_ns)``, with the exact
    (Garwood) Poisson interval of each window's count."""
    from scipy.special import gammaincinv

    edges = _edges_ns(end_ns, windows)
    counts = np.bincount(_window_index(times_ns, edges), minlength=windows)
    width_s = float(end_ns) / windows / 1e9
    alpha = 1.0 - confidence
    low = np.where(counts > 0, gammaincinv(np.maximum(counts, 1), alpha / 2), 0.0)
    high = gammaincinv(counts + 1, 1.0 - alpha / 2)
    return Series(edges / 1e6, counts, counts / width_s, low / width_s, high / width_s)


def fidelity_series(times_ns: Sequence[int], fidelities: Sequence[float], *, end_ns: int,
                    windows: int = 20) -> Series:
    """Mean fidelity per window over ``[0, end_ns)`` with ``mean -+ 1.96`` standard errors
    (sample standard deviation over the root of the count); NaN where a window has fewer
    than two pairs (no spread to estimate) or none."""
    edges = _edges_ns(end_ns, windows)
    index = _window_index(times_ns, edges)
    f = np.asarray(fidelities, dtype=float)
    counts = np.bincount(index, minlength=windows)
    mean = np.full(windows, np.nan)
    half = np.full(windows, np.nan)
    for i in np.flatnonzero(counts):
        values = f[index == i]
        mean[i] = values.mean()
        if values.size > 1:
            half[i] = _Z95 * values.std(ddof=1) / np.sqrt(values.size)
    return Series(edges / 1e6, counts, mean, mean - half, mean + half)


def _requested(net: Any) -> dict[int, dict[str, Any]]:
    return {r["request_id"]: r for r in net.requests}


def _stairs_band(ax: Any, s: Series, colour: str) -> None:
    ax.stairs(s.high, s.edges_ms, baseline=s.low, fill=True, color=colour, alpha=0.2, lw=0)


def figures(net: Any, *, windows: int = 20, end_ns: int | None = None) -> dict[str, Any]:
    """The run's figures (``fidelity``, ``rate``) as matplotlib figures, not yet saved; the
    windows cover ``[0, end_ns)``, by default up to the simulator's clock."""
    plt = _pyplot()
    by: dict[int, list[Any]] = {}
    for d in net.completed():
        by.setdefault(d.circuit_id, []).append(d)
    requested = _requested(net)
    end_ns = max([int(net.now if end_ns is None else end_ns), 1,
                  *(d.time_ns for ds in by.values() for d in ds)])
    fig_f, ax_f = plt.subplots(figsize=(7, 4))
    fig_r, ax_r = plt.subplots(figsize=(7, 4))
    for cid, ds in sorted(by.items()):
        times = [d.time_ns for d in ds]
        request = requested.get((ds[0].head or {}).get("request_id"), {})
        (dots,) = ax_f.plot([t / 1e6 for t in times], [d.fidelity for d in ds], ".", ms=3,
                            alpha=0.5, label=f"circuit {cid:#x}")
        colour = dots.get_color()
        fs = fidelity_series(times, [d.fidelity for d in ds], end_ns=end_ns, windows=windows)
        ax_f.stairs(fs.value, fs.edges_ms, baseline=None, color=colour, lw=1.2,
                    label=f"mean per window {cid:#x}")
        _stairs_band(ax_f, fs, colour)
        if request.get("min_fidelity"):  # the QoS the pairs must meet (DLV-022.2)
            ax_f.axhline(request["min_fidelity"], color=colour, ls="--", lw=0.8,
                         label=f"requested min_fidelity {cid:#x}")
        rs = rate_series(times, end_ns=end_ns, windows=windows)
        ax_r.stairs(rs.value, rs.edges_ms, baseline=None, color=colour,
                    label=f"circuit {cid:#x}")
        _stairs_band(ax_r, rs, colour)
        if request.get("min_rate"):  # pairs / s the circuit asked for
            ax_r.axhline(request["min_rate"], color=colour, ls="--", lw=0.8,
                         label=f"requested min_rate {cid:#x}")
    ax_f.set(xlabel="time (ms)", ylabel="fidelity at delivery (true)",
             title="Delivered fidelity (band: mean -+ 1.96 standard errors)")
    ax_f.set_ylim(0.0, 1.0)
    ax_r.set(xlabel="time (ms)", ylabel="pairs / s",
             title="Delivery rate (band: exact 95% Poisson interval)")
    ax_r.set_ylim(bottom=0.0)
    for ax in (ax_f, ax_r):
        ax.set_xlim(0.0, end_ns / 1e6)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    return {"fidelity": fig_f, "rate": fig_r}


def plot(net: Any, out_dir: Path) -> list[Path]:
    """Write ``fidelity.png`` and ``rate.png`` into ``out_dir``; returns the paths."""
    plt = _pyplot()
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, fig in figures(net).items():
        paths.append(out_dir / f"{name}.png")
        fig.savefig(paths[-1], dpi=120)
        plt.close(fig)
    return paths


def plot_soak(rows: Sequence[Mapping[str, Any]], out_dir: Path) -> list[Path]:
    """Figures of a soak (rows of :func:`.soak.aggregate`) in ``out_dir``:
    ``soak-goodput.png``, goodput against loss rate, one line per scenario with 95% CI error
    bars, y from 0; ``soak-violations.png``, violations per run and the share of runs with a
    violation against loss rate. Returns the paths."""
    import math

    plt = _pyplot()
    out_dir.mkdir(parents=True, exist_ok=True)
    by: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        by.setdefault(r["scenario"], []).append(r)
    paths = []
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, rs in sorted(by.items()):
        rs = sorted(rs, key=lambda r: r["loss"])
        ax.errorbar([r["loss"] for r in rs], [r["goodput_per_s"] for r in rs],
                    yerr=[0 if math.isnan(r["goodput_ci95"]) else r["goodput_ci95"] for r in rs],
                    marker="o", capsize=3, label=name)
    ax.set(xlabel="message loss rate", ylabel="pairs delivered at both ends / simulated s",
           title="Goodput under faults (95% CI)")
    ax.set_ylim(bottom=0)
    ax.legend()
    paths.append(out_dir / "soak-goodput.png")
    fig.savefig(paths[-1], dpi=120)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, rs in sorted(by.items()):
        rs = sorted(rs, key=lambda r: r["loss"])
        (line,) = ax.plot([r["loss"] for r in rs],
                          [sum(r["violations"].values()) / r["runs"] for r in rs], marker="o",
                          label=f"{name}: violations per run")
        ax.plot([r["loss"] for r in rs], [r["runs_with_violations"] / r["runs"] for r in rs],
                marker="x", ls="--", color=line.get_color(),
                label=f"{name}: share of runs with a violation")
    ax.set(xlabel="message loss rate", ylabel="per run", title="Invariant violations")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7)
    paths.append(out_dir / "soak-violations.png")
    fig.savefig(paths[-1], dpi=120)
    plt.close(fig)
    return paths
