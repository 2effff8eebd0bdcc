"""Bad input to ConvClassifier: clear errors, fitted state unchanged.

One small image classifier is fitted for the module; after every rejected
call it must predict exactly as before (see ``_guard.rejected``).
"""

from __future__ import annotations

import string

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from skdl import ConvClassifier
from tests.params import fast
from tests.property._guard import FEW, rejected, words

SHAPE = (6, 6, 1)
METHODS = st.sampled_from(["predict", "fit", "partial_fit"])


@pytest.fixture(scope="module")
def model():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(30, *SHAPE))
    y = np.array(["cat", "dog"])[(X[:, :3].mean(axis=(1, 2, 3)) > 0.5).astype(int)]
    clf = fast(ConvClassifier, filters=(2,), dense_layer_sizes=(4,), max_iter=3)
    return clf.fit(X, y), X, y


def _call(clf, where, X, y):
    if where == "predict":
        return clf.predict(X)
    return getattr(clf, where)(X, y)


finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
images = hnp.arrays(np.float64, st.tuples(st.integers(1, 6), *map(st.just, SHAPE)),
                    elements=finite)  # fmt: skip


@given(X=images, value=st.sampled_from([np.nan, np.inf, -np.inf]), data=st.data())
@FEW
def test_nan_or_inf_is_rejected(model, X, value, data):
    clf, X_ref, y = model
    X.flat[data.draw(st.integers(0, X.size - 1))] = value
    with rejected(clf, X_ref, match="Input X contains (NaN|infinity)"):
        _call(clf, data.draw(METHODS), X, y[: len(X)])


@given(X=images, big=st.floats(3.5e38, 1e300), sign=st.sampled_from([1, -1]),
       where=METHODS)  # fmt: skip
@FEW
def test_values_beyond_float32_are_rejected(model, X, big, sign, where):
    # float32 (what the network computes in) would make them inf silently.
    clf, X_ref, y = model
    X[0, 0, 0, 0] = sign * big
    with rejected(clf, X_ref, match="too large for float32.*Scale the features"):
        _call(clf, where, X, y[: len(X)])


@given(
    shape=st.tuples(st.integers(1, 8), st.integers(1, 8), st.integers(1, 3)).filter(
        lambda s: s != SHAPE
    ),
    where=st.sampled_from(["predict", "partial_fit"]),
)
@FEW
def test_images_of_another_shape_are_rejected(model, shape, where):
    clf, X_ref, y = model
    X = np.zeros((2, *shape))
    match = (
        rf"images of shape \({shape[0]}, {shape[1]}, {shape[2]}\), but .* \(6, 6, 1\)"
    )
    with rejected(clf, X_ref, match=match):
        _call(clf, where, X, y[:2])


@given(n_values=st.integers(1, 80).filter(lambda n: n != 36))
@FEW
def test_rows_of_another_length_are_rejected(model, n_values):
    clf, X_ref, _ = model
    expected = f"X has {n_values} features, but ConvClassifier is expecting 36"
    with rejected(clf, X_ref, match=expected):
        clf.predict(np.zeros((2, n_values)))


@given(n=st.integers(1, 40), where=METHODS)
@FEW
def test_one_dimensional_X_is_rejected(model, n, where):
    clf, X_ref, y = model
    with rejected(clf, X_ref, match="Expected 2D array, got 1D array"):
        _call(clf, where, np.zeros(n), y[:n])


@given(extra=st.integers(1, 3), where=METHODS)
@FEW
def test_more_than_four_dimensions_are_rejected(model, extra, where):
    clf, X_ref, y = model
    X = np.zeros((2, *SHAPE) + (1,) * extra)
    with rejected(clf, X_ref, match="X must be 2-D .* got shape"):
        _call(clf, where, X, y[:2])


@pytest.mark.parametrize("where", ["predict", "fit", "partial_fit"])
def test_empty_input_is_rejected(model, where):
    clf, X_ref, y = model
    with rejected(clf, X_ref, match=r"Found array with 0 sample\(s\)"):
        _call(clf, where, X_ref[:0], y[:0])


@given(word=words, where=METHODS)
@FEW
def test_non_numeric_X_is_rejected(model, word, where):
    clf, X_ref, y = model
    X = X_ref[:3].astype(object)
    X[1, 2, 3, 0] = word
    with rejected(clf, X_ref, match="Non-numeric data.*encode"):
        _call(clf, where, X, y[:3])


@given(n_x=st.integers(1, 10), n_y=st.integers(1, 10), where=METHODS.filter(
    lambda w: w != "predict"))  # fmt: skip
@FEW
def test_mismatched_lengths_are_rejected(model, n_x, n_y, where):
    clf, X_ref, y = model
    n_y = n_y + 1 if n_x == n_y else n_y
    with rejected(clf, X_ref, match="inconsistent numbers of samples"):
        getattr(clf, where)(X_ref[:n_x], y[:n_y])
    with rejected(clf, X_ref, match=r"sample_weight\.shape"):
        getattr(clf, where)(X_ref[:n_x], y[:n_x], sample_weight=np.ones(n_y))


@given(label=st.integers(-100, 100) | st.text(string.ascii_letters, min_size=1),
       n=st.integers(1, 10))  # fmt: skip
@FEW
def test_single_class_is_rejected(model, label, n):
    clf, X_ref, _ = model
    with rejected(clf, X_ref, match="only one class"):
        clf.fit(X_ref[:n], [label] * n)


def test_unseen_label_in_partial_fit_is_rejected(model):
    clf, X_ref, y = model
    y_new = y.copy()
    y_new[0] = "bird"
    with rejected(clf, X_ref, match="not seen when the estimator was first fitted"):
        clf.partial_fit(X_ref, y_new)


def test_continuous_target_is_rejected(model):
    clf, X_ref, _ = model
    with rejected(clf, X_ref, match="Unknown label type: continuous"):
        clf.fit(X_ref, np.linspace(0.1, 0.9, len(X_ref)))
