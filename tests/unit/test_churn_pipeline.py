"""ChurnPipeline and make_churn_pipeline on the raw customer table."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import InvalidParameterError

from skdl.datasets import FEATURE_COLUMNS, ID_COLUMNS, make_churn
from skdl.pipelines import NETWORK_DEFAULTS, ChurnPipeline, make_churn_pipeline
from tests.params import fast

CUSTOMER = {
    "CreditScore": 500,
    "Geography": "Spain",
    "Gender": "Female",
    "Age": 40,
    "Tenure": 3,
    "Balance": 50000.0,
    "NumOfProducts": 2,
    "HasCrCard": 1,
    "IsActiveMember": 1,
    "EstimatedSalary": 40000.0,
}


@pytest.fixture(scope="module")
def data():
    return make_churn(600, random_state=0)


@pytest.fixture(scope="module")
def fitted(data):
    return fast(ChurnPipeline).fit(data, data["Exited"])


def test_is_a_classifier_with_routable_network_params():
    clf = ChurnPipeline()
    assert is_classifier(clf)
    params = clf.get_params()
    for name in ("hidden_layer_sizes", "max_iter", "class_weight", "threshold"):
        assert name in params
    assert clone(clf).get_params() == params


def test_defaults_match_make_churn_pipeline():
    params = ChurnPipeline().get_params()
    for name, value in NETWORK_DEFAULTS.items():
        assert params[name] == value, name
    network = make_churn_pipeline()[-1].get_params()
    for name, value in NETWORK_DEFAULTS.items():
        assert network[name] == value, name


def test_fit_learns_the_two_classes(fitted, data):
    assert fitted.classes_.tolist() == [0, 1]
    proba = fitted.predict_proba(data)
    assert proba.shape == (600, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert set(fitted.predict(data).tolist()) <= {0, 1}
    assert fitted.network_ is fitted.pipeline_[-1]
    assert isinstance(fitted.pipeline_, Pipeline)


def test_fit_without_y_uses_the_exited_column(fitted, data):
    other = fast(ChurnPipeline).fit(data)
    np.testing.assert_array_equal(other.predict_proba(data), fitted.predict_proba(data))


def test_fit_without_target_is_an_error(data):
    with pytest.raises(ValueError, match="No target: pass y"):
        fast(ChurnPipeline).fit(data.drop(columns="Exited"))


def test_column_order_and_extra_columns_do_not_matter(fitted, data):
    reference = fitted.predict_proba(data)
    shuffled = data[list(reversed(data.columns))]
    np.testing.assert_array_equal(fitted.predict_proba(shuffled), reference)
    bare = data[list(FEATURE_COLUMNS)]
    np.testing.assert_array_equal(fitted.predict_proba(bare), reference)
    extra = data.assign(Notes="vip")
    np.testing.assert_array_equal(fitted.predict_proba(extra), reference)


def test_fit_is_independent_of_column_order(fitted, data):
    columns = list(data.columns)
    rng = np.random.RandomState(1)
    rng.shuffle(columns)
    other = fast(ChurnPipeline).fit(data[columns], data["Exited"])
    np.testing.assert_allclose(
        other.predict_proba(data), fitted.predict_proba(data), atol=1e-6
    )


@pytest.mark.parametrize("column", ["Age", "Geography"])
def test_missing_column_is_named(fitted, data, column):
    with pytest.raises(ValueError, match=rf"Missing churn column\(s\) \['{column}'\]"):
        fitted.predict(data.drop(columns=column))
    with pytest.raises(ValueError, match=rf"Missing churn column\(s\) \['{column}'\]"):
        fast(ChurnPipeline).fit(data.drop(columns=column), data["Exited"])


def test_identifier_columns_are_not_required(fitted, data):
    np.testing.assert_array_equal(
        fitted.predict_proba(data.drop(columns=list(ID_COLUMNS))),
        fitted.predict_proba(data),
    )


def test_unknown_category_at_predict_is_handled(fitted):
    with pytest.warns(UserWarning, match=r"Column 'Geography' .*\['Italy'\]"):
        new = fitted.predict_proba({**CUSTOMER, "Geography": "Italy"})
    known = fitted.predict_proba(CUSTOMER)
    assert new.shape == (1, 2) and np.isfinite(new).all()
    assert not np.array_equal(new, known)


def test_one_customer_as_dict_series_or_frame(fitted):
    expected = fitted.predict_proba(pd.DataFrame([CUSTOMER]))
    assert expected.shape == (1, 2)
    np.testing.assert_array_equal(fitted.predict_proba(CUSTOMER), expected)
    np.testing.assert_array_equal(fitted.predict_proba(pd.Series(CUSTOMER)), expected)
    reordered = dict(reversed(list(CUSTOMER.items())))
    np.testing.assert_array_equal(fitted.predict_proba(reordered), expected)
    assert fitted.predict(CUSTOMER).shape == (1,)


def test_several_customers_as_list_of_dicts_or_dict_of_lists(fitted):
    second = {**CUSTOMER, "Age": 60, "IsActiveMember": 0}
    frame = pd.DataFrame([CUSTOMER, second])
    expected = fitted.predict_proba(frame)
    np.testing.assert_array_equal(fitted.predict_proba([CUSTOMER, second]), expected)
    columns = {k: frame[k].tolist() for k in frame.columns}
    np.testing.assert_array_equal(fitted.predict_proba(columns), expected)


def test_numpy_input_is_refused_with_advice(fitted, data):
    with pytest.raises(TypeError, match="reads columns by name: pass a pandas"):
        fitted.predict(data[list(FEATURE_COLUMNS)].to_numpy())


def test_text_in_numeric_column_is_named(fitted):
    with pytest.raises(ValueError, match="'Age' must hold numbers; found 'forty'"):
        fitted.predict({**CUSTOMER, "Age": "forty"})


def test_missing_value_is_named(fitted):
    with pytest.raises(ValueError, match="'Balance' has 1 missing value"):
        fitted.predict({**CUSTOMER, "Balance": np.nan})


def test_threshold_decides_predict(fitted, data):
    churn = fitted.predict_proba(data)[:, 1]
    clf = clone(fitted)
    clf.pipeline_, clf.classes_ = fitted.pipeline_, fitted.classes_
    for t in (0.0, 0.2, float(np.median(churn)), 0.5, 1.0):
        clf.set_params(threshold=t)
        np.testing.assert_array_equal(clf.predict(data), (churn >= t).astype(int))
    clf.set_params(threshold=0.0)
    assert clf.predict(data).all()
    assert clf.score(data, data["Exited"]) == pytest.approx(data["Exited"].mean())


def test_threshold_is_validated(fitted, data):
    with pytest.raises(InvalidParameterError, match="'threshold'"):
        fast(ChurnPipeline, threshold=1.5).fit(data)
    clf = pickle.loads(pickle.dumps(fitted))
    clf.set_params(threshold=-0.1)
    with pytest.raises(ValueError, match="'threshold' parameter must be a float"):
        clf.predict(data)


def test_class_weight_raises_churn_probability(fitted, data):
    balanced = fast(ChurnPipeline, class_weight="balanced").fit(data)
    assert balanced.network_.class_weight == "balanced"
    base = fitted.predict_proba(data)[:, 1].mean()
    assert balanced.predict_proba(data)[:, 1].mean() > base + 0.1
    assert balanced.predict(data).sum() > fitted.predict(data).sum()


def test_sample_weight_reaches_the_network(fitted, data):
    weights = np.where(data["Exited"] == 1, 4.0, 1.0)
    weighted = fast(ChurnPipeline).fit(data, sample_weight=weights)
    base = fitted.predict_proba(data)[:, 1].mean()
    assert weighted.predict_proba(data)[:, 1].mean() > base + 0.1
    with pytest.raises(ValueError):
        fast(ChurnPipeline).fit(data, sample_weight=weights[:10])


def test_target_must_be_binary(data):
    y = np.arange(len(data)) % 3
    with pytest.raises(ValueError, match="exactly two classes; got \\[0, 1, 2\\]"):
        fast(ChurnPipeline).fit(data, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        fast(ChurnPipeline).fit(data, data["Exited"][:10])


@pytest.mark.parametrize(
    "param, value",
    [("alpha", -1.0), ("max_iter", 0), ("batch_size", "big"), ("class_weight", "x")],
)
def test_bad_params_are_named(data, param, value):
    with pytest.raises(InvalidParameterError, match=f"'{param}'"):
        fast(ChurnPipeline, **{param: value}).fit(data)


def test_network_level_checks_still_apply(data):
    with pytest.raises(ValueError, match="'solver' parameter must be"):
        fast(ChurnPipeline, solver="no-such-optimizer").fit(data)


def test_failed_fit_keeps_the_fitted_model(data):
    clf = fast(ChurnPipeline).fit(data)
    before = clf.predict_proba(data)
    pipeline = clf.pipeline_
    with pytest.raises(ValueError, match="Missing churn column"):
        clf.fit(data.drop(columns="Age"), data["Exited"])
    assert clf.pipeline_ is pipeline
    np.testing.assert_array_equal(clf.predict_proba(data), before)


def test_not_fitted_errors(data):
    clf = ChurnPipeline()
    for method in (clf.predict, clf.predict_proba):
        with pytest.raises(NotFittedError):
            method(data)
    with pytest.raises(NotFittedError):
        clf.network_  # noqa: B018


def test_grid_search_over_a_network_param(data):
    grid = GridSearchCV(
        fast(ChurnPipeline, max_iter=5),
        {"hidden_layer_sizes": [(4,), (8,)]},
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
        scoring="roc_auc",
    )
    grid.fit(data, data["Exited"])
    assert grid.best_params_["hidden_layer_sizes"] in [(4,), (8,)]
    best = grid.best_estimator_
    assert isinstance(best, ChurnPipeline)
    assert best.network_.hidden_layer_sizes == best.hidden_layer_sizes
    assert len(grid.cv_results_["mean_test_score"]) == 2


def test_clone_of_fitted_is_unfitted(fitted):
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params()
    assert not hasattr(copy, "pipeline_")


def test_pickle_round_trip(fitted, data):
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.predict_proba(data), fitted.predict_proba(data))
    np.testing.assert_array_equal(again.predict(CUSTOMER), fitted.predict(CUSTOMER))


def test_make_churn_pipeline_is_equivalent(fitted, data):
    params = fitted.get_params()
    params.pop("threshold")
    pipe = make_churn_pipeline(**params)
    assert [name for name, _ in pipe.steps] == ["prepare", "mlp"]
    pipe.fit(data, data["Exited"])
    np.testing.assert_array_equal(pipe.predict_proba(data), fitted.predict_proba(data))


def test_make_churn_pipeline_routes_any_network_param():
    pipe = make_churn_pipeline(solver="sgd", momentum=0.5, random_state=3)
    network = pipe.named_steps["mlp"]
    assert (network.solver, network.momentum, network.random_state) == ("sgd", 0.5, 3)
    assert network.hidden_layer_sizes == NETWORK_DEFAULTS["hidden_layer_sizes"]
    pipe.set_params(mlp__hidden_layer_sizes=(4,))
    assert network.hidden_layer_sizes == (4,)
