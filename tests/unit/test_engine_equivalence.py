"""The compiled-epoch engine gives Keras ``fit``'s results, faster.

Both engines shuffle with the estimator's generator, so for a given
``random_state`` they train on the same batches in the same order; the
weights must agree to float32 rounding.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skdl import MLPClassifier, MLPRegressor
from skdl._training import loop, twins
from skdl.backend import import_keras
from tests.engines import assert_same_weights, fit_on
from tests.spies import spy_epoch_runners

keras = import_keras()

# 61 rows and batch 8: seven full batches and a last batch of five.
RNG = np.random.RandomState(0)
X = RNG.normal(size=(61, 5)).astype(np.float32)
Y_CLS = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
Y_REG = (X @ RNG.normal(size=5)).astype(np.float32)
W = RNG.uniform(0.5, 2.0, size=61).astype(np.float32)


CASES = {
    "adam": dict(solver="adam"),
    "sgd-nesterov": dict(solver="sgd", learning_rate_init=0.05),
    "sgd-plain": dict(solver="sgd", momentum=0.0, learning_rate_init=0.05),
    "rmsprop (Keras update)": dict(solver="rmsprop"),
    "dropout": dict(dropout=0.3),
}


@pytest.mark.parametrize("params", CASES.values(), ids=CASES.keys())
def test_compiled_matches_keras_fit_classifier(params):
    make = lambda: MLPClassifier(  # noqa: E731
        (7, 4), batch_size=8, max_iter=4, random_state=3, **params
    )
    fast = fit_on("compiled", make(), X, Y_CLS)
    slow = fit_on("keras", make(), X, Y_CLS)
    assert_same_weights(fast, slow)
    assert_allclose(fast.loss_curve_, slow.loss_curve_, rtol=1e-4)
    # The weights moved: the comparison is not between two initial states.
    init = MLPClassifier((7, 4), max_iter=1, random_state=3, **params)
    assert not np.allclose(fast.coefs_[0], fit_on("keras", init, X, Y_CLS).coefs_[0])


def test_compiled_matches_keras_fit_regressor_with_sample_weight():
    def make():
        return MLPRegressor(
            hidden_layer_sizes=(6,), batch_size=8, max_iter=5, random_state=1
        )

    fast = fit_on("compiled", make(), X, Y_REG, sample_weight=W)
    slow = fit_on("keras", make(), X, Y_REG, sample_weight=W)
    assert_same_weights(fast, slow)
    assert_allclose(fast.loss_curve_, slow.loss_curve_, rtol=1e-4)


def test_early_stopping_scores_match():
    # The per-epoch validation score predicts with the estimator's network,
    # which must hold the trained weights at every epoch.
    make = lambda: MLPClassifier(  # noqa: E731
        (8,),
        batch_size=8,
        max_iter=6,
        early_stopping=True,
        validation_fraction=0.3,
        learning_rate_init=0.05,
        random_state=0,
    )
    fast = fit_on("compiled", make(), X, Y_CLS)
    slow = fit_on("keras", make(), X, Y_CLS)
    assert fast.validation_scores_ == slow.validation_scores_
    assert len(set(fast.validation_scores_)) > 1
    assert_same_weights(fast, slow)


def test_partial_fit_and_warm_start_continue_the_optimizer_state():
    fast = MLPClassifier((5,), batch_size=8, random_state=0)
    slow = MLPClassifier((5,), batch_size=8, random_state=0)
    for _ in range(3):
        with loop.forced_engine("compiled"):
            fast.partial_fit(X, Y_CLS, classes=[0, 1])
        with loop.forced_engine("keras"):
            slow.partial_fit(X, Y_CLS, classes=[0, 1])
    assert_same_weights(fast, slow)
    assert int(fast.model_.optimizer.iterations) == 3 * 8
    assert int(slow.model_.optimizer.iterations) == 3 * 8


class _EpochCounter(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1


class _BatchCounter(keras.callbacks.Callback):
    batches = 0

    def on_train_batch_end(self, batch, logs=None):
        type(self).batches += 1


def test_fast_path_is_chosen_automatically(monkeypatch):
    used = spy_epoch_runners(monkeypatch)
    MLPClassifier((4,), max_iter=2, callbacks=[_EpochCounter()]).fit(X, Y_CLS)
    assert used == ["compiled"]


def test_falls_back_to_keras_fit_for_per_batch_callbacks(monkeypatch):
    used = spy_epoch_runners(monkeypatch)
    _BatchCounter.batches = 0
    MLPClassifier((4,), batch_size=8, max_iter=2, callbacks=[_BatchCounter()]).fit(
        X, Y_CLS
    )
    assert used == ["keras"]
    assert _BatchCounter.batches == 2 * 8  # every batch hook ran


def test_lambda_callback_batch_hooks_run(monkeypatch):
    used = spy_epoch_runners(monkeypatch)
    seen = []
    hook = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: seen.append(b)
    )
    MLPClassifier((4,), batch_size=8, max_iter=1, callbacks=[hook]).fit(X, Y_CLS)
    assert used == ["keras"]
    assert seen == list(range(8))


def _tiny_network(**compile_kw):
    net = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])
    net.compile(optimizer="sgd", loss="mse", **compile_kw)
    return net


def test_decide_engine_rules():
    rng = np.random.RandomState(0)
    net = _tiny_network()
    data = loop.TrainingData(X, Y_REG)
    plan = loop.TrainingPlan(epochs=1, batch_size=4, shuffle=True, rng=rng)
    assert loop.decide_engine(net, data, plan).engine == "compiled"
    plan.callbacks = [_BatchCounter()]
    choice = loop.decide_engine(net, data, plan)
    assert choice == ("keras", "callback _BatchCounter has per-batch hooks")
    plan.callbacks = [keras.callbacks.ModelCheckpoint("never.keras")]
    assert loop.decide_engine(net, data, plan).engine == "compiled"
    plan.callbacks = [keras.callbacks.LambdaCallback(on_epoch_end=print)]
    assert loop.decide_engine(net, data, plan).engine == "compiled"
    with loop.forced_engine("keras"):
        plan.callbacks = []
        choice = loop.decide_engine(net, data, plan)
        assert choice == ("keras", "the keras engine was asked for")
    assert loop.decide_engine(net, data, plan).engine == "compiled"
    eager = loop.decide_engine(_tiny_network(run_eagerly=True), data, plan)
    assert eager == ("keras", "the network is compiled with run_eagerly=True")
    with pytest.raises(ValueError, match="engine must be one of"):
        loop.forced_engine("fast").__enter__()


def test_fitted_estimator_records_its_engine_and_logs_why(caplog):
    with caplog.at_level("DEBUG", logger="skdl.training"):
        est = MLPClassifier((4,), max_iter=1, random_state=0).fit(X, Y_CLS)
    engine, reason = est.fit_engine_
    assert engine == "compiled" and "whole epochs compiled" in reason
    assert any(reason in r.getMessage() for r in caplog.records)
    with loop.forced_engine("keras"):
        est.fit(X, Y_CLS)
    assert est.fit_engine_ == ("keras", "the keras engine was asked for")


def test_reused_trainer_gives_the_same_result_and_shares_nothing():
    twins.clear_trainers()
    make = lambda: MLPClassifier((6,), batch_size=8, max_iter=3, random_state=5)  # noqa: E731
    cold = make().fit(X, Y_CLS)
    assert len(twins._POOL) == 1
    other = MLPClassifier((6,), batch_size=8, max_iter=3, random_state=9).fit(X, Y_CLS)
    before = [w.copy() for w in cold.model_.get_weights()]
    warm = make().fit(X, Y_CLS)  # the trainer of the fits above
    assert len(twins._POOL) == 1
    assert_same_weights(cold, warm, rtol=1e-6, atol=1e-7)
    assert cold.model_ is not warm.model_ and cold.model_ is not other.model_
    for w0, w1 in zip(before, cold.model_.get_weights(), strict=True):
        assert_allclose(w0, w1, rtol=0, atol=0)


def test_pool_stays_bounded():
    twins.clear_trainers()
    for width in range(1, twins.MAX_FREE_TRAINERS + 3):
        MLPClassifier((width,), max_iter=1, random_state=0).fit(X, Y_CLS)
    assert len(twins._POOL) == twins.MAX_FREE_TRAINERS


class _FailAtEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            raise RuntimeError("stop here")


def test_failed_fit_keeps_previous_model_and_pool_usable():
    est = MLPClassifier((4,), batch_size=8, max_iter=2, random_state=0).fit(X, Y_CLS)
    model, weights = est.model_, [w.copy() for w in est.model_.get_weights()]
    est.set_params(callbacks=[_FailAtEpoch()], max_iter=3)
    with pytest.raises(RuntimeError, match="stop here"):
        est.fit(X, Y_CLS)
    assert est.model_ is model
    for w0, w1 in zip(weights, est.model_.get_weights(), strict=True):
        assert_allclose(w0, w1, rtol=0, atol=0)
    est.set_params(callbacks=None).fit(X, Y_CLS)
    assert est.n_iter_ == 3


def test_pickled_estimator_predicts_and_keeps_training():
    est = MLPClassifier((5,), batch_size=8, max_iter=2, random_state=0).fit(X, Y_CLS)
    copy = pickle.loads(pickle.dumps(est))
    assert_allclose(copy.predict_proba(X), est.predict_proba(X), rtol=1e-6)
    for e in (est, copy):
        e.set_params(warm_start=True, max_iter=2).fit(X, Y_CLS)
    assert_same_weights(est, copy, rtol=1e-5, atol=1e-6)
