"""Griffe extension: make QVCP docstrings (written for doctest and Sphinx) read well in mkdocs.

QVCP docstrings carry runnable ``>>>`` examples in their free text (tested by
``tests/test_doctests.py``). Markdown would run them together into one paragraph (and read
``x[0][1]`` as a cross-reference), so each run of ``>>>`` / ``...`` lines and the output lines
that follow it, up to a blank line, is wrapped in a ``pycon`` code fence.

>>> wrap_doctests("Text.\\n\\n>>> 1 + 1\\n2\\n\\nMore.")
'Text.\\n\\n```pycon\\n>>> 1 + 1\\n2\\n```\\n\\nMore.'
"""

from __future__ import annotations

import re
from typing import Any

import griffe

__all__ = ["DoctestFences", "wrap_doctests"]

_ROLE_RE = re.compile(r":(?:py:)?(?:mod|func|class|meth|attr|data|exc|obj|const):`(~?)([\w.]+)`")


def wrap_doctests(text: str) -> str:
    """``text`` with every doctest block (``>>>`` up to a blank line) fenced as ``pycon``."""
    out: list[str] = []
    in_block = fenced = False
    indent = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")) and not in_block:
            fenced = not fenced
        if not fenced and not in_block and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}```pycon")
            in_block = True
        elif in_block and not stripped:
            out.append(f"{indent}```")
            in_block = False
        out.append(line)
    if in_block:
        out.append(f"{indent}```")
    return "\n".join(out)


def _target(loader: griffe.GriffeLoader, path: str) -> str | None:
    """The canonical path of the object at ``path`` (aliases followed), or None."""
    try:
        found = loader.modules_collection[path]
        return str(found.final_target.path if found.is_alias else found.path)
    except (KeyError, ValueError, AttributeError, griffe.AliasResolutionError,
            griffe.CyclicAliasError):
        return None


class DoctestFences(griffe.Extension):
    """Fence doctest blocks and turn Sphinx roles into cross-references in every docstring."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        if obj.docstring is None:
            return
        text = obj.docstring.value
        if ">>>" in text:
            text = wrap_doctests(text)

        def role(m: re.Match[str]) -> str:
            short, name = m.group(1), m.group(2)
            shown = name.rsplit(".", 1)[-1] if short else name
            for path in (f"{obj.module.path}.{name}", name):
                target = _target(loader, path) if path.startswith("qvcp.") else None
                if target:  # an optional reference: plain code if the target has no page
                    return f'<autoref identifier="{target}" optional><code>{shown}</code></autoref>'
            return f"`{shown}`"

        obj.docstring.value = _ROLE_RE.sub(role, text)
