"""EpochSearchCV reports what GridSearchCV over the epoch count reports."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, make_regression
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    ParameterGrid,
    StratifiedKFold,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import KerasRegressor, MLPClassifier
from skdl.model_selection import EpochSearchCV
from skdl.model_selection._epoch_search import epoch_candidates
from tests.params import build_regressor


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    rng = np.random.RandomState(0)
    rows = rng.choice(len(y), 240, replace=False)
    return StandardScaler().fit_transform(X[rows]), y[rows]


def _grid_search(estimator, grid, key, epochs, **kwargs):
    if isinstance(grid, dict):
        grid = {**grid, key: epochs}
    else:
        grid = [{**g, key: epochs} for g in grid]
    return GridSearchCV(estimator, grid, **kwargs)


def _assert_same_results(a, b, scores=("test_score",)):
    assert a.cv_results_["params"] == b.cv_results_["params"]
    for name in scores:
        prefixes = ["mean_", "std_", "split0_", "split1_"]
        prefixes += ["rank_"] if name.startswith("test_") else []
        for prefix in prefixes:
            np.testing.assert_allclose(
                a.cv_results_[prefix + name], b.cv_results_[prefix + name], atol=1e-6
            )
    param_keys = sorted(k for k in b.cv_results_ if k.startswith("param_"))
    assert sorted(k for k in a.cv_results_ if k.startswith("param_")) == param_keys
    for key in param_keys:
        assert list(a.cv_results_[key]) == list(b.cv_results_[key])


def test_equals_grid_search_over_max_iter(cancer):
    X, y = cancer
    net = MLPClassifier((4,), batch_size=32, learning_rate_init=0.01, random_state=0)
    grid = {"alpha": [1e-4, 1e-1]}
    cv = StratifiedKFold(2)
    ours = EpochSearchCV(net, grid, epochs=[5, 2], cv=cv).fit(X, y)
    theirs = _grid_search(net, grid, "max_iter", [5, 2], cv=cv).fit(X, y)
    _assert_same_results(ours, theirs)
    assert ours.best_params_ == theirs.best_params_
    assert ours.best_epoch_ == theirs.best_params_["max_iter"]
    assert ours.best_score_ == pytest.approx(theirs.best_score_, abs=1e-6)
    assert ours.best_estimator_.n_iter_ == ours.best_epoch_
    np.testing.assert_array_equal(
        ours.predict_proba(X), theirs.best_estimator_.predict_proba(X)
    )
    # fit_time runs to the end of each epoch count: longer for more epochs.
    times = ours.cv_results_["mean_fit_time"]
    assert np.all(times[0::2] > times[1::2])


def test_early_stopping_scores_the_weights_a_shorter_fit_ends_with(cancer):
    X, y = cancer
    net = MLPClassifier(
        (4,),
        batch_size=32,
        learning_rate_init=0.05,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=1,
        random_state=0,
    )
    # Training stops before the longest count: those rows score the stopped fit.
    assert net.fit(X, y).n_iter_ < 12
    epochs = [1, 3, 12]
    grid = [{"hidden_layer_sizes": [(4,)]}, {"alpha": [0.5]}]
    cv = StratifiedKFold(2)
    ours = EpochSearchCV(net, grid, epochs=epochs, cv=cv, refit=False).fit(X, y)
    theirs = _grid_search(net, grid, "max_iter", epochs, cv=cv, refit=False)
    _assert_same_results(ours, theirs.fit(X, y))
    assert not hasattr(ours, "best_estimator_")


def test_keras_callbacks_that_restore_weights_are_followed(cancer):
    import keras

    from skdl.callbacks import BestModelCheckpoint

    X, y = cancer
    stop = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=50, restore_best_weights=True
    )
    net = MLPClassifier(
        (4,),
        batch_size=32,
        learning_rate_init=0.3,
        callbacks=[stop],
        random_state=0,
    )
    grid = {"callbacks": [[stop], [BestModelCheckpoint("val_accuracy")]]}
    cv = StratifiedKFold(2)
    ours = EpochSearchCV(net, grid, epochs=[3, 8], cv=cv).fit(X, y)
    theirs = _grid_search(net, grid, "max_iter", [3, 8], cv=cv).fit(X, y)
    _assert_same_results(ours, theirs)


def test_learning_rate_schedules_are_covered(cancer):
    """sklearn's modes and Keras schedules depend on steps, not on max_iter."""
    import keras

    X, y = cancer
    decay = keras.optimizers.schedules.InverseTimeDecay(0.1, 1, 0.01)
    net = MLPClassifier(
        (4,),
        solver="sgd",
        batch_size=32,
        learning_rate_init=0.1,
        n_iter_no_change=1,
        random_state=0,
    )
    grid = {"learning_rate": ["invscaling", "adaptive", decay]}
    cv = StratifiedKFold(2)
    ours = EpochSearchCV(net, grid, epochs=[2, 6], cv=cv).fit(X, y)
    theirs = _grid_search(net, grid, "max_iter", [2, 6], cv=cv).fit(X, y)
    _assert_same_results(ours, theirs)


