"""``qvcp sweep SCENARIO``: a scenario over seeds and a parameter grid, aggregated per point.

Every grid point (one value per ``--grid`` path) runs ``--seeds`` times. Each run's seed is
derived from the point and the seed index alone (:func:`run_seed`), never from which worker
ran it, and the results are sorted by point and seed index: a sweep gives the same numbers on
one core, on every local core or on a Dask cluster (``--scheduler``). The distribution is
dask.distributed's (the ``sweep`` extra): a ``LocalCluster`` of ``--workers`` processes, or
the cluster at ``--scheduler``, whose workers need QVCP installed.

A run is summarised by :func:`qvcp.reference.sim.summary.summarise`, as ``qvcp simulate``
does; its rate is the sum of its circuits' ``rate_per_s`` and its fidelity the summary's
``mean_fidelity``. Per point: the mean and the 95% Student-t interval of both over the seeds.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import itertools
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
import yaml

__all__ = ["GridError", "aggregate", "apply_grid", "parse_grid", "points", "run_one",
           "run_seed", "sweep", "sweep_runs"]

SWEEP_EXTRA_HINT = "needs dask.distributed: pip install 'qvcp[sweep]'"
#: the local cluster's Dask configuration (its workers get it from this process). The
#: statistical profiler samples the simulator's deep stacks every 10 ms and slows the runs
#: down: off. The event loop of every worker, nanny and the scheduler wakes every 20 ms to time
#: itself, every 100 ms to read memory use and every 500 ms for system metrics, in CPU taken
#: from the runs: once a second (the memory limit is still enforced, a second late at most)
_LOCAL_SETTINGS: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "1s",
}
#: Dask's setting of how worker processes start; set, it overrides the forked local workers
_START_METHOD_VARIABLE = "DASK_DISTRIBUTED__WORKER__MULTIPROCESSING_METHOD"


class GridError(ValueError):
    """A ``--grid`` item that cannot apply to the scenario."""


def parse_grid(items: Sequence[str]) -> dict[str, list[Any]]:
    """``["links.0.distance_km=1,5,10"]`` -> ``{"links.0.distance_km": [1, 5, 10]}``.

    Values are read as YAML scalars (``5`` an int, ``0.5`` a float, ``true`` a bool).
    """
    grid: dict[str, list[Any]] = {}
    for item in items:
        path, sep, values = item.partition("=")
        path = path.strip()
        if not sep or not path:
            raise GridError(f"{item!r}: expected PATH=V1,V2,... (e.g. links.0.distance_km=1,5)")
        if path in grid:
            raise GridError(f"{path!r} is given twice")
        parsed = []
        for text in values.split(","):
            if not text.strip():
                raise GridError(f"{item!r}: empty value")
            try:
                value = yaml.safe_load(text)
            except yaml.YAMLError:
                value = text.strip()
            if isinstance(value, dict | list):
                raise GridError(f"{item!r}: {text!r} is not a scalar")
            parsed.append(value)
        if len(set(map(repr, parsed))) != len(parsed):
            raise GridError(f"{item!r}: a value is repeated")
        grid[path] = parsed
    return grid


def apply_grid(doc: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """A copy of scenario ``doc`` with each dotted path of ``params`` set to its value.

    A path goes through mappings by key and lists by index; its last key may be new (an
    option the scenario leaves at its default), every other step must exist.
    """
    out = copy.deepcopy(doc)
    for path, value in params.items():
        keys = path.split(".")
        node: Any = out
        for depth, key in enumerate(keys):
            last = depth == len(keys) - 1
            where = ".".join(keys[:depth + 1])
            if isinstance(node, list):
                if not key.isdigit() or int(key) >= len(node):
                    raise GridError(f"{path!r}: {where} is not an index of a list of "
                                    f"{len(node)}")
                if last:
                    node[int(key)] = value
                else:
                    node = node[int(key)]
            elif isinstance(node, dict):
                if last:
                    node[key] = value
                elif key not in node:
                    raise GridError(f"{path!r}: the scenario has no {where}")
                else:
                    node = node[key]
            else:
                raise GridError(f"{path!r}: {'.'.join(keys[:depth])} is a value, not a "
                                "mapping or a list")
    return out


def points(grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, the first path varying slowest."""
    return [dict(zip(grid, combo, strict=True)) for combo in itertools.product(*grid.values())]


