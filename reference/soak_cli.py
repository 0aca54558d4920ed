"""``qvcp soak``: many seeded short runs of small networks under injected faults, checked
against the simulator's invariants (:mod:`.sim.soak`, :mod:`.sim.invariants`).

Exit status 1 when any run violates an invariant, 0 otherwise.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click

__all__ = ["soak"]

#: violation lines printed per scenario and loss rate (``--json`` has them all)
SHOWN = 10


def _losses(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[float, ...]:
    from .sim.soak import DEFAULT_LOSS

    if value is None:
        return DEFAULT_LOSS
    out = []
    for part in value.split(","):
        part = part.strip()
        try:
            loss = float(part)
        except ValueError:
            raise click.BadParameter(f"{part!r} is not a number (e.g. --loss 0,0.05)",
                                     ctx=ctx, param=param) from None
        if not 0.0 <= loss <= 1.0:
            raise click.BadParameter(f"{part} is not a probability in [0, 1]", ctx=ctx,
                                     param=param)
        out.append(loss)
    return tuple(dict.fromkeys(out))


def _scenarios(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
    from .sim.soak import SCENARIOS

    if value is None:
        return tuple(SCENARIOS)
    names = [v.strip() for v in value.split(",") if v.strip()]
    bad = [n for n in names if n not in SCENARIOS]
    if bad or not names:
        raise click.BadParameter(f"unknown scenario {', '.join(map(repr, bad)) or '(none)'}; "
                                 f"choose from {', '.join(SCENARIOS)}", ctx=ctx, param=param)
    return tuple(dict.fromkeys(names))


def _positive(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None and value < 1:
        raise click.BadParameter(f"must be at least 1, not {value}", ctx=ctx, param=param)
    return value


@click.command()
@click.option("--seeds", type=int, default=20, show_default=True, callback=_positive,
              help="Runs (seeds) per scenario and loss rate.")
@click.option("--first-seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seeds are FIRST-SEED .. FIRST-SEED + SEEDS - 1.")
@click.option("--loss", "losses", default=None, callback=_losses, metavar="P[,P...]",
              help="Message loss rates, comma-separated [default: 0,0.01,0.05,0.1,0.2].")
@click.option("--scenario", "scenarios", default=None, callback=_scenarios,
              metavar="chain|mesh[,...]", help="Networks to soak [default: chain,mesh].")
@click.option("--jobs", type=int, default=None, callback=_positive,
              help="Worker processes [default: the number of CPUs].")
@click.option("--duplicate/--no-duplicate", default=True, show_default=True,
              help="Duplicate loss/4 of the messages.")
@click.option("--jitter/--no-jitter", default=True, show_default=True,
              help="Delay each message by up to --jitter-ns ns (reordering).")
@click.option("--jitter-ns", type=click.IntRange(min=0), default=None,
              help="Jitter bound in slot times [default: 3].")
@click.option("--link-events/--no-link-events", default=True, show_default=True,
              help="Take one link down and up again in each run.")
@click.option("--restarts/--no-restarts", default=True, show_default=True,
              help="Crash and restart one node in each run.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Write the scenario of each run with a violation here "
              "[default: a new temporary directory].")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable results on stdout.")
@click.option("--plot", "plot_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Write soak-goodput.png and soak-violations.png here.")
def soak(seeds: int, first_seed: int, losses: tuple[float, ...], scenarios: tuple[str, ...],
         jobs: int | None, duplicate: bool, jitter: bool, jitter_ns: int | None,
         link_events: bool, restarts: bool, out_dir: Path | None, as_json: bool,
         plot_dir: Path | None) -> None:
    """Soak the reference network under faults and check the invariants.

    Runs every seed of each scenario (small chain and mesh networks, 50 ms simulated) at each
    loss rate, with duplication of loss/4, jitter, a link going down and up, and a node
    restart per run, each drawn from the run's seed. Prints per scenario and loss rate the
    runs, the invariant violations by kind, the goodput (pairs delivered at both ends per
    simulated second, mean and 95% CI) and the requests completed, failed and left open; and
    for each run with a violation the command that replays it. Exit status 1 when any
    invariant is violated.
    """
    from .sim.soak import JITTER_NS, Faults, aggregate, build_scenario

    if plot_dir is not None:  # before the runs, not after them
        from .sim.plots import MissingPlotExtra, require_matplotlib

        try:
            require_matplotlib()
        except MissingPlotExtra as exc:
            raise click.UsageError(f"--plot: {exc}") from None
    faults = Faults(duplicate, jitter, link_events, restarts,
                    JITTER_NS if jitter_ns is None else jitter_ns)
    jobs = jobs or os.cpu_count() or 1
    seed_list = range(first_seed, first_seed + seeds)
    total = len(scenarios) * len(losses) * seeds
    wall = time.perf_counter()
    results = _run(scenarios, losses, seed_list, faults, jobs, total)
    wall = time.perf_counter() - wall
    rows = aggregate(results)
    bad = [r for r in results if r["violations"]]
    if bad:
        out_dir = out_dir or Path(tempfile.mkdtemp(prefix="qvcp-soak-"))
        out_dir.mkdir(parents=True, exist_ok=True)
        for r in bad:
            r["replay"] = _replay(r, build_scenario(r["scenario"], r["loss"], r["seed"], faults),
                                  out_dir, faults)
    plots = []
    if plot_dir is not None:
        from .sim.plots import plot_soak

        plots = [str(p) for p in plot_soak(rows, plot_dir)]
    if as_json:
        click.echo(json.dumps({
            "runs": len(results), "wall_time_s": wall, "jobs": jobs,
            "seeds": [first_seed, first_seed + seeds - 1], "faults": faults.__dict__,
            "table": rows, "violations": [
                {k: r[k] for k in ("scenario", "loss", "seed", "violations", "replay")}
                for r in bad],
            "plots": plots}, indent=2, sort_keys=True))
    else:
        _print(rows, bad, wall, jobs, plots)
    if bad:
        sys.exit(1)


def _run(scenarios: tuple[str, ...], losses: tuple[float, ...], seeds: range, faults: Any,
         jobs: int, total: int) -> list[dict[str, Any]]:
    from .sim.soak import run_all

    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        with Progress("[progress.description]{task.description}", BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(),
                      console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("soak", total=total)
            return run_all(scenarios, losses, seeds, faults, jobs=jobs,
                           progress=lambda _r: bar.advance(task))
    done = [0]
    step = max(1, total // 10)

    def tick(_r: dict[str, Any]) -> None:
        done[0] += 1
        if done[0] % step == 0 or done[0] == total:
            click.echo(f"soak: {done[0]}/{total} runs", err=True)

    return run_all(scenarios, losses, seeds, faults, jobs=jobs, progress=tick)


def _replay(r: dict[str, Any], doc: dict[str, Any], out_dir: Path, faults: Any) -> dict[str, str]:
    """Write the run's scenario into ``out_dir``; the commands that replay the run."""
    import yaml

    path = out_dir / f"{doc['name']}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    selection = ["qvcp", "soak", "--scenario", r["scenario"], "--loss", f"{r['loss']:g}",
                 "--first-seed", str(r["seed"]), "--seeds", "1", *faults.options()]
    return {"simulate": shlex.join(["qvcp", "simulate", str(path), "--seed", str(r["seed"]),
                                    "--json"]),
            "soak": " ".join(selection), "scenario_file": str(path)}