def test_pipeline_multimetric_and_train_scores(cancer):
    X, y = cancer
    pipe = make_pipeline(
        StandardScaler(), MLPClassifier((4,), batch_size=64, random_state=1)
    )
    grid = {"mlpclassifier__learning_rate_init": [0.01, 0.05]}
    kwargs = dict(
        scoring=["accuracy", "neg_log_loss"],
        refit="neg_log_loss",
        cv=StratifiedKFold(2),
        return_train_score=True,
    )
    ours = EpochSearchCV(pipe, grid, epochs=[2, 4], **kwargs).fit(X, y)
    theirs = _grid_search(pipe, grid, "mlpclassifier__max_iter", [2, 4], **kwargs)
    names = ("test_accuracy", "test_neg_log_loss", "train_neg_log_loss")
    _assert_same_results(ours, theirs.fit(X, y), names)
    assert ours.best_params_ == theirs.best_params_
    assert ours.best_epoch_ == ours.best_params_["mlpclassifier__max_iter"]
    assert ours.best_estimator_[-1].n_iter_ == ours.best_epoch_


def test_keras_wrapper_searches_its_epochs_parameter():
    X, y = make_regression(n_samples=80, n_features=4, noise=1.0, random_state=0)
    net = KerasRegressor(
        model=build_regressor,
        model__hidden_layer_sizes=(8,),
        optimizer__learning_rate=0.01,
        batch_size=16,
        random_state=0,
    )
    grid = {"optimizer__learning_rate": [0.01]}
    cv = KFold(2)
    ours = EpochSearchCV(net, grid, epochs=[1, 3], cv=cv).fit(X, y)
    theirs = _grid_search(net, grid, "epochs", [1, 3], cv=cv).fit(X, y)
    _assert_same_results(ours, theirs)
    assert ours.best_epoch_ == ours.best_params_["epochs"]


def test_candidates_follow_parameter_grid_order():
    grid = [{"b": [1, 2], "a": ["x"]}, {"c": [0]}]
    candidates, groups, slots = epoch_candidates(grid, "m__max_iter", [7, 3])
    expected = list(ParameterGrid([{**g, "m__max_iter": [7, 3]} for g in grid]))
    assert candidates == expected
    assert groups == [{"a": "x", "b": 1}, {"a": "x", "b": 2}, {"c": 0}]
    for candidate, (group, position) in zip(candidates, slots, strict=True):
        assert candidate["m__max_iter"] == [7, 3][position]
        assert {k: v for k, v in candidate.items() if k != "m__max_iter"} == (
            groups[group]
        )


def test_failed_fits_get_error_score_for_every_epoch_count(cancer):
    X, y = cancer
    net = MLPClassifier((4,), batch_size=64, random_state=0)
    grid = {"activation": ["relu", "no-such-activation"]}
    search = EpochSearchCV(net, grid, epochs=[1, 2], cv=2, error_score=-1.0)
    # Recorded directly: pytest.warns would re-emit Keras' own warnings.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FitFailedWarning)
        search.fit(X, y)
    failed = [w for w in caught if issubclass(w.category, FitFailedWarning)]
    assert len(failed) == 1 and "4 fits failed" in str(failed[0].message)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(scores[2:] == -1.0) and np.all(scores[:2] > 0)
    assert search.best_params_["activation"] == "relu"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(param_grid={"max_iter": [3]}), ValueError, "must not contain 'max_iter'"),
        (dict(epochs=[]), ValueError, "'epochs' parameter must be a non-empty"),
        (dict(epochs=[0, 2]), ValueError, r"positive ints .*got \[0, 2\]"),
        (dict(epochs=[2.5]), ValueError, "positive ints"),
        (dict(estimator=StandardScaler()), TypeError, "needs an skdl network"),
        (
            dict(
                estimator=MLPClassifier((4,), backbone="b.keras"),
                param_grid={"fine_tune_epochs": [0, 2]},
            ),
            ValueError,
            r"fine-tune a backbone \(fine_tune_epochs=2\)",
        ),
    ],
)
def test_bad_parameters_are_named(cancer, kwargs, error, match):
    X, y = cancer
    params = dict(
        estimator=MLPClassifier((4,)), param_grid={"alpha": [0.1]}, epochs=[1]
    )
    with pytest.raises(error, match=match):
        EpochSearchCV(**{**params, **kwargs}).fit(X, y)
