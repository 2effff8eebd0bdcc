"""Device selection, precision scopes and seeding in ``skdl.backend``."""

from __future__ import annotations

import random

import numpy as np
import pytest

from skdl import MLPClassifier
from skdl.backend import (
    backend_name,
    device_scope,
    gpu_count,
    import_keras,
    resolve_device,
    seeded,
)

keras = import_keras()
X = np.random.RandomState(0).normal(size=(40, 3)).astype(np.float32)
Y = (X[:, 0] > 0).astype(int)


def _device_of(variable) -> str:
    value = variable.value
    if hasattr(value, "devices"):  # JAX arrays
        return ",".join(str(d) for d in value.devices())
    return str(value.device)


def test_resolve_device_names():
    assert resolve_device("cpu") == "cpu:0"
    assert resolve_device(" CPU ") == "cpu:0"
    assert resolve_device("auto") == ("gpu:0" if gpu_count() else "cpu:0")


@pytest.mark.parametrize("bad", ["tpu", "gpu:-1", "auto:1", "gpu:x", "", 3, None])
def test_resolve_device_rejects_unknown_settings(bad):
    with pytest.raises(ValueError, match="device must be 'auto', 'cpu', 'gpu'"):
        resolve_device(bad)


def test_gpu_without_a_gpu_is_a_clear_error():
    if gpu_count():
        pytest.skip("a GPU is visible here")
    with pytest.raises(ValueError, match=r"sees no GPU\. Use device='auto'"):
        resolve_device("gpu")
    with pytest.raises(ValueError, match="asks for GPU 1"):
        resolve_device("gpu:1")


def test_missing_gpu_index_is_a_clear_error():
    with pytest.raises(ValueError, match="asks for GPU 999"):
        resolve_device("gpu:999")


def test_cpu_scope_trains_on_the_cpu():
    with device_scope("cpu") as name:
        clf = MLPClassifier((4,), max_iter=3, random_state=0).fit(X, Y)
    assert name == "cpu:0"
    assert "cpu" in _device_of(clf.model_.weights[0]).lower()
    assert clf.predict(X).shape == (40,)


def test_precision_policy_is_restored():
    before = keras.config.dtype_policy().name
    with device_scope("cpu", precision="mixed_bfloat16"):
        assert keras.config.dtype_policy().name == "mixed_bfloat16"
        clf = MLPClassifier((4,), max_iter=2, random_state=0).fit(X, Y)
    assert keras.config.dtype_policy().name == before
    hidden = clf.model_.get_layer("hidden_0")
    assert hidden.compute_dtype == "bfloat16" and hidden.variable_dtype == "float32"
    assert clf.predict_proba(X).shape == (40, 2)
    # Restored on errors as well.
    with pytest.raises(RuntimeError), device_scope("cpu", "mixed_float16"):
        raise RuntimeError("inside")
    assert keras.config.dtype_policy().name == before


def test_precision_is_validated():
    with pytest.raises(ValueError, match="precision must be one of"):
        device_scope("cpu", precision="float16").__enter__()


def _global_state():
    from skdl.backend import _keras_global_seed_state

    seed, generator = _keras_global_seed_state()
    gen_state = None if generator is None else np.asarray(generator.state.value)
    return random.getstate(), np.random.get_state(), seed, generator, gen_state


def _assert_same_state(a, b):
    assert a[0] == b[0]
    for x, y in zip(a[1], b[1], strict=True):
        np.testing.assert_array_equal(x, y)
    assert a[2] == b[2] and a[3] is b[3]
    if a[4] is not None:
        np.testing.assert_array_equal(a[4], b[4])


def _draws():
    return (
        random.random(),
        float(np.random.rand()),
        float(keras.random.uniform((1,))[0]),
    )


def test_seeded_restores_global_state_exactly():
    keras.random.uniform((1,))  # make sure a global generator exists
    before = _global_state()
    with seeded(3):
        first = _draws()
    _assert_same_state(before, _global_state())
    with seeded(3):
        second = _draws()
    assert first == second
    _assert_same_state(before, _global_state())


def test_seeded_none_changes_nothing():
    random.seed(1)
    np.random.seed(1)
    expected = (random.random(), float(np.random.rand()))
    random.seed(1)
    np.random.seed(1)
    with seeded(None):
        got = (random.random(), float(np.random.rand()))
    assert got == expected


def test_unseeded_fit_after_a_seeded_one():
    MLPClassifier((4,), max_iter=2, random_state=0).fit(X, Y)
    a = MLPClassifier((4,), max_iter=2).fit(X, Y)
    b = MLPClassifier((4,), max_iter=2).fit(X, Y)
    assert not np.allclose(a.coefs_[0], b.coefs_[0])  # fresh draws each time
    # No determinism switch was left on: unseeded random ops still run.
    assert keras.random.normal((2,)).shape == (2,)
    if backend_name() == "tensorflow":
        import tensorflow as tf

        assert tf.random.uniform((2,)).shape == (2,)
