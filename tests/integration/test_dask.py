"""GridSearchCV over skdl on a Dask cluster gives the local results.

Two worker processes of a ``distributed.LocalCluster`` stand in for a real
cluster: the same code runs on a multi-machine cluster by passing its
scheduler address to ``Client``.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from skdl import MLPClassifier

distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")

pytestmark = pytest.mark.slow


def _search(n_jobs=None):
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X[:150, :6])
    y = y[:150]
    est = MLPClassifier((4,), batch_size=25, max_iter=4, random_state=0)
    grid = {"hidden_layer_sizes": [(4,), (3,)], "learning_rate_init": [0.01, 0.05]}
    return GridSearchCV(est, grid, cv=2, n_jobs=n_jobs).fit(X, y), X


def test_grid_search_on_dask_matches_local():
    local, X = _search()
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
        joblib.parallel_backend("dask"),
    ):
        remote, _ = _search(n_jobs=2)
        workers = client.run(lambda: __import__("os").getpid())
    assert len(set(workers.values())) == 2
    for key in ("mean_test_score", "std_test_score"):
        assert_allclose(remote.cv_results_[key], local.cv_results_[key], rtol=1e-6)
    assert remote.best_params_ == local.best_params_
    assert_allclose(
        remote.predict_proba(X), local.predict_proba(X), rtol=1e-5, atol=1e-6
    )
    # The scores differ between candidates: the comparison is not trivial.
    assert np.ptp(local.cv_results_["mean_test_score"]) > 0
