"""The ``device`` and ``precision`` parameters of the estimators (CPU side)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_classification

from skdl import ConvClassifier, MLPClassifier, MLPRegressor
from skdl.backend import gpu_count
from tests.params import fast


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=60, n_features=6, random_state=0)


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor, ConvClassifier])
def test_cpu_device_trains_on_cpu(cls, data):
    X, y = data
    est = fast(cls, device="cpu", max_iter=2).fit(X, y)
    device = str(est.model_.variables[0].value.device).lower()
    assert "cpu" in device


def test_auto_device_matches_what_is_there(data):
    X, y = data
    clf = fast(MLPClassifier, max_iter=2).fit(X, y)
    device = str(clf.model_.variables[0].value.device).lower()
    assert ("gpu" in device or "cuda" in device) == (gpu_count() > 0)


@pytest.mark.skipif(gpu_count() > 0, reason="this machine has a GPU")
def test_gpu_device_without_a_gpu_is_a_clear_error(data):
    X, y = data
    clf = fast(MLPClassifier, device="gpu")
    with pytest.raises(ValueError, match="GPU"):
        clf.fit(X, y)
    assert not hasattr(clf, "model_")


@pytest.mark.parametrize("bad", ["tpu", "gpu:x", 3])
def test_bad_device_values(bad, data):
    X, y = data
    with pytest.raises((ValueError, TypeError), match="device"):
        fast(MLPClassifier, device=bad).fit(X, y)


def test_mixed_precision_is_scoped_to_the_estimator(data):
    import keras

    X, y = data
    before = keras.config.dtype_policy().name
    clf = fast(MLPClassifier, precision="mixed_bfloat16", max_iter=3).fit(X, y)
    assert keras.config.dtype_policy().name == before
    policies = {layer.dtype_policy.name for layer in clf.model_.layers[1:]}
    assert policies == {"mixed_bfloat16"}
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match="precision"):
        fast(MLPClassifier, precision="float8").fit(X, y)
