#!/usr/bin/env bash
# The main job, from a fresh machine: set-up, then a conformance run against the built-in
# reference implementation, its cases spread over every core (-n auto: verdicts and report as
# a serial run's). The report lands in reports/conformance/ (extra arguments are passed to
# `qvcp conform`, e.g. --driver exec:./my-node --profile wire, or -n 1 for a serial run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
qvcp conform --report reports/conformance -n auto "$@"
