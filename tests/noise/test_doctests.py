"""Run the doctests of every module of qvcp.reference.noise."""

import doctest
import importlib
import pkgutil

import pytest

import qvcp.reference.noise as pkg

MODULES = ["qvcp.reference.noise"] + [
    f"qvcp.reference.noise.{m.name}" for m in pkgutil.iter_modules(pkg.__path__)
]


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if not name.endswith("._validate"):
        assert result.attempted > 0


def test_public_api_is_documented():
    for name in pkg.__all__:
        obj = getattr(pkg, name)
        if callable(obj):
            assert obj.__doc__ and len(obj.__doc__) > 20, name
