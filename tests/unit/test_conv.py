"""ConvClassifier: input layouts, pixel scaling, augmentation, persistence, errors."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils._param_validation import InvalidParameterError

from skdl import ConvClassifier
from skdl.backend import import_keras

TINY = dict(
    filters=(4,),
    dense_layer_sizes=(8,),
    max_iter=3,
    batch_size=64,
    learning_rate_init=0.01,
    random_state=0,
)


def tiny(**overrides) -> ConvClassifier:
    return ConvClassifier(**{**TINY, **overrides})


@pytest.fixture(scope="module")
def digits():
    """300 real 8x8 digits scaled to [0, 1], as 4-D images, and labels."""
    X, y = load_digits(return_X_y=True)
    return (X[:300] / 16.0).reshape(-1, 8, 8, 1), y[:300]


@pytest.fixture(scope="module")
def fitted(digits):
    X, y = digits
    return tiny().fit(X, y)


def _layer_types(clf) -> list[str]:
    return [type(layer).__name__ for layer in clf.model_.layers]


# -- input layouts ----
def test_4d_3d_and_flat_inputs_train_the_same_network(digits, fitted):
    X, y = digits
    proba = fitted.predict_proba(X)
    assert fitted.input_shape_ == (8, 8, 1)
    assert fitted.n_features_in_ == 64
    assert "Conv2D" in _layer_types(fitted)

    from_3d = tiny().fit(X[..., 0], y)
    from_flat = tiny(image_shape=(8, 8)).fit(X.reshape(300, 64), y)
    for other in (from_3d, from_flat):
        assert other.input_shape_ == (8, 8, 1)
        np.testing.assert_allclose(other.predict_proba(X), proba, atol=1e-6)


def test_fitted_model_accepts_any_layout_of_its_images(digits, fitted):
    X, _ = digits
    proba = fitted.predict_proba(X)
    np.testing.assert_array_equal(fitted.predict_proba(X[..., 0]), proba)
    np.testing.assert_array_equal(fitted.predict_proba(X.reshape(300, 64)), proba)
    nested = X[:5].tolist()  # a nested list of 4-D images
    np.testing.assert_allclose(fitted.predict_proba(nested), proba[:5], atol=1e-6)


def test_2d_input_without_image_shape_is_a_batch_of_1d_signals(digits):
    X, y = digits
    clf = tiny(kernel_size=5, pool_size=(3,), max_iter=15).fit(X.reshape(300, 64), y)
    assert clf.input_shape_ == (64, 1)
    types = _layer_types(clf)
    assert "Conv1D" in types and "Conv2D" not in types
    assert clf.model_.get_layer("conv_0").kernel_size == (5,)
    assert clf.score(X.reshape(300, 64), y) > 0.8  # 10 classes: chance is 0.1


def test_flat_pipeline_with_image_shape(digits):
    X, y = digits
    flat = X.reshape(300, 64) * 16.0
    pipe = make_pipeline(MinMaxScaler(), tiny(image_shape=(8, 8, 1))).fit(flat, y)
    assert pipe[-1].input_shape_ == (8, 8, 1)
    assert pipe.predict(flat[:4]).shape == (4,)


def test_multichannel_images_and_rectangular_windows():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(60, 6, 10, 3)).astype(np.float32)
    y = (X[:, :, :, 0].mean(axis=(1, 2)) > 0.5).astype(int)
    clf = tiny(kernel_size=(3, 5), pool_size=(2, 1)).fit(X, y)
    assert clf.input_shape_ == (6, 10, 3)
    assert clf.model_.get_layer("conv_0").kernel_size == (3, 5)
    assert clf.model_.get_layer("pool_0").output.shape[1:3] == (3, 10)
    assert clf.predict_proba(X).shape == (60, 2)


# -- pixel scaling ----
def test_uint8_images_are_scaled_to_unit_range(digits):
    X, y = digits
    X8 = np.round(X * 255).astype(np.uint8)
    as_float = tiny().fit(X8 / 255.0, y)
    as_uint8 = tiny().fit(X8, y)
    np.testing.assert_allclose(
        as_uint8.predict_proba(X8), as_float.predict_proba(X8 / 255.0), atol=1e-5
    )
    raw = tiny(scale_uint8=False).fit(X8, y)
    assert not np.allclose(raw.predict_proba(X8), as_uint8.predict_proba(X8))


# -- architecture ----
def test_blocks_batch_norm_and_dropout_per_block(digits):
    X, y = digits
    clf = tiny(
        filters=(4, 6),
        dense_layer_sizes=(8, 8),
        batch_norm=True,
        dropout=[0.1, 0.0, 0.2, 0.3],
        pool_size=1,
        max_iter=1,
    ).fit(X, y)
    model = clf.model_
    assert [model.get_layer(f"conv_{i}").filters for i in range(2)] == [4, 6]
    assert model.get_layer("conv_0").use_bias is False
    assert _layer_types(clf).count("BatchNormalization") == 2
    assert "MaxPooling2D" not in _layer_types(clf)
    rates = {la.name: la.rate for la in model.layers if type(la).__name__ == "Dropout"}
    assert rates == {"dropout_0": 0.1, "dropout_2": 0.2, "dropout_3": 0.3}
    assert [c.shape for c in clf.coefs_] == [(384, 8), (8, 8), (8, 10)]
    assert clf.n_layers_ == 6  # input + 2 convolutions + 3 dense layers


# -- augmentation ----
def test_augmentation_acts_in_training_only(digits):
    X, y = digits
    clf = tiny(augmentation="light").fit(X, y)
    assert "RandomRotation" in _layer_types(clf)
    first = clf.predict_proba(X)
    np.testing.assert_array_equal(clf.predict_proba(X), first)
    # The same network in training mode transforms its input: outputs move.
    keras = import_keras()
    training = keras.ops.convert_to_numpy(
        clf.model_(X.astype("float32"), training=True)
    )
    assert not np.allclose(training, first, atol=1e-4)


def test_augmentation_presets_and_custom_layers(digits):
    X, y = digits
    keras = import_keras()
    photo = tiny(augmentation="photo", max_iter=1).fit(X, y)
    assert "RandomFlip" in _layer_types(photo)
    light = tiny(augmentation="light", max_iter=1).fit(X, y)
    assert "RandomFlip" not in _layer_types(light)

    mine = [keras.layers.RandomContrast(0.3, value_range=(0, 1), seed=1)]
    clf = tiny(augmentation=mine, max_iter=1).fit(X, y)
    used = [la for la in clf.model_.layers if type(la).__name__ == "RandomContrast"]
    assert len(used) == 1 and used[0] is not mine[0]  # a fresh copy per fit
    assert used[0].get_config()["factor"] == mine[0].get_config()["factor"]
    np.testing.assert_array_equal(clf.predict(X), clf.predict(X))
    # Estimators holding layers clone and pickle like any other.
    assert clone(clf).augmentation[0] is not mine[0]
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


# -- persistence ----
def test_pickle_round_trip_predicts_identically(digits):
    X, y = digits
    clf = tiny(augmentation="light", batch_norm=True, dropout=0.2).fit(X, y)
    clone = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(clone.predict_proba(X), clf.predict_proba(X))
    assert clone.input_shape_ == clf.input_shape_
    np.testing.assert_array_equal(clone.predict(X[..., 0]), clf.predict(X))


# -- warm start / partial_fit ----
def test_warm_start_and_partial_fit_continue_on_the_fitted_shape(digits):
    X, y = digits
    clf = tiny(warm_start=True).fit(X, y)
    clf.fit(X.reshape(300, 64), y)  # same images, flat: continues
    assert len(clf.loss_curve_) == 6
    with pytest.raises(ValueError, match=r"fitted on input of shape \(8, 8, 1\)"):
        clf.fit(X[:, :6, :6, :], y)
    assert len(clf.loss_curve_) == 6

    online = tiny()
    online.partial_fit(X[:150], y[:150], classes=np.unique(y))
    online.partial_fit(X[150:, :, :, 0], y[150:])
    assert len(online.loss_curve_) == 2 and online.input_shape_ == (8, 8, 1)


def test_early_stopping_and_sample_weight_on_images(digits):
    X, y = digits
    clf = tiny(early_stopping=True, validation_fraction=0.2, max_iter=4)
    clf.fit(X, y, sample_weight=np.linspace(0.5, 1.5, len(y)))
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert 0.0 <= clf.best_validation_score_ <= 1.0


# -- errors ----
def test_predict_rejects_images_of_another_shape(digits, fitted):
    X, _ = digits
    with pytest.raises(ValueError, match=r"images of shape \(7, 8, 1\).*\(8, 8, 1\)"):
        fitted.predict(X[:, :7])
    with pytest.raises(ValueError, match=r"images of shape \(8, 8, 2\)"):
        fitted.predict(np.concatenate([X, X], axis=3))
    with pytest.raises(ValueError, match="X has 63 features"):
        fitted.predict(X.reshape(300, 64)[:, :63])
    with pytest.raises(ValueError, match="got shape"):
        fitted.predict(X[..., None])


def test_image_shape_must_fit_the_data(digits, fitted):
    X, y = digits
    before = fitted.predict_proba(X)
    with pytest.raises(ValueError, match=r"needs 49 values per row.*64 features"):
        tiny(image_shape=(7, 7)).fit(X.reshape(300, 64), y)
    with pytest.raises(ValueError, match=r"does not match the images in X"):
        tiny(image_shape=(4, 16, 1)).fit(X, y)
    # A failed fit leaves an earlier fit intact.
    fitted.set_params(image_shape=(7, 7))
    try:
        with pytest.raises(ValueError, match="image_shape"):
            fitted.fit(X.reshape(300, 64), y)
    finally:
        fitted.set_params(image_shape=None)
    np.testing.assert_array_equal(fitted.predict_proba(X), before)


def test_options_that_need_images_reject_1d_signals(digits):
    X, y = digits
    flat = X.reshape(300, 64)
    with pytest.raises(ValueError, match="augmentation transforms images"):
        tiny(augmentation="light").fit(flat, y)
    with pytest.raises(ValueError, match=r"kernel_size=\(3, 3\) is a 2-D window"):
        tiny(kernel_size=(3, 3)).fit(flat, y)


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"filters": 0}, ValueError, "'filters'"),
        ({"filters": (8, -1)}, ValueError, "'filters'"),
        ({"filters": ()}, ValueError, "'filters'"),
        ({"kernel_size": (3, 3, 3)}, ValueError, "'kernel_size'"),
        ({"pool_size": 0}, ValueError, "'pool_size'"),
        ({"dense_layer_sizes": (8, 0)}, ValueError, "'dense_layer_sizes'"),
        ({"dropout": [0.1, 0.2, 0.3]}, ValueError, r"'dropout'.*2 here"),
        ({"dropout": 1.5}, InvalidParameterError, "'dropout'"),
        ({"image_shape": (8,)}, ValueError, "'image_shape'"),
        ({"image_shape": (8, 8, 0)}, ValueError, "'image_shape'"),
        ({"augmentation": "heavy"}, InvalidParameterError, "'augmentation'"),
        ({"augmentation": ["flip"]}, TypeError, "'augmentation'"),
        ({"batch_norm": "yes"}, InvalidParameterError, "'batch_norm'"),
        ({"scale_uint8": None}, InvalidParameterError, "'scale_uint8'"),
        ({"activation": "wiggly"}, ValueError, "'activation'"),
        ({"solver": "lbfgs"}, ValueError, "lbfgs"),
    ],
)
def test_invalid_parameters_raise_naming_the_parameter(digits, params, error, match):
    X, y = digits
    with pytest.raises(error, match=match):
        tiny(**params).fit(X[:20], y[:20])
