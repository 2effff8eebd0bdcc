"""Transfer learning: a network trained on MNIST helps on sklearn's digits."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skdl import ConvClassifier
from skdl.backend import import_keras
from skdl.datasets import load_mnist
from tests.conftest import shared_file

pytestmark = pytest.mark.slow


def digits_as_mnist() -> tuple[np.ndarray, np.ndarray]:
    """sklearn's 8x8 digits in MNIST's layout: 20x20 in a 28x28 frame, [0, 1]."""
    from scipy.ndimage import zoom

    X, y = load_digits(return_X_y=True)
    images = zoom((X / 16.0).reshape(-1, 8, 8), (1, 2.5, 2.5), order=1)
    images = np.pad(np.clip(images, 0.0, 1.0), ((0, 0), (4, 4), (4, 4)))
    return images[..., None].astype(np.float32), y


def test_mnist_backbone_beats_training_from_scratch(tmp_path):
    (X_mnist, y_mnist), _ = load_mnist(shared_file("mnist.npz"))
    source = ConvClassifier(max_iter=5, random_state=0)
    source.fit(X_mnist[:10000], y_mnist[:10000])
    keras = import_keras()
    net = source.model_
    path = tmp_path / "mnist_backbone.keras"
    keras.Model(net.inputs, net.layers[-2].output).save(path)

    X, y = digits_as_mnist()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=100, stratify=y, random_state=0
    )
    scratch = ConvClassifier(random_state=0).fit(X_train, y_train)
    transfer = ConvClassifier(backbone=str(path), random_state=0)
    transfer.fit(X_train, y_train)
    scratch_acc = scratch.score(X_test, y_test)
    transfer_acc = transfer.score(X_test, y_test)
    print(f"scratch {scratch_acc:.3f}, transfer {transfer_acc:.3f}")
    assert transfer_acc >= scratch_acc + 0.03, (scratch_acc, transfer_acc)


@pytest.mark.filterwarnings("ignore:`input_shape` is undefined:UserWarning")
def test_applications_backbone_with_a_local_weights_file(tmp_path):
    keras = import_keras()
    shape = (32, 32, 3)
    reference = keras.applications.MobileNetV3Small(
        include_top=False, weights=None, input_shape=shape, pooling="avg"
    )
    weights = tmp_path / "small.weights.h5"
    reference.save_weights(weights)
    rng = np.random.RandomState(0)
    X = rng.uniform(0, 255, size=(24, *shape)).astype(np.float32)
    y = np.arange(24) % 2
    clf = ConvClassifier(
        backbone="MobileNetV3Small",
        backbone_weights=str(weights),
        dense_layer_sizes=(),
        max_iter=1,
        random_state=0,
    ).fit(X, y)
    expected = reference.predict_on_batch(X[:4])
    got = clf.backbone_.predict_on_batch(X[:4])
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    assert not clf.backbone_.trainable
