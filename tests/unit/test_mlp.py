"""MLPClassifier / MLPRegressor: targets, attributes, training controls."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import NotFittedError

from skdl import MLPClassifier, MLPRegressor
from tests.params import fast


@pytest.fixture(scope="module")
def binary():
    X, y = make_classification(n_samples=120, n_features=6, random_state=0)
    return X.astype(np.float32), y


@pytest.fixture(scope="module")
def fitted(binary):
    X, y = binary
    return fast(MLPClassifier).fit(X, y)


def test_probabilities_sum_to_one_and_match_predict(fitted, binary):
    X, _ = binary
    proba = fitted.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(
        fitted.predict(X), fitted.classes_[proba.argmax(axis=1)]
    )


def test_learns_the_binary_problem(fitted, binary):
    X, y = binary
    assert fitted.score(X, y) > 0.9


def test_sklearn_fitted_attributes(fitted):
    assert fitted.n_iter_ == len(fitted.loss_curve_) >= 1
    assert fitted.loss_ == fitted.loss_curve_[-1]
    assert fitted.best_loss_ == min(fitted.loss_curve_)
    assert fitted.validation_scores_ is None
    assert fitted.best_validation_score_ is None
    assert fitted.t_ == fitted.n_iter_ * 120
    assert [c.shape for c in fitted.coefs_] == [(6, 16), (16, 1)]
    assert [b.shape for b in fitted.intercepts_] == [(16,), (1,)]
    assert fitted.n_layers_ == 3
    assert fitted.n_outputs_ == 1
    assert fitted.out_activation_ == "logistic"
    assert set(fitted.history_) == {"loss", "accuracy"}
    assert fitted.loss_curve_ == fitted.history_["loss"]


def test_string_labels_multiclass():
    X, y = make_classification(
        n_samples=150,
        n_features=5,
        n_informative=4,
        n_redundant=0,
        n_classes=3,
        random_state=1,
    )
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = fast(MLPClassifier).fit(X, labels)
    assert clf.classes_.tolist() == ["setosa", "versicolor", "virginica"]
    assert clf.out_activation_ == "softmax"
    assert set(clf.predict(X)) <= set(clf.classes_)
    assert clf.predict_proba(X).shape == (150, 3)
    assert clf.score(X, labels) > 0.8


def test_multilabel_targets():
    X, Y = make_multilabel_classification(n_samples=100, n_classes=3, random_state=0)
    clf = fast(MLPClassifier).fit(X, Y)
    assert clf.predict(X).shape == Y.shape
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape
    assert ((proba >= 0) & (proba <= 1)).all()
    assert set(np.unique(clf.predict(X))) <= {0, 1}


def test_regressor_standardizes_target_and_multi_output():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(200, 3))
    Y = np.column_stack([1000 * X[:, 0] + 5000, -3 * X[:, 1]])
    reg = fast(MLPRegressor).fit(X, Y)
    pred = reg.predict(X)
    assert pred.shape == (200, 2)
    # Predictions come back in the target's units.
    assert abs(pred[:, 0].mean() - 5000) < 100
    assert reg.score(X, Y) > 0.8
    assert reg.out_activation_ == "identity"
    single = fast(MLPRegressor).fit(X, Y[:, 0])
    assert single.predict(X).shape == (200,)


def test_same_random_state_gives_identical_results(binary):
    X, y = binary
    a = fast(MLPClassifier).fit(X, y).predict_proba(X)
    b = fast(MLPClassifier).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    c = fast(MLPClassifier, random_state=1).fit(X, y).predict_proba(X)
    assert not np.array_equal(a, c)


def test_unseeded_fit_after_seeded_fit(binary):
    X, y = binary
    fast(MLPClassifier).fit(X, y)
    a = fast(MLPClassifier, random_state=None, max_iter=3).fit(X, y)
    b = fast(MLPClassifier, random_state=None, max_iter=3).fit(X, y)
    # Unseeded fits draw fresh weights: the seeded fit left no seed behind.
    assert not np.array_equal(a.coefs_[0], b.coefs_[0])


def test_pickle_round_trip_is_bit_identical(fitted, binary):
    X, _ = binary
    clone_ = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(clone_.predict_proba(X), fitted.predict_proba(X))
    assert clone_.history_ == fitted.history_


def test_clone_keeps_params_and_drops_fit(fitted):
    c = clone(fitted)
    assert c.get_params() == fitted.get_params()
    assert not hasattr(c, "model_")
    with pytest.raises(NotFittedError):
        c.predict(np.zeros((1, 6)))


def test_warm_start_continues_training(binary):
    X, y = binary
    clf = fast(MLPClassifier, warm_start=True, max_iter=5, tol=0.0)
    clf.fit(X, y)
    first = clf.model_
    clf.fit(X, y)
    assert clf.model_ is first
    # As in sklearn: n_iter_ counts this call's epochs, the curve all of them.
    assert clf.n_iter_ == 5
    assert len(clf.loss_curve_) == 10
    cold = fast(MLPClassifier, max_iter=5).fit(X, y)
    cold_model = cold.model_
    cold.fit(X, y)
    assert cold.model_ is not cold_model
    assert cold.n_iter_ == 5


def test_partial_fit_one_epoch_per_call(binary):
    X, y = binary
    clf = fast(MLPClassifier)
    with pytest.raises(ValueError, match="only one class"):
        clf.partial_fit(X[y == 0], y[y == 0])
    clf.partial_fit(X[y == 0], y[y == 0], classes=[0, 1])
    clf.partial_fit(X, y)
    assert clf.n_iter_ == 1  # as in sklearn: the epochs of the last call
    assert len(clf.loss_curve_) == 2
    assert clf.classes_.tolist() == [0, 1]
    with pytest.raises(ValueError, match="not the same"):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="not seen"):
        clf.partial_fit(X[:3], np.array([0, 1, 5]))
    assert len(clf.loss_curve_) == 2


def test_regressor_partial_fit(binary):
    X, _ = binary
    reg = fast(MLPRegressor)
    reg.partial_fit(X, X[:, 0])
    reg.partial_fit(X, X[:, 0])
    assert reg.n_iter_ == 1
    assert len(reg.loss_curve_) == 2


def test_early_stopping_holds_out_and_restores_best(binary):
    X, y = binary
    clf = fast(MLPClassifier, early_stopping=True, max_iter=200, n_iter_no_change=3)
    clf.fit(X, y)
    assert clf.n_iter_ < 200
    assert clf.best_loss_ is None
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert {"val_loss", "val_accuracy", "val_score"} <= set(clf.history_)
    # 10% of 120 rows held out: the restored best weights score as recorded.
    again = fast(MLPClassifier, early_stopping=True, max_iter=200, n_iter_no_change=3)
    again.fit(X, y)
    assert again.validation_scores_ == clf.validation_scores_


def test_training_loss_convergence_stops_early(binary):
    X, y = binary
    clf = fast(MLPClassifier, max_iter=500, tol=0.5, n_iter_no_change=2).fit(X, y)
    # As in sklearn: epoch 1 improves on +inf, epochs 2-4 never improve by
    # 0.5, and the count must exceed n_iter_no_change (3 > 2): stop after 4.
    assert clf.n_iter_ == 4


def test_convergence_warning_when_max_iter_reached(binary):
    from sklearn.exceptions import ConvergenceWarning

    X, y = binary
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        fast(MLPClassifier, max_iter=2, tol=0.0).fit(X, y)


@pytest.mark.parametrize("mode", ["invscaling", "adaptive"])
def test_sgd_learning_rate_modes(binary, mode):
    X, y = binary
    clf = fast(
        MLPClassifier,
        solver="sgd",
        learning_rate=mode,
        max_iter=30,
        learning_rate_init=0.1,
        n_iter_no_change=2,
        tol=0.05,
    ).fit(X, y)
    lr = float(np.asarray(clf.model_.optimizer.learning_rate))
    if mode == "invscaling":
        assert lr == pytest.approx(0.1 / (clf.t_ + 1) ** 0.5, rel=1e-5)
    else:
        # Each time the loss stalls the rate is divided by 5.
        ratio = np.log(0.1 / lr) / np.log(5)
        assert ratio == pytest.approx(round(ratio), abs=1e-4)
        assert lr < 0.1


def test_keras_schedule_as_learning_rate(binary):
    import keras

    X, y = binary
    schedule = keras.optimizers.schedules.InverseTimeDecay(
        0.1, decay_steps=1, decay_rate=1e-4
    )
    clf = fast(MLPClassifier, solver="sgd", learning_rate=schedule).fit(X, y)
    assert clf.score(X, y) > 0.8


def test_other_keras_optimizer_names(binary):
    X, y = binary
    clf = fast(MLPClassifier, solver="rmsprop", learning_rate_init=0.005).fit(X, y)
    assert type(clf.model_.optimizer).__name__ == "RMSprop"
    assert float(np.asarray(clf.model_.optimizer.learning_rate)) == pytest.approx(0.005)


def test_dropout_layers(binary):
    X, y = binary
    clf = fast(MLPClassifier, hidden_layer_sizes=(8, 4), dropout=[0.5, 0.0]).fit(X, y)
    rates = [lay.rate for lay in clf.model_.layers if type(lay).__name__ == "Dropout"]
    assert rates == [0.5]
    # Dropout is off at predict: repeated predictions agree exactly.
    np.testing.assert_array_equal(clf.predict_proba(X), clf.predict_proba(X))
    with pytest.raises(ValueError, match="dropout"):
        fast(MLPClassifier, hidden_layer_sizes=(8, 4), dropout=[0.5]).fit(X, y)


def test_class_weight_balanced_and_dict(binary):
    X, y = binary
    y = y.copy()
    y[:50] = 0  # imbalance
    plain = fast(MLPClassifier, max_iter=5).fit(X, y)
    balanced = fast(MLPClassifier, max_iter=5, class_weight="balanced").fit(X, y)
    assert plain.loss_curve_ != balanced.loss_curve_
    fast(MLPClassifier, max_iter=2, class_weight={0: 1.0, 1: 3.0}).fit(X, y)
    with pytest.raises(ValueError, match="not classes of y"):
        fast(MLPClassifier, class_weight={7: 1.0}).fit(X, y)


def test_sample_weight_zero_rows_are_ignored(binary):
    X, y = binary
    w = np.ones(len(y))
    w[:20] = 0.0
    X_noise = X.copy()
    X_noise[:20] = 1e3  # garbage rows that must not matter
    params = dict(shuffle=False, max_iter=30, batch_size=1000, tol=0.0)
    a = fast(MLPClassifier, **params).fit(X_noise, y, sample_weight=w)
    b = fast(MLPClassifier, **params).fit(X[20:], y[20:])
    # One full batch per epoch: the zero-weight rows add nothing to the
    # gradient, which only differs by a constant factor (the mean runs over
    # 120 rows instead of 100) that Adam's normalisation cancels.
    np.testing.assert_allclose(
        a.predict_proba(X[20:]), b.predict_proba(X[20:]), atol=2e-3
    )
    assert a.score(X[20:], y[20:]) > 0.75


def test_lbfgs_refuses_dropout_and_has_no_partial_fit(binary):
    X, y = binary
    with pytest.raises(ValueError, match="dropout"):
        MLPClassifier(solver="lbfgs", dropout=0.2).fit(X, y)
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")


@pytest.mark.parametrize(
    ("param", "value", "match"),
    [
        ("solver", "nosuch", "solver"),
        ("activation", "nosuch", "activation"),
        ("hidden_layer_sizes", (4, 0), "hidden_layer_sizes"),
        ("hidden_layer_sizes", (4, "a"), "hidden_layer_sizes"),
        ("max_iter", 0, "max_iter"),
        ("batch_size", 0, "batch_size"),
        ("alpha", -1.0, "alpha"),
        ("learning_rate", "fast", "learning_rate"),
        ("validation_fraction", 1.0, "validation_fraction"),
        ("callbacks", ["not a callback"], "callbacks"),
    ],
)
def test_invalid_params_raise_naming_the_param(binary, param, value, match):
    X, y = binary
    clf = fast(MLPClassifier, **{param: value})
    with pytest.raises((ValueError, TypeError), match=match):
        clf.fit(X, y)
    assert not hasattr(clf, "model_")


def test_rejected_refit_keeps_previous_model(binary):
    X, y = binary
    clf = fast(MLPClassifier, max_iter=3).fit(X, y)
    before = clf.predict_proba(X)
    model = clf.model_
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(bad, y)
    with pytest.raises(ValueError, match="Unknown label type"):
        clf.fit(X[:, :3], np.linspace(0, 1, len(X)))
    assert clf.model_ is model
    assert clf.n_features_in_ == 6
    np.testing.assert_array_equal(clf.predict_proba(X), before)


def test_bad_inputs_at_predict(fitted, binary):
    X, _ = binary
    with pytest.raises(ValueError, match="6 features"):
        fitted.predict(X[:, :4])
    with pytest.raises(ValueError, match="dim 3"):
        fitted.predict(X.reshape(len(X), 2, 3))
    with pytest.raises(ValueError, match="infinity"):
        fitted.predict(np.full((1, 6), np.inf))
    with pytest.raises(ValueError, match="0 sample"):
        fitted.predict(np.zeros((0, 6)))


def test_bad_inputs_at_fit(binary):
    X, y = binary
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        fast(MLPClassifier).fit(X, y[:-1])
    with pytest.raises(ValueError, match=r"could not convert|dtype"):
        fast(MLPClassifier).fit(np.array([["a", "b"], ["c", "d"]]), [0, 1])
    with pytest.raises(ValueError, match="Unknown label type"):
        fast(MLPClassifier).fit(X, np.linspace(0, 1, len(X)))
