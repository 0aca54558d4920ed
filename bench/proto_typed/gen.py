"""Generate typed message records from the JSON schemas (prototype, outside the reference).

    python bench/proto_typed/gen.py [--check] [--out bench/proto_typed/records.py]

Reads every message schema through :func:`qvcp.schemas.layout.message_specs` (the parse the
codec itself is derived from: ``schemas/json/*.schema.json``, body fields in wire order) and
writes one module of ``@dataclass(slots=True)`` classes:

* per message ``NAME`` a body class ``<Name>Body`` and an envelope class ``<Name>`` with the
  envelope fields (``message_id``, ``source``, ``destination``, ``body``, ``extensions``,
  ``auth``), a ``TYPE`` class constant, ``to_dict()`` (the canonical-JSON dict the reference
  passes today) and ``from_dict()``;
* per nested object (``pair_ref``, ``herald_result``, ...) one class, shared by every message;
* an enumeration field is held as its wire code (an ``int``), named in ``to_dict`` (an open
  enumeration's unassigned code stays an integer, as in the JSON form, WIRE-040).

``--check`` exits 1 if the written module differs from what the schemas give now.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qvcp.schemas.layout import Array, Ascii, Enum, Object, Uint, message_specs

HERE = Path(__file__).resolve().parent
OUT = HERE / "records.py"


def camel(name: str) -> str:
    """``swap_outcome`` / ``SWAP_OUTCOME`` -> ``SwapOutcome``."""
    return "".join(part.capitalize() for part in name.lower().replace("[]", "").split("_"))


class Generator:
    """Collects the classes of every message and their nested objects, in dependency order."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.objects: dict[str, str] = {}  # schema object name -> class name
        self.enums: dict[tuple[tuple[str, int], ...], str] = {}

    def enum_table(self, node: Enum) -> str:
        key = tuple(sorted(node.codes.items(), key=lambda kv: kv[1]))
        if key not in self.enums:
            name = f"_NAMES{len(self.enums)}"
            self.enums[key] = name
            pairs = ", ".join(f"{code}: {name!r}" for name, code in key)
            codes = ", ".join(f"{name!r}: {code}" for name, code in key)
            self.blocks.append(f"{name} = {{{pairs}}}\n{name}_CODES = {{{codes}}}\n")
        return self.enums[key]

    def field(self, fname: str, node: object) -> tuple[str, str, str]:
        """(annotation, to-dict expression, from-dict expression) of one field."""
        src, dst = f"self.{fname}", f"d[{fname!r}]"
        if isinstance(node, Uint):
            return "int", src, dst
        if isinstance(node, Ascii):
            return "str", src, dst
        if isinstance(node, Enum):
            table = self.enum_table(node)
            return ("int", f"{table}.get({src}, {src})",
                    f"{table}_CODES[{dst}] if isinstance({dst}, str) else {dst}")
        if isinstance(node, Object):
            cls = self.object_class(node)
            return cls, f"{src}.to_dict()", f"{cls}.from_dict({dst})"
        if isinstance(node, Array):
            ann, to, frm = self.field("x", node.item)
            to = to.replace("self.x", "x")
            frm = frm.replace("d['x']", "x")
            return (f"tuple[{ann}, ...]", f"[{to} for x in {src}]",
                    f"tuple({frm} for x in {dst})")
        raise TypeError(f"{fname}: no record type for {node!r}")

    def object_class(self, node: Object, name: str | None = None) -> str:
        if name is None and node.name in self.objects:
            return self.objects[node.name]
        cls = name or camel(node.name)
        fields = [(f, *self.field(f, n)) for f, n in node.fields]
        lines = ["@dataclass(slots=True)", f"class {cls}:"]
        lines += [f"    {f}: {ann}" for f, ann, _, _ in fields] or ["    pass"]
        lines += ["", "    def to_dict(self) -> dict[str, Any]:",
                  "        return {" + ", ".join(f"{f!r}: {to}" for f, _, to, _ in fields) + "}",
                  "", "    @classmethod", f"    def from_dict(cls, d: dict[str, Any]) -> {cls}:",
                  "        return cls(" + ", ".join(frm for _, _, _, frm in fields) + ")"]
        self.blocks.append("\n".join(lines) + "\n")
        if name is None:
            self.objects[node.name] = cls
        return cls

    def message_class(self, mtype: str, body: Object) -> str:
        cls = camel(mtype)
        body_cls = self.object_class(body, name=f"{cls}Body")
        self.blocks.append(f'''@dataclass(slots=True)
class {cls}:
    TYPE: ClassVar[str] = {mtype!r}
    message_id: int
    source: int
    destination: int
    body: {body_cls}
    extensions: tuple[dict[str, Any], ...] = ()
    auth: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {{"version": 1, "type": {mtype!r}, "message_id": self.message_id,
                "source": self.source, "destination": self.destination,
                "body": self.body.to_dict(), "extensions": [dict(e) for e in self.extensions],
                "auth": self.auth}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> {cls}:
        return cls(d["message_id"], d["source"], d["destination"],
                   {body_cls}.from_dict(d["body"]), tuple(d["extensions"]), d["auth"])
''')
        return cls

    def module(self) -> str:
        names = [self.message_class(name, spec.body) for name, spec in message_specs().items()]
        head = ('# ruff: noqa: E501\n"""Typed message records, generated by gen.py from the '
                'message schemas: do not edit."""\n\nfrom __future__ import annotations\n\n'
                "from dataclasses import dataclass\nfrom typing import Any, ClassVar\n\n\n")
        table = "BY_TYPE = {" + ", ".join(f"{n}.TYPE: {n}" for n in names) + "}\n"
        return head + "\n\n".join(self.blocks) + "\n\n" + table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="exit 1 if --out is out of date")
    args = ap.parse_args(argv)
    text = Generator().module()
    if args.check:
        current = args.out.read_text() if args.out.is_file() else ""
        if current != text:
            print(f"{args.out} is out of date: run python bench/proto_typed/gen.py")
            return 1
        return 0
    args.out.write_text(text)
    print(f"wrote {args.out} ({text.count('@dataclass')} record classes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
