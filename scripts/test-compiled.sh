#!/usr/bin/env bash
# The optional compiled build (Cython + the C compiler, several minutes of CPU on first use):
# builds it and checks that it simulates every example scenario exactly as the sources do.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest -q -p no:cacheprovider -m compiled tests/test_compiled_build.py "$@"
