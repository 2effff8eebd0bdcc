"""Bad input to KerasClassifier and KerasRegressor: clear errors, no damage.

One classifier and one regressor (user-built networks, scikeras style) are
fitted on a DataFrame for the module; after every rejected call each must
predict exactly as before (see ``_guard.rejected``).
"""

from __future__ import annotations

import string

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.base import clone

from skdl import KerasClassifier, KerasRegressor
from tests.params import fast
from tests.property._guard import FEW, rejected, words

# Some tests pass plain arrays to models fitted on a DataFrame; sklearn warns
# about the missing names, which is not what these tests are about.
pytestmark = pytest.mark.filterwarnings(
    "ignore:X does not have valid feature names:UserWarning"
)

COLUMNS = ["a", "b", "c", "d"]
KINDS = ["classifier", "regressor"]
METHODS = st.sampled_from(["predict", "fit", "partial_fit"])


@pytest.fixture(scope="module")
def models():
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(40, len(COLUMNS))), columns=COLUMNS)
    y_class = np.array(["no", "yes"])[(X["a"] + X["b"] > 0).astype(int)]
    y_reg = X["a"].to_numpy() - 2 * X["c"].to_numpy()
    tiny = dict(model__hidden_layer_sizes=(4,), epochs=3)
    return {
        "classifier": (fast(KerasClassifier, **tiny).fit(X, y_class), X, y_class),
        "regressor": (fast(KerasRegressor, **tiny).fit(X, y_reg), X, y_reg),
    }


def _call(est, where, X, y):
    if where == "predict":
        return est.predict(X)
    return getattr(est, where)(X, y)


finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
rows = hnp.arrays(
    np.float64, st.tuples(st.integers(1, 6), st.just(len(COLUMNS))), elements=finite
)


def _frame(values) -> pd.DataFrame:
    return pd.DataFrame(values, columns=COLUMNS)


@pytest.mark.parametrize("kind", KINDS)
@given(X=rows, value=st.sampled_from([np.nan, np.inf, -np.inf]), data=st.data())
@FEW
def test_nan_or_inf_is_rejected(models, kind, X, value, data):
    est, X_ref, y = models[kind]
    X.flat[data.draw(st.integers(0, X.size - 1))] = value
    with rejected(est, X_ref, match="Input X contains (NaN|infinity)"):
        _call(est, data.draw(METHODS), _frame(X), y[: len(X)])


@pytest.mark.parametrize("kind", KINDS)
@given(X=rows, big=st.floats(3.5e38, 1e300), sign=st.sampled_from([1, -1]),
       where=METHODS)  # fmt: skip
@FEW
def test_values_beyond_float32_are_rejected(models, kind, X, big, sign, where):
    # float32 (what the network computes in) would make them inf silently.
    est, X_ref, y = models[kind]
    X[0, 0] = sign * big
    with rejected(est, X_ref, match="too large for float32.*StandardScaler"):
        _call(est, where, _frame(X), y[: len(X)])


@pytest.mark.parametrize("kind", KINDS)
@given(n_features=st.integers(1, 9).filter(lambda k: k != len(COLUMNS)),
       where=st.sampled_from(["predict", "partial_fit"]))  # fmt: skip
@FEW
def test_wrong_feature_count_is_rejected(models, kind, n_features, where):
    est, X_ref, y = models[kind]
    expected = f"X has {n_features} features, but Keras\\w+ is expecting 4"
    with rejected(est, X_ref, match=expected):
        _call(est, where, np.zeros((3, n_features)), y[:3])


@pytest.mark.parametrize("kind", KINDS)
@given(
    columns=st.lists(
        st.text(string.ascii_lowercase, min_size=1, max_size=3),
        min_size=len(COLUMNS),
        max_size=len(COLUMNS),
        unique=True,
    ).filter(lambda cols: cols != COLUMNS)
)
@FEW
def test_wrong_feature_names_are_rejected(models, kind, columns):
    est, X_ref, _ = models[kind]
    with rejected(est, X_ref, match="feature names should match"):
        est.predict(pd.DataFrame(np.zeros((2, len(COLUMNS))), columns=columns))


@pytest.mark.parametrize("kind", KINDS)
@given(n=st.integers(1, 40), where=METHODS)
@FEW
def test_one_dimensional_X_is_rejected(models, kind, n, where):
    est, X_ref, y = models[kind]
    with rejected(est, X_ref, match="Expected 2D array, got 1D array"):
        _call(est, where, np.zeros(n), y[:n])


