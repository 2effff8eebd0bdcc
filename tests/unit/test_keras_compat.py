"""Each private Keras name skdl uses still means what skdl relies on.

One test per function of ``skdl._training.keras_compat``: a Keras release
that renames or changes one of these fails here, by name, instead of
making training silently slower or different.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skdl._training import keras_compat as compat
from skdl.backend import backend_name, import_keras

keras = import_keras()

X = np.random.RandomState(0).normal(size=(8, 3)).astype(np.float32)
Y = np.ones((8, 1), np.float32)


def _net(**layer_kw):
    net = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, **layer_kw)])
    net.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return net


def test_call_for_training_passes_training_true():
    net = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dropout(0.9, seed=0), keras.layers.Dense(1)]
    )
    inference = np.asarray(net(X))
    training = np.asarray(compat.call_for_training(net, X))
    assert training.shape == inference.shape
    assert not np.allclose(training, inference)


def test_compute_loss_adds_regularization():
    net = _net(kernel_regularizer=keras.regularizers.L2(10.0))
    pred = net(X)
    loss = float(np.asarray(compat.compute_loss(net, X, Y, pred, None)))
    mse = float(np.mean((np.asarray(pred) - Y) ** 2))
    penalty = 10.0 * float(np.sum(np.asarray(net.layers[0].kernel) ** 2))
    assert_allclose(loss, mse + penalty, rtol=1e-5)


def test_track_loss_feeds_the_loss_metric():
    net = _net()
    compat.build_on_batch(net, (X[:2], Y[:2], None))
    compat.track_loss(net, 2.0, 4)
    compat.track_loss(net, 4.0, 4)
    assert_allclose(float(net.metrics[0].result()), 3.0)
    assert net.metrics[0].name == "loss"


def test_symbolic_build_builds_network_and_metrics():
    net = _net()
    compat.build_on_batch(net, (X[:2], Y[:2], None))
    assert net.built
    assert net.metrics_variables, "compiled metrics were not built"
    assert "mae" in compat_metric_names(net)


@pytest.mark.skipif(
    backend_name() != "tensorflow", reason="used by the TensorFlow epoch only"
)
def test_maybe_symbolic_build_accepts_a_data_batch():
    # Without a distribution strategy (TensorFlow) building waits for the
    # first trace; the call must still exist with this signature.
    net = _net()
    compat.build_for_tracing(net, (X[:2], Y[:2], None))
    compat.build_on_batch(net, (X[:2], Y[:2], None))
    assert net.built


def compat_metric_names(net) -> list[str]:
    from skdl._training.common import metric_results

    return list(metric_results(net))


def test_adam_slots_are_the_moments_of_the_variable():
    var = keras.Variable(np.ones((2, 3), np.float32))
    opt = keras.optimizers.Adam(learning_rate=0.1)
    opt.build([var])
    m, v = compat.adam_slots(opt, var)
    assert tuple(m.shape) == tuple(v.shape) == (2, 3)
    opt.apply([keras.ops.ones((2, 3))], [var])
    assert_allclose(np.asarray(m), 0.1)  # (1 - beta_1) * gradient
    assert_allclose(np.asarray(v), 0.001)  # (1 - beta_2) * gradient**2


def test_sgd_momentum_slot_is_the_variable_momentum():
    var = keras.Variable(np.ones(3, np.float32))
    opt = keras.optimizers.SGD(learning_rate=0.5, momentum=0.9)
    opt.build([var])
    slot = compat.sgd_momentum_slot(opt, var)
    opt.apply([keras.ops.ones(3)], [var])
    assert_allclose(np.asarray(slot), -0.5)  # momentum * 0 - lr * gradient


def test_accumulating_metrics_keeps_metrics_over_batches():
    net = _net()
    net.test_on_batch(X, Y)  # builds the metrics
    with compat.accumulating_metrics(net):
        net.test_on_batch(X[:4], Y[:4])
        logs = net.test_on_batch(X[4:], Y[4:], return_dict=True)
    whole = net.test_on_batch(X, Y, return_dict=True)
    assert_allclose(float(logs["mae"]), float(whole["mae"]), rtol=1e-5)
    assert "reset_metrics" not in net.__dict__


def test_prepare_jax_train_step_lets_the_stateless_step_run():
    net = _net()
    compat.build_on_batch(net, (X[:2], Y[:2], None))
    before = set(vars(net))
    compat.prepare_jax_train_step(net)
    if backend_name() != "jax":  # nothing to record on other backends
        assert set(vars(net)) == before
        return
    state = tuple(
        [v.value for v in group]
        for group in (
            net.trainable_variables,
            net.non_trainable_variables,
            net.optimizer.variables,
            net.metrics_variables,
        )
    )
    logs, new_state = net.train_step(state, (X, Y))
    assert len(new_state[0]) == len(state[0]) and "loss" in logs


def test_progbar_seen_counts_updates():
    bar = keras.utils.Progbar(10, verbose=0)
    bar.update(3)
    assert compat.progbar_seen(bar) == 3


def test_global_seed_state_round_trips():
    before = compat.global_seed_state()
    generator = keras.random.SeedGenerator(7)
    try:
        compat.set_global_seed_state((7, generator))
        assert compat.global_seed_state() == (7, generator)
    finally:
        compat.set_global_seed_state(before)
    assert compat.global_seed_state() == before


def test_keras_cache_dir_is_where_get_file_looks():
    import os

    home = os.environ.get("KERAS_HOME", os.path.expanduser("~/.keras"))
    assert compat.keras_cache_dir() in (home, os.path.join("/tmp", ".keras"))


@pytest.mark.filterwarnings("ignore:`input_shape` is undefined:UserWarning")
def test_refused_downloads_names_the_file_and_restores_get_file():
    from keras.src.utils import file_utils

    original = file_utils.get_file
    with compat.refused_downloads(), pytest.raises(compat.DownloadRefused) as info:
        keras.applications.MobileNetV3Small(
            include_top=False, weights="imagenet", input_shape=(32, 32, 3)
        )
    assert info.value.fname.startswith("weights_mobilenet_v3_small")
    assert info.value.origin.startswith("https://")
    assert info.value.cache_subdir == "models"
    assert file_utils.get_file is original
