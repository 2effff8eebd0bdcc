"""Bad input to SequenceClassifier and SequenceRegressor: clear errors, no harm.

Three small models are fitted for the module: a classifier on numeric
sequences of varying length, one on texts, and a regressor on sequences.
After every rejected call each must predict exactly as before (see
``_guard.rejected``), so a failed ``fit`` on a fitted model keeps it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from skdl import SequenceClassifier, SequenceRegressor
from tests.params import fast
from tests.property._guard import FEW, rejected, words

METHODS = st.sampled_from(["predict", "fit", "partial_fit"])
TINY = dict(hidden_units=4, max_iter=2)


def _sequences(rng, n, n_features=1):
    return [rng.normal(size=(rng.randint(2, 7), n_features)) for _ in range(n)]


@pytest.fixture(scope="module")
def numeric():
    rng = np.random.RandomState(0)
    X = _sequences(rng, 24)
    y = np.array(["down", "up"])[[int(s.sum() > 0) for s in X]]
    return fast(SequenceClassifier, **TINY).fit(X, y), X, y


@pytest.fixture(scope="module")
def texts():
    X = ["free prize now", "see you soon", "win cash", "lunch at noon"] * 4
    y = ["spam", "ham", "spam", "ham"] * 4
    return fast(SequenceClassifier, **TINY).fit(X, y), X, np.array(y)


@pytest.fixture(scope="module")
def regressor():
    rng = np.random.RandomState(1)
    X = _sequences(rng, 24, n_features=2)
    y = np.array([s.sum() for s in X])
    return fast(SequenceRegressor, **TINY).fit(X, y), X, y


def _call(est, where, X, y):
    if where == "predict":
        return est.predict(X)
    return getattr(est, where)(X, y)


@given(value=st.sampled_from([np.nan, np.inf, -np.inf]), row=st.integers(0, 5),
       as_array=st.booleans(), where=METHODS)  # fmt: skip
@FEW
def test_nan_or_inf_in_a_sequence_is_rejected(numeric, value, row, as_array, where):
    est, X_ref, y = numeric
    X = [s.copy() for s in X_ref[:6]]
    if as_array:  # one 3-D array of equal-length sequences
        X = np.stack([s[:2] for s in X])
    X[row][-1, 0] = value
    match = r"X\[\d\] contains NaN or infinity|Input X contains (NaN|infinity)"
    with rejected(est, X_ref, match=match):
        _call(est, where, X, y[:6])


@given(n_features=st.integers(2, 4), where=METHODS)
@FEW
def test_other_features_per_step_are_rejected(numeric, n_features, where):
    est, X_ref, y = numeric
    X = _sequences(np.random.RandomState(2), 3, n_features)
    # fit refits from scratch: a new width is fine there, so check the rest.
    if where == "fit":
        X[1] = X[1][:, :1]
        match = "different numbers of features per step"
    else:
        match = f"X has {n_features} features per step, but SequenceClassifier"
    with rejected(est, X_ref, match=match):
        _call(est, where, X, y[:3])


@given(where=METHODS, row=st.integers(0, 3))
@FEW
def test_empty_input_or_empty_sequence_is_rejected(numeric, where, row):
    est, X_ref, y = numeric
    with rejected(est, X_ref, match=r"0 sample|no sequences|0 feature"):
        _call(est, where, [], y[:0])
    X = [s.copy() for s in X_ref[:4]]
    X[row] = np.zeros((0, 1))
    with rejected(est, X_ref, match=rf"X\[{row}\] has shape \(0, 1\).*at least one"):
        _call(est, where, X, y[:4])


@given(bad=st.sampled_from([object(), {"a": 1}]) | words, where=METHODS,
       row=st.integers(0, 3))  # fmt: skip
@FEW
def test_a_step_that_is_no_number_is_rejected(numeric, bad, where, row):
    est, X_ref, y = numeric
    X = [s[:, 0].tolist() for s in X_ref[:4]]
    X[row] = [*X[row][:-1], bad]
    with rejected(est, X_ref, error=TypeError, match=rf"X\[{row}\] is not a sequence"):
        _call(est, where, X, y[:4])


@given(where=st.sampled_from(["predict", "partial_fit"]))
@FEW
def test_texts_to_a_numeric_model_are_rejected(numeric, where):
    est, X_ref, y = numeric
    match = "fitted on numeric sequences, but X holds texts"
    with rejected(est, X_ref, error=TypeError, match=match):
        _call(est, where, ["some text", "more"], y[:2])


@given(n_x=st.integers(1, 8), n_y=st.integers(1, 8))
@FEW
def test_mismatched_lengths_are_rejected(numeric, n_x, n_y):
    est, X_ref, y = numeric
    if n_x == n_y:
        n_y += 1
    X = X_ref[:n_x]
    with rejected(est, X_ref, match="inconsistent numbers of samples"):
        est.fit(X, np.resize(y, n_y))


@given(bad=st.sampled_from([None, 3, 2.5, b"bytes"]), row=st.integers(0, 3),
       where=METHODS)  # fmt: skip
@FEW
def test_a_text_that_is_no_string_is_rejected(texts, bad, row, where):
    est, X_ref, y = texts
    X = list(X_ref[:4])
    X[row] = bad
    match = rf"X\[{row}\] is {type(bad).__name__} .*, not a string"
    with rejected(est, X_ref, error=TypeError, match=match):
        _call(est, where, X, y[:4])


@given(blank=st.sampled_from(["", " ", "\n\t"]), row=st.integers(0, 3),
       where=METHODS)  # fmt: skip
@FEW
def test_an_empty_text_is_rejected(texts, blank, row, where):
    est, X_ref, y = texts
    X = list(X_ref[:4])
    X[row] = blank
    with rejected(est, X_ref, match=rf"X\[{row}\] is an empty text"):
        _call(est, where, X, y[:4])


def test_a_2d_array_of_texts_is_rejected(texts):
    est, X_ref, _ = texts
    X = np.array([["a b", "c"], ["d", "e f"]])
    with rejected(est, X_ref, match=r"got a 2-D array of shape \(2, 2\)"):
        est.predict(X)


@given(value=st.sampled_from([np.nan, np.inf, -np.inf]) | words,
       row=st.integers(0, 5))  # fmt: skip
@FEW
def test_regressor_rejects_bad_targets(regressor, value, row):
    est, X_ref, y = regressor
    y_bad = y[:6].astype(object)
    y_bad[row] = value
    # scikit-learn's words ("Input contains NaN" for an object array).
    match = "Input (y )?contains|Non-numeric data|regression targets must be finite"
    with rejected(est, X_ref, match=match):
        est.fit(X_ref[:6], y_bad)


@given(value=st.sampled_from([np.nan, np.inf]), row=st.integers(0, 5),
       where=METHODS)  # fmt: skip
@FEW
def test_regressor_rejects_bad_sequences(regressor, value, row, where):
    est, X_ref, y = regressor
    X = [s.copy() for s in X_ref[:6]]
    X[row][0, 1] = value
    with rejected(est, X_ref, match=rf"X\[{row}\] contains NaN or infinity"):
        _call(est, where, X, y[:6])
