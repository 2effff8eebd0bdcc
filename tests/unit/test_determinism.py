"""Same seed, same model, in any process; fits never touch each other or globals."""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from skdl import MLPClassifier, MLPRegressor
from skdl.backend import import_keras
from tests.params import fast

ROOT = Path(__file__).resolve().parents[2]

# Trains a seeded classifier (with dropout and shuffling, so every random
# source is exercised) and prints a digest of its probabilities.
_SCRIPT = textwrap.dedent(
    """
    import hashlib, warnings
    import numpy as np
    from skdl import MLPClassifier
    warnings.simplefilter("ignore")
    rng = np.random.RandomState(42)
    X = rng.normal(size=(80, 5))
    y = (X[:, 0] - X[:, 2] > 0).astype(int)
    clf = MLPClassifier((8,), dropout=0.2, max_iter=15, batch_size=16,
                        learning_rate_init=0.01, random_state=7).fit(X, y)
    print(hashlib.sha256(clf.predict_proba(X).tobytes()).hexdigest())
    """
)


def _digest_here() -> str:
    rng = np.random.RandomState(42)
    X = rng.normal(size=(80, 5))
    y = (X[:, 0] - X[:, 2] > 0).astype(int)
    clf = MLPClassifier(
        (8,),
        dropout=0.2,
        max_iter=15,
        batch_size=16,
        learning_rate_init=0.01,
        random_state=7,
    ).fit(X, y)
    return hashlib.sha256(clf.predict_proba(X).tobytes()).hexdigest()


def test_same_random_state_same_predictions_across_processes():
    # This process has already imported Keras and run other fits; the child
    # starts fresh. Both must produce bit-identical probabilities.
    child = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.strip() == _digest_here()


def _data(seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(60, 4))
    return X, (X[:, 0] > 0).astype(int)


def test_fitting_one_estimator_never_changes_another():
    X, y = _data()
    first = fast(MLPClassifier, max_iter=5).fit(X, y)
    before = first.predict_proba(X)
    # Same architecture (a fresh network each time), a warm start, a
    # partial_fit, an unseeded fit and a regressor: none may touch `first`.
    fast(MLPClassifier, max_iter=5, random_state=1).fit(X, 1 - y)
    other = fast(MLPClassifier, max_iter=3, warm_start=True).fit(X, y)
    other.fit(X, 1 - y)
    other.partial_fit(X, y)
    fast(MLPClassifier, max_iter=3, random_state=None).fit(X, y)
    fast(MLPRegressor, max_iter=3).fit(X, X[:, 1])
    np.testing.assert_array_equal(first.predict_proba(X), before)


def _global_state() -> dict:
    from keras.src.backend.common import global_state
    from tensorflow.python.framework import config as tf_config

    keras = import_keras()
    return {
        "dtype_policy": keras.config.dtype_policy().name,
        "floatx": keras.config.floatx(),
        "python_random": random.getstate(),
        "numpy_random": repr(np.random.get_state()),
        "keras_seed": global_state.get_global_attribute("global_random_seed"),
        "keras_seed_generator": id(
            global_state.get_global_attribute("global_seed_generator")
        ),
        "tf_op_determinism": tf_config.is_op_determinism_enabled(),
        "image_data_format": keras.config.image_data_format(),
    }


def test_seeded_fit_leaves_no_global_state_changed():
    X, y = _data()
    fast(MLPClassifier, max_iter=2).fit(X, y)  # Keras fully imported first
    before = _global_state()
    fast(MLPClassifier, max_iter=3, dropout=0.1, random_state=3).fit(X, y)
    fast(MLPRegressor, max_iter=3, random_state=4).partial_fit(X, X[:, 0])
    assert _global_state() == before


def test_unseeded_fit_after_seeded_fit_works_and_is_random():
    X, y = _data()
    fast(MLPClassifier, max_iter=3, random_state=0).fit(X, y)
    a = fast(MLPClassifier, max_iter=3, dropout=0.1, random_state=None).fit(X, y)
    b = fast(MLPClassifier, max_iter=3, dropout=0.1, random_state=None).fit(X, y)
    pa, pb = a.predict_proba(X), b.predict_proba(X)
    assert np.isfinite(pa).all() and np.isfinite(pb).all()
    # Unseeded fits draw fresh seeds: two of them do not coincide.
    assert not np.array_equal(pa, pb)


def test_same_seed_same_model_in_one_process():
    X, y = _data()
    a = fast(MLPClassifier, max_iter=4, dropout=0.2).fit(X, y)
    fast(MLPClassifier, max_iter=2, random_state=None).fit(X, y)
    b = fast(MLPClassifier, max_iter=4, dropout=0.2).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
