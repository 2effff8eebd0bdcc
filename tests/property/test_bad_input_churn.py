"""Bad customer tables for ChurnPipeline: errors name the column, no damage.

One pipeline is fitted for the module; after every rejected call it must
predict exactly as before (see ``_guard.rejected``).
"""

from __future__ import annotations

import string

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from skdl.datasets import (
    CATEGORICAL_COLUMNS,
    FEATURE_COLUMNS,
    NUMERIC_COLUMNS,
    make_churn,
)
from skdl.pipelines import ChurnPipeline
from tests.params import fast
from tests.property._guard import FEW, rejected, words

WHERE = st.sampled_from(["predict", "fit"])


@pytest.fixture(scope="module")
def model():
    df = make_churn(150, random_state=0)
    clf = fast(ChurnPipeline, hidden_layer_sizes=(4,), max_iter=3).fit(df)
    return clf, df


def _call(clf, where, X, y=None):
    return clf.predict(X) if where == "predict" else clf.fit(X, y)


def _with(df, column, row, value):
    bad = df.copy()
    bad[column] = bad[column].astype(object)
    bad.loc[row, column] = value
    return bad


@given(
    column=st.sampled_from(NUMERIC_COLUMNS),
    row=st.integers(0, 149),
    value=st.sampled_from([np.inf, -np.inf]),
    where=WHERE,
)
@FEW
def test_infinite_number_is_named(model, column, row, value, where):
    clf, df = model
    bad = df.copy()
    bad[column] = bad[column].astype(float)
    bad.loc[row, column] = value
    with rejected(clf, df, match=f"Column '{column}' has 1 infinite value"):
        _call(clf, where, bad, df["Exited"])


@given(
    column=st.sampled_from(NUMERIC_COLUMNS),
    row=st.integers(0, 149),
    big=st.floats(3.5e38, 1e300),
    where=WHERE,
)
@FEW
def test_number_beyond_float32_is_named(model, column, row, big, where):
    clf, df = model
    bad = df.copy()
    bad[column] = bad[column].astype(float)
    bad.loc[row, column] = big
    with rejected(clf, df, match=f"Column '{column}' holds values too large"):
        _call(clf, where, bad, df["Exited"])


@given(
    column=st.sampled_from(NUMERIC_COLUMNS),
    row=st.integers(0, 149),
    word=words,
    where=WHERE,
)
@FEW
def test_text_in_a_numeric_column_is_named(model, column, row, word, where):
    clf, df = model
    bad = _with(df, column, row, word)
    with rejected(
        clf, df, match=f"Column '{column}' must hold numbers; found '{word}'"
    ):
        _call(clf, where, bad, df["Exited"])


@given(
    column=st.sampled_from(FEATURE_COLUMNS),
    rows=st.sets(st.integers(0, 149), min_size=1, max_size=5),
    missing=st.sampled_from([None, np.nan]),
    where=WHERE,
)
@FEW
def test_missing_values_are_counted_and_named(model, column, rows, missing, where):
    clf, df = model
    bad = df.copy()
    bad[column] = bad[column].astype(object)
    bad.loc[sorted(rows), column] = missing
    match = f"Column '{column}' has {len(rows)} missing value"
    with rejected(clf, df, match=match):
        _call(clf, where, bad, df["Exited"])


@given(
    dropped=st.lists(st.sampled_from(FEATURE_COLUMNS), min_size=1, unique=True),
    where=WHERE,
)
@FEW
def test_missing_columns_are_listed(model, dropped, where):
    clf, df = model
    names = [c for c in FEATURE_COLUMNS if c in dropped]
    with rejected(
        clf, df, match=f"Missing churn column\\(s\\) {names!r}".replace("[", "\\[")
    ):
        _call(clf, where, df.drop(columns=dropped), df["Exited"])


@given(n_dims=st.integers(1, 3), n_rows=st.integers(1, 5), where=WHERE)
@FEW
def test_arrays_without_column_names_are_refused(model, n_dims, n_rows, where):
    clf, df = model
    X = np.zeros((n_rows, len(FEATURE_COLUMNS), 2)[:n_dims])
    with rejected(clf, df, TypeError, match="reads columns by name.*got ndarray"):
        _call(clf, where, X, np.arange(n_rows) % 2)


@pytest.mark.parametrize("where", ["predict", "fit"])
def test_empty_table_is_refused(model, where):
    clf, df = model
    with rejected(clf, df, match="No customers: X has 0 rows"):
        _call(clf, where, df.head(0), df["Exited"].head(0))


@given(n_x=st.integers(2, 30), n_y=st.integers(2, 30))
@FEW
def test_mismatched_lengths_are_refused(model, n_x, n_y):
    clf, df = model
    n_y = n_y + 1 if n_x == n_y else n_y
    y = np.arange(n_y) % 2
    with rejected(clf, df, match="inconsistent numbers of samples"):
        clf.fit(df.head(n_x), y)
    with rejected(clf, df, match=r"sample_weight\.shape"):
        clf.fit(df.head(n_x), np.arange(n_x) % 2, sample_weight=np.ones(n_y))


@given(
    labels=(
        st.lists(st.integers(-5, 5), min_size=1, max_size=4, unique=True)
        | st.lists(st.text(string.ascii_lowercase, min_size=1), min_size=1,
                   max_size=4, unique=True)
    ).filter(lambda v: len(v) != 2)
)  # fmt: skip
@FEW
def test_target_without_exactly_two_classes_is_refused(model, labels):
    clf, df = model
    y = np.array(labels, dtype=object)[np.arange(len(df)) % len(labels)]
    with rejected(clf, df, match="y must have exactly two classes; got"):
        clf.fit(df, y)


@given(row=st.integers(0, 149), shape=st.sampled_from(["nan", "2-D"]))
@FEW
def test_bad_target_values_or_shape_are_refused(model, row, shape):
    clf, df = model
    y = df["Exited"].to_numpy(dtype=float)
    if shape == "nan":
        y[row] = np.nan
        match = "y has missing values"
    else:
        y = y.reshape(-1, 1)
        match = r"y must be one-dimensional; got shape \(150, 1\)"
    with rejected(clf, df, match=match):
        clf.fit(df, y)


@given(column=st.sampled_from(NUMERIC_COLUMNS + CATEGORICAL_COLUMNS))
@FEW
def test_numbers_in_object_columns_predict_as_numbers(model, column):
    clf, df = model
    as_objects = df.copy()
    as_objects[column] = as_objects[column].astype(object)
    np.testing.assert_array_equal(clf.predict_proba(as_objects), clf.predict_proba(df))


@given(
    number=st.integers(-5, 5),
    word=st.text(string.ascii_lowercase, min_size=1, max_size=4),
    where=st.integers(0, 149),
)
@FEW
def test_target_mixing_numbers_and_text_is_refused(model, number, word, where):
    clf, df = model
    y = np.full(len(df), number, dtype=object)
    y[where] = word
    with rejected(clf, df, match=r"y mixes label types \['int', 'str'\]"):
        clf.fit(df, y)
