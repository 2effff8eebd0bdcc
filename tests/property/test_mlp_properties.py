"""Property tests: shapes and probabilities for any data, params round trip."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.base import clone

from skdl import MLPClassifier, MLPRegressor

SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def classification_data(draw):
    n = draw(st.integers(8, 40))
    d = draw(st.integers(1, 5))
    k = draw(st.integers(2, 4))
    X = draw(arrays(np.float64, (n, d), elements=st.floats(-1e3, 1e3, width=32)))
    y = np.arange(n) % k  # every class present
    perm = draw(st.permutations(list(range(n))))
    return X, y[np.array(perm)]


@SETTINGS
@given(classification_data())
def test_probabilities_are_valid_for_any_data(data):
    X, y = data
    clf = MLPClassifier((4,), max_iter=2, random_state=0).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), len(np.unique(y)))
    assert np.isfinite(proba).all()
    assert (proba >= 0).all() and (proba <= 1).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert set(clf.predict(X)) <= set(np.unique(y))


@SETTINGS
@given(
    n=st.integers(5, 30),
    d=st.integers(1, 4),
    outputs=st.integers(1, 3),
)
def test_regressor_prediction_shape(n, d, outputs):
    rng = np.random.RandomState(n)
    X = rng.normal(size=(n, d))
    y = rng.normal(size=(n, outputs)) * 100
    y = y.ravel() if outputs == 1 else y
    pred = (
        MLPRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
        .fit(X, y)
        .predict(X)
    )
    assert pred.shape == y.shape
    assert np.isfinite(pred).all()


params_strategy = st.fixed_dictionaries(
    {
        "hidden_layer_sizes": st.lists(st.integers(1, 64), min_size=1, max_size=3).map(
            tuple
        ),
        "activation": st.sampled_from(["relu", "tanh", "logistic", "identity"]),
        "alpha": st.floats(0, 1),
        "max_iter": st.integers(1, 500),
        "learning_rate_init": st.floats(1e-5, 1.0),
        "early_stopping": st.booleans(),
        "dropout": st.floats(0, 0.9),
        "random_state": st.one_of(st.none(), st.integers(0, 2**31 - 2)),
    }
)


@settings(max_examples=30, deadline=None)
@given(params=params_strategy)
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_get_set_params_and_clone_round_trip(cls, params):
    est = cls(**params)
    assert {k: est.get_params()[k] for k in params} == params
    copy = clone(est)
    assert copy.get_params() == est.get_params()
    other = cls().set_params(**params)
    assert other.get_params() == est.get_params()


bad_values = st.sampled_from(
    [
        ("max_iter", 0),
        ("max_iter", -3),
        ("alpha", -0.1),
        ("learning_rate_init", 0.0),
        ("batch_size", -1),
        ("momentum", 1.5),
        ("validation_fraction", 0.0),
        ("beta_1", 1.0),
        ("epsilon", 0.0),
        ("n_iter_no_change", 0),
        ("tol", -1.0),
        ("dropout", 1.0),
        ("shuffle", "yes"),
        ("learning_rate", "sometimes"),
        ("hidden_layer_sizes", (0,)),
        ("activation", "swishy"),
    ]
)


@settings(max_examples=25, deadline=None)
@given(bad=bad_values)
def test_invalid_params_always_raise_naming_the_param(bad):
    name, value = bad
    X = np.random.RandomState(0).normal(size=(10, 2))
    y = np.arange(10) % 2
    clf = MLPClassifier(**{"max_iter": 1, name: value})
    with pytest.raises((ValueError, TypeError)) as info:
        clf.fit(X, y)
    assert name in str(info.value) or str(value) in str(info.value)
    assert not hasattr(clf, "model_")
