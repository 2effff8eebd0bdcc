"""The scikit-learn contract of ChurnPipeline.

``parametrize_with_checks`` cannot run on ChurnPipeline as a whole: its
data checks feed small random numeric arrays (``X`` of shape (n, k) with
arbitrary k, no column names), while ChurnPipeline reads a customer table by
column name and refuses anything without its ten named columns (a
``TypeError`` that says so). Those checks would only test that refusal.

What does apply is run here, honestly:

* sklearn's own checks that need no data (construction, parameters, tags,
  repr, cloning, parameter validation), called one by one;
* the data checks' intent, rewritten on a churn DataFrame: fit returns
  self and leaves parameters alone, not-fitted errors, idempotent seeded
  fits, pickling, order and subset invariance of predictions, predictions
  leave the estimator unchanged.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks as ec

from skdl.datasets import make_churn
from skdl.pipelines import ChurnPipeline
from tests.params import fast

DATA_FREE_CHECKS = [
    ec.check_estimator_cloneable,
    ec.check_estimator_repr,
    ec.check_estimator_tags_renamed,
    ec.check_valid_tag_types,
    ec.check_no_attributes_set_in_init,
    ec.check_do_not_raise_errors_in_init_or_set_params,
    ec.check_mixin_order,
    ec.check_parameters_default_constructible,
    ec.check_get_params_invariance,
    ec.check_set_params,
    # Feeds a numeric array, but every invalid parameter must be refused
    # before the data is looked at, so it applies unchanged.
    ec.check_param_validation,
]


@pytest.mark.parametrize("check", DATA_FREE_CHECKS, ids=lambda c: c.__name__)
def test_sklearn_data_free_check(check):
    check("ChurnPipeline", fast(ChurnPipeline))


@pytest.fixture(scope="module")
def data():
    return make_churn(300, random_state=2)


@pytest.fixture(scope="module")
def fitted(data):
    return fast(ChurnPipeline).fit(data, data["Exited"])


def test_params_round_trip_and_clone():
    est = fast(ChurnPipeline, class_weight={0: 1.0, 1: 3.0}, threshold=0.3)
    params = est.get_params()
    again = ChurnPipeline().set_params(**params)
    assert again.get_params() == params
    copy = clone(est)
    assert copy.get_params() == params
    assert copy.class_weight is not est.class_weight  # deep-copied


def test_fit_returns_self_and_keeps_params(data):
    est = fast(ChurnPipeline, hidden_layer_sizes=[8])
    before = est.get_params()
    assert est.fit(data) is est
    after = est.get_params()
    assert after.keys() == before.keys()
    for key, value in before.items():
        assert after[key] is value, key


def test_not_fitted_errors(data):
    est = fast(ChurnPipeline)
    for method in ("predict", "predict_proba", "score"):
        with pytest.raises(NotFittedError):
            args = (data, data["Exited"]) if method == "score" else (data,)
            getattr(est, method)(*args)


def test_seeded_fit_is_idempotent(fitted, data):
    again = clone(fitted).fit(data)
    np.testing.assert_array_equal(again.predict_proba(data), fitted.predict_proba(data))
    refit = pickle.loads(pickle.dumps(fitted)).fit(data)
    np.testing.assert_array_equal(refit.predict_proba(data), fitted.predict_proba(data))


def test_pickle_keeps_predictions(fitted, data):
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.predict_proba(data), fitted.predict_proba(data))


def test_predictions_are_row_order_and_subset_invariant(fitted, data):
    proba = fitted.predict_proba(data)
    order = np.random.RandomState(0).permutation(len(data))
    np.testing.assert_allclose(
        fitted.predict_proba(data.iloc[order]), proba[order], rtol=1e-6
    )
    for i in (0, 17, 299):
        np.testing.assert_allclose(
            fitted.predict_proba(data.iloc[[i]]), proba[[i]], rtol=1e-6
        )


def test_predict_leaves_estimator_unchanged(fitted, data):
    before = {k: v for k, v in fitted.__dict__.items() if k != "pipeline_"}
    fitted.predict(data)
    fitted.predict_proba(data.iloc[:1])
    after = {k: v for k, v in fitted.__dict__.items() if k != "pipeline_"}
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] is before[key], key


def test_tags():
    tags = ChurnPipeline().__sklearn_tags__()
    assert tags.estimator_type == "classifier"
    assert tags.input_tags.string and tags.input_tags.categorical
    assert not tags.classifier_tags.multi_class
