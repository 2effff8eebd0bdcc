#!/usr/bin/env bash
# Set up ./.venv, then run skdl's main job: train the bank-churn model on
# built-in synthetic customers (or `--data CSV`), report holdout accuracy and
# ROC AUC, and save the model to churn_model.skops, in skdl's safe format
# (or to `--model OUT`).
# This is the README's "run it" command; arguments go to `skdl churn train`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export TF_CPP_MIN_LOG_LEVEL=2
.venv/bin/skdl churn train "$@"
