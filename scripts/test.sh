#!/usr/bin/env bash
# The whole test suite, from a fresh machine: set-up, lint, spec checks, tests, docs build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff"
ruff check .
echo "== spec lint and requirement index"
qvcp spec lint
qvcp spec index --check
echo "== message layer self-check"
qvcp schemas check
echo "== docs (mkdocs --strict)"
NO_MKDOCS_2_WARNING=1 mkdocs build --strict --quiet --site-dir "$(mktemp -d)"
echo "== pytest"
set +e
HYPOTHESIS_PROFILE=${HYPOTHESIS_PROFILE:-ci} python -m pytest -q -p no:cacheprovider "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$status"
