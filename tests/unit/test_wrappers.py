"""KerasClassifier / KerasRegressor: routing, building, encoding, state."""

from __future__ import annotations

import pickle
import random

import keras
import numpy as np
import pytest
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import make_classification, make_regression
from sklearn.preprocessing import FunctionTransformer

from skdl import KerasClassifier, KerasRegressor
from skdl.preprocessing import KerasRegressorTargetEncoder
from tests.params import build_classifier, build_regressor, fast


@pytest.fixture(scope="module")
def data3():
    X, y = make_classification(
        n_samples=90,
        n_features=5,
        n_informative=4,
        n_redundant=0,
        n_classes=3,
        random_state=0,
    )
    return X.astype(np.float32), y


@pytest.fixture(scope="module")
def data2():
    X, y = make_classification(n_samples=80, n_features=4, random_state=0)
    return X.astype(np.float32), np.where(y == 1, "yes", "no")


@pytest.fixture(scope="module")
def reg_data():
    X, y = make_regression(n_samples=80, n_features=3, noise=1.0, random_state=0)
    return X.astype(np.float32), y


def softmax_net(meta, units=8):
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(units, activation="relu"),
            keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ]
    )


# -- parameters --
def test_routed_params_round_trip_through_get_set_params_and_clone():
    clf = KerasClassifier(softmax_net, epochs=7, model__units=4, optimizer__rho=0.8)
    params = clf.get_params()
    assert params["model__units"] == 4 and params["optimizer__rho"] == 0.8
    clf.set_params(optimizer__learning_rate=0.1, model__units=5)
    twin = clone(clf)
    assert twin.get_params()["optimizer__learning_rate"] == 0.1
    assert twin.model__units == 5 and twin.epochs == 7
    assert "model__units=5" in repr(twin)


def test_set_params_rejects_unknown_name_with_a_hint():
    clf = KerasClassifier(softmax_net)
    with pytest.raises(ValueError, match="Did you mean 'epochs'"):
        clf.set_params(epoch=3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"optimzer__learning_rate": 0.1}, "Did you mean 'optimizer__learning_rate'"),
        ({"model__unit": 3}, "Did you mean 'model__units'"),
        ({"unit": 3}, "Did you mean 'model__units'"),
        ({"fit__epoch": 3}, "Did you mean 'epochs'"),
        ({"predict__batchsize": 1}, "predict__batch_size"),
        ({"compile__jit": True}, "compile__jit_compile"),
    ],
)
def test_misspelt_routed_parameters_fail_in_fit_with_a_hint(data3, kwargs, message):
    X, y = data3
    clf = KerasClassifier(softmax_net, **kwargs)
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y)
    assert not hasattr(clf, "model_")


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"epochs": 0}, "epochs"),
        ({"fit__epochs": 0}, "fit__epochs"),
        ({"batch_size": 0}, "batch_size"),
        ({"validation_split": 1.5}, "validation_split"),
        ({"predict__batch_size": -3}, "predict__batch_size"),
    ],
)
def test_bad_values_raise_naming_the_parameter(data3, kwargs, name):
    X, y = data3
    with pytest.raises(ValueError, match=name):
        KerasClassifier(softmax_net, **kwargs).fit(X, y)


def test_model_parameter_is_required_and_build_fn_is_deprecated(data3):
    X, y = data3
    with pytest.raises(ValueError, match="needs `model`"):
        KerasClassifier().fit(X, y)
    with pytest.raises(ValueError, match="Both `model` and `build_fn`"):
        KerasClassifier(softmax_net, build_fn=softmax_net).fit(X, y)
    with pytest.warns(FutureWarning, match="build_fn"):
        clf = KerasClassifier(build_fn=softmax_net, epochs=1).fit(X, y)
    assert clf.predict(X).shape == y.shape


def test_build_function_must_return_a_model(data3):
    X, y = data3
    with pytest.raises(TypeError, match=r"must return a keras\.Model"):
        KerasClassifier(lambda meta: "not a model").fit(X, y)


