"""GPU paths: run where a GPU is visible to the Keras backend, else skipped."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skdl import MLPClassifier
from skdl.backend import device_scope, gpu_count, import_keras, resolve_device

pytestmark = pytest.mark.gpu

X = np.random.RandomState(0).normal(size=(256, 10)).astype(np.float32)
Y = (X[:, 0] + X[:, 1] > 0).astype(int)


@pytest.fixture(autouse=True)
def _needs_gpu():
    if gpu_count() == 0:
        pytest.skip("no GPU visible to the Keras backend")


@pytest.fixture(autouse=True)
def _full_float32_matmuls():
    """GPUs multiply float32 in TF32 by default; compare with the CPU in full."""
    keras = import_keras()
    if keras.backend.backend() == "jax":
        import jax

        previous = jax.config.jax_default_matmul_precision
        jax.config.update("jax_default_matmul_precision", "highest")
        yield
        jax.config.update("jax_default_matmul_precision", previous)
    elif keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        previous = tf.config.experimental.tensor_float_32_execution_enabled()
        tf.config.experimental.enable_tensor_float_32_execution(False)
        yield
        tf.config.experimental.enable_tensor_float_32_execution(previous)
    else:
        yield


def _device_of(variable) -> str:
    value = variable.value
    if hasattr(value, "devices"):  # JAX arrays
        return ",".join(str(d) for d in value.devices())
    return str(value.device)


def test_auto_picks_the_first_gpu():
    assert resolve_device("auto") == "gpu:0"


def test_train_on_gpu_predict_on_cpu():
    # 256 rows, 2 steps per epoch: 50 epochs at rate 0.01 learn the rule
    # (20 epochs at 0.001 did not, on any backend or device).
    with device_scope("gpu"):
        clf = MLPClassifier(
            (16,), max_iter=50, learning_rate_init=0.01, random_state=0
        ).fit(X, Y)
        on_gpu = clf.predict_proba(X)
    assert "gpu" in _device_of(clf.model_.weights[0]).lower() or "cuda" in (
        _device_of(clf.model_.weights[0]).lower()
    )
    assert clf.score(X, Y) > 0.8
    with device_scope("cpu"):
        copy = pickle.loads(pickle.dumps(clf))
        on_cpu = copy.predict_proba(X)
    assert_allclose(on_cpu, on_gpu, rtol=1e-4, atol=1e-5)


def test_mixed_precision_on_gpu():
    keras = import_keras()
    with device_scope("gpu", precision="mixed_float16"):
        clf = MLPClassifier(
            (16,), max_iter=50, learning_rate_init=0.01, random_state=0
        ).fit(X, Y)
    assert keras.config.dtype_policy().name == "float32"
    assert clf.model_.get_layer("hidden_0").compute_dtype == "float16"
    assert clf.score(X, Y) > 0.8


def test_churn_pipeline_trains_on_the_gpu_and_predicts_on_the_cpu():
    from skdl.datasets import make_churn
    from skdl.pipelines import ChurnPipeline

    df = make_churn(400, random_state=0)
    clf = ChurnPipeline((8,), device="gpu", max_iter=20, random_state=0).fit(df)
    device = _device_of(clf.network_.model_.weights[0]).lower()
    assert "gpu" in device or "cuda" in device
    proba = clf.predict_proba(df)
    with device_scope("cpu"):
        copy = pickle.loads(pickle.dumps(clf))
        assert_allclose(copy.predict_proba(df), proba, rtol=1e-4, atol=1e-5)
    half = ChurnPipeline(
        (8,), device="gpu", precision="mixed_float16", max_iter=2, random_state=0
    ).fit(df)
    assert half.network_.model_.get_layer("hidden_0").compute_dtype == "float16"
