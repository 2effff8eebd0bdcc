"""Warnings point at the user's line, whatever skdl or sklearn run between."""

from __future__ import annotations

import contextlib
import inspect
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdl import ConvClassifier, KerasClassifier, MLPClassifier, MLPRegressor
from skdl.datasets import make_churn
from skdl.pipelines import ChurnPipeline
from tests.params import fast

# Two epochs with tol=0 never count as converged.
UNCONVERGED = dict(max_iter=2, tol=0.0)


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=40, n_features=4, random_state=0)


def _here() -> int:
    """The line number of the caller's current line."""
    return inspect.currentframe().f_back.f_lineno


@contextlib.contextmanager
def _recorded():
    """Record every warning (``pytest.warns`` would re-emit the others)."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        yield record


def _the_warning(record, category=ConvergenceWarning) -> warnings.WarningMessage:
    found = [w for w in record if issubclass(w.category, category)]
    assert len(found) == 1, [str(w.message) for w in record]
    return found[0]


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor, ConvClassifier])
def test_fit_warns_at_the_fit_call(cls, data):
    X, y = data
    est = fast(cls, **UNCONVERGED)
    with _recorded() as rec:
        line = _here(); est.fit(X, y)  # fmt: skip  # noqa: E702
    warning = _the_warning(rec)
    assert "Maximum iterations (2) reached" in str(warning.message)
    assert (warning.filename, warning.lineno) == (__file__, line)


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor, ConvClassifier])
def test_warm_start_fit_warns_at_the_fit_call(cls, data):
    X, y = data
    est = fast(cls, warm_start=True, **UNCONVERGED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    with _recorded() as rec:
        line = _here(); est.fit(X, y)  # fmt: skip  # noqa: E702
    warning = _the_warning(rec)
    assert (warning.filename, warning.lineno) == (__file__, line)


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor, ConvClassifier])
def test_partial_fit_does_not_warn(cls, data):
    X, y = data
    est = fast(cls, **UNCONVERGED)
    extra = {"classes": np.unique(y)} if cls is not MLPRegressor else {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        for _ in range(3):  # past max_iter: one epoch per call, as in sklearn
            est.partial_fit(X, y, **extra)
    assert len(est.loss_curve_) == 3


def test_churn_pipeline_warns_at_the_fit_call():
    df = make_churn(120, random_state=0)
    clf = fast(ChurnPipeline, **UNCONVERGED)
    with _recorded() as rec:
        line = _here(); clf.fit(df)  # fmt: skip  # noqa: E702
    warning = _the_warning(rec)
    assert (warning.filename, warning.lineno) == (__file__, line)


def test_through_sklearn_pipeline_and_cross_validation(data):
    X, y = data
    pipe = make_pipeline(StandardScaler(), fast(MLPClassifier, **UNCONVERGED))
    with _recorded() as rec:
        line = _here(); pipe.fit(X, y)  # fmt: skip  # noqa: E702
    warning = _the_warning(rec)
    assert (warning.filename, warning.lineno) == (__file__, line)
    with _recorded() as rec:
        line = _here(); cross_val_score(pipe, X, y, cv=2)  # fmt: skip  # noqa: E702
    found = [w for w in rec if issubclass(w.category, ConvergenceWarning)]
    assert len(found) == 2  # one per fold
    assert {(w.filename, w.lineno) for w in found} == {(__file__, line)}


def test_column_vector_y_warns_at_the_fit_call(data):
    X, y = data
    est = fast(MLPClassifier, max_iter=1)
    with _recorded() as rec:
        line = _here(); est.fit(X, y.reshape(-1, 1))  # fmt: skip  # noqa: E702
    warning = _the_warning(rec, DataConversionWarning)
    assert "column-vector y" in str(warning.message)
    assert (warning.filename, warning.lineno) == (__file__, line)


def test_build_fn_deprecation_warns_at_the_fit_call(data):
    X, y = data
    build = fast(KerasClassifier).model
    est = fast(KerasClassifier, model=None, build_fn=build, epochs=1)
    with _recorded() as rec:
        line = _here(); est.fit(X, y)  # fmt: skip  # noqa: E702
    warning = _the_warning(rec, FutureWarning)
    assert "`build_fn` is deprecated" in str(warning.message)
    assert (warning.filename, warning.lineno) == (__file__, line)
