"""Customers with a category never seen in training are still predicted."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from skdl import ChurnPipeline
from skdl.datasets import make_churn


@pytest.fixture(scope="module")
def churn():
    df = make_churn(120, random_state=0)
    model = ChurnPipeline(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning of 3 epochs
        model.fit(df)
    return model, df


def test_unseen_category_is_predicted_with_a_warning(churn):
    model, df = churn
    new = df.head(6).copy()
    new.loc[new.index[:2], "Geography"] = "Italy"
    new.loc[new.index[2], "Gender"] = "Other"
    with pytest.warns(UserWarning) as caught:
        proba = model.predict_proba(new)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2, messages
    assert "Column 'Geography'" in messages[0]
    assert "['Italy'] (2 row(s))" in messages[0]
    assert "Column 'Gender'" in messages[1] and "['Other']" in messages[1]
    assert caught[0].filename == __file__  # points at the caller's line
    assert proba.shape == (6, 2) and np.isfinite(proba).all()
    # Unseen values are encoded as all zeros; other rows are unaffected.
    expected = model.pipeline_.predict_proba(new[model.pipeline_.feature_names_in_])
    np.testing.assert_array_equal(proba, expected)
    np.testing.assert_array_equal(proba[3:], model.predict_proba(df.head(6))[3:])


def test_seen_categories_do_not_warn(churn):
    model, df = churn
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(df.head(10))