# -- calling the build function --
def test_build_function_gets_what_its_signature_asks_for(data3):
    X, y = data3
    seen = {}

    def build(meta, compile_kwargs, params, n_features_in_, n_classes_, units, extra):
        seen.update(
            meta=meta,
            compile_kwargs=compile_kwargs,
            params=params,
            n_features_in_=n_features_in_,
            n_classes_=n_classes_,
            units=units,
            extra=extra,
        )
        return softmax_net(meta, units)

    KerasClassifier(build, model__units=3, extra="x", optimizer="sgd").fit(X, y)
    meta = seen["meta"]
    assert meta["n_features_in_"] == seen["n_features_in_"] == 5
    assert meta["n_classes_"] == seen["n_classes_"] == 3
    assert meta["classes_"].tolist() == [0, 1, 2]
    assert meta["target_type_"] == "multiclass"
    assert meta["X_shape_"] == (90, 5) and meta["n_outputs_expected_"] == 1
    assert (seen["units"], seen["extra"]) == (3, "x")
    assert isinstance(seen["compile_kwargs"]["optimizer"], keras.optimizers.SGD)
    assert seen["params"]["model__units"] == 3


def test_model_params_need_a_build_function(data3):
    X, y = data3
    net = softmax_net({"n_features_in_": 5, "n_classes_": 3})
    with pytest.raises(ValueError, match=r"keras\.Model instance"):
        KerasClassifier(net, model__units=3).fit(X, y)


# -- losses and the encoding of y --
@pytest.mark.parametrize(
    ("loss", "encoding", "shape"),
    [
        ("categorical_crossentropy", "onehot", (90, 3)),
        (keras.losses.CategoricalCrossentropy, "onehot", (90, 3)),
        ("sparse_categorical_crossentropy", "codes", (90,)),
        (None, "codes", (90,)),
        ("binary_crossentropy", "onehot", (90, 3)),
    ],
)
def test_y_encoding_follows_the_loss(data3, loss, encoding, shape):
    X, y = data3
    clf = KerasClassifier(softmax_net, loss=loss, epochs=1, random_state=0).fit(X, y)
    assert clf.target_encoder_.encoding_ == encoding
    assert clf.target_encoder_.transform(y).shape == shape
    assert clf.predict(X).dtype == y.dtype
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0, rtol=1e-5)


def test_one_hot_targets_with_categorical_crossentropy(data3):
    X, y = data3
    Y = keras.utils.to_categorical(y, 3)
    clf = KerasClassifier(
        softmax_net,
        loss="categorical_crossentropy",
        optimizer="adam",
        optimizer__learning_rate=0.05,
        epochs=20,
        random_state=0,
    ).fit(X, Y)
    assert clf.target_encoder_.encoding_ == "onehot-indicator"
    pred = clf.predict(X)
    np.testing.assert_array_equal(pred.sum(axis=1), 1)  # one class per row
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0, rtol=1e-5)
    assert clf.score(X, Y) > 0.8


def test_binary_labels_with_one_sigmoid_unit_or_two_softmax_units(data2):
    X, y = data2
    sig = KerasClassifier(build_classifier, epochs=2, random_state=0).fit(X, y)
    assert sig.model_.loss == "binary_crossentropy"
    assert sig.target_encoder_.encoding_ == "column"
    soft = KerasClassifier(softmax_net, epochs=2, random_state=0).fit(X, y)
    assert soft.model_.loss == "sparse_categorical_crossentropy"
    for clf in (sig, soft):
        assert set(clf.predict(X)) <= {"yes", "no"}
        assert clf.predict_proba(X).shape == (80, 2)


def test_output_width_that_cannot_match_the_loss_is_explained(data3):
    X, y = data3

    def one_unit(meta):
        return keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])

    with pytest.raises(ValueError, match=r"meta\['n_classes_'\]"):
        KerasClassifier(one_unit, loss="categorical_crossentropy").fit(X, y)


def test_loss_of_a_self_compiled_model_is_kept(data3):
    X, y = data3

    def compiled(meta, compile_kwargs):
        net = softmax_net(meta)
        compile_kwargs["loss"] = "categorical_crossentropy"
        net.compile(**compile_kwargs)
        return net

    clf = KerasClassifier(compiled, epochs=1).fit(X, y)
    assert clf.target_encoder_.encoding_ == "onehot"
    with pytest.raises(ValueError, match="but model compiled with loss"):
        KerasClassifier(compiled, loss="sparse_categorical_crossentropy").fit(X, y)


def test_model_compiled_without_loss_gets_the_default(data3):
    X, y = data3

    def no_loss(meta):
        net = softmax_net(meta)
        net.compile(optimizer="adam")
        return net

    clf = KerasClassifier(no_loss, epochs=1).fit(X, y)
    assert clf.model_.loss == "sparse_categorical_crossentropy"


