"""Transfer learning: a network trained on MNIST reused on scikit-learn's digits.

Usage::

    python examples/transfer_mnist_digits.py [path/to/mnist.npz]

Trains a ConvClassifier on 10,000 MNIST images (28x28), saves its network
without the output layer as ``mnist_backbone.keras``, and reuses it, frozen,
as the ``backbone`` of a new ConvClassifier trained on only 100 of
scikit-learn's 8x8 digits (enlarged to 20x20 and centred in 28x28 frames,
MNIST's layout). Prints its accuracy on the other 1,697 digits next to the
same network trained from scratch, and with a short fine-tuning phase.
Without ``mnist.npz`` (``../shared/data/mnist.npz`` by default) it says so
and stops. ``SKDL_EXAMPLES_FAST=1`` runs a quick version.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
from _util import FAST, epochs, output_path
from scipy.ndimage import zoom
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skdl import ConvClassifier
from skdl.datasets import load_mnist

# A fixed budget of epochs: sklearn's convergence test would warn that
# training could go on.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
DEFAULT_MNIST = Path(__file__).resolve().parents[1] / ".." / "shared/data/mnist.npz"


def digits_as_mnist() -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 digits enlarged to 20x20 and padded to 28x28, in [0, 1]."""
    X, y = load_digits(return_X_y=True)
    images = zoom((X / 16.0).reshape(-1, 8, 8), (1, 2.5, 2.5), order=1)
    images = np.pad(np.clip(images, 0.0, 1.0), ((0, 0), (4, 4), (4, 4)))
    return images[..., None].astype(np.float32), y


def train_backbone(mnist_path: Path) -> Path:
    import keras

    (X, y), _ = load_mnist(mnist_path)
    n = 2000 if FAST else 10000
    source = ConvClassifier(max_iter=epochs(5, 1), random_state=0).fit(X[:n], y[:n])
    net = source.model_
    path = output_path("mnist_backbone.keras")
    keras.Model(net.inputs, net.layers[-2].output).save(path)
    print(f"Trained on {n} MNIST images; backbone saved to {path}")
    return path


def main() -> None:
    mnist_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_MNIST
    if not mnist_path.exists():
        print(f"{mnist_path} not found: pass the path of MNIST's mnist.npz.")
        return
    backbone = train_backbone(mnist_path)
    X, y = digits_as_mnist()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=100, stratify=y, random_state=0
    )
    n = epochs(20, 3)  # 20: ConvClassifier's default max_iter
    models = {
        "from scratch": ConvClassifier(max_iter=n, random_state=0),
        "MNIST backbone, frozen": ConvClassifier(
            backbone=str(backbone), max_iter=n, random_state=0
        ),
        "MNIST backbone, then fine-tuned": ConvClassifier(
            backbone=str(backbone),
            max_iter=n,
            fine_tune_epochs=epochs(10, 2),
            random_state=0,
        ),
    }
    print(f"Digits: {len(X_train)} training and {len(X_test)} test images")
    for name, clf in models.items():
        clf.fit(X_train, y_train)
        print(f"{name:>32}: test accuracy {clf.score(X_test, y_test):.3f}")


if __name__ == "__main__":
    main()