def run_seed(base_seed: int, params: dict[str, Any], index: int) -> int:
    """The seed of run ``index`` at the point ``params``: a function of the point and the
    index only (not of the worker, nor of the order runs finish in)."""
    key = json.dumps([base_seed, sorted(params.items()), index], default=str)
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big")


def run_one(doc: dict[str, Any], seed: int, duration_ns: int) -> dict[str, Any]:
    """Run one scenario with ``seed`` for ``duration_ns`` and return its sweep record."""
    from .sim.network import Network
    from .sim.summary import summarise

    net = Network.from_scenario(doc, seed=seed)
    net.run_until(duration_ns)
    summary = summarise(net, name=doc["name"], sim_ns=duration_ns, wall_s=0.0)
    return {"seed": seed, "pairs": summary["pairs_delivered"],
            "rate_per_s": sum(c["rate_per_s"] for c in summary["circuits"]),
            "mean_fidelity": summary["mean_fidelity"], "events": summary["events"],
            "invariant_violations": len(summary["invariant_violations"])}


def _run_task(task: tuple[int, int, dict[str, Any], int, int]) -> tuple[int, int, dict[str, Any]]:
    point, index, doc, seed, duration_ns = task
    return point, index, run_one(doc, seed, duration_ns)


def _mean_ci(values: Sequence[float]) -> dict[str, Any]:
    """Mean and 95% Student-t interval (NaN bounds below two values) of ``values``."""
    from scipy.special import stdtrit  # scipy.stats.t.ppf's own, without scipy.stats' import

    n = len(values)
    if n == 0:
        return {"mean": None, "ci95": [None, None], "n": 0}
    mean = math.fsum(values) / n
    if n < 2:
        return {"mean": mean, "ci95": [None, None], "n": n}
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(stdtrit(n - 1, 0.975)) * sd / math.sqrt(n)
    return {"mean": mean, "ci95": [mean - half, mean + half], "n": n}


def aggregate(params: list[dict[str, Any]], runs: list[list[dict[str, Any]]]) -> list[dict]:
    """Per point: its parameters, and the mean and 95% interval of rate and fidelity over
    its runs (a run that delivered no pair has no fidelity and is left out of it)."""
    return [{"params": p, "runs": len(rs),
             "rate_per_s": _mean_ci([r["rate_per_s"] for r in rs]),
             "fidelity": _mean_ci([r["mean_fidelity"] for r in rs
                                   if r["mean_fidelity"] is not None]),
             "pairs": _mean_ci([float(r["pairs"]) for r in rs])}
            for p, rs in zip(params, runs, strict=True)]


def sweep_runs(tasks: list[tuple[int, int, dict[str, Any], int, int]], *, workers: int,
               scheduler: str | None,
               on_done: Callable[[], None] | None = None) -> list[tuple[int, int, dict]]:
    """Run every task, in this process (one worker, no scheduler) or with dask.distributed;
    the results come back sorted by (point, seed index) whatever order they finish in."""
    done: list[tuple[int, int, dict[str, Any]]] = []
    if scheduler is None and workers == 1:
        for task in tasks:
            done.append(_run_task(task))
            if on_done is not None:
                on_done()
        return sorted(done, key=lambda r: r[:2])
    from distributed import Client, as_completed

    cluster = _local_cluster(workers) if scheduler is None else None
    try:
        with Client(cluster if cluster is not None else scheduler, timeout=20) as client:
            futures = client.map(_run_task, tasks, pure=False)
            for future in as_completed(futures):
                done.append(future.result())
                if on_done is not None:
                    on_done()
    finally:
        if cluster is not None:
            cluster.close()
    return sorted(done, key=lambda r: r[:2])


def _local_cluster(workers: int) -> Any:
    """A dask.distributed ``LocalCluster`` of ``workers`` single-threaded processes.

    Dask spawns its worker processes by default: each starts a new interpreter and imports
    Dask and then the simulator, seconds of CPU per worker before its first run. On Linux,
    this process imports the simulator once and Dask forks the workers from it ready to run
    (not elsewhere: macOS system libraries are not fork-safe, Windows has no fork). A start
    method configured other than Dask's default ``spawn``, or any set in
    ``DASK_DISTRIBUTED__WORKER__MULTIPROCESSING_METHOD``, is kept.
    """
    import logging

    import dask
    from distributed import LocalCluster

    settings = dict(_LOCAL_SETTINGS)
    if _fork_workers():
        from .sim import network, summary  # noqa: F401  (the forked workers inherit them)

        settings["distributed.worker.multiprocessing-method"] = "fork"
    with dask.config.set(settings):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                            dashboard_address=None, silence_logs=logging.ERROR)