def test_routed_loss_and_metric_parameters(data2):
    X, y = data2
    clf = KerasClassifier(
        build_classifier,
        loss="binary_crossentropy",
        loss__label_smoothing=0.2,
        metrics=[keras.metrics.AUC, "accuracy"],
        metrics__0__name="my_auc",
        epochs=2,
    ).fit(X, y)
    assert isinstance(clf.model_.loss, keras.losses.BinaryCrossentropy)
    assert clf.model_.loss.get_config()["label_smoothing"] == pytest.approx(0.2)
    assert {"my_auc", "accuracy", "loss"} <= set(clf.history_)
    with pytest.raises(ValueError, match="loss=None"):
        KerasClassifier(build_classifier, loss__label_smoothing=0.1).fit(X, y)
    with pytest.raises(ValueError, match="item '5'"):
        KerasClassifier(build_classifier, metrics=["mse"], metrics__5__x=1).fit(X, y)


# -- optimizers --
@pytest.mark.parametrize(
    "optimizer",
    ["adam", keras.optimizers.Adam, keras.optimizers.Adam(learning_rate=0.5)],
    ids=["name", "class", "instance"],
)
def test_optimizer_routing_and_fresh_optimizer_per_fit(data3, optimizer):
    X, y = data3
    clf = KerasClassifier(
        softmax_net, optimizer=optimizer, optimizer__learning_rate=0.03, epochs=1
    ).fit(X, y)
    first = clf.model_.optimizer
    assert isinstance(first, keras.optimizers.Adam)
    assert float(first.learning_rate) == pytest.approx(0.03)
    clf.fit(X, y)
    assert clf.model_.optimizer is not first
    if not isinstance(optimizer, str | type):
        assert optimizer.iterations.numpy() == 0  # the given instance is untouched


def test_bad_optimizer_settings_are_explained(data3):
    X, y = data3
    with pytest.raises(ValueError, match="Did you mean 'adam'"):
        KerasClassifier(softmax_net, optimizer="adamm").fit(X, y)
    with pytest.raises(ValueError, match="Did you mean 'learning_rate'"):
        KerasClassifier(softmax_net, optimizer__learning_rat=0.1).fit(X, y)
    with pytest.raises(TypeError, match="'optimizer' parameter"):
        KerasClassifier(softmax_net, optimizer=3).fit(X, y)


# -- a ready keras.Model as `model` ------------------------------------------------
def test_model_instance_is_copied_for_every_fit(data3):
    X, y = data3
    net = softmax_net({"n_features_in_": 5, "n_classes_": 3})
    net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    before = [w.copy() for w in net.get_weights()]
    a = KerasClassifier(net, epochs=2).fit(X, y)
    b = clone(a).fit(X, y)
    assert a.model_ is not net and b.model_ is not a.model_
    for w0, w1 in zip(before, net.get_weights(), strict=True):
        np.testing.assert_array_equal(w0, w1)
    assert a.model_.loss == "sparse_categorical_crossentropy"
    restored = pickle.loads(pickle.dumps(a))
    np.testing.assert_allclose(restored.predict_proba(X), a.predict_proba(X))


# -- callbacks --
class Recorder(keras.callbacks.Callback):
    """Counts epochs; ``tag`` shows which routed parameters reached it."""

    def __init__(self, tag="none"):
        super().__init__()
        self.tag = tag
        self.epochs = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1
        if self.tag == "stop" and epoch >= 1:
            self.model.stop_training = True


def test_callbacks_routing_by_name_and_fit_callbacks(data3):
    X, y = data3
    clf = KerasClassifier(
        softmax_net,
        epochs=6,
        callbacks={"rec": Recorder, "early": keras.callbacks.EarlyStopping},
        callbacks__rec__tag="stop",
        callbacks__early__monitor="loss",
        fit__callbacks=[Recorder],
    ).fit(X, y)
    assert clf.n_iter_ == 2  # Recorder(tag="stop") ended training after 2 epochs
    assert len(clf.history_["loss"]) == 2


def test_callback_instances_are_copied_per_fit_and_bad_ones_rejected(data3):
    X, y = data3
    rec = Recorder()
    KerasClassifier(softmax_net, epochs=2, callbacks=rec).fit(X, y)
    assert rec.epochs == 0  # the fit used a copy
    with pytest.raises(TypeError, match=r"keras\.callbacks\.Callback"):
        KerasClassifier(softmax_net, callbacks=[print]).fit(X, y)
    with pytest.raises(ValueError, match="item 'other'"):
        KerasClassifier(
            softmax_net, callbacks={"rec": Recorder}, callbacks__other__tag="x"
        ).fit(X, y)


