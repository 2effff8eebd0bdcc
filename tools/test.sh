#!/usr/bin/env bash
# Set up ./.venv with the test extra, then lint and run the whole test suite.
# This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh test
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONHASHSEED=0
.venv/bin/ruff check skdl tests benchmarks examples tools docs/conf.py
.venv/bin/ruff format --check skdl tests benchmarks examples tools docs/conf.py
.venv/bin/python -m pytest -n 2 "$@"
