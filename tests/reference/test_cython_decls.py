"""The compiled build's attribute declarations (``tools/cython_decls.py``) fit the classes.

An extension class has no ``__dict__``: an attribute that is not a declared field raises
``AttributeError`` when set, and an attribute declared ``dict`` refuses anything but a plain
dict (an ``OrderedDict`` too). These tests check, in the pure-Python package, that the
declarations list each class's dataclass fields and that the objects of a simulated run hold
nothing else and nothing of another type; ``tests/test_compiled_build.py`` then runs the
compiled build itself.
"""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path
from typing import Any

import pytest
from cython_decls import TYPED, cython_type, declarations, fields_of

from qvcp.reference.sim.network import Network

ROOT = Path(__file__).resolve().parents[2]
BUILTINS = {"dict": dict, "list": list, "set": set}


def _class(rel: str, name: str) -> type:
    module = "qvcp." + ".".join(Path(rel).with_suffix("").parts)
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


CLASSES = [(rel, name) for rel, names in TYPED.items() for name in names]


@pytest.mark.parametrize(("rel", "name"), CLASSES)
def test_the_declarations_are_the_dataclass_fields_in_order(rel: str, name: str) -> None:
    parsed = [f for f, _ in fields_of((ROOT / rel).read_text(), name)]
    assert parsed == [f.name for f in dataclasses.fields(_class(rel, name))]


@pytest.mark.parametrize(("annotation", "declared"), [
    ("dict[int, Node]", "dict"),
    ("dict[int, SwapEngine | EndEngine]", "dict"),
    ("list[Engine] | None", "list"),
    ("set[int]", "set"),
    ("dict", "dict"),
    ("OrderedDict[int, int]", "object"),
    ("deque[dict[str, Any]]", "object"),
    ("dict[int, int] | list[int]", "object"),
    ("int", "object"),
    ("TextIO | None", "object"),
])
def test_only_plain_containers_are_typed(annotation: str, declared: str) -> None:
    assert cython_type(annotation) == declared


@pytest.mark.parametrize(("source", "error"), [
    ("class A:\n    x: int = 0\n", "not decorated"),
    ("@dataclass\nclass A(Engine):\n    x: int = 0\n", "without a base class"),
    ("@dataclass\nclass A:\n    N: ClassVar[str] = ''\n    x: int = 0\n", "ClassVar"),
])
def test_what_the_build_cannot_compile_is_refused(source: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        declarations(source, ("A",))


def test_a_declaration_block() -> None:
    source = "@dataclass(slots=False)\nclass A:\n    x: int = 0\n    d: dict[int, B] | None\n"
    assert declarations(source, ("A",)).endswith(
        "cdef class A:\n    cdef public object x\n    cdef public dict d\n")


def _typed_objects(net: Network) -> list[Any]:
    objs: list[Any] = [net, net.world]
    for node in net.nodes.values():
        objs += [node, node.ctx, node.ctx.factory, node.ctx.resources, node.device]
    for station in net.stations.values():
        objs += [station, station.engine.device]
    return objs


@pytest.mark.parametrize("scenario", ["chain-3.yaml", "chain-distil.yaml", "mesh-26.yaml"])
def test_objects_of_a_run_hold_only_their_declared_fields(scenario: str) -> None:
    net = Network.from_scenario(ROOT / "schemas" / "scenarios" / scenario, seed=3)
    net.run_until(30_000_000)
    assert net.completed(), "the run should deliver pairs"
    typed = {_class(rel, name): (rel, name) for rel, name in CLASSES}
    seen = set()
    for obj in _typed_objects(net):
        rel, name = typed[type(obj)]
        seen.add(name)
        declared = dict(fields_of((ROOT / rel).read_text(), name))
        assert set(vars(obj)) <= set(declared), f"{name}: attributes outside its fields"
        for field, annotation in declared.items():
            kind = BUILTINS.get(cython_type(annotation))
            value = getattr(obj, field)
            assert kind is None or value is None or type(value) is kind, (
                f"{name}.{field} holds a {type(value).__name__}, declared {kind}")
    assert seen == {name for _, name in CLASSES}
