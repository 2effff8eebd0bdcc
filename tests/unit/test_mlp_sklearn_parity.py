"""The MLPs behave as sklearn.neural_network's: L-BFGS, attributes, dtypes."""

from __future__ import annotations

import contextlib
import re
import warnings

import numpy as np
import pytest
from sklearn import neural_network
from sklearn.datasets import load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skdl import MLPClassifier, MLPRegressor
from skdl.backend import backend_name

X_IRIS = StandardScaler().fit_transform(load_iris().data)
Y_IRIS = load_iris().target
X_BIN, Y_BIN = make_classification(n_samples=80, n_features=5, random_state=0)
ON_TF = pytest.mark.skipif(
    backend_name() != "tensorflow", reason="float64 networks are TensorFlow's"
)


@contextlib.contextmanager
def convergence_warning(match=""):
    """Expect a ConvergenceWarning (recorded directly: ``pytest.warns``
    re-emits the backend's unrelated warnings, errors under this suite)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    messages = [str(w.message) for w in caught if w.category is ConvergenceWarning]
    assert any(re.search(match, m) for m in messages), messages


def _lbfgs(cls, **params):
    return cls(solver="lbfgs", hidden_layer_sizes=(5,), random_state=0, **params)


@ON_TF
def test_lbfgs_follows_sklearn_from_the_same_start():
    # Same starting weights (sklearn's scheme and generator), same loss,
    # float64: the two L-BFGS runs stay together.
    ours = _lbfgs(MLPClassifier, max_iter=15)
    ref = neural_network.MLPClassifier(
        solver="lbfgs", hidden_layer_sizes=(5,), random_state=0, max_iter=15
    )
    with convergence_warning("lbfgs"):
        ours.fit(X_IRIS, Y_IRIS)
    with convergence_warning():
        ref.fit(X_IRIS, Y_IRIS)
    assert ours.n_iter_ == ref.n_iter_ == 15
    assert ours.loss_ == pytest.approx(ref.loss_, rel=1e-4)
    ours_w, ref_w = ours.coefs_ + ours.intercepts_, ref.coefs_ + ref.intercepts_
    for a, b in zip(ours_w, ref_w, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-3)


def test_lbfgs_stops_on_max_fun_and_records_iterations(capsys):
    clf = _lbfgs(MLPClassifier, max_iter=100, max_fun=6, verbose=True)
    with convergence_warning("max_fun"):
        clf.fit(X_BIN, Y_BIN)
    assert 1 <= clf.n_iter_ <= 6
    assert len(clf.loss_curve_) == clf.n_iter_
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.validation_scores_ is None
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Iteration 1, loss = ")
    assert not hasattr(clf, "partial_fit")


def test_lbfgs_converges_and_warm_starts():
    reg = _lbfgs(MLPRegressor, max_iter=500, tol=1e-6, warm_start=True)
    y = X_BIN[:, 0] - 2 * X_BIN[:, 1]
    reg.fit(X_BIN, y)
    assert reg.n_iter_ < 500 and reg.score(X_BIN, y) > 0.99
    first_curve = len(reg.loss_curve_)
    reg.set_params(max_iter=3).fit(X_BIN, y)
    assert reg.n_iter_ <= 3
    assert len(reg.loss_curve_) == first_curve + reg.n_iter_


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_weights_and_predictions_keep_the_input_dtype(dtype):
    reg = MLPRegressor(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    reg.fit(X_BIN.astype(dtype), Y_BIN)
    assert all(c.dtype == dtype for c in reg.coefs_ + reg.intercepts_)
    assert reg.predict(X_BIN.astype(dtype)).dtype == dtype


@ON_TF
def test_float64_input_trains_a_float64_network_unless_float32_is_asked():
    clf = MLPClassifier((3,), max_iter=2, random_state=0).fit(X_BIN, Y_BIN)
    assert clf.model_.layers[-1].kernel.dtype == "float64"
    forced = MLPClassifier((3,), max_iter=2, random_state=0, precision="float32")
    assert forced.fit(X_BIN, Y_BIN).model_.layers[-1].kernel.dtype == "float32"


def test_coefs_set_on_a_fitted_estimator_write_into_the_network():
    clf = MLPClassifier((3,), max_iter=2, random_state=0).fit(X_BIN, Y_BIN)
    clf.coefs_ = [np.zeros_like(c) for c in clf.coefs_]
    clf.intercepts_ = [np.zeros_like(i) for i in clf.intercepts_]
    np.testing.assert_allclose(clf.predict_proba(X_BIN), 0.5)
    with pytest.raises(ValueError, match="shape"):
        clf.coefs_ = [np.zeros((2, 2)), np.zeros((3, 1))]


def test_weights_set_before_partial_fit_are_its_starting_point():
    # sklearn's own worked example: one SGD step from hand-set weights.
    clf = MLPClassifier(
        (2,), activation="logistic", solver="sgd", alpha=0.1, momentum=0,
        learning_rate_init=0.1, max_iter=1, random_state=1,
    )  # fmt: skip
    clf.coefs_ = [0, 0]
    clf.intercepts_ = [0, 0]
    clf.coefs_[0] = np.array([[0.1, 0.2], [0.3, 0.1], [0.5, 0]])
    clf.coefs_[1] = np.array([[0.1], [0.2]])
    clf.intercepts_[0] = np.array([0.1, 0.1])
    clf.intercepts_[1] = np.array([1.0])
    clf.n_outputs_ = 1
    assert clf.n_outputs_ == 1
    clf.partial_fit(np.array([[0.6, 0.8, 0.7]]), np.array([0]), classes=[0, 1])
    np.testing.assert_allclose(clf.coefs_[1].ravel(), [0.04706, 0.154089], atol=1e-3)
    np.testing.assert_allclose(clf.intercepts_[1], [0.9235], atol=1e-3)
    assert clf.n_outputs_ == 1 and clf.out_activation_ == "logistic"


def test_predict_log_proba_is_the_log_of_predict_proba():
    clf = MLPClassifier((3,), max_iter=3, random_state=0).fit(X_IRIS, Y_IRIS)
    np.testing.assert_allclose(
        clf.predict_log_proba(X_IRIS), np.log(clf.predict_proba(X_IRIS))
    )


def test_poisson_loss_predicts_positive_rates_and_refuses_negative_targets():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(100, 1))
    y = rng.poisson(np.exp(X[:, 0] + 1))
    reg = MLPRegressor("poisson", hidden_layer_sizes=(1,), activation="identity",
                       solver="lbfgs", alpha=0, random_state=0).fit(X, y)  # fmt: skip
    assert reg.out_activation_ == "exp"
    pred = reg.predict(X)
    assert (pred > 0).all() and abs(pred.mean() - y.mean()) < 0.05 * y.mean()
    with pytest.raises(ValueError, match="non-negative"):
        MLPRegressor(loss="poisson", max_iter=1).fit(X, -y)


def test_n_iter_no_change_inf_runs_every_epoch():
    clf = MLPClassifier((3,), solver="sgd", tol=1e9, max_iter=4,
                        n_iter_no_change=np.inf, random_state=0)  # fmt: skip
    with convergence_warning():
        clf.fit(X_BIN, Y_BIN)
    assert clf.n_iter_ == 4
    assert clf._no_improvement_count == 3


def test_sklearn_errors_for_early_stopping():
    reg = MLPRegressor(hidden_layer_sizes=(3,), early_stopping=True, max_iter=2)
    with pytest.raises(ValueError, match="validation set is too small"):
        reg.fit(X_BIN[:8], Y_BIN[:8])
    clf = MLPClassifier((3,), early_stopping=True, max_iter=2, random_state=0)
    with pytest.raises(ValueError, match="least populated"):
        clf.fit(X_BIN[:40], np.r_[np.zeros(39), 1])
    with pytest.raises(ValueError, match="partial_fit does not support"):
        clf.partial_fit(X_BIN, Y_BIN, classes=[0, 1])


@ON_TF  # a float32 network (JAX) refuses such values before training
def test_diverging_training_stops_with_sklearns_message():
    huge = np.finfo(np.float64).max * np.random.RandomState(0).uniform(size=(10, 2))
    with pytest.raises(ValueError, match="non-finite parameter weights"):
        MLPRegressor(hidden_layer_sizes=(3,), max_iter=2).fit(huge, np.arange(10.0))