def _fork_workers() -> bool:
    """Whether the local workers are forked from this process rather than spawned."""
    import dask
    import distributed  # noqa: F401  (its import sets Dask's default start method)

    return (sys.platform.startswith("linux") and _START_METHOD_VARIABLE not in os.environ
            and dask.config.get("distributed.worker.multiprocessing-method") == "spawn")


def write_csv(path: Path, grid: dict[str, list[Any]], rows: list[dict[str, Any]]) -> None:
    """One line per point: its parameters, then mean, low and high of rate and fidelity."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([*grid, "runs", "rate_per_s", "rate_low", "rate_high",
                         "fidelity", "fidelity_low", "fidelity_high"])
        for row in rows:
            stats = [row["rate_per_s"], row["fidelity"]]
            writer.writerow([*(row["params"][p] for p in grid), row["runs"],
                             *(v for s in stats for v in (s["mean"], *s["ci95"]))])


def write_plots(directory: Path, grid: dict[str, list[Any]], rows: list[dict]) -> list[Path]:
    """Per grid path, one PNG: rate and fidelity (mean, 95% interval) against its values, one
    line per combination of the other paths' values; y axes start at 0 (none without a
    grid)."""
    from .sim.plots import _pyplot

    if not grid:
        return []
    plt = _pyplot()
    written = []
    for path in grid:
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        others = [p for p in grid if p != path]
        groups: dict[tuple, list[dict]] = {}
        for row in rows:
            groups.setdefault(tuple(row["params"][p] for p in others), []).append(row)
        for key, group in groups.items():
            label = ", ".join(f"{p}={v}" for p, v in zip(others, key, strict=True)) or None
            xs = list(range(len(group)))
            for ax, stat in zip(axes, ("rate_per_s", "fidelity"), strict=True):
                mean = [r[stat]["mean"] if r[stat]["mean"] is not None else math.nan
                        for r in group]
                low = [m - (r[stat]["ci95"][0] if r[stat]["ci95"][0] is not None else m)
                       for m, r in zip(mean, group, strict=True)]
                high = [(r[stat]["ci95"][1] if r[stat]["ci95"][1] is not None else m) - m
                        for m, r in zip(mean, group, strict=True)]
                ax.errorbar(xs, mean, yerr=[low, high], marker="o", capsize=3, label=label)
                ax.set_xticks(xs, [str(r["params"].get(path, "")) for r in group])
        for ax, title in zip(axes, ("rate (pairs/s)", "fidelity"), strict=True):
            ax.set_xlabel(path)
            ax.set_ylabel(f"{title}, mean and 95% interval")
            ax.set_ylim(bottom=0)
            if others:
                ax.legend(fontsize="small")
        axes[1].set_ylim(0, 1.02)  # a fidelity lies in [0, 1]
        fig.tight_layout()
        file = directory / f"sweep-{path.replace('.', '_')}.png"
        fig.savefig(file, dpi=100)
        plt.close(fig)
        written.append(file)
    return written


def _dask_available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--grid", "grid_items", multiple=True, metavar="PATH=V1,V2,...",
              help="A scenario field by dotted path and its values (repeatable), e.g. "
                   "links.0.distance_km=1,5,10 or options.cutoff_ns=0,20000000.")
@click.option("--seeds", type=click.IntRange(min=1), default=4, show_default=True,
              help="Runs per grid point, each with its own derived seed.")
@click.option("--seed", "base_seed", type=click.IntRange(min=0), default=None,
              help="Base of the derived seeds [default: the scenario's seed].")
@click.option("--duration", "duration_ns", type=click.IntRange(min=1), default=None,
              help="Simulated ns per run [default: the scenario's duration_ns].")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("sweep"), show_default=True,
              help="Directory for sweep.json, sweep.csv and the PNG plots.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Local worker processes [default: every core].")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="Run on the Dask cluster of this scheduler instead of local processes.")
@click.option("--no-plots", is_flag=True, help="Skip the PNG plots.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def sweep(scenario: Path, grid_items: tuple[str, ...], seeds: int, base_seed: int | None,
          duration_ns: int | None, out_dir: Path, workers: int | None, scheduler: str | None,
          no_plots: bool, quiet: bool) -> None:
    """Run SCENARIO over seeds and a parameter grid; mean and 95% interval per point."""
    from rich.console import Console
    from rich.progress import Progress

    from .sim.scenario import ScenarioError, load_scenario

    console = Console(stderr=True)
    try:
        doc = load_scenario(scenario)
    except ScenarioError as exc:
        raise click.UsageError(f"invalid scenario: {exc}") from None
    try:
        grid = parse_grid(grid_items)
        params = points(grid)
        docs = [apply_grid(doc, p) for p in params]
        for p, d in zip(params, docs, strict=True):
            try:
                load_scenario(d)
            except ScenarioError as exc:
                raise GridError(f"{p}: invalid scenario: {exc}") from None
    except GridError as exc:
        raise click.BadParameter(str(exc), param_hint="'--grid'") from None
    if scheduler is not None and not scheduler.strip():
        raise click.BadParameter("empty address", param_hint="'--scheduler'")
    if scheduler is not None and workers is not None:
        raise click.BadParameter("the cluster decides its workers; give one of --workers "
                                 "and --scheduler", param_hint="'--workers'")
    if (scheduler is not None or workers != 1) and not _dask_available():
        if scheduler is not None:
            raise click.BadParameter(SWEEP_EXTRA_HINT, param_hint="'--scheduler'")
        if (workers or 1) > 1:
            raise click.BadParameter(SWEEP_EXTRA_HINT, param_hint="'--workers'")
        if workers is None:
            console.print(f"dask.distributed is not installed: running on one core "
                          f"({SWEEP_EXTRA_HINT})", highlight=False)
        workers = 1
    workers = workers or os.cpu_count() or 1
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.BadParameter(f"{out_dir}: {exc.strerror or exc}",
                                 param_hint="'--out'") from None
    plots = not no_plots
    if plots:
        from .sim.plots import MissingPlotExtra, require_matplotlib

        try:
            require_matplotlib()
        except MissingPlotExtra as exc:
            console.print(f"no plots: {exc}", highlight=False)
            plots = False
    base = doc.get("seed", 0) if base_seed is None else base_seed
    end = duration_ns or doc.get("duration_ns", 10**9)
    tasks = [(i, k, d, run_seed(base, p, k), end)
             for i, (p, d) in enumerate(zip(params, docs, strict=True)) for k in range(seeds)]
    wall = time.perf_counter()
    with Progress(console=console, transient=True,
                  disable=quiet or not console.is_terminal) as bar:
        task = bar.add_task(f"sweeping {doc['name']}", total=len(tasks))
        try:
            done = sweep_runs(tasks, workers=workers, scheduler=scheduler,
                              on_done=lambda: bar.advance(task))
        except OSError as exc:  # an unreachable scheduler
            raise click.BadParameter(f"{scheduler}: {exc}", param_hint="'--scheduler'") from None
    wall = time.perf_counter() - wall
    runs: list[list[dict[str, Any]]] = [[] for _ in params]
    for point, index, record in done:
        runs[point].append({"seed_index": index, **record})
    rows = aggregate(params, runs)
    result = {"scenario": doc["name"], "base_seed": base, "seeds": seeds,
              "duration_ns": end, "grid": grid, "points": rows,
              "runs": [{"params": params[i], **r} for i, rs in enumerate(runs) for r in rs],
              "workers": scheduler or workers, "wall_time_s": wall}
    (out_dir / "sweep.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    write_csv(out_dir / "sweep.csv", grid, rows)
    files = write_plots(out_dir, grid, rows) if plots else []
    _print(console, grid, rows, len(tasks), wall, [out_dir / "sweep.json",
                                                  out_dir / "sweep.csv", *files])


def _print(console: Any, grid: dict[str, list[Any]], rows: list[dict], n: int, wall: float,
           files: list[Path]) -> None:
    from rich.table import Table

    def cell(stat: dict[str, Any], fmt: str) -> str:
        if stat["mean"] is None:
            return "-"
        low, high = stat["ci95"]
        band = f" [{low:{fmt}}, {high:{fmt}}]" if low is not None else ""
        return f"{stat['mean']:{fmt}}{band}"

    table = Table(*grid, "runs", "rate /s (95% CI)", "fidelity (95% CI)")
    for row in rows:
        table.add_row(*(str(row["params"][p]) for p in grid), str(row["runs"]),
                      cell(row["rate_per_s"], ".1f"), cell(row["fidelity"], ".4f"))
    from rich.console import Console

    out = Console(file=sys.stdout, soft_wrap=True)
    out.print(table)
    out.print(f"{n} runs in {wall:.1f} s; wrote {', '.join(map(str, files))}", highlight=False)