@pytest.mark.parametrize("kind", KINDS)
@given(extra=st.integers(1, 3), where=st.sampled_from(["predict", "partial_fit"]))
@FEW
def test_other_dimensions_than_fitted_are_rejected(models, kind, extra, where):
    # N-dimensional X reaches networks built for it (images, sequences); what
    # a fitted estimator then refuses is X of other dimensions.
    est, X_ref, y = models[kind]
    X = np.zeros((2, len(COLUMNS)) + (1,) * extra)
    with rejected(est, X_ref, match=f"X has {2 + extra} dimensions"):
        _call(est, where, X, y[:2])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("where", ["predict", "fit", "partial_fit", "no columns"])
def test_empty_input_is_rejected(models, kind, where):
    est, X_ref, y = models[kind]
    with rejected(est, X_ref, match=r"Found array with 0 (sample|feature)\(s\)"):
        if where == "no columns":
            est.fit(X_ref.to_numpy()[:, :0], y)
        else:
            _call(est, where, X_ref.head(0), y[:0])


@pytest.mark.parametrize("kind", KINDS)
@given(word=words, where=METHODS)
@FEW
def test_non_numeric_X_is_rejected(models, kind, word, where):
    est, X_ref, y = models[kind]
    X = X_ref.head(4).astype(object)
    X.iloc[1, 2] = word
    with rejected(est, X_ref, match="Non-numeric data.*OneHotEncoder"):
        _call(est, where, X, y[:4])


@pytest.mark.parametrize("kind", KINDS)
@given(n_x=st.integers(1, 10), n_y=st.integers(1, 10),
       where=st.sampled_from(["fit", "partial_fit"]))  # fmt: skip
@FEW
def test_mismatched_lengths_are_rejected(models, kind, n_x, n_y, where):
    est, X_ref, y = models[kind]
    n_y = n_y + 1 if n_x == n_y else n_y
    with rejected(est, X_ref, match="inconsistent numbers of samples"):
        getattr(est, where)(X_ref.head(n_x), y[:n_y])
    with rejected(est, X_ref, match=r"sample_weight\.shape"):
        getattr(est, where)(X_ref.head(n_x), y[:n_x], sample_weight=np.ones(n_y))


@given(label=st.integers(-100, 100) | st.text(string.ascii_letters, min_size=1),
       n=st.integers(1, 10))  # fmt: skip
@FEW
def test_single_class_fits_and_is_always_predicted(models, label, n):
    # As scikit-learn's MLPClassifier (and scikeras): not an error.
    est, X_ref, _ = models["classifier"]
    single = clone(est).fit(X_ref.head(n), [label] * n)
    assert single.predict(X_ref).tolist() == [label] * len(X_ref)
    assert (single.predict_proba(X_ref) == 1).all()


@given(
    y=hnp.arrays(
        np.float64, 10, elements=finite.filter(lambda v: v != int(v)), unique=True
    )
)
@FEW
def test_continuous_target_to_classifier_is_rejected(models, y):
    est, X_ref, _ = models["classifier"]
    with rejected(est, X_ref, match="Unknown label type: continuous"):
        est.fit(X_ref.head(10), y)


def test_unseen_label_in_partial_fit_is_rejected(models):
    est, X_ref, y = models["classifier"]
    y_new = y.copy()
    y_new[0] = "maybe"
    with rejected(est, X_ref, match="not seen when the estimator was first fitted"):
        est.partial_fit(X_ref, y_new)


@given(
    bad=st.sampled_from([np.nan, np.inf, -np.inf])
    | st.text(string.ascii_letters, min_size=1, max_size=4),
    position=st.integers(0, 9),
    where=st.sampled_from(["fit", "partial_fit"]),
)
@FEW
def test_regressor_rejects_bad_targets(models, bad, position, where):
    est, X_ref, y = models["regressor"]
    y_bad = y[:10].astype(object)
    y_bad[position] = bad
    with rejected(est, X_ref, match="Input (y )?contains|Non-numeric data"):
        getattr(est, where)(X_ref.head(10), y_bad)


@pytest.mark.parametrize("kind", KINDS)
@given(
    value=st.sampled_from([np.nan, np.inf]),
    where=st.sampled_from(["fit", "partial_fit"]),
)
@FEW
def test_non_finite_sample_weight_is_rejected(models, kind, value, where):
    est, X_ref, y = models[kind]
    weights = np.ones(len(y))
    weights[3] = value
    with rejected(est, X_ref, match="Input sample_weight contains (NaN|infinity)"):
        getattr(est, where)(X_ref, y, sample_weight=weights)
