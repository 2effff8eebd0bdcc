"""KerasClassifier / KerasRegressor in scikeras' calling conventions."""

from __future__ import annotations

import pickle
from unittest import mock

import keras
import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.datasets import make_classification

from skdl import KerasClassifier, KerasRegressor
from skdl.wrappers import BaseWrapper
from tests.unit.test_wrappers import softmax_net


@pytest.fixture(scope="module")
def data3():
    X, y = make_classification(
        n_samples=60, n_features=4, n_informative=3, n_redundant=0, n_classes=3,
        random_state=0,
    )  # fmt: skip
    return X.astype(np.float32), y


def linear_net(meta):
    return keras.Sequential(
        [
            keras.Input(meta["X_shape_"][1:]),
            keras.layers.Flatten(),
            keras.layers.Dense(1),
        ]
    )


class Recording(keras.callbacks.Callback):
    """Records hook calls into a dict the test owns."""

    def __init__(self, log):
        super().__init__()
        self.log = log

    def on_test_begin(self, logs=None):
        self.log["test"] = self.log.get("test", 0) + 1

    def on_predict_begin(self, logs=None):
        self.log["predict"] = self.log.get("predict", 0) + 1


def test_initialize_builds_without_training_and_partial_fit_continues(data3):
    X, y = data3
    clf = KerasClassifier(softmax_net, random_state=0).initialize(X, y)
    assert clf.current_epoch == 0 and clf.classes_.tolist() == [0, 1, 2]
    assert clf.predict_proba(X).shape == (60, 3)
    clf.partial_fit(X, y)
    clf.partial_fit(X, y)
    assert clf.current_epoch == 2
    clf.set_params(epochs=3, warm_start=True).fit(X, y)
    assert clf.current_epoch == 3  # fit starts a new history, as in scikeras
    assert clf.n_iter_ == 3  # the epochs of this call, as in scikit-learn
    assert is_classifier(clf)


def test_initialize_uses_a_given_network_itself():
    net = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    net.compile(loss="mae", optimizer="adam")
    X, y = np.ones((5, 2), np.float32), np.arange(5.0)
    reg = KerasRegressor(model=net).initialize(X, y)
    assert reg.model_ is net
    np.testing.assert_allclose(reg.predict(X), net.predict(X, verbose=0).ravel())
    assert KerasRegressor(model=net).fit(X, y).model_ is not net  # fit trains a copy


def test_fit_and_predict_keywords_go_to_keras_for_that_call_only(data3):
    X, y = data3
    clf = KerasClassifier(softmax_net, warm_start=True, batch_size=16)
    clf.initialize(X, y)
    with mock.patch.object(clf.model_, "fit", wraps=clf.model_.fit) as fit:
        clf.fit(X, y, epochs=2, batch_size=7, validation_data=(X[:5], y[:5]))
    kwargs = fit.call_args.kwargs
    assert kwargs["epochs"] == 2 and kwargs["batch_size"] == 7
    assert "validation_data" in kwargs and "val_loss" in clf.history_
    assert clf.fit_engine_[0] == "keras"
    with mock.patch.object(clf.model_, "predict", wraps=clf.model_.predict) as pred:
        clf.predict(X, batch_size=9)
    assert pred.call_args.kwargs["batch_size"] == 9
    assert clf.get_params()["batch_size"] == 16  # nothing of the call is kept
    assert not any(k.startswith("_call") for k in vars(clf))
    with pytest.raises(TypeError, match="Invalid argument `epochs`"):
        clf.partial_fit(X, y, epochs=2)


def test_callbacks_see_evaluation_and_prediction_and_record_into_user_objects(data3):
    X, y = data3
    log, predict_log = {}, {}
    clf = KerasClassifier(
        softmax_net,
        callbacks=[Recording(log)],
        predict__callbacks=[Recording(predict_log)],
        validation_split=0.2,
    ).fit(X, y)
    assert log == {"test": 1}
    clf.predict(X[:3])
    assert log == {"test": 1, "predict": 1} and predict_log == {"predict": 1}


def test_callback_classes_take_routed_positional_arguments(data3):
    X, y = data3
    seen = []

    class Positional(keras.callbacks.Callback):
        def __init__(self, *args):
            super().__init__()
            seen.append(args)

    KerasClassifier(
        softmax_net,
        callbacks={"p": Positional},
        callbacks__p__1="b",
        callbacks__p__0="a",
    ).fit(X, y)
    assert seen == [("a", "b")]


