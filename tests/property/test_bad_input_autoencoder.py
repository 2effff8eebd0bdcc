"""Bad input to AutoencoderTransformer: clear errors, fitted state unchanged.

One small autoencoder is fitted for the module; after every rejected call it
must transform exactly as before (see ``_guard.rejected``), so a failed
``fit`` on a fitted transformer keeps it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from skdl import AutoencoderTransformer
from tests.params import fast
from tests.property._guard import FEW, rejected, words

N_FEATURES = 5
METHODS = st.sampled_from(["fit", "partial_fit", "transform", "score", "fit_transform"])
finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
rows = hnp.arrays(np.float64, st.tuples(st.integers(1, 8), st.just(N_FEATURES)),
                  elements=finite)  # fmt: skip


@pytest.fixture(scope="module")
def model():
    X = np.random.RandomState(0).normal(size=(30, N_FEATURES))
    ae = fast(AutoencoderTransformer, hidden_layer_sizes=(4,), max_iter=3)
    return ae.fit(X), X


def _call(ae, where, X):
    return getattr(ae, where)(X)


@given(X=rows, value=st.sampled_from([np.nan, np.inf, -np.inf]), where=METHODS,
       data=st.data())  # fmt: skip
@FEW
def test_nan_or_inf_is_rejected(model, X, value, where, data):
    ae, X_ref = model
    X.flat[data.draw(st.integers(0, X.size - 1))] = value
    with rejected(ae, X_ref, match="Input X contains (NaN|infinity)"):
        _call(ae, where, X)


@given(X=rows, big=st.floats(3.5e38, 1e300), where=METHODS)
@FEW
def test_values_beyond_float32_are_rejected(model, X, big, where):
    ae, X_ref = model
    X[0, 0] = big
    with rejected(ae, X_ref, match="too large for float32"):
        _call(ae, where, X)


@given(n_features=st.integers(1, 9).filter(lambda n: n != N_FEATURES),
       where=st.sampled_from(["partial_fit", "transform", "score"]))  # fmt: skip
@FEW
def test_wrong_feature_count_is_rejected(model, n_features, where):
    ae, X_ref = model
    match = f"X has {n_features} features, but AutoencoderTransformer is expecting 5"
    with rejected(ae, X_ref, match=match):
        _call(ae, where, np.zeros((3, n_features)))


@given(n_columns=st.integers(1, 6).filter(lambda n: n != 2), value=finite)
@FEW
def test_codes_of_another_width_are_rejected(model, n_columns, value):
    ae, X_ref = model
    match = rf"expects codes of 2 columns \(n_components\), got {n_columns}"
    with rejected(ae, X_ref, match=match):
        ae.inverse_transform(np.full((3, n_columns), value))


@given(value=st.sampled_from([np.nan, np.inf]))
@FEW
def test_non_finite_codes_are_rejected(model, value):
    ae, X_ref = model
    codes = np.zeros((3, 2))
    codes[1, 1] = value
    with rejected(ae, X_ref, match="Input contains (NaN|infinity)"):
        ae.inverse_transform(codes)


@given(shape=st.sampled_from([(5,), (2, 5, 1), (2, 1, 5, 1)]), where=METHODS)
@FEW
def test_wrong_dimensions_are_rejected(model, shape, where):
    ae, X_ref = model
    match = "Expected 2D array, got 1D array|Found array with dim [34]"
    with rejected(ae, X_ref, match=match):
        _call(ae, where, np.zeros(shape))


@pytest.mark.parametrize("where", ["fit", "partial_fit", "transform", "score"])
def test_empty_input_is_rejected(model, where):
    ae, X_ref = model
    with rejected(ae, X_ref, match=r"Found array with 0 (sample|feature)\(s\)"):
        _call(ae, where, X_ref[:0])
    with rejected(ae, X_ref, match=r"Found array with 0 (sample|feature)\(s\)"):
        _call(ae, where, X_ref[:, :0])


@given(word=words, where=METHODS)
@FEW
def test_non_numeric_X_is_rejected(model, word, where):
    ae, X_ref = model
    X = X_ref[:3].astype(object)
    X[1, 2] = word
    with rejected(ae, X_ref, match="Non-numeric data.*encode text"):
        _call(ae, where, X)


@given(n_weights=st.integers(1, 10), where=st.sampled_from(["fit", "score"]))
@FEW
def test_sample_weight_of_another_length_is_rejected(model, n_weights, where):
    ae, X_ref = model
    X = X_ref[:5]
    if n_weights == len(X):
        n_weights += 1
    with rejected(ae, X_ref, match=r"sample_weight.shape == \(\d+,\), expected"):
        getattr(ae, where)(X, sample_weight=np.ones(n_weights))
