"""Held-out rows are evaluated ``validation_batch_size`` rows at a time."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression

from skdl import KerasClassifier, KerasRegressor
from skdl._training import loop
from skdl._training.predict import PREDICT_CHUNK
from tests.params import fast


@pytest.fixture(scope="module")
def net_and_rows():
    import keras

    keras.utils.set_random_seed(0)
    rng = np.random.RandomState(0)
    x = rng.normal(size=(50, 4)).astype("float32")
    y = (x[:, 0] + 0.5 * rng.normal(size=50) > 0).astype("float32")
    w = rng.uniform(0.1, 3.0, size=50).astype("float32")
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")]
    )
    model.compile(
        "adam",
        "binary_crossentropy",
        metrics=["accuracy", keras.metrics.AUC(name="auc")],
        weighted_metrics=["accuracy"],
    )
    return model, x, y, w


def _batch_lengths(model, monkeypatch) -> list[int]:
    seen: list[int] = []
    original = type(model).test_on_batch

    def spy(self, x, *args, **kwargs):
        seen.append(len(x))
        return original(self, x, *args, **kwargs)

    monkeypatch.setattr(type(model), "test_on_batch", spy)
    return seen


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_batches_give_the_metrics_of_one_call(net_and_rows, weighted, monkeypatch):
    model, x, y, w = net_and_rows
    sw = w if weighted else None
    whole = loop.evaluate(model, (x, y, sw), None)
    seen = _batch_lengths(model, monkeypatch)
    batched = loop.evaluate(model, (x, y, sw), 7)
    assert seen == [7] * 7 + [1]  # the remainder batch included
    assert "reset_metrics" not in model.__dict__
    assert batched.keys() == whole.keys() >= {"val_loss", "val_accuracy", "val_auc"}
    for key, value in whole.items():
        np.testing.assert_allclose(
            batched[key], value, rtol=1e-6, atol=1e-7, err_msg=key
        )
    # And both are what Keras' own evaluate reports on the same batches.
    keras_logs = model.evaluate(
        x, y, sample_weight=sw, batch_size=7, verbose=0, return_dict=True
    )
    for key, value in keras_logs.items():
        np.testing.assert_allclose(batched[f"val_{key}"], value, rtol=1e-6)


def test_each_evaluation_starts_from_fresh_metrics(net_and_rows):
    model, x, y, _ = net_and_rows
    first = loop.evaluate(model, (x[:20], y[:20], None), 6)
    loop.evaluate(model, (x[20:], y[20:], None), 6)
    again = loop.evaluate(model, (x[:20], y[:20], None), 6)
    for key, value in first.items():
        np.testing.assert_allclose(again[key], value, rtol=1e-6, err_msg=key)


@pytest.fixture(scope="module")
def classification():
    return make_classification(n_samples=80, n_features=5, random_state=1)


@pytest.mark.parametrize(
    "params, expected",
    [
        # Unset: calls of up to PREDICT_CHUNK rows, whatever the batch size.
        ({"batch_size": 16}, PREDICT_CHUNK),
        ({}, PREDICT_CHUNK),
        ({"batch_size": 16, "validation_batch_size": 5}, 5),
        # -1: every row in one call (the size becomes the data's 80 rows).
        ({"validation_batch_size": -1}, 80),
        ({"validation_batch_size": 5, "fit__validation_batch_size": 3}, 3),
    ],
)
def test_the_setting_reaches_the_evaluation(
    classification, params, expected, monkeypatch
):
    sizes = []
    original = loop.evaluate

    def spy(model, validation, batch_size=None):
        sizes.append(batch_size)
        return original(model, validation, batch_size)

    monkeypatch.setattr(loop, "evaluate", spy)
    X, y = classification
    fast(KerasClassifier, epochs=2, validation_split=0.25, **params).fit(X, y)
    assert sizes == [expected, expected]


@pytest.mark.parametrize(
    "cls, data, metric",
    [
        (
            KerasClassifier,
            make_classification(n_samples=90, random_state=2),
            "accuracy",
        ),
        (KerasRegressor, make_regression(90, n_features=6, random_state=2), "mae"),
    ],
)
def test_history_agrees_with_one_call(cls, data, metric):
    X, y = data
    weights = np.random.RandomState(3).uniform(0.5, 2.0, size=len(y))
    params = dict(epochs=4, batch_size=16, validation_split=0.3, metrics=[metric])
    whole = fast(cls, validation_batch_size=-1, **params)
    batched = fast(cls, validation_batch_size=4, **params)  # 27 rows: 6 x 4 + 3
    whole.fit(X, y, sample_weight=weights)
    batched.fit(X, y, sample_weight=weights)
    assert whole.history_["loss"] == batched.history_["loss"]
    assert {"val_loss", f"val_{metric}"} <= whole.history_.keys()
    for key in ("val_loss", f"val_{metric}"):
        np.testing.assert_allclose(
            batched.history_[key], whole.history_[key], rtol=1e-6, err_msg=key
        )


@pytest.mark.parametrize("bad", [0, -2, 1.5, "all"])
def test_bad_values_are_named(classification, bad):
    X, y = classification
    model = fast(KerasClassifier, validation_batch_size=bad)
    with pytest.raises(ValueError, match="validation_batch_size"):
        model.fit(X, y)
    with pytest.raises(ValueError, match="validation_batch_size"):
        fast(KerasClassifier, fit__validation_batch_size=bad).fit(X, y)