def _print(rows: list[dict[str, Any]], bad: list[dict[str, Any]], wall: float, jobs: int,
           plots: list[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    from .sim.soak import ALL_KINDS as KINDS

    con = Console()
    if not con.is_terminal:
        con = Console(width=max(con.width, 150))
    table = Table("scenario", "loss", "runs", "runs with violations", "violations by kind",
                  "goodput /s (95% CI)", "requests completed / failed / open",
                  title="qvcp soak")
    for r in rows:
        kinds = ", ".join(f"{k} {r['violations'][k]}" for k in KINDS if k in r["violations"])
        half = r["goodput_ci95"]
        ci = "" if half != half else f" ± {half:.0f}"  # NaN for a single run
        req = r["requests"]
        table.add_row(r["scenario"], f"{r['loss']:g}", str(r["runs"]),
                      str(r["runs_with_violations"]), kinds or "-",
                      f"{r['goodput_per_s']:.0f}{ci}",
                      f"{req['completed']} / {req['failed']} / {req['open']}")
    con.print(table)
    con.print(f"{sum(r['runs'] for r in rows)} runs on {jobs} process(es) in {wall:.1f} s")
    shown: dict[tuple[str, float], int] = {}
    for r in bad:
        key = (r["scenario"], r["loss"])
        shown[key] = shown.get(key, 0) + 1
        if shown[key] > SHOWN:
            continue
        kinds = ", ".join(sorted({v["kind"] for v in r["violations"]}))
        con.print(f"[red]{r['scenario']} loss {r['loss']:g} seed {r['seed']}: "
                  f"{len(r['violations'])} violation(s) ({kinds}): "
                  f"{r['violations'][0]['detail']}[/]", highlight=False, soft_wrap=True)
        con.print(f"  replay: {r['replay']['simulate']}", highlight=False, soft_wrap=True)
        con.print(f"      or: {r['replay']['soak']}", highlight=False, soft_wrap=True)
    for key, n in shown.items():
        if n > SHOWN:
            con.print(f"{key[0]} loss {key[1]:g}: {n - SHOWN} more run(s) with violations "
                      "(--json lists them all)")
    for p in plots:
        con.print(f"wrote {p}")
