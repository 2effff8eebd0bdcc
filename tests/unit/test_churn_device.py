"""The ``device`` and ``precision`` parameters of ChurnPipeline (CPU side)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone

import skdl
from skdl.backend import gpu_count
from skdl.datasets import make_churn
from skdl.pipelines import ChurnPipeline, make_churn_pipeline
from tests.params import fast


@pytest.fixture(scope="module")
def data():
    return make_churn(200, random_state=4)


@pytest.fixture(scope="module")
def fitted(data):
    return fast(ChurnPipeline, device="cpu", max_iter=3).fit(data)


def _variable_device(pipeline: ChurnPipeline) -> str:
    return str(pipeline.network_.model_.variables[0].value.device).lower()


def test_defaults_and_params_round_trip():
    clf = ChurnPipeline()
    assert (clf.device, clf.precision) == ("auto", None)
    clf.set_params(device="cpu", precision="mixed_bfloat16")
    params = clf.get_params()
    assert (params["device"], params["precision"]) == ("cpu", "mixed_bfloat16")
    assert clone(clf).get_params() == params


def test_device_reaches_the_network(fitted):
    assert fitted.network_.device == "cpu"
    assert fitted.network_.precision is None
    assert "cpu" in _variable_device(fitted)


def test_precision_reaches_the_network_and_stays_local(data):
    import keras

    before = keras.config.dtype_policy().name
    clf = fast(ChurnPipeline, precision="mixed_bfloat16", max_iter=3).fit(data)
    assert keras.config.dtype_policy().name == before
    assert clf.network_.precision == "mixed_bfloat16"
    policies = {layer.dtype_policy.name for layer in clf.network_.model_.layers[1:]}
    assert policies == {"mixed_bfloat16"}
    proba = clf.predict_proba(data)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


def test_make_churn_pipeline_forwards_them():
    network = make_churn_pipeline(device="cpu", precision="float32")[-1]
    assert (network.device, network.precision) == ("cpu", "float32")
    default = make_churn_pipeline()[-1]
    assert (default.device, default.precision) == ("auto", None)


@pytest.mark.parametrize(
    "param, value, message",
    [
        ("device", "tpu", "device must be 'auto', 'cpu', 'gpu' or 'gpu:N'"),
        ("device", "gpu:x", "device must be 'auto', 'cpu', 'gpu' or 'gpu:N'"),
        ("device", 3, "The 'device' parameter"),
        ("precision", "float8", "The 'precision' parameter"),
        ("precision", 16, "The 'precision' parameter"),
    ],
)
def test_bad_values_are_named_and_keep_the_fitted_model(
    fitted, data, param, value, message
):
    clf = clone(fitted)
    clf.pipeline_, clf.classes_ = fitted.pipeline_, fitted.classes_
    before = clf.predict_proba(data)
    pipeline = clf.pipeline_
    clf.set_params(**{param: value})
    with pytest.raises(ValueError, match=message):
        clf.fit(data)
    assert clf.pipeline_ is pipeline
    np.testing.assert_array_equal(clf.predict_proba(data), before)


@pytest.mark.skipif(gpu_count() > 0, reason="this machine has a GPU")
def test_gpu_without_a_gpu_is_a_clear_error(data):
    clf = fast(ChurnPipeline, device="gpu")
    with pytest.raises(ValueError, match="asks for GPU 0"):
        clf.fit(data)
    assert not hasattr(clf, "pipeline_")


def test_pickle_keeps_them(fitted, data):
    again = pickle.loads(pickle.dumps(fitted))
    assert (again.device, again.precision) == ("cpu", None)
    assert again.network_.device == "cpu"
    np.testing.assert_array_equal(again.predict_proba(data), fitted.predict_proba(data))


def test_safe_format_keeps_them(data, tmp_path):
    clf = fast(ChurnPipeline, device="cpu", precision="float32", max_iter=3)
    clf.fit(data)
    path = tmp_path / "churn.skdl"
    skdl.save(clf, path)
    again = skdl.load(path)
    assert (again.device, again.precision) == ("cpu", "float32")
    assert (again.network_.device, again.network_.precision) == ("cpu", "float32")
    np.testing.assert_array_equal(again.predict_proba(data), clf.predict_proba(data))
    moved = skdl.load(path, params={"device": "auto"})
    assert moved.device == "auto"
