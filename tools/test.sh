#!/usr/bin/env bash
# Set up ./.venv with the test extra, then lint and run the whole test suite.
# This is the README's test command and what CI runs. With no arguments it
# runs the whole suite on TensorFlow, then the engine tests on JAX, then the
# unit tests on the oldest versions pyproject.toml declares
# (tools/setup_oldest.sh makes ./.venv-oldest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh test
# The docs test drives a real headless browser (Debian's chromium).
bash tools/install_browser.sh
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONHASHSEED=0
.venv/bin/ruff check skdl tests benchmarks examples tools docs/conf.py docs/_gallery.py
.venv/bin/ruff format --check skdl tests benchmarks examples tools docs/conf.py docs/_gallery.py
# Python 3.10 is the oldest Python supported: no newer syntax or standard
# library names anywhere (checked statically, with annotations evaluated).
.venv/bin/vermin -q -t=3.10- --no-tips --eval-annotations --violations \
    skdl tests benchmarks examples tools docs/conf.py docs/_gallery.py
.venv/bin/python -m pytest -n 2 "$@"
# The whole run (no arguments): training engines, training controls and
# persistence once more on the JAX backend.
if [ "$#" -eq 0 ]; then
    KERAS_BACKEND=jax .venv/bin/python -m pytest -n 2 -q \
        tests/unit/test_jax_epoch.py tests/unit/test_engine_equivalence.py \
        tests/unit/test_mlp.py tests/unit/test_training_controls.py \
        tests/unit/test_persistence.py tests/unit/test_device_param.py \
        tests/unit/test_determinism.py tests/unit/test_sample_weight.py \
        tests/unit/test_interrupt.py tests/unit/test_mlp_sklearn_parity.py \
        tests/unit/test_threads.py \
        tests/unit/test_image_files.py::test_paths_train_through_the_streaming_engine
fi
# The whole run: the unit tests once more on the oldest supported versions.
if [ "$#" -eq 0 ]; then
    bash tools/setup_oldest.sh
    .venv-oldest/bin/python -m pytest -n 2 -q -p no:cacheprovider tests/unit
fi
