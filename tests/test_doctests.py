"""Run the docstring examples of every qvcp module (examples are tests, as in pydantic)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import qvcp


def _modules() -> list[str]:
    names = ["qvcp"]
    for info in pkgutil.walk_packages(qvcp.__path__, "qvcp."):
        names.append(info.name)
    for sub in ("qvcp.schemas", "qvcp.reference", "qvcp.conformance"):
        pkg = importlib.import_module(sub)
        names += [i.name for i in pkgutil.walk_packages(pkg.__path__, sub + ".")]
    return sorted(set(names))


MODULES = _modules()


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
