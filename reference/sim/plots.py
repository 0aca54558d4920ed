"""PNG figures of a run: fidelity and rate over time per circuit (matplotlib, Agg)."""

from __future__ import annotations

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
        if f_min:  # the QoS the pairs must meet (DLV-022), same colour, dashed
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
