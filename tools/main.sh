#!/usr/bin/env bash
# Set up ./.venv, then run skdl's main job on built-in data.
# This is the README's "run it" command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export TF_CPP_MIN_LOG_LEVEL=2
.venv/bin/skdl demo "$@"