# -- fit settings --
def test_fit_routed_settings_override_and_validation_split(data3):
    X, y = data3
    clf = KerasClassifier(
        softmax_net, epochs=1, fit__epochs=3, batch_size=-1, validation_split=0.2
    ).fit(X, y)
    assert clf.n_iter_ == 3
    assert len(clf.history_["val_loss"]) == 3
    with pytest.raises(ValueError, match="validation_split"):
        KerasClassifier(softmax_net, validation_split=0.95).fit(X[:10], y[:10])


def test_predict_batch_size_gives_the_same_predictions(data3):
    X, y = data3
    clf = KerasClassifier(softmax_net, epochs=1, random_state=0).fit(X, y)
    proba = clf.predict_proba(X)
    clf.set_params(predict__batch_size=7)
    np.testing.assert_allclose(clf.predict_proba(X), proba, rtol=1e-5, atol=1e-6)


def test_run_eagerly_trains_through_keras_fit(data3):
    X, y = data3
    clf = KerasClassifier(softmax_net, epochs=2, run_eagerly=True).fit(X, y)
    assert clf.model_.run_eagerly and clf.n_iter_ == 2


def test_compile_routed_parameters_reach_compile(data3):
    X, y = data3
    clf = KerasClassifier(softmax_net, epochs=1, compile__steps_per_execution=4)
    clf.fit(X, y)
    assert clf.model_.get_compile_config()["steps_per_execution"] == 4


def test_class_weight_and_sample_weight_shift_predictions(data3):
    X, y = data3
    params = dict(optimizer="adam", optimizer__learning_rate=0.05, epochs=10)
    heavy = {0: 100.0, 1: 0.01, 2: 0.01}
    cw = KerasClassifier(softmax_net, class_weight=heavy, **params).fit(X, y)
    routed = KerasClassifier(softmax_net, fit__class_weight=heavy, **params).fit(X, y)
    sw = np.where(y == 0, 100.0, 0.01)
    weighted = KerasClassifier(softmax_net, **params).fit(X, y, sample_weight=sw)
    for clf in (cw, routed, weighted):
        assert np.mean(clf.predict(X) == 0) > 0.9
    with pytest.raises(ValueError, match="not classes of y"):
        KerasClassifier(softmax_net, class_weight={7: 1.0}).fit(X, y)


# -- seeds, warm starts, partial fits ------------------------------------------------
def test_random_state_reproduces_and_leaves_no_global_state(data3):
    X, y = data3
    np_state = np.random.get_state()[1].copy()
    py_state = random.getstate()
    a = KerasClassifier(softmax_net, epochs=2, random_state=3).fit(X, y)
    assert random.getstate() == py_state
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)
    b = KerasClassifier(softmax_net, epochs=2, random_state=3).fit(X, y)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-6)
    # An unseeded fit after seeded ones works and differs from them.
    c = KerasClassifier(softmax_net, epochs=2).fit(X, y)
    assert not np.allclose(a.predict_proba(X), c.predict_proba(X))


def test_warm_start_and_partial_fit_continue_training(data3):
    X, y = data3
    clf = KerasClassifier(softmax_net, epochs=2, warm_start=True).fit(X, y)
    model = clf.model_
    clf.fit(X, y)
    # The same network trains on; n_iter_ counts this call's epochs (as in
    # scikit-learn) and fit starts a new history (as in scikeras).
    assert clf.model_ is model and clf.n_iter_ == 2
    assert clf.current_epoch == 2 and len(clf.history_["loss"]) == 2
    part = KerasClassifier(softmax_net)
    part.partial_fit(X[:30], y[:30], classes=[0, 1, 2])
    part.partial_fit(X[30:], y[30:])
    # partial_fit extends the history; n_iter_ is the call's one epoch.
    assert part.n_iter_ == 1 and part.current_epoch == 2
    assert part.classes_.tolist() == [0, 1, 2]


def test_failed_refit_keeps_the_fitted_state(data3):
    X, y = data3
    clf = KerasClassifier(softmax_net, epochs=1).fit(X, y)
    model = clf.model_
    clf.set_params(model__nope=1)
    with pytest.raises(ValueError, match="model__nope"):
        clf.fit(X, y)
    assert clf.model_ is model


