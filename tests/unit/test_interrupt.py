"""A KeyboardInterrupt during fit leaves the previous fitted state, whole."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from skdl import MLPClassifier, MLPRegressor
from skdl.backend import import_keras
from tests.params import fast


def _data(n=60):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X, y


def _interrupter(at_epoch: int, per_batch: bool = False):
    """A callback that raises KeyboardInterrupt mid-fit (as Ctrl-C would)."""
    keras = import_keras()

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch >= at_epoch:
                raise KeyboardInterrupt

    class InterruptInBatch(keras.callbacks.Callback):
        # A per-batch hook sends training through Keras' own fit path;
        # raising after the first batch interrupts in the middle of an epoch.
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            if self.epoch >= at_epoch:
                raise KeyboardInterrupt

    return InterruptInBatch() if per_batch else Interrupt()


def _fitted_state(est, X):
    return (
        est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X),
        est.n_iter_,
        {k: list(v) for k, v in est.history_.items()},
        [w.copy() for w in est.model_.get_weights()],
        [np.array(v.numpy()) for v in est.model_.optimizer.variables],
    )


def _assert_same_state(a, b):
    np.testing.assert_array_equal(a[0], b[0])
    assert a[1] == b[1]
    assert a[2] == b[2]
    for wa, wb in zip(a[3], b[3], strict=True):
        np.testing.assert_array_equal(wa, wb)
    for va, vb in zip(a[4], b[4], strict=True):
        np.testing.assert_array_equal(va, vb)


@pytest.mark.parametrize("per_batch", [False, True])
def test_interrupted_first_fit_leaves_estimator_unfitted(per_batch):
    X, y = _data()
    clf = fast(MLPClassifier, max_iter=5, callbacks=[_interrupter(1, per_batch)])
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    assert not hasattr(clf, "model_")
    assert not hasattr(clf, "n_iter_")
    with pytest.raises(NotFittedError):
        clf.predict(X)


@pytest.mark.parametrize("per_batch", [False, True])
def test_interrupted_refit_keeps_previous_fit(per_batch):
    X, y = _data()
    clf = fast(MLPClassifier, max_iter=4).fit(X, y)
    before = _fitted_state(clf, X)
    clf.set_params(callbacks=[_interrupter(1, per_batch)], random_state=1)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    _assert_same_state(_fitted_state(clf, X), before)


@pytest.mark.parametrize("per_batch", [False, True])
def test_interrupted_warm_start_restores_weights_and_optimizer(per_batch):
    # warm_start trains the same network in place: the interrupted epochs
    # must be rolled back too, or the model would disagree with n_iter_.
    X, y = _data()
    clf = fast(MLPClassifier, max_iter=4, warm_start=True).fit(X, y)
    before = _fitted_state(clf, X)
    clf.set_params(callbacks=[_interrupter(5, per_batch)])
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    _assert_same_state(_fitted_state(clf, X), before)


def test_resuming_after_interrupt_matches_uninterrupted_training():
    X, y = _data()
    ref = fast(MLPClassifier, max_iter=3, warm_start=True).fit(X, y).fit(X, y)
    clf = fast(MLPClassifier, max_iter=3, warm_start=True).fit(X, y)
    clf.set_params(callbacks=[_interrupter(4)])
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    clf.set_params(callbacks=None).fit(X, y)
    assert len(clf.loss_curve_) == len(ref.loss_curve_) == 6
    np.testing.assert_array_equal(clf.predict_proba(X), ref.predict_proba(X))


def test_interrupted_partial_fit_restores_previous_state():
    X, _ = _data()
    reg = fast(MLPRegressor, max_iter=3)
    yr = X @ np.array([1.0, -2.0, 0.5, 0.0])
    reg.partial_fit(X, yr).partial_fit(X, yr)
    before = _fitted_state(reg, X)
    reg.set_params(callbacks=[_interrupter(0, per_batch=True)])
    with pytest.raises(KeyboardInterrupt):
        reg.partial_fit(X, yr)
    _assert_same_state(_fitted_state(reg, X), before)
