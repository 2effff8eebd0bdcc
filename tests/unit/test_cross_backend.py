"""A model saved under one Keras backend loads and predicts under another.

The backend is chosen once per process (``KERAS_BACKEND``), so each side
runs in its own subprocess: one fits and saves (pickle and ``skdl.save``)
with its outputs, the other loads both files and compares.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
# Estimator -> the method whose output must survive the move. Each is saved
# with pickle and skdl.save, except KerasClassifier (pickle only: skdl.load
# does not trust the test's build function without being told to).
OUTPUTS = {
    "MLPClassifier": "predict_proba",
    "MLPRegressor": "predict",
    "ConvClassifier": "predict_proba",
    "KerasClassifier": "predict_proba",
    "ChurnPipeline": "predict_proba",
    "AutoencoderTransformer": "transform",
}


def _save(folder: Path) -> None:
    import skdl
    from tests.params import tiny_problem

    for name, method in OUTPUTS.items():
        est, X, y = tiny_problem(name, n_rows=40)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning of 2 epochs
            est.fit(X, y)
        (folder / f"{name}.pkl").write_bytes(pickle.dumps((est, X)))
        if name != "KerasClassifier":  # a build function of the tests
            skdl.save(est, folder / f"{name}.skdl")
        np.save(folder / f"{name}.npy", getattr(est, method)(X))


def _load(folder: Path) -> None:
    import keras

    import skdl

    for name, method in OUTPUTS.items():
        expected = np.load(folder / f"{name}.npy")
        est, X = pickle.loads((folder / f"{name}.pkl").read_bytes())
        safe = folder / f"{name}.skdl"
        for model in (est, skdl.load(safe)) if safe.exists() else (est,):
            got = getattr(model, method)(X)
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    print("loaded on", keras.config.backend())


def _run(step: str, backend: str, folder: Path) -> str:
    code = (
        "import sys; from pathlib import Path; "
        f"from tests.unit.test_cross_backend import {step}; "
        f"{step}(Path(sys.argv[1]))"
    )
    env = {**os.environ, "KERAS_BACKEND": backend, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


@pytest.mark.parametrize(
    ("saved_on", "loaded_on"), [("tensorflow", "jax"), ("jax", "tensorflow")]
)
def test_saved_model_predicts_the_same_on_another_backend(
    saved_on, loaded_on, tmp_path
):
    pytest.importorskip(loaded_on)
    pytest.importorskip(saved_on)
    _run("_save", saved_on, tmp_path)
    assert f"loaded on {loaded_on}" in _run("_load", loaded_on, tmp_path)