def test_n_dimensional_X():
    rng = np.random.RandomState(0)
    images, target = rng.rand(20, 3, 4, 2), rng.rand(20)
    reg = KerasRegressor(linear_net, epochs=1).fit(images, target)
    assert reg.X_shape_ == (20, 3, 4, 2) and reg.predict(images).dtype == np.float32
    with pytest.raises(ValueError, match="X has 3 dimensions, but this KerasRegressor"):
        reg.partial_fit(images.reshape(20, 3, 8), target)


def test_partial_fit_refuses_unsafe_dtype_and_shape_changes(data3):
    X, y = data3
    clf = KerasClassifier(softmax_net).fit(X.astype(np.int64), y)
    clf.partial_fit(X.astype(np.uint8), y)
    with pytest.raises(ValueError, match="Got X with dtype float64"):
        clf.partial_fit(X.astype(np.float64), y)
    with pytest.raises(ValueError, match="y has 2 dimensions"):
        clf.partial_fit(X.astype(np.int64), y.reshape(-1, 1))


def test_scikeras_errors(data3):
    X, y = data3
    with pytest.raises(ValueError, match="You must provide an optimizer"):
        KerasClassifier(softmax_net, optimizer=None).fit(X, y)
    with pytest.raises(ValueError, match="only zeros were passed in sample_weight"):
        KerasClassifier(softmax_net).fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(TypeError, match="got an unexpected keyword argument 'bar'"):
        KerasClassifier(softmax_net, model__bar=1).fit(X, y)
    with pytest.raises(ValueError, match="No valid loss function"):
        KerasClassifier(softmax_net, loss=[None]).fit(X, y)
    with pytest.raises(ValueError, match="This issue can likely be resolved"):
        BaseWrapper().set_params(nope=1)


class CountingMetric(keras.metrics.MeanAbsoluteError):
    """An unregistered custom metric class."""


def test_unregistered_custom_metric_pickles_after_partial_fit(data3):
    X, y = data3
    reg = KerasRegressor(
        linear_net, optimizer="adam", metrics=["mse", CountingMetric(name="cm")]
    )
    reg.partial_fit(X, y.astype(float))
    again = pickle.loads(pickle.dumps(reg)).partial_fit(X, y.astype(float))
    assert set(again.history_) == {"loss", "mean_squared_error", "cm"}
    assert len(again.history_["loss"]) == 2
    assert clone(again).get_params()["metrics"][1].name == "cm"


def test_score_routed_parameters_reach_the_scorer(data3):
    X, y = data3
    clf = KerasClassifier(softmax_net, epochs=2, random_state=0).fit(X, y)
    assert clf.score(X, y) == pytest.approx(np.mean(clf.predict(X) == y))
    clf.set_params(score__normalize=False)
    assert clf.score(X, y) == np.sum(clf.predict(X) == y)


def _outputs(est, X):
    return est.predict_proba(X) if is_classifier(est) else est.predict(X)


@pytest.mark.parametrize("make", [KerasClassifier, KerasRegressor])
def test_a_random_state_instance_seeds_every_fit_alike_and_is_left_unchanged(make):
    # scikeras' semantics: refitting the same wrapper with a RandomState
    # instance trains the same network; the user's generator is not drawn
    # from.
    X, y = make_classification(n_samples=60, n_features=5, random_state=0)
    X = X.astype(np.float32)
    net = softmax_net if make is KerasClassifier else linear_net
    rng = np.random.RandomState(3)
    before = rng.get_state()[1].copy()
    est = make(net, epochs=3, random_state=rng)
    first = _outputs(est.fit(X, y), X)
    np.testing.assert_array_equal(first, _outputs(est.fit(X, y), X))
    np.testing.assert_array_equal(rng.get_state()[1], before)
    # Another state, another network: the instance does choose the seed.
    other = make(net, epochs=3, random_state=np.random.RandomState(4)).fit(X, y)
    assert not np.array_equal(_outputs(other, X), first)


def test_skdl_estimators_still_draw_from_a_random_state_instance():
    from skdl import MLPRegressor

    X, y = make_classification(n_samples=60, n_features=5, random_state=0)
    rng = np.random.RandomState(3)
    before = rng.get_state()[1].copy()
    reg = MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=rng)
    first = reg.fit(X, y).predict(X)
    second = reg.fit(X, y).predict(X)
    assert not np.array_equal(first, second)
    assert not np.array_equal(rng.get_state()[1], before)
