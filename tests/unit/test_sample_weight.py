"""Sample weights mean repetition, to float32 rounding."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression

from skdl import MLPClassifier, MLPRegressor


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_integer_weights_equal_repeated_rows(cls):
    """Full-batch training on weighted rows matches training on repeated rows.

    With one batch per epoch and no shuffling, a weight of k and k copies of
    a row give the same gradient direction (Adam is invariant to the
    constant factor between the two losses). The networks train in float32,
    so agreement is to float32 rounding -- which is why sklearn's
    ``check_sample_weight_equivalence_on_dense_data`` (rtol=1e-7) is listed
    as an expected failure in tests/checks.
    """
    if cls is MLPClassifier:
        X, y = make_classification(n_samples=30, n_features=4, random_state=0)
    else:
        X, y = make_regression(n_samples=30, n_features=4, random_state=0)
    w = np.random.RandomState(0).randint(0, 3, size=len(y))
    rep = np.repeat(np.arange(len(y)), w)
    params = dict(
        hidden_layer_sizes=(8,),
        max_iter=20,
        batch_size=1000,
        shuffle=False,
        random_state=0,
        tol=0.0,
    )

    def output(model):
        return model.predict_proba(X) if cls is MLPClassifier else model.predict(X)

    weighted = output(cls(**params).fit(X, y, sample_weight=w))
    repeated = output(cls(**params).fit(X[rep], y[rep]))
    np.testing.assert_allclose(
        weighted, repeated, rtol=1e-4, atol=1e-4 * np.abs(repeated).max()
    )
    # The weights matter: ignoring them gives a visibly different model.
    unweighted = output(cls(**params).fit(X, y))
    assert np.abs(unweighted - weighted).max() > 1e-3


def test_score_and_partial_fit_take_weights():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    w = np.where(y == 1, 2.0, 0.5)
    clf = MLPClassifier((8,), max_iter=5, random_state=0, class_weight="balanced")
    clf.partial_fit(X, y, classes=[0, 1], sample_weight=w)
    clf.partial_fit(X, y, sample_weight=w)
    weighted = clf.score(X, y, sample_weight=w)
    expected = np.average(clf.predict(X) == y, weights=w)
    assert weighted == pytest.approx(expected)


ESTIMATORS = [
    "MLPClassifier",
    "MLPRegressor",
    "ConvClassifier",
    "KerasClassifier",
    "KerasRegressor",
    "ChurnPipeline",
    "AutoencoderTransformer",
    "SequenceClassifier",
    "SequenceRegressor",
]
BAD_WEIGHTS = {
    "negative": (lambda n: np.r_[-0.5, np.ones(n - 1)], "Negative values in data"),
    "all_zero": (np.zeros, "at least one non-zero number"),
}


def _calls(est, X, y, w):
    """Every call of ``est`` that takes weights, as (name, thunk)."""
    calls = [("fit", lambda: est.fit(X, y, sample_weight=w))]
    if hasattr(est, "partial_fit"):
        calls.append(("partial_fit", lambda: est.partial_fit(X, y, sample_weight=w)))
    calls.append(("score", lambda: est.score(X, y, sample_weight=w)))
    return calls


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("kind", sorted(BAD_WEIGHTS))
@pytest.mark.parametrize("name", ESTIMATORS)
def test_negative_or_all_zero_weights_are_rejected(name, kind):
    """fit, partial_fit and score refuse them, and the fitted state is kept."""
    from tests.params import tiny_problem

    est, X, y = tiny_problem(name, n_rows=40)
    est.fit(X, y)
    before = est.transform(X) if name.startswith("Auto") else est.predict(X)
    make, message = BAD_WEIGHTS[kind]
    w = make(len(X))
    for call, thunk in _calls(est, X, y, w):
        with pytest.raises(ValueError, match=message):
            thunk()
            pytest.fail(f"{name}.{call} accepted {kind} weights")
    after = est.transform(X) if name.startswith("Auto") else est.predict(X)
    np.testing.assert_array_equal(before, after)


def test_zero_weights_on_some_rows_are_accepted():
    """Zeros are fine as long as one row counts: those rows are ignored."""
    X, y = make_classification(n_samples=40, n_features=4, random_state=0)
    w = np.r_[np.zeros(20), np.ones(20)]
    clf = MLPClassifier((4,), max_iter=2, random_state=0, tol=0.0)
    clf.fit(X, y, sample_weight=w)
    assert clf.score(X, y, sample_weight=w) == pytest.approx(
        np.mean(clf.predict(X[20:]) == y[20:])
    )