# -- encoders --
class ScaledClassifier(KerasClassifier):
    """Custom feature encoder, with metadata for the build function."""

    @property
    def feature_encoder(self):
        class Scaler(FunctionTransformer):
            def get_metadata(self):
                return {"scale_": 0.5}

        return Scaler(lambda X: X * 0.5)


def test_feature_encoder_extension_point(data3):
    X, y = data3
    seen = {}

    def build(meta):
        seen["scale_"] = meta["scale_"]
        return softmax_net(meta)

    clf = ScaledClassifier(build, epochs=1).fit(X, y)
    assert seen["scale_"] == 0.5
    np.testing.assert_allclose(clf.feature_encoder_.transform(X[:2]), X[:2] * 0.5)
    assert clf.predict(X).shape == (90,)


class StandardizedRegressor(KerasRegressor):
    @property
    def target_encoder(self):
        return KerasRegressorTargetEncoder(standardize=True)


def test_regressor_sees_raw_targets_unless_the_encoder_says_otherwise(reg_data):
    X, y = reg_data
    raw = KerasRegressor(build_regressor, epochs=1).fit(X, y)
    np.testing.assert_allclose(raw.target_encoder_.transform(y).ravel(), y)
    std = StandardizedRegressor(build_regressor, epochs=1).fit(X, y)
    assert abs(std.target_encoder_.transform(y).mean()) < 1e-6
    assert raw.target_type_ == "continuous" and raw.n_outputs_ == 1


def test_regressor_multi_output_and_score(reg_data):
    X, y = reg_data
    Y = np.column_stack([y, -y]) / 100
    reg = fast(KerasRegressor, epochs=80).fit(X, Y)
    assert reg.predict(X).shape == (80, 2)
    assert reg.target_type_ == "continuous-multioutput"
    assert reg.score(X, Y) > 0.8


# -- sklearn integration --
def test_estimator_types_and_pickling(data3):
    X, y = data3
    assert is_classifier(KerasClassifier()) and is_regressor(KerasRegressor())
    clf = fast(KerasClassifier, epochs=2).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(restored.predict_proba(X), clf.predict_proba(X))
    assert restored.get_params()["optimizer__learning_rate"] == 0.01


class ScikerasStyleMLP(KerasClassifier):
    """scikeras' subclassing pattern: own named params and _keras_build_fn."""

    def __init__(
        self,
        hidden_layer_sizes=(8,),
        optimizer="adam",
        optimizer__learning_rate=0.05,
        epochs=3,
        verbose=0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.hidden_layer_sizes = hidden_layer_sizes
        self.optimizer = optimizer
        self.optimizer__learning_rate = optimizer__learning_rate
        self.epochs = epochs
        self.verbose = verbose

    def _keras_build_fn(self, meta, compile_kwargs):
        model = keras.Sequential([keras.Input((meta["n_features_in_"],))])
        for units in self.hidden_layer_sizes:
            model.add(keras.layers.Dense(units, activation="relu"))
        model.add(keras.layers.Dense(meta["n_classes_"], activation="softmax"))
        compile_kwargs["loss"] = "sparse_categorical_crossentropy"
        model.compile(**compile_kwargs)
        return model


def test_scikeras_subclass_with_keras_build_fn(data3):
    X, y = data3
    clf = ScikerasStyleMLP(random_state=0).fit(X, y)
    assert float(clf.model_.optimizer.learning_rate) == pytest.approx(0.05)
    twin = clone(clf.set_params(hidden_layer_sizes=(4,), epochs=2))
    assert twin.random_state == 0 and twin.hidden_layer_sizes == (4,)
    assert twin.fit(X, y).n_iter_ == 2


@keras.saving.register_keras_serializable(package="skdl_tests")
class Doubling(keras.layers.Layer):
    """A user-defined layer: pickling needs it registered with Keras."""

    def call(self, inputs):
        return 2.0 * inputs


def build_with_custom_layer(meta):
    net = softmax_net(meta)
    return keras.Sequential([keras.Input((meta["n_features_in_"],)), Doubling(), net])


def test_pickling_a_network_with_a_registered_custom_layer(data3):
    X, y = data3
    clf = KerasClassifier(build_with_custom_layer, epochs=1, random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    assert any(isinstance(layer, Doubling) for layer in restored.model_.layers)
    np.testing.assert_allclose(restored.predict_proba(X), clf.predict_proba(X))
