#!/usr/bin/env bash
# The whole test suite, from a fresh machine: set-up, lint, spec checks, tests, docs build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Go, for the Go driver skeleton's test (tests/conformance/test_driver_new.py skips it without Go)
if ! command -v go >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  as_root=""; [ "$(id -u)" -eq 0 ] || as_root="sudo -n"
  if { $as_root apt-get install -y -qq golang-go || { $as_root apt-get update -qq \
       && $as_root apt-get install -y -qq golang-go; }; } >/dev/null 2>&1; then
    echo "== Go installed (apt-get install golang-go)"
  else
    echo "== Go not installed (apt-get install golang-go failed): the Go skeleton test is skipped"
  fi
fi
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
HYPOTHESIS_PROFILE=${HYPOTHESIS_PROFILE:-ci} python -m pytest -q -p no:cacheprovider -n auto "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$status"
