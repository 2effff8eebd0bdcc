"""The compiled JAX epoch: Keras ``fit``'s results with the data on the device.

These tests run on the JAX backend only (``KERAS_BACKEND=jax``; the test
command runs them so). ``test_engine_equivalence.py`` compares the two
engines on MLPs under whichever backend is active; here are the parts
particular to JAX.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skdl import ConvClassifier, KerasClassifier, MLPClassifier
from skdl._training import jax_epoch, twins
from skdl.backend import backend_name, import_keras
from tests.engines import assert_same_weights, fit_on
from tests.spies import spy_epoch_runners

pytestmark = pytest.mark.skipif(
    backend_name() != "jax", reason="the compiled JAX epoch runs on JAX only"
)

keras = import_keras()

RNG = np.random.RandomState(0)
X = RNG.normal(size=(45, 6)).astype(np.float32)
Y = (X[:, 0] - X[:, 2] > 0).astype(int)
IMAGES = RNG.uniform(size=(30, 8, 8, 1)).astype(np.float32)
IMAGE_Y = (IMAGES[:, :4].mean(axis=(1, 2, 3)) > 0.5).astype(int)


def test_batch_norm_and_dropout_cnn_matches_keras_fit():
    # Batch normalization updates non-trainable state, dropout draws from a
    # seed generator: both must be carried through the jitted loop.
    def make():
        return ConvClassifier(
            filters=(4,),
            dense_layer_sizes=(8,),
            batch_norm=True,
            dropout=0.25,
            batch_size=8,
            max_iter=3,
            random_state=0,
        )

    fast = fit_on("compiled", make(), IMAGES, IMAGE_Y)
    slow = fit_on("keras", make(), IMAGES, IMAGE_Y)
    assert_same_weights(fast, slow, rtol=1e-5, atol=1e-6)
    assert_allclose(fast.loss_curve_, slow.loss_curve_, rtol=1e-5)


def _conv_classifier():
    return ConvClassifier(
        filters=(4,), dense_layer_sizes=(8,), batch_size=8, max_iter=2, random_state=0
    )


def _spy_epoch_makers(monkeypatch) -> list[str]:
    """Record which epoch function each new network gets (pool emptied)."""
    twins.clear_trainers()
    made: list[str] = []
    for name in ("_make_epoch_function", "_make_stepwise_epoch"):
        original = getattr(jax_epoch, name)

        def spy(model, batch_size, _name=name, _original=original):
            made.append(_name)
            return _original(model, batch_size)

        monkeypatch.setattr(jax_epoch, name, spy)
    return made


def test_convolutions_on_a_cpu_train_one_step_per_call(monkeypatch):
    made = _spy_epoch_makers(monkeypatch)
    fit_on("compiled", _conv_classifier(), IMAGES, IMAGE_Y)
    fit_on("compiled", MLPClassifier((5,), max_iter=2, random_state=0), X, Y)
    assert made == ["_make_stepwise_epoch", "_make_epoch_function"]


def test_convolutions_in_one_program_match_keras_fit(monkeypatch):
    # What a GPU runs: the whole epoch as one XLA loop, convolutions inside.
    made = _spy_epoch_makers(monkeypatch)
    monkeypatch.setattr(jax_epoch, "_on_cpu", lambda array: False)
    fast = fit_on("compiled", _conv_classifier(), IMAGES, IMAGE_Y)
    slow = fit_on("keras", _conv_classifier(), IMAGES, IMAGE_Y)
    assert made == ["_make_epoch_function"]
    assert_same_weights(fast, slow, rtol=1e-5, atol=1e-6)
    twins.clear_trainers()  # no twin keeps this function for later tests


def test_epoch_function_is_traced_once_per_shape(monkeypatch):
    traced = []
    make = jax_epoch._make_epoch_function

    def counting(model, batch_size):
        traced.append(batch_size)
        return make(model, batch_size)

    monkeypatch.setattr(jax_epoch, "_make_epoch_function", counting)
    twins.clear_trainers()
    est = MLPClassifier((5,), batch_size=8, max_iter=2, random_state=0)
    est.fit(X, Y)
    est.fit(X, Y)  # the pooled trainer and its function serve again
    for _ in range(2):
        est.partial_fit(X, Y)
    assert traced == [8]


def test_large_data_train_through_keras_fit(monkeypatch):
    used = spy_epoch_runners(monkeypatch)
    small = fit_on("auto", MLPClassifier((5,), max_iter=2, random_state=0), X, Y)
    monkeypatch.setattr(jax_epoch, "MAX_RESIDENT_BYTES", X.nbytes - 1)
    large = fit_on("auto", MLPClassifier((5,), max_iter=2, random_state=0), X, Y)
    assert used == ["compiled", "keras"]
    assert_same_weights(small, large, rtol=1e-5, atol=1e-6)


def _logistic(meta):
    model = keras.Sequential(
        [keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1, "sigmoid")]
    )
    return model


def test_run_eagerly_trains_step_by_step(monkeypatch):
    used = spy_epoch_runners(monkeypatch)
    common = dict(model=_logistic, loss="binary_crossentropy", epochs=2, random_state=0)
    eager = KerasClassifier(run_eagerly=True, **common).fit(X, Y)
    compiled = KerasClassifier(**common).fit(X, Y)
    assert used == ["keras", "compiled"]
    assert_allclose(
        eager.model_.get_weights()[0], compiled.model_.get_weights()[0], rtol=1e-5
    )


def test_fits_on_device_counts_every_array(monkeypatch):
    monkeypatch.setattr(jax_epoch, "MAX_RESIDENT_BYTES", 100)
    assert jax_epoch.fits_on_device(np.zeros(10, np.float32), None)
    assert jax_epoch.fits_on_device(np.zeros(25, np.float32))
    assert not jax_epoch.fits_on_device(
        np.zeros(20, np.float32), np.zeros(20, np.float32)
    )
