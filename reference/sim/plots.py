"""PNG figures of a run: fidelity and rate over time per circuit; of a soak: goodput and
invariant violations against loss rate (matplotlib, Agg)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def plot(net: Any, out_dir: Path) -> list[Path]:
    """Write ``fidelity.png`` and ``rate.png`` into ``out_dir``; returns the paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    by: dict[int, list[Any]] = {}
    for d in net.completed():
        by.setdefault(d.circuit_id, []).append(d)
    requested = {r["request_id"]: r["min_fidelity"] for r in net.requests}
    lowest = 1.0
    paths = []
    fig, ax = plt.subplots(figsize=(7, 4))
    for cid, ds in sorted(by.items()):
        (dots,) = ax.plot([d.time_ns / 1e6 for d in ds], [d.fidelity for d in ds], ".", ms=3,
                          label=f"circuit {cid:#x}")
        f_min = requested.get((ds[0].head or {}).get("request_id"))
        lowest = min(lowest, *(d.fidelity for d in ds), f_min or 1.0)
        if f_min:  # the QoS the pairs must meet (DLV-022.2), same colour, dashed
            ax.axhline(f_min, color=dots.get_color(), ls="--", lw=0.8,
                       label=f"requested minimum {cid:#x}")
    ax.set(xlabel="time (ms)", ylabel="fidelity at delivery (true)",
           title="Delivered fidelity")
    ax.set_ylim(bottom=max(0.0, lowest - 0.02), top=1.0)
    ax.legend(fontsize=7)
    paths.append(out_dir / "fidelity.png")
    fig.savefig(paths[-1], dpi=120)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(7, 4))
    for cid, ds in sorted(by.items()):
        t = np.array([d.time_ns for d in ds]) / 1e6
        window = max(t[-1] / 20, 1e-3) if len(t) else 1.0
        edges = np.arange(0, (t[-1] if len(t) else 0) + window, window)
        counts, _ = np.histogram(t, bins=edges) if len(edges) > 1 else (np.array([]), edges)
        ax.step(edges[1:], counts / (window / 1e3), where="post", label=f"circuit {cid:#x}")
    ax.set(xlabel="time (ms)", ylabel="pairs / s", title="Delivery rate")
    ax.legend(fontsize=7)
    paths.append(out_dir / "rate.png")
    fig.savefig(paths[-1], dpi=120)
    plt.close(fig)
    return paths


def plot_soak(rows: Sequence[dict[str, Any]], out_dir: Path) -> list[Path]:
    """Figures of a soak (rows of :func:`.soak.aggregate`) in ``out_dir``:
    ``soak-goodput.png``, goodput against loss rate, one line per scenario with 95% CI error
    bars, y from 0; ``soak-violations.png``, violations per run and the share of runs with a
    violation against loss rate. Returns the paths."""
    import math

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    by: dict[str, list[dict[str, Any]]] = {}
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
