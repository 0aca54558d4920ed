"""``qvcp wire`` (encode/decode one message) and ``qvcp schemas check``."""

from __future__ import annotations

import json
import sys
from typing import BinaryIO, NoReturn

import click

from qvcp.schemas import WireError, canonical_json, decode, encode

__all__ = ["schemas", "wire"]


def _fail(exc: WireError) -> NoReturn:
    click.echo(f"error: {exc}", err=True)
    sys.exit(1)


@click.group()
def wire() -> None:
    """Encode and decode QVCP messages (canonical JSON <-> binary as hex)."""


def _name(source: BinaryIO) -> str:
    """How an error names ``source``: its path, or ``<stdin>``."""
    name = getattr(source, "name", None)
    return name if isinstance(name, str) and name not in ("-", "<stdin>") else "<stdin>"


def _input_text(source: BinaryIO, what: str) -> str:
    """The text of ``source`` (a file or stdin); exit 2 naming it when it is not UTF-8."""
    name = _name(source)
    data = source.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        click.echo(f"error: {name}: {what} is not UTF-8 text (byte 0x{data[exc.start]:02x} "
                   f"at offset {exc.start})", err=True)
        sys.exit(2)


@wire.command("encode")
@click.argument("source", type=click.File("rb"), default="-")
def encode_cmd(source: BinaryIO) -> None:
    """Canonical JSON from SOURCE (a file, or - for stdin) -> hex on stdout."""
    name = _name(source)
    try:
        obj = json.loads(_input_text(source, "the input"))
    except json.JSONDecodeError as exc:
        click.echo(f"error: {name}: input is not JSON: {exc}", err=True)
        sys.exit(2)
    try:
        click.echo(encode(obj).hex())
    except WireError as exc:
        _fail(exc)


@wire.command("decode")
@click.argument("hex_text", metavar="HEX")
@click.option("--pretty", is_flag=True, help="Indent the JSON output.")
def decode_cmd(hex_text: str, pretty: bool) -> None:
    """HEX (or - to read it from stdin) -> canonical JSON on stdout."""
    if hex_text == "-":
        hex_text = _input_text(sys.stdin.buffer, "the hex input")
    cleaned = "".join(hex_text.split())
    try:
        data = bytes.fromhex(cleaned)
    except ValueError:
        click.echo("error: input is not hexadecimal (two digits per byte, spaces allowed)",
                   err=True)
        sys.exit(2)
    try:
        msg = decode(data)
    except WireError as exc:
        _fail(exc)
    click.echo(json.dumps(msg, indent=2, sort_keys=True) if pretty else canonical_json(msg))


@click.group()
def schemas() -> None:
    """Message-layer checks."""


@schemas.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def check_cmd(as_json: bool) -> None:
    """Metaschema validity, error registry, vectors, model/codec drift, requirement ids."""
    from qvcp.schemas.check import run_checks

    results = run_checks()
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in results], indent=2))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title="qvcp schemas check")
        for col in ("check", "items", "result", "what"):
            table.add_column(col)
        for r in results:
            table.add_row(r.name, str(r.checked), "[green]pass" if r.passed else "[red]FAIL",
                          r.description)
        console = Console()
        console.print(table)
        for r in results:
            for p in r.problems:
                console.print(f"[red]{r.name}[/red]: {p}", markup=True, highlight=False)
    sys.exit(0 if all(r.passed for r in results) else 1)
