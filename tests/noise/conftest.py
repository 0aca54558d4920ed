"""Shared fixtures for the noise-core tests: make the QuTiP oracle module importable."""

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
