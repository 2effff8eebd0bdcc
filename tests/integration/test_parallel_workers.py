"""``n_jobs=2`` in scikit-learn's searches runs skdl in loky workers.

Each worker process trains on the device ``device='auto'`` gives it (its
own GPU on a machine with several, the CPU here); the results match the
same search run in one process.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.preprocessing import StandardScaler

from skdl import MLPClassifier

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X[:150, :6]), y[:150]


def _search(X, y, n_jobs):
    est = MLPClassifier((4,), batch_size=25, max_iter=4, random_state=0)
    grid = {"hidden_layer_sizes": [(4,), (3,)], "learning_rate_init": [0.01, 0.05]}
    return GridSearchCV(est, grid, cv=2, n_jobs=n_jobs).fit(X, y)


def test_grid_search_in_two_workers_matches_one_process(data):
    X, y = data
    serial = _search(X, y, n_jobs=1)
    parallel = _search(X, y, n_jobs=2)
    for key in ("mean_test_score", "std_test_score"):
        assert_allclose(parallel.cv_results_[key], serial.cv_results_[key], rtol=1e-6)
    assert parallel.best_params_ == serial.best_params_
    assert_allclose(
        parallel.predict_proba(X), serial.predict_proba(X), rtol=1e-5, atol=1e-6
    )
    # The candidates score differently: the comparison is not trivial.
    assert np.ptp(serial.cv_results_["mean_test_score"]) > 0


def test_cross_val_score_in_two_workers_matches_one_process(data):
    X, y = data
    est = MLPClassifier((5,), batch_size=25, max_iter=5, random_state=0)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    serial = cross_val_score(est, X, y, cv=cv, n_jobs=1)
    parallel = cross_val_score(est, X, y, cv=cv, n_jobs=2)
    assert_allclose(parallel, serial, rtol=1e-6)


def test_epoch_search_in_two_workers_matches_one_process(data):
    from skdl.model_selection import EpochSearchCV

    X, y = data
    est = MLPClassifier((4,), batch_size=25, random_state=0)
    grid = {"learning_rate_init": [0.01, 0.05]}

    def search(n_jobs):
        return EpochSearchCV(est, grid, epochs=[2, 4], cv=2, n_jobs=n_jobs).fit(X, y)

    serial, parallel = search(1), search(2)
    assert parallel.cv_results_["params"] == serial.cv_results_["params"]
    for key in ("split0_test_score", "split1_test_score"):
        assert_allclose(parallel.cv_results_[key], serial.cv_results_[key], rtol=1e-6)
    assert parallel.best_params_ == serial.best_params_
    assert np.ptp(serial.cv_results_["mean_test_score"]) > 0
