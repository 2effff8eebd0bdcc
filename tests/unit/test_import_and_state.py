"""Import cost and global state: skdl leaves the process as it found it."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
from sklearn.datasets import make_classification

from skdl import MLPClassifier
from skdl.backend import seeded


def test_import_skdl_does_not_import_the_backend():
    code = (
        "import sys, skdl; from skdl import MLPClassifier, plot_history; "
        "print(','.join(m for m in ('tensorflow','keras','jax','torch') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""


def _global_state():
    from keras.src.backend.common import global_state

    return (
        random.getstate(),
        np.random.get_state()[1].tobytes(),
        global_state.get_global_attribute("global_random_seed"),
        global_state.get_global_attribute("global_seed_generator"),
    )


def test_seeded_fit_leaves_global_random_state_unchanged():
    import keras

    X, y = make_classification(n_samples=40, random_state=0)
    keras.random.normal((1,))  # make sure Keras' global generator exists
    before = _global_state()
    MLPClassifier((4,), max_iter=2, random_state=0).fit(X, y)
    assert _global_state() == before
    with seeded(123):
        random.random()
    assert _global_state() == before


def test_seeded_block_is_reproducible():
    with seeded(7):
        a = (random.random(), np.random.rand())
    with seeded(7):
        b = (random.random(), np.random.rand())
    assert a == b
