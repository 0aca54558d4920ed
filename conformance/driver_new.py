"""``qvcp driver new``: a minimal driver skeleton in Python, JavaScript or Go.

A skeleton is a program speaking the driver protocol over stdio (``docs/driver-guide.md``):
it answers the handshake, ``reset`` and ``bye``, answers ``wire.decode`` and ``wire.encode``
by calling two stub functions of a codec file the implementer fills in, and answers every
other verb with the error kind ``unsupported``. Until a stub is written it answers a
rejection with code 0 (no registered error has it), so ``qvcp conform --profile wire``
runs to a report in which every wire case fails (exit 1), never to a driver error.

The templates are package data (``skeletons/<language>/``); ``__QVCP_NAME__`` in them
becomes the implementation's name and ``__QVCP_MODULE__`` the Go module path.

>>> sorted(SKELETONS)
['go', 'javascript', 'python']
>>> driver_command("python", Path("/opt/my node"))
"python3 '/opt/my node/driver.py'"
>>> safe_name("My Node (v2)")
'My-Node-v2'
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import click

__all__ = ["SKELETONS", "Skeleton", "SkeletonError", "driver", "driver_command",
           "next_steps", "safe_name", "write_skeleton"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True, kw_only=True)
class Skeleton:
    """What one language's skeleton holds and how it is built and run."""

    title: str
    files: dict[str, str]  # file -> what it is, for the summary
    stub: str  # the file whose functions the implementer writes
    functions: str  # the functions to write, as the stub file names them
    build: tuple[str, ...] = ()  # command run in the skeleton's folder, if any
    run: tuple[str, ...]  # the program; a second item is a file of the skeleton
    executable: tuple[str, ...] = ()  # files made executable


SKELETONS: dict[str, Skeleton] = {
    "python": Skeleton(
        title="Python", stub="codec.py", functions="decode() and encode()",
        files={"driver.py": "the driver protocol over stdio (handshake, wire.decode, "
                            "wire.encode); standard library only",
               "codec.py": "decode() and encode(): the stubs to fill in",
               "README.md": "these steps"},
        run=("python3", "driver.py"), executable=("driver.py",)),
    "javascript": Skeleton(
        title="JavaScript (Node.js)", stub="codec.js", functions="decode() and encode()",
        files={"driver.js": "the driver protocol over stdio (handshake, wire.decode, "
                            "wire.encode); no packages",
               "json.js": "JSON with exact integers (u64 values as BigInt)",
               "codec.js": "decode() and encode(): the stubs to fill in",
               "README.md": "these steps"},
        run=("node", "driver.js"), executable=("driver.js",)),
    "go": Skeleton(
        title="Go", stub="codec.go", functions="Decode and Encode",
        files={"go.mod": "the module (standard library only)",
               "main.go": "the driver protocol over stdio (handshake, wire.decode, "
                          "wire.encode)",
               "codec.go": "Decode and Encode: the stubs to fill in",
               "README.md": "these steps"},
        build=("go", "build", "-o", "driver", "."), run=("./driver",)),
}


class SkeletonError(ValueError):
    """The skeleton cannot be written where asked (the message names the folder)."""


