"""``qvcp simulate SCENARIO``: run a scenario and summarise (rich), or ``--json``."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import click

from .sim.scenario import ScenarioError
from .sim.summary import summarise


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Override the scenario's seed (a non-negative integer).")
@click.option("--duration", "duration_ns", type=click.IntRange(min=1), default=None,
              help="Simulated ns to run (at least 1) [default: the scenario's duration_ns].")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary on stdout.")
@click.option("--plot", "plot_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Write PNG figures (fidelity and rate over time) here.")
@click.option("--trace", "trace_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write a JSON-lines trace of every message and transition.")
@click.option("--strict", is_flag=True, help="Validate and binary round-trip every message.")
@click.option("--audit", "audit_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Write each node's audit log (node-<id>.jsonl) here; "
              "`qvcp audit verify` checks them.")
@click.option("--audit-key", default=None, metavar="HEX",
              help="Key of the audit logs' checkpoints [default: derived from the seed, not "
              "secret: for demonstrations only].")
def simulate(scenario: Path, seed: int | None, duration_ns: int | None, as_json: bool,
             plot_dir: Path | None, trace_file: Path | None, strict: bool,
             audit_dir: Path | None, audit_key: str | None) -> None:
    """Simulate SCENARIO (YAML or JSON, see schemas/meta/scenario.schema.json)."""
    from .sim.network import Network
    from .sim.scenario import load_scenario

    try:
        doc = load_scenario(scenario)
    except ScenarioError as exc:
        raise click.UsageError(f"invalid scenario: {exc}") from None
    key = None
    if audit_dir is not None:
        key = _audit_key(audit_key, doc.get("seed", 0) if seed is None else seed)
    # outputs are checked before the run, not after it: a bad path costs nothing
    if plot_dir is not None:
        _plots_available()
    for option, directory in (("--plot", plot_dir), ("--audit", audit_dir)):
        if directory is not None:
            _writable_dir(option, directory)
    try:
        trace = trace_file.open("w") if trace_file else None
    except OSError as exc:
        raise click.UsageError(f"--trace {trace_file}: {exc.strerror or exc}") from None
    try:
        net = Network.from_scenario(doc, seed=seed, strict=strict or None, trace=trace,
                                    audit_key=key)
        end = duration_ns or doc.get("duration_ns", 10**9)
        wall = time.perf_counter()
        if as_json or not sys.stderr.isatty():
            net.run_until(end)
        else:
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task(f"simulating {doc['name']}", total=end)
                net.on_progress = lambda t: bar.update(task, completed=t)
                net.run_until(end)
        wall = time.perf_counter() - wall
    finally:
        if trace:
            trace.close()
    result = summarise(net, name=doc["name"], sim_ns=end, wall_s=wall, scenario=doc)
    if audit_dir is not None and key is not None:
        try:
            files = net.write_audit(audit_dir)
        except OSError as exc:
            raise click.UsageError(f"--audit {audit_dir}: {exc.strerror or exc}") from None
        result["audit"] = {"dir": str(audit_dir), "files": [str(f) for f in files],
                           "key": key.hex()}
    if plot_dir is not None:
        from .sim.plots import plot

        try:
            result["plots"] = [str(p) for p in plot(net, plot_dir)]
        except OSError as exc:
            raise click.UsageError(f"--plot {plot_dir}: {exc.strerror or exc}") from None
    if as_json:
        click.echo(json.dumps(result, indent=2, sort_keys=True))
    else:
        from .sim.summary import print_summary

        print_summary(result)


def _audit_key(given: str | None, seed: int) -> bytes:
    """The audit logs' checkpoint key: ``--audit-key`` as hex, else one derived from the seed
    (anyone who knows the seed can forge checkpoints: demonstrations only)."""
    if given is None:
        return hashlib.sha256(f"qvcp-audit:{seed}".encode()).digest()
    try:
        key = bytes.fromhex(given)
    except ValueError:
        raise click.BadParameter("not a hex string", param_hint="--audit-key") from None
    if not key:
        raise click.BadParameter("empty", param_hint="--audit-key")
    return key


def _plots_available() -> None:
    """Fail as a usage error naming ``--plot`` when matplotlib (the plot extra) is missing."""
    from .sim.plots import MissingPlotExtra, require_matplotlib

    try:
        require_matplotlib()
    except MissingPlotExtra as exc:
        raise click.UsageError(f"--plot: {exc}") from None


def _writable_dir(option: str, directory: Path) -> None:
    """Create ``directory`` (and its parents) for the files of ``option``, or fail as a usage
    error naming the option."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.UsageError(f"{option} {directory}: {exc.strerror or exc}") from None
