"""TensorFlow's compiled epoch: the XLA path, the plain graph, and the choice.

The XLA path must train exactly what the plain graph and Keras ``fit``
train (same batches, weights equal to float32 rounding), be compiled once
per network and batch size whatever the number of rows, and be chosen by
a rule that depends only on the network and the fit's plan.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skdl import MLPClassifier, MLPRegressor
from skdl._training import tf_epoch
from skdl._training.data import TrainingData
from skdl.backend import backend_name, import_keras
from tests.engines import assert_same_weights, fit_on

pytestmark = pytest.mark.skipif(
    backend_name() != "tensorflow", reason="TensorFlow's compiled epoch"
)

keras = import_keras()

# 81 rows, batch 2: 40 full batches (two XLA calls of up to 32) and a last
# batch of one row.
RNG = np.random.RandomState(0)
X = RNG.normal(size=(81, 5)).astype(np.float32)
Y_CLS = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
Y_REG = (X @ RNG.normal(size=5)).astype(np.float32)
W = RNG.uniform(0.5, 2.0, size=81).astype(np.float32)


@pytest.fixture
def xla_always(monkeypatch):
    """Every eligible fit takes the XLA path, however short."""
    monkeypatch.setattr(tf_epoch, "XLA_MIN_BATCHES", 0)


CASES = {
    "adam": dict(solver="adam"),
    "sgd-nesterov": dict(solver="sgd", learning_rate_init=0.05),
    "rmsprop (Keras update)": dict(solver="rmsprop"),
    "l2 penalty": dict(alpha=0.01),
}


@pytest.mark.parametrize("rows", [81, 80], ids=["last batch short", "no short batch"])
@pytest.mark.parametrize("params", CASES.values(), ids=CASES.keys())
def test_xla_path_matches_keras_fit(xla_always, params, rows):
    def make():
        return MLPClassifier((7, 4), batch_size=2, max_iter=3, random_state=3, **params)

    fast = fit_on("compiled", make(), X[:rows], Y_CLS[:rows])
    assert "(XLA)" in fast.fit_engine_[1]
    slow = fit_on("keras", make(), X[:rows], Y_CLS[:rows])
    assert_same_weights(fast, slow)
    assert_allclose(fast.loss_curve_, slow.loss_curve_, rtol=1e-4)
    init = MLPClassifier((7, 4), max_iter=1, random_state=3, **params)
    assert not np.allclose(fast.coefs_[0], fit_on("keras", init, X, Y_CLS).coefs_[0])


def test_xla_path_matches_keras_fit_with_sample_weight(xla_always):
    def make():
        return MLPRegressor(
            hidden_layer_sizes=(6,), batch_size=2, max_iter=3, random_state=1
        )

    fast = fit_on("compiled", make(), X, Y_REG, sample_weight=W)
    assert "(XLA)" in fast.fit_engine_[1]
    slow = fit_on("keras", make(), X, Y_REG, sample_weight=W)
    assert_same_weights(fast, slow)
    assert_allclose(fast.loss_curve_, slow.loss_curve_, rtol=1e-4)


def test_xla_and_graph_paths_agree(monkeypatch):
    def make():
        return MLPClassifier((7,), batch_size=2, max_iter=3, random_state=5)

    graph = fit_on("compiled", make(), X, Y_CLS)
    assert "(graph: 123 planned batches" in graph.fit_engine_[1]
    monkeypatch.setattr(tf_epoch, "XLA_MIN_BATCHES", 123)
    xla = fit_on("compiled", make(), X, Y_CLS)
    assert "(XLA)" in xla.fit_engine_[1]
    assert_same_weights(xla, graph)


def test_one_xla_program_for_every_row_count(xla_always, monkeypatch):
    traced = []
    real = tf_epoch.epoch_function

    def counting(*args, **kwargs):
        traced.append(kwargs.get("xla_batch_size"))
        return real(*args, **kwargs)

    monkeypatch.setattr(tf_epoch, "epoch_function", counting)
    for rows in (81, 64, 70):
        est = MLPClassifier((9, 3), batch_size=4, max_iter=2, random_state=0)
        fit_on("compiled", est, X[:rows], Y_CLS[:rows])
        assert "(XLA)" in est.fit_engine_[1]
    # Traced once (the twin is reused); the rows are not part of its shapes.
    assert traced == [4]


def test_random_layers_train_in_the_plain_graph(xla_always):
    est = fit_on(
        "compiled",
        MLPClassifier((7,), dropout=0.2, batch_size=2, max_iter=2, random_state=0),
        X,
        Y_CLS,
    )
    assert "(graph: the network draws random numbers" in est.fit_engine_[1]


def _model(layer=None):
    layers = [keras.Input((5,)), keras.layers.Dense(4, activation="relu")]
    if layer is not None:
        layers.append(layer)
    layers.append(keras.layers.Dense(1))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="mse", jit_compile=False)
    return model


def _data():
    return TrainingData(X, Y_REG[:, None])


def test_refusal_reasons(xla_always):
    assert tf_epoch.xla_refusal(_model(), 81, 2, 3) is None
    assert "no full batch" in tf_epoch.xla_refusal(_model(), 3, 8, 1000)
    dropout = _model(keras.layers.Dropout(0.5))
    assert "random numbers" in tf_epoch.xla_refusal(dropout, 81, 2, 3)

    class NoJit(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.supports_jit = False

        def call(self, x):
            return x

    assert "does not support XLA" in tf_epoch.xla_refusal(_model(NoJit()), 81, 2, 3)


def test_the_environment_can_turn_xla_off(xla_always, monkeypatch):
    monkeypatch.setenv("SKDL_TF_XLA", "0")
    assert tf_epoch.xla_refusal(_model(), 81, 2, 3) == "XLA turned off by SKDL_TF_XLA=0"
    est = fit_on("compiled", MLPClassifier((5,), batch_size=2, max_iter=2), X, Y_CLS)
    assert "(graph: XLA turned off by SKDL_TF_XLA=0)" in est.fit_engine_[1]
    monkeypatch.setenv("SKDL_TF_XLA", "1")
    assert tf_epoch.xla_refusal(_model(), 81, 2, 3) is None


def test_default_threshold_keeps_short_fits_on_the_graph():
    planned = 3 * 41  # epochs x batches per epoch
    assert planned < tf_epoch.XLA_MIN_BATCHES
    why = tf_epoch.xla_refusal(_model(), 81, 2, 3)
    assert why.startswith(f"{planned} planned batches")
    assert tf_epoch.xla_refusal(_model(), 81, 2, 100) is None


class _HostCall(keras.layers.Layer):
    """Runs Python on the host: fine in a graph, impossible for XLA."""

    def call(self, x):
        import tensorflow as tf

        y = tf.numpy_function(lambda a: a * 1.0, [x], tf.float32)
        # The host value takes no part in the gradient.
        return x + 0.0 * tf.stop_gradient(tf.reshape(y, tf.shape(x)))

    def compute_output_shape(self, input_shape):
        return input_shape


def test_xla_compilation_failure_falls_back_to_the_graph(xla_always):
    model = _model(_HostCall())
    run = tf_epoch.TfEpoch(model, _data(), batch_size=2, epochs=3)
    assert run.path == "XLA"
    logs = run(np.arange(81), 0)
    assert run.path == "graph: XLA could not compile the network"
    assert np.isfinite(logs["loss"])
    # The failed attempt ran no batch: the epoch made exactly 41 steps.
    assert int(model.optimizer.iterations.numpy()) == 41
