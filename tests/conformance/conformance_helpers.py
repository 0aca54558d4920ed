"""Helpers of the conformance-suite tests (importable: conftest puts this folder on sys.path)."""

import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NODE_EXAMPLE = f"exec:node {ROOT / 'conformance/examples/node/qvcp-wire.js'}"
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js not installed")


def misbehaving(mode: str) -> str:
    """Driver spec of the misbehaving stdio implementation."""
    return f"exec:{sys.executable} {HERE / 'misbehaving.py'} {mode}"
