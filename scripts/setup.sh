#!/usr/bin/env bash
# Create .venv (if missing) and install QVCP with its test, docs, plot and sweep extras.
# Idempotent: the install is editable, so it is redone only when pyproject.toml changes.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv and installing QVCP with its test, docs, plot and sweep extras" >&2
  "$PY" -m venv .venv
fi
stamp=.venv/.qvcp-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ -x .venv/bin/qvcp ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
log=$(mktemp)
if ! { .venv/bin/python -m pip install --quiet --upgrade pip \
       && .venv/bin/python -m pip install --quiet -e ".[test,docs,plot,sweep]"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "setup: pip install failed (output above)" >&2
  exit 1
fi
rm -f "$log"
echo "$want" > "$stamp"