def safe_name(text: str) -> str:
    """``text`` made fit for an implementation name and a Go module path: letters, digits,
    ``.``, ``_`` and ``-``, runs of anything else replaced by one ``-``."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-._")[:64]
    return name or "my-implementation"


def driver_command(language: str, directory: Path) -> str:
    """The COMMAND of ``--driver exec:COMMAND`` for the skeleton in ``directory``."""
    program, *rest = SKELETONS[language].run
    base = directory.absolute()
    if program.startswith("./"):
        return shlex.quote(str(base / program[2:]))
    return shlex.join([program, *(str(base / part) for part in rest)])


def _templates(language: str) -> Traversable:
    return resources.files("qvcp.conformance").joinpath("skeletons", language)


def _walk(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            found += _walk(entry, f"{prefix}{entry.name}/")
        else:
            found.append((prefix + entry.name, entry))
    return found


def write_skeleton(language: str, directory: Path, *, name: str,
                   force: bool = False) -> list[Path]:
    """Write the skeleton of ``language`` into ``directory`` (created if missing).

    Raises:
        SkeletonError: ``directory`` is a file, or a folder that is not empty (unless
            ``force``: the skeleton's files are then overwritten, others left alone), or it
            cannot be written.
    """
    if directory.exists() and not directory.is_dir():
        raise SkeletonError(f"{directory} is a file, not a folder")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise SkeletonError(f"{directory} is not empty: choose a new folder, or add --force "
                            "to overwrite the skeleton's files in it")
    skeleton = SKELETONS[language]
    written = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for relative, template in _walk(_templates(language)):
            text = (template.read_text(encoding="utf-8")
                    .replace("__QVCP_NAME__", name)
                    .replace("__QVCP_MODULE__", name.lower()))
            target = directory / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            if relative in skeleton.executable:
                target.chmod(0o755)
            written.append(target)
    except OSError as exc:
        raise SkeletonError(f"cannot write {directory}: {exc.strerror or exc}") from None
    return written


def next_steps(language: str, directory: Path) -> str:
    """What to do after ``qvcp driver new``: build, run the wire profile, fill the stubs."""
    skeleton = SKELETONS[language]
    conform = ("qvcp conform --driver "
               + shlex.quote(f"exec:{driver_command(language, directory)}") + " --profile wire")
    lines = ["Next steps:"]
    step = 1
    if skeleton.build:
        lines.append(f"  {step}. Build it:")
        lines.append(f"       cd {shlex.quote(str(directory))} && {shlex.join(skeleton.build)}")
        step += 1
    lines += [f"  {step}. Run the wire profile (every wire case fails until the stubs are "
              "written: NON-CONFORMANT, exit 1):",
              f"       {conform}",
              f"  {step + 1}. Write {skeleton.functions} in "
              f"{directory / skeleton.stub}"
              + (", rebuild" if skeleton.build else "")
              + f", and run step {step} again until it says CONFORMANT.",
              f"  {step + 2}. Then claim more in the handshake (message types, the node and "
              "network profiles): see the guide 'Test your implementation'."]
    return "\n".join(lines)


def _check_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not _NAME.match(value):
        raise click.BadParameter("letters, digits, '.', '_' and '-', at most 64, starting "
                                 "with a letter or digit", ctx=ctx, param=param)
    return value


@click.group("driver")
def driver() -> None:
    """Write the program through which the suite talks to your implementation."""


@driver.command("new")
@click.option("--lang", "language", type=click.Choice(sorted(SKELETONS)), required=True,
              help="Language of the skeleton.")
@click.option("--name", callback=_check_name, metavar="NAME",
              help="Implementation name in the handshake (default: DIR's name).")
@click.option("--force", is_flag=True,
              help="Write into a non-empty DIR, overwriting the skeleton's files.")
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
def new(language: str, name: str | None, force: bool, directory: Path) -> None:
    """Write a minimal driver skeleton into DIR: the handshake and the wire profile over
    stdio, with stub decode and encode functions to fill in."""
    name = name or safe_name(directory.absolute().name)
    try:
        written = write_skeleton(language, directory, name=name, force=force)
    except SkeletonError as exc:
        raise click.BadParameter(str(exc), param_hint="DIR") from None
    skeleton = SKELETONS[language]
    click.echo(f"Wrote a {skeleton.title} driver skeleton for {name!r} in {directory}:")
    width = max(len(str(path)) for path in written)
    for path in written:
        what = skeleton.files.get(str(path.relative_to(directory)), "")
        click.echo(f"  {path!s:<{width}}  {what}".rstrip())
    click.echo()
    click.echo(next_steps(language, directory))
