"""The one chunked predictor: chunk sizes and small-call padding."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_array_equal

from skdl import KerasRegressor
from skdl._training.predict import PREDICT_MIN_ROWS, predict_raw
from skdl.backend import import_keras

keras = import_keras()

RNG = np.random.RandomState(0)
X = RNG.normal(size=(40, 3)).astype(np.float32)
Y = X @ np.array([1.0, -2.0, 0.5], np.float32)


class _Recorder:
    """Stands in for a network: records the rows of each call."""

    def __init__(self):
        self.calls: list[int] = []

    def predict_on_batch(self, x):
        self.calls.append(int(x.shape[0]))
        return x[:, :1] * 2.0


def test_small_calls_are_padded_and_chunks_respected():
    rec = _Recorder()
    out = predict_raw(rec, X[:10], chunk=4)
    assert rec.calls == [PREDICT_MIN_ROWS] * 3  # chunks of 4, 4, 2, each padded
    assert_array_equal(out, X[:10, :1] * 2.0)
    rec.calls.clear()
    predict_raw(rec, X, chunk=-1)
    assert rec.calls == [40]
    rec.calls.clear()
    predict_raw(rec, X)
    assert rec.calls == [40]


def _linear(meta):
    return keras.Sequential(
        [keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1)]
    )


def test_predict_batch_size_gives_the_same_rows_as_one_call():
    reg = KerasRegressor(_linear, epochs=1, random_state=0).fit(X, Y)
    whole = reg.predict(X[:12])
    reg.set_params(predict__batch_size=5)
    assert_array_equal(reg.predict(X[:12]), whole)
    assert_array_equal(reg.predict(X[:1]), whole[:1])
