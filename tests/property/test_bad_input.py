"""Bad input never corrupts: clear errors, and the fitted state stays as it was.

Hypothesis generates the bad inputs. One classifier is fitted for the whole
module (on a DataFrame, so feature names are checked too); every rejected
call on it is followed by a check that its predictions are bit-identical to
those it gave before. The table in docs/reliability.md points here.
"""

from __future__ import annotations

import contextlib
import string
from numbers import Integral

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import Interval, make_constraint

from skdl import MLPClassifier, MLPRegressor
from tests.params import fast
from tests.property._guard import words

# Several tests pass plain arrays to a model fitted on a DataFrame; sklearn
# warns about the missing names (test_missing_feature_names_warn shows it).
pytestmark = pytest.mark.filterwarnings(
    "ignore:X does not have valid feature names:UserWarning"
)

COLUMNS = ["a", "b", "c", "d"]
N_FEATURES = len(COLUMNS)

# The module-scoped model is shared by the examples; the seeding fixture of
# conftest.py is function-scoped, which is harmless here.
FEW = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _frame(values) -> pd.DataFrame:
    return pd.DataFrame(np.asarray(values, dtype=float), columns=COLUMNS)


@pytest.fixture(scope="module")
def model():
    """One fitted classifier, its reference inputs and predictions."""
    rng = np.random.RandomState(0)
    X = _frame(rng.normal(size=(60, N_FEATURES)))
    y = np.array(["no", "yes"])[(X["a"] + X["b"] > 0).astype(int)]
    clf = fast(MLPClassifier, max_iter=5).fit(X, y)
    return clf, X, y, clf.predict_proba(X)


@contextlib.contextmanager
def rejected(model, error=ValueError, match=None):
    """Expect ``error``; then check the fitted state is untouched."""
    clf, X, _, proba = model
    n_iter, history = clf.n_iter_, {k: list(v) for k, v in clf.history_.items()}
    with pytest.raises(error, match=match):
        yield clf
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    assert clf.n_iter_ == n_iter
    assert clf.history_ == history


finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


def _rows(n_min=1, n_max=8, n_features=N_FEATURES):
    return hnp.arrays(
        np.float64,
        st.tuples(st.integers(n_min, n_max), st.just(n_features)),
        elements=finite,
    )


# -- non-finite and out-of-range numbers -------------------------------------------
@st.composite
def with_nonfinite(draw):
    X = draw(_rows())
    i = draw(st.integers(0, X.shape[0] - 1))
    j = draw(st.integers(0, N_FEATURES - 1))
    X[i, j] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    return X


@given(X=with_nonfinite(), where=st.sampled_from(["predict", "fit", "partial_fit"]))
@FEW
def test_nan_or_inf_is_rejected(model, X, where):
    _, _, y, _ = model
    with rejected(model, match="Input X contains (NaN|infinity)") as clf:
        if where == "predict":
            clf.predict_proba(_frame(X))
        else:
            getattr(clf, where)(_frame(X), y[: len(X)])


@pytest.fixture(scope="module")
def model32(model):
    """The classifier of ``model`` with a float32 network (``precision``)."""
    _, X, y, _ = model
    clf = fast(MLPClassifier, max_iter=5, precision="float32").fit(X, y)
    return clf, X, y, clf.predict_proba(X)


@given(
    X=_rows(),
    big=st.floats(3.5e38, 1e300) | st.floats(-1e300, -3.5e38),
    where=st.sampled_from(["predict", "fit"]),
)
@FEW
def test_values_beyond_float32_are_rejected(model32, X, big, where):
    # A float32 network would turn them into inf silently (float64 input
    # trains a float64 network by default, which holds them).
    X[0, 0] = big
    _, _, y, _ = model32
    with rejected(model32, match="too large for float32.*StandardScaler") as clf:
        if where == "predict":
            clf.predict(_frame(X))
        else:
            clf.fit(_frame(X), y[: len(X)])


# -- wrong shape, names or type ------------------------------------------------------
@given(
    n_features=st.integers(1, 9).filter(lambda k: k != N_FEATURES),
    n_rows=st.integers(1, 5),
)
@FEW
def test_wrong_feature_count_is_rejected(model, n_features, n_rows):
    X = np.zeros((n_rows, n_features))
    expected = f"X has {n_features} features, but MLPClassifier is expecting 4"
    with rejected(model, match=expected) as clf:
        clf.predict(X)


names = st.lists(
    st.text(string.ascii_lowercase, min_size=1, max_size=4),
    min_size=N_FEATURES,
    max_size=N_FEATURES,
    unique=True,
).filter(lambda cols: cols != COLUMNS)


@given(columns=names)
@FEW
def test_wrong_feature_names_are_rejected(model, columns):
    X = pd.DataFrame(np.zeros((3, N_FEATURES)), columns=columns)
    with rejected(model, match="feature names should match") as clf:
        clf.predict(X)


