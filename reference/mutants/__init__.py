"""Mutants of the reference: one deliberate violation of one requirement each.

A mutant is a small source patch of one module of ``qvcp.reference`` (``find`` replaced by
``replace``, which must occur exactly once), declared in the YAML files of this package, one
file per requirement area. A conformance run against ``--driver mutant:ID`` runs the
reference with that patch applied at import time; nothing is written to disk. The suite's
cases citing the mutant's requirement must catch it: that is what makes a requirement's
coverage *proven* (``qvcp mutants run``, ``docs/conformance.md``).

Matching: a one-line ``find`` is a plain substring. A multi-line ``find`` is a dedented block
that matches wherever every line of it appears with one common extra indentation; the
replacement is indented the same way. Either must match exactly once, or the mutant is
*stale* (the code moved on) and applying it raises :class:`StaleMutant`.

>>> m = Mutant(id="x", requirement="WIRE-001", module="demo", why="demo",
...            find="if a:\\n    b()", replace="if not a:\\n    b()")
>>> print(m.apply("def f():\\n    if a:\\n        b()\\n"))
def f():
    if not a:
        b()
<BLANKLINE>
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

__all__ = ["Mutant", "StaleMutant", "activate", "driver_factory", "mutants", "registry"]

PACKAGE = "qvcp.reference"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class StaleMutant(LookupError):
    """A mutant's ``find`` text no longer occurs exactly once in its module."""


@dataclass(frozen=True, kw_only=True)
class Mutant:
    """One faulty variant of the reference."""

    id: str
    requirement: str  # the one requirement id the mutant violates
    module: str  # dotted name under qvcp.reference, e.g. "engines.signalling"
    find: str
    replace: str
    why: str  # what the faulty implementation does wrong, in a sentence

    @property
    def module_name(self) -> str:
        return f"{PACKAGE}.{self.module}"

    def apply(self, source: str) -> str:
        """``source`` with the patch applied (raises :class:`StaleMutant`)."""
        find = textwrap.dedent(self.find).strip("\n")
        replace = textwrap.dedent(self.replace).strip("\n")
        if "\n" not in find:
            count = source.count(find)
            if count != 1:
                raise StaleMutant(f"mutant {self.id}: {find!r} occurs {count} times in "
                                  f"{self.module_name}, not once")
            return source.replace(find, replace)
        lines = find.split("\n")
        pattern = "^(?P<ind>[ \t]*)" + re.escape(lines[0]) + "".join(
            "\n" + ("(?P=ind)" + re.escape(line) if line.strip() else "[ \t]*")
            for line in lines[1:])
        found = list(re.finditer(pattern, source, flags=re.MULTILINE))
        if len(found) != 1:
            raise StaleMutant(f"mutant {self.id}: its {len(lines)}-line find block occurs "
                              f"{len(found)} times in {self.module_name}, not once")
        match = found[0]
        indented = textwrap.indent(replace, match["ind"], lambda line: True)
        return source[:match.start()] + indented + source[match.end():]


@cache
def mutants() -> tuple[Mutant, ...]:
    """Every declared mutant, in file order (raises ``ValueError`` on a malformed entry)."""
    out: list[Mutant] = []
    folder = files(__name__)
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        try:
            entries = yaml.safe_load(entry.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            raise ValueError(f"{entry.name}: not valid YAML: {exc}") from None
        for raw in entries:
            try:
                mutant = Mutant(**raw)
            except TypeError as exc:
                raise ValueError(f"{entry.name}: malformed mutant {raw!r}: {exc}") from None
            if not _ID.match(mutant.id):
                raise ValueError(f"{entry.name}: mutant id {mutant.id!r} is not kebab-case")
            out.append(mutant)
    ids = [m.id for m in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate mutant ids: {dupes}")
    return tuple(out)


def _by_id(mutant_id: str) -> Mutant:
    for m in mutants():
        if m.id == mutant_id:
            return m
    raise LookupError(f"no mutant {mutant_id!r}; `qvcp mutants list` shows them")


class _PatchedLoader(importlib.machinery.SourceFileLoader):
    """Loads one module's source with a mutant's patch applied."""

    def __init__(self, fullname: str, path: str, mutant: Mutant) -> None:
        super().__init__(fullname, path)
        self.mutant = mutant

    def get_data(self, path: str) -> bytes:
        if path.endswith(".py"):
            source = super().get_data(path).decode("utf-8")
            return self.mutant.apply(source).encode("utf-8")
        raise OSError("a mutated module is never loaded from bytecode")

    def path_stats(self, path: str) -> Any:
        raise OSError("no bytecode cache for a mutated module")


class _MutantFinder(importlib.abc.MetaPathFinder):
    """Hands the mutated module's spec out; every other import goes on as usual."""

    def __init__(self, mutant: Mutant) -> None:
        self.mutant = mutant

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.mutant.module_name:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            raise StaleMutant(f"mutant {self.mutant.id}: {fullname} has no Python source")
        loader = _PatchedLoader(fullname, spec.origin, self.mutant)
        return importlib.util.spec_from_file_location(
            fullname, spec.origin, loader=loader,
            submodule_search_locations=spec.submodule_search_locations)


def activate(mutant_id: str) -> Mutant:
    """Make this process's reference the mutant: later imports of the reference load it.

    Every module of the reference already imported (but this one) is forgotten, so the next
    import of the driver loads the patched module and everything that uses it. Meant for a
    process of its own (``qvcp conform --driver mutant:ID``, or the children of
    ``qvcp mutants run``): there is no way back but a new process.
    """
    mutant = _by_id(mutant_id)
    for finder in [f for f in sys.meta_path if isinstance(f, _MutantFinder)]:
        sys.meta_path.remove(finder)
    for name in [n for n in sys.modules if n.startswith(PACKAGE + ".") and n != __name__]:
        del sys.modules[name]
    sys.meta_path.insert(0, _MutantFinder(mutant))
    importlib.import_module(mutant.module_name)  # a stale patch fails here, not mid-run
    return mutant


def driver_factory(mutant_id: str) -> Callable[[], Any]:
    """A factory of reference drivers with mutant ``mutant_id`` active."""
    activate(mutant_id)
    from qvcp.reference.driver import ReferenceDriver

    class MutantDriver(ReferenceDriver):
        """The reference driver, naming the mutant in its handshake."""

        def hello(self, *, protocol: int, harness: str) -> dict[str, Any]:
            answer = super().hello(protocol=protocol, harness=harness)
            answer["implementation"]["name"] += f"+mutant:{mutant_id}"
            return answer

    return MutantDriver


def registry() -> list[dict[str, str]]:
    """What the conformance suite reads through the ``qvcp.mutants`` entry point."""
    return [{"id": m.id, "requirement": m.requirement, "module": m.module_name, "why": m.why}
            for m in mutants()]
