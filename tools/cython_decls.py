"""Attribute declarations of the compiled build's extension classes, derived from the sources.

The Cython build (``QVCP_COMPILE=1``, ``setup.py``) compiles the modules of ``qvcp.reference``
unchanged. The classes in :data:`TYPED`, dataclasses built once per network, node or link
whose methods run on every event, it compiles as extension classes: an augmenting ``.pxd``
file (written into an include tree of the build, :func:`write_all`) declares one attribute
per dataclass field, and an attribute read on ``self`` is then a slot of the object's C struct
instead of a lookup in its ``__dict__``. The declarations are derived here from the dataclass
fields in the source (by ``ast``, without importing it), so they cannot drift from the code: a
field added to a class is declared in the next build. The pure-Python package never sees them.

A class listed here must keep every attribute it has in a dataclass field (an extension class
has no ``__dict__`` for others); ``tests/reference/test_cython_decls.py`` checks that on the
objects of a simulated run.

    python tools/cython_decls.py      # print the declarations of every module
"""

from __future__ import annotations

import ast
from pathlib import Path

#: module source (repository path) -> the dataclasses compiled as extension classes (the
#: engines are not: each derives from ``engines.base.Engine`` in another module)
TYPED: dict[str, tuple[str, ...]] = {
    "reference/circuit.py": ("NodeContext",),
    "reference/messages.py": ("MessageFactory",),
    "reference/node.py": ("Node",),
    "reference/resources.py": ("Resources",),
    "reference/station.py": ("Station",),
    "reference/sim/network.py": ("Network",),
    "reference/sim/world.py": ("World", "SimDevice", "SimStationDevice"),
}

#: annotations whose outer type is one of these are declared as that builtin type (Cython
#: then calls its C functions directly); every other field is a generic object
BUILTIN_TYPES = ("dict", "list", "set")


def _class_def(source: str, name: str) -> ast.ClassDef:
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            if not any(_is_dataclass(d) for d in node.decorator_list):
                raise ValueError(f"{name} is not decorated with @dataclass")
            return node
    raise ValueError(f"no class {name} in the source")


def fields_of(source: str, name: str) -> list[tuple[str, str]]:
    """``(field name, annotation text)`` of the fields of the dataclass ``name`` in
    ``source``, in order (ClassVar annotations are not fields)."""
    return _fields(_class_def(source, name))


def _fields(node: ast.ClassDef) -> list[tuple[str, str]]:
    out = []
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            text = ast.unparse(stmt.annotation)
            if not text.startswith(("ClassVar", "typing.ClassVar")):
                out.append((stmt.target.id, text))
    return out


def _check_compilable(node: ast.ClassDef) -> None:
    """Raise ``ValueError`` for what the compiled build cannot take in a typed class."""
    name = node.name
    if node.bases:
        # Cython's dataclass does not see the fields of a base class in another module
        # (cython/cython#4799), and every extension class derives from one extension class
        raise ValueError(f"{name}: only classes without a base class are compiled typed")
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and "ClassVar" in ast.unparse(stmt.annotation):
            # Cython takes most ClassVar annotations in an extension class for attributes
            raise ValueError(f"{name}: a typed class has no ClassVar annotation")


def _is_dataclass(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ast.unparse(target) in ("dataclass", "dataclasses.dataclass")


def cython_type(annotation: str) -> str:
    """The declared type of a field annotated ``annotation``: ``dict``, ``list`` or ``set``
    for those (subscripted or not, optionally ``| None``: a typed attribute may hold None),
    ``object`` for anything else."""
    node = ast.parse(annotation, mode="eval").body
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        sides = [s for s in (node.left, node.right)
                 if not (isinstance(s, ast.Constant) and s.value is None)]
        if len(sides) != 1:
            return "object"
        node = sides[0]
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Name) and node.id in BUILTIN_TYPES:
        return node.id
    return "object"


def declarations(source: str, names: tuple[str, ...]) -> str:
    """The augmenting ``.pxd`` text for the classes ``names`` of one module's ``source``."""
    blocks = []
    for name in names:
        node = _class_def(source, name)
        _check_compilable(node)
        lines = [f"cdef class {name}:"]
        lines += [f"    cdef public {cython_type(ann)} {field}" for field, ann in _fields(node)]
        blocks.append("\n".join(lines))
    return "# generated by tools/cython_decls.py for the compiled build\n\n" + \
        "\n\n".join(blocks) + "\n"


def write_all(root: Path, include: Path) -> None:
    """Write the ``.pxd`` of every module of :data:`TYPED` under ``root`` into the include
    tree ``include`` (``include/qvcp/reference/...pxd``, with the packages' ``__init__.pxd``):
    Cython looks an augmenting ``.pxd`` up by the module's full name, ``qvcp.reference...``,
    while the sources lie in ``reference/`` (pyproject's ``package-dir``)."""
    for rel, names in TYPED.items():
        pxd = include / "qvcp" / Path(rel).with_suffix(".pxd")
        pxd.parent.mkdir(parents=True, exist_ok=True)
        pxd.write_text(declarations((root / rel).read_text(), names))
        for package in pxd.relative_to(include).parents:
            if package != Path("."):
                (include / package / "__init__.pxd").touch()


if __name__ == "__main__":
    here = Path(__file__).resolve().parents[1]
    for rel, names in TYPED.items():
        print(f"## {rel}\n{declarations((here / rel).read_text(), names)}")
