"""``qvcp audit verify LOG... --key HEX``: check node audit logs (:mod:`.audit`).

Each LOG gets one line: ``LOG: ok (N records, K checkpoints)``, N counting every record,
checkpoints included, or ``LOG: BROKEN at record I: reason``. Exit status 0 when every log is
ok, 1 when any is broken, 2 for a usage error (bad key, a file that cannot be read or is not
JSON lines), which is reported on standard error naming the file and line.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

__all__ = ["audit"]


def _key(ctx: click.Context, param: click.Parameter, value: str) -> bytes:
    try:
        key = bytes.fromhex(value)
    except ValueError:
        raise click.BadParameter("must be an even number of hex digits (e.g. 00ff...)",
                                 ctx=ctx, param=param) from None
    if not key:
        raise click.BadParameter("must not be empty", ctx=ctx, param=param)
    return key


@click.group()
def audit() -> None:
    """Node audit logs: hash-chained decision records with keyed checkpoints."""


@audit.command()
@click.argument("logs", nargs=-1, required=True, metavar="LOG...",
                type=click.Path(path_type=Path))
@click.option("--key", required=True, callback=_key, metavar="HEX",
              help="The node's audit (checkpoint MAC) key, in hex.")
def verify(logs: tuple[Path, ...], key: bytes) -> None:
    """Verify each audit LOG (JSON lines) against KEY: chain, hashes, times, checkpoint MACs
    and the closing checkpoint."""
    from .audit import AuditReadError, read
    from .audit import verify as check

    status = 0
    for log in logs:
        try:
            records = read(log)
        except AuditReadError as exc:
            click.echo(f"Error: {log}: {exc}", err=True)
            status = 2
            continue
        except OSError as exc:
            click.echo(f"Error: {log}: cannot be read ({exc.strerror or exc})", err=True)
            status = 2
            continue
        verdict = check(records, key)
        if verdict.ok:
            k = sum(1 for r in records if r["event"] == "checkpoint")
            click.echo(f"{log}: ok ({len(records)} records, {k} checkpoints)")
        else:
            reason = verdict.reason.removeprefix(f"record {verdict.first_bad}: ")
            click.echo(f"{log}: BROKEN at record {verdict.first_bad}: {reason}")
            status = max(status, 1)
    sys.exit(status)
