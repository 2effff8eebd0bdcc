"""ConvClassifier(backbone=...): loading, freezing, fine-tuning, safety, persistence."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits

import skdl
from skdl import ConvClassifier
from skdl.backend import import_keras

TINY = dict(dense_layer_sizes=(8,), max_iter=3, learning_rate_init=0.01, random_state=0)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return (X[:300] / 16.0).reshape(-1, 8, 8, 1).astype(np.float32), y[:300]


def _small_backbone(batch_norm: bool = False):
    keras = import_keras()
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(4, 3, padding="same", name="conv_a")(inputs)
    if batch_norm:
        x = keras.layers.BatchNormalization(name="bn")(x)
    x = keras.layers.Activation("relu")(x)
    x = keras.layers.Conv2D(4, 3, padding="same", name="conv_b")(x)
    return keras.Model(inputs, x, name="small")


@pytest.fixture(scope="module")
def backbone_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("backbone") / "small.keras"
    _small_backbone(batch_norm=True).save(path)
    return path


def _weights(model, name):
    return [np.asarray(w) for w in model.get_layer(name).get_weights()]


def _same(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_frozen_backbone_keeps_its_weights_and_the_head_trains(digits, backbone_file):
    X, y = digits
    source = import_keras().saving.load_model(backbone_file)
    clf = ConvClassifier(backbone=str(backbone_file), **TINY).fit(X, y)
    inner = clf.backbone_
    for name in ("conv_a", "bn", "conv_b"):
        assert _same(_weights(inner, name), _weights(source, name))
    assert not inner.trainable
    types = [type(la).__name__ for la in clf.model_.layers]
    assert "GlobalAveragePooling2D" in types and "Conv2D" not in types
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]  # the head trains


def test_unfrozen_backbone_trains(digits, backbone_file):
    X, y = digits
    clf = ConvClassifier(backbone=backbone_file, freeze=False, **TINY).fit(X, y)
    source = import_keras().saving.load_model(backbone_file)
    assert not _same(_weights(clf.backbone_, "conv_a"), _weights(source, "conv_a"))


def test_fine_tuning_unfreezes_the_last_layers_only(digits, backbone_file):
    X, y = digits
    clf = ConvClassifier(
        backbone=backbone_file, fine_tune_epochs=2, fine_tune_layers=1, **TINY
    ).fit(X, y)
    source = import_keras().saving.load_model(backbone_file)
    inner = clf.backbone_
    assert clf.n_iter_ == TINY["max_iter"] + 2
    assert len(clf.loss_curve_) == clf.n_iter_
    assert not _same(_weights(inner, "conv_b"), _weights(source, "conv_b"))
    assert _same(_weights(inner, "conv_a"), _weights(source, "conv_a"))
    # Batch normalization stays in inference mode: its statistics are kept.
    assert _same(_weights(inner, "bn"), _weights(source, "bn"))
    lr = float(np.asarray(clf.model_.optimizer.learning_rate))
    assert lr == pytest.approx(1e-5)


def test_a_keras_model_is_copied_never_changed(digits, tmp_path):
    X, y = digits
    model = _small_backbone()
    before = [np.array(w) for w in model.get_weights()]
    clf = ConvClassifier(backbone=model, freeze=False, **TINY).fit(X, y)
    assert model.trainable and clf.backbone_ is not model
    assert _same(model.get_weights(), before)
    fresh = clone(clf)
    assert isinstance(fresh.backbone, import_keras().Model)
    # The safe file holds the backbone parameter too (architecture and
    # weights), and the loaded estimator refits from it.
    skdl.save(clf, tmp_path / "clf.skdl")
    loaded = skdl.load(tmp_path / "clf.skdl")
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded.backbone is not model
    assert [layer.name for layer in loaded.backbone.layers] == [
        layer.name for layer in model.layers
    ]
    assert _same(loaded.backbone.get_weights(), before)
    refit = loaded.fit(X, y).predict_proba(X)
    again = ConvClassifier(backbone=model, freeze=False, **TINY).fit(X, y)
    np.testing.assert_array_equal(refit, again.predict_proba(X))


def test_a_subclassed_backbone_is_refused_by_the_safe_file_by_name(tmp_path):
    keras = import_keras()

    class Tiny(keras.Model):
        def __init__(self):
            super().__init__()
            self.conv = keras.layers.Conv2D(2, 3, padding="same")

        def call(self, x):
            return self.conv(x)

    clf = ConvClassifier(backbone=Tiny(), **TINY)
    with pytest.raises(TypeError, match="backbone"):
        skdl.save(clf, tmp_path / "clf.skdl")
    skdl.save(clf, tmp_path / "clf.skdl", exclude=["backbone"])
    assert skdl.load(tmp_path / "clf.skdl").backbone is None


def test_pickle_and_safe_file_keep_the_backbone(digits, backbone_file, tmp_path):
    X, y = digits
    copy = tmp_path / "copy.keras"
    copy.write_bytes(backbone_file.read_bytes())
    clf = ConvClassifier(backbone=str(copy), **TINY).fit(X, y)
    proba = clf.predict_proba(X)
    path = tmp_path / "clf.skdl"
    skdl.save(clf, path)
    pickled = pickle.dumps(clf)
    copy.unlink()  # the backbone is part of the saved network
    np.testing.assert_array_equal(pickle.loads(pickled).predict_proba(X), proba)
    loaded = skdl.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), proba)
    assert not loaded.backbone_.trainable


def test_backbone_with_a_lambda_layer_is_refused(digits, tmp_path):
    keras = import_keras()
    inputs = keras.Input((8, 8, 1))
    outputs = keras.layers.Lambda(lambda t: t * 2.0)(inputs)
    path = tmp_path / "code.keras"
    keras.Model(inputs, outputs).save(path)
    X, y = digits
    with pytest.raises(ValueError, match="Lambda layer or other Python code"):
        ConvClassifier(backbone=str(path), **TINY).fit(X, y)


def test_backbone_input_shape_must_match(digits, tmp_path):
    keras = import_keras()
    inputs = keras.Input((28, 28, 1))
    path = tmp_path / "mnist.keras"
    keras.Model(inputs, keras.layers.Conv2D(2, 3)(inputs)).save(path)
    X, y = digits
    with pytest.raises(ValueError, match=r"\(28, 28, 1\).*\(8, 8, 1\)"):
        ConvClassifier(backbone=str(path), **TINY).fit(X, y)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"backbone": "NoSuchNet"}, "'backbone' parameter must be a path"),
        ({"backbone": "missing.keras"}, "does not exist"),
        ({"backbone": 3}, "'backbone' parameter must be"),
        ({"backbone_weights": None}, "backbone_weights=None"),
        ({"backbone_weights": "nowhere.weights.h5"}, "'backbone_weights'"),
        ({"fine_tune_epochs": -1}, "fine_tune_epochs"),
        ({"fine_tune_layers": 0}, "fine_tune_layers"),
    ],
)
def test_bad_backbone_parameters_name_themselves(
    digits, backbone_file, params, message
):
    X, y = digits
    params = {"backbone": str(backbone_file), **params}
    with pytest.raises((ValueError, TypeError), match=message):
        ConvClassifier(**params, **TINY).fit(X, y)


def test_missing_imagenet_weights_name_the_file_before_shape_checks(
    digits, tmp_path, monkeypatch
):
    from skdl._training import keras_compat as compat

    monkeypatch.setattr(compat, "keras_cache_dir", lambda: str(tmp_path))
    X, y = digits  # 8x8x1: far too small for MobileNetV2, reported second
    with pytest.raises(ValueError) as info:
        ConvClassifier(backbone="MobileNetV2").fit(X, y)
    message = str(info.value)
    assert (
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5" in message
    )
    assert str(tmp_path / "models") in message and "never downloads" in message


# -- MLP estimators: a backbone that takes rows of features ----------------------
@pytest.fixture(scope="module")
def encoder_and_rows():
    from skdl import AutoencoderTransformer

    X, y = load_digits(return_X_y=True)
    X = X[:400] / 16.0
    ae = AutoencoderTransformer(
        8,
        hidden_layer_sizes=(32,),
        max_iter=20,
        learning_rate_init=0.01,
        random_state=0,
    ).fit(X)
    return ae, X, y[:400]


def test_mlp_classifier_on_an_autoencoders_encoder(encoder_and_rows):
    from skdl import MLPClassifier

    ae, X, y = encoder_and_rows
    encoder = ae.model_.get_layer("encoder")
    clf = MLPClassifier(
        (16,), backbone=encoder, max_iter=200, learning_rate_init=0.01, random_state=0
    ).fit(X, y)
    # Frozen: the backbone still computes the autoencoder's code.
    code = clf.backbone_.predict_on_batch(X.astype(np.float32))
    np.testing.assert_allclose(code, ae.transform(X), rtol=1e-5, atol=1e-5)
    from sklearn.linear_model import LogisticRegression

    codes = LogisticRegression(max_iter=2000).fit(ae.transform(X), y)
    assert clf.score(X, y) >= codes.score(ae.transform(X), y) - 0.05
    assert [w.shape for w in clf.coefs_] == [(8, 16), (16, 10)]


def test_mlp_regressor_fine_tunes_its_backbone(encoder_and_rows):
    from skdl import MLPRegressor

    ae, X, y = encoder_and_rows
    encoder = ae.model_.get_layer("encoder")
    reg = MLPRegressor(
        hidden_layer_sizes=(8,),
        backbone=encoder,
        max_iter=5,
        fine_tune_epochs=3,
        random_state=0,
    ).fit(X, y.astype(float))
    assert reg.n_iter_ == 8 and reg.backbone_.trainable
    code = reg.backbone_.predict_on_batch(X.astype(np.float32))
    assert not np.allclose(code, ae.transform(X), atol=1e-6)


def test_mlp_refuses_an_image_network(encoder_and_rows):
    from skdl import MLPClassifier

    _, X, y = encoder_and_rows
    with pytest.raises(ValueError, match="takes rows of features"):
        MLPClassifier(backbone="MobileNetV2").fit(X, y)
