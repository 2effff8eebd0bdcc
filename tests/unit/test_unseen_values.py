"""Values never seen in training: categories are predicted, labels refused.

A customer whose category was not in the training table is still
predicted, with a warning; a label that no class matches, given to
``score``, is a ``ValueError`` that names it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from skdl import ChurnPipeline
from skdl.datasets import make_churn
from tests.params import tiny_problem


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


# -- labels never seen in training, given to score ------------------------------
CLASSIFIERS = [
    "MLPClassifier",
    "KerasClassifier",
    "ConvClassifier",
    "SequenceClassifier",
    "ChurnPipeline",
]


def _fitted_on_string_labels(name: str):
    est, X, y = tiny_problem(name)
    labels = np.array(["stays", "leaves"], dtype=object)[np.asarray(y)]
    if name == "ChurnPipeline":  # reads its target from the table's column
        X = X.drop(columns="Exited")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning of 2 epochs
        est.fit(X, labels)
    return est, X, labels


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_score_with_a_label_unseen_in_training_names_it(name):
    est, X, labels = _fitted_on_string_labels(name)
    y = labels.copy()
    y[:3] = "Leaves"  # the same class, spelt otherwise
    y[3] = "unknown"
    with pytest.raises(ValueError) as caught:
        est.score(X, y)
    message = str(caught.value)
    assert f"this {name} never saw in fit: ['Leaves', 'unknown']" in message
    assert "(4 of 64 row(s))" in message
    assert f"the classes it knows are {est.classes_.tolist()}" in message
    # Known labels still score, and the rejected call changed nothing.
    assert est.score(X, labels) == pytest.approx(np.mean(est.predict(X) == labels))


def test_labels_of_another_type_are_named_too():
    est, X, labels = _fitted_on_string_labels("MLPClassifier")
    y = np.where(labels == "stays", 0, 1)
    with pytest.raises(ValueError, match=r"never saw in fit: \[(0, 1|1, 0)\]"):
        est.score(X, y)


def test_numeric_labels_unseen_in_training_are_scored_as_sklearn_does():
    # A class too rare to be in every training fold: scored, counted wrong.
    est, X, y = tiny_problem("MLPClassifier")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    y_test = np.asarray(y).copy()
    y_test[:5] = 7
    expected = np.mean(est.predict(X) == y_test)
    assert est.score(X, y_test) == pytest.approx(expected)
    assert expected < est.score(X, y)
