"""The same scikeras user code against scikeras and skdl.

``scikeras_user_script.py`` is a scikeras user's script (a build function
taking ``meta``, ``loss="sparse_categorical_crossentropy"``,
``optimizer__learning_rate``, ``model__hidden_layer_sizes``) followed by the
usual scikit-learn tools. It runs once per library, each in a fresh process:
scikeras patches Keras' pickling when imported, so it must never load in the
test process. skdl must pass every stage; for scikeras the tests record what
was observed with scikit-learn 1.9 / Keras 3 (the bugs skdl fixes).
"""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
from sklearn.datasets import load_iris

from skdl import KerasClassifier
from tests.params import build_classifier

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _run(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def _results(library: str) -> dict:
    proc = _run("-m", "tests.integration.scikeras_user_script", library)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULTS ")][-1]
    return json.loads(line[len("RESULTS ") :])


@pytest.fixture(scope="module")
def skdl_run() -> dict:
    return _results("skdl")


@pytest.fixture(scope="module")
def scikeras_run() -> dict:
    if importlib.util.find_spec("scikeras") is None:
        pytest.skip("scikeras is not installed")
    return _results("scikeras")


def test_skdl_runs_the_scikeras_script_unchanged(skdl_run):
    errors = {k: v["error"] for k, v in skdl_run.items() if "error" in v}
    assert not errors
    value = {k: v["value"] for k, v in skdl_run.items()}
    assert value["is_classifier"] is True
    assert value["cv_accuracy"] >= 0.9  # iris, 5 stratified folds
    grid = value["grid_search"]
    assert grid["best_epochs"] == 20 and grid["best_batch_size"] == 16
    assert grid["best_score"] >= 0.9
    assert value["calibrated"] == [4, 3]
    assert value["voting"] >= 0.9
    assert value["unseeded_after_seeded"] >= 0.9
    assert value["pickle_round_trip"] is True
    assert value["clone_keeps_routed"] == 0.05
    assert value["callbacks_routing"] == 2  # EarlyStopping built from routed params
    assert value["keras_pickling_patched"] is False


def test_scikeras_observed_behaviour(scikeras_run, skdl_run):
    """What scikeras 0.13 does with the same code (the bugs skdl fixes)."""
    got = scikeras_run
    # Not recognised as a classifier: CV splits are not stratified ...
    assert got["is_classifier"]["value"] is False
    # ... so each of GridSearchCV's 3 unstratified folds of the sorted iris
    # data holds one class that training never saw: every candidate scores 0.
    assert got["grid_search"]["value"]["best_score"] == 0.0
    assert "should be a classifier" in got["voting"]["error"]
    # Its random_state switches on TF op determinism for the whole process.
    assert "Random ops require a seed" in got["unseeded_after_seeded"]["error"]
    assert got["keras_pickling_patched"]["value"] is True
    # Routing itself matches: the same routed parameters mean the same.
    assert got["clone_keeps_routed"]["value"] == 0.05
    assert got["callbacks_routing"]["value"] == 2
    assert got["grid_search"]["value"]["best_epochs"] == 20
    # One-row predictions go through keras' Model.predict in scikeras.
    slow, fast = got["predict_one_row_ms"]["value"], skdl_run["predict_one_row_ms"]
    assert fast["value"] * 3 < slow


def test_pickle_loads_in_a_fresh_process_without_any_keras_patch(tmp_path):
    reduce_before = keras.Model.__reduce__
    X, y = load_iris(return_X_y=True)
    clf = KerasClassifier(build_classifier, epochs=2, random_state=0).fit(X, y)
    path = tmp_path / "clf.pkl"
    path.write_bytes(pickle.dumps(clf))
    np.save(tmp_path / "proba.npy", clf.predict_proba(X))
    assert keras.Model.__reduce__ is reduce_before
    code = (
        "import pickle, sys, numpy as np\n"
        "from sklearn.datasets import load_iris\n"
        f"clf = pickle.loads(open({str(path)!r}, 'rb').read())\n"
        "assert 'scikeras' not in sys.modules\n"
        "X, _ = load_iris(return_X_y=True)\n"
        f"want = np.load({str(tmp_path / 'proba.npy')!r})\n"
        "np.testing.assert_allclose(clf.predict_proba(X), want, rtol=1e-6)\n"
        "print('OK')\n"
    )
    assert _run("-c", code).stdout.strip().endswith("OK")