def test_missing_feature_names_warn(model):
    clf, X, _, proba = model
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        out = clf.predict_proba(X.to_numpy())
    np.testing.assert_array_equal(out, proba)


text = st.text(string.ascii_letters, min_size=1, max_size=5)


@given(word=words, where=st.sampled_from(["predict", "fit", "object"]))
@FEW
def test_non_numeric_X_is_rejected(model, word, where):
    _, X, y, _ = model
    bad = X.head(4).astype(object)
    bad.iloc[1, 2] = word
    match = "Non-numeric data.*OneHotEncoder"
    with rejected(model, match=match) as clf:
        if where == "fit":
            clf.fit(bad, y[:4])
        elif where == "object":
            clf.predict(bad.to_numpy())
        else:
            clf.predict(bad)


def test_complex_X_is_rejected_and_sparse_X_densified(model):
    _, X, _, proba = model
    with rejected(model, match="Complex data not supported") as clf:
        clf.predict(X.to_numpy() + 1j)
    # As sklearn's MLP: sparse X is accepted (densified batch by batch).
    np.testing.assert_array_equal(clf.predict_proba(sp.csr_matrix(X.to_numpy())), proba)


@given(extra=st.integers(1, 3), n_rows=st.integers(1, 5))
@FEW
def test_more_than_two_dimensions_are_rejected(model, extra, n_rows):
    X = np.zeros((n_rows, N_FEATURES) + (1,) * extra)
    with rejected(model, match=f"dim {2 + extra}, while dim <= 2") as clf:
        clf.predict(X)
    with rejected(model, match=f"dim {2 + extra}, while dim <= 2") as clf:
        clf.fit(X, ["no", "yes"] * (n_rows // 2) + ["no"] * (n_rows % 2))


# -- targets and lengths --------------------------------------------------------------
@given(label=st.integers(-1000, 1000) | text, n=st.integers(1, 20))
@FEW
def test_single_class_fits_and_predicts_it(label, n):
    # As sklearn's MLPClassifier; a first partial_fit still needs `classes`.
    X = _frame(np.zeros((n, N_FEATURES)))
    clf = fast(MLPClassifier, max_iter=2).fit(X, [label] * n)
    assert clf.predict(X).tolist() == [label] * n
    with pytest.raises(ValueError, match="only one class"):
        fast(MLPClassifier).partial_fit(X, [label] * n)


@given(n_x=st.integers(1, 10), n_y=st.integers(1, 10))
@FEW
def test_mismatched_lengths_are_rejected(model, n_x, n_y):
    if n_x == n_y:
        n_y += 1
    X = _frame(np.zeros((n_x, N_FEATURES)))
    y = np.array(["no", "yes"] * 6)[:n_y]
    with rejected(model, match="inconsistent numbers of samples") as clf:
        clf.fit(X, y)
    with rejected(model, match=r"sample_weight\.shape") as clf:
        clf.fit(X, np.array(["no", "yes"] * 6)[:n_x], sample_weight=np.ones(n_y))


@pytest.mark.parametrize("where", ["fit", "predict", "no columns"])
def test_empty_input_is_rejected(model, where):
    _, X, y, _ = model
    with rejected(model, match=r"Found array with 0 (sample|feature)\(s\)") as clf:
        if where == "fit":
            clf.fit(X.head(0), y[:0])
        elif where == "predict":
            clf.predict(X.head(0))
        else:
            clf.fit(X.to_numpy()[:, :0], y)


@given(
    y=hnp.arrays(
        np.float64, 10, elements=finite.filter(lambda v: v != int(v)), unique=True
    )
)
@FEW
def test_continuous_target_to_classifier_is_rejected(model, y):
    X = _frame(np.zeros((10, N_FEATURES)))
    with rejected(model, match="Unknown label type: continuous") as clf:
        clf.fit(X, y)


def test_partial_fit_with_unseen_label_is_rejected(model):
    _, X, y, _ = model
    y_new = y.copy()
    y_new[0] = "maybe"
    with rejected(model, match="not seen when the estimator was first fitted") as clf:
        clf.partial_fit(X, y_new)
    with rejected(model, match="not seen when the estimator was first fitted") as clf:
        clf.set_params(warm_start=True)
        try:
            clf.fit(X, y_new)
        finally:
            clf.set_params(warm_start=False)


def test_warm_start_with_other_columns_is_rejected(model):
    _, X, y, _ = model
    with rejected(model, match="feature names should match") as clf:
        clf.set_params(warm_start=True)
        try:
            clf.fit(X[["a", "b"]], y)
        finally:
            clf.set_params(warm_start=False)


def test_not_fitted_is_reported():
    X = _frame(np.zeros((2, N_FEATURES)))
    for method in ("predict", "predict_proba", "score"):
        args = (X, ["no", "yes"]) if method == "score" else (X,)
        with pytest.raises(NotFittedError, match="not fitted yet"):
            getattr(MLPClassifier(), method)(*args)


@given(n_unseen=st.integers(1, 10), label=words)
@FEW
def test_score_with_labels_unseen_at_fit_is_rejected(model, n_unseen, label):
    clf, X, y, _ = model
    assume(label not in clf.classes_.tolist())
    y_test = y.astype(object)  # room for labels longer than the known ones
    y_test[:n_unseen] = label
    match = (
        rf"never saw in fit: \['{label}'\] \({n_unseen} of {len(y)} row\(s\)\); "
        rf"the classes it knows are \[.*\]"
    )
    with rejected(model, match=match):
        clf.score(X, y_test)


@given(
    y_bad=st.sampled_from([np.nan, np.inf]) | text,
    position=st.integers(0, 9),
)
@FEW
def test_regressor_rejects_bad_targets(y_bad, position):
    # Rejected before any training, so an unfitted regressor costs nothing.
    X = np.zeros((10, N_FEATURES))
    y = np.arange(10).astype(object)
    y[position] = y_bad
    reg = MLPRegressor()
    match = "Input (y )?contains|Non-numeric data"
    with pytest.raises(ValueError, match=match):
        reg.fit(X, y)
    assert not hasattr(reg, "model_")


# -- invalid parameters ------------------------------------------------------------
CONSTRAINTS = MLPClassifier._parameter_constraints


def _violates_all(name, value) -> bool:
    return not any(make_constraint(c).is_satisfied_by(value) for c in CONSTRAINTS[name])


def _outside(interval: Interval):
    """Numbers outside ``interval``, of its type, when there are any."""
    real = interval.type is not Integral
    number = (
        st.floats(-1e6, 1e6, allow_nan=False) if real else st.integers(-(10**6), 10**6)
    )
    below, above = [], []
    if interval.left is not None:
        below.append(number.filter(lambda v: not interval.is_satisfied_by(v)))
    if interval.right is not None:
        above.append(number.filter(lambda v: not interval.is_satisfied_by(v)))
    kinds = below + above
    if interval.type is Integral:
        kinds.append(st.floats(0.5, 99.5).filter(lambda v: v != int(v)))
    return st.one_of(kinds) if kinds else st.nothing()


def _bad_values(name):
    intervals = [c for c in CONSTRAINTS[name] if isinstance(c, Interval)]
    strategies = [st.just(object()), st.just(type("Odd", (), {})())]
    strategies += [_outside(c) for c in intervals]
    return st.one_of(strategies).filter(lambda v: _violates_all(name, v))


# Parameters declared "no_validation" (``backbone``: a path, a name or a
# Keras model) are checked in ``fit`` by their own tests.
CHECKED = sorted(n for n, c in CONSTRAINTS.items() if c != "no_validation")


@pytest.mark.parametrize("name", CHECKED)
def test_each_parameter_constraint_rejects_bad_values(model, name):
    @given(value=_bad_values(name))
    @settings(max_examples=8, deadline=None)
    def check(value):
        clf, X, y, _ = model
        good = clf.get_params()[name]
        try:
            with rejected(model, (ValueError, TypeError), match=f"'{name}'"):
                clf.set_params(**{name: value}).fit(X, y)
        finally:
            clf.set_params(**{name: good})

    check()


BAD_CONTENTS = [
    ("hidden_layer_sizes", [0], "'hidden_layer_sizes'"),
    ("hidden_layer_sizes", (8, -1), "'hidden_layer_sizes'"),
    ("activation", "nope", "'activation'"),
    ("solver", "nope", "'solver'"),
    ("dropout", [0.5, 2.0], "'dropout'"),
    ("dropout", [0.1, 0.1, 0.1], "'dropout'"),
    ("callbacks", [1], "'callbacks'"),
    ("class_weight", {"maybe": 2.0}, "class_weight has keys"),
]


@pytest.mark.parametrize(("name", "value", "match"), BAD_CONTENTS)
def test_parameter_contents_are_checked_in_fit(model, name, value, match):
    clf, X, y, _ = model
    good = clf.get_params()[name]
    error = TypeError if name == "callbacks" else ValueError
    try:
        with rejected(model, error, match=match):
            clf.set_params(**{name: value}).fit(X, y)
    finally:
        clf.set_params(**{name: good})


def test_early_stopping_on_too_few_rows_is_rejected(model):
    _, X, y, _ = model
    clf = model[0]
    try:
        with rejected(model, match="validation_fraction"):
            clf.set_params(early_stopping=True, validation_fraction=0.99).fit(X, y)
    finally:
        clf.set_params(early_stopping=False, validation_fraction=0.1)
